//! SearchCatalogObjects and BatchRetrieveCatalogObjects bodies.

use crate::models::{CatalogObjectType, Timestamp};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

/// `POST /v2/catalog/search`. `begin_time` is exclusive.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchCatalogObjectsRequest {
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub object_types: Vec<CatalogObjectType>,
    pub include_deleted_objects: Option<bool>,
    pub include_related_objects: Option<bool>,
    pub begin_time: Option<Timestamp>,
    pub query: Option<CatalogQuery>,
    /// ≤ 1000.
    #[serde(default, with = "crate::de::int64_opt")]
    pub limit: Option<i64>,
    pub include_category_path_to_root: Option<bool>,
}

/// The catalog query kinds Keeper or its simulator use; one is set.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogQuery {
    pub exact_query: Option<CatalogQueryExact>,
    pub prefix_query: Option<CatalogQueryPrefix>,
    pub text_query: Option<CatalogQueryText>,
}

/// Attribute equals value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogQueryExact {
    pub attribute_name: String,
    pub attribute_value: String,
}

/// Attribute starts with prefix (case-insensitive).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogQueryPrefix {
    pub attribute_name: String,
    pub attribute_prefix: String,
}

/// All keywords match (1 to 3 keywords).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogQueryText {
    pub keywords: Vec<String>,
}

/// `POST /v2/catalog/batch-retrieve`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchRetrieveCatalogObjectsRequest {
    pub object_ids: Vec<String>,
    pub include_related_objects: Option<bool>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub catalog_version: Option<i64>,
    pub include_deleted_objects: Option<bool>,
    pub include_category_path_to_root: Option<bool>,
}
