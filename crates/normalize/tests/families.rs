//! Each family normalized from Square's official example payloads (read in place).

mod common;

use common::{count, ctx, objects, store};
use keeper_normalize::normalize_json;
use keeper_store::table::{
    booking::{Booking, BookingSegment},
    catalog::{CatalogCategory, CatalogItem, CatalogVariation},
    customer::Customer,
    location::Location,
    loyalty::{LoyaltyAccount, LoyaltyEvent, LoyaltyProgram},
    order::{Order, OrderLineItem},
    payment::{Payment, Refund},
    team::TeamMember,
};

fn load(store: &keeper_store::Store, object_type: &str, file: &str, key: &str) -> usize {
    let mut stored = 0;
    for json in objects(file, key) {
        let outcome = normalize_json(store.conn(), object_type, &json, &ctx()).unwrap();
        assert!(
            outcome.issues.is_empty(),
            "{file}: unexpected issues {:?}",
            outcome.issues
        );
        stored += usize::from(outcome.stored());
    }
    stored
}

#[test]
fn customer_example_is_cleaned_into_e164_and_lower_case_email() {
    let s = store();
    assert_eq!(load(&s, "CUSTOMER", "ListCustomers.json", "customers"), 1);
    let c = Customer::get(s.conn(), &"JDKYHBWT1D4F8MFH63DBMEN8Y4")
        .unwrap()
        .unwrap();
    assert_eq!(c.given_name.as_deref(), Some("Amelia"));
    assert_eq!(c.family_name.as_deref(), Some("Earhart"));
    assert_eq!(c.email.as_deref(), Some("amelia.earhart@example.com"));
    assert_eq!(c.phone_e164.as_deref(), Some("+12125554240"));
    assert_eq!(c.created_at.as_deref(), Some("2016-03-23T20:21:54.859Z"));
    assert_eq!(c.updated_at.as_deref(), Some("2016-03-23T20:21:55.000Z"));
    assert_eq!(c.creation_source.as_deref(), Some("THIRD_PARTY"));
    assert_eq!(c.version, Some(1));
}

#[test]
fn location_examples_keep_country_and_time_zone() {
    let s = store();
    assert_eq!(load(&s, "LOCATION", "ListLocations.json", "locations"), 2);
    let l = Location::get(s.conn(), &"3Z4V4WHQK64X9").unwrap().unwrap();
    assert_eq!(l.country.as_deref(), Some("US"));
    assert_eq!(l.timezone.as_deref(), Some("America/New_York"));
    assert_eq!(l.status.as_deref(), Some("ACTIVE"));
}

#[test]
fn team_member_examples_are_stored_with_contact_details() {
    let s = store();
    let n = load(&s, "TEAM_MEMBER", "SearchTeamMembers.json", "team_members");
    assert_eq!(n as i64, count(&s, "team_members"));
    let t = TeamMember::get(s.conn(), &"1AVJj0DjkzbmbJw5r4KK")
        .unwrap()
        .unwrap();
    assert_eq!(t.phone_e164.as_deref(), Some("+14155552671"));
    assert_eq!(t.status.as_deref(), Some("ACTIVE"));
    assert!(!t.is_owner);
    let j = TeamMember::get(s.conn(), &"-3oZQKPKVk6gUXU_V5Qa")
        .unwrap()
        .unwrap();
    assert_eq!(j.email.as_deref(), Some("johnny_cash@squareup.com"));
}

#[test]
fn catalog_items_are_stored_with_their_embedded_variations() {
    let s = store();
    let mut all = objects("BatchRetrieveCatalogObjects.json", "objects");
    all.extend(objects(
        "BatchRetrieveCatalogObjects.json",
        "related_objects",
    ));
    for json in all {
        normalize_json(s.conn(), "CATALOG_OBJECT", &json, &ctx()).unwrap();
    }
    let coffee = CatalogItem::get(s.conn(), &"AA27W3M2GGTF3H6AVPNB77CK")
        .unwrap()
        .unwrap();
    assert_eq!(coffee.name.as_deref(), Some("Coffee"));
    assert!(!coffee.is_deleted);
    let v = CatalogVariation::get(s.conn(), &"PKYIC7HGGKW5CYVSCVDEIMHY")
        .unwrap()
        .unwrap();
    assert_eq!(v.item_id.as_deref(), Some("AA27W3M2GGTF3H6AVPNB77CK"));
    assert_eq!(
        (v.price_amount, v.currency.as_deref()),
        (Some(350), Some("USD"))
    );
    let cat = CatalogCategory::get(s.conn(), &"BJNQCF2FJ6S6UIDT65ABHLRX")
        .unwrap()
        .unwrap();
    assert_eq!(cat.name.as_deref(), Some("Beverages"));
    assert_eq!(count(&s, "catalog_items"), 2);
    assert_eq!(count(&s, "catalog_variations"), 3);
}

