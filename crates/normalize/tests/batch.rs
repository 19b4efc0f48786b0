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

/// The raw store's rows and per-type figures, as text.
fn raw_dump(s: &keeper_store::Store) -> (Vec<String>, Vec<(String, i64)>) {
    let conn = s.conn();
    let rows = conn
        .prepare("SELECT object_type, square_id, version, fetched_at, content_hash, json FROM raw_objects ORDER BY 1, 2")
        .unwrap()
        .query_map([], |r| {
            Ok(format!(
                "{}|{}|{:?}|{}|{}|{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let counts = conn
        .prepare("SELECT object_type, rows FROM raw_object_counts ORDER BY 1")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    (rows, counts)
}

/// `items()` keyed for the raw store by the id in their JSON.
fn keyed(items: &[(String, String)]) -> Vec<(String, String, String)> {
    items
        .iter()
        .map(|(t, j)| {
            let v: serde_json::Value = serde_json::from_str(j).unwrap();
            let id = v["id"].as_str().expect("every test object has an id");
            (t.clone(), id.to_owned(), j.clone())
        })
        .collect()
}

fn raw_items(keyed: &[(String, String, String)]) -> Vec<keeper_normalize::RawItem<'_>> {
    keyed
        .iter()
        .map(|(t, id, j)| keeper_normalize::RawItem {
            object_type: t,
            square_id: id,
            version: Some("1"),
            json: j,
        })
        .collect()
}

#[test]
fn ingest_many_stores_what_raw_upsert_then_normalize_json_store_one_by_one() {
    use keeper_store::raw::{self, RawObject, RawWrite};
    let items = items();
    let keyed = keyed(&items);
    let ctx = ctx();
    let at = "2025-06-01T00:00:00Z";

    let mut one_by_one = store();
    let tx = one_by_one.conn_mut().transaction().unwrap();
    let mut expected = Vec::new();
    for (t, id, j) in &keyed {
        let written = raw::upsert(
            &tx,
            &RawObject {
                object_type: t,
                square_id: id,
                version: Some("1"),
                json: j,
            },
            at,
        )
        .unwrap();
        expected.push((written, normalize_json(&tx, t, j, &ctx).unwrap()));
    }
    tx.commit().unwrap();

    let mut many = store();
    let tx = many.conn_mut().transaction().unwrap();
    let ingested = keeper_normalize::ingest_many(&tx, &raw_items(&keyed), at, &ctx, true).unwrap();
    tx.commit().unwrap();

    let got: Vec<_> = ingested
        .into_iter()
        .map(|i| (i.raw, i.outcome.expect("normalized")))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(dump(&many), dump(&one_by_one));
    assert_eq!(raw_dump(&many), raw_dump(&one_by_one));
    let unchanged = got
        .iter()
        .filter(|(w, _)| *w == RawWrite::Unchanged)
        .count();
    assert_eq!(unchanged, 1, "the order sent twice is stored once");
    let (rows, counts) = raw_dump(&many);
    assert_eq!(
        counts.iter().map(|(_, n)| n).sum::<i64>(),
        rows.len() as i64,
        "per-type figures add up to the stored rows"
    );
}

#[test]
fn ingest_many_again_rewrites_nothing_and_raw_only_skips_normalization() {
    use keeper_store::raw::RawWrite;
    let items = items();
    let keyed = keyed(&items);
    let ctx = ctx();
    let mut s = store();
    let tx = s.conn_mut().transaction().unwrap();
    keeper_normalize::ingest_many(&tx, &raw_items(&keyed), "2025-06-01T00:00:00Z", &ctx, true)
        .unwrap();
    tx.commit().unwrap();
    let (before, normalized) = (raw_dump(&s), dump(&s));

    let tx = s.conn_mut().transaction().unwrap();
    let again =
        keeper_normalize::ingest_many(&tx, &raw_items(&keyed), "2025-06-02T00:00:00Z", &ctx, true)
            .unwrap();
    tx.commit().unwrap();
    assert!(again.iter().all(|i| i.raw == RawWrite::Unchanged));
    assert_eq!(raw_dump(&s), before, "fetched_at keeps the first sighting");
    assert_eq!(dump(&s), normalized);

    let mut raw_only = store();
    let tx = raw_only.conn_mut().transaction().unwrap();
    let kept =
        keeper_normalize::ingest_many(&tx, &raw_items(&keyed), "2025-06-01T00:00:00Z", &ctx, false)
            .unwrap();
    tx.commit().unwrap();
    assert!(kept.iter().all(|i| i.outcome.is_none()));
    assert_eq!(raw_dump(&raw_only), before);
    assert!(
        dump(&raw_only).is_empty(),
        "nothing normalized, nothing quarantined"
    );
}
