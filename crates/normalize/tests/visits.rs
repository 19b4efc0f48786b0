//! The visit rule (ARCHITECTURE.md, "Visits") on a hand-made store.

mod common;

use chrono::NaiveDate;
use common::{ctx, now, store};
use keeper_normalize::normalize_json;
use keeper_normalize::visits::{VisitSource, visit_counts, visits};

fn put(s: &keeper_store::Store, t: &str, json: &str) {
    assert!(
        normalize_json(s.conn(), t, json, &ctx()).unwrap().stored(),
        "{json}"
    );
}

fn order(id: &str, customer: &str, state: &str, at: &str) -> String {
    format!(
        r#"{{"id":"{id}","location_id":"LA","customer_id":"{customer}","state":"{state}","created_at":"{at}"}}"#
    )
}

fn payment(id: &str, customer: &str, order: &str, at: &str) -> String {
    format!(
        r#"{{"id":"{id}","location_id":"LA","customer_id":"{customer}","order_id":"{order}","status":"COMPLETED",
            "created_at":"{at}","amount_money":{{"amount":4000,"currency":"USD"}}}}"#
    )
}

fn booking(id: &str, customer: &str, status: &str, start: &str) -> String {
    format!(
        r#"{{"id":"{id}","location_id":"LA","customer_id":"{customer}","status":"{status}",
            "created_at":"2024-01-01T00:00:00Z","start_at":"{start}"}}"#
    )
}

fn fixture() -> keeper_store::Store {
    let s = store();
    put(
        &s,
        "LOCATION",
        r#"{"id":"LA","timezone":"America/Los_Angeles","country":"US"}"#,
    );
    // Ann, day 1: booking + completed order + its payment = one visit (the order).
    put(
        &s,
        "BOOKING",
        &booking("B1", "ANN", "ACCEPTED", "2024-03-01T18:00:00Z"),
    );
    put(
        &s,
        "ORDER",
        &order("O1", "ANN", "COMPLETED", "2024-03-01T19:00:00Z"),
    );
    put(
        &s,
        "PAYMENT",
        &payment("P1", "ANN", "O1", "2024-03-01T19:00:05Z"),
    );
    // Ann, day 2: a payment whose order has no customer = one visit (the payment).
    put(
        &s,
        "ORDER",
        &order("O2", "", "COMPLETED", "2024-04-01T19:00:00Z").replace(r#""customer_id":"","#, ""),
    );
    put(
        &s,
        "PAYMENT",
        &payment("P2", "ANN", "O2", "2024-04-01T19:00:05Z"),
    );
    // Ann, day 3: an attended booking with no sale recorded = one visit (the booking).
    put(
        &s,
        "BOOKING",
        &booking("B3", "ANN", "ACCEPTED", "2024-05-01T17:00:00Z"),
    );
    // Ann, 8 pm and 10 pm Los Angeles time on 2024-06-01 (03:00 and 05:00 UTC on the 2nd):
    // one local day, one visit.
    put(
        &s,
        "ORDER",
        &order("O4", "ANN", "COMPLETED", "2024-06-02T03:00:00Z"),
    );
    put(
        &s,
        "ORDER",
        &order("O5", "ANN", "COMPLETED", "2024-06-02T05:00:00Z"),
    );
    // Not visits: a canceled order, a no-show, a future accepted booking.
    put(
        &s,
        "ORDER",
        &order("O6", "ANN", "CANCELED", "2024-07-01T19:00:00Z"),
    );
    put(
        &s,
        "BOOKING",
        &booking("B7", "ANN", "NO_SHOW", "2024-07-02T17:00:00Z"),
    );
    put(
        &s,
        "BOOKING",
        &booking("B8", "ANN", "ACCEPTED", "2025-09-10T17:00:00Z"),
    );
    // Bob: one completed order.
    put(
        &s,
        "ORDER",
        &order("O9", "BOB", "COMPLETED", "2024-03-01T19:00:00Z"),
    );
    s
}

#[test]
fn one_visit_per_customer_per_local_day_without_double_counting() {
    let s = fixture();
    let counts = visit_counts(s.conn(), now()).unwrap();
    assert_eq!(counts.get("ANN"), Some(&4));
    assert_eq!(counts.get("BOB"), Some(&1));
}

#[test]
fn visits_are_attributed_to_order_then_payment_then_booking() {
    let s = fixture();
    let ann: Vec<_> = visits(s.conn(), now())
        .unwrap()
        .into_iter()
        .filter(|v| v.customer_id == "ANN")
        .collect();
    let got: Vec<(NaiveDate, VisitSource, &str)> = ann
        .iter()
        .map(|v| (v.day, v.source, v.source_id.as_str()))
        .collect();
    let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
    assert_eq!(
        got,
        [
            (d(3, 1), VisitSource::Order, "O1"),
            (d(4, 1), VisitSource::Payment, "P2"),
            (d(5, 1), VisitSource::Booking, "B3"),
            (d(6, 1), VisitSource::Order, "O4"),
        ]
    );
}

#[test]
fn a_booking_counts_only_once_it_has_started() {
    let s = fixture();
    let later = NaiveDate::from_ymd_opt(2025, 9, 11)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    assert_eq!(visit_counts(s.conn(), later).unwrap().get("ANN"), Some(&5));
}
