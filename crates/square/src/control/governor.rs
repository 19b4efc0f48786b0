//! The governor of one endpoint family: pacer, concurrency window, breaker, `Retry-After`
//! pause and health counters behind two calls.
//!
//! ```text
//! loop {
//!     match governor.acquire(now, priority) {
//!         Decision::SendNow(permit) => { send; …; governor.on_response(later, permit, outcome) }
//!         Decision::WaitUntil { at, .. } => wait until `at` (or until a response arrives)
//!         Decision::CircuitOpen { retry_at } => use stored data, say so, retry at `retry_at`
//!     }
//! }
//! ```
//!
//! The permit returned with [`Decision::SendNow`] goes back into
//! [`Governor::on_response`]: it carries the send time (latency, and whether a `429` belongs
//! to an episode already acted on), whether the request was the breaker's probe, and the
//! breaker epoch it was sent in.

use super::aimd::{AimdConfig, RateController};
use super::backoff::{Backoff, RETRY_AFTER_CAP};
use super::breaker::{Breaker, BreakerConfig, BreakerOutcome, CircuitState, Gate};
use super::family::EndpointFamily;
use super::health::{FailureKind, FamilyHealth, HealthSnapshot, LiveState};
use super::priority::{Budget, Priority, RetryPlan, RetryQueue};
use super::secs;
use rand::RngCore;
use std::collections::BTreeMap;
use std::time::Duration;

/// Tuning of a [`Governor`].
#[derive(Debug, Clone, PartialEq)]
pub struct GovernorConfig {
    pub aimd: AimdConfig,
    pub breaker: BreakerConfig,
    /// Schedule behind the health screen's `backoff_seconds` for a failure streak.
    pub backoff: Backoff,
    /// After two `429`s in a row, the budget stays scarce (low work deferred) this long.
    pub scarce_after_throttling: Duration,
    /// A pacer slot further away than this makes the budget scarce.
    pub far_slot: Duration,
    /// The seller-wide budget shared by every family but `oauth` (Square limits an
    /// application per seller, not per endpoint): a second AIMD controller that every
    /// request must also pass, so families that each discover their own rate cannot add up
    /// past one shared limit. `None`: families are paced independently.
    pub shared: Option<AimdConfig>,
}

impl Default for GovernorConfig {
    fn default() -> Self {
        GovernorConfig {
            aimd: AimdConfig::default(),
            breaker: BreakerConfig::default(),
            backoff: Backoff::default(),
            scarce_after_throttling: Duration::from_secs(5),
            far_slot: Duration::from_secs(2),
            shared: Some(AimdConfig::shared()),
        }
    }
}

/// Proof that a request was allowed to go; hand it back with the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permit {
    pub family: EndpointFamily,
    pub sent_at: Duration,
    /// This request is the half-open breaker's probe.
    pub probe: bool,
    epoch: u64,
    /// The request holds a slot of the shared (seller-wide) budget.
    shared: bool,
}

/// Why a request has to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitReason {
    /// The pacer's next token.
    Pacing,
    /// The concurrency window is full; `at` is an estimate, a response frees a slot sooner.
    Concurrency,
    /// The server's `Retry-After`.
    RetryAfter,
    /// Low-priority work waits while the budget is scarce.
    Deferred,
    /// The breaker's probe is out; its answer decides.
    ProbeInFlight,
}

/// What [`Governor::acquire`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    SendNow(Permit),
    WaitUntil {
        at: Duration,
        reason: WaitReason,
    },
    /// The breaker is open: fall back to stored data; the probe goes at `retry_at`.
    CircuitOpen {
        retry_at: Duration,
    },
}

/// How a request ended. The HTTP client classifies (Square's error envelope says which
/// errors are transient); latency comes from the permit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// `429`, with the parsed `Retry-After` if the server sent one.
    RateLimited {
        retry_after: Option<Duration>,
    },
    /// 5xx, timeout, connection error.
    Transient {
        code: String,
        message: String,
    },
    /// Retrying will not help (4xx other than 429).
    Permanent {
        code: String,
        message: String,
    },
}

impl Outcome {
    /// Whether the request may be retried.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Outcome::RateLimited { .. } | Outcome::Transient { .. }
        )
    }

    /// The error code to record (`None` for a success).
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Outcome::Success => None,
            Outcome::RateLimited { .. } => Some("RATE_LIMITED"),
            Outcome::Transient { code, .. } | Outcome::Permanent { code, .. } => Some(code),
        }
    }
}

