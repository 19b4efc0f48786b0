//! SearchLoyaltyAccounts and SearchLoyaltyEvents bodies.

use crate::models::{LoyaltyEventType, TimeRange};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

/// `POST /v2/loyalty/accounts/search`; no query returns every account.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SearchLoyaltyAccountsRequest {
    pub query: Option<LoyaltyAccountQuery>,
    /// 1..=200, default 30.
    #[serde(default, with = "crate::de::int64_opt")]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Either phone-number mappings or customer ids (≤ 30), not both.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyAccountQuery {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mappings: Vec<LoyaltyAccountMappingQuery>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer_ids: Vec<String>,
}

/// Match an account by phone number.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyAccountMappingQuery {
    pub phone_number: Option<String>,
}

/// `POST /v2/loyalty/events/search`; results newest first.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchLoyaltyEventsRequest {
    pub query: Option<LoyaltyEventQuery>,
    /// 1..=30.
    #[serde(default, with = "crate::de::int64_opt")]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Loyalty event query.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LoyaltyEventQuery {
    pub filter: Option<LoyaltyEventFilter>,
}

/// AND across filters, OR inside lists.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LoyaltyEventFilter {
    pub loyalty_account_filter: Option<LoyaltyEventAccountFilter>,
    pub type_filter: Option<LoyaltyEventTypeFilter>,
    pub date_time_filter: Option<LoyaltyEventDateTimeFilter>,
    pub location_filter: Option<LoyaltyEventLocationFilter>,
    pub order_filter: Option<LoyaltyEventOrderFilter>,
}

/// Events of one account.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyEventAccountFilter {
    pub loyalty_account_id: String,
}

/// Events of these types.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyEventTypeFilter {
    pub types: Vec<LoyaltyEventType>,
}

/// Events created in a range (start inclusive, end exclusive).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyEventDateTimeFilter {
    pub created_at: TimeRange,
}

/// Events at these locations.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyEventLocationFilter {
    pub location_ids: Vec<String>,
}

/// Events of one order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyEventOrderFilter {
    pub order_id: String,
}
