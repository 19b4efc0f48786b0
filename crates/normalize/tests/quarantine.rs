//! Quarantine: soft failures are stored and listed, hard failures only listed; re-running
//! adds nothing; a later passing version clears the entries.

mod common;

use common::{count, ctx, dump, now, objects, store};
use keeper_normalize::{Context, Limits, Rule, normalize_json, normalize_many};
use keeper_store::table::{customer::Customer, payment::Payment, quarantine};

const BAD_PHONE: &str = r#"{"id":"C1","given_name":"Ann","phone_number":"12345","version":1}"#;
const GOOD_PHONE: &str =
    r#"{"id":"C1","given_name":"Ann","phone_number":"212 555 4240","version":2}"#;

fn payment(id: &str, amount: i64, created_at: &str) -> String {
    format!(
        r#"{{"id":"{id}","amount_money":{{"amount":{amount},"currency":"USD"}},"status":"COMPLETED",
            "created_at":"{created_at}","customer_id":"C1"}}"#
    )
}

#[test]
fn soft_failure_is_stored_with_the_field_nulled_and_quarantined() {
    let s = store();
    let outcome = normalize_json(s.conn(), "CUSTOMER", BAD_PHONE, &ctx()).unwrap();
    assert!(outcome.stored() && outcome.failed(Rule::PhoneInvalid));
    let c = Customer::get(s.conn(), &"C1").unwrap().unwrap();
    assert_eq!((c.given_name.as_deref(), c.phone_e164), (Some("Ann"), None));
    let q = quarantine::list(s.conn()).unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(
        (q[0].object_type.as_str(), q[0].square_id.as_str()),
        ("CUSTOMER", "C1")
    );
    assert_eq!(
        (q[0].rule.as_str(), q[0].severity.as_str()),
        ("phone_invalid", "soft")
    );
    assert_eq!(q[0].json, BAD_PHONE);
    assert!(q[0].reason.contains("12345"), "{}", q[0].reason);
}

#[test]
fn amount_out_of_bounds_is_quarantined_and_not_stored() {
    let s = store();
    for (id, amount) in [("P0", 0), ("PNEG", -5), ("PBIG", 1_000_000)] {
        let outcome = normalize_json(
            s.conn(),
            "PAYMENT",
            &payment(id, amount, "2024-01-01T10:00:00Z"),
            &ctx(),
        )
        .unwrap();
        assert!(
            !outcome.stored() && outcome.failed(Rule::AmountOutOfBounds),
            "{id}"
        );
    }
    let ok = normalize_json(
        s.conn(),
        "PAYMENT",
        &payment("POK", 999_999, "2024-01-01T11:00:00Z"),
        &ctx(),
    )
    .unwrap();
    assert!(ok.stored() && ok.issues.is_empty());
    assert_eq!(count(&s, "payments"), 1);
    let q = quarantine::list(s.conn()).unwrap();
    assert_eq!(q.len(), 3);
    assert!(
        q.iter()
            .all(|r| r.severity == "hard" && r.rule == "amount_out_of_bounds")
    );
}

#[test]
fn amount_ceiling_is_configurable() {
    let s = store();
    let limits = Limits {
        amount_ceiling: 5_000_000,
        ..Limits::default()
    };
    let ctx = Context::new(Some("US"), now()).with_limits(limits);
    let outcome = normalize_json(
        s.conn(),
        "PAYMENT",
        &payment("P", 2_000_000, "2024-01-01T10:00:00Z"),
        &ctx,
    )
    .unwrap();
    assert!(outcome.stored());
}

#[test]
fn zero_total_order_is_a_valid_comp_but_zero_refund_is_not() {
    let s = store();
    let order = r#"{"id":"O1","location_id":"L1","state":"COMPLETED","created_at":"2024-01-01T10:00:00Z",
                    "total_money":{"amount":0,"currency":"USD"}}"#;
    assert!(
        normalize_json(s.conn(), "ORDER", order, &ctx())
            .unwrap()
            .stored()
    );
    let refund = r#"{"id":"R1","amount_money":{"amount":0,"currency":"USD"},"created_at":"2024-01-01T10:00:00Z"}"#;
    let outcome = normalize_json(s.conn(), "REFUND", refund, &ctx()).unwrap();
    assert!(!outcome.stored() && outcome.failed(Rule::AmountOutOfBounds));
}