#[test]
fn catalog_types_kept_raw_only_are_skipped_not_quarantined() {
    let s = store();
    let mut skipped = 0;
    for json in objects("ListCatalog.json", "objects") {
        let outcome = normalize_json(s.conn(), "CATALOG_OBJECT", &json, &ctx()).unwrap();
        skipped += usize::from(outcome.skipped);
        assert!(outcome.issues.is_empty());
    }
    assert_eq!(skipped, 1, "the TAX object is kept raw only");
    assert_eq!(count(&s, "catalog_categories"), 1);
    assert_eq!(count(&s, "quarantine"), 0);
}

#[test]
fn payment_example_keeps_amounts_status_source_and_team_member() {
    let s = store();
    assert_eq!(load(&s, "PAYMENT", "GetPayment.json", "payment"), 1);
    let p = Payment::get(s.conn(), &"bP9mAsEMYPUGjjGNaNO5ZDVyLhSZY")
        .unwrap()
        .unwrap();
    assert_eq!((p.amount, p.tip, p.total), (Some(555), None, Some(555)));
    assert_eq!(p.status.as_deref(), Some("COMPLETED"));
    assert_eq!(p.source_type.as_deref(), Some("CARD"));
    assert_eq!(p.team_member_id.as_deref(), Some("TMoK_ogh6rH1o4dV"));
    assert_eq!(p.order_id.as_deref(), Some("d7eKah653Z579f3gVtjlxpSlmUcZY"));
    assert_eq!(p.created_at.as_deref(), Some("2021-10-13T19:34:33.524Z"));
}

#[test]
fn refund_example_is_stored() {
    let s = store();
    assert_eq!(load(&s, "REFUND", "GetPaymentRefund.json", "refund"), 1);
    let id = "bP9mAsEMYPUGjjGNaNO5ZDVyLhSZY_69MmgHubkLqx9wGhnmenRUHOaKitE6llfZuxcWYjGxd";
    let r = Refund::get(s.conn(), &id).unwrap().unwrap();
    assert_eq!((r.amount, r.currency.as_deref()), (Some(555), Some("USD")));
    assert_eq!(
        r.payment_id.as_deref(),
        Some("bP9mAsEMYPUGjjGNaNO5ZDVyLhSZY")
    );
    assert_eq!(r.status.as_deref(), Some("COMPLETED"));
}

#[test]
fn order_examples_are_stored_with_line_items_and_decimal_quantities() {
    let s = store();
    assert_eq!(load(&s, "ORDER", "RetrieveOrder.json", "order"), 1);
    assert_eq!(load(&s, "ORDER", "BatchRetrieveOrders.json", "orders"), 1);
    let o = Order::get(s.conn(), &"CAISENgvlJ6jLWAzERDzjyHVybY")
        .unwrap()
        .unwrap();
    assert_eq!((o.total, o.state.as_deref()), (Some(550), Some("OPEN")));
    let li = OrderLineItem::get(
        s.conn(),
        &"CAISENgvlJ6jLWAzERDzjyHVybY",
        &"mumY8Nun4BC5aKe2yyx5a",
    )
    .unwrap()
    .unwrap();
    assert_eq!(li.name.as_deref(), Some("Item 2"));
    assert_eq!(li.quantity, "2");
    assert_eq!(
        (li.base_price, li.gross_sales, li.total),
        (Some(300), Some(600), Some(300))
    );
    assert_eq!(count(&s, "order_line_items"), 4);
}

