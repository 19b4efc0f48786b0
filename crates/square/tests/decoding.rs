//! Focused decoding behaviour on whole Square objects: int64 as string, open enums keep
//! unknown values, unknown fields ignored, `0000` birthdays, decimal quantities.

use keeper_square::models::{
    Birthday, BookingStatus, CatalogObjectType, Customer, Order, Payment, PaymentStatus,
};
use keeper_square::responses::{ListBookingsResponse, Page, RetrieveLoyaltyProgramResponse};

#[test]
fn int64_fields_accept_strings_and_numbers() {
    let page: ListBookingsResponse = serde_json::from_str(
        r#"{"bookings":[{"id":"B","version":"3","appointment_segments":[
            {"team_member_id":"T","service_variation_version":"1599775456731","duration_minutes":60}]}]}"#,
    )
    .unwrap();
    let booking = &page.items()[0];
    assert_eq!(booking.version, Some(3));
    let segment = &booking.appointment_segments[0];
    assert_eq!(segment.service_variation_version, Some(1_599_775_456_731));
    assert_eq!(segment.duration_minutes, Some(60));
}

#[test]
fn loyalty_catalog_version_string_from_official_example_decodes() {
    let body = r#"{"program":{"id":"P","reward_tiers":[{"id":"R","points":10,
        "pricing_rule_reference":{"catalog_version":"1605486402527","object_id":"O"}}]}}"#;
    let resp: RetrieveLoyaltyProgramResponse = serde_json::from_str(body).unwrap();
    let tier = &resp.program.unwrap().reward_tiers[0];
    assert_eq!(
        tier.pricing_rule_reference
            .as_ref()
            .unwrap()
            .catalog_version,
        Some(1_605_486_402_527)
    );
}

#[test]
fn unknown_enum_values_are_kept_and_written_back() {
    let payment: Payment =
        serde_json::from_str(r#"{"id":"P","status":"PARTIALLY_SETTLED","source_type":"CASH"}"#)
            .unwrap();
    assert_eq!(
        payment.status,
        Some(PaymentStatus::Unknown("PARTIALLY_SETTLED".into()))
    );
    assert!(!payment.status.as_ref().unwrap().is_known());
    assert!(payment.source_type.as_ref().unwrap().is_known());
    let back = serde_json::to_value(&payment).unwrap();
    assert_eq!(back["status"], "PARTIALLY_SETTLED");
    assert_eq!(back["source_type"], "CASH");
}

#[test]
fn open_enum_converts_from_and_to_text() {
    assert_eq!(BookingStatus::from("NO_SHOW"), BookingStatus::NoShow);
    assert_eq!(BookingStatus::NoShow.as_str(), "NO_SHOW");
    assert_eq!(
        "ITEM_VARIATION".parse::<CatalogObjectType>().unwrap(),
        CatalogObjectType::ItemVariation
    );
    assert_eq!(
        BookingStatus::from("WAITLISTED".to_owned()).to_string(),
        "WAITLISTED"
    );
    assert!(serde_json::from_str::<BookingStatus>("3").is_err());
}

#[test]
fn unknown_fields_are_ignored_at_every_level() {
    let customer: Customer = serde_json::from_str(
        r#"{"id":"C","given_name":"Ada","future_field":{"deep":[1]},
            "address":{"locality":"Dublin","geo_hash":"gc7x"},
            "preferences":{"email_unsubscribed":true,"sms_unsubscribed":false}}"#,
    )
    .unwrap();
    assert_eq!(customer.given_name.as_deref(), Some("Ada"));
    assert_eq!(
        customer.address.as_ref().unwrap().locality.as_deref(),
        Some("Dublin")
    );
    let back = serde_json::to_string(&customer).unwrap();
    assert!(!back.contains("future_field") && !back.contains("geo_hash"));
}

#[test]
fn customer_birthday_with_year_0000_has_no_year() {
    let customer: Customer = serde_json::from_str(r#"{"id":"C","birthday":"0000-09-21"}"#).unwrap();
    assert_eq!(
        customer.birthday,
        Some(Birthday {
            year: None,
            month: 9,
            day: 21
        })
    );
    assert_eq!(
        serde_json::to_value(&customer).unwrap()["birthday"],
        "0000-09-21"
    );
    assert!(serde_json::from_str::<Customer>(r#"{"birthday":"0000-02-30"}"#).is_err());
}

#[test]
fn order_line_item_quantity_is_a_validated_decimal() {
    let order: Order = serde_json::from_str(
        r#"{"location_id":"L","line_items":[{"quantity":"2.25","base_price_money":{"amount":400,"currency":"USD"},
            "modifiers":[{"name":"Oat","quantity":"1"}]}]}"#,
    )
    .unwrap();
    let line = &order.line_items[0];
    assert_eq!(line.quantity.as_str(), "2.25");
    assert_eq!(line.quantity.to_scaled(3), Ok(2250));
    assert_eq!(line.quantity.times_minor_units(400), Ok(900));
    assert_eq!(line.modifiers[0].quantity.as_ref().unwrap().as_f64(), 1.0);
    assert!(
        serde_json::from_str::<Order>(r#"{"location_id":"L","line_items":[{"quantity":"two"}]}"#)
            .is_err()
    );
    assert!(
        serde_json::from_str::<Order>(r#"{"location_id":"L","line_items":[{"name":"x"}]}"#)
            .is_err(),
        "quantity is required by Square"
    );
}

#[test]
fn required_fields_are_enforced() {
    assert!(serde_json::from_str::<Order>(r#"{"id":"O"}"#).is_err());
    assert!(serde_json::from_str::<Customer>(r#"{}"#).is_ok());
}