#[test]
fn transaction_dates_outside_2015_to_now_are_hard_failures() {
    let s = store();
    for (id, at) in [
        ("OLD", "2014-12-31T23:59:59Z"),
        ("FUTURE", "2025-09-01T12:30:00Z"),
    ] {
        let outcome = normalize_json(s.conn(), "PAYMENT", &payment(id, 100, at), &ctx()).unwrap();
        assert!(
            !outcome.stored() && outcome.failed(Rule::DateOutOfRange),
            "{id}"
        );
    }
    let skewed = normalize_json(
        s.conn(),
        "PAYMENT",
        &payment("SKEW", 100, "2025-09-01T12:05:00Z"),
        &ctx(),
    )
    .unwrap();
    assert!(
        skewed.stored(),
        "five minutes ahead is within the clock-skew allowance"
    );
}

#[test]
fn future_booking_is_fine_but_one_beyond_the_horizon_is_not() {
    let s = store();
    let booking = |id: &str, start: &str| {
        format!(
            r#"{{"id":"{id}","status":"ACCEPTED","created_at":"2025-08-01T10:00:00Z","start_at":"{start}"}}"#
        )
    };
    assert!(
        normalize_json(
            s.conn(),
            "BOOKING",
            &booking("B1", "2025-10-01T10:00:00Z"),
            &ctx()
        )
        .unwrap()
        .stored()
    );
    let far = normalize_json(
        s.conn(),
        "BOOKING",
        &booking("B2", "2031-01-01T10:00:00Z"),
        &ctx(),
    )
    .unwrap();
    assert!(far.failed(Rule::DateOutOfRange) && !far.stored());
}

#[test]
fn object_without_id_is_quarantined_under_its_content_hash_once() {
    let s = store();
    let json =
        r#"{"amount_money":{"amount":100,"currency":"USD"},"created_at":"2024-01-01T10:00:00Z"}"#;
    let first = normalize_json(s.conn(), "PAYMENT", json, &ctx()).unwrap();
    let again = normalize_json(s.conn(), "PAYMENT", json, &ctx()).unwrap();
    assert!(first.failed(Rule::MissingId) && !first.stored());
    assert!(first.square_id.starts_with("sha256:"));
    assert_eq!(first.square_id, again.square_id);
    assert_eq!(count(&s, "quarantine"), 1);
}

#[test]
fn json_that_does_not_match_the_schema_is_quarantined_as_undecodable() {
    let s = store();
    let json = r#"{"id":"C1","birthday":"1998-13-45"}"#;
    let outcome = normalize_json(s.conn(), "CUSTOMER", json, &ctx()).unwrap();
    assert!(outcome.failed(Rule::Undecodable) && !outcome.stored());
    assert_eq!(outcome.square_id, "C1");
    let q = quarantine::list(s.conn()).unwrap();
    assert_eq!(
        (q[0].rule.as_str(), q[0].json.as_str()),
        ("undecodable", json)
    );
}

#[test]
fn a_later_version_that_passes_clears_the_quarantine() {
    let s = store();
    normalize_json(s.conn(), "CUSTOMER", BAD_PHONE, &ctx()).unwrap();
    assert_eq!(count(&s, "quarantine"), 1);
    let outcome = normalize_json(s.conn(), "CUSTOMER", GOOD_PHONE, &ctx()).unwrap();
    assert!(outcome.issues.is_empty());
    assert_eq!(count(&s, "quarantine"), 0);
    let c = Customer::get(s.conn(), &"C1").unwrap().unwrap();
    assert_eq!(c.phone_e164.as_deref(), Some("+12125554240"));
}