#[test]
fn booking_examples_are_stored_with_ordered_segments() {
    let s = store();
    assert_eq!(load(&s, "BOOKING", "RetrieveBooking.json", "booking"), 1);
    assert_eq!(load(&s, "BOOKING", "ListBookings.json", "bookings"), 1);
    let b = Booking::get(s.conn(), &"zkras0xv0xwswx").unwrap().unwrap();
    assert_eq!(b.status.as_deref(), Some("ACCEPTED"));
    assert_eq!(b.start_at.as_deref(), Some("2020-11-26T13:00:00.000Z"));
    let seg = BookingSegment::get(s.conn(), &"zkras0xv0xwswx", &0)
        .unwrap()
        .unwrap();
    assert_eq!(seg.team_member_id.as_deref(), Some("TMXUrsBWWcHTt79t"));
    assert_eq!(
        seg.service_variation_id.as_deref(),
        Some("RU3PBTZTK7DXZDQFCJHOK2MC")
    );
    assert_eq!(seg.duration_minutes, Some(60));
}

#[test]
fn loyalty_program_account_and_events_are_stored_with_signed_points() {
    let s = store();
    assert_eq!(
        load(
            &s,
            "LOYALTY_PROGRAM",
            "RetrieveLoyaltyProgram.json",
            "program"
        ),
        1
    );
    assert_eq!(
        load(
            &s,
            "LOYALTY_ACCOUNT",
            "RetrieveLoyaltyAccount.json",
            "loyalty_account"
        ),
        1
    );
    assert_eq!(
        load(&s, "LOYALTY_EVENT", "SearchLoyaltyEvents.json", "events"),
        3
    );
    let p = LoyaltyProgram::get(s.conn(), &"d619f755-2d17-41f3-990d-c04ecedd64dd")
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.terminology_one.as_deref(), p.terminology_other.as_deref()),
        (Some("Point"), Some("Points"))
    );
    let a = LoyaltyAccount::get(s.conn(), &"79b807d2-d786-46a9-933b-918028d7a8c5")
        .unwrap()
        .unwrap();
    assert_eq!((a.balance, a.lifetime_points), (Some(10), Some(20)));
    assert_eq!(
        a.customer_id.as_deref(),
        Some("Q8002FAM9V1EZ0ADB2T5609X6NET1H0")
    );
    let points = |id: &str| LoyaltyEvent::get(s.conn(), &id).unwrap().unwrap();
    let earned = points("c27c8465-806e-36f2-b4b3-71f5887b5ba8");
    assert_eq!(
        (earned.points, earned.order_id.as_deref()),
        (Some(5), Some("PyATxhYLfsMqpVkcKJITPydgEYfZY"))
    );
    assert_eq!(
        points("5e127479-0b03-3671-ab1e-15faea8b7188").points,
        Some(-10)
    );
    let redeemed = points("e4a5cbc3-a4d0-3779-98e9-e578885d9430");
    assert_eq!(
        (redeemed.points, redeemed.event_type.as_deref()),
        (None, Some("REDEEM_REWARD"))
    );
}

#[test]
fn unknown_object_type_is_an_error_with_a_stable_code() {
    let s = store();
    let err = normalize_json(s.conn(), "INVOICE", "{}", &ctx()).unwrap_err();
    assert_eq!(err.code(), "normalize_unknown_object_type");
}

#[test]
fn a_later_booking_version_with_fewer_segments_leaves_no_stale_segments() {
    let s = store();
    let booking = |segments: &str| {
        format!(
            r#"{{"id":"BK1","version":1,"status":"ACCEPTED","location_id":"L1",
                "customer_id":"C1","start_at":"2025-03-01T10:00:00Z",
                "created_at":"2025-02-01T10:00:00Z","updated_at":"2025-02-01T10:00:00Z",
                "appointment_segments":[{segments}]}}"#
        )
    };
    let segment = |tm: &str| {
        format!(
            r#"{{"duration_minutes":30,"service_variation_id":"V1","team_member_id":"{tm}",
                "service_variation_version":1}}"#
        )
    };
    let three = [segment("T1"), segment("T2"), segment("T3")].join(",");
    let tx = s.conn();
    let first = normalize_json(tx, "BOOKING", &booking(&three), &ctx()).unwrap();
    assert_eq!(first.rows, 4, "the booking and its three segments");
    assert_eq!(count(&s, "booking_segments"), 3);
    let second = normalize_json(tx, "BOOKING", &booking(&segment("T9")), &ctx()).unwrap();
    assert_eq!(second.rows, 2);
    assert_eq!(count(&s, "booking_segments"), 1);
    let seg = BookingSegment::get(s.conn(), &"BK1", &0).unwrap().unwrap();
    assert_eq!(seg.team_member_id.as_deref(), Some("T9"));
}
