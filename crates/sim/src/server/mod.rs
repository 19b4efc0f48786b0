//! The HTTP server: one module per API family, a middleware that checks and echoes
//! `Square-Version` and applies faults, and [`Simulator`] to run it in-process.

pub mod admin;
pub mod bookings;
pub mod catalog;
pub mod customers;
pub mod loyalty;
pub mod merchants;
pub mod oauth;
pub mod orders;
pub mod payments;
pub mod team;

use crate::auth::{ACCESS_TTL, ALL_SCOPES, AccessToken, Auth};
use crate::changes::AdvanceReport;
use crate::error::{Result, SimError};
use crate::errors::{ApiError, ApiResult};
use crate::faults::{Decision, FaultState, Faults};
use crate::generate::{self, Profile};
use crate::path_faults::PathFault;
use crate::store::Dataset;
use crate::time::Ts;
use crate::truth::Truth;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// The `Square-Version` used when a request sends none.
pub const DEFAULT_VERSION: &str = "2025-08-20";

/// How to start a simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Must be a loopback address; port 0 picks a free port.
    pub addr: SocketAddr,
    pub seed: u64,
    pub profile: Profile,
    /// The simulator's present; the generated history ends here.
    pub now: Ts,
    pub faults: Faults,
}

impl SimConfig {
    pub fn new(profile: Profile, seed: u64, now: Ts) -> SimConfig {
        SimConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed,
            profile,
            now,
            faults: Faults::default(),
        }
    }
}

/// State shared by all handlers.
pub struct Shared {
    pub data: RwLock<Dataset>,
    pub truth: RwLock<Truth>,
    pub auth: Mutex<Auth>,
    pub faults: Mutex<FaultState>,
    clock: AtomicI64,
    pub seed: u64,
    pub advances: AtomicU64,
    pub access_token: String,
}

impl Shared {
    /// The simulator clock.
    pub fn now(&self) -> Ts {
        Ts(self.clock.load(Ordering::SeqCst))
    }

    pub fn set_now(&self, t: Ts) {
        self.clock.store(t.0, Ordering::SeqCst);
    }

    /// Checks the request's bearer token against `scopes`.
    pub fn authorize(&self, headers: &HeaderMap, scopes: &[&str]) -> ApiResult<AccessToken> {
        let h = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let auth = self.auth.lock().unwrap_or_else(|e| e.into_inner());
        auth.check(h, scopes, self.now()).cloned()
    }

    pub fn data(&self) -> std::sync::RwLockReadGuard<'_, Dataset> {
        self.data.read().unwrap_or_else(|e| e.into_inner())
    }
}

pub type AppState = Arc<Shared>;

/// Builds the dataset and state without binding a socket.
pub fn build_state(config: &SimConfig) -> AppState {
    let (data, truth) = generate::generate(config.profile, config.seed, config.now);
    let mut auth = Auth::new(config.seed, &data.merchant.id);
    let scopes: Vec<String> = ALL_SCOPES.iter().map(|s| s.to_string()).collect();
    let access_token = auth.issue(&scopes, config.now, ACCESS_TTL);
    Arc::new(Shared {
        data: RwLock::new(data),
        truth: RwLock::new(truth),
        auth: Mutex::new(auth),
        faults: Mutex::new(FaultState::new(config.faults.clone(), config.seed)),
        clock: AtomicI64::new(config.now.0),
        seed: config.seed,
        advances: AtomicU64::new(0),
        access_token,
    })
}

/// The full router over a state.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(oauth::routes())
        .merge(merchants::routes())
        .merge(customers::routes())
        .merge(payments::routes())
        .merge(orders::routes())
        .merge(bookings::routes())
        .merge(catalog::routes())
        .merge(team::routes())
        .merge(loyalty::routes())
        .merge(admin::routes())
        .fallback(|| async { ApiError::not_found("No such endpoint.") })
        .layer(middleware::from_fn_with_state(state.clone(), envelope))
        .with_state(state)
}

fn valid_version(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok()
}