/// `count` passing customers (`FILL<n>`), then `middle`, then `count` more: a batch large
/// enough for `normalize_many`'s pipeline when `count` is 100.
fn batch_around(middle: &[&str], count: usize) -> Vec<(&'static str, String)> {
    let fill = |n: usize| {
        (
            "CUSTOMER",
            format!(r#"{{"id":"FILL{n}","given_name":"Bo","version":1}}"#),
        )
    };
    let mut items: Vec<(&'static str, String)> = (0..count).map(fill).collect();
    items.extend(middle.iter().map(|j| ("CUSTOMER", (*j).to_owned())));
    items.extend((count..2 * count).map(fill));
    items
}

#[test]
fn a_batch_starting_on_an_empty_quarantine_still_clears_what_it_quarantined_itself() {
    // The batch skips clearing passing objects while the quarantine is known empty; once it
    // quarantines C1, a later passing version of C1 in the same batch must clear it.
    for count in [2, 100] {
        let s = store();
        let items = batch_around(&[BAD_PHONE, GOOD_PHONE], count);
        normalize_many(s.conn(), &items, &ctx()).unwrap();
        assert_eq!(count_rows(&s), 0, "batch of {}", items.len());
    }
}

#[test]
fn a_batch_clears_entries_stored_before_it_when_the_object_now_passes() {
    for count in [2, 100] {
        let s = store();
        normalize_json(s.conn(), "CUSTOMER", BAD_PHONE, &ctx()).unwrap();
        assert_eq!(count_rows(&s), 1);
        let items = batch_around(&[GOOD_PHONE], count);
        normalize_many(s.conn(), &items, &ctx()).unwrap();
        assert_eq!(count_rows(&s), 0, "batch of {}", items.len());
    }
}

#[test]
fn a_batch_keeps_the_entry_of_an_object_that_fails_last() {
    let s = store();
    let items = batch_around(&[GOOD_PHONE, BAD_PHONE], 100);
    normalize_many(s.conn(), &items, &ctx()).unwrap();
    let rules: Vec<String> = quarantine::list(s.conn())
        .unwrap()
        .into_iter()
        .map(|q| format!("{}/{}", q.square_id, q.rule))
        .collect();
    assert_eq!(rules, ["C1/phone_invalid"]);
}

fn count_rows(s: &keeper_store::Store) -> i64 {
    count(s, "quarantine")
}

#[test]
fn a_later_version_failing_another_rule_replaces_the_old_entry() {
    let s = store();
    normalize_json(s.conn(), "CUSTOMER", BAD_PHONE, &ctx()).unwrap();
    let bad_email = r#"{"id":"C1","given_name":"Ann","email_address":"nope","version":3}"#;
    normalize_json(s.conn(), "CUSTOMER", bad_email, &ctx()).unwrap();
    let rules: Vec<String> = quarantine::list(s.conn())
        .unwrap()
        .into_iter()
        .map(|q| q.rule)
        .collect();
    assert_eq!(rules, ["email_invalid"]);
}

#[test]
fn rerunning_gives_the_same_rows_and_no_duplicate_quarantine() {
    let s = store();
    let mut inputs: Vec<(&str, String)> = Vec::new();
    inputs.extend(
        objects("ListCustomers.json", "customers")
            .into_iter()
            .map(|j| ("CUSTOMER", j)),
    );
    inputs.extend(
        objects("GetPayment.json", "payment")
            .into_iter()
            .map(|j| ("PAYMENT", j)),
    );
    inputs.extend(
        objects("RetrieveOrder.json", "order")
            .into_iter()
            .map(|j| ("ORDER", j)),
    );
    inputs.extend(
        objects("RetrieveBooking.json", "booking")
            .into_iter()
            .map(|j| ("BOOKING", j)),
    );
    inputs.extend(
        objects("BatchRetrieveCatalogObjects.json", "objects")
            .into_iter()
            .map(|j| ("CATALOG_OBJECT", j)),
    );
    inputs.push(("CUSTOMER", BAD_PHONE.to_owned()));
    inputs.push((
        "PAYMENT",
        payment("PBIG", 5_000_000, "2024-01-01T10:00:00Z"),
    ));
    let run = |ctx: &Context| {
        for (t, json) in &inputs {
            normalize_json(s.conn(), t, json, ctx).unwrap();
        }
        dump(&s)
    };
    let first = run(&ctx());
    let later = Context::new(Some("US"), now() + chrono::Duration::days(1));
    let second = run(&later);
    assert_eq!(
        first, second,
        "a re-run (even a day later) leaves the same rows"
    );
    assert_eq!(count(&s, "quarantine"), 2);
    assert_eq!(Payment::get(s.conn(), &"PBIG").unwrap(), None);
}
