//! Catalog: modifier lists with embedded modifiers, and deletions marked `is_deleted`.

mod common;

use common::{ctx, store};
use keeper_normalize::normalize_json;
use keeper_store::table::catalog::{
    CatalogItem, CatalogModifier, CatalogModifierList, CatalogVariation,
};

const ITEM: &str = r#"{"type":"ITEM","id":"I1","version":1,"updated_at":"2024-01-01T00:00:00Z",
  "item_data":{"name":"Colour","product_type":"APPOINTMENTS_SERVICE","categories":[{"id":"CAT1"}],
  "variations":[{"type":"ITEM_VARIATION","id":"V1","item_variation_data":{"item_id":"I1","name":"Full head",
    "price_money":{"amount":9500,"currency":"USD"},"service_duration":5400000}}]}}"#;

#[test]
fn modifier_list_is_stored_with_its_embedded_modifiers() {
    let s = store();
    let json = r#"{"type":"MODIFIER_LIST","id":"ML1","modifier_list_data":{"name":"Treatments",
      "modifiers":[{"type":"MODIFIER","id":"M1","modifier_data":{"name":"Olaplex",
        "price_money":{"amount":2500,"currency":"USD"}}}]}}"#;
    let outcome = normalize_json(s.conn(), "MODIFIER_LIST", json, &ctx()).unwrap();
    assert_eq!(outcome.rows, 2);
    let list = CatalogModifierList::get(s.conn(), &"ML1").unwrap().unwrap();
    assert_eq!(list.name.as_deref(), Some("Treatments"));
    let m = CatalogModifier::get(s.conn(), &"M1").unwrap().unwrap();
    assert_eq!(
        (m.modifier_list_id.as_deref(), m.price_amount),
        (Some("ML1"), Some(2500))
    );
}

#[test]
fn service_item_keeps_category_type_and_duration() {
    let s = store();
    normalize_json(s.conn(), "ITEM", ITEM, &ctx()).unwrap();
    let item = CatalogItem::get(s.conn(), &"I1").unwrap().unwrap();
    assert_eq!(
        (item.category_id.as_deref(), item.product_type.as_deref()),
        (Some("CAT1"), Some("APPOINTMENTS_SERVICE"))
    );
    let v = CatalogVariation::get(s.conn(), &"V1").unwrap().unwrap();
    assert_eq!(v.service_duration_ms, Some(5_400_000));
}

#[test]
fn deleted_item_tombstone_keeps_names_and_marks_variations_deleted() {
    let s = store();
    normalize_json(s.conn(), "ITEM", ITEM, &ctx()).unwrap();
    let tombstone = r#"{"type":"ITEM","id":"I1","is_deleted":true,"version":2,"updated_at":"2024-06-01T00:00:00Z"}"#;
    normalize_json(s.conn(), "ITEM", tombstone, &ctx()).unwrap();
    let item = CatalogItem::get(s.conn(), &"I1").unwrap().unwrap();
    assert!(item.is_deleted);
    assert_eq!(
        (item.name.as_deref(), item.version),
        (Some("Colour"), Some(2))
    );
    let v = CatalogVariation::get(s.conn(), &"V1").unwrap().unwrap();
    assert!(v.is_deleted);
    assert_eq!(v.name.as_deref(), Some("Full head"));
}

#[test]
fn deleted_object_with_payload_is_stored_marked_deleted() {
    let s = store();
    let json =
        r#"{"type":"CATEGORY","id":"CAT9","is_deleted":true,"category_data":{"name":"Old"}}"#;
    normalize_json(s.conn(), "CATEGORY", json, &ctx()).unwrap();
    let c = keeper_store::table::catalog::CatalogCategory::get(s.conn(), &"CAT9")
        .unwrap()
        .unwrap();
    assert!(c.is_deleted);
    assert_eq!(c.name.as_deref(), Some("Old"));
}

#[test]
fn tombstone_of_an_unseen_object_is_recorded_as_deleted() {
    let s = store();
    let json = r#"{"type":"ITEM_VARIATION","id":"V7","is_deleted":true,"version":5}"#;
    let outcome = normalize_json(s.conn(), "CATALOG_ITEM_VARIATION", json, &ctx()).unwrap();
    assert!(outcome.stored());
    let v = CatalogVariation::get(s.conn(), &"V7").unwrap().unwrap();
    assert!(v.is_deleted);
    assert_eq!((v.name, v.version), (None, Some(5)));
}
