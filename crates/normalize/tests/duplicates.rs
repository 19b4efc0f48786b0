//! Duplicates: by id (upsert) and by composite key (customer + created_at + total).

mod common;

use common::{count, ctx, store};
use keeper_normalize::{Rule, normalize_json};
use keeper_store::table::quarantine;

fn payment(id: &str, customer: Option<&str>, amount: i64, at: &str) -> String {
    let customer = customer.map_or(String::new(), |c| format!(r#","customer_id":"{c}""#));
    format!(
        r#"{{"id":"{id}","amount_money":{{"amount":{amount},"currency":"USD"}},"status":"COMPLETED","created_at":"{at}"{customer}}}"#
    )
}

fn order(id: &str, customer: &str, total: i64, at: &str) -> String {
    format!(
        r#"{{"id":"{id}","location_id":"L1","customer_id":"{customer}","state":"COMPLETED","created_at":"{at}",
            "total_money":{{"amount":{total},"currency":"USD"}},
            "line_items":[{{"uid":"a","name":"Cut","quantity":"1","base_price_money":{{"amount":{total},"currency":"USD"}}}}]}}"#
    )
}

#[test]
fn same_id_twice_is_one_row() {
    let s = store();
    let json = payment("P1", Some("C1"), 5000, "2024-03-01T10:00:00.000Z");
    normalize_json(s.conn(), "PAYMENT", &json, &ctx()).unwrap();
    let again = normalize_json(s.conn(), "PAYMENT", &json, &ctx()).unwrap();
    assert!(
        again.stored() && again.issues.is_empty(),
        "re-writing itself is not a duplicate"
    );
    assert_eq!(count(&s, "payments"), 1);
}

#[test]
fn payment_with_same_customer_time_and_amount_is_counted_once() {
    let s = store();
    normalize_json(
        s.conn(),
        "PAYMENT",
        &payment("P1", Some("C1"), 5000, "2024-03-01T10:00:00Z"),
        &ctx(),
    )
    .unwrap();
    let dup = normalize_json(
        s.conn(),
        "PAYMENT",
        &payment("P2", Some("C1"), 5000, "2024-03-01T10:00:00.000Z"),
        &ctx(),
    )
    .unwrap();
    assert!(!dup.stored() && dup.failed(Rule::DuplicateCompositeKey));
    assert_eq!(count(&s, "payments"), 1);
    let q = quarantine::list(s.conn()).unwrap();
    assert_eq!(
        (q[0].square_id.as_str(), q[0].rule.as_str()),
        ("P2", "duplicate_composite_key")
    );
    assert!(q[0].reason.contains("P1"), "{}", q[0].reason);
    // Re-running keeps one row and one quarantine entry.
    normalize_json(
        s.conn(),
        "PAYMENT",
        &payment("P1", Some("C1"), 5000, "2024-03-01T10:00:00Z"),
        &ctx(),
    )
    .unwrap();
    normalize_json(
        s.conn(),
        "PAYMENT",
        &payment("P2", Some("C1"), 5000, "2024-03-01T10:00:00Z"),
        &ctx(),
    )
    .unwrap();
    assert_eq!((count(&s, "payments"), count(&s, "quarantine")), (1, 1));
}

#[test]
fn different_amount_or_customer_or_no_customer_is_not_a_duplicate() {
    let s = store();
    let at = "2024-03-01T10:00:00Z";
    for json in [
        payment("P1", Some("C1"), 5000, at),
        payment("P2", Some("C1"), 2500, at),
        payment("P3", Some("C2"), 5000, at),
        payment("P4", None, 5000, at),
        payment("P5", None, 5000, at),
    ] {
        let outcome = normalize_json(s.conn(), "PAYMENT", &json, &ctx()).unwrap();
        assert!(outcome.stored() && outcome.issues.is_empty(), "{json}");
    }
    assert_eq!(count(&s, "payments"), 5);
}

#[test]
fn order_with_same_customer_time_and_total_is_counted_once() {
    let s = store();
    normalize_json(
        s.conn(),
        "ORDER",
        &order("O1", "C1", 8000, "2024-03-01T10:00:00Z"),
        &ctx(),
    )
    .unwrap();
    let dup = normalize_json(
        s.conn(),
        "ORDER",
        &order("O2", "C1", 8000, "2024-03-01T10:00:00Z"),
        &ctx(),
    )
    .unwrap();
    assert!(dup.failed(Rule::DuplicateCompositeKey) && !dup.stored());
    assert_eq!((count(&s, "orders"), count(&s, "order_line_items")), (1, 1));
}
