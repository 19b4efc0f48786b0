//! SearchCustomers body: filters on `created_at`, `updated_at`, creation source, contact
//! fields, groups and segments; sort by `DEFAULT` or `CREATED_AT`.

use crate::models::{CustomerCreationSource, SortOrder, TimeRange};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

open_enum! {
    /// Customer sort field (there is no UPDATED_AT sort).
    pub enum CustomerSortField {
        Default = "DEFAULT",
        CreatedAt = "CREATED_AT",
    }
}

open_enum! {
    /// Include or exclude the listed values.
    pub enum FilterRule {
        Include = "INCLUDE",
        Exclude = "EXCLUDE",
    }
}

/// `POST /v2/customers/search`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchCustomersRequest {
    pub cursor: Option<String>,
    /// 1..=100.
    #[serde(default, with = "crate::de::int64_opt")]
    pub limit: Option<i64>,
    pub query: Option<CustomerQuery>,
    pub count: Option<bool>,
}

/// Filter and sort of a customer search.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomerQuery {
    pub filter: Option<CustomerFilter>,
    pub sort: Option<CustomerSort>,
}

/// Customer filters; all set filters must match.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomerFilter {
    pub creation_source: Option<CustomerCreationSourceFilter>,
    pub created_at: Option<TimeRange>,
    pub updated_at: Option<TimeRange>,
    pub email_address: Option<CustomerTextFilter>,
    pub phone_number: Option<CustomerTextFilter>,
    pub reference_id: Option<CustomerTextFilter>,
    pub group_ids: Option<FilterValue>,
    pub segment_ids: Option<FilterValue>,
}

/// Creation sources to include or exclude.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomerCreationSourceFilter {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<CustomerCreationSource>,
    pub rule: Option<FilterRule>,
}

/// Exact or fuzzy text match.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CustomerTextFilter {
    pub exact: Option<String>,
    pub fuzzy: Option<String>,
}

/// Id set match: all / any / none of the ids.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FilterValue {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub none: Vec<String>,
}

/// Customer sort (`field` / `order`, unlike orders' `sort_field` / `sort_order`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomerSort {
    pub field: Option<CustomerSortField>,
    pub order: Option<SortOrder>,
}
