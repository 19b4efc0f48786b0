//! Square's error envelope (`{"errors":[{category, code, detail, field}]}`) as typed
//! `SquareApiError`s, and the crate `Error`, classified where it arises: transient (retry
//! later), permanent (retrying will not help), needs refresh (the access token expired) or
//! needs reconnect (the seller must authorize Keeper again).

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;
use std::fmt;

open_enum! {
    /// Square's error category.
    pub enum ErrorCategory {
        ApiError = "API_ERROR",
        AuthenticationError = "AUTHENTICATION_ERROR",
        InvalidRequestError = "INVALID_REQUEST_ERROR",
        RateLimitError = "RATE_LIMIT_ERROR",
        PaymentMethodError = "PAYMENT_METHOD_ERROR",
        RefundError = "REFUND_ERROR",
        MerchantSubscriptionError = "MERCHANT_SUBSCRIPTION_ERROR",
        ExternalVendorError = "EXTERNAL_VENDOR_ERROR",
    }
}

open_enum! {
    /// Square's error code (153 values exist; these are the ones a reader meets).
    pub enum ErrorCode {
        InternalServerError = "INTERNAL_SERVER_ERROR",
        Unauthorized = "UNAUTHORIZED",
        AccessTokenExpired = "ACCESS_TOKEN_EXPIRED",
        AccessTokenRevoked = "ACCESS_TOKEN_REVOKED",
        ClientDisabled = "CLIENT_DISABLED",
        Forbidden = "FORBIDDEN",
        InsufficientScopes = "INSUFFICIENT_SCOPES",
        ApplicationDisabled = "APPLICATION_DISABLED",
        MerchantSubscriptionNotFound = "MERCHANT_SUBSCRIPTION_NOT_FOUND",
        BadRequest = "BAD_REQUEST",
        MissingRequiredParameter = "MISSING_REQUIRED_PARAMETER",
        IncorrectType = "INCORRECT_TYPE",
        InvalidTime = "INVALID_TIME",
        InvalidTimeRange = "INVALID_TIME_RANGE",
        InvalidValue = "INVALID_VALUE",
        InvalidCursor = "INVALID_CURSOR",
        UnknownQueryParameter = "UNKNOWN_QUERY_PARAMETER",
        UnknownBodyParameter = "UNKNOWN_BODY_PARAMETER",
        ConflictingParameters = "CONFLICTING_PARAMETERS",
        ExpectedJsonBody = "EXPECTED_JSON_BODY",
        InvalidSortOrder = "INVALID_SORT_ORDER",
        ValueTooLow = "VALUE_TOO_LOW",
        ValueTooHigh = "VALUE_TOO_HIGH",
        ValueTooShort = "VALUE_TOO_SHORT",
        ValueTooLong = "VALUE_TOO_LONG",
        ValueEmpty = "VALUE_EMPTY",
        InvalidEnumValue = "INVALID_ENUM_VALUE",
        InvalidContentType = "INVALID_CONTENT_TYPE",
        NotFound = "NOT_FOUND",
        ApiVersionIncompatible = "API_VERSION_INCOMPATIBLE",
        InvalidSquareVersionFormat = "INVALID_SQUARE_VERSION_FORMAT",
        RequestTimeout = "REQUEST_TIMEOUT",
        Conflict = "CONFLICT",
        RateLimited = "RATE_LIMITED",
        NotImplemented = "NOT_IMPLEMENTED",
        BadGateway = "BAD_GATEWAY",
        ServiceUnavailable = "SERVICE_UNAVAILABLE",
        TemporaryError = "TEMPORARY_ERROR",
        GatewayTimeout = "GATEWAY_TIMEOUT",
    }
}

/// One entry of Square's `errors` array.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SquareApiError {
    pub category: ErrorCategory,
    pub code: ErrorCode,
    pub detail: Option<String>,
    /// The request field the error is about, when there is one.
    pub field: Option<String>,
}

impl fmt::Display for SquareApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        if let Some(field) = &self.field {
            write!(f, " (field {field})")?;
        }
        Ok(())
    }
}

/// The body of a non-2xx JSON answer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    #[serde(default)]
    pub errors: Vec<SquareApiError>,
}

