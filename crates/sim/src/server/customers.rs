//! Customers: ListCustomers (all profiles, DEFAULT or CREATED_AT order), SearchCustomers
//! (created_at/updated_at/creation_source/email/phone filters, CREATED_AT or DEFAULT sort;
//! alphabetical with no query) and RetrieveCustomer.

use super::{AppState, Params, check_range, json, parse_body, parse_time, sort_order};
use crate::errors::{ApiError, ApiResult};
use crate::model::Customer;
use crate::pagination::{self, hash_body, hash_pairs, scan, strict_limit};
use crate::time::Ts;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

const SCOPE: &[&str] = &["CUSTOMERS_READ"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v2/customers", get(list))
        .route("/v2/customers/search", post(search))
        .route("/v2/customers/{id}", get(retrieve))
}

#[derive(Serialize)]
struct Page<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    customers: Vec<&'a Customer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<i64>,
}

async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let p = Params(q);
    let limit = strict_limit(p.int("limit")?, 100, 1, 100)?;
    let by_name = p
        .choice("sort_field", &["DEFAULT", "CREATED_AT"])?
        .is_none_or(|f| f == "DEFAULT");
    let desc = sort_order(p.get("sort_order"), "sort_order", false)?;
    let with_count = p.get("count") == Some("true");
    let hash = hash_pairs(&p.0);
    let start = p
        .get("cursor")
        .map(|c| pagination::decode(c, hash))
        .transpose()?;
    let d = st.data();
    let n = d.customers.len();
    let resolve = |pos: usize| -> usize {
        if by_name {
            d.idx.customers_by_name[pos] as usize
        } else {
            pos
        }
    };
    let page = scan(0..n, desc, start, limit, |pos| {
        d.customers[resolve(pos)].is_listable()
    })?;
    Ok(json(&Page {
        customers: page
            .items
            .iter()
            .map(|&pos| &d.customers[resolve(pos)])
            .collect(),
        cursor: page.next.map(|pos| pagination::encode(pos, hash)),
        count: with_count.then(|| d.customers.iter().filter(|c| c.is_listable()).count() as i64),
    }))
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
        .customer_by_id
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("Customer with ID `{id}` not found.")))?;
    #[derive(Serialize)]
    struct R<'a> {
        customer: &'a Customer,
    }
    Ok(json(&R {
        customer: &d.customers[*i as usize],
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TimeRange {
    pub start_at: Option<String>,
    pub end_at: Option<String>,
}

impl TimeRange {
    /// Parsed bounds, validated.
    pub fn bounds(&self, field: &str) -> ApiResult<(Option<Ts>, Option<Ts>)> {
        let a = self
            .start_at
            .as_deref()
            .map(|v| parse_time(v, field))
            .transpose()?;
        let b = self
            .end_at
            .as_deref()
            .map(|v| parse_time(v, field))
            .transpose()?;
        check_range(a, b, field)?;
        Ok((a, b))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TextFilter {
    exact: Option<String>,
    fuzzy: Option<String>,
}

impl TextFilter {
    fn matches(&self, v: Option<&str>) -> bool {
        let v = v.unwrap_or("");
        self.exact
            .as_deref()
            .is_none_or(|e| e.eq_ignore_ascii_case(v))
            && self.fuzzy.as_deref().is_none_or(|f| {
                let norm = |s: &str| {
                    s.chars()
                        .filter(|c| c.is_alphanumeric())
                        .collect::<String>()
                        .to_lowercase()
                };
                norm(v).contains(&norm(f))
            })
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SourceFilter {
    values: Vec<String>,
    rule: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Filter {
    created_at: Option<TimeRange>,
    updated_at: Option<TimeRange>,
    creation_source: Option<SourceFilter>,
    email_address: Option<TextFilter>,
    phone_number: Option<TextFilter>,
    reference_id: Option<TextFilter>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Sort {
    field: Option<String>,
    order: Option<String>,
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
    cursor: Option<String>,
    limit: Option<i64>,
    query: Option<Query_>,
    count: bool,
}

fn within(t: Ts, r: (Option<Ts>, Option<Ts>)) -> bool {
    r.0.is_none_or(|a| t >= a) && r.1.is_none_or(|b| t < b)
}

async fn search(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let (b, raw): (SearchBody, _) = parse_body(&body)?;
    let limit = strict_limit(b.limit, 100, 1, 100)?;
    let hash = hash_body(&raw);
    let start = b
        .cursor
        .as_deref()
        .map(|c| pagination::decode(c, hash))
        .transpose()?;
    let q = b.query.unwrap_or_default();
    let sort = q.sort.unwrap_or_default();
    let by_name = match sort.field.as_deref() {
        None | Some("DEFAULT") => true,
        Some("CREATED_AT") => false,
        Some(other) => {
            return Err(ApiError::invalid(
                "INVALID_ENUM_VALUE",
                format!("`{other}` is not a customer sort field (DEFAULT, CREATED_AT)."),
            )
            .field("query.sort.field"));
        }
    };
    let desc = sort_order(sort.order.as_deref(), "query.sort.order", false)?;
    let f = q.filter.unwrap_or_default();
    let created = f
        .created_at
        .as_ref()
        .map(|r| r.bounds("query.filter.created_at"))
        .transpose()?;
    let updated = f
        .updated_at
        .as_ref()
        .map(|r| r.bounds("query.filter.updated_at"))
        .transpose()?;
    let d = st.data();
    // CREATED_AT order with a created_at filter: binary-search the window.
    let range = match (by_name, created) {
        (false, Some((a, b))) => crate::store::window(
            d.customers.len(),
            |i| d.customers[i].created_at,
            a.map_or(std::ops::Bound::Unbounded, std::ops::Bound::Included),
            b.map_or(std::ops::Bound::Unbounded, std::ops::Bound::Excluded),
        ),
        _ => 0..d.customers.len(),
    };
    let resolve = |pos: usize| -> usize {
        if by_name {
            d.idx.customers_by_name[pos] as usize
        } else {
            pos
        }
    };
    let matches = |c: &Customer| {
        c.is_listable()
            && created.is_none_or(|r| within(c.created_at, r))
            && updated.is_none_or(|r| within(c.updated_at, r))
            && f.creation_source.as_ref().is_none_or(|s| {
                let hit = s.values.iter().any(|v| v == c.creation_source);
                if s.rule.as_deref() == Some("EXCLUDE") {
                    !hit
                } else {
                    hit
                }
            })
            && f.email_address
                .as_ref()
                .is_none_or(|t| c.email_address.is_some() && t.matches(c.email_address.as_deref()))
            && f.phone_number
                .as_ref()
                .is_none_or(|t| c.phone_number.is_some() && t.matches(c.phone_number.as_deref()))
            && f.reference_id
                .as_ref()
                .is_none_or(|t| c.reference_id.is_some() && t.matches(c.reference_id.as_deref()))
    };
    let page = scan(range, desc, start, limit, |pos| {
        matches(&d.customers[resolve(pos)])
    })?;
    Ok(json(&Page {
        customers: page
            .items
            .iter()
            .map(|&pos| &d.customers[resolve(pos)])
            .collect(),
        cursor: page.next.map(|pos| pagination::encode(pos, hash)),
        count: b
            .count
            .then(|| d.customers.iter().filter(|c| matches(c)).count() as i64),
    }))
}