/// The concurrency window and pacer of `rate` at `now`: `None` if a request may go, else
/// how long to wait. A full window's wait is an estimate (a quarter of the mean latency); an
/// answer frees a slot sooner.
fn pace(rate: &RateController, now: Duration, mean_latency: Option<Duration>) -> Option<Decision> {
    if !rate.has_free_slot() {
        let estimate = mean_latency
            .map_or(Duration::from_millis(50), |m| m / 4)
            .max(Duration::from_millis(10));
        return Some(Decision::WaitUntil {
            at: now + estimate,
            reason: WaitReason::Concurrency,
        });
    }
    let slot = rate.next_send_at(now);
    (slot > now).then_some(Decision::WaitUntil {
        at: slot,
        reason: WaitReason::Pacing,
    })
}

/// Traffic control for one endpoint family.
#[derive(Debug, Clone)]
pub struct Governor {
    family: EndpointFamily,
    config: GovernorConfig,
    rate: RateController,
    breaker: Breaker,
    health: FamilyHealth,
    pause_until: Option<Duration>,
    failure_streak: u32,
    rate_limit_streak: u32,
    last_rate_limited_at: Option<Duration>,
}

impl Governor {
    /// A fresh governor for `family`.
    pub fn new(family: EndpointFamily, config: GovernorConfig, now: Duration) -> Self {
        Governor {
            family,
            rate: RateController::new(config.aimd.clone(), now),
            breaker: Breaker::new(config.breaker),
            health: FamilyHealth::new(),
            pause_until: None,
            failure_streak: 0,
            rate_limit_streak: 0,
            last_rate_limited_at: None,
            config,
        }
    }

    pub fn family(&self) -> EndpointFamily {
        self.family
    }

    pub fn rate(&self) -> &RateController {
        &self.rate
    }

    pub fn breaker(&self) -> &Breaker {
        &self.breaker
    }

    pub fn health(&self) -> &FamilyHealth {
        &self.health
    }

    /// The breaker state at `now`.
    pub fn circuit_state(&self, now: Duration) -> CircuitState {
        self.breaker.state(now)
    }

    /// How much capacity the family has at `now` (drives the retry queue's order).
    pub fn budget(&self, now: Duration) -> Budget {
        match self.breaker.gate(now) {
            Gate::Reject { .. } => return Budget::Closed,
            Gate::Probe => return Budget::ProbeOnly,
            Gate::Allow => {}
        }
        if self.scarce_until(now).is_some() {
            Budget::Scarce
        } else {
            Budget::Ample
        }
    }

    /// While the budget is scarce, when that condition ends at the latest (every scarcity
    /// condition ends by itself, so deferred low work cannot wait forever).
    fn scarce_until(&self, now: Duration) -> Option<Duration> {
        let mut until: Option<Duration> = None;
        let mut extend = |t: Duration| {
            if t > now {
                until = Some(until.map_or(t, |u| u.max(t)));
            }
        };
        if let Some(pause) = self.pause_until {
            extend(pause);
        }
        if self.rate_limit_streak >= 2
            && let Some(at) = self.last_rate_limited_at
        {
            extend(at + self.config.scarce_after_throttling);
        }
        if self.rate.slowdown_active(now) {
            extend(now + self.config.aimd.ratio_window);
        }
        let slot = self.rate.next_send_at(now);
        if slot > now + self.config.far_slot {
            extend(slot);
        }
        until
    }

    /// May a request of `priority` go at `now`?
    pub fn acquire(&mut self, now: Duration, priority: Priority) -> Decision {
        match self.decide(now, priority) {
            Ok(probe) => Decision::SendNow(self.commit(now, probe, false)),
            Err(decision) => decision,
        }
    }

