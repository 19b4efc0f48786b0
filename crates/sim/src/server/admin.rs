//! The admin API tests use (not part of Square's):
//!
//! * `GET /_sim/info` → `{base facts: client_id, client_secret, merchant_id, now, access_token}`
//! * `GET /_sim/truth` → the ground truth (see [`crate::truth::Truth`])
//! * `GET /_sim/faults`, `POST /_sim/faults` (body: [`crate::faults::Faults`] as JSON,
//!   replacing the current settings; its `paths` are faults scoped to a path)
//! * `POST /_sim/faults/paths` (body: a JSON array of [`crate::path_faults::PathFault`])
//!   → replaces only the path faults, leaving the global settings and rate buckets alone
//! * `POST /_sim/advance` `{"hours": H}` or `{"to": RFC3339}` → moves the clock and applies
//!   the changes of that period (see [`crate::changes`]); returns what changed
//! * `POST /_sim/tokens` `{"scopes": [...], "ttl_hours": H}` → `{"access_token"}`
//! * `POST /_sim/oauth` `{"deny": bool}` → the seller denies (or allows) authorizations

use super::{AppState, json, parse_body};
use crate::changes::{self, AdvanceReport};
use crate::errors::{ApiError, ApiResult};
use crate::faults::Faults;
use crate::path_faults::PathFault;
use crate::time::{HOUR, Ts};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use std::sync::atomic::Ordering;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_sim/info", get(info))
        .route("/_sim/truth", get(truth))
        .route("/_sim/faults", get(get_faults).post(set_faults))
        .route("/_sim/faults/paths", post(set_path_faults))
        .route("/_sim/advance", post(advance))
        .route("/_sim/tokens", post(tokens))
        .route("/_sim/oauth", post(oauth))
}

async fn info(State(st): State<AppState>) -> Response {
    let auth = st.auth.lock().unwrap_or_else(|e| e.into_inner());
    json(&serde_json::json!({
        "client_id": auth.client_id,
        "client_secret": auth.client_secret,
        "merchant_id": auth.merchant_id,
        "access_token": st.access_token,
        "now": st.now(),
    }))
}

async fn truth(State(st): State<AppState>) -> Response {
    let t = st.truth.read().unwrap_or_else(|e| e.into_inner());
    json(&*t)
}

async fn get_faults(State(st): State<AppState>) -> Response {
    let f = st.faults.lock().unwrap_or_else(|e| e.into_inner());
    json(&f.faults)
}

fn invalid_faults(e: crate::SimError) -> ApiError {
    ApiError::invalid("BAD_REQUEST", e.to_string())
}

async fn set_faults(State(st): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let (f, _): (Faults, _) = parse_body(&body)?;
    f.validate().map_err(invalid_faults)?;
    st.faults
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .set(f.clone());
    Ok(json(&f))
}

async fn set_path_faults(State(st): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let paths: Vec<PathFault> = if body.iter().all(u8::is_ascii_whitespace) {
        Vec::new()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::invalid("BAD_REQUEST", format!("Invalid path faults: {e}")))?
    };
    paths
        .iter()
        .try_for_each(PathFault::validate)
        .map_err(invalid_faults)?;
    let mut f = st.faults.lock().unwrap_or_else(|e| e.into_inner());
    f.set_paths(paths);
    Ok(json(&f.faults))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AdvanceBody {
    hours: Option<f64>,
    to: Option<String>,
}

/// Advances the simulator by `ms` and applies the changes of the period.
pub fn advance_by(st: &AppState, ms: i64) -> AdvanceReport {
    let from = st.now();
    let to = from.plus(ms.max(0));
    let step = st.advances.fetch_add(1, Ordering::SeqCst);
    let report = {
        let mut d = st.data.write().unwrap_or_else(|e| e.into_inner());
        let mut t = st.truth.write().unwrap_or_else(|e| e.into_inner());
        changes::apply(&mut d, &mut t, from, to, st.seed, step)
    };
    st.set_now(to);
    report
}

async fn advance(State(st): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let (b, _): (AdvanceBody, _) = parse_body(&body)?;
    let ms = match (b.hours, b.to.as_deref()) {
        (Some(h), None) => (h * HOUR as f64) as i64,
        (None, Some(to)) => {
            let t = Ts::parse(to).ok_or_else(|| {
                ApiError::invalid("INVALID_TIME", "`to` must be RFC 3339.").field("to")
            })?;
            t.0 - st.now().0
        }
        _ => {
            return Err(ApiError::invalid(
                "BAD_REQUEST",
                "Give exactly one of `hours` or `to`.",
            ));
        }
    };
    if ms < 0 {
        return Err(ApiError::invalid(
            "INVALID_TIME",
            "The clock only moves forward.",
        ));
    }
    Ok(json(&advance_by(&st, ms)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenBody {
    scopes: Vec<String>,
    ttl_hours: Option<f64>,
}

async fn tokens(State(st): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let (b, _): (TokenBody, _) = parse_body(&body)?;
    let ttl = b
        .ttl_hours
        .map_or(crate::auth::ACCESS_TTL, |h| (h * HOUR as f64) as i64);
    let token = st
        .auth
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .issue(&b.scopes, st.now(), ttl);
    #[derive(Serialize)]
    struct R {
        access_token: String,
    }
    Ok(json(&R {
        access_token: token,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OauthBody {
    deny: bool,
}

async fn oauth(State(st): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let (b, _): (OauthBody, _) = parse_body(&body)?;
    st.auth
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .deny_authorize = b.deny;
    Ok(json(&serde_json::json!({ "deny": b.deny })))
}
