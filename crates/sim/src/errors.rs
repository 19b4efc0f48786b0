//! Square's error bodies: `{"errors":[{category, code, detail, field}]}` with the HTTP
//! status Square uses for each kind of failure.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One entry of `errors[]`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorItem {
    pub category: &'static str,
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// A failed request: status plus Square's error list.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub errors: Vec<ErrorItem>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        category: &'static str,
        code: &'static str,
        detail: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            errors: vec![ErrorItem {
                category,
                code,
                detail: Some(detail.into()),
                field: None,
            }],
        }
    }

    /// Names the offending request field.
    pub fn field(mut self, field: &str) -> ApiError {
        if let Some(e) = self.errors.first_mut() {
            e.field = Some(field.to_string());
        }
        self
    }

    /// 400 `INVALID_REQUEST_ERROR` with `code`.
    pub fn invalid(code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_ERROR",
            code,
            detail,
        )
    }

    pub fn bad_cursor() -> ApiError {
        ApiError::invalid(
            "INVALID_CURSOR",
            "The pagination cursor is invalid or does not match the original query.",
        )
        .field("cursor")
    }

    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "AUTHENTICATION_ERROR",
            code,
            detail,
        )
    }

    pub fn insufficient_scopes(missing: &[&str]) -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "AUTHENTICATION_ERROR",
            "INSUFFICIENT_SCOPES",
            format!(
                "The merchant has not given your application sufficient permissions to do that. Missing: {}",
                missing.join(", ")
            ),
        )
    }

    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "INVALID_REQUEST_ERROR",
            "NOT_FOUND",
            detail,
        )
    }

    pub fn rate_limited() -> ApiError {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMIT_ERROR",
            "RATE_LIMITED",
            "Rate limit exceeded; retry with exponential backoff.",
        )
    }

    pub fn server(status: StatusCode, code: &'static str) -> ApiError {
        ApiError::new(
            status,
            "API_ERROR",
            code,
            "The server encountered an error; retry later.",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            errors: &'a [ErrorItem],
        }
        let body = serde_json::to_vec(&Body {
            errors: &self.errors,
        })
        .unwrap_or_default();
        let mut r = (self.status, body).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        r
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
