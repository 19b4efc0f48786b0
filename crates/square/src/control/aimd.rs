//! Adaptive rate and concurrency control for one endpoint family (AIMD).
//!
//! Square publishes no limits, so the pace is discovered from its answers:
//!
//! - **Pacer.** A token bucket refilled at `rate` requests per second, holding at most
//!   `burst` tokens, so requests leave evenly spaced. [`RateController::next_send_at`] says
//!   when the next token is there.
//! - **Additive increase.** Every success raises the rate. How much depends on where the rate
//!   stands relative to `known_good`, the rate at which the last `429` episode began:
//!   far below it (under `slow_start_fraction` of it, or before any `429` was ever seen)
//!   the rate grows by a constant step per success, i.e. exponentially in time like TCP slow
//!   start, so a pause (a 429 storm, an outage) is recovered from in seconds; close to it the
//!   rate grows by `approach_per_s` per second; at or above it the rate probes by only
//!   `probe_per_s` per second, so the hidden limit is exceeded rarely and gently.
//!   (Per-success steps of `x / rate` add `x` per second at any rate.)
//! - **Multiplicative decrease.** A `429` multiplies the rate by `decrease_factor` (0.8 by
//!   default rather than TCP's 0.5: a token bucket on the server side forgives a short
//!   excess, so a shallow cut keeps the average close to the limit). Only one cut per
//!   episode: a `429` for a request sent before the previous cut says nothing new.
//! - **Concurrency window.** At most `floor(window)` requests in flight; `+1/window` per
//!   success (one per round trip), `× decrease_factor` on `429`, `× 0.5` on a transient
//!   failure.
//! - **Preemptive slowdown.** When the success ratio of the outcomes seen since the last
//!   cut (and within `ratio_window`) falls under `target_success_ratio` (95 %), the pacer
//!   runs at `rate × factor` with `factor = max(max_slowdown, 1 − 2 × (0.95 − ratio))` and
//!   the rate stops growing. The window restarts at each cut so that failures which
//!   already caused a cut are not punished twice; what it catches is the slow leak the cut
//!   does not: scattered transient failures and isolated `429`s.
//! - The rate never leaves `[min_rate, max_rate]`, the window never leaves
//!   `[min_window, max_window]`.
//!
//! **Why these numbers** (checked by `tests/control_simulation.rs`: hidden token bucket of
//! 10 req/s, 150 ms latency). Successes are capped by the server's refill, so goodput is
//! lost only when its bucket overflows or when the pacer sits below the limit for long. A
//! cut to 0.8 leaves the server's bucket refilling by a couple of tokens while the rate
//! climbs back (fast, at 2 req/s per second) to 95 % of the rate where the 429 came; the
//! slow probe (0.2 req/s per second) then needs several seconds to drain those tokens, so
//! 429 episodes are ~5 s and ~50 requests apart (≈ 3 % of requests) while the server's
//! capacity is used in full. A 0.5 cut would waste refill; a faster probe would hit the limit
//! more often. The floor of 1 req/s is also the probing pace of a 429 storm, so the first
//! success after a storm comes within a second, and slow start (+1 req/s per success)
//! reaches 8 req/s about 3 s later.

use super::{dur, secs};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::time::Duration;

/// The success-ratio window keeps at most this many outcomes (the newest).
const MAX_RECENT: usize = 1024;