/// What the caller should do about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// Retry later (rate limit, outage, timeout, dropped connection).
    Transient,
    /// Retrying the same request will fail the same way.
    Permanent,
    /// The access token expired: refresh it, then retry.
    NeedsRefresh,
    /// The authorization is gone (revoked, invalid, missing scopes): reconnect Square.
    NeedsReconnect,
}

impl ErrorClass {
    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Transient => "transient",
            ErrorClass::Permanent => "permanent",
            ErrorClass::NeedsRefresh => "needs_refresh",
            ErrorClass::NeedsReconnect => "needs_reconnect",
        }
    }
}

/// Crate result type.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong talking to Square. Build it with the constructors
/// (`from_http_failure`, `decode`, `timeout`, `connection`), which decide the class.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Square answered a non-2xx status with a JSON body (usually the error envelope).
    #[error("Square answered HTTP {status}: {}", describe(errors))]
    Api {
        status: u16,
        errors: Vec<SquareApiError>,
        class: ErrorClass,
    },
    /// The body was not JSON (an HTML page from a proxy, load balancer or CDN).
    #[error("Square answered HTTP {status} with a non-JSON body ({}): {excerpt}",
        content_type.as_deref().unwrap_or("no content type"))]
    NonJson {
        status: u16,
        content_type: Option<String>,
        excerpt: String,
        class: ErrorClass,
    },
    /// A JSON body did not match the model for `what`.
    #[error("could not decode Square's {what} answer: {source}")]
    Decode {
        what: String,
        #[source]
        source: serde_json::Error,
        class: ErrorClass,
    },
    /// No answer in time.
    #[error("Square did not answer in time: {detail}")]
    Timeout { detail: String },
    /// Could not connect, or the connection dropped (refused, reset, DNS, TLS).
    #[error("could not reach Square: {detail}")]
    Connection { detail: String },
}

fn describe(errors: &[SquareApiError]) -> String {
    if errors.is_empty() {
        return "no error details".to_owned();
    }
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Text seen in non-JSON bodies of passing failures (tap-square retries on these).
const TRANSIENT_BODY_MARKERS: &[&str] = &[
    "service unavailable",
    "upstream connect error",
    "reset before headers",
    "error 1101",
    "worker threw exception",
    "bad gateway",
    "gateway timeout",
    "temporarily unavailable",
];

impl Error {
    /// Classifies a failed HTTP answer (non-2xx, or a 2xx whose body is not JSON).
    pub fn from_http_failure(status: u16, content_type: Option<&str>, body: &[u8]) -> Error {
        let text = String::from_utf8_lossy(body);
        let trimmed = text.trim_start();
        if trimmed.starts_with('{')
            && let Ok(value) = serde_json::from_str::<serde_json::Value>(trimmed)
        {
            let errors = serde_json::from_value::<ErrorEnvelope>(value)
                .map(|envelope| envelope.errors)
                .unwrap_or_default();
            let class = classify_api(status, &errors);
            return Error::Api {
                status,
                errors,
                class,
            };
        }
        Error::NonJson {
            status,
            content_type: content_type.map(str::to_owned),
            excerpt: excerpt(&text),
            class: classify_non_json(status, &text),
        }
    }

    /// A body that did not decode into the model for `what` (e.g. `"ListPayments"`).
    /// A body cut short (EOF) is transient; a shape mismatch is permanent.
    pub fn decode(what: impl Into<String>, source: serde_json::Error) -> Error {
        let class = if source.is_eof() {
            ErrorClass::Transient
        } else {
            ErrorClass::Permanent
        };
        Error::Decode {
            what: what.into(),
            source,
            class,
        }
    }

    /// The request timed out.
    pub fn timeout(detail: impl Into<String>) -> Error {
        Error::Timeout {
            detail: detail.into(),
        }
    }

    /// The connection failed or dropped.
    pub fn connection(detail: impl Into<String>) -> Error {
        Error::Connection {
            detail: detail.into(),
        }
    }

    /// What the caller should do.
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::Api { class, .. }
            | Error::NonJson { class, .. }
            | Error::Decode { class, .. } => *class,
            Error::Timeout { .. } | Error::Connection { .. } => ErrorClass::Transient,
        }
    }

    /// Retrying later may succeed.
    pub fn is_transient(&self) -> bool {
        self.class() == ErrorClass::Transient
    }

    /// The access token expired; refresh it and retry.
    pub fn needs_refresh(&self) -> bool {
        self.class() == ErrorClass::NeedsRefresh
    }

    /// The seller must connect Square again.
    pub fn needs_reconnect(&self) -> bool {
        self.class() == ErrorClass::NeedsReconnect
    }

    /// Square throttled the request (HTTP 429 or `RATE_LIMITED`): slow down.
    pub fn is_rate_limited(&self) -> bool {
        match self {
            Error::Api { status, errors, .. } => *status == 429 || is_rate_limit_error(errors),
            Error::NonJson { status, .. } => *status == 429,
            _ => false,
        }
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::NonJson { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Square's error entries (empty unless `Api`).
    pub fn api_errors(&self) -> &[SquareApiError] {
        match self {
            Error::Api { errors, .. } => errors,
            _ => &[],
        }
    }

    /// Stable snake_case code for the UI: `access_token_expired`, `reconnect_required`,
    /// `insufficient_scopes`, `rate_limited`, `square_unavailable`, `not_found`,
    /// `forbidden`, `request_rejected`, `non_json_response`, `truncated_response`,
    /// `decode_failed`, `timeout`, `connection_failed`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Api {
                status,
                errors,
                class,
            } => match class {
                ErrorClass::NeedsRefresh => "access_token_expired",
                ErrorClass::NeedsReconnect if has_code(errors, &ErrorCode::InsufficientScopes) => {
                    "insufficient_scopes"
                }
                ErrorClass::NeedsReconnect => "reconnect_required",
                ErrorClass::Transient if self.is_rate_limited() => "rate_limited",
                ErrorClass::Transient => "square_unavailable",
                ErrorClass::Permanent => match status {
                    404 => "not_found",
                    403 => "forbidden",
                    _ => "request_rejected",
                },
            },
            Error::NonJson { .. } => "non_json_response",
            Error::Decode { class, .. } if *class == ErrorClass::Transient => "truncated_response",
            Error::Decode { .. } => "decode_failed",
            Error::Timeout { .. } => "timeout",
            Error::Connection { .. } => "connection_failed",
        }
    }
}