    /// Whether a request of `priority` may go at `now`, without taking anything: `Ok(probe)`
    /// if it may (and whether it is the breaker's probe), else what it must do instead.
    fn decide(&self, now: Duration, priority: Priority) -> Result<bool, Decision> {
        let probe = match self.breaker.gate(now) {
            Gate::Allow => false,
            Gate::Probe => true,
            Gate::Reject { retry_at } => {
                return Err(if self.breaker.state(now) == CircuitState::HalfOpen {
                    Decision::WaitUntil {
                        at: retry_at,
                        reason: WaitReason::ProbeInFlight,
                    }
                } else {
                    Decision::CircuitOpen { retry_at }
                });
            }
        };
        if let Some(pause) = self.pause_until.filter(|&p| p > now) {
            return Err(Decision::WaitUntil {
                at: pause,
                reason: WaitReason::RetryAfter,
            });
        }
        if priority == Priority::Low
            && !probe
            && let Some(until) = self.scarce_until(now)
        {
            return Err(Decision::WaitUntil {
                at: until,
                reason: WaitReason::Deferred,
            });
        }
        if let Some(wait) = pace(&self.rate, now, self.health.mean_latency()) {
            return Err(wait);
        }
        Ok(probe)
    }

    /// Takes the pacer token and concurrency slot of a request leaving at `now`.
    fn commit(&mut self, now: Duration, probe: bool, shared: bool) -> Permit {
        self.rate.on_send(now);
        self.breaker.on_send(now, probe);
        self.health.record_request();
        Permit {
            family: self.family,
            sent_at: now,
            probe,
            epoch: self.breaker.epoch(),
            shared,
        }
    }

    /// The request behind `permit` ended at `now` with `outcome`.
    pub fn on_response(&mut self, now: Duration, permit: Permit, outcome: &Outcome) {
        let latency = now.saturating_sub(permit.sent_at);
        let breaker_outcome = match outcome {
            Outcome::Success => {
                self.rate.on_success(now, permit.sent_at);
                self.health.record_success(now, latency);
                self.failure_streak = 0;
                self.rate_limit_streak = 0;
                BreakerOutcome::Answered
            }
            Outcome::RateLimited { retry_after } => {
                self.rate.on_rate_limited(now, permit.sent_at);
                let message = "Square throttled the request (429)";
                let kind = FailureKind::RateLimited;
                self.health
                    .record_failure(now, latency, "RATE_LIMITED", message, kind);
                self.failure_streak += 1;
                self.rate_limit_streak += 1;
                self.last_rate_limited_at = Some(now);
                if let Some(wait) = retry_after {
                    let until = now + (*wait).min(RETRY_AFTER_CAP);
                    self.pause_until = Some(self.pause_until.map_or(until, |p| p.max(until)));
                }
                BreakerOutcome::Answered
            }
            Outcome::Transient { code, message } => {
                self.rate.on_transient_failure(now);
                let kind = FailureKind::Transient;
                self.health
                    .record_failure(now, latency, code, message, kind);
                self.failure_streak += 1;
                BreakerOutcome::TransientFailure
            }
            Outcome::Permanent { code, message } => {
                self.rate.on_neutral();
                let kind = FailureKind::Permanent;
                self.health
                    .record_failure(now, latency, code, message, kind);
                BreakerOutcome::Answered
            }
        };
        self.breaker
            .on_outcome(now, permit.epoch, permit.probe, breaker_outcome);
    }

    /// The caller gave up on the request behind `permit` before any answer (cancelled):
    /// its slot is freed and, if it was the probe, another probe may go.
    pub fn on_abandoned(&mut self, permit: Permit) {
        self.rate.on_neutral();
        if permit.probe {
            self.breaker.on_probe_abandoned();
        }
    }

    /// What to do with a request of `priority` that failed with `outcome` after
    /// `attempts_made` attempts: retry (when), defer to the next run, or give up.
    pub fn plan_retry(
        &self,
        now: Duration,
        priority: Priority,
        attempts_made: u32,
        outcome: &Outcome,
        rng: &mut dyn RngCore,
    ) -> RetryPlan {
        let retry_after = match outcome {
            Outcome::Success | Outcome::Permanent { .. } => return RetryPlan::GiveUp,
            Outcome::RateLimited { retry_after } => *retry_after,
            Outcome::Transient { .. } => None,
        };
        let not_before = match self.breaker.gate(now) {
            Gate::Reject { retry_at } => Some(retry_at),
            _ => None,
        };
        priority.plan_retry(now, attempts_made, retry_after, not_before, rng)
    }