/// Tuning of one [`RateController`]. The defaults are what the simulation tests were tuned
/// with (hidden limit 10 req/s, 150 ms latency).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AimdConfig {
    /// Rate before anything is known, in requests per second.
    pub initial_rate: f64,
    /// The rate never drops below this (it is also the probe pace during a 429 storm).
    pub min_rate: f64,
    /// The rate never rises above this.
    pub max_rate: f64,
    /// Multiplier applied to rate and window on a `429`.
    pub decrease_factor: f64,
    /// Multiplier applied instead on the first `429` ever (leaving slow start): slow start
    /// doubles the rate every second and the server's bucket hides the limit until it is
    /// empty, so by then the rate is well past the limit; one deep cut (TCP's 0.5) ends the
    /// episode where several shallow ones would each cost a round of `429`s.
    pub slow_start_exit_factor: f64,
    /// Below `slow_start_fraction × known_good`, each success adds this many req/s.
    pub slow_start_step: f64,
    /// See [`AimdConfig::slow_start_step`].
    pub slow_start_fraction: f64,
    /// The slow-start step before the first `429` ever, while no limit is known. Smaller
    /// than `slow_start_step`: the server's bucket hides the limit until it is empty, so a
    /// fast first climb overshoots into a round of `429`s (8 % of the first 10 s at 1.0 in
    /// the simulation, 3 % at 0.3). Recovery after a storm knows the good rate and climbs
    /// back with `slow_start_step`.
    #[serde(default = "default_discovery_step")]
    pub discovery_step: f64,
    /// Between slow start and `approach_until × known_good`: growth in req/s per second.
    pub approach_per_s: f64,
    /// Where approaching ends and probing begins, as a fraction of `known_good`.
    pub approach_until: f64,
    /// From `approach_until × known_good` upwards: growth in req/s per second.
    pub probe_per_s: f64,
    /// Pacer bucket size in requests (1 = strictly evenly spaced).
    pub burst: f64,
    /// Concurrency window before anything is known.
    pub initial_window: f64,
    /// Smallest concurrency window.
    pub min_window: f64,
    /// Largest concurrency window.
    pub max_window: f64,
    /// Success ratio under which the preemptive slowdown starts (0.95).
    pub target_success_ratio: f64,
    /// Outcomes older than this leave the success-ratio window.
    pub ratio_window: Duration,
    /// The ratio is only trusted with at least this many outcomes in the window.
    pub ratio_min_samples: usize,
    /// Lowest slowdown factor.
    pub max_slowdown: f64,
}

fn default_discovery_step() -> f64 {
    AimdConfig::default().discovery_step
}

impl Default for AimdConfig {
    fn default() -> Self {
        AimdConfig {
            initial_rate: 4.0,
            min_rate: 1.0,
            max_rate: 50.0,
            decrease_factor: 0.8,
            slow_start_exit_factor: 0.5,
            slow_start_step: 1.0,
            discovery_step: 0.3,
            slow_start_fraction: 0.5,
            approach_per_s: 2.0,
            approach_until: 0.95,
            probe_per_s: 0.2,
            burst: 1.0,
            initial_window: 4.0,
            min_window: 1.0,
            max_window: 16.0,
            target_success_ratio: 0.95,
            ratio_window: Duration::from_secs(30),
            ratio_min_samples: 20,
            max_slowdown: 0.5,
        }
    }
}

impl AimdConfig {
    /// The seller-wide controller's tuning ([`super::GovernorConfig::shared`]): the
    /// family defaults, with room for more requests in flight and a higher ceiling, since
    /// it carries every family's traffic at once.
    pub fn shared() -> Self {
        AimdConfig {
            max_rate: 200.0,
            max_window: 64.0,
            ..AimdConfig::default()
        }
    }
}

/// Which growth regime the rate is in (exposed for health screens and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrowthPhase {
    /// Far below the known-good rate (or none known yet): exponential growth.
    SlowStart,
    /// Close to the known-good rate: fast linear growth.
    Approach,
    /// At or above the known-good rate: slow linear probing.
    Probe,
}

/// The adaptive pacer and concurrency window of one endpoint family.
#[derive(Debug, Clone)]
pub struct RateController {
    config: AimdConfig,
    rate: f64,
    known_good: Option<f64>,
    tokens: f64,
    tokens_at: Duration,
    window: f64,
    in_flight: u32,
    last_cut_at: Option<Duration>,
    success_since_cut: bool,
    /// `(at, success)` since the last cut, at most `ratio_window` old (pruned on insert).
    recent: VecDeque<(Duration, bool)>,
    /// Outcomes and successes in `recent`.
    recent_total: usize,
    recent_ok: usize,
}

impl RateController {
    /// A controller at `config.initial_rate`, with one token ready at `now`.
    pub fn new(config: AimdConfig, now: Duration) -> Self {
        let rate = config.initial_rate.clamp(config.min_rate, config.max_rate);
        let window = config
            .initial_window
            .clamp(config.min_window, config.max_window);
        RateController {
            tokens: config.burst.max(1.0),
            tokens_at: now,
            rate,
            known_good: None,
            window,
            in_flight: 0,
            last_cut_at: None,
            success_since_cut: false,
            recent: VecDeque::new(),
            recent_total: 0,
            recent_ok: 0,
            config,
        }
    }

    /// The configuration this controller runs with.
    pub fn config(&self) -> &AimdConfig {
        &self.config
    }

