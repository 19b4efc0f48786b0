//! Loyalty: the program (`main` or its id; deprecated list), SearchLoyaltyAccounts
//! (all, or by ≤30 phone mappings or ≤30 customer ids, created_at ascending; limit
//! 1..200, default 30), RetrieveLoyaltyAccount and SearchLoyaltyEvents (filters ANDed,
//! created_at `[start, end)`, newest first, limit 1..30).

use super::customers::TimeRange;
use super::{AppState, json, parse_body};
use crate::errors::{ApiError, ApiResult};
use crate::model::{LoyaltyAccount, LoyaltyEvent, LoyaltyProgram};
use crate::pagination::{self, hash_body, scan, strict_limit};
use crate::store::window;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use std::ops::Bound;

const SCOPE: &[&str] = &["LOYALTY_READ"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v2/loyalty/programs", get(list_programs))
        .route("/v2/loyalty/programs/{id}", get(get_program))
        .route("/v2/loyalty/accounts/search", post(search_accounts))
        .route("/v2/loyalty/accounts/{id}", get(get_account))
        .route("/v2/loyalty/events/search", post(search_events))
}

async fn list_programs(State(st): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let d = st.data();
    #[derive(Serialize)]
    struct R<'a> {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        programs: Vec<&'a LoyaltyProgram>,
    }
    Ok(json(&R {
        programs: d.loyalty_program.iter().collect(),
    }))
}

async fn get_program(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let d = st.data();
    let program = d
        .loyalty_program
        .as_ref()
        .filter(|p| id == "main" || p.id == id)
        .ok_or_else(|| ApiError::not_found(format!("Loyalty program {id} not found.")))?;
    #[derive(Serialize)]
    struct R<'a> {
        program: &'a LoyaltyProgram,
    }
    Ok(json(&R { program }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Mapping {
    phone_number: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AccountQuery {
    mappings: Option<Vec<Mapping>>,
    customer_ids: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AccountSearch {
    query: Option<AccountQuery>,
    limit: Option<i64>,
    cursor: Option<String>,
}

async fn search_accounts(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let (b, raw): (AccountSearch, _) = parse_body(&body)?;
    let limit = strict_limit(b.limit, 30, 1, 200)?;
    let hash = hash_body(&raw);
    let start = b
        .cursor
        .as_deref()
        .map(|c| pagination::decode(c, hash))
        .transpose()?;
    let q = b.query.unwrap_or_default();
    if q.mappings.is_some() && q.customer_ids.is_some() {
        return Err(ApiError::invalid(
            "CONFLICTING_PARAMETERS",
            "Give mappings or customer_ids, not both.",
        )
        .field("query"));
    }
    let phones: Option<Vec<String>> = q
        .mappings
        .map(|m| m.into_iter().filter_map(|x| x.phone_number).collect());
    for (list, field) in [
        (phones.as_ref(), "query.mappings"),
        (q.customer_ids.as_ref(), "query.customer_ids"),
    ] {
        if list.is_some_and(|l| l.len() > 30) {
            return Err(ApiError::invalid(
                "ARRAY_LENGTH_TOO_LONG",
                "At most 30 values may be given.",
            )
            .field(field));
        }
    }
    let d = st.data();
    let page = scan(0..d.loyalty_accounts.len(), false, start, limit, |i| {
        let a = &d.loyalty_accounts[i];
        phones
            .as_ref()
            .is_none_or(|p| p.contains(&a.mapping.phone_number))
            && q.customer_ids
                .as_ref()
                .is_none_or(|c| c.contains(&a.customer_id))
    })?;
    #[derive(Serialize)]
    struct R<'a> {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        loyalty_accounts: Vec<&'a LoyaltyAccount>,
        #[serde(skip_serializing_if = "Option::is_none")]
        cursor: Option<String>,
    }
    Ok(json(&R {
        loyalty_accounts: page.items.iter().map(|&i| &d.loyalty_accounts[i]).collect(),
        cursor: page.next.map(|i| pagination::encode(i, hash)),
    }))
}

async fn get_account(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let d = st.data();
    let loyalty_account = d
        .loyalty_accounts
        .iter()
        .find(|a| a.id == id)
        .ok_or_else(|| ApiError::not_found(format!("Loyalty account {id} not found.")))?;
    #[derive(Serialize)]
    struct R<'a> {
        loyalty_account: &'a LoyaltyAccount,
    }
    Ok(json(&R { loyalty_account }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AccountFilter {
    loyalty_account_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TypeFilter {
    types: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DateFilter {
    created_at: Option<TimeRange>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LocationFilter {
    location_ids: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OrderFilter {
    order_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EventFilter {
    loyalty_account_filter: Option<AccountFilter>,
    type_filter: Option<TypeFilter>,
    date_time_filter: Option<DateFilter>,
    location_filter: Option<LocationFilter>,
    order_filter: Option<OrderFilter>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EventQuery {
    filter: Option<EventFilter>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EventSearch {
    query: Option<EventQuery>,
    limit: Option<i64>,
    cursor: Option<String>,
}

async fn search_events(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let (b, raw): (EventSearch, _) = parse_body(&body)?;
    let limit = strict_limit(b.limit, 30, 1, 30)?;
    let hash = hash_body(&raw);
    let start = b
        .cursor
        .as_deref()
        .map(|c| pagination::decode(c, hash))
        .transpose()?;
    let f = b.query.and_then(|q| q.filter).unwrap_or_default();
    let (lo, hi) = match f
        .date_time_filter
        .as_ref()
        .and_then(|d| d.created_at.as_ref())
    {
        Some(r) => r.bounds("query.filter.date_time_filter.created_at")?,
        None => (None, None),
    };
    let account = f.loyalty_account_filter.and_then(|a| a.loyalty_account_id);
    let types = f.type_filter.map(|t| t.types).unwrap_or_default();
    let locations = f
        .location_filter
        .map(|l| l.location_ids)
        .unwrap_or_default();
    let order = f.order_filter.and_then(|o| o.order_id);
    let d = st.data();
    let ev = &d.loyalty_events;
    let range = window(
        ev.len(),
        |i| ev[i].created_at,
        lo.map_or(Bound::Unbounded, Bound::Included),
        hi.map_or(Bound::Unbounded, Bound::Excluded),
    );
    let page = scan(range, true, start, limit, |i| {
        let e = &ev[i];
        let order_id = e
            .accumulate_points
            .as_ref()
            .map(|a| a.order_id.as_str())
            .or(e.redeem_reward.as_ref().map(|r| r.order_id.as_str()));
        account.as_deref().is_none_or(|a| e.loyalty_account_id == a)
            && (types.is_empty() || types.iter().any(|t| t == e.kind))
            && (locations.is_empty() || locations.contains(&e.location_id))
            && order.as_deref().is_none_or(|o| order_id == Some(o))
    })?;
    #[derive(Serialize)]
    struct R<'a> {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        events: Vec<&'a LoyaltyEvent>,
        #[serde(skip_serializing_if = "Option::is_none")]
        cursor: Option<String>,
    }
    Ok(json(&R {
        events: page.items.iter().map(|&i| &ev[i]).collect(),
        cursor: page.next.map(|i| pagination::encode(i, hash)),
    }))
}
