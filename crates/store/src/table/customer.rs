//! Customers: cleaned names, E.164 phones, lower-cased emails, birthdays with or without year.

use crate::row_macro::table_row;

table_row! {
    /// A customer profile.
    Customer => "customers", key (id) {
        id: String,
        given_name: Option<String>,
        family_name: Option<String>,
        nickname: Option<String>,
        company_name: Option<String>,
        email: Option<String>,
        phone_e164: Option<String>,
        /// `YYYY-MM-DD`, or `--MM-DD` when Square's birthday has year `0000`.
        birthday: Option<String>,
        note: Option<String>,
        reference_id: Option<String>,
        creation_source: Option<String>,
        created_at: Option<String>,
        updated_at: Option<String>,
        version: Option<i64>,
    }
}