    /// The learned rate in requests per second (before any slowdown).
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// The rate the pacer actually applies at `now`: `rate × slowdown_factor(now)`.
    pub fn effective_rate(&self, now: Duration) -> f64 {
        (self.rate * self.slowdown_factor(now)).max(self.config.min_rate)
    }

    /// The rate at which the last 429 episode began, if one was seen.
    pub fn known_good(&self) -> Option<f64> {
        self.known_good
    }

    /// The concurrency window (requests allowed in flight is its floor).
    pub fn window(&self) -> f64 {
        self.window
    }

    /// Requests sent and not yet answered.
    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }

    /// Whether another request may be in flight now.
    pub fn has_free_slot(&self) -> bool {
        f64::from(self.in_flight) < self.window.floor().max(1.0)
    }

    /// The current growth regime.
    pub fn phase(&self) -> GrowthPhase {
        match self.known_good {
            None => GrowthPhase::SlowStart,
            Some(good) if self.rate < good * self.config.slow_start_fraction => {
                GrowthPhase::SlowStart
            }
            Some(good) if self.rate < good * self.config.approach_until => GrowthPhase::Approach,
            Some(_) => GrowthPhase::Probe,
        }
    }

    /// Success ratio of the outcomes since the last cut within the ratio window, if enough
    /// were seen to trust it.
    pub fn recent_success_ratio(&self, now: Duration) -> Option<f64> {
        let horizon = now.saturating_sub(self.config.ratio_window);
        let (mut total, mut ok) = (self.recent_total, self.recent_ok);
        for &(_, success) in self.recent.iter().take_while(|&&(at, _)| at < horizon) {
            total -= 1;
            ok -= usize::from(success);
        }
        (total >= self.config.ratio_min_samples.max(1)).then(|| ok as f64 / total as f64)
    }

    /// `1.0` normally; below 1 while the recent success ratio is under target.
    pub fn slowdown_factor(&self, now: Duration) -> f64 {
        match self.recent_success_ratio(now) {
            Some(ratio) if ratio < self.config.target_success_ratio => {
                let shortfall = self.config.target_success_ratio - ratio;
                (1.0 - 2.0 * shortfall).max(self.config.max_slowdown)
            }
            _ => 1.0,
        }
    }

    /// Whether the preemptive slowdown is active at `now`.
    pub fn slowdown_active(&self, now: Duration) -> bool {
        self.slowdown_factor(now) < 1.0
    }

    /// When the pacer next has a token (`now` if it has one already). Concurrency is checked
    /// separately with [`RateController::has_free_slot`].
    pub fn next_send_at(&self, now: Duration) -> Duration {
        let tokens = self.tokens_at_time(now);
        if tokens >= 1.0 {
            now
        } else {
            now + dur((1.0 - tokens) / self.effective_rate(now))
        }
    }

    /// Record that a request leaves at `now` (takes a token, occupies a slot). Callers ask
    /// [`RateController::next_send_at`] first; sending early simply runs the bucket into
    /// debt, which later requests repay.
    pub fn on_send(&mut self, now: Duration) {
        self.refill(now);
        self.tokens -= 1.0;
        self.in_flight += 1;
    }

    /// A request sent at `sent_at` succeeded at `now`.
    pub fn on_success(&mut self, now: Duration, sent_at: Duration) {
        let _ = sent_at;
        self.release();
        self.remember(now, true);
        self.success_since_cut = true;
        self.window = (self.window + 1.0 / self.window).min(self.config.max_window);
        if self.slowdown_active(now) {
            return;
        }
        let step = match self.phase() {
            GrowthPhase::SlowStart if self.known_good.is_none() => self.config.discovery_step,
            GrowthPhase::SlowStart => self.config.slow_start_step,
            GrowthPhase::Approach => self.config.approach_per_s / self.rate,
            GrowthPhase::Probe => self.config.probe_per_s / self.rate,
        };
        let mut next = self.rate + step;
        // Slow start and approach never jump past the point where the next regime begins.
        if let Some(good) = self.known_good {
            let phase_end = match self.phase() {
                GrowthPhase::SlowStart => Some(good * self.config.slow_start_fraction),
                GrowthPhase::Approach => Some(good * self.config.approach_until),
                GrowthPhase::Probe => None,
            };
            if let Some(end) = phase_end {
                next = next.min(end.max(self.rate));
            }
        }
        self.set_rate(now, next);
    }

    /// A request sent at `sent_at` was answered `429` at `now`. Returns whether this cut
    /// the rate (false when an earlier `429` of the same episode already did).
    pub fn on_rate_limited(&mut self, now: Duration, sent_at: Duration) -> bool {
        self.release();
        let fresh = self.last_cut_at.is_none_or(|cut| sent_at >= cut);
        if !fresh {
            self.remember(now, false);
            return false;
        }
        let factor = if self.known_good.is_none() {
            // Leaving slow start: the rate overshot by up to one bucket's worth, so the rate
            // after the deep cut is the best guess of the limit (probed gently from there).
            let cut = self.config.slow_start_exit_factor;
            self.known_good = Some(self.rate * cut);
            cut
        } else {
            if self.success_since_cut {
                self.known_good = Some(self.rate);
            }
            self.config.decrease_factor
        };
        self.set_rate(now, self.rate * factor);
        self.window = (self.window * factor).max(self.config.min_window);
        self.last_cut_at = Some(now);
        self.success_since_cut = false;
        self.forget_recent();
        true
    }

    /// A request failed transiently (5xx, timeout, connection error): the rate stays, the
    /// window halves, and the failure counts against the success ratio.
    pub fn on_transient_failure(&mut self, now: Duration) {
        self.release();
        self.remember(now, false);
        self.window = (self.window * 0.5).max(self.config.min_window);
    }

    /// A request ended without saying anything about capacity (a permanent `4xx`, or the
    /// caller gave up on it): only its slot is released.
    pub fn on_neutral(&mut self) {
        self.release();
    }

    fn release(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    fn remember(&mut self, now: Duration, success: bool) {
        let horizon = now.saturating_sub(self.config.ratio_window);
        while let Some(&(at, old)) = self.recent.front() {
            if at >= horizon && self.recent.len() < MAX_RECENT {
                break;
            }
            self.recent.pop_front();
            self.recent_total -= 1;
            self.recent_ok -= usize::from(old);
        }
        self.recent.push_back((now, success));
        self.recent_total += 1;
        self.recent_ok += usize::from(success);
    }

    fn forget_recent(&mut self) {
        self.recent.clear();
        self.recent_total = 0;
        self.recent_ok = 0;
    }

    fn tokens_at_time(&self, now: Duration) -> f64 {
        let elapsed = secs(now.saturating_sub(self.tokens_at));
        (self.tokens + elapsed * self.effective_rate(now)).min(self.config.burst.max(1.0))
    }

    fn refill(&mut self, now: Duration) {
        if now > self.tokens_at {
            self.tokens = self.tokens_at_time(now);
            self.tokens_at = now;
        }
    }

    /// Bank the tokens earned at the old rate before changing it.
    fn set_rate(&mut self, now: Duration, rate: f64) {
        self.refill(now);
        self.rate = rate.clamp(self.config.min_rate, self.config.max_rate);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: f64) -> Duration {
        dur(s)
    }

    fn controller() -> RateController {
        RateController::new(AimdConfig::default(), Duration::ZERO)
    }

    #[test]
    fn pacer_spaces_requests_at_the_current_rate() {
        let mut c = controller();
        assert_eq!(c.next_send_at(at(0.0)), at(0.0));
        c.on_send(at(0.0));
        let next = c.next_send_at(at(0.0));
        assert!(
            (secs(next) - 1.0 / c.rate()).abs() < 1e-9,
            "next at {next:?}"
        );
    }

    #[test]
    fn success_grows_the_rate_and_429_cuts_it_multiplicatively() {
        let mut c = controller();
        let start = c.rate();
        c.on_send(at(0.0));
        c.on_success(at(0.15), at(0.0));
        assert!(c.rate() > start);
        let before = c.rate();
        c.on_send(at(0.3));
        assert!(c.on_rate_limited(at(0.45), at(0.3)));
        // The first 429 ends slow start with the deeper exit cut, whose result becomes the
        // best guess of the limit.
        let exit = c.config.slow_start_exit_factor;
        assert!((c.rate() - before * exit).abs() < 1e-9);
        assert_eq!(c.known_good(), Some(before * exit));
        // Later 429s cut by the ordinary decrease factor.
        let second = c.rate();
        c.on_send(at(0.6));
        c.on_success(at(0.75), at(0.6));
        let grown = c.rate();
        assert!(grown >= second);
        c.on_send(at(0.8));
        assert!(c.on_rate_limited(at(0.95), at(0.8)));
        let decrease = c.config.decrease_factor;
        assert!((c.rate() - grown * decrease).abs() < 1e-9);
    }

    #[test]
    fn a_429_for_a_request_sent_before_the_last_cut_does_not_cut_again() {
        let mut c = controller();
        c.on_send(at(0.0));
        c.on_send(at(0.1));
        assert!(c.on_rate_limited(at(0.15), at(0.0)));
        let after_first = c.rate();
        assert!(!c.on_rate_limited(at(0.25), at(0.1)));
        assert_eq!(c.rate(), after_first);
    }

    #[test]
    fn rate_never_drops_below_the_floor_nor_exceeds_the_ceiling() {
        let mut c = controller();
        for i in 0..100 {
            let t = at(f64::from(i));
            c.on_send(t);
            c.on_rate_limited(t + at(0.1), t);
        }
        assert_eq!(c.rate(), c.config().min_rate);
        assert_eq!(c.window(), c.config().min_window);
        for i in 0..100_000 {
            let t = at(200.0 + f64::from(i) * 0.001);
            c.on_send(t);
            c.on_success(t, t);
        }
        assert_eq!(c.rate(), c.config().max_rate);
        assert_eq!(c.window(), c.config().max_window);
    }

    #[test]
    fn growth_is_slow_above_the_known_good_rate_and_fast_far_below_it() {
        let mut c = controller();
        // Learn a known-good rate of about 10 req/s.
        c.rate = 10.0;
        c.on_send(at(0.0));
        c.on_success(at(0.1), at(0.0));
        c.on_send(at(0.2));
        c.on_rate_limited(at(0.3), at(0.2));
        let good = c.known_good().unwrap();
        c.rate = good * 1.01;
        assert_eq!(c.phase(), GrowthPhase::Probe);
        let before = c.rate();
        c.on_send(at(1.0));
        c.on_success(at(1.1), at(1.0));
        assert!(c.rate() - before < 0.05, "probe step {}", c.rate() - before);
        c.rate = 1.0;
        assert_eq!(c.phase(), GrowthPhase::SlowStart);
        c.on_send(at(2.0));
        c.on_success(at(2.1), at(2.0));
        assert!((c.rate() - 2.0).abs() < 1e-9, "slow start doubles 1 → 2");
    }

    #[test]
    fn concurrency_window_limits_requests_in_flight() {
        let mut c = controller();
        let slots = c.window().floor() as u32;
        for _ in 0..slots {
            assert!(c.has_free_slot());
            c.on_send(at(0.0));
        }
        assert!(!c.has_free_slot());
        c.on_success(at(0.1), at(0.0));
        assert!(c.has_free_slot());
    }

    #[test]
    fn success_ratio_under_95_percent_slows_the_pacer_and_stops_growth() {
        let mut c = controller();
        let mut t = 0.0;
        for i in 0..40 {
            c.on_send(at(t));
            if i % 5 == 0 {
                c.on_transient_failure(at(t + 0.1));
            } else {
                c.on_success(at(t + 0.1), at(t));
            }
            t += 0.25;
        }
        let now = at(t);
        let ratio = c.recent_success_ratio(now).unwrap();
        assert!((ratio - 0.8).abs() < 1e-9);
        assert!(c.slowdown_active(now));
        assert!((c.slowdown_factor(now) - 0.7).abs() < 1e-9);
        assert!(c.effective_rate(now) < c.rate());
        let frozen = c.rate();
        c.on_send(now);
        c.on_success(now + at(0.1), now);
        assert_eq!(c.rate(), frozen);
    }

    #[test]
    fn slowdown_ends_once_old_failures_leave_the_window() {
        let mut c = controller();
        for i in 0..30 {
            let t = at(f64::from(i) * 0.1);
            c.on_send(t);
            c.on_transient_failure(t);
        }
        assert!(c.slowdown_active(at(3.0)));
        assert!(!c.slowdown_active(at(40.0)));
    }

    #[test]
    fn rate_cut_banks_tokens_earned_at_the_old_rate() {
        let mut c = controller();
        c.on_send(at(0.0));
        // 0.2 s at 4 req/s earns 0.8 token; after the first cut (slow start's exit, to
        // 4 × 0.5 = 2 req/s) the remaining 0.2 token comes at 2 req/s.
        c.on_rate_limited(at(0.2), at(0.0));
        assert!((c.rate() - 2.0).abs() < 1e-9, "rate {}", c.rate());
        let next = secs(c.next_send_at(at(0.2)));
        assert!((next - (0.2 + 0.2 / 2.0)).abs() < 1e-9, "next {next}");
    }
}
