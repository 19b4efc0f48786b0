//! Catalog: ListCatalog (`types`, fixed pages of 100, never deleted objects),
//! SearchCatalogObjects (`object_types`, exclusive `begin_time`, `include_deleted_objects`,
//! `include_related_objects`, `latest_time`) and RetrieveCatalogObject.

use super::{AppState, Params, json, parse_body, parse_time};
use crate::errors::{ApiError, ApiResult};
use crate::model::{CatalogObject, KNOWN_TYPES, TOP_LEVEL_TYPES};
use crate::pagination::{self, hash_body, hash_pairs, scan};
use crate::time::Ts;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

const SCOPE: &[&str] = &["ITEMS_READ"];
const LIST_PAGE: usize = 100;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v2/catalog/list", get(list))
        .route("/v2/catalog/search", post(search))
        .route("/v2/catalog/object/{id}", get(retrieve))
}

fn parse_types<'a>(raw: impl Iterator<Item = &'a str>, field: &str) -> ApiResult<Vec<String>> {
    raw.map(|t| t.trim().to_ascii_uppercase())
        .filter(|t| !t.is_empty())
        .map(|t| {
            if KNOWN_TYPES.contains(&t.as_str()) {
                Ok(t)
            } else {
                Err(ApiError::invalid(
                    "INVALID_ENUM_VALUE",
                    format!("`{t}` is not a catalog object type."),
                )
                .field(field))
            }
        })
        .collect()
}

#[derive(Serialize)]
struct Page<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    objects: Vec<&'a CatalogObject>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_objects: Vec<&'a CatalogObject>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest_time: Option<Ts>,
}

async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let p = Params(q);
    let mut types = parse_types(p.get("types").unwrap_or("").split(','), "types")?;
    if types.is_empty() {
        types = TOP_LEVEL_TYPES.iter().map(|t| t.to_string()).collect();
    }
    let hash = hash_pairs(&p.0);
    let start = p
        .get("cursor")
        .map(|c| pagination::decode(c, hash))
        .transpose()?;
    let d = st.data();
    let page = scan(0..d.catalog.len(), false, start, LIST_PAGE, |i| {
        let o = &d.catalog[i];
        !o.is_deleted && types.iter().any(|t| t == o.kind)
    })?;
    Ok(json(&Page {
        objects: page.items.iter().map(|&i| &d.catalog[i]).collect(),
        cursor: page.next.map(|i| pagination::encode(i, hash)),
        related_objects: vec![],
        latest_time: None,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SearchBody {
    cursor: Option<String>,
    object_types: Vec<String>,
    include_deleted_objects: bool,
    include_related_objects: bool,
    include_category_path_to_root: bool,
    begin_time: Option<String>,
    limit: Option<i64>,
}

async fn search(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let (b, raw): (SearchBody, _) = parse_body(&body)?;
    if b.include_deleted_objects && b.include_category_path_to_root {
        return Err(ApiError::invalid(
            "CONFLICTING_PARAMETERS",
            "include_deleted_objects and include_category_path_to_root cannot both be true.",
        )
        .field("include_category_path_to_root"));
    }
    let limit = match b.limit {
        Some(n) if (1..=1000).contains(&n) => n as usize,
        _ => 100,
    };
    let types = parse_types(b.object_types.iter().map(String::as_str), "object_types")?;
    let begin = b
        .begin_time
        .as_deref()
        .map(|v| parse_time(v, "begin_time"))
        .transpose()?;
    let hash = hash_body(&raw);
    let start = b
        .cursor
        .as_deref()
        .map(|c| pagination::decode(c, hash))
        .transpose()?;
    let d = st.data();
    let idx = &d.idx.catalog_by_updated;
    let range = crate::store::window(
        idx.len(),
        |i| d.catalog[idx[i] as usize].updated_at,
        begin.map_or(std::ops::Bound::Unbounded, std::ops::Bound::Excluded),
        std::ops::Bound::Unbounded,
    );
    let page = scan(range, false, start, limit, |pos| {
        let o = &d.catalog[idx[pos] as usize];
        (b.include_deleted_objects || !o.is_deleted)
            && (types.is_empty() || types.iter().any(|t| t == o.kind))
    })?;
    let objects: Vec<&CatalogObject> = page
        .items
        .iter()
        .map(|&pos| &d.catalog[idx[pos] as usize])
        .collect();
    let related_objects = if b.include_related_objects {
        let mut wanted: Vec<&str> = Vec::new();
        for o in &objects {
            if let Some(item) = &o.item_data {
                wanted.extend(item.categories.iter().map(|c| c.id.as_str()));
                wanted.extend(
                    item.modifier_list_info
                        .iter()
                        .map(|m| m.modifier_list_id.as_str()),
                );
            }
        }
        d.catalog
            .iter()
            .filter(|c| wanted.contains(&c.id.as_str()) && !objects.iter().any(|o| o.id == c.id))
            .collect()
    } else {
        vec![]
    };
    Ok(json(&Page {
        objects,
        cursor: page.next.map(|pos| pagination::encode(pos, hash)),
        related_objects,
        latest_time: d.catalog.iter().map(|o| o.updated_at).max(),
    }))
}

async fn retrieve(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let d = st.data();
    let object = d
        .catalog
        .iter()
        .find(|o| o.id == id && !o.is_deleted)
        .ok_or_else(|| ApiError::not_found(format!("Object {id} not found.")))?;
    #[derive(Serialize)]
    struct R<'a> {
        object: &'a CatalogObject,
    }
    Ok(json(&R { object }))
}
