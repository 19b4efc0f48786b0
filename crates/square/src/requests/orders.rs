//! SearchOrders and BatchRetrieveOrders bodies.

use crate::models::{OrderState, SortOrder, TimeRange};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

open_enum! {
    /// Order sort field; must equal the filtered timestamp.
    pub enum SearchOrdersSortField {
        CreatedAt = "CREATED_AT",
        UpdatedAt = "UPDATED_AT",
        ClosedAt = "CLOSED_AT",
    }
}

/// `POST /v2/orders/search`. `location_ids`: 1 to 10 locations of one seller.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchOrdersRequest {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub location_ids: Vec<String>,
    pub cursor: Option<String>,
    pub query: Option<SearchOrdersQuery>,
    /// Default 500, maximum 1000.
    #[serde(default, with = "crate::de::int64_opt")]
    pub limit: Option<i64>,
    /// `true`: answer with `order_entries` instead of `orders`.
    pub return_entries: Option<bool>,
}

/// Filter and sort of an order search.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchOrdersQuery {
    pub filter: Option<SearchOrdersFilter>,
    pub sort: Option<SearchOrdersSort>,
}

/// Order filters; all set filters must match.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchOrdersFilter {
    pub state_filter: Option<SearchOrdersStateFilter>,
    pub date_time_filter: Option<SearchOrdersDateTimeFilter>,
    pub source_filter: Option<SearchOrdersSourceFilter>,
    pub customer_filter: Option<SearchOrdersCustomerFilter>,
}

/// Order states to match.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SearchOrdersStateFilter {
    #[serde(default)]
    pub states: Vec<OrderState>,
}

/// One time range (only one of the three may be set).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchOrdersDateTimeFilter {
    pub created_at: Option<TimeRange>,
    pub updated_at: Option<TimeRange>,
    pub closed_at: Option<TimeRange>,
}

/// Order sources to match (≤ 10).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SearchOrdersSourceFilter {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source_names: Vec<String>,
}

/// Customers to match (≤ 10), on the order or its tenders.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SearchOrdersCustomerFilter {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer_ids: Vec<String>,
}

/// Order sort (`sort_field` / `sort_order`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchOrdersSort {
    pub sort_field: SearchOrdersSortField,
    pub sort_order: Option<SortOrder>,
}

/// `POST /v2/orders/batch-retrieve` (≤ 100 ids; unknown ids are silently dropped).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchRetrieveOrdersRequest {
    pub location_id: Option<String>,
    pub order_ids: Vec<String>,
}
