//! Customer cleaning: names, phones read with the location's country, emails, birthdays.

mod common;

use common::{ctx, now, store};
use keeper_normalize::customer::customer;
use keeper_normalize::{Context, Rule, Severity, normalize_json};
use keeper_square::models::Customer;
use keeper_store::table::customer::Customer as Row;
use serde_json::json;

fn decode(v: serde_json::Value) -> Customer {
    serde_json::from_value(v).unwrap()
}

fn row(v: serde_json::Value, ctx: &Context) -> Row {
    customer(&decode(v), ctx).row.expect("stored")
}

#[test]
fn birthday_with_year_0000_is_stored_without_a_year() {
    let r = row(json!({"id": "C1", "birthday": "0000-09-21"}), &ctx());
    assert_eq!(r.birthday.as_deref(), Some("--09-21"));
    let r = row(
        json!({"id": "C1", "birthday": "1998-09-21T00:00:00-00:00"}),
        &ctx(),
    );
    assert_eq!(r.birthday.as_deref(), Some("1998-09-21"));
}

#[test]
fn shouting_and_lower_case_names_are_title_cased_carefully() {
    let r = row(
        json!({"id": "C1", "given_name": "  MARY   ANN ", "family_name": "MCDONALD"}),
        &ctx(),
    );
    assert_eq!(
        (r.given_name.as_deref(), r.family_name.as_deref()),
        (Some("Mary Ann"), Some("McDonald"))
    );
    let r = row(
        json!({"id": "C1", "given_name": "maria", "family_name": "de la cruz"}),
        &ctx(),
    );
    assert_eq!(
        (r.given_name.as_deref(), r.family_name.as_deref()),
        (Some("Maria"), Some("de la Cruz"))
    );
    let r = row(
        json!({"id": "C1", "given_name": "Sean", "family_name": "O'Neil"}),
        &ctx(),
    );
    assert_eq!(r.family_name.as_deref(), Some("O'Neil"));
}

#[test]
fn phone_without_country_code_is_read_with_the_location_country() {
    let us = Context::new(Some("US"), now());
    let gb = Context::new(Some("GB"), now());
    let au = Context::new(Some("AU"), now());
    let fr = Context::new(Some("FR"), now());
    assert_eq!(
        row(json!({"id": "C", "phone_number": "(415) 555-2671"}), &us)
            .phone_e164
            .as_deref(),
        Some("+14155552671")
    );
    assert_eq!(
        row(json!({"id": "C", "phone_number": "07700 900123"}), &gb)
            .phone_e164
            .as_deref(),
        Some("+447700900123")
    );
    assert_eq!(
        row(json!({"id": "C", "phone_number": "0412 345 678"}), &au)
            .phone_e164
            .as_deref(),
        Some("+61412345678")
    );
    assert_eq!(
        row(json!({"id": "C", "phone_number": "06 12 34 56 78"}), &fr)
            .phone_e164
            .as_deref(),
        Some("+33612345678")
    );
}

#[test]
fn customer_address_country_wins_over_the_location_country() {
    let r = row(
        json!({"id": "C", "phone_number": "020 7946 0958", "address": {"country": "GB"}}),
        &Context::new(Some("US"), now()),
    );
    assert_eq!(r.phone_e164.as_deref(), Some("+442079460958"));
}

#[test]
fn phone_with_no_known_country_is_nulled_and_quarantined_softly() {
    let n = customer(
        &decode(json!({"id": "C", "phone_number": "0812 3456 7890"})),
        &Context::new(None, now()),
    );
    let r = n.row.as_ref().expect("soft failure keeps the row");
    assert_eq!(r.phone_e164, None);
    assert_eq!(n.issues.len(), 1);
    assert_eq!(
        (n.issues[0].rule, n.issues[0].severity),
        (Rule::PhoneInvalid, Severity::Soft)
    );
    assert!(
        n.issues[0].reason.contains("no default country"),
        "{}",
        n.issues[0].reason
    );
}

#[test]
fn short_phone_fails_the_ten_digit_rule() {
    let n = customer(
        &decode(json!({"id": "C", "phone_number": "+49 30 1234"})),
        &ctx(),
    );
    assert_eq!(n.row.unwrap().phone_e164, None);
    assert_eq!(n.issues[0].rule, Rule::PhoneInvalid);
}

#[test]
fn email_is_trimmed_and_lower_cased_and_a_bad_one_is_nulled() {
    let r = row(
        json!({"id": "C", "email_address": "  Amelia.Earhart@Example.COM "}),
        &ctx(),
    );
    assert_eq!(r.email.as_deref(), Some("amelia.earhart@example.com"));
    let n = customer(
        &decode(json!({"id": "C", "email_address": "amelia at example"})),
        &ctx(),
    );
    assert_eq!(n.row.unwrap().email, None);
    assert_eq!(
        (n.issues[0].rule, n.issues[0].severity),
        (Rule::EmailInvalid, Severity::Soft)
    );
}

#[test]
fn one_letter_or_overlong_name_is_nulled_and_quarantined_softly() {
    let n = customer(
        &decode(json!({"id": "C", "given_name": "J", "email_address": "j@example.com"})),
        &ctx(),
    );
    let r = n.row.expect("stored");
    assert_eq!(
        (r.given_name, r.email.as_deref()),
        (None, Some("j@example.com"))
    );
    assert_eq!(n.issues[0].rule, Rule::NameLength);
    let long = "X".repeat(120);
    let n = customer(&decode(json!({"id": "C", "family_name": long})), &ctx());
    assert_eq!(n.issues[0].rule, Rule::NameLength);
}

#[test]
fn customer_with_only_email_or_phone_passes() {
    assert!(
        customer(
            &decode(json!({"id": "C", "email_address": "a@b.co"})),
            &ctx()
        )
        .issues
        .is_empty()
    );
    assert!(
        customer(
            &decode(json!({"id": "C", "phone_number": "+1 212 555 4240"})),
            &ctx()
        )
        .issues
        .is_empty()
    );
}

#[test]
fn customer_created_before_2015_is_kept() {
    let n = customer(
        &decode(json!({"id": "C", "created_at": "2012-05-01T10:00:00Z"})),
        &ctx(),
    );
    assert!(n.issues.is_empty());
    assert_eq!(
        n.row.unwrap().created_at.as_deref(),
        Some("2012-05-01T10:00:00.000Z")
    );
}

#[test]
fn customer_created_in_the_future_is_kept_with_the_date_nulled() {
    let n = customer(
        &decode(json!({"id": "C", "created_at": "2030-01-01T00:00:00Z"})),
        &ctx(),
    );
    assert_eq!(n.row.unwrap().created_at, None);
    assert_eq!(
        (n.issues[0].rule, n.issues[0].severity),
        (Rule::DateOutOfRange, Severity::Soft)
    );
}

#[test]
fn customer_json_path_writes_the_cleaned_row() {
    let s = store();
    let json =
        r#"{"id":"C9","given_name":"JOHN","family_name":"SMITH","phone_number":"212 555 4240"}"#;
    let outcome = normalize_json(s.conn(), "CUSTOMER", json, &ctx()).unwrap();
    assert!(outcome.stored() && outcome.issues.is_empty());
    let r = Row::get(s.conn(), &"C9").unwrap().unwrap();
    assert_eq!(
        (r.given_name.as_deref(), r.phone_e164.as_deref()),
        (Some("John"), Some("+12125554240"))
    );
}
