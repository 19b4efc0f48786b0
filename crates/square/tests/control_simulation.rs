//! Deterministic simulation of the traffic governor against a fake Square: no network, no
//! sleeping. The fake hides a token-bucket limit (10 req/s, bucket of 10) and answers after
//! 150 ms; a virtual clock jumps from event to event. The client keeps a backlog of
//! normal-priority work in the retry queue, retries what failed per the priority rules, and
//! does whatever the governor says.
//!
//! Run with `--nocapture` to see the measured figures.

use keeper_square::control::{
    Decision, EndpointFamily, GovernorConfig, Governors, Outcome, Permit, Priority, RetryQueue,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

const FAMILY: EndpointFamily = EndpointFamily::Customers;
const LIMIT: f64 = 10.0;
const LATENCY: Duration = Duration::from_millis(150);

fn s(x: f64) -> Duration {
    Duration::from_secs_f64(x)
}

/// A Square stand-in with a hidden token bucket, 429 storms and outages.
struct FakeSquare {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Duration,
    /// `[start, end)`: every request is answered 429 (no `Retry-After` unless set).
    storm: Option<(Duration, Duration)>,
    storm_retry_after: Option<Duration>,
    /// `[start, end)`: every request is answered 503.
    outage: Option<(Duration, Duration)>,
}

impl FakeSquare {
    fn new(rate: f64, burst: f64) -> Self {
        FakeSquare {
            rate,
            burst,
            tokens: burst,
            last: Duration::ZERO,
            storm: None,
            storm_retry_after: None,
            outage: None,
        }
    }

    fn handle(&mut self, now: Duration) -> Outcome {
        let within = |w: Option<(Duration, Duration)>| w.is_some_and(|(a, b)| now >= a && now < b);
        self.tokens = (self.tokens + (now - self.last).as_secs_f64() * self.rate).min(self.burst);
        self.last = now;
        if within(self.outage) {
            return Outcome::Transient {
                code: "SERVICE_UNAVAILABLE".into(),
                message: "503 Service Unavailable".into(),
            };
        }
        if within(self.storm) {
            return Outcome::RateLimited {
                retry_after: self.storm_retry_after,
            };
        }
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Outcome::Success
        } else {
            Outcome::RateLimited { retry_after: None }
        }
    }
}

/// One answered request, as the measurements see it.
#[derive(Debug, Clone)]
struct Answer {
    at: Duration,
    outcome: Outcome,
    probe: bool,
}

/// Circuit state changes seen by the client.
#[derive(Debug, Default)]
struct Sim {
    answers: Vec<Answer>,
    open_seen_at: Option<Duration>,
    closed_again_at: Option<Duration>,
    circuit_open_decisions: usize,
    given_up: usize,
}

struct InFlight {
    at: Duration,
    seq: u64,
    permit: Permit,
    outcome: Outcome,
    item: keeper_square::control::QueuedRequest<u64>,
}

