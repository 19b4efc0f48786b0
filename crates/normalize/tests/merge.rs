//! Customer merges re-point history from the old id to the new one.

mod common;

use common::{ctx, now, store};
use keeper_normalize::{normalize_json, repoint_customer, visits};

#[test]
fn repointing_moves_payments_orders_bookings_and_loyalty_accounts() {
    let s = store();
    let c = ctx();
    let put = |t: &str, json: &str| {
        assert!(
            normalize_json(s.conn(), t, json, &c).unwrap().stored(),
            "{json}"
        )
    };
    put(
        "PAYMENT",
        r#"{"id":"P1","customer_id":"OLD","status":"COMPLETED","created_at":"2024-02-01T10:00:00Z","amount_money":{"amount":100,"currency":"USD"}}"#,
    );
    put(
        "ORDER",
        r#"{"id":"O1","location_id":"L","customer_id":"OLD","state":"COMPLETED","created_at":"2024-03-01T10:00:00Z"}"#,
    );
    put(
        "BOOKING",
        r#"{"id":"B1","customer_id":"OLD","status":"ACCEPTED","created_at":"2024-03-20T10:00:00Z","start_at":"2024-04-01T10:00:00Z"}"#,
    );
    put(
        "LOYALTY_ACCOUNT",
        r#"{"id":"LA1","program_id":"LP","customer_id":"OLD"}"#,
    );
    put(
        "PAYMENT",
        r#"{"id":"P2","customer_id":"OTHER","status":"COMPLETED","created_at":"2024-02-01T10:00:00Z","amount_money":{"amount":100,"currency":"USD"}}"#,
    );

    let moved = repoint_customer(s.conn(), "OLD", "NEW").unwrap();
    assert_eq!(
        (
            moved.payments,
            moved.orders,
            moved.bookings,
            moved.loyalty_accounts
        ),
        (1, 1, 1, 1)
    );
    let owners: Vec<String> = s
        .conn()
        .prepare("SELECT customer_id FROM payments ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(owners, ["NEW", "OTHER"]);
    let counts = visits::visit_counts(s.conn(), now()).unwrap();
    assert_eq!(counts.get("NEW"), Some(&3));
    assert_eq!(counts.get("OLD"), None);
    assert_eq!(
        repoint_customer(s.conn(), "OLD", "NEW").unwrap().total(),
        0,
        "a second run moves nothing"
    );
}
