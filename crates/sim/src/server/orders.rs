//! Orders: SearchOrders (1–10 location ids, one date_time_filter whose field must equal
//! the sort field, state/customer/source filters, `return_entries`), BatchRetrieveOrders
//! (≤100 ids, unknown ids dropped) and RetrieveOrder.

use super::customers::TimeRange;
use super::{AppState, json, parse_body, sort_order};
use crate::errors::{ApiError, ApiResult};
use crate::model::{Order, OrderEntry};
use crate::pagination::{self, hash_body, scan};
use crate::store::window;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use std::ops::Bound;

const SCOPE: &[&str] = &["ORDERS_READ"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v2/orders/search", post(search))
        .route("/v2/orders/batch-retrieve", post(batch_retrieve))
        .route("/v2/orders/{id}", get(retrieve))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DateTimeFilter {
    created_at: Option<TimeRange>,
    updated_at: Option<TimeRange>,
    closed_at: Option<TimeRange>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StateFilter {
    states: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CustomerFilter {
    customer_ids: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SourceFilter {
    source_names: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Filter {
    state_filter: Option<StateFilter>,
    date_time_filter: Option<DateTimeFilter>,
    customer_filter: Option<CustomerFilter>,
    source_filter: Option<SourceFilter>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Sort {
    sort_field: Option<String>,
    sort_order: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Query_ {
    filter: Option<Filter>,
    sort: Option<Sort>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SearchBody {
    location_ids: Vec<String>,
    cursor: Option<String>,
    query: Option<Query_>,
    limit: Option<i64>,
    return_entries: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Created,
    Updated,
    Closed,
}

async fn search(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let (b, raw): (SearchBody, _) = parse_body(&body)?;
    if b.location_ids.is_empty() {
        return Err(ApiError::invalid(
            "MISSING_REQUIRED_PARAMETER",
            "At least one location_id is required.",
        )
        .field("location_ids"));
    }
    if b.location_ids.len() > 10 {
        return Err(ApiError::invalid(
            "ARRAY_LENGTH_TOO_LONG",
            format!(
                "At most 10 location_ids may be given; got {}.",
                b.location_ids.len()
            ),
        )
        .field("location_ids"));
    }
    let limit = match b.limit {
        None => 500,
        Some(n) if n < 1 => {
            return Err(
                ApiError::invalid("VALUE_TOO_LOW", "`limit` must be at least 1.").field("limit"),
            );
        }
        Some(n) => n.min(1000) as usize,
    };
    let hash = hash_body(&raw);
    let start = b
        .cursor
        .as_deref()
        .map(|c| pagination::decode(c, hash))
        .transpose()?;
    let q = b.query.unwrap_or_default();
    let f = q.filter.unwrap_or_default();
    let sort = q.sort.unwrap_or_default();
    let sort_field = match sort.sort_field.as_deref() {
        None | Some("CREATED_AT") => Field::Created,
        Some("UPDATED_AT") => Field::Updated,
        Some("CLOSED_AT") => Field::Closed,
        Some(other) => {
            return Err(ApiError::invalid(
                "INVALID_ENUM_VALUE",
                format!("`{other}` is not an order sort field."),
            )
            .field("query.sort.sort_field"));
        }
    };
    let desc = sort_order(sort.sort_order.as_deref(), "query.sort.sort_order", true)?;
    let dtf = f.date_time_filter.unwrap_or_default();
    let ranges: Vec<(Field, &TimeRange)> = [
        (Field::Created, &dtf.created_at),
        (Field::Updated, &dtf.updated_at),
        (Field::Closed, &dtf.closed_at),
    ]
    .into_iter()
    .filter_map(|(k, r)| r.as_ref().map(|r| (k, r)))
    .collect();
    if ranges.len() > 1 {
        return Err(ApiError::invalid(
            "BAD_REQUEST",
            "Only one time range may be given in date_time_filter.",
        )
        .field("query.filter.date_time_filter"));
    }
    let now = st.now();
    let time = match ranges.first() {
        Some((field, r)) => {
            if *field != sort_field {
                return Err(ApiError::invalid(
                    "BAD_REQUEST",
                    "The sort_field must be the same as the date_time_filter field.",
                )
                .field("query.sort.sort_field"));
            }
            let (a, bnd) = r.bounds("query.filter.date_time_filter")?;
            Some((a, bnd.unwrap_or(now)))
        }
        None => None,
    };
    let states: Vec<String> = f.state_filter.map(|s| s.states).unwrap_or_default();
    if sort_field == Field::Closed && (states.is_empty() || states.iter().any(|s| s == "OPEN")) {
        return Err(ApiError::invalid(
            "BAD_REQUEST",
            "Sorting by CLOSED_AT requires a state_filter without OPEN.",
        )
        .field("query.filter.state_filter"));
    }
    let customers = f
        .customer_filter
        .map(|c| c.customer_ids)
        .unwrap_or_default();
    if customers.len() > 10 {
        return Err(ApiError::invalid(
            "ARRAY_LENGTH_TOO_LONG",
            "At most 10 customer_ids may be given.",
        )
        .field("query.filter.customer_filter.customer_ids"));
    }
    let sources = f.source_filter.map(|s| s.source_names).unwrap_or_default();
    let d = st.data();
    if let Some(bad) = b
        .location_ids
        .iter()
        .find(|l| !d.locations.iter().any(|x| &x.id == *l))
    {
        return Err(ApiError::invalid(
            "INVALID_VALUE",
            format!("Location `{bad}` does not belong to this merchant."),
        )
        .field("location_ids"));
    }
    let key = |o: &Order| match sort_field {
        Field::Created => o.created_at,
        Field::Updated => o.updated_at,
        Field::Closed => o.closed_at,
    };
    let resolve = |pos: usize| -> usize {
        match sort_field {
            Field::Created => pos,
            Field::Updated => d.idx.orders_by_updated[pos] as usize,
            Field::Closed => d.idx.orders_by_closed[pos] as usize,
        }
    };
    let (lo, hi) = match time {
        Some((a, e)) => (
            a.map_or(Bound::Unbounded, Bound::Included),
            Bound::Included(e),
        ),
        None => (Bound::Unbounded, Bound::Unbounded),
    };
    let range = window(d.orders.len(), |pos| key(&d.orders[resolve(pos)]), lo, hi);
    let page = scan(range, desc, start, limit, |pos| {
        let o = &d.orders[resolve(pos)];
        b.location_ids.contains(&o.location_id)
            && (states.is_empty() || states.iter().any(|s| s == o.state))
            && (customers.is_empty()
                || o.customer_id
                    .as_ref()
                    .is_some_and(|c| customers.contains(c)))
            && (sources.is_empty() || sources.iter().any(|s| s == o.source.name))
    })?;
    let cursor = page.next.map(|pos| pagination::encode(pos, hash));
    if b.return_entries {
        #[derive(Serialize)]
        struct R {
            #[serde(skip_serializing_if = "Vec::is_empty")]
            order_entries: Vec<OrderEntry>,
            #[serde(skip_serializing_if = "Option::is_none")]
            cursor: Option<String>,
        }
        let order_entries = page
            .items
            .iter()
            .map(|&pos| {
                let o = &d.orders[resolve(pos)];
                OrderEntry {
                    order_id: o.id.clone(),
                    location_id: o.location_id.clone(),
                    version: o.version,
                }
            })
            .collect();
        return Ok(json(&R {
            order_entries,
            cursor,
        }));
    }
    #[derive(Serialize)]
    struct R<'a> {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        orders: Vec<&'a Order>,
        #[serde(skip_serializing_if = "Option::is_none")]
        cursor: Option<String>,
    }
    Ok(json(&R {
        orders: page
            .items
            .iter()
            .map(|&pos| &d.orders[resolve(pos)])
            .collect(),
        cursor,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BatchBody {
    location_id: Option<String>,
    order_ids: Vec<String>,
}

async fn batch_retrieve(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let (b, _): (BatchBody, _) = parse_body(&body)?;
    if b.order_ids.is_empty() {
        return Err(
            ApiError::invalid("ARRAY_EMPTY", "order_ids must not be empty.").field("order_ids"),
        );
    }
    if b.order_ids.len() > 100 {
        return Err(ApiError::invalid(
            "ARRAY_LENGTH_TOO_LONG",
            "At most 100 order_ids may be given.",
        )
        .field("order_ids"));
    }
    let d = st.data();
    let orders: Vec<&Order> = b
        .order_ids
        .iter()
        .filter_map(|id| d.idx.order_by_id.get(id))
        .map(|&i| &d.orders[i as usize])
        .filter(|o| b.location_id.as_deref().is_none_or(|l| o.location_id == l))
        .collect();
    #[derive(Serialize)]
    struct R<'a> {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        orders: Vec<&'a Order>,
    }
    Ok(json(&R { orders }))
}

async fn retrieve(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let d = st.data();
    let i = d
        .idx
        .order_by_id
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("Order {id} not found.")))?;
    #[derive(Serialize)]
    struct R<'a> {
        order: &'a Order,
    }
    Ok(json(&R {
        order: &d.orders[*i as usize],
    }))
}
