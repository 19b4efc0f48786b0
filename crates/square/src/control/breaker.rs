//! Circuit breaker for one endpoint family.
//!
//! `closed` → `open` after `failure_threshold` (5) consecutive **transient** failures
//! (5xx, timeouts, connection errors). While open, nothing is sent; sync falls back to the
//! stored data. After a cool-down (15 s at first, doubling on each failed probe, never more
//! than 60 s) the breaker turns `half_open` and lets exactly one probe through: any answer
//! from the server (success, a permanent `4xx`, even a `429`) proves it is up and closes the
//! breaker; a transient failure opens it again.
//!
//! What does not count: permanent failures (a `400` is the request's fault, not the
//! service's) and `429`s (throttling is the pacer's business; counting it here would turn
//! a short 429 storm into a minute of silence). Answers to requests sent before the breaker
//! opened do not move it either.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The breaker's state, as the health screen shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CircuitState {
    Closed,
    Open,
    HalfOpen,
}

impl CircuitState {
    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            CircuitState::Closed => "closed",
            CircuitState::Open => "open",
            CircuitState::HalfOpen => "half_open",
        }
    }
}

/// Breaker tuning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakerConfig {
    /// Consecutive transient failures that open the breaker.
    pub failure_threshold: u32,
    /// First cool-down before a probe.
    pub initial_cool_down: Duration,
    /// Longest cool-down (≤ 60 s keeps the seed's "reset within 60 seconds").
    pub max_cool_down: Duration,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        BreakerConfig {
            failure_threshold: 5,
            initial_cool_down: Duration::from_secs(15),
            max_cool_down: Duration::from_secs(60),
        }
    }
}

/// What the breaker allows at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Closed: send.
    Allow,
    /// Half-open and no probe out: this request is the probe.
    Probe,
    /// Open (or the probe is still out): come back at `retry_at`.
    Reject { retry_at: Duration },
}

/// How a request ended, as far as the breaker cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerOutcome {
    /// The server answered (success, permanent error or 429).
    Answered,
    /// Transient failure: 5xx, timeout, connection error.
    TransientFailure,
}

/// One family's circuit breaker.
#[derive(Debug, Clone)]
pub struct Breaker {
    config: BreakerConfig,
    state: CircuitState,
    consecutive_failures: u32,
    opened_at: Duration,
    cool_down: Duration,
    probe_out: bool,
    /// Bumped on every transition to open; requests carry the epoch they were sent in.
    epoch: u64,
}

impl Breaker {
    /// A closed breaker.
    pub fn new(config: BreakerConfig) -> Self {
        Breaker {
            config,
            state: CircuitState::Closed,
            consecutive_failures: 0,
            opened_at: Duration::ZERO,
            cool_down: config.initial_cool_down.min(config.max_cool_down),
            probe_out: false,
            epoch: 0,
        }
    }

    /// The state at `now` (an open breaker whose cool-down is over reads as half-open).
    pub fn state(&self, now: Duration) -> CircuitState {
        match self.state {
            CircuitState::Open if now >= self.retry_at() => CircuitState::HalfOpen,
            state => state,
        }
    }

    /// Consecutive transient failures counted so far.
    pub fn consecutive_failures(&self) -> u32 {
        self.consecutive_failures
    }

    /// The current cool-down.
    pub fn cool_down(&self) -> Duration {
        self.cool_down
    }

    /// The epoch requests sent now belong to (see [`Breaker::on_outcome`]).
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// When an open breaker lets its probe through.
    pub fn retry_at(&self) -> Duration {
        self.opened_at + self.cool_down
    }

    /// What the breaker allows at `now`.
    pub fn gate(&self, now: Duration) -> Gate {
        match self.state(now) {
            CircuitState::Closed => Gate::Allow,
            CircuitState::HalfOpen if !self.probe_out => Gate::Probe,
            CircuitState::HalfOpen => Gate::Reject {
                retry_at: now + Duration::from_secs(1),
            },
            CircuitState::Open => Gate::Reject {
                retry_at: self.retry_at(),
            },
        }
    }

    /// A request leaves at `now`; `probe` when [`Breaker::gate`] said [`Gate::Probe`].
    pub fn on_send(&mut self, now: Duration, probe: bool) {
        if probe {
            self.state = CircuitState::HalfOpen;
            self.probe_out = true;
            let _ = now;
        }
    }

