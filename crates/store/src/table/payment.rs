//! Payments (every tender, cash included) and refunds.

use crate::row_macro::table_row;

table_row! {
    /// A payment. `amount` excludes the tip; `total` = amount + tip.
    Payment => "payments", key (id) {
        id: String,
        location_id: Option<String>,
        customer_id: Option<String>,
        order_id: Option<String>,
        team_member_id: Option<String>,
        status: Option<String>,
        source_type: Option<String>,
        amount: Option<i64>,
        tip: Option<i64>,
        total: Option<i64>,
        refunded: Option<i64>,
        currency: Option<String>,
        created_at: Option<String>,
        updated_at: Option<String>,
    }
}

table_row! {
    /// A refund of (part of) a payment.
    Refund => "refunds", key (id) {
        id: String,
        payment_id: Option<String>,
        order_id: Option<String>,
        location_id: Option<String>,
        status: Option<String>,
        amount: Option<i64>,
        currency: Option<String>,
        reason: Option<String>,
        created_at: Option<String>,
        updated_at: Option<String>,
    }
}
