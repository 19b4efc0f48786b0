//! OAuth: `/oauth2/authorize` (302 to `redirect_uri` with `code`, `response_type` and
//! `state`, or `error=access_denied&error_description=user_denied` when the seller denies:
//! `sim_deny=1` on the URL or the admin switch), `/oauth2/token` (JSON body;
//! authorization_code with PKCE S256 or client_secret, refresh_token),
//! `/oauth2/token/status` and `/oauth2/revoke` (`Authorization: Client <secret>`).

use super::{AppState, Params, json, parse_body};
use crate::auth::{ALL_SCOPES, DEFAULT_SCOPES};
use crate::errors::{ApiError, ApiResult};
use crate::time::Ts;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth2/authorize", get(authorize))
        .route("/oauth2/token", post(token))
        .route("/oauth2/token/status", post(status))
        .route("/oauth2/revoke", post(revoke))
}

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn redirect(uri: &str, pairs: &[(&str, &str)]) -> Response {
    let q: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect();
    let sep = if uri.contains('?') { '&' } else { '?' };
    let location = format!("{uri}{sep}{}", q.join("&"));
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

async fn authorize(
    State(st): State<AppState>,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let p = Params(q);
    let client_id = p.get("client_id").ok_or_else(|| {
        ApiError::invalid("MISSING_REQUIRED_PARAMETER", "client_id is required.").field("client_id")
    })?;
    let redirect_uri = p
        .get("redirect_uri")
        .ok_or_else(|| {
            ApiError::invalid(
                "MISSING_REQUIRED_PARAMETER",
                "The simulator needs redirect_uri (it has no registered redirect URL).",
            )
            .field("redirect_uri")
        })?
        .to_string();
    let state = p.get("state").unwrap_or("").to_string();
    let mut auth = st.auth.lock().unwrap_or_else(|e| e.into_inner());
    if client_id != auth.client_id {
        return Err(ApiError::invalid("INVALID_VALUE", "Unknown client_id.").field("client_id"));
    }
    if auth.deny_authorize || p.get("sim_deny") == Some("1") {
        return Ok(redirect(
            &redirect_uri,
            &[
                ("error", "access_denied"),
                ("error_description", "user_denied"),
                ("state", &state),
            ],
        ));
    }
    let scopes: Vec<String> = match p.get("scope") {
        Some(s) => s
            .split([' ', '+', ','])
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect(),
        None => DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
    };
    if let Some(bad) = scopes.iter().find(|s| !ALL_SCOPES.contains(&s.as_str())) {
        return Err(
            ApiError::invalid("INVALID_VALUE", format!("Unknown scope {bad}.")).field("scope"),
        );
    }
    let challenge = p.get("code_challenge").map(str::to_string);
    if let Some(m) = p.get("code_challenge_method")
        && m != "S256"
    {
        return Err(
            ApiError::invalid("INVALID_VALUE", "code_challenge_method must be S256.")
                .field("code_challenge_method"),
        );
    }
    let code = auth.new_code(scopes, challenge, Some(redirect_uri.clone()), st.now());
    Ok(redirect(
        &redirect_uri,
        &[
            ("code", &code),
            ("response_type", "code"),
            ("state", &state),
        ],
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenBody {
    client_id: Option<String>,
    client_secret: Option<String>,
    grant_type: Option<String>,
    code: Option<String>,
    code_verifier: Option<String>,
    redirect_uri: Option<String>,
    refresh_token: Option<String>,
    scopes: Option<Vec<String>>,
    short_lived: bool,
}

fn need<'a>(v: &'a Option<String>, field: &str) -> ApiResult<&'a str> {
    v.as_deref().ok_or_else(|| {
        ApiError::invalid(
            "MISSING_REQUIRED_PARAMETER",
            format!("{field} is required."),
        )
        .field(field)
    })
}

async fn token(State(st): State<AppState>, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return Err(ApiError::invalid(
            "INVALID_CONTENT_TYPE",
            "ObtainToken takes a JSON body (Content-Type: application/json).",
        ));
    }
    let (b, _): (TokenBody, _) = parse_body(&body)?;
    let client_id = need(&b.client_id, "client_id")?;
    let now = st.now();
    let mut auth = st.auth.lock().unwrap_or_else(|e| e.into_inner());
    let out = match need(&b.grant_type, "grant_type")? {
        "authorization_code" => auth.exchange(
            client_id,
            need(&b.code, "code")?,
            b.code_verifier.as_deref(),
            b.client_secret.as_deref(),
            b.redirect_uri.as_deref(),
            b.short_lived,
            now,
        )?,
        "refresh_token" => auth.refresh(
            client_id,
            need(&b.refresh_token, "refresh_token")?,
            b.client_secret.as_deref(),
            b.scopes.clone(),
            b.short_lived,
            now,
        )?,
        other => {
            return Err(ApiError::invalid(
                "INVALID_VALUE",
                format!("Unsupported grant_type {other}."),
            )
            .field("grant_type"));
        }
    };
    Ok(json(&out))
}

async fn status(State(st): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let t = st.authorize(&headers, &[])?;
    #[derive(Serialize)]
    struct R {
        scopes: Vec<String>,
        expires_at: Ts,
        client_id: String,
        merchant_id: String,
    }
    Ok(json(&R {
        scopes: t.scopes,
        expires_at: t.expires_at,
        client_id: t.client_id,
        merchant_id: t.merchant_id,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RevokeBody {
    client_id: Option<String>,
    access_token: Option<String>,
    merchant_id: Option<String>,
    revoke_only_access_token: bool,
}

async fn revoke(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let (b, _): (RevokeBody, _) = parse_body(&body)?;
    let mut auth = st.auth.lock().unwrap_or_else(|e| e.into_inner());
    let secret = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.strip_prefix("Client "));
    if secret != Some(auth.client_secret.as_str()) {
        return Err(ApiError::unauthorized(
            "UNAUTHORIZED",
            "RevokeToken requires Authorization: Client <application secret>.",
        ));
    }
    if b.client_id.as_deref() != Some(auth.client_id.as_str()) {
        return Err(ApiError::invalid("INVALID_VALUE", "Unknown client_id.").field("client_id"));
    }
    let known = match (&b.access_token, &b.merchant_id) {
        (Some(t), _) => auth.knows(t),
        (None, Some(m)) => *m == auth.merchant_id,
        (None, None) => {
            return Err(ApiError::invalid(
                "MISSING_REQUIRED_PARAMETER",
                "access_token or merchant_id is required.",
            ));
        }
    };
    if !known {
        return Err(ApiError::not_found(
            "No such token or merchant for this application.",
        ));
    }
    auth.revoke_all(b.revoke_only_access_token);
    #[derive(Serialize)]
    struct R {
        success: bool,
    }
    Ok(json(&R { success: true }))
}
