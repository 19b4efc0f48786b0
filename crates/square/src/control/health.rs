//! Health counters per endpoint family, for the health screen: request counts, 429 hits,
//! latency (mean and p95 over the last [`LATENCY_SAMPLES`] answers), the last success and
//! the last failure. A failure never erases the last success: the screen can always say
//! "last worked 3 minutes ago" next to "failing since 10:02".
//!
//! [`FamilyHealth`] holds the counters; [`HealthSnapshot`] is the serializable view (snake_case
//! keys), completed by the governor with live state (circuit, rate, backoff, queue).

use super::breaker::CircuitState;
use super::family::EndpointFamily;
use super::millis;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::time::Duration;

/// How many recent latencies the mean and p95 are computed over.
pub const LATENCY_SAMPLES: usize = 512;

/// What kind of failure a request met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// `429`: throttled.
    RateLimited,
    /// Worth retrying: 5xx, timeout, connection error.
    Transient,
    /// Retrying will not help: 4xx other than 429.
    Permanent,
}

/// The last failure seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureRecord {
    /// Milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// Square's error code (e.g. `RATE_LIMITED`) or a transport code (`timeout`).
    pub code: String,
    pub message: String,
    pub kind: FailureKind,
}

/// Counters for one endpoint family.
#[derive(Debug, Clone, Default)]
pub struct FamilyHealth {
    requests: u64,
    successes: u64,
    failures: u64,
    rate_limited: u64,
    latencies: VecDeque<Duration>,
    last_success_at: Option<Duration>,
    last_failure: Option<FailureRecord>,
}

impl FamilyHealth {
    /// Empty counters.
    pub fn new() -> Self {
        Self::default()
    }

    /// A request was sent.
    pub fn record_request(&mut self) {
        self.requests += 1;
    }

    /// A request succeeded at `now` after `latency`.
    pub fn record_success(&mut self, now: Duration, latency: Duration) {
        self.successes += 1;
        self.last_success_at = Some(now);
        self.push_latency(latency);
    }

    /// A request failed at `now` after `latency`.
    pub fn record_failure(
        &mut self,
        now: Duration,
        latency: Duration,
        code: &str,
        message: &str,
        kind: FailureKind,
    ) {
        self.failures += 1;
        if kind == FailureKind::RateLimited {
            self.rate_limited += 1;
        }
        self.push_latency(latency);
        self.last_failure = Some(FailureRecord {
            at_ms: millis(now),
            code: code.to_owned(),
            message: message.to_owned(),
            kind,
        });
    }

    pub fn requests(&self) -> u64 {
        self.requests
    }

    pub fn successes(&self) -> u64 {
        self.successes
    }

    pub fn failures(&self) -> u64 {
        self.failures
    }

    /// Answers that were `429`.
    pub fn rate_limited(&self) -> u64 {
        self.rate_limited
    }

    pub fn last_success_at(&self) -> Option<Duration> {
        self.last_success_at
    }

    pub fn last_failure(&self) -> Option<&FailureRecord> {
        self.last_failure.as_ref()
    }

    /// Successes over answered requests, `None` before any answer.
    pub fn success_rate(&self) -> Option<f64> {
        let answered = self.successes + self.failures;
        (answered > 0).then(|| self.successes as f64 / answered as f64)
    }

    /// Mean latency over the recent samples.
    pub fn mean_latency(&self) -> Option<Duration> {
        let n = u32::try_from(self.latencies.len())
            .ok()
            .filter(|&n| n > 0)?;
        Some(self.latencies.iter().sum::<Duration>() / n)
    }

    /// 95th percentile latency over the recent samples (nearest rank).
    pub fn p95_latency(&self) -> Option<Duration> {
        if self.latencies.is_empty() {
            return None;
        }
        let mut sorted: Vec<Duration> = self.latencies.iter().copied().collect();
        sorted.sort_unstable();
        let rank = (sorted.len() * 95).div_ceil(100).max(1);
        Some(sorted[rank - 1])
    }

    fn push_latency(&mut self, latency: Duration) {
        if self.latencies.len() == LATENCY_SAMPLES {
            self.latencies.pop_front();
        }
        self.latencies.push_back(latency);
    }

    /// The counters as a snapshot; the live fields are filled from `live`.
    pub fn snapshot(&self, family: EndpointFamily, live: LiveState) -> HealthSnapshot {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        HealthSnapshot {
            family,
            requests: self.requests,
            successes: self.successes,
            failures: self.failures,
            rate_limit_hits: self.rate_limited,
            success_rate: self.success_rate(),
            mean_latency_ms: self.mean_latency().map(ms),
            p95_latency_ms: self.p95_latency().map(ms),
            last_success_at_ms: self.last_success_at.map(millis),
            last_failure: self.last_failure.clone(),
            circuit_state: live.circuit_state,
            current_rate: live.current_rate,
            concurrency_window: live.concurrency_window,
            in_flight: live.in_flight,
            slowdown_active: live.slowdown_active,
            backoff_seconds: live.backoff_seconds,
            queued_retries: live.queued_retries,
        }
    }
}

