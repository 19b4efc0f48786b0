//! Locations: the seller's shops, with the timezone and country that normalization needs.

use crate::row_macro::table_row;

table_row! {
    /// A Square location.
    Location => "locations", key (id) {
        id: String,
        name: Option<String>,
        business_name: Option<String>,
        status: Option<String>,
        timezone: Option<String>,
        country: Option<String>,
        currency: Option<String>,
        created_at: Option<String>,
    }
}
