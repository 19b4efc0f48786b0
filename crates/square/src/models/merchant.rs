//! `Merchant`: the seller account behind the access token.

use super::Timestamp;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

open_enum! {
    /// Whether the merchant account is active.
    pub enum MerchantStatus {
        Active = "ACTIVE",
        Inactive = "INACTIVE",
    }
}

/// A Square seller.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Merchant {
    pub id: Option<String>,
    pub business_name: Option<String>,
    /// ISO 3166-1 alpha-2 country code (required by Square's schema).
    pub country: String,
    pub language_code: Option<String>,
    pub currency: Option<String>,
    pub status: Option<MerchantStatus>,
    pub main_location_id: Option<String>,
    pub created_at: Option<Timestamp>,
}