impl PartialEq for InFlight {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for InFlight {}
impl PartialOrd for InFlight {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for InFlight {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// Drive the governor against `server` for `duration` of virtual time (one family).
fn run(server: &mut FakeSquare, duration: Duration) -> Sim {
    run_families(server, &[FAMILY], duration)
}

/// Drive the governors of `families` (each with its own backlog, all sharing the seller's
/// budget as the client does) against one `server` for `duration` of virtual time.
fn run_families(server: &mut FakeSquare, families: &[EndpointFamily], duration: Duration) -> Sim {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mut governors = Governors::new(&GovernorConfig::default(), Duration::ZERO);
    let mut queues: Vec<RetryQueue<u64>> = families.iter().map(|_| RetryQueue::new()).collect();
    let mut in_flight: BinaryHeap<Reverse<InFlight>> = BinaryHeap::new();
    let mut sim = Sim::default();
    let mut now = Duration::ZERO;
    let mut seq = 0u64;
    let mut was_open = false;
    while now < duration {
        while in_flight.peek().is_some_and(|Reverse(f)| f.at <= now) {
            let Reverse(f) = in_flight.pop().unwrap();
            governors.on_response(f.at, f.permit, &f.outcome);
            if f.outcome.is_retryable() {
                let mut item = f.item;
                item.attempts += 1;
                let plan = governors.get(item.family).plan_retry(
                    f.at,
                    item.priority,
                    item.attempts,
                    &f.outcome,
                    &mut rng,
                );
                let code = f.outcome.error_code().unwrap_or_default().to_owned();
                let q = families.iter().position(|&x| x == item.family).unwrap();
                if queues[q].requeue(item, plan, &code).is_some() {
                    sim.given_up += 1;
                }
            }
            sim.answers.push(Answer {
                at: f.at,
                outcome: f.outcome,
                probe: f.permit.probe,
            });
        }
        let state = governors.get(families[0]).circuit_state(now);
        let open = state != keeper_square::control::CircuitState::Closed;
        if open && !was_open && sim.open_seen_at.is_none() {
            sim.open_seen_at = Some(now);
        }
        if !open && was_open {
            sim.closed_again_at = Some(now);
        }
        was_open = open;
        let mut wake = in_flight.peek().map(|Reverse(f)| f.at);
        let mut soonest = |t: Duration| wake = Some(wake.map_or(t, |w| w.min(t)));
        for (&family, queue) in families.iter().zip(queues.iter_mut()) {
            // A large backlog of normal-priority sync work.
            while queue.len() < 64 {
                seq += 1;
                queue.push(now, family, Priority::Normal, seq);
            }
            loop {
                let Some(next) = queue.peek_next(now, governors.budget_of(now)) else {
                    if let Some(t) = queue.next_ready_at().filter(|&t| t > now) {
                        soonest(t);
                    }
                    // Budget closed: the breaker decides when to look again.
                    if let Decision::CircuitOpen { retry_at } =
                        governors.acquire(family, now, Priority::Normal)
                    {
                        sim.circuit_open_decisions += 1;
                        soonest(retry_at);
                    }
                    break;
                };
                let (id, priority) = (next.id, next.priority);
                match governors.acquire(family, now, priority) {
                    Decision::SendNow(permit) => {
                        let item = queue.remove(id).unwrap();
                        seq += 1;
                        let outcome = server.handle(now);
                        in_flight.push(Reverse(InFlight {
                            at: now + LATENCY,
                            seq,
                            permit,
                            outcome,
                            item,
                        }));
                        soonest(now + LATENCY);
                    }
                    Decision::WaitUntil { at, .. } => {
                        soonest(at);
                        break;
                    }
                    Decision::CircuitOpen { retry_at } => {
                        sim.circuit_open_decisions += 1;
                        soonest(retry_at);
                        break;
                    }
                }
            }
        }
        let next = wake.expect("something always happens next");
        assert!(next > now || in_flight.peek().is_some_and(|Reverse(f)| f.at <= now));
        now = next.max(now);
    }
    sim
}

impl Sim {
    fn count(&self, from: Duration, to: Duration, pred: impl Fn(&Outcome) -> bool) -> usize {
        self.answers
            .iter()
            .filter(|a| a.at >= from && a.at < to && pred(&a.outcome))
            .count()
    }

    fn successes(&self, from: Duration, to: Duration) -> usize {
        self.count(from, to, |o| *o == Outcome::Success)
    }

    fn throttled(&self, from: Duration, to: Duration) -> usize {
        self.count(from, to, |o| matches!(o, Outcome::RateLimited { .. }))
    }

    fn answered(&self, from: Duration, to: Duration) -> usize {
        self.count(from, to, |_| true)
    }

