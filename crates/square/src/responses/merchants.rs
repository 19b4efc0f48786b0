//! Merchant and location envelopes.

use super::{Page, all_response, one_response};
use crate::error::SquareApiError;
use crate::models::{Location, Merchant};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

one_response! {
    /// `GET /v2/merchants/{merchant_id}` (`me` = the token's merchant).
    RetrieveMerchantResponse { merchant: Merchant }
}

/// `GET /v2/merchants`: the key is singular `merchant` holding an array, and the cursor is
/// an integer.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ListMerchantsResponse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merchant: Vec<Merchant>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub cursor: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<SquareApiError>,
}

impl Page for ListMerchantsResponse {
    type Item = Merchant;
    const ITEMS_KEY: &'static str = "merchant";
    fn items(&self) -> &[Merchant] {
        &self.merchant
    }
    fn into_items(self) -> Vec<Merchant> {
        self.merchant
    }
    fn next_cursor(&self) -> Option<String> {
        self.cursor.map(|c| c.to_string())
    }
}

all_response! {
    /// `GET /v2/locations` (every location, inactive included; not paginated).
    ListLocationsResponse { locations: Location }
}

one_response! {
    /// `GET /v2/locations/{location_id}`.
    RetrieveLocationResponse { location: Location }
}
