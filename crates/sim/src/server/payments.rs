//! Payments (ListPayments with created/updated windows, sort, main-location default;
//! GetPayment) and refunds (ListPaymentRefunds across all locations; GetPaymentRefund).

use super::{AppState, Params, check_range, json, sort_order};
use crate::errors::{ApiError, ApiResult};
use crate::model::{Payment, PaymentRefund};
use crate::pagination::{self, hash_pairs, scan};
use crate::store::window;
use crate::time::{DAY, Ts};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;
use std::ops::Bound;

const SCOPE: &[&str] = &["PAYMENTS_READ"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v2/payments", get(list_payments))
        .route("/v2/payments/{id}", get(get_payment))
        .route("/v2/refunds", get(list_refunds))
        .route("/v2/refunds/{id}", get(get_refund))
}

/// `limit` for payments and refunds: values outside 1..=100 fall back to 100.
fn lenient_limit(p: &Params) -> ApiResult<usize> {
    Ok(match p.int("limit")? {
        Some(n) if (1..=100).contains(&n) => n as usize,
        _ => 100,
    })
}

/// The created_at window (defaults: a year back to now; begin inclusive, end exclusive)
/// and the optional updated_at window.
struct Windows {
    created: (Ts, Ts),
    updated: (Option<Ts>, Option<Ts>),
}

fn windows(p: &Params, now: Ts) -> ApiResult<Windows> {
    let end = p.time("end_time")?.unwrap_or(now);
    let begin = p.time("begin_time")?.unwrap_or(end.minus(365 * DAY));
    check_range(Some(begin), Some(end), "end_time")?;
    let ub = p.time("updated_at_begin_time")?;
    let ue = p.time("updated_at_end_time")?;
    check_range(ub, ue, "updated_at_end_time")?;
    Ok(Windows {
        created: (begin, end),
        updated: (ub, ue),
    })
}

fn in_windows(w: &Windows, created: Ts, updated: Ts) -> bool {
    created >= w.created.0
        && created < w.created.1
        && w.updated.0.is_none_or(|a| updated >= a)
        && w.updated.1.is_none_or(|b| updated < b)
}

async fn list_payments(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let p = Params(q);
    let limit = lenient_limit(&p)?;
    let w = windows(&p, st.now())?;
    let by_updated = p
        .choice(
            "sort_field",
            &["CREATED_AT", "OFFLINE_CREATED_AT", "UPDATED_AT"],
        )?
        .as_deref()
        == Some("UPDATED_AT");
    let desc = sort_order(p.get("sort_order"), "sort_order", true)?;
    let total = p.int("total")?;
    let last_4 = p.get("last_4").map(str::to_string);
    let brand = p.get("card_brand").map(str::to_string);
    let offline = p.get("is_offline_payment").map(|v| v == "true");
    let hash = hash_pairs(&p.0);
    let start = p
        .get("cursor")
        .map(|c| pagination::decode(c, hash))
        .transpose()?;
    let d = st.data();
    let location = p
        .get("location_id")
        .unwrap_or(d.main_location_id())
        .to_string();
    let (range, resolve): (_, Box<dyn Fn(usize) -> usize + '_>) = if by_updated {
        let idx = &d.idx.payments_by_updated;
        let r = window(
            idx.len(),
            |i| d.payments[idx[i] as usize].updated_at,
            w.updated.0.map_or(Bound::Unbounded, Bound::Included),
            w.updated.1.map_or(Bound::Unbounded, Bound::Excluded),
        );
        (r, Box::new(move |pos| idx[pos] as usize))
    } else {
        let r = window(
            d.payments.len(),
            |i| d.payments[i].created_at,
            Bound::Included(w.created.0),
            Bound::Excluded(w.created.1),
        );
        (r, Box::new(|pos| pos))
    };
    let page = scan(range, desc, start, limit, |pos| {
        let x = &d.payments[resolve(pos)];
        x.location_id == location
            && in_windows(&w, x.created_at, x.updated_at)
            && total.is_none_or(|t| x.total_money.amount == t)
            && last_4
                .as_deref()
                .is_none_or(|l| x.card_details.as_ref().is_some_and(|c| c.card.last_4 == l))
            && brand.as_deref().is_none_or(|b| {
                x.card_details
                    .as_ref()
                    .is_some_and(|c| c.card.card_brand == b)
            })
            && offline.is_none_or(|o| x.is_offline_payment == o)
    })?;
    #[derive(Serialize)]
    struct R<'a> {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        payments: Vec<&'a Payment>,
        #[serde(skip_serializing_if = "Option::is_none")]
        cursor: Option<String>,
    }
    Ok(json(&R {
        payments: page
            .items
            .iter()
            .map(|&pos| &d.payments[resolve(pos)])
            .collect(),
        cursor: page.next.map(|pos| pagination::encode(pos, hash)),
    }))
}

