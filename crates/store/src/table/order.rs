//! Orders with their line items (service, variation, quantity, price) and line-item modifiers
//! (the seed's modifier extraction reads these).

use crate::row_macro::table_row;

table_row! {
    /// An order.
    Order => "orders", key (id) {
        id: String,
        location_id: Option<String>,
        customer_id: Option<String>,
        state: Option<String>,
        source_name: Option<String>,
        total: Option<i64>,
        tax: Option<i64>,
        discount: Option<i64>,
        tip: Option<i64>,
        currency: Option<String>,
        created_at: Option<String>,
        updated_at: Option<String>,
        closed_at: Option<String>,
        version: Option<i64>,
    }
}

table_row! {
    /// A line item of an order; `quantity` stays the decimal string Square sent.
    OrderLineItem => "order_line_items", key (order_id, uid) {
        order_id: String,
        uid: String,
        name: Option<String>,
        variation_name: Option<String>,
        catalog_object_id: Option<String>,
        item_type: Option<String>,
        quantity: String,
        base_price: Option<i64>,
        gross_sales: Option<i64>,
        total: Option<i64>,
        currency: Option<String>,
    }
}

table_row! {
    /// A modifier applied to a line item (e.g. an Olaplex add-on to a colour).
    OrderLineItemModifier => "order_line_item_modifiers", key (order_id, line_item_uid, uid) {
        order_id: String,
        line_item_uid: String,
        uid: String,
        catalog_object_id: Option<String>,
        name: Option<String>,
        quantity: Option<String>,
        base_price: Option<i64>,
        total_price: Option<i64>,
        currency: Option<String>,
    }
}
