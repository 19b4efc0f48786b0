//! The async HTTP client for Square's API (production, sandbox, or any base URL such as
//! the simulator's).
//!
//! Every request carries `Authorization: Bearer <token>` from a [`TokenSource`] and
//! `Square-Version: SQUARE_VERSION`, and goes through the [`Governor`] of its endpoint
//! family ([`crate::control`]): pacing and a concurrency window adapted to 429s, retries with
//! jittered exponential backoff that honour `Retry-After`, the per-priority attempt limits,
//! and the circuit breaker, whose open state surfaces as [`ClientError::CircuitOpen`] so that
//! sync can fall back to stored data. `ACCESS_TOKEN_EXPIRED` triggers one refresh and a
//! retry; a refused refresh, a revoked token or an `UNAUTHORIZED` answer is
//! [`ClientError::ReconnectRequired`].
//!
//! Paginated operations return [`Pages`]: `next_page().await` yields one envelope at a time
//! and, for the POST searches, resends the original body unchanged with each cursor
//! ([`crate::requests::CursorRequest::set_cursor`]).
//!
//! Time ([`Clock`]) and randomness (a seed for the jitter RNG) are injected.
//!
//! [`Governor`]: crate::control::Governor

mod clock;
mod error;
mod operations;
mod pages;
mod queries;
mod token;
mod transport;

pub use clock::{BoxFuture, Clock, ManualClock, SystemClock};
pub use error::ClientError;
pub use pages::Pages;
pub use queries::{
    BookingsWindow, ListBookingsQuery, ListCatalogQuery, ListCustomersQuery, ListPaymentsQuery,
    ListRefundsQuery, MAX_BOOKINGS_WINDOW, PaymentsSortField, RefundsSortField, bookings_windows,
};
pub use token::{StaticToken, TokenError, TokenSource};

use crate::control::{
    Budget, CircuitState, EndpointFamily, GovernorConfig, Governors, HealthSink, HealthSnapshot,
    Priority,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Square production API host.
pub const PRODUCTION_URL: &str = "https://connect.squareup.com";
/// Square sandbox API host.
pub const SANDBOX_URL: &str = "https://connect.squareupsandbox.com";

/// Which Square to talk to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    Production,
    Sandbox,
    /// Any base URL (the simulator, a proxy). A path prefix is kept.
    Custom(String),
}

impl Environment {
    /// The base URL without a trailing slash.
    pub fn base_url(&self) -> String {
        let url = match self {
            Environment::Production => PRODUCTION_URL,
            Environment::Sandbox => SANDBOX_URL,
            Environment::Custom(url) => url.as_str(),
        };
        url.trim_end_matches('/').to_owned()
    }
}

/// Settings of a [`SquareClient`].
#[derive(Clone)]
pub struct ClientConfig {
    pub environment: Environment,
    /// Sent as `Square-Version`.
    pub square_version: String,
    /// Per-attempt timeout (connect + answer).
    pub request_timeout: Duration,
    /// Priority of requests made through this client handle (see
    /// [`SquareClient::with_priority`]).
    pub priority: Priority,
    pub governor: GovernorConfig,
    /// Seed of the jitter RNG.
    pub rng_seed: u64,
}

impl ClientConfig {
    /// Defaults: pinned `SQUARE_VERSION`, 30 s timeout, normal priority, default governor.
    pub fn new(environment: Environment, rng_seed: u64) -> Self {
        ClientConfig {
            environment,
            square_version: crate::SQUARE_VERSION.to_owned(),
            request_timeout: Duration::from_secs(30),
            priority: Priority::Normal,
            governor: GovernorConfig::default(),
            rng_seed,
        }
    }
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) square_version: String,
    pub(crate) tokens: Arc<dyn TokenSource>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) governors: Mutex<Governors>,
    pub(crate) rng: Mutex<ChaCha8Rng>,
    /// Signalled whenever a response arrives (a concurrency slot may be free).
    pub(crate) answered: tokio::sync::Notify,
    /// Told about every answered request (see [`SquareClient::set_health_sink`]).
    pub(crate) health_sink: std::sync::RwLock<Option<Arc<dyn HealthSink>>>,
}

/// Square's API for one seller. Cheap to clone; clones share governors, tokens and RNG.
#[derive(Clone)]
pub struct SquareClient {
    pub(crate) inner: Arc<Inner>,
    pub(crate) priority: Priority,
    /// Per endpoint family (indexed as [`EndpointFamily::ALL`]), a priority that replaces
    /// `priority` for that family's requests.
    pub(crate) family_priority: [Option<Priority>; EndpointFamily::ALL.len()],
}

fn family_index(family: EndpointFamily) -> usize {
    EndpointFamily::ALL
        .iter()
        .position(|f| *f == family)
        .unwrap_or_default()
}

