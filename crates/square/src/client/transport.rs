//! One request, start to finish: wait for the family's governor, send with the bearer
//! token and `Square-Version`, classify the answer, report the outcome back to the
//! governor, then retry, refresh, give up or defer as the outcome and priority say.

use super::error::ClientError;
use super::{Inner, SquareClient};
use crate::control::{
    CircuitState, Decision, EndpointFamily, EventFailure, FailureKind, HealthEvent, Outcome,
    Permit, RetryPlan, WaitReason, parse_retry_after,
};
use crate::models::Secret;
use crate::{Error, ErrorClass};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
}

/// Everything needed to send one request (and to send it again unchanged).
#[derive(Debug, Clone)]
pub(crate) struct RequestSpec {
    /// Square's operation name, for messages (`ListPayments`).
    pub operation: &'static str,
    pub family: EndpointFamily,
    pub method: Method,
    /// Path below the base URL, starting with `/`.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// JSON body (POST).
    pub body: Option<Vec<u8>>,
}

/// A failed attempt: Square's classified error and the `Retry-After` it carried.
struct Failure {
    error: Error,
    retry_after: Option<Duration>,
}

/// Hands the permit back as abandoned if the request future is dropped mid-flight.
struct PermitGuard<'a> {
    inner: &'a Inner,
    permit: Option<Permit>,
}

impl PermitGuard<'_> {
    fn finish(mut self, outcome: &Outcome) {
        if let Some(permit) = self.permit.take() {
            self.inner.report(permit, outcome);
        }
    }
}

impl Inner {
    /// The request behind `permit` ended with `outcome`: the governor learns it, waiting
    /// requests are woken, and the health sink hears of it.
    pub(crate) fn report(&self, permit: Permit, outcome: &Outcome) {
        let now = self.clock.now();
        lock(&self.governors).on_response(now, permit, outcome);
        self.answered.notify_waiters();
        let sink = self
            .health_sink
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(sink) = sink {
            sink.record(health_event(now, permit, outcome));
        }
    }
}

impl Drop for PermitGuard<'_> {
    fn drop(&mut self) {
        if let Some(permit) = self.permit.take() {
            lock(&self.inner.governors).on_abandoned(permit);
            self.inner.answered.notify_waiters();
        }
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The answer to `permit` at `now`, as the health sink hears it.
fn health_event(now: Duration, permit: Permit, outcome: &Outcome) -> HealthEvent {
    let failure = match outcome {
        Outcome::Success => None,
        Outcome::RateLimited { .. } => Some(EventFailure {
            code: "RATE_LIMITED".to_owned(),
            message: "Square throttled the request (429)".to_owned(),
            kind: FailureKind::RateLimited,
        }),
        Outcome::Transient { code, message } => Some(EventFailure {
            code: code.clone(),
            message: message.clone(),
            kind: FailureKind::Transient,
        }),
        Outcome::Permanent { code, message } => Some(EventFailure {
            code: code.clone(),
            message: message.clone(),
            kind: FailureKind::Permanent,
        }),
    };
    HealthEvent {
        family: permit.family,
        at: now,
        latency: now.saturating_sub(permit.sent_at),
        failure,
    }
}

/// What the governor should learn from a failed attempt.
fn outcome_of(error: &Error, retry_after: Option<Duration>) -> Outcome {
    if error.is_rate_limited() {
        return Outcome::RateLimited { retry_after };
    }
    let code = error
        .api_errors()
        .first()
        .map(|e| e.code.as_str().to_owned())
        .unwrap_or_else(|| error.code().to_owned());
    let message = error.to_string();
    match error.class() {
        ErrorClass::Transient => Outcome::Transient { code, message },
        _ => Outcome::Permanent { code, message },
    }
}

/// `reqwest` error → transport error, with the cause chain in the message.
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

impl SquareClient {
    /// Waits until the family's governor lets a request of this handle's priority (for
    /// `family`) go.
    pub(crate) async fn permit(&self, family: EndpointFamily) -> Result<Permit, ClientError> {
        let inner = &self.inner;
        loop {
            // Register interest before deciding, so an answer that frees a slot between the
            // decision and the wait is not missed.
            let answered = inner.answered.notified();
            let now = inner.clock.now();
            let decision = lock(&inner.governors).acquire(family, now, self.priority_for(family));
            match decision {
                Decision::SendNow(permit) => return Ok(permit),
                Decision::CircuitOpen { retry_at } => {
                    return Err(ClientError::CircuitOpen { family, retry_at });
                }
                Decision::WaitUntil { at, reason } => match reason {
                    WaitReason::Concurrency | WaitReason::ProbeInFlight => {
                        tokio::select! {
                            () = inner.clock.sleep_until(at) => {}
                            () = answered => {}
                        }
                    }
                    _ => inner.clock.sleep_until(at).await,
                },
            }
        }
    }

    /// One HTTP exchange. `Ok` carries the body of a 2xx answer.
    async fn send_once(&self, spec: &RequestSpec, token: &Secret) -> Result<Vec<u8>, Failure> {
        let inner = &self.inner;
        let url = format!("{}{}", inner.base_url, spec.path);
        let mut request = match spec.method {
            Method::Get => inner.http.get(url),
            Method::Post => inner.http.post(url),
        };
        request = request
            .bearer_auth(token.expose())
            .header("Square-Version", &inner.square_version)
            .header(reqwest::header::ACCEPT, "application/json");
        if !spec.query.is_empty() {
            request = request.query(&spec.query);
        }
        if let Some(body) = &spec.body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let fail = |error| Failure {
            error,
            retry_after: None,
        };
        let response = request
            .send()
            .await
            .map_err(|e| fail(transport_error(&e)))?;
        let status = response.status().as_u16();
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let retry_after = header(reqwest::header::RETRY_AFTER)
            .and_then(|v| parse_retry_after(&v, inner.clock.now()).ok());
        let body = response
            .bytes()
            .await
            .map_err(|e| fail(transport_error(&e)))?;
        if (200..300).contains(&status) {
            Ok(body.to_vec())
        } else {
            Err(Failure {
                error: Error::from_http_failure(status, content_type.as_deref(), &body),
                retry_after,
            })
        }
    }

    /// Sends `spec` until it succeeds or its failure is final, decoding the answer as `T`.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        spec: &RequestSpec,
    ) -> Result<T, ClientError> {
        let inner = &self.inner;
        let mut attempts: u32 = 0;
        let mut refreshed = false;
        loop {
            let token = inner.tokens.access_token(inner.clock.now()).await?;
            let permit = self.permit(spec.family).await?;
            let guard = PermitGuard {
                inner,
                permit: Some(permit),
            };
            attempts += 1;
            let result = self.send_once(spec, &token).await.and_then(|body| {
                serde_json::from_slice::<T>(&body).map_err(|e| Failure {
                    error: decode_failure(spec.operation, &body, e),
                    retry_after: None,
                })
            });
            let failure = match result {
                Ok(value) => {
                    guard.finish(&Outcome::Success);
                    return Ok(value);
                }
                Err(failure) => failure,
            };
            let outcome = outcome_of(&failure.error, failure.retry_after);
            guard.finish(&outcome);
            match failure.error.class() {
                ErrorClass::NeedsRefresh if !refreshed => {
                    refreshed = true;
                    // The expired attempt does not count against the priority's limit.
                    attempts -= 1;
                    inner.tokens.refresh(&token, inner.clock.now()).await?;
                    continue;
                }
                ErrorClass::NeedsRefresh | ErrorClass::NeedsReconnect => {
                    return Err(ClientError::ReconnectRequired {
                        reason: failure.error.to_string(),
                    });
                }
                ErrorClass::Permanent => return Err(ClientError::Square(failure.error)),
                ErrorClass::Transient => {}
            }
            let now = inner.clock.now();
            let plan = {
                let governors = lock(&inner.governors);
                let governor = governors.get(spec.family);
                if governor.circuit_state(now) == CircuitState::Open {
                    // The failures opened the breaker: sync falls back to stored data now
                    // rather than waiting out the cool-down here.
                    return Err(ClientError::CircuitOpen {
                        family: spec.family,
                        retry_at: governor.breaker().retry_at(),
                    });
                }
                let mut rng = lock(&inner.rng);
                governor.plan_retry(
                    now,
                    self.priority_for(spec.family),
                    attempts,
                    &outcome,
                    &mut *rng,
                )
            };
            match plan {
                RetryPlan::RetryAt(at) => inner.clock.sleep_until(at).await,
                RetryPlan::NextScheduledRun => {
                    return Err(ClientError::Deferred {
                        family: spec.family,
                        source: failure.error,
                    });
                }
                RetryPlan::GiveUp if attempts <= 1 => {
                    return Err(ClientError::Square(failure.error));
                }
                RetryPlan::GiveUp => {
                    return Err(ClientError::RetriesExhausted {
                        attempts,
                        source: failure.error,
                    });
                }
            }
        }
    }
}