const HTML_5XX: &str = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// Square-Version check and echo, then faults, for every `/v2` and `/oauth2` request.
async fn envelope(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/_sim") {
        return next.run(req).await;
    }
    let version = match req.headers().get("square-version") {
        None => DEFAULT_VERSION.to_string(),
        Some(v) => match v.to_str() {
            Ok(s) if valid_version(s) => s.to_string(),
            _ => {
                return ApiError::invalid(
                    "INVALID_SQUARE_VERSION_FORMAT",
                    "Square-Version must be a date like 2025-08-20.",
                )
                .field("Square-Version")
                .into_response();
            }
        },
    };
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::to_string);
    let (decision, latency) = {
        let mut f = st.faults.lock().unwrap_or_else(|e| e.into_inner());
        let method = req.method().as_str();
        let path = req.uri().path();
        let d = f.decide(method, path, token.as_deref(), st.now(), Instant::now());
        (d, f.faults.latency_ms)
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let mut resp = match decision {
        Decision::Serve => next.run(req).await,
        Decision::Hang(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(req).await
        }
        Decision::RateLimited => ApiError::rate_limited().into_response(),
        Decision::Outage => {
            ApiError::server(StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE").into_response()
        }
        Decision::PathFault {
            status: 429,
            retry_after_s,
        } => {
            let mut r = ApiError::rate_limited().into_response();
            if let Some(v) = retry_after_s.and_then(|s| HeaderValue::from_str(&s.to_string()).ok())
            {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        Decision::PathFault { status, .. } => server_error(status, false),
        Decision::ServerError { status, html } => server_error(status, html),
        Decision::Drop => {
            let stream = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other(
                    "connection dropped by simulator",
                ))
            });
            let mut r = Response::new(Body::from_stream(stream));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            r
        }
    };
    if let Ok(v) = HeaderValue::from_str(&version) {
        resp.headers_mut().insert("square-version", v);
    }
    resp
}

/// A 5xx answer: Square's JSON error envelope, or an nginx-style HTML page.
fn server_error(status: u16, html: bool) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    if html {
        let mut r = (status, HTML_5XX).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        r
    } else {
        let code = match status.as_u16() {
            500 => "INTERNAL_SERVER_ERROR",
            502 => "BAD_GATEWAY",
            504 => "GATEWAY_TIMEOUT",
            _ => "SERVICE_UNAVAILABLE",
        };
        ApiError::server(status, code).into_response()
    }
}

/// A 200 JSON response.
pub fn json<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => {
            let mut r = (StatusCode::OK, body).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            r
        }
        Err(_) => ApiError::server(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR")
            .into_response(),
    }
}

/// Parses a JSON request body (empty = `{}`) into `T`, with Square-shaped errors.
pub fn parse_body<T: DeserializeOwned>(body: &Bytes) -> ApiResult<(T, serde_json::Value)> {
    let value: serde_json::Value = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(Default::default())
    } else {
        serde_json::from_slice(body).map_err(|e| {
            ApiError::invalid("EXPECTED_JSON_BODY", format!("Invalid JSON body: {e}"))
        })?
    };
    let typed = serde_json::from_value(value.clone())
        .map_err(|e| ApiError::invalid("BAD_REQUEST", format!("Invalid request body: {e}")))?;
    Ok((typed, value))
}

/// Query-string pairs with typed accessors.
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    pub fn time(&self, key: &str) -> ApiResult<Option<Ts>> {
        self.get(key).map(|v| parse_time(v, key)).transpose()
    }

    pub fn int(&self, key: &str) -> ApiResult<Option<i64>> {
        self.get(key)
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    ApiError::invalid("EXPECTED_INTEGER", format!("`{key}` must be an integer."))
                        .field(key)
                })
            })
            .transpose()
    }

    /// An enum parameter, checked against `allowed`.
    pub fn choice(&self, key: &str, allowed: &[&str]) -> ApiResult<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if allowed.contains(&v) => Ok(Some(v.to_string())),
            Some(v) => Err(ApiError::invalid(
                "INVALID_ENUM_VALUE",
                format!(
                    "`{v}` is not a valid {key}; expected one of {}.",
                    allowed.join(", ")
                ),
            )
            .field(key)),
        }
    }
}

/// Parses an RFC 3339 timestamp or fails with `INVALID_TIME`.
pub fn parse_time(v: &str, field: &str) -> ApiResult<Ts> {
    Ts::parse(v).ok_or_else(|| {
        ApiError::invalid(
            "INVALID_TIME",
            format!("`{v}` is not an RFC 3339 timestamp."),
        )
        .field(field)
    })
}