impl std::fmt::Debug for SquareClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SquareClient")
            .field("base_url", &self.inner.base_url)
            .field("priority", &self.priority)
            .finish_non_exhaustive()
    }
}

impl SquareClient {
    /// A client for `config.environment`, taking tokens from `tokens` and time from `clock`.
    pub fn new(
        config: ClientConfig,
        tokens: Arc<dyn TokenSource>,
        clock: Arc<dyn Clock>,
    ) -> Result<SquareClient, ClientError> {
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ClientError::InvalidRequest {
                detail: format!("could not build the HTTP client: {e}"),
            })?;
        let now = clock.now();
        let inner = Inner {
            http,
            base_url: config.environment.base_url(),
            square_version: config.square_version,
            tokens,
            governors: Mutex::new(Governors::new(&config.governor, now)),
            clock,
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(config.rng_seed)),
            answered: tokio::sync::Notify::new(),
            health_sink: std::sync::RwLock::new(None),
        };
        Ok(SquareClient {
            inner: Arc::new(inner),
            priority: config.priority,
            family_priority: Default::default(),
        })
    }

    /// A handle whose requests carry `priority` (same governors, tokens and clock; the
    /// per-family priorities set with [`Self::with_family_priority`] stay).
    pub fn with_priority(&self, priority: Priority) -> SquareClient {
        SquareClient {
            inner: Arc::clone(&self.inner),
            priority,
            family_priority: self.family_priority,
        }
    }

    /// A handle whose requests to `family` carry `priority` (its other requests keep this
    /// handle's). The sync sends the loyalty family, read only by low-priority work, as low:
    /// a failure there is left to the next run at once instead of backing off in this one.
    pub fn with_family_priority(&self, family: EndpointFamily, priority: Priority) -> SquareClient {
        let mut handle = self.clone();
        handle.family_priority[family_index(family)] = Some(priority);
        handle
    }

    /// The priority of this handle's requests.
    pub fn priority(&self) -> Priority {
        self.priority
    }

    /// The priority of this handle's requests to `family`.
    pub fn priority_for(&self, family: EndpointFamily) -> Priority {
        self.family_priority[family_index(family)].unwrap_or(self.priority)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The client's clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The breaker state of `family` now.
    pub fn circuit_state(&self, family: EndpointFamily) -> CircuitState {
        let now = self.inner.clock.now();
        self.lock_governors().get(family).circuit_state(now)
    }

    /// How much sending capacity `family` has now (its governor and the shared budget):
    /// low-priority work is deferred unless it is [`Budget::Ample`].
    pub fn budget(&self, family: EndpointFamily) -> Budget {
        let now = self.inner.clock.now();
        self.lock_governors().budget(family, now)
    }

    /// Health of every endpoint family (counters, rate, breaker), for the health screen.
    pub fn health(&self) -> Vec<HealthSnapshot> {
        let now = self.inner.clock.now();
        let governors = self.lock_governors();
        EndpointFamily::ALL
            .into_iter()
            .map(|f| governors.get(f).snapshot(now, 0))
            .collect()
    }

    /// Health of one family.
    pub fn family_health(&self, family: EndpointFamily) -> HealthSnapshot {
        let now = self.inner.clock.now();
        self.lock_governors().get(family).snapshot(now, 0)
    }

    /// Reports every answered request of this client (and its clones) to `sink` from now
    /// on, replacing any previous sink. Keeper's API layer drains a
    /// [`HealthLog`](crate::control::HealthLog) into the store's health table.
    pub fn set_health_sink(&self, sink: Arc<dyn HealthSink>) {
        *self
            .inner
            .health_sink
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Some(sink);
    }

    pub(crate) fn lock_governors(&self) -> std::sync::MutexGuard<'_, Governors> {
        self.inner
            .governors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> SquareClient {
        SquareClient::new(
            ClientConfig::new(Environment::Custom("http://127.0.0.1:9".into()), 1),
            Arc::new(StaticToken::new("t")),
            Arc::new(ManualClock::new(Duration::ZERO)),
        )
        .unwrap()
    }

    #[test]
    fn a_family_priority_replaces_the_handle_priority_for_that_family_only() {
        let c = client().with_family_priority(EndpointFamily::Loyalty, Priority::Low);
        assert_eq!(c.priority_for(EndpointFamily::Loyalty), Priority::Low);
        assert_eq!(c.priority_for(EndpointFamily::Customers), Priority::Normal);
        let high = c.with_priority(Priority::High);
        assert_eq!(high.priority_for(EndpointFamily::Customers), Priority::High);
        assert_eq!(
            high.priority_for(EndpointFamily::Loyalty),
            Priority::Low,
            "kept by with_priority"
        );
        assert_eq!(
            client().priority_for(EndpointFamily::Loyalty),
            Priority::Normal
        );
    }
}
