//! Catalog envelopes.

use super::{all_response, one_response, page_response};
use crate::models::{CatalogObject, Timestamp};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

page_response! {
    /// `GET /v2/catalog/list` (pages of 100; never returns deleted objects).
    ListCatalogResponse { objects: CatalogObject }
}

page_response! {
    /// `POST /v2/catalog/search`.
    SearchCatalogObjectsResponse {
        objects: CatalogObject,
        /// Objects referenced by `objects`, with `include_related_objects`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        related_objects: Vec<CatalogObject>,
        /// When the catalog last changed (beta).
        latest_time: Option<Timestamp>,
    }
}

one_response! {
    /// `GET /v2/catalog/object/{object_id}`.
    RetrieveCatalogObjectResponse {
        object: CatalogObject,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        related_objects: Vec<CatalogObject>,
    }
}

all_response! {
    /// `POST /v2/catalog/batch-retrieve`.
    BatchRetrieveCatalogObjectsResponse {
        objects: CatalogObject,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        related_objects: Vec<CatalogObject>,
    }
}

one_response! {
    /// `GET /v2/catalog/info`: the catalog API's batch and page limits.
    CatalogInfoResponse { limits: CatalogInfoLimits }
}

/// Batch and page size limits of the catalog API.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogInfoLimits {
    #[serde(default, with = "crate::de::int64_opt")]
    pub batch_upsert_max_objects_per_batch: Option<i64>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub batch_upsert_max_total_objects: Option<i64>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub batch_retrieve_max_object_ids: Option<i64>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub search_max_page_limit: Option<i64>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub batch_delete_max_object_ids: Option<i64>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub update_item_taxes_max_item_ids: Option<i64>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub update_item_taxes_max_taxes_to_enable: Option<i64>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub update_item_taxes_max_taxes_to_disable: Option<i64>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub update_item_modifier_lists_max_item_ids: Option<i64>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub update_item_modifier_lists_max_modifier_lists_to_enable: Option<i64>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub update_item_modifier_lists_max_modifier_lists_to_disable: Option<i64>,
}