fn has_code(errors: &[SquareApiError], code: &ErrorCode) -> bool {
    errors.iter().any(|e| &e.code == code)
}

fn is_rate_limit_error(errors: &[SquareApiError]) -> bool {
    errors
        .iter()
        .any(|e| e.code == ErrorCode::RateLimited || e.category == ErrorCategory::RateLimitError)
}

fn classify_api(status: u16, errors: &[SquareApiError]) -> ErrorClass {
    use ErrorCode as C;
    if has_code(errors, &C::AccessTokenExpired) {
        return ErrorClass::NeedsRefresh;
    }
    if [
        C::AccessTokenRevoked,
        C::Unauthorized,
        C::InsufficientScopes,
    ]
    .iter()
    .any(|code| has_code(errors, code))
    {
        return ErrorClass::NeedsReconnect;
    }
    let transient_code = [
        C::RateLimited,
        C::InternalServerError,
        C::ServiceUnavailable,
        C::TemporaryError,
        C::GatewayTimeout,
        C::BadGateway,
        C::RequestTimeout,
    ]
    .iter()
    .any(|code| has_code(errors, code));
    if status == 429
        || status == 408
        || status >= 500
        || transient_code
        || is_rate_limit_error(errors)
    {
        return ErrorClass::Transient;
    }
    if status == 401 {
        return ErrorClass::NeedsReconnect;
    }
    ErrorClass::Permanent
}

fn classify_non_json(status: u16, body: &str) -> ErrorClass {
    let lower = body.to_ascii_lowercase();
    let passing = matches!(status, 200..=299 | 408 | 429 | 500..=599)
        || TRANSIENT_BODY_MARKERS.iter().any(|m| lower.contains(m));
    if passing {
        ErrorClass::Transient
    } else {
        ErrorClass::Permanent
    }
}

/// The first 200 characters of a body, whitespace collapsed, for messages and logs.
fn excerpt(body: &str) -> String {
    let collapsed = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match collapsed.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &collapsed[..cut]),
        None => collapsed,
    }
}