    /// A request sent in `epoch` (as a probe or not) ended at `now` with `outcome`.
    pub fn on_outcome(&mut self, now: Duration, epoch: u64, probe: bool, outcome: BreakerOutcome) {
        if probe {
            self.probe_out = false;
            match outcome {
                BreakerOutcome::Answered => self.close(),
                BreakerOutcome::TransientFailure => {
                    let doubled = self.cool_down.saturating_mul(2);
                    self.open(now, doubled.min(self.config.max_cool_down));
                }
            }
            return;
        }
        if epoch != self.epoch || self.state != CircuitState::Closed {
            return;
        }
        match outcome {
            BreakerOutcome::Answered => self.consecutive_failures = 0,
            BreakerOutcome::TransientFailure => {
                self.consecutive_failures += 1;
                if self.consecutive_failures >= self.config.failure_threshold {
                    self.open(now, self.config.initial_cool_down);
                }
            }
        }
    }

    /// A probe was abandoned without an answer (the caller gave up): let another go.
    pub fn on_probe_abandoned(&mut self) {
        self.probe_out = false;
    }

    fn open(&mut self, now: Duration, cool_down: Duration) {
        self.state = CircuitState::Open;
        self.opened_at = now;
        self.cool_down = cool_down.min(self.config.max_cool_down);
        self.epoch += 1;
    }

    fn close(&mut self) {
        self.state = CircuitState::Closed;
        self.consecutive_failures = 0;
        self.cool_down = self.config.initial_cool_down.min(self.config.max_cool_down);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: u64) -> Duration {
        Duration::from_secs(x)
    }

    fn fail(b: &mut Breaker, now: Duration, times: u32) {
        for _ in 0..times {
            let epoch = b.epoch();
            b.on_send(now, false);
            b.on_outcome(now, epoch, false, BreakerOutcome::TransientFailure);
        }
    }

    #[test]
    fn five_consecutive_transient_failures_open_the_breaker() {
        let mut b = Breaker::new(BreakerConfig::default());
        fail(&mut b, s(0), 4);
        assert_eq!(b.state(s(0)), CircuitState::Closed);
        fail(&mut b, s(1), 1);
        assert_eq!(b.state(s(1)), CircuitState::Open);
        assert_eq!(b.gate(s(2)), Gate::Reject { retry_at: s(16) });
    }

    #[test]
    fn an_answer_between_failures_resets_the_count() {
        let mut b = Breaker::new(BreakerConfig::default());
        fail(&mut b, s(0), 4);
        b.on_outcome(s(0), b.epoch(), false, BreakerOutcome::Answered);
        fail(&mut b, s(0), 4);
        assert_eq!(b.state(s(0)), CircuitState::Closed);
    }

    #[test]
    fn permanent_errors_and_429s_do_not_trip_the_breaker() {
        // Both reach the breaker as `Answered`: the service responded.
        let mut b = Breaker::new(BreakerConfig::default());
        for _ in 0..50 {
            b.on_outcome(s(0), b.epoch(), false, BreakerOutcome::Answered);
        }
        assert_eq!(b.state(s(0)), CircuitState::Closed);
        assert_eq!(b.consecutive_failures(), 0);
    }

    #[test]
    fn after_the_cool_down_one_probe_goes_and_its_success_closes_the_breaker() {
        let mut b = Breaker::new(BreakerConfig::default());
        fail(&mut b, s(0), 5);
        assert_eq!(b.gate(s(15)), Gate::Probe);
        b.on_send(s(15), true);
        assert!(
            matches!(b.gate(s(15)), Gate::Reject { .. }),
            "only one probe at a time"
        );
        b.on_outcome(s(16), b.epoch(), true, BreakerOutcome::Answered);
        assert_eq!(b.state(s(16)), CircuitState::Closed);
        assert_eq!(b.gate(s(16)), Gate::Allow);
    }

    #[test]
    fn a_failed_probe_reopens_with_a_longer_cool_down_capped_at_60_seconds() {
        let mut b = Breaker::new(BreakerConfig::default());
        fail(&mut b, s(0), 5);
        let mut now = s(0);
        let mut cool_downs = Vec::new();
        for _ in 0..4 {
            now = b.retry_at();
            assert_eq!(b.gate(now), Gate::Probe);
            b.on_send(now, true);
            b.on_outcome(now, b.epoch(), true, BreakerOutcome::TransientFailure);
            assert_eq!(b.state(now), CircuitState::Open);
            cool_downs.push(b.cool_down().as_secs());
        }
        assert_eq!(cool_downs, [30, 60, 60, 60]);
        assert!(b.retry_at() <= now + s(60));
    }

    #[test]
    fn answers_to_requests_sent_before_opening_do_not_move_the_breaker() {
        let mut b = Breaker::new(BreakerConfig::default());
        let old_epoch = b.epoch();
        fail(&mut b, s(0), 5);
        b.on_outcome(s(1), old_epoch, false, BreakerOutcome::Answered);
        assert_eq!(b.state(s(1)), CircuitState::Open);
    }
}
