//! Merchants (`me`, list with its integer cursor) and locations.

use super::{AppState, Params, json};
use crate::errors::{ApiError, ApiResult};
use crate::model::{Location, Merchant};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;

const SCOPE: &[&str] = &["MERCHANT_PROFILE_READ"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v2/merchants", get(list_merchants))
        .route("/v2/merchants/{id}", get(get_merchant))
        .route("/v2/locations", get(list_locations))
        .route("/v2/locations/{id}", get(get_location))
}

async fn get_merchant(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let d = st.data();
    if id != "me" && id != d.merchant.id {
        return Err(ApiError::not_found(format!("Merchant {id} not found.")));
    }
    #[derive(Serialize)]
    struct R<'a> {
        merchant: &'a Merchant,
    }
    Ok(json(&R {
        merchant: &d.merchant,
    }))
}

async fn list_merchants(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let p = Params(q);
    let cursor = p
        .get("cursor")
        .map(|c| c.parse::<i64>().map_err(|_| ApiError::bad_cursor()))
        .transpose()?;
    #[derive(Serialize)]
    struct R<'a> {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        merchant: Vec<&'a Merchant>,
    }
    let d = st.data();
    // One merchant per token: the first page holds it, any later cursor is past the end.
    let merchant = if cursor.unwrap_or(0) == 0 {
        vec![&d.merchant]
    } else {
        vec![]
    };
    Ok(json(&R { merchant }))
}

async fn list_locations(State(st): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    #[derive(Serialize)]
    struct R<'a> {
        locations: &'a [Location],
    }
    let d = st.data();
    Ok(json(&R {
        locations: &d.locations,
    }))
}

async fn get_location(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let d = st.data();
    let id = if id == "main" {
        d.merchant.main_location_id.clone()
    } else {
        id
    };
    let location = d
        .locations
        .iter()
        .find(|l| l.id == id)
        .ok_or_else(|| ApiError::not_found(format!("Location {id} not found.")))?;
    #[derive(Serialize)]
    struct R<'a> {
        location: &'a Location,
    }
    Ok(json(&R { location }))
}
