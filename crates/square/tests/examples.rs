//! Decodes every official Square example payload in `shared/square-examples/` into its typed
//! response or request, serializes it back, and checks that nothing Keeper models was lost
//! or changed. Each file must be mapped to a type here: a new, unmapped file fails the test.
//! The keys Keeper deliberately does not model are listed per file, so dropping a modelled
//! key (or modelling a listed one) also fails.

use keeper_square::models::{ObtainTokenRequest, Timestamp};
use keeper_square::requests::*;
use keeper_square::responses::*;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The official example payloads in `../shared`, found from this crate's directory at run
/// time (cargo sets it), not at compile time: a test binary reused from a build in another
/// checkout must not look there.
fn shared_examples() -> PathBuf {
    let dir = std::env::var("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
    PathBuf::from(dir).join("../../../shared/square-examples")
}

type RoundTrip = fn(&str) -> Result<Value, serde_json::Error>;

struct Case {
    file: &'static str,
    round_trip: RoundTrip,
    /// Paths Keeper does not model (`a.b[].c`), which the round trip drops.
    unmodelled: &'static [&'static str],
}

fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> Result<Value, serde_json::Error> {
    let typed: T = serde_json::from_str(text)?;
    serde_json::to_value(&typed)
}

macro_rules! case {
    ($file:literal => $ty:ty $(, unmodelled: [$($path:literal),* $(,)?])?) => {
        Case {
            file: $file,
            round_trip: round_trip::<$ty>,
            unmodelled: &[$($($path),*)?],
        }
    };
}

fn cases() -> Vec<Case> {
    vec![
        case!("BatchRetrieveCatalogObjects.json" => BatchRetrieveCatalogObjectsResponse),
        case!("BatchRetrieveCatalogObjects.request.json" => BatchRetrieveCatalogObjectsRequest),
        case!("BatchRetrieveOrders.json" => BatchRetrieveOrdersResponse),
        case!("BatchRetrieveOrders.request.json" => BatchRetrieveOrdersRequest),
        case!("CatalogInfo.json" => CatalogInfoResponse),
        case!("GetPayment.json" => GetPaymentResponse),
        case!("GetPaymentRefund.json" => GetPaymentRefundResponse),
        case!("ListBookings.json" => ListBookingsResponse),
        case!("ListCatalog.json" => ListCatalogResponse),
        case!("ListCustomerGroups.json" => ListCustomerGroupsResponse),
        case!("ListCustomerSegments.json" => ListCustomerSegmentsResponse),
        case!("ListCustomers.json" => ListCustomersResponse),
        case!("ListJobs.json" => ListJobsResponse),
        case!("ListLocations.json" => ListLocationsResponse),
        case!("ListLoyaltyPrograms.json" => ListLoyaltyProgramsResponse),
        case!("ListMerchants.json" => ListMerchantsResponse),
        case!("ListPaymentRefunds.json" => ListPaymentRefundsResponse),
        case!("ListPayments.json" => ListPaymentsResponse),
        case!("ListTeamMemberBookingProfiles.json" => ListTeamMemberBookingProfilesResponse),
        case!("ObtainToken.json" => ObtainTokenResponse),
        case!("ObtainToken.request.json" => ObtainTokenRequest),
        case!("RetrieveBooking.json" => RetrieveBookingResponse),
        case!("RetrieveCatalogObject.json" => RetrieveCatalogObjectResponse),
        case!("RetrieveCustomer.json" => RetrieveCustomerResponse),
        case!("RetrieveLocation.json" => RetrieveLocationResponse),
        case!("RetrieveLoyaltyAccount.json" => RetrieveLoyaltyAccountResponse),
        case!("RetrieveLoyaltyProgram.json" => RetrieveLoyaltyProgramResponse),
        case!("RetrieveMerchant.json" => RetrieveMerchantResponse),
        case!("RetrieveOrder.json" => RetrieveOrderResponse),
        case!("RetrieveTeamMember.json" => RetrieveTeamMemberResponse),
        case!("RetrieveTokenStatus.json" => RetrieveTokenStatusResponse),
        case!("RevokeToken.json" => RevokeTokenResponse),
        case!("RevokeToken.request.json" => keeper_square::models::RevokeTokenRequest),
        case!("SearchCatalogObjects.json" => SearchCatalogObjectsResponse),
        case!("SearchCatalogObjects.request.json" => SearchCatalogObjectsRequest),
        case!("SearchCustomers.json" => SearchCustomersResponse),
        case!("SearchCustomers.request.json" => SearchCustomersRequest),
        case!("SearchLoyaltyAccounts.json" => SearchLoyaltyAccountsResponse),
        case!("SearchLoyaltyAccounts.request.json" => SearchLoyaltyAccountsRequest),
        case!("SearchLoyaltyEvents.json" => SearchLoyaltyEventsResponse),
        case!("SearchLoyaltyEvents.request.json" => SearchLoyaltyEventsRequest),
        case!("SearchOrders.json" => SearchOrdersResponse),
        case!("SearchOrders.request.json" => SearchOrdersRequest),
        case!("SearchTeamMembers.json" => SearchTeamMembersResponse),
        case!("SearchTeamMembers.request.json" => SearchTeamMembersRequest),
    ]
}