    /// Seconds the family is held back: the `Retry-After` pause or the open breaker's
    /// remaining cool-down, else the nominal backoff of the current failure streak.
    pub fn backoff_seconds(&self, now: Duration) -> f64 {
        let pause = self
            .pause_until
            .map_or(0.0, |p| secs(p.saturating_sub(now)));
        let breaker = match self.breaker.gate(now) {
            Gate::Reject { retry_at } if self.breaker.state(now) == CircuitState::Open => {
                secs(retry_at.saturating_sub(now))
            }
            _ => 0.0,
        };
        let streak = match self.failure_streak {
            0 => 0.0,
            n => secs(self.config.backoff.nominal(n - 1)),
        };
        if pause > 0.0 || breaker > 0.0 {
            pause.max(breaker)
        } else {
            streak
        }
    }

    /// The health screen's view of this family.
    pub fn snapshot(&self, now: Duration, queued_retries: usize) -> HealthSnapshot {
        let live = LiveState {
            circuit_state: self.breaker.state(now),
            current_rate: self.rate.effective_rate(now),
            concurrency_window: self.rate.window(),
            in_flight: self.rate.in_flight(),
            slowdown_active: self.rate.slowdown_active(now),
            backoff_seconds: self.backoff_seconds(now),
            queued_retries,
        };
        self.health.snapshot(self.family, live)
    }
}

/// One governor per endpoint family, and the seller-wide budget they share
/// ([`GovernorConfig::shared`]).
///
/// A request goes when its family's governor *and* the shared controller allow it; a `429`
/// on any family cuts both (the limit that answered is the seller's), a success grows both.
/// Transient and permanent failures only release the shared slot: an outage of one family
/// says nothing about the shared rate. The `oauth` family (the token endpoint, limited per
/// application) stays outside the shared budget.
#[derive(Debug, Clone)]
pub struct Governors {
    by_family: BTreeMap<EndpointFamily, Governor>,
    shared: Option<RateController>,
    /// Mean latency of the answers the shared controller has seen (for concurrency waits).
    shared_latency: Option<Duration>,
}

impl Governors {
    /// A governor for every family, all with `config`.
    pub fn new(config: &GovernorConfig, now: Duration) -> Self {
        let by_family = EndpointFamily::ALL
            .into_iter()
            .map(|f| (f, Governor::new(f, config.clone(), now)))
            .collect();
        let shared = config
            .shared
            .clone()
            .map(|aimd| RateController::new(aimd, now));
        Governors {
            by_family,
            shared,
            shared_latency: None,
        }
    }

    pub fn get(&self, family: EndpointFamily) -> &Governor {
        &self.by_family[&family]
    }

    pub fn get_mut(&mut self, family: EndpointFamily) -> &mut Governor {
        self.by_family
            .get_mut(&family)
            .expect("Governors holds every family")
    }

    /// The seller-wide controller, if the budget is shared.
    pub fn shared(&self) -> Option<&RateController> {
        self.shared.as_ref()
    }

    fn uses_shared(&self, family: EndpointFamily) -> bool {
        self.shared.is_some() && family != EndpointFamily::Oauth
    }

    /// May a request of `family` and `priority` go at `now`? Its family decides first
    /// (breaker, `Retry-After`, deferral, its own pace), then the shared budget.
    pub fn acquire(
        &mut self,
        family: EndpointFamily,
        now: Duration,
        priority: Priority,
    ) -> Decision {
        let probe = match self.get(family).decide(now, priority) {
            Ok(probe) => probe,
            Err(decision) => return decision,
        };
        let shared = self.uses_shared(family);
        if shared
            && let Some(rate) = &self.shared
            && let Some(wait) = pace(rate, now, self.shared_latency)
        {
            return wait;
        }
        if shared && let Some(rate) = &mut self.shared {
            rate.on_send(now);
        }
        Decision::SendNow(self.get_mut(family).commit(now, probe, shared))
    }

