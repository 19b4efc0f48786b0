//! Yelp Fusion's review excerpts, as documented for
//! `GET https://api.yelp.com/v3/businesses/{business_id_or_alias}/reviews`: an API key as a
//! bearer token; at most three reviews, each an excerpt of the text (Yelp truncates it and
//! links to the full review), `{reviews: [{id, url, text, rating, time_created, user: {id,
//! profile_url, image_url, name}}], total, possible_languages}`; errors as
//! `{error: {code, description}}` (`TOKEN_MISSING`, `TOKEN_INVALID`, `BUSINESS_NOT_FOUND`).
//! `time_created` is Pacific time without an offset ("2016-08-29 00:41:13").

use super::{SimReview, SimState};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// Yelp Fusion returns at most this many reviews of a business.
pub const MAX_REVIEWS: usize = 3;
/// Length at which the simulator truncates an excerpt, as Yelp does (about 160 characters).
pub const EXCERPT_CHARS: usize = 160;

pub fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/v3/businesses/{id}/reviews", get(list))
        .fallback(|| async {
            error(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                "Resource could not be found.",
            )
        })
        .with_state(state)
}

fn error(status: StatusCode, code: &str, description: &str) -> Response {
    (
        status,
        Json(json!({"error": {"code": code, "description": description}})),
    )
        .into_response()
}

/// The text cut at a word boundary before `EXCERPT_CHARS`, with "..." when cut.
pub fn excerpt(text: &str) -> String {
    if text.chars().count() <= EXCERPT_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(EXCERPT_CHARS).collect();
    let end = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}...", &cut[..end])
}

fn to_json(r: &SimReview, business: &str) -> Value {
    // Pacific Standard Time, as the API reports it.
    let pst = r.created_at - chrono::Duration::hours(8);
    json!({
        "id": r.id,
        "url": format!("https://www.yelp.invalid/biz/{business}?hrid={}", r.id),
        "text": excerpt(&r.text),
        "rating": r.rating,
        "time_created": pst.format("%Y-%m-%d %H:%M:%S").to_string(),
        "user": {
            "id": format!("u-{}", r.id),
            "profile_url": format!("https://www.yelp.invalid/user_details?userid=u-{}", r.id),
            "image_url": null,
            "name": r.author,
        }
    })
}

async fn list(
    State(st): State<Arc<SimState>>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    match headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        None => {
            return error(
                StatusCode::UNAUTHORIZED,
                "TOKEN_MISSING",
                "An access token must be supplied in order to use this endpoint.",
            );
        }
        Some(h) if h != format!("Bearer {}", st.yelp_api_key) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "TOKEN_INVALID",
                "Invalid access token or authorization header.",
            );
        }
        Some(_) => {}
    }
    if id != st.yelp_business_id {
        return error(
            StatusCode::NOT_FOUND,
            "BUSINESS_NOT_FOUND",
            "The requested business could not be found.",
        );
    }
    let limit = match q.get("limit").map(|s| s.parse::<usize>()) {
        None => MAX_REVIEWS,
        Some(Ok(n)) if n <= 50 => n.min(MAX_REVIEWS),
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                "'limit' must be an integer between 0 and 50",
            );
        }
    };
    let offset = q
        .get("offset")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(0);
    let all = st.yelp.read().unwrap_or_else(|e| e.into_inner()).clone();
    let mut newest: Vec<&SimReview> = all.iter().collect();
    newest.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
    let reviews: Vec<Value> = newest
        .into_iter()
        .take(MAX_REVIEWS)
        .skip(offset)
        .take(limit)
        .map(|r| to_json(r, &id))
        .collect();
    Json(json!({
        "reviews": reviews,
        "total": all.len(),
        "possible_languages": ["en"],
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_long_text_at_a_word() {
        let long = "word ".repeat(60);
        let e = excerpt(&long);
        assert!(e.ends_with("...") && e.chars().count() <= EXCERPT_CHARS + 3);
        assert_eq!(excerpt("short"), "short");
    }
}
