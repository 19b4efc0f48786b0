//! Error classification: every class (transient, permanent, needs refresh, needs reconnect)
//! decided where the error arises, from JSON envelopes, HTML bodies, decode failures and
//! transport failures, with the stable `code()` the UI switches on.

use keeper_square::error::{ErrorCategory, ErrorCode};
use keeper_square::{Error, ErrorClass};

fn api(status: u16, category: &str, code: &str) -> Error {
    let body =
        format!(r#"{{"errors":[{{"category":"{category}","code":"{code}","detail":"d"}}]}}"#);
    Error::from_http_failure(status, Some("application/json"), body.as_bytes())
}

#[track_caller]
fn check(error: &Error, class: ErrorClass, code: &str) {
    assert_eq!(error.class(), class, "{error}");
    assert_eq!(error.code(), code, "{error}");
    assert_eq!(error.is_transient(), class == ErrorClass::Transient);
    assert_eq!(error.needs_refresh(), class == ErrorClass::NeedsRefresh);
    assert_eq!(error.needs_reconnect(), class == ErrorClass::NeedsReconnect);
}

#[test]
fn rate_limited_429_is_transient() {
    let e = api(429, "RATE_LIMIT_ERROR", "RATE_LIMITED");
    check(&e, ErrorClass::Transient, "rate_limited");
    assert!(e.is_rate_limited());
    assert_eq!(e.status(), Some(429));
    assert_eq!(e.api_errors()[0].category, ErrorCategory::RateLimitError);
}

#[test]
fn bare_429_without_body_is_rate_limited() {
    let e = Error::from_http_failure(429, None, b"");
    check(&e, ErrorClass::Transient, "non_json_response");
    assert!(e.is_rate_limited());
}

#[test]
fn server_errors_are_transient() {
    for (status, code) in [
        (500, "INTERNAL_SERVER_ERROR"),
        (502, "BAD_GATEWAY"),
        (503, "SERVICE_UNAVAILABLE"),
        (504, "GATEWAY_TIMEOUT"),
        (500, "SOMETHING_NEW"),
    ] {
        let e = api(status, "API_ERROR", code);
        check(&e, ErrorClass::Transient, "square_unavailable");
        assert!(!e.is_rate_limited());
    }
}

#[test]
fn html_5xx_body_is_transient_non_json() {
    let html = b"<html>\n<head><title>502 Bad Gateway</title></head>\n<body>upstream connect error or disconnect/reset before headers</body></html>";
    let e = Error::from_http_failure(502, Some("text/html"), html);
    check(&e, ErrorClass::Transient, "non_json_response");
    match &e {
        Error::NonJson {
            content_type,
            excerpt,
            ..
        } => {
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert!(excerpt.starts_with("<html> <head><title>502 Bad Gateway"));
        }
        other => panic!("expected NonJson, got {other:?}"),
    }
}

#[test]
fn html_with_a_passing_failure_marker_is_transient_whatever_the_status() {
    let page = b"<!DOCTYPE html><title>Worker threw exception | Error 1101</title>";
    check(
        &Error::from_http_failure(403, Some("text/html"), page),
        ErrorClass::Transient,
        "non_json_response",
    );
    check(
        &Error::from_http_failure(200, Some("text/html"), b"<html>captive portal</html>"),
        ErrorClass::Transient,
        "non_json_response",
    );
}

#[test]
fn html_404_page_is_permanent() {
    let e = Error::from_http_failure(404, Some("text/html"), b"<html><h1>Not Found</h1></html>");
    check(&e, ErrorClass::Permanent, "non_json_response");
}

#[test]
fn long_html_excerpt_is_cut() {
    let body = format!("<html>{}</html>", "x".repeat(5000));
    let e = Error::from_http_failure(503, None, body.as_bytes());
    let Error::NonJson { excerpt, .. } = &e else {
        panic!("expected NonJson")
    };
    assert!(excerpt.chars().count() <= 201);
    assert!(e.to_string().contains("no content type"));
}

#[test]
fn bad_request_forbidden_and_not_found_are_permanent() {
    let e = Error::from_http_failure(
        400,
        Some("application/json"),
        br#"{"errors":[{"category":"INVALID_REQUEST_ERROR","code":"VALUE_TOO_HIGH","detail":"limit must be <= 100","field":"limit"}]}"#,
    );
    check(&e, ErrorClass::Permanent, "request_rejected");
    assert_eq!(e.api_errors()[0].code, ErrorCode::ValueTooHigh);
    assert_eq!(e.api_errors()[0].field.as_deref(), Some("limit"));
    assert!(
        e.to_string()
            .contains("VALUE_TOO_HIGH: limit must be <= 100 (field limit)")
    );

    check(
        &api(403, "AUTHENTICATION_ERROR", "FORBIDDEN"),
        ErrorClass::Permanent,
        "forbidden",
    );
    check(
        &api(404, "INVALID_REQUEST_ERROR", "NOT_FOUND"),
        ErrorClass::Permanent,
        "not_found",
    );
    check(
        &api(400, "INVALID_REQUEST_ERROR", "INVALID_CURSOR"),
        ErrorClass::Permanent,
        "request_rejected",
    );
}

#[test]
fn expired_access_token_needs_refresh() {
    check(
        &api(401, "AUTHENTICATION_ERROR", "ACCESS_TOKEN_EXPIRED"),
        ErrorClass::NeedsRefresh,
        "access_token_expired",
    );
}

#[test]
fn revoked_or_invalid_token_needs_reconnect() {
    check(
        &api(401, "AUTHENTICATION_ERROR", "ACCESS_TOKEN_REVOKED"),
        ErrorClass::NeedsReconnect,
        "reconnect_required",
    );
    check(
        &api(401, "AUTHENTICATION_ERROR", "UNAUTHORIZED"),
        ErrorClass::NeedsReconnect,
        "reconnect_required",
    );
    check(
        &Error::from_http_failure(401, Some("application/json"), b"{}"),
        ErrorClass::NeedsReconnect,
        "reconnect_required",
    );
}

#[test]
fn missing_scopes_need_reconnect_with_their_own_code() {
    check(
        &api(403, "AUTHENTICATION_ERROR", "INSUFFICIENT_SCOPES"),
        ErrorClass::NeedsReconnect,
        "insufficient_scopes",
    );
}

#[test]
fn unknown_error_code_and_category_are_kept() {
    let e = api(400, "BRAND_NEW_CATEGORY", "BRAND_NEW_CODE");
    check(&e, ErrorClass::Permanent, "request_rejected");
    let err = &e.api_errors()[0];
    assert_eq!(err.code, ErrorCode::Unknown("BRAND_NEW_CODE".into()));
    assert_eq!(err.category.as_str(), "BRAND_NEW_CATEGORY");
}

#[test]
fn json_without_error_envelope_is_classified_by_status() {
    let e = Error::from_http_failure(503, Some("application/json"), br#"{"message":"down"}"#);
    check(&e, ErrorClass::Transient, "square_unavailable");
    assert!(e.api_errors().is_empty());
    assert!(e.to_string().contains("no error details"));
}

#[test]
fn truncated_body_is_transient_and_shape_mismatch_is_permanent() {
    let truncated =
        serde_json::from_str::<serde_json::Value>(r#"{"customers":[{"id":"#).unwrap_err();
    check(
        &Error::decode("ListCustomers", truncated),
        ErrorClass::Transient,
        "truncated_response",
    );
    let mismatch = serde_json::from_str::<keeper_square::responses::ListCustomersResponse>(
        r#"{"customers":"not a list"}"#,
    )
    .unwrap_err();
    let e = Error::decode("ListCustomers", mismatch);
    check(&e, ErrorClass::Permanent, "decode_failed");
    assert!(e.to_string().contains("ListCustomers"));
}

#[test]
fn timeouts_and_connection_failures_are_transient() {
    check(
        &Error::timeout("no answer in 30 s"),
        ErrorClass::Transient,
        "timeout",
    );
    let e = Error::connection("connection reset by peer");
    check(&e, ErrorClass::Transient, "connection_failed");
    assert_eq!(e.status(), None);
}

#[test]
fn error_class_names_are_snake_case() {
    let names: Vec<_> = [
        ErrorClass::Transient,
        ErrorClass::Permanent,
        ErrorClass::NeedsRefresh,
        ErrorClass::NeedsReconnect,
    ]
    .map(ErrorClass::as_str)
    .to_vec();
    assert_eq!(
        names,
        ["transient", "permanent", "needs_refresh", "needs_reconnect"]
    );
}