/// Live state the governor adds to a snapshot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveState {
    pub circuit_state: CircuitState,
    pub current_rate: f64,
    pub concurrency_window: f64,
    pub in_flight: u32,
    pub slowdown_active: bool,
    pub backoff_seconds: f64,
    pub queued_retries: usize,
}

/// What the health screen reads for one endpoint family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthSnapshot {
    pub family: EndpointFamily,
    pub requests: u64,
    pub successes: u64,
    pub failures: u64,
    /// Answers that were `429`.
    pub rate_limit_hits: u64,
    /// Successes / answered requests (0..=1); `null` before any answer.
    pub success_rate: Option<f64>,
    pub mean_latency_ms: Option<f64>,
    pub p95_latency_ms: Option<f64>,
    /// Milliseconds since the Unix epoch.
    pub last_success_at_ms: Option<u64>,
    pub last_failure: Option<FailureRecord>,
    pub circuit_state: CircuitState,
    /// Requests per second the pacer currently allows.
    pub current_rate: f64,
    pub concurrency_window: f64,
    pub in_flight: u32,
    /// The success ratio fell under 95 % and the pacer is slowed down.
    pub slowdown_active: bool,
    /// Seconds until the family may send again because of `Retry-After`, or the nominal
    /// backoff of the current failure streak; 0 when healthy.
    pub backoff_seconds: f64,
    /// Requests of this family waiting in the retry queue.
    pub queued_retries: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(x: u64) -> Duration {
        Duration::from_millis(x)
    }

    #[test]
    fn a_failure_never_erases_the_last_success() {
        let mut h = FamilyHealth::new();
        h.record_success(ms(1_000), ms(120));
        h.record_failure(
            ms(2_000),
            ms(300),
            "SERVICE_UNAVAILABLE",
            "down",
            FailureKind::Transient,
        );
        h.record_failure(
            ms(3_000),
            ms(5),
            "RATE_LIMITED",
            "slow down",
            FailureKind::RateLimited,
        );
        assert_eq!(h.last_success_at(), Some(ms(1_000)));
        let last = h.last_failure().unwrap();
        assert_eq!((last.at_ms, last.code.as_str()), (3_000, "RATE_LIMITED"));
        assert_eq!(last.kind, FailureKind::RateLimited);
    }

    #[test]
    fn counts_success_rate_and_429_hits() {
        let mut h = FamilyHealth::new();
        for i in 0..3 {
            h.record_request();
            h.record_success(ms(i), ms(100));
        }
        h.record_request();
        h.record_failure(ms(9), ms(100), "RATE_LIMITED", "", FailureKind::RateLimited);
        assert_eq!((h.requests(), h.successes(), h.failures()), (4, 3, 1));
        assert_eq!(h.rate_limited(), 1);
        assert_eq!(h.success_rate(), Some(0.75));
    }

    #[test]
    fn mean_and_p95_latency_cover_only_the_recent_samples() {
        let mut h = FamilyHealth::new();
        assert_eq!(h.p95_latency(), None);
        for i in 1..=100 {
            h.record_success(ms(i), ms(i));
        }
        assert_eq!(h.p95_latency(), Some(ms(95)));
        assert_eq!(h.mean_latency(), Some(Duration::from_micros(50_500)));
        for i in 0..LATENCY_SAMPLES as u64 {
            h.record_success(ms(200 + i), ms(10));
        }
        assert_eq!(h.p95_latency(), Some(ms(10)), "old slow samples aged out");
        assert_eq!(h.mean_latency(), Some(ms(10)));
    }

    #[test]
    fn snapshot_serializes_with_snake_case_keys() {
        let mut h = FamilyHealth::new();
        h.record_request();
        h.record_success(ms(1_500), ms(150));
        let live = LiveState {
            circuit_state: CircuitState::HalfOpen,
            current_rate: 9.5,
            concurrency_window: 3.0,
            in_flight: 1,
            slowdown_active: false,
            backoff_seconds: 0.0,
            queued_retries: 2,
        };
        let json = serde_json::to_value(h.snapshot(EndpointFamily::Customers, live)).unwrap();
        assert_eq!(json["family"], "customers");
        assert_eq!(json["circuit_state"], "half_open");
        assert_eq!(json["success_rate"], 1.0);
        assert_eq!(json["backoff_seconds"], 0.0);
        assert_eq!(json["queued_retries"], 2);
        assert_eq!(json["last_success_at_ms"], 1_500);
        assert_eq!(json["p95_latency_ms"], 150.0);
    }
}
