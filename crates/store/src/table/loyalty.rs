//! Loyalty: the program, accounts (balances) and the event ledger.

use crate::row_macro::table_row;

table_row! {
    /// The seller's loyalty program.
    LoyaltyProgram => "loyalty_programs", key (id) {
        id: String,
        status: Option<String>,
        terminology_one: Option<String>,
        terminology_other: Option<String>,
        created_at: Option<String>,
        updated_at: Option<String>,
    }
}

table_row! {
    /// A customer's loyalty account.
    LoyaltyAccount => "loyalty_accounts", key (id) {
        id: String,
        program_id: Option<String>,
        customer_id: Option<String>,
        balance: Option<i64>,
        lifetime_points: Option<i64>,
        enrolled_at: Option<String>,
        created_at: Option<String>,
        updated_at: Option<String>,
    }
}

table_row! {
    /// A loyalty ledger event.
    LoyaltyEvent => "loyalty_events", key (id) {
        id: String,
        event_type: Option<String>,
        loyalty_account_id: Option<String>,
        location_id: Option<String>,
        order_id: Option<String>,
        points: Option<i64>,
        source: Option<String>,
        created_at: Option<String>,
    }
}