async fn get_payment(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let d = st.data();
    let i = d
        .idx
        .payment_by_id
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("Could not find payment with id: {id}")))?;
    #[derive(Serialize)]
    struct R<'a> {
        payment: &'a Payment,
    }
    Ok(json(&R {
        payment: &d.payments[*i as usize],
    }))
}

async fn list_refunds(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let p = Params(q);
    let limit = lenient_limit(&p)?;
    let w = windows(&p, st.now())?;
    let by_updated = p
        .choice("sort_field", &["CREATED_AT", "UPDATED_AT"])?
        .as_deref()
        == Some("UPDATED_AT");
    let desc = sort_order(p.get("sort_order"), "sort_order", true)?;
    let location = p.get("location_id").map(str::to_string);
    let status = p.get("status").map(str::to_string);
    let source = p.get("source_type").map(str::to_string);
    let hash = hash_pairs(&p.0);
    let start = p
        .get("cursor")
        .map(|c| pagination::decode(c, hash))
        .transpose()?;
    let d = st.data();
    let (range, resolve): (_, Box<dyn Fn(usize) -> usize + '_>) = if by_updated {
        let idx = &d.idx.refunds_by_updated;
        let r = window(
            idx.len(),
            |i| d.refunds[idx[i] as usize].updated_at,
            w.updated.0.map_or(Bound::Unbounded, Bound::Included),
            w.updated.1.map_or(Bound::Unbounded, Bound::Excluded),
        );
        (r, Box::new(move |pos| idx[pos] as usize))
    } else {
        let r = window(
            d.refunds.len(),
            |i| d.refunds[i].created_at,
            Bound::Included(w.created.0),
            Bound::Excluded(w.created.1),
        );
        (r, Box::new(|pos| pos))
    };
    let page = scan(range, desc, start, limit, |pos| {
        let x = &d.refunds[resolve(pos)];
        in_windows(&w, x.created_at, x.updated_at)
            && location.as_deref().is_none_or(|l| x.location_id == l)
            && status.as_deref().is_none_or(|s| x.status == s)
            && source.as_deref().is_none_or(|s| x.destination_type == s)
    })?;
    #[derive(Serialize)]
    struct R<'a> {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        refunds: Vec<&'a PaymentRefund>,
        #[serde(skip_serializing_if = "Option::is_none")]
        cursor: Option<String>,
    }
    Ok(json(&R {
        refunds: page
            .items
            .iter()
            .map(|&pos| &d.refunds[resolve(pos)])
            .collect(),
        cursor: page.next.map(|pos| pagination::encode(pos, hash)),
    }))
}

async fn get_refund(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let d = st.data();
    let refund = d
        .refunds
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(|| ApiError::not_found(format!("Could not find refund with id: {id}")))?;
    #[derive(Serialize)]
    struct R<'a> {
        refund: &'a PaymentRefund,
    }
    Ok(json(&R { refund }))
}
