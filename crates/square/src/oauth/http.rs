//! The HTTP function handed to the `oauth2` crate for token requests.
//!
//! **Why a custom function.** `oauth2` builds RFC 6749 token requests: a
//! `application/x-www-form-urlencoded` body. Square documents ObtainToken (`POST
//! /oauth2/token`) with a JSON body only, like every Square endpoint, and whether it accepts
//! the form encoding is not established (the simulator, faithful to the documentation,
//! answers `INVALID_CONTENT_TYPE`). So this function re-encodes oauth2's form body as the
//! JSON object Square documents (`client_id`, `grant_type`, `code`, `code_verifier`,
//! `redirect_uri`, `refresh_token`; a space-separated `scope` becomes the `scopes` array),
//! sends it with `Square-Version`, and returns Square's answer to oauth2.
//!
//! A non-200 answer is classified here with [`crate::Error::from_http_failure`] and returned
//! as the transport error: oauth2's error-response type only sees the body, while the
//! transient-or-final decision needs the status too (an HTML 503 is not a refusal).

use crate::Error;
use oauth2::http::{HeaderValue, StatusCode, header};
use oauth2::url::form_urlencoded;
use oauth2::{HttpRequest, HttpResponse};
use serde_json::{Map, Value};

/// A token request that failed before or at Square: Square's classified error.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct TokenHttpError(pub Error);

/// oauth2's form-encoded token body as Square's JSON body.
pub fn form_to_json(form: &[u8]) -> Value {
    let mut object = Map::new();
    for (key, value) in form_urlencoded::parse(form) {
        if key == "scope" {
            let scopes = value
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect();
            object.insert("scopes".to_owned(), Value::Array(scopes));
        } else {
            object.insert(key.into_owned(), Value::String(value.into_owned()));
        }
    }
    Value::Object(object)
}

/// Sends oauth2's token `request` to Square as JSON and returns Square's answer.
pub async fn send_token_request(
    http: &reqwest::Client,
    square_version: &str,
    request: HttpRequest,
) -> Result<HttpResponse, TokenHttpError> {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let body = if is_form {
        serde_json::to_vec(&form_to_json(request.body())).unwrap_or_default()
    } else {
        request.body().clone()
    };
    let response = http
        .post(request.uri().to_string())
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .header("Square-Version", square_version)
        .body(body)
        .send()
        .await
        .map_err(|e| TokenHttpError(transport_error(&e)))?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = response
        .bytes()
        .await
        .map_err(|e| TokenHttpError(transport_error(&e)))?;
    if status != 200 {
        return Err(TokenHttpError(Error::from_http_failure(
            status,
            content_type.as_deref(),
            &bytes,
        )));
    }
    let mut answer = HttpResponse::new(bytes.to_vec());
    *answer.status_mut() = StatusCode::OK;
    let content_type = content_type.unwrap_or_else(|| "application/json".to_owned());
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        answer.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    Ok(answer)
}

fn transport_error(e: &reqwest::Error) -> Error {
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    if e.is_timeout() {
        Error::timeout(detail)
    } else {
        Error::connection(detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_body_becomes_squares_json_with_a_scopes_array() {
        let form =
            b"grant_type=refresh_token&refresh_token=EQAA%2Babc&client_id=sq0idp-1&scope=A+B";
        assert_eq!(
            form_to_json(form),
            serde_json::json!({
                "grant_type": "refresh_token",
                "refresh_token": "EQAA+abc",
                "client_id": "sq0idp-1",
                "scopes": ["A", "B"],
            })
        );
    }
}
