//! Bookings: ListBookings over a `start_at` window of at most 31 days (defaults: now to
//! now + 31 days; `[min, max)`), filtered by location, team member or customer. A token
//! without `APPOINTMENTS_ALL_READ` is buyer-level and sees only bookings its own app
//! created: none of the generated ones.

use super::{AppState, Params, check_range, json};
use crate::errors::{ApiError, ApiResult};
use crate::model::Booking;
use crate::pagination::{self, hash_pairs, scan, strict_limit};
use crate::store::window;
use crate::time::DAY;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;
use std::ops::Bound;

/// Longest `start_at_max - start_at_min` accepted.
pub const MAX_RANGE: i64 = 31 * DAY;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v2/bookings", get(list))
        .route("/v2/bookings/{id}", get(retrieve))
}

async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let token = st.authorize(&headers, &["APPOINTMENTS_READ"])?;
    let seller_level = token.scopes.iter().any(|s| s == "APPOINTMENTS_ALL_READ");
    let p = Params(q);
    let limit = strict_limit(p.int("limit")?, 100, 1, 10_000)?;
    let min = p.time("start_at_min")?.unwrap_or(st.now());
    let max = p.time("start_at_max")?.unwrap_or(min.plus(MAX_RANGE));
    check_range(Some(min), Some(max), "start_at_max")?;
    if max.0 - min.0 > MAX_RANGE {
        return Err(ApiError::invalid(
            "INVALID_TIME_RANGE",
            "start_at_max must be at most 31 days after start_at_min.",
        )
        .field("start_at_max"));
    }
    let location = p.get("location_id").map(str::to_string);
    let team_member = p.get("team_member_id").map(str::to_string);
    let customer = p.get("customer_id").map(str::to_string);
    let hash = hash_pairs(&p.0);
    let start = p
        .get("cursor")
        .map(|c| pagination::decode(c, hash))
        .transpose()?;
    let d = st.data();
    let range = if seller_level {
        window(
            d.bookings.len(),
            |i| d.bookings[i].start_at,
            Bound::Included(min),
            Bound::Excluded(max),
        )
    } else {
        0..0
    };
    let page = scan(range, false, start, limit, |i| {
        let b = &d.bookings[i];
        location.as_deref().is_none_or(|l| b.location_id == l)
            && customer.as_deref().is_none_or(|c| b.customer_id == c)
            && team_member
                .as_deref()
                .is_none_or(|t| b.appointment_segments.iter().any(|s| s.team_member_id == t))
    })?;
    #[derive(Serialize)]
    struct R<'a> {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        bookings: Vec<&'a Booking>,
        #[serde(skip_serializing_if = "Option::is_none")]
        cursor: Option<String>,
    }
    Ok(json(&R {
        bookings: page.items.iter().map(|&i| &d.bookings[i]).collect(),
        cursor: page.next.map(|i| pagination::encode(i, hash)),
    }))
}

async fn retrieve(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.authorize(&headers, &["APPOINTMENTS_READ", "APPOINTMENTS_ALL_READ"])?;
    let d = st.data();
    let booking = d
        .bookings
        .iter()
        .find(|b| b.id == id)
        .ok_or_else(|| ApiError::not_found(format!("Booking {id} not found.")))?;
    #[derive(Serialize)]
    struct R<'a> {
        booking: &'a Booking,
    }
    Ok(json(&R { booking }))
}