/// A 2xx body that did not decode: not JSON at all (a proxy page) is a transient non-JSON
/// answer; JSON of the wrong shape is a decode error.
fn decode_failure(operation: &str, body: &[u8], e: serde_json::Error) -> Error {
    let text = String::from_utf8_lossy(body);
    if text.trim_start().starts_with('{') || text.trim().is_empty() && e.is_eof() {
        Error::decode(operation, e)
    } else {
        Error::from_http_failure(200, None, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limited_answers_become_rate_limited_outcomes_with_retry_after() {
        let body = br#"{"errors":[{"category":"RATE_LIMIT_ERROR","code":"RATE_LIMITED"}]}"#;
        let error = Error::from_http_failure(429, Some("application/json"), body);
        let outcome = outcome_of(&error, Some(Duration::from_secs(2)));
        assert_eq!(
            outcome,
            Outcome::RateLimited {
                retry_after: Some(Duration::from_secs(2))
            }
        );
    }

    #[test]
    fn html_5xx_is_a_transient_outcome_and_400_a_permanent_one() {
        let html = Error::from_http_failure(503, Some("text/html"), b"<html>503</html>");
        assert!(matches!(outcome_of(&html, None), Outcome::Transient { .. }));
        let bad = br#"{"errors":[{"category":"INVALID_REQUEST_ERROR","code":"INVALID_CURSOR"}]}"#;
        let bad = Error::from_http_failure(400, Some("application/json"), bad);
        let Outcome::Permanent { code, .. } = outcome_of(&bad, None) else {
            panic!("400 is permanent")
        };
        assert_eq!(code, "INVALID_CURSOR");
    }

    #[test]
    fn a_truncated_2xx_body_is_transient_and_a_wrong_shape_permanent() {
        let cut = br#"{"customers":[{"id":"#;
        let e = serde_json::from_slice::<serde_json::Value>(cut).unwrap_err();
        assert!(decode_failure("ListCustomers", cut, e).is_transient());
        let page = br#"<html>oops</html>"#;
        let e = serde_json::from_slice::<serde_json::Value>(page).unwrap_err();
        assert!(decode_failure("ListCustomers", page, e).is_transient());
        let wrong = br#"{"customers":"nope"}"#;
        let e =
            serde_json::from_slice::<crate::responses::ListCustomersResponse>(wrong).unwrap_err();
        assert!(!decode_failure("ListCustomers", wrong, e).is_transient());
    }
}
