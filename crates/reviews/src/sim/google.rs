//! The Google Business Profile API's review list, as documented for
//! `GET https://mybusiness.googleapis.com/v4/accounts/{accountId}/locations/{locationId}/reviews`:
//! `pageSize` (at most 50), `pageToken`, `orderBy` (`updateTime desc` by default, `rating`,
//! `rating desc`); a page is `{reviews, averageRating, totalReviewCount, nextPageToken}` with
//! each review's `name`, `reviewId`, `reviewer.displayName`, `starRating` (`ONE`…`FIVE`),
//! `comment`, `createTime`, `updateTime` and `reviewReply {comment, updateTime}`. Errors use
//! Google's envelope `{error: {code, message, status}}`.
//!
//! It also plays Google's sign-in for native apps: `GET /o/oauth2/v2/auth` redirects to the
//! loopback `redirect_uri` with a code (PKCE S256 required), and `POST /token` exchanges the
//! code (checking `code_verifier`) or a refresh token for the access token the list accepts.

use super::{SimReview, SimState};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::SecondsFormat;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

pub const MAX_PAGE_SIZE: usize = 50;

pub fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route(
            "/v4/accounts/{account}/locations/{location}/reviews",
            get(list),
        )
        .route("/o/oauth2/v2/auth", get(authorize))
        .route("/token", axum::routing::post(token))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "NOT_FOUND", "Not Found") })
        .with_state(state)
}

fn oauth_error(error: &str, description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

async fn authorize(
    State(st): State<Arc<SimState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    if get("client_id") != st.google_client_id {
        return oauth_error("invalid_client", "The OAuth client was not found.");
    }
    let redirect = get("redirect_uri");
    if !redirect.starts_with("http://127.0.0.1:") {
        return oauth_error("invalid_request", "redirect_uri must be a loopback address");
    }
    if get("response_type") != "code"
        || get("code_challenge_method") != "S256"
        || get("code_challenge").len() != 43
    {
        return oauth_error(
            "invalid_request",
            "PKCE S256 and response_type=code are required",
        );
    }
    let mut codes = st.google_codes.lock().unwrap_or_else(|e| e.into_inner());
    let code = format!("4/sim-{:06}", codes.len() + 1);
    codes.insert(
        code.clone(),
        (get("code_challenge").to_owned(), redirect.to_owned()),
    );
    let mut url = match url::Url::parse(redirect) {
        Ok(u) => u,
        Err(_) => return oauth_error("invalid_request", "bad redirect_uri"),
    };
    url.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", get("state"));
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

fn s256(verifier: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

async fn token(
    State(st): State<Arc<SimState>>,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    if get("client_id") != st.google_client_id {
        return oauth_error("invalid_client", "The OAuth client was not found.");
    }
    let ok = json!({
        "access_token": st.google_token,
        "expires_in": 3599,
        "scope": "https://www.googleapis.com/auth/business.manage",
        "token_type": "Bearer",
    });
    match get("grant_type") {
        "authorization_code" => {
            let issued = st
                .google_codes
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(get("code"));
            match issued {
                Some((challenge, redirect))
                    if redirect == get("redirect_uri")
                        && s256(get("code_verifier")) == challenge =>
                {
                    let mut body = ok;
                    body["refresh_token"] = json!(st.google_refresh_token);
                    Json(body).into_response()
                }
                _ => oauth_error("invalid_grant", "Bad Request"),
            }
        }
        "refresh_token" if get("refresh_token") == st.google_refresh_token => {
            Json(ok).into_response()
        }
        "refresh_token" => oauth_error("invalid_grant", "Token has been expired or revoked."),
        _ => oauth_error("unsupported_grant_type", "Invalid grant_type"),
    }
}

fn error(status: StatusCode, s: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"code": status.as_u16(), "message": message, "status": s}})),
    )
        .into_response()
}

pub fn star(r: u8) -> &'static str {
    match r {
        1 => "ONE",
        2 => "TWO",
        3 => "THREE",
        4 => "FOUR",
        _ => "FIVE",
    }
}

fn page_token(offset: usize) -> String {
    format!("CgZ{:08x}", offset ^ 0x5a5a)
}

fn parse_token(t: &str) -> Option<usize> {
    let hex = t.strip_prefix("CgZ")?;
    (hex.len() == 8)
        .then(|| usize::from_str_radix(hex, 16).ok())
        .flatten()
        .map(|v| v ^ 0x5a5a)
}

fn to_json(r: &SimReview, account: &str, location: &str) -> Value {
    let ts = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Millis, true);
    let mut v = json!({
        "name": format!("accounts/{account}/locations/{location}/reviews/{}", r.id),
        "reviewId": r.id,
        "reviewer": {"displayName": r.author, "isAnonymous": false,
                     "profilePhotoUrl": "https://lh3.googleusercontent.invalid/a/photo.png"},
        "starRating": star(r.rating),
        "comment": r.text,
        "createTime": ts(r.created_at),
        "updateTime": ts(r.updated_at),
    });
    if let Some((comment, at)) = &r.reply {
        v["reviewReply"] = json!({"comment": comment, "updateTime": ts(*at)});
    }
    v
}

async fn list(
    State(st): State<Arc<SimState>>,
    Path((account, location)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if auth != Some(&format!("Bearer {}", st.google_token)) {
        return error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token, \
             login cookie or other valid authentication credential.",
        );
    }
    if account != st.account_id || location != st.location_id {
        return error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "Requested entity was not found.",
        );
    }
    let page_size = match q.get("pageSize").map(|s| s.parse::<usize>()) {
        None => MAX_PAGE_SIZE,
        Some(Ok(n)) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "INVALID_ARGUMENT",
                "Request contains an invalid argument. (pageSize must be between 1 and 50)",
            );
        }
    };
    let offset = match q.get("pageToken").filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => match parse_token(t) {
            Some(o) => o,
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_ARGUMENT",
                    "Request contains an invalid argument. (invalid page token)",
                );
            }
        },
    };
    let all = st.google.read().unwrap_or_else(|e| e.into_inner()).clone();
    let mut sorted: Vec<&SimReview> = all.iter().collect();
    match q.get("orderBy").map(String::as_str) {
        None | Some("updateTime desc") => sorted.sort_by(|a, b| {
            b.updated_at
                .cmp(&a.updated_at)
                .then_with(|| a.id.cmp(&b.id))
        }),
        Some("rating") => sorted.sort_by(|a, b| a.rating.cmp(&b.rating).then(a.id.cmp(&b.id))),
        Some("rating desc") => sorted.sort_by(|a, b| b.rating.cmp(&a.rating).then(a.id.cmp(&b.id))),
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "INVALID_ARGUMENT",
                "Request contains an invalid argument. (orderBy)",
            );
        }
    }
    let page: Vec<Value> = sorted
        .iter()
        .skip(offset)
        .take(page_size)
        .map(|r| to_json(r, &account, &location))
        .collect();
    let total = all.len();
    let average = if total == 0 {
        0.0
    } else {
        all.iter().map(|r| r.rating as f64).sum::<f64>() / total as f64
    };
    let mut body = json!({
        "reviews": page,
        "averageRating": (average * 10.0).round() / 10.0,
        "totalReviewCount": total,
    });
    if offset + page_size < total {
        body["nextPageToken"] = json!(page_token(offset + page_size));
    }
    Json(body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_reject_garbage() {
        assert_eq!(parse_token(&page_token(150)), Some(150));
        assert_eq!(parse_token("nope"), None);
        assert_eq!(parse_token("CgZzzzzzzzz"), None);
    }
}
