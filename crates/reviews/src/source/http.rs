//! The HTTP side shared by the API sources: one client with time-outs, and error statuses
//! turned into [`ReviewsError`] with the source's own error message.

use crate::error::{Result, ReviewsError};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// A client for review APIs (30 s per request, no redirects to other hosts).
pub fn client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("Keeper/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ReviewsError::Network {
            source_name: "http",
            detail: e.to_string(),
        })
}

/// Sends `req` and decodes a JSON body, mapping 401/403 and other errors.
pub async fn get_json<T: DeserializeOwned>(
    source_name: &'static str,
    req: reqwest::RequestBuilder,
) -> Result<T> {
    let resp = req.send().await.map_err(|e| ReviewsError::Network {
        source_name,
        detail: e.to_string(),
    })?;
    let status = resp.status();
    let body = resp.text().await.map_err(|e| ReviewsError::Network {
        source_name,
        detail: e.to_string(),
    })?;
    if !status.is_success() {
        let detail = error_message(&body);
        return Err(if status.as_u16() == 401 || status.as_u16() == 403 {
            ReviewsError::Unauthorized {
                source_name,
                status: status.as_u16(),
                detail,
            }
        } else {
            ReviewsError::Api {
                source_name,
                status: status.as_u16(),
                detail,
            }
        });
    }
    serde_json::from_str(&body).map_err(|e| ReviewsError::BadResponse {
        source_name,
        detail: e.to_string(),
    })
}

/// The message of Google's `{error: {message, status}}` or Yelp's `{error: {code,
/// description}}`, else the body's start.
fn error_message(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let e = &v["error"];
    let parts: Vec<&str> = [&e["status"], &e["code"], &e["message"], &e["description"]]
        .into_iter()
        .filter_map(|x| x.as_str())
        .collect();
    if parts.is_empty() {
        body.chars().take(200).collect()
    } else {
        parts.join(": ")
    }
}
