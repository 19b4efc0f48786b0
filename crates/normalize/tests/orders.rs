//! Orders: line items, the modifiers chosen on them, and re-writes with fewer lines.

mod common;

use common::{count, ctx, store};
use keeper_normalize::normalize_json;
use keeper_store::table::order::{OrderLineItem, OrderLineItemModifier};

const ORDER: &str = r#"{
  "id": "O1", "location_id": "L1", "customer_id": "C1", "state": "COMPLETED",
  "created_at": "2024-05-01T15:00:00Z", "total_money": {"amount": 12500, "currency": "USD"},
  "line_items": [
    {"uid": "li1", "name": "Colour", "variation_name": "Full head", "catalog_object_id": "V1",
     "item_type": "ITEM", "quantity": "1", "base_price_money": {"amount": 9500, "currency": "USD"},
     "gross_sales_money": {"amount": 12000, "currency": "USD"},
     "total_money": {"amount": 12000, "currency": "USD"},
     "modifiers": [
       {"uid": "m1", "catalog_object_id": "MOD1", "name": "Olaplex", "quantity": "1",
        "base_price_money": {"amount": 2500, "currency": "USD"},
        "total_price_money": {"amount": 2500, "currency": "USD"}},
       {"name": "Toner", "base_price_money": {"amount": 0, "currency": "USD"}}
     ]},
    {"name": "Shampoo", "quantity": "2.5", "base_price_money": {"amount": 200, "currency": "USD"},
     "total_money": {"amount": 500, "currency": "USD"}}
  ]
}"#;

#[test]
fn modifiers_are_extracted_from_order_line_items() {
    let s = store();
    let outcome = normalize_json(s.conn(), "ORDER", ORDER, &ctx()).unwrap();
    assert_eq!(outcome.rows, 5, "order + 2 line items + 2 modifiers");
    let m = OrderLineItemModifier::get(s.conn(), &"O1", &"li1", &"m1")
        .unwrap()
        .unwrap();
    assert_eq!(
        (m.name.as_deref(), m.base_price, m.total_price),
        (Some("Olaplex"), Some(2500), Some(2500))
    );
    assert_eq!(m.catalog_object_id.as_deref(), Some("MOD1"));
    let toner = OrderLineItemModifier::get(s.conn(), &"O1", &"li1", &"#1")
        .unwrap()
        .unwrap();
    assert_eq!(
        (toner.name.as_deref(), toner.base_price),
        (Some("Toner"), Some(0))
    );
}

#[test]
fn line_items_keep_service_variation_decimal_quantity_and_price() {
    let s = store();
    normalize_json(s.conn(), "ORDER", ORDER, &ctx()).unwrap();
    let colour = OrderLineItem::get(s.conn(), &"O1", &"li1")
        .unwrap()
        .unwrap();
    assert_eq!(colour.catalog_object_id.as_deref(), Some("V1"));
    assert_eq!(colour.variation_name.as_deref(), Some("Full head"));
    assert_eq!(
        (colour.base_price, colour.gross_sales),
        (Some(9500), Some(12000))
    );
    let shampoo = OrderLineItem::get(s.conn(), &"O1", &"#1").unwrap().unwrap();
    assert_eq!(shampoo.quantity, "2.5");
}

#[test]
fn a_later_order_version_with_fewer_lines_leaves_no_stale_rows() {
    let s = store();
    normalize_json(s.conn(), "ORDER", ORDER, &ctx()).unwrap();
    let smaller = r#"{"id": "O1", "location_id": "L1", "customer_id": "C1", "state": "COMPLETED",
        "created_at": "2024-05-01T15:00:00Z", "total_money": {"amount": 500, "currency": "USD"},
        "line_items": [{"uid": "li9", "name": "Trim", "quantity": "1",
                        "base_price_money": {"amount": 500, "currency": "USD"}}]}"#;
    normalize_json(s.conn(), "ORDER", smaller, &ctx()).unwrap();
    assert_eq!(
        (
            count(&s, "orders"),
            count(&s, "order_line_items"),
            count(&s, "order_line_item_modifiers")
        ),
        (1, 1, 0)
    );
}
