//! The simulator's customer profiles, normalized as the import does (JSON in, store out).
//! The phone formats it writes — `+16175550123`, `(617) 555-0123`, `617-555-0123`, with any
//! exchange digits — are ones a real Square directory holds, so none may be quarantined.
//! Regression for the salon demo soft-quarantining 356 of 2036 customers for
//! `phone_invalid` (exchange codes starting with 0 or 1 were rejected).

mod common;

use common::{ctx, now, store};
use keeper_normalize::normalize_json;
use keeper_sim::{Profile, Ts, generate::generate};
use std::collections::BTreeMap;

#[test]
fn simulated_customers_are_never_quarantined_for_their_phone_format() {
    let (data, _truth) = generate(Profile::Small, 42, Ts(now().timestamp_millis()));
    let mut store = store();
    let ctx = ctx();
    let tx = store.conn_mut().transaction().unwrap();
    let mut failed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut with_phone = 0;
    for c in &data.customers {
        with_phone += usize::from(c.phone_number.is_some());
        let json = serde_json::to_string(c).unwrap();
        let outcome = normalize_json(&tx, "CUSTOMER", &json, &ctx).unwrap();
        assert!(outcome.stored(), "{json}");
        for issue in outcome.issues {
            failed
                .entry(issue.rule.to_string())
                .or_default()
                .push(issue.reason);
        }
    }
    assert!(with_phone > 100, "the profile has phones to check");
    assert!(
        failed.is_empty(),
        "{} customers: {:#?}",
        data.customers.len(),
        failed
    );
    let stored_phones: i64 = tx
        .query_row(
            "SELECT COUNT(*) FROM customers WHERE phone_e164 LIKE '+1__________'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored_phones as usize, with_phone);
}