    /// The request behind `permit` ended at `now` with `outcome`.
    pub fn on_response(&mut self, now: Duration, permit: Permit, outcome: &Outcome) {
        self.get_mut(permit.family)
            .on_response(now, permit, outcome);
        if !permit.shared {
            return;
        }
        let latency = now.saturating_sub(permit.sent_at);
        let Some(rate) = &mut self.shared else {
            return;
        };
        match outcome {
            Outcome::Success => {
                rate.on_success(now, permit.sent_at);
                // An exponential mean over the last ~16 answers.
                self.shared_latency = Some(match self.shared_latency {
                    None => latency,
                    Some(m) => m.mul_f64(15.0 / 16.0) + latency.mul_f64(1.0 / 16.0),
                });
            }
            Outcome::RateLimited { .. } => {
                rate.on_rate_limited(now, permit.sent_at);
            }
            Outcome::Transient { .. } | Outcome::Permanent { .. } => rate.on_neutral(),
        }
    }

    /// The caller gave up on the request behind `permit` before any answer.
    pub fn on_abandoned(&mut self, permit: Permit) {
        self.get_mut(permit.family).on_abandoned(permit);
        if permit.shared
            && let Some(rate) = &mut self.shared
        {
            rate.on_neutral();
        }
    }

    /// `family`'s budget at `now`: its own, made scarce while the shared pacer's next slot
    /// is far away.
    pub fn budget(&self, family: EndpointFamily, now: Duration) -> Budget {
        let own = self.get(family).budget(now);
        if own == Budget::Ample
            && self.uses_shared(family)
            && let Some(rate) = &self.shared
            && rate.next_send_at(now) > now + self.get(family).config.far_slot
        {
            return Budget::Scarce;
        }
        own
    }