    /// Seconds after `from` until a 1-second window first holds ≥ `per_second` successes
    /// (measured at the window's end, in 50 ms steps).
    fn recovery_after(&self, from: Duration, per_second: usize) -> Option<f64> {
        (0..2_000)
            .map(|step| from + s(f64::from(step) * 0.05))
            .find(|&t| self.successes(t, t + s(1.0)) >= per_second)
            .map(|t| (t + s(1.0) - from).as_secs_f64())
    }
}

#[test]
fn sustains_at_least_90_percent_of_a_hidden_10_per_second_limit_with_under_5_percent_429s() {
    let minutes = 10.0;
    let mut server = FakeSquare::new(LIMIT, LIMIT);
    let sim = run(&mut server, s(minutes * 60.0));
    let (from, to) = (s(0.0), s(minutes * 60.0));
    let goodput = sim.successes(from, to) as f64 / (minutes * 60.0);
    let throttled_share = sim.throttled(from, to) as f64 / sim.answered(from, to) as f64;
    println!(
        "steady: {:.3} req/s goodput ({:.1} % of the limit), {:.2} % answered 429 ({} of {})",
        goodput,
        100.0 * goodput / LIMIT,
        100.0 * throttled_share,
        sim.throttled(from, to),
        sim.answered(from, to)
    );
    assert!(goodput >= 0.9 * LIMIT, "goodput {goodput:.3} req/s");
    assert!(throttled_share < 0.05, "429 share {throttled_share:.4}");
    assert_eq!(
        sim.open_seen_at, None,
        "throttling alone never opens the breaker"
    );
}

#[test]
fn stays_near_the_limit_when_the_server_allows_almost_no_burst() {
    let minutes = 10.0;
    let mut server = FakeSquare::new(LIMIT, 2.0);
    let sim = run(&mut server, s(minutes * 60.0));
    let (from, to) = (s(0.0), s(minutes * 60.0));
    let goodput = sim.successes(from, to) as f64 / (minutes * 60.0);
    let throttled_share = sim.throttled(from, to) as f64 / sim.answered(from, to) as f64;
    println!(
        "burst 2: {:.3} req/s goodput ({:.1} % of the limit), {:.2} % answered 429",
        goodput,
        100.0 * goodput / LIMIT,
        100.0 * throttled_share
    );
    assert!(goodput >= 0.85 * LIMIT, "goodput {goodput:.3} req/s");
    assert!(throttled_share < 0.05, "429 share {throttled_share:.4}");
}

#[test]
fn goodput_recovers_to_80_percent_within_5_seconds_after_a_429_storm() {
    // The storm's end falls at several phases of the floor-rate probing.
    for offset in [0.0, 0.2, 0.4, 0.6, 0.8] {
        let mut server = FakeSquare::new(LIMIT, LIMIT);
        let (start, end) = (s(60.0), s(90.0 + offset));
        server.storm = Some((start, end));
        let sim = run(&mut server, s(150.0));
        let during = sim.successes(start + LATENCY, end);
        let recovery = sim.recovery_after(end, 8).expect("goodput comes back");
        let after = sim.successes(end + s(10.0), end + s(50.0)) as f64 / 40.0;
        println!(
            "storm (no Retry-After, 60 s → {:.1} s): {} requests during, goodput ≥ 8/s {:.2} s \
             after it ended, {:.2} req/s from +10 s to +50 s",
            end.as_secs_f64(),
            sim.answered(start + LATENCY, end),
            recovery,
            after
        );
        assert_eq!(during, 0);
        assert!(recovery <= 5.0, "recovered after {recovery:.2} s");
        assert!(
            after >= 0.9 * LIMIT,
            "goodput after the storm {after:.2} req/s"
        );
        assert!(
            sim.answered(start + LATENCY, end) <= 45,
            "the storm is probed at the floor rate, not hammered"
        );
    }
}

#[test]
fn goodput_recovers_within_5_seconds_after_a_storm_with_retry_after() {
    let mut server = FakeSquare::new(LIMIT, LIMIT);
    let (start, end) = (s(60.0), s(90.0));
    server.storm = Some((start, end));
    server.storm_retry_after = Some(s(2.0));
    let sim = run(&mut server, s(150.0));
    let recovery = sim.recovery_after(end, 8).expect("goodput comes back");
    let during = sim.answered(start + LATENCY, end);
    println!("storm (Retry-After: 2): {during} requests during, recovered after {recovery:.2} s");
    assert!(recovery <= 5.0, "recovered after {recovery:.2} s");
    assert!(during <= 20, "Retry-After spaces the requests: {during}");
}

#[test]
fn breaker_opens_probes_and_closes_during_a_two_minute_outage() {
    let mut server = FakeSquare::new(LIMIT, LIMIT);
    let (start, end) = (s(60.0), s(180.0));
    server.outage = Some((start, end));
    let sim = run(&mut server, s(300.0));
    let opened = sim.open_seen_at.expect("breaker opened");
    let closed = sim.closed_again_at.expect("breaker closed again");
    let probes: Vec<f64> = sim
        .answers
        .iter()
        .filter(|a| a.probe)
        .map(|a| a.at.as_secs_f64())
        .collect();
    let sent_during = sim.answered(opened, end);
    let after = sim.successes(closed + s(10.0), closed + s(60.0)) as f64 / 50.0;
    println!(
        "outage 60–180 s: opened at {:.2} s, probes answered at {:?}, closed at {:.2} s, \
         {} requests during the open phase, {:.2} req/s afterwards",
        opened.as_secs_f64(),
        probes,
        closed.as_secs_f64(),
        sent_during,
        after
    );
    assert!(opened >= start && opened < start + s(5.0));
    assert!(!probes.is_empty());
    assert!(
        closed >= end && closed <= end + s(60.0),
        "closed at {closed:?}"
    );
    assert!(
        sent_during <= 10,
        "open breaker holds traffic back: {sent_during}"
    );
    assert!(sim.circuit_open_decisions > 0);
    assert!(
        after >= 0.9 * LIMIT,
        "goodput after the outage {after:.2} req/s"
    );
}

#[test]
fn warm_up_reaches_the_limit_with_under_5_percent_429s_from_the_first_10_seconds_on() {
    let mut server = FakeSquare::new(LIMIT, LIMIT);
    let sim = run(&mut server, s(40.0));
    for end in [10.0, 20.0, 40.0] {
        let (from, to) = (s(0.0), s(end));
        let share = sim.throttled(from, to) as f64 / sim.answered(from, to) as f64;
        let goodput = sim.successes(from, to) as f64 / end;
        println!(
            "first {end} s: {} of {} answered 429 ({:.2} %), {goodput:.2} req/s",
            sim.throttled(from, to),
            sim.answered(from, to),
            100.0 * share
        );
        assert!(share < 0.05, "429 share over the first {end} s: {share:.4}");
    }
    let later = sim.successes(s(10.0), s(40.0)) as f64 / 30.0;
    assert!(
        later >= 0.9 * LIMIT,
        "goodput after warm-up {later:.2} req/s"
    );
}

#[test]
fn families_in_parallel_hold_one_shared_20_per_second_limit() {
    let limit = 20.0;
    let families = [
        EndpointFamily::Customers,
        EndpointFamily::Orders,
        EndpointFamily::Payments,
        EndpointFamily::Bookings,
        EndpointFamily::Catalog,
        EndpointFamily::Loyalty,
    ];
    let mut server = FakeSquare::new(limit, limit);
    let seconds = 120.0;
    let sim = run_families(&mut server, &families, s(seconds));
    let (from, to) = (s(0.0), s(seconds));
    let goodput = sim.successes(from, to) as f64 / seconds;
    let share = sim.throttled(from, to) as f64 / sim.answered(from, to) as f64;
    println!(
        "6 families, shared limit {limit}/s: {goodput:.2} req/s goodput ({:.1} %), {:.2} % \
         answered 429 ({} of {})",
        100.0 * goodput / limit,
        100.0 * share,
        sim.throttled(from, to),
        sim.answered(from, to)
    );
    assert!(goodput >= 0.9 * limit, "goodput {goodput:.2} req/s");
    assert!(share < 0.05, "429 share {share:.4}");
}
