//! `normalize_many` (decoding on helper threads) stores exactly what `normalize_json` called
//! on each object in turn stores: same rows, same content, same quarantine, same outcomes —
//! duplicates by composite key and undecodable JSON included.

mod common;

use common::{ctx, dump, now, store};
use keeper_normalize::{Outcome, Rule, normalize_json, normalize_many};
use keeper_sim::{Profile, Ts, generate::generate};

/// The small simulated merchant as `(type, JSON)`, plus objects that fail rules: a payment
/// duplicating another by composite key, JSON that is not a payment, a customer with a bad
/// phone, and an order written twice (same id).
fn items() -> Vec<(String, String)> {
    let (data, _truth) = generate(Profile::Small, 7, Ts(now().timestamp_millis()));
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |kind: &str, json: String| out.push((kind.to_owned(), json));
    data.locations
        .iter()
        .for_each(|o| push("LOCATION", json(o)));
    data.team.iter().for_each(|o| push("TEAM_MEMBER", json(o)));
    data.catalog
        .iter()
        .for_each(|o| push("CATALOG_OBJECT", json(o)));
    data.customers
        .iter()
        .for_each(|o| push("CUSTOMER", json(o)));
    data.payments.iter().for_each(|o| push("PAYMENT", json(o)));
    data.refunds.iter().for_each(|o| push("REFUND", json(o)));
    data.orders.iter().for_each(|o| push("ORDER", json(o)));
    data.bookings.iter().for_each(|o| push("BOOKING", json(o)));
    data.loyalty_program
        .iter()
        .for_each(|o| push("LOYALTY_PROGRAM", json(o)));
    data.loyalty_accounts
        .iter()
        .for_each(|o| push("LOYALTY_ACCOUNT", json(o)));
    data.loyalty_events
        .iter()
        .for_each(|o| push("LOYALTY_EVENT", json(o)));

    let paid = data
        .payments
        .iter()
        .find(|p| p.customer_id.is_some())
        .expect("a payment with a customer");
    let mut twin = serde_json::to_value(paid).unwrap();
    twin["id"] = "TWIN_OF_A_PAYMENT".into();
    push("PAYMENT", twin.to_string());
    push(
        "PAYMENT",
        r#"{"id":"NOT_A_PAYMENT","amount_money":"lots"}"#.into(),
    );
    push(
        "CUSTOMER",
        r#"{"id":"BAD_PHONE","given_name":"Ada","phone_number":"12"}"#.into(),
    );
    push("ORDER", json(&data.orders[0]));
    out
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("generated objects serialize")
}

#[test]
fn normalize_many_stores_what_normalize_json_stores_one_by_one() {
    let items = items();
    assert!(items.len() > 1_000, "enough objects for several chunks");
    let ctx = ctx();

    let mut one_by_one = store();
    let tx = one_by_one.conn_mut().transaction().unwrap();
    let expected: Vec<Outcome> = items
        .iter()
        .map(|(t, j)| normalize_json(&tx, t, j, &ctx).unwrap())
        .collect();
    tx.commit().unwrap();

    let mut many = store();
    let tx = many.conn_mut().transaction().unwrap();
    let outcomes = normalize_many(&tx, &items, &ctx).unwrap();
    tx.commit().unwrap();

    assert_eq!(outcomes, expected);
    assert_eq!(dump(&many), dump(&one_by_one));
    let failed = |rule| outcomes.iter().filter(|o| o.failed(rule)).count();
    assert!(failed(Rule::DuplicateCompositeKey) >= 1, "the twin payment");
    assert_eq!(failed(Rule::Undecodable), 1);
    assert!(failed(Rule::PhoneInvalid) >= 1, "the bad phone");
}

#[test]
fn normalize_many_again_changes_nothing() {
    let items = items();
    let ctx = ctx();
    let mut s = store();
    for _ in 0..2 {
        let tx = s.conn_mut().transaction().unwrap();
        normalize_many(&tx, &items, &ctx).unwrap();
        tx.commit().unwrap();
    }
    let mut once = store();
    let tx = once.conn_mut().transaction().unwrap();
    normalize_many(&tx, &items, &ctx).unwrap();
    tx.commit().unwrap();
    assert_eq!(dump(&s), dump(&once));
}

#[test]
fn normalize_many_stops_at_an_unknown_object_type() {
    let mut items = items();
    items.insert(500, ("NOT_A_SQUARE_TYPE".into(), "{}".into()));
    let mut s = store();
    let tx = s.conn_mut().transaction().unwrap();
    let err = normalize_many(&tx, &items, &ctx()).unwrap_err();
    assert_eq!(err.code(), "normalize_unknown_object_type");
}