    /// Each family's budget at `now`, for [`RetryQueue::pop_next`].
    pub fn budget_of(&self, now: Duration) -> impl Fn(EndpointFamily) -> Budget + '_ {
        move |family| self.budget(family, now)
    }

    /// Every family's health, with its queued retries counted from `queue`.
    pub fn snapshot<T>(&self, now: Duration, queue: &RetryQueue<T>) -> Vec<HealthSnapshot> {
        self.by_family
            .values()
            .map(|g| g.snapshot(now, queue.count_for(g.family)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    const F: EndpointFamily = EndpointFamily::Payments;

    fn ms(x: u64) -> Duration {
        Duration::from_millis(x)
    }

    fn governor() -> Governor {
        Governor::new(F, GovernorConfig::default(), Duration::ZERO)
    }

    fn send(g: &mut Governor, now: Duration, priority: Priority) -> Permit {
        match g.acquire(now, priority) {
            Decision::SendNow(p) => p,
            other => panic!("expected SendNow at {now:?}, got {other:?}"),
        }
    }

    fn transient() -> Outcome {
        Outcome::Transient {
            code: "SERVICE_UNAVAILABLE".into(),
            message: "503".into(),
        }
    }

    #[test]
    fn second_request_waits_for_the_pacer() {
        let mut g = governor();
        send(&mut g, ms(0), Priority::Normal);
        let Decision::WaitUntil { at, reason } = g.acquire(ms(0), Priority::Normal) else {
            panic!("pacer holds the second request")
        };
        assert_eq!(reason, WaitReason::Pacing);
        assert_eq!(at, ms(250), "initial rate 4 req/s");
        send(&mut g, at, Priority::Normal);
    }

    #[test]
    fn retry_after_pauses_the_whole_family() {
        let mut g = governor();
        let p = send(&mut g, ms(0), Priority::Critical);
        let retry_after = Some(Duration::from_secs(3));
        g.on_response(ms(100), p, &Outcome::RateLimited { retry_after });
        let decision = g.acquire(ms(2_000), Priority::Critical);
        let expected = Decision::WaitUntil {
            at: ms(3_100),
            reason: WaitReason::RetryAfter,
        };
        assert_eq!(decision, expected);
        assert!((g.backoff_seconds(ms(2_000)) - 1.1).abs() < 1e-9);
        send(&mut g, ms(3_100), Priority::Critical);
    }

    #[test]
    fn breaker_opens_after_five_transient_failures_and_a_probe_closes_it() {
        let mut g = governor();
        let mut now = ms(0);
        for _ in 0..5 {
            now = match g.acquire(now, Priority::High) {
                Decision::SendNow(p) => {
                    g.on_response(now + ms(100), p, &transient());
                    now + ms(100)
                }
                Decision::WaitUntil { at, .. } => at,
                other => panic!("unexpected {other:?}"),
            };
        }
        // Pacing may have delayed a send; drive until the fifth failure has been counted.
        while g.health().failures() < 5 {
            if let Decision::SendNow(p) = g.acquire(now, Priority::High) {
                g.on_response(now + ms(100), p, &transient());
            }
            now += ms(100);
        }
        assert_eq!(g.circuit_state(now), CircuitState::Open);
        let Decision::CircuitOpen { retry_at } = g.acquire(now, Priority::Critical) else {
            panic!("open breaker refuses")
        };
        assert_eq!(g.budget(now), Budget::Closed);
        assert!(retry_at - now <= Duration::from_secs(60));
        assert_eq!(g.budget(retry_at), Budget::ProbeOnly);
        let probe = send(&mut g, retry_at, Priority::Low);
        assert!(probe.probe, "a low request may carry the probe");
        let waiting = g.acquire(retry_at, Priority::Critical);
        assert!(matches!(
            waiting,
            Decision::WaitUntil {
                reason: WaitReason::ProbeInFlight,
                ..
            }
        ));
        g.on_response(retry_at + ms(150), probe, &Outcome::Success);
        assert_eq!(g.circuit_state(retry_at + ms(150)), CircuitState::Closed);
    }

    #[test]
    fn permanent_errors_do_not_trip_the_breaker() {
        let mut g = governor();
        let mut now = ms(0);
        let mut sent = 0;
        while sent < 20 {
            if let Decision::SendNow(p) = g.acquire(now, Priority::Normal) {
                let outcome = Outcome::Permanent {
                    code: "BAD_REQUEST".into(),
                    message: "400".into(),
                };
                g.on_response(now + ms(50), p, &outcome);
                sent += 1;
            }
            now += ms(50);
        }
        assert_eq!(g.circuit_state(now), CircuitState::Closed);
        assert_eq!(g.health().failures(), 20);
    }

    #[test]
    fn low_priority_is_deferred_after_repeated_429s_and_released_later() {
        let mut g = governor();
        let mut now = ms(0);
        for _ in 0..2 {
            let p = loop {
                match g.acquire(now, Priority::Normal) {
                    Decision::SendNow(p) => break p,
                    Decision::WaitUntil { at, .. } => now = at,
                    other => panic!("unexpected {other:?}"),
                }
            };
            now += ms(100);
            g.on_response(now, p, &Outcome::RateLimited { retry_after: None });
        }
        assert_eq!(g.budget(now), Budget::Scarce);
        let Decision::WaitUntil { at, reason } = g.acquire(now, Priority::Low) else {
            panic!("low work waits")
        };
        assert_eq!(reason, WaitReason::Deferred);
        assert_eq!(at, now + Duration::from_secs(5));
        assert_eq!(g.budget(at), Budget::Ample);
        assert!(matches!(g.acquire(at, Priority::Low), Decision::SendNow(_)));
    }

    #[test]
    fn plan_retry_gives_up_on_permanent_errors_and_waits_for_an_open_breaker() {
        let g = governor();
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let permanent = Outcome::Permanent {
            code: "NOT_FOUND".into(),
            message: String::new(),
        };
        let plan = g.plan_retry(ms(0), Priority::Critical, 1, &permanent, &mut rng);
        assert_eq!(plan, RetryPlan::GiveUp);
        let plan = g.plan_retry(ms(0), Priority::Critical, 1, &transient(), &mut rng);
        assert_eq!(plan, RetryPlan::RetryAt(ms(0)));
    }

    #[test]
    fn snapshot_reports_live_state_and_counters() {
        let mut g = governor();
        let p = send(&mut g, ms(0), Priority::Normal);
        g.on_response(ms(150), p, &Outcome::Success);
        let mut queue = RetryQueue::new();
        queue.push(ms(0), F, Priority::Normal, ());
        let governors = Governors::new(&GovernorConfig::default(), ms(0));
        assert_eq!(
            governors.snapshot(ms(0), &queue).len(),
            EndpointFamily::ALL.len()
        );
        let snap = g.snapshot(ms(200), queue.count_for(F));
        assert_eq!(snap.requests, 1);
        assert_eq!(snap.success_rate, Some(1.0));
        assert_eq!(snap.p95_latency_ms, Some(150.0));
        assert_eq!(snap.queued_retries, 1);
        assert_eq!(snap.circuit_state, CircuitState::Closed);
        assert!(snap.current_rate > 4.0);
    }
}