fn examples_dir() -> PathBuf {
    let dir = shared_examples();
    assert!(
        dir.is_dir(),
        "the Square examples folder is absent: expected {} (the read-only shared folder \
         next to the repository, ../shared/square-examples from the workspace root)",
        dir.display()
    );
    dir.to_path_buf()
}

fn example_files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| {
            entry
                .expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".json"))
        .collect()
}

/// What the round trip changed.
#[derive(Default)]
struct Diff {
    /// Keys present in the original and absent after the round trip.
    dropped: BTreeSet<String>,
    /// Values that differ, or keys the round trip invented.
    changed: Vec<String>,
}

fn is_absent(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    }
}

fn scalars_equivalent(original: &Value, typed: &Value) -> bool {
    match (original, typed) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        // int64 sent as a string, written back as a number.
        (Value::String(s), Value::Number(n)) => s.parse::<i64>().ok() == n.as_i64(),
        // Timestamps are rewritten with `Z` and minimal fraction digits: same instant.
        (Value::String(a), Value::String(b)) => {
            a == b
                || matches!((Timestamp::parse(a), Timestamp::parse(b)),
                    (Ok(x), Ok(y)) if x.to_utc() == y.to_utc())
        }
        _ => original == typed,
    }
}

fn compare(path: &str, original: &Value, typed: &Value, diff: &mut Diff) {
    let child = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match (original, typed) {
        (Value::Object(orig), Value::Object(back)) => {
            for (key, value) in orig {
                if is_absent(Some(value)) {
                    continue;
                }
                match back.get(key) {
                    Some(back_value) => compare(&child(key), value, back_value, diff),
                    None => {
                        diff.dropped.insert(child(key));
                    }
                }
            }
            for (key, value) in back {
                if is_absent(orig.get(key)) && !is_absent(Some(value)) {
                    diff.changed
                        .push(format!("{}: invented {value}", child(key)));
                }
            }
        }
        (Value::Array(orig), Value::Array(back)) if orig.len() == back.len() => {
            for (a, b) in orig.iter().zip(back) {
                compare(&format!("{path}[]"), a, b, diff);
            }
        }
        _ if scalars_equivalent(original, typed) => {}
        _ => diff
            .changed
            .push(format!("{path}: {original} became {typed}")),
    }
}

#[test]
fn every_example_file_is_mapped_to_a_type() {
    let dir = examples_dir();
    let files = example_files(&dir);
    let mapped: BTreeSet<String> = cases().iter().map(|c| c.file.to_owned()).collect();
    let unmapped: Vec<_> = files.difference(&mapped).collect();
    let missing: Vec<_> = mapped.difference(&files).collect();
    assert!(
        unmapped.is_empty(),
        "example files with no type in tests/examples.rs: {unmapped:?}"
    );
    assert!(
        missing.is_empty(),
        "tests/examples.rs maps files that do not exist: {missing:?}"
    );
}

#[test]
fn every_example_decodes_and_round_trips_the_modelled_fields() {
    let dir = examples_dir();
    let mut failures = Vec::new();
    for case in cases() {
        let path = dir.join(case.file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // reported by every_example_file_is_mapped_to_a_type
        };
        let original: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", case.file));
        let typed = match (case.round_trip)(&text) {
            Ok(typed) => typed,
            Err(e) => {
                failures.push(format!("{}: does not decode: {e}", case.file));
                continue;
            }
        };
        let mut diff = Diff::default();
        compare("", &original, &typed, &mut diff);
        let expected: BTreeSet<String> = case.unmodelled.iter().map(|s| s.to_string()).collect();
        if diff.dropped != expected {
            failures.push(format!(
                "{}: dropped {:?}, expected to drop only {:?}",
                case.file, diff.dropped, expected
            ));
        }
        for change in diff.changed {
            failures.push(format!("{}: {change}", case.file));
        }
    }
    assert!(
        failures.is_empty(),
        "round-trip failures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn round_trip_comparison_flags_dropped_changed_and_invented_keys() {
    let original = serde_json::json!({
        "kept": {"version": "1605486402527", "at": "2018-02-01T00:00:00-00:00"},
        "lost": 1,
        "changed": [1, 2],
        "cursor": null,
        "errors": []
    });
    let typed = serde_json::json!({
        "kept": {"version": 1605486402527_i64, "at": "2018-02-01T00:00:00Z"},
        "changed": [1, 3],
        "invented": true
    });
    let mut diff = Diff::default();
    compare("", &original, &typed, &mut diff);
    assert_eq!(diff.dropped, BTreeSet::from(["lost".to_owned()]));
    assert_eq!(
        diff.changed,
        vec![
            "changed[]: 2 became 3".to_owned(),
            "invented: invented true".to_owned()
        ]
    );
}