/// Fails with `INVALID_TIME_RANGE` when `end` precedes `start`.
pub fn check_range(start: Option<Ts>, end: Option<Ts>, field: &str) -> ApiResult<()> {
    match (start, end) {
        (Some(a), Some(b)) if b < a => Err(ApiError::invalid(
            "INVALID_TIME_RANGE",
            "The end of the time range is before its start.",
        )
        .field(field)),
        _ => Ok(()),
    }
}

/// Checks an ASC/DESC value.
pub fn sort_order(v: Option<&str>, field: &str, default_desc: bool) -> ApiResult<bool> {
    match v {
        None => Ok(default_desc),
        Some("ASC") => Ok(false),
        Some("DESC") => Ok(true),
        Some(other) => Err(ApiError::invalid(
            "INVALID_ENUM_VALUE",
            format!("`{other}` is not a sort order (ASC or DESC)."),
        )
        .field(field)),
    }
}

/// A running simulator.
pub struct SimHandle {
    base_url: String,
    state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    join: Option<tokio::task::JoinHandle<()>>,
    generation: Duration,
}

/// Starts simulators.
pub struct Simulator;

impl Simulator {
    /// Generates the merchant (on a blocking thread), binds and serves in the background.
    pub async fn start(config: SimConfig) -> Result<SimHandle> {
        if !config.addr.ip().is_loopback() {
            return Err(SimError::NotLoopback(config.addr.to_string()));
        }
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|source| SimError::Bind {
                addr: config.addr.to_string(),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SimError::Bind {
            addr: config.addr.to_string(),
            source,
        })?;
        let started = Instant::now();
        let cfg = config.clone();
        let state = tokio::task::spawn_blocking(move || build_state(&cfg))
            .await
            .map_err(|e| SimError::Bind {
                addr: addr.to_string(),
                source: std::io::Error::other(e.to_string()),
            })?;
        let generation = started.elapsed();
        let app = router(state.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let join = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(SimHandle {
            base_url: format!("http://{addr}"),
            state,
            shutdown: Some(tx),
            join: Some(join),
            generation,
        })
    }
}

impl SimHandle {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The pre-issued seller token with every scope.
    pub fn access_token(&self) -> &str {
        &self.state.access_token
    }

    pub fn client_id(&self) -> String {
        self.state
            .auth
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .client_id
            .clone()
    }

    pub fn client_secret(&self) -> String {
        self.state
            .auth
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .client_secret
            .clone()
    }

    /// How long generating the merchant took.
    pub fn generation_time(&self) -> Duration {
        self.generation
    }

    pub fn truth(&self) -> Truth {
        self.state
            .truth
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn now(&self) -> Ts {
        self.state.now()
    }

    pub fn set_faults(&self, faults: Faults) {
        self.state
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .set(faults);
    }

    /// Replaces only the faults scoped to paths (the global settings stay).
    pub fn set_path_faults(&self, paths: Vec<PathFault>) {
        self.state
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .set_paths(paths);
    }

    /// The current fault settings, with the path faults' hit counts.
    pub fn faults(&self) -> Faults {
        self.state
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .faults
            .clone()
    }

    /// Makes the seller deny (or allow) the next authorizations.
    pub fn set_deny_authorize(&self, deny: bool) {
        self.state
            .auth
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .deny_authorize = deny;
    }

    /// Issues an access token with the given scopes, valid for `ttl_ms`.
    pub fn issue_token(&self, scopes: &[&str], ttl_ms: i64) -> String {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        self.state
            .auth
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .issue(&scopes, self.state.now(), ttl_ms)
    }

    /// Moves the clock forward and applies the data changes of that period.
    pub fn advance(&self, ms: i64) -> AdvanceReport {
        admin::advance_by(&self.state, ms)
    }

    /// Shared state, for tests that look inside.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops serving and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(j) = self.join.take() {
            let _ = j.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_must_be_a_real_date() {
        assert!(valid_version("2025-08-20"));
        assert!(!valid_version("2025-8-20"));
        assert!(!valid_version("2025-13-01"));
        assert!(!valid_version("latest"));
    }
}
