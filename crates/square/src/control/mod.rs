//! Traffic control for Square requests: pure, deterministic logic that decides *when* a
//! request may go, and what to do with its answer. No I/O, no clock, no global RNG: every
//! function takes `now` (a [`Duration`](std::time::Duration) since the Unix epoch, or since
//! any fixed epoch in tests) and, where jitter is involved, a `rand::RngCore`.
//!
//! Square publishes no numeric rate limits, so the client discovers them per endpoint family:
//!
//! - [`aimd`]: a token-bucket pacer and a concurrency window, both adapted additively on
//!   success and multiplicatively on `429`, with a preemptive slowdown when the recent
//!   success ratio falls under 95 %.
//! - [`backoff`]: exponential backoff with full or decorrelated jitter (capped at 64 s) and
//!   `Retry-After` parsing.
//! - [`priority`]: the seed's priorities (critical, high, normal, low), their retry rules,
//!   and a retry queue that serves higher priorities first when the budget is scarce.
//! - [`breaker`]: a circuit breaker per endpoint family (5 consecutive transient failures).
//! - [`health`]: counters and latency statistics a health screen reads.
//! - [`health_sink`]: every answered request, handed to whoever persists health figures.
//! - [`governor`]: ties the above together per family: `acquire` → `on_response`.
//! - [`tokens`]: where a seller's tokens are kept (the OS keyring; memory for simulator
//!   tokens only). Not traffic control, but the client's other piece of state.
//!
//! Architecture invariant: nothing in this module sleeps, reads the clock or performs I/O;
//! the HTTP client asks, sends, and reports back.

pub mod aimd;
pub mod backoff;
pub mod breaker;
pub mod family;
pub mod governor;
pub mod health;
pub mod health_sink;
pub mod priority;
pub mod tokens;

pub use aimd::{AimdConfig, RateController};
pub use backoff::{Backoff, Jitter, RetryAfterError, parse_retry_after};
pub use breaker::{Breaker, BreakerConfig, CircuitState};
pub use family::EndpointFamily;
pub use governor::{Decision, Governor, GovernorConfig, Governors, Outcome, Permit, WaitReason};
pub use health::{FailureKind, FamilyHealth, HealthSnapshot};
pub use health_sink::{EventFailure, HealthEvent, HealthLog, HealthSink};
pub use priority::{
    Budget, Priority, QueueError, QueueRecord, QueuedRequest, RetryPlan, RetryQueue,
};
pub use tokens::{KeyringTokenStore, SimulatorTokenStore, TokenStore, TokenStoreError};

use std::time::Duration;

/// `Duration` → seconds as `f64` (shorthand used by the rate arithmetic).
pub(crate) fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Seconds as `f64` → `Duration`, clamping negatives and non-finite values to zero.
pub(crate) fn dur(seconds: f64) -> Duration {
    if seconds.is_finite() && seconds > 0.0 {
        Duration::from_secs_f64(seconds)
    } else {
        Duration::ZERO
    }
}

/// `Duration` since the epoch → whole milliseconds (for serialized snapshots and records).
pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
