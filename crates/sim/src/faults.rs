//! Injected faults: latency, a hidden per-access-token rate limit (token bucket, 429
//! `RATE_LIMITED`), 5xx errors (random, in periodic bursts, or "the next N") with JSON
//! or HTML bodies, dropped connections, requests that hang past a client's timeout, and
//! an outage window in simulator time. Set at start from a spec string and changed at
//! run time through `POST /_sim/faults`.
//!
//! Spec string (comma-separated, all optional):
//! `latency=MS, rate=RPS, 5xx=P, html=P, burst=EVERY:LEN, fail_next=N, drop=P,
//! timeout=P, timeout_ms=MS, outage=FROM/TO` (RFC 3339 instants) or `outage=on`, and
//! `path=[METHOD:]PREFIX[$]:STATUS[:N]` (repeatable) for a fault scoped to one path or
//! endpoint family (see [`crate::path_faults`]).
//!
//! Order of evaluation: a global outage, then path faults (the first in scope and not spent
//! answers; it takes no rate-limit token), then the rate limit, then random faults.

use crate::error::SimError;
use crate::path_faults::PathFault;
use crate::time::Ts;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Instant;

/// The fault settings (also the JSON body of `POST /_sim/faults`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Added to every response.
    pub latency_ms: u64,
    /// Requests per second allowed per access token (bucket size = max(rps, 1)).
    pub rate_limit_rps: Option<f64>,
    /// Probability that a request fails with a 5xx.
    pub error_rate: f64,
    /// Share of injected 5xx that carry an HTML body instead of Square's JSON.
    pub html_rate: f64,
    /// Every `burst_every` requests, the next `burst_len` fail with 5xx.
    pub burst_every: Option<u64>,
    pub burst_len: u64,
    /// The next N requests fail with 5xx (counts down).
    pub fail_next: u64,
    /// Probability that the connection drops mid-response.
    pub drop_rate: f64,
    /// Probability that a request hangs for `timeout_ms` before answering.
    pub timeout_rate: f64,
    pub timeout_ms: u64,
    /// Requests fail with 503 while the simulator clock is in `[from, to)`.
    pub outage_from: Option<String>,
    pub outage_to: Option<String>,
    /// Requests fail with 503 until turned off.
    pub outage: bool,
    /// Faults scoped to a path or endpoint family.
    pub paths: Vec<PathFault>,
}

impl Faults {
    /// Parses the `--faults` spec string (see module docs).
    pub fn parse(spec: &str) -> Result<Faults, SimError> {
        let mut f = Faults::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| SimError::BadFaults(format!("`{part}` is not key=value")))?;
            let num = |v: &str| {
                v.parse::<f64>()
                    .map_err(|_| SimError::BadFaults(format!("`{k}` wants a number, got `{v}`")))
            };
            let int = |v: &str| {
                v.parse::<u64>()
                    .map_err(|_| SimError::BadFaults(format!("`{k}` wants an integer, got `{v}`")))
            };
            match k {
                "latency" | "latency_ms" => f.latency_ms = int(v)?,
                "rate" | "rate_limit" => f.rate_limit_rps = Some(num(v)?),
                "5xx" | "error_rate" => f.error_rate = num(v)?,
                "html" | "html_rate" => f.html_rate = num(v)?,
                "burst" => {
                    let (e, l) = v
                        .split_once(':')
                        .ok_or_else(|| SimError::BadFaults("burst wants EVERY:LEN".into()))?;
                    f.burst_every = Some(int(e)?.max(1));
                    f.burst_len = int(l)?;
                }
                "fail_next" => f.fail_next = int(v)?,
                "drop" | "drop_rate" => f.drop_rate = num(v)?,
                "timeout" | "timeout_rate" => f.timeout_rate = num(v)?,
                "timeout_ms" => f.timeout_ms = int(v)?,
                "outage" if v == "on" => f.outage = true,
                "outage" => {
                    let (a, b) = v
                        .split_once('/')
                        .ok_or_else(|| SimError::BadFaults("outage wants FROM/TO or on".into()))?;
                    for t in [a, b] {
                        Ts::parse(t).ok_or_else(|| SimError::BadTime(t.to_string()))?;
                    }
                    f.outage_from = Some(a.to_string());
                    f.outage_to = Some(b.to_string());
                }
                "path" => f.paths.push(PathFault::parse(v)?),
                other => return Err(SimError::BadFaults(format!("unknown key `{other}`"))),
            }
        }
        Ok(f)
    }

    /// Checks the settings serde cannot (path prefixes, clock windows).
    pub fn validate(&self) -> Result<(), SimError> {
        self.paths.iter().try_for_each(PathFault::validate)
    }
}

/// What to do with one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Serve,
    RateLimited,
    ServerError {
        status: u16,
        html: bool,
    },
    Outage,
    Drop,
    Hang(u64),
    /// A path fault answers: 429 (`RATE_LIMITED`, with `Retry-After` when set) or a 5xx.
    PathFault {
        status: u16,
        retry_after_s: Option<u64>,
    },
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

/// Runtime fault state: settings, request counter, buckets and a seeded RNG.
pub struct FaultState {
    pub faults: Faults,
    count: u64,
    rng: ChaCha8Rng,
    buckets: HashMap<String, Bucket>,
}

impl FaultState {
    pub fn new(faults: Faults, seed: u64) -> FaultState {
        FaultState {
            faults,
            count: 0,
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0xFA17),
            buckets: HashMap::new(),
        }
    }

    /// Replaces the settings and forgets rate-limit buckets.
    pub fn set(&mut self, faults: Faults) {
        self.faults = faults;
        self.buckets.clear();
        self.count = 0;
    }

    /// Replaces only the path faults (other settings, buckets and counters stay).
    pub fn set_paths(&mut self, paths: Vec<PathFault>) {
        self.faults.paths = paths;
    }

    /// Decides the fate of a request `method path` made with `token` at simulator time
    /// `now`.
    pub fn decide(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        now: Ts,
        wall: Instant,
    ) -> Decision {
        self.count += 1;
        let f = &mut self.faults;
        let in_window = match (
            f.outage_from.as_deref().and_then(Ts::parse),
            f.outage_to.as_deref().and_then(Ts::parse),
        ) {
            (Some(a), Some(b)) => now >= a && now < b,
            _ => false,
        };
        if f.outage || in_window {
            return Decision::Outage;
        }
        if let Some((status, retry_after_s)) = f
            .paths
            .iter_mut()
            .filter(|p| p.matches(method, path, now))
            .find_map(|p| p.take().then(|| (p.status.code(), p.retry_after_s)))
        {
            return Decision::PathFault {
                status,
                retry_after_s,
            };
        }
        if let (Some(rps), Some(tok)) = (f.rate_limit_rps, token) {
            let cap = rps.max(1.0);
            let b = self.buckets.entry(tok.to_string()).or_insert(Bucket {
                tokens: cap,
                last: wall,
            });
            let elapsed = wall.saturating_duration_since(b.last).as_secs_f64();
            b.tokens = (b.tokens + elapsed * rps).min(cap);
            b.last = wall;
            if b.tokens < 1.0 {
                return Decision::RateLimited;
            }
            b.tokens -= 1.0;
        }
        let burst = f.burst_every.is_some_and(|every| {
            let phase = (self.count - 1) % (every + f.burst_len);
            phase >= every
        });
        let forced = f.fail_next > 0;
        if forced {
            f.fail_next -= 1;
        }
        if forced || burst || (f.error_rate > 0.0 && self.rng.random::<f64>() < f.error_rate) {
            let html = f.html_rate > 0.0 && self.rng.random::<f64>() < f.html_rate;
            let status = *[500u16, 502, 503, 504]
                .get(self.rng.random_range(0..4))
                .unwrap_or(&503);
            return Decision::ServerError { status, html };
        }
        if f.drop_rate > 0.0 && self.rng.random::<f64>() < f.drop_rate {
            return Decision::Drop;
        }
        if f.timeout_rate > 0.0 && self.rng.random::<f64>() < f.timeout_rate {
            return Decision::Hang(if f.timeout_ms == 0 {
                30_000
            } else {
                f.timeout_ms
            });
        }
        Decision::Serve
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path_faults::FaultStatus;

    #[test]
    fn parses_every_spec_key() {
        let f = Faults::parse("latency=20, rate=5, 5xx=0.1, html=0.5, burst=10:2, fail_next=3, drop=0.01, timeout=0.02, timeout_ms=900, outage=2025-01-01T00:00:00Z/2025-01-02T00:00:00Z").unwrap();
        assert_eq!(f.latency_ms, 20);
        assert_eq!(f.rate_limit_rps, Some(5.0));
        assert_eq!((f.burst_every, f.burst_len, f.fail_next), (Some(10), 2, 3));
        assert!(f.outage_from.is_some());
        assert_eq!(Faults::parse("bogus=1").unwrap_err().code(), "bad_faults");
        let f = Faults::parse("path=/v2/loyalty:503, path=GET:/v2/bookings$:429:2").unwrap();
        assert_eq!(f.paths.len(), 2);
        assert_eq!(f.paths[1].remaining, Some(2));
    }

    #[test]
    fn a_path_fault_fails_only_its_scope_and_spares_other_paths() {
        let f = Faults::parse("path=/v2/loyalty:503").unwrap();
        let mut s = FaultState::new(f, 1);
        let t0 = Instant::now();
        let loyalty = s.decide("POST", "/v2/loyalty/events/search", None, Ts(0), t0);
        assert_eq!(
            loyalty,
            Decision::PathFault {
                status: 503,
                retry_after_s: None
            }
        );
        let customers = s.decide("POST", "/v2/customers/search", None, Ts(0), t0);
        assert_eq!(customers, Decision::Serve);
        assert_eq!(s.faults.paths[0].hits, 1);
    }

    #[test]
    fn a_counted_path_fault_stops_after_n_and_the_next_in_scope_answers() {
        let mut first = PathFault::new("/v2/bookings", FaultStatus::TooManyRequests).times(1);
        first.retry_after_s = Some(3);
        let f = Faults {
            paths: vec![
                first,
                PathFault::new("/v2/bookings", FaultStatus::Internal).times(1),
            ],
            ..Faults::default()
        };
        let mut s = FaultState::new(f, 1);
        let t0 = Instant::now();
        let mut next = || s.decide("GET", "/v2/bookings", None, Ts(0), t0);
        assert_eq!(
            next(),
            Decision::PathFault {
                status: 429,
                retry_after_s: Some(3)
            }
        );
        assert_eq!(
            next(),
            Decision::PathFault {
                status: 500,
                retry_after_s: None
            }
        );
        assert_eq!(next(), Decision::Serve);
    }

    #[test]
    fn a_path_fault_takes_no_rate_limit_token() {
        let f = Faults {
            rate_limit_rps: Some(1.0),
            paths: vec![PathFault::new("/v2/catalog", FaultStatus::Unavailable).times(3)],
            ..Faults::default()
        };
        let mut s = FaultState::new(f, 1);
        let t0 = Instant::now();
        for _ in 0..3 {
            let d = s.decide("POST", "/v2/catalog/search", Some("a"), Ts(0), t0);
            assert!(
                matches!(d, Decision::PathFault { status: 503, .. }),
                "{d:?}"
            );
        }
        assert_eq!(
            s.decide("GET", "/v2/locations", Some("a"), Ts(0), t0),
            Decision::Serve
        );
    }

    #[test]
    fn token_bucket_limits_each_token_separately() {
        let mut s = FaultState::new(
            Faults {
                rate_limit_rps: Some(2.0),
                ..Faults::default()
            },
            1,
        );
        let t0 = Instant::now();
        let now = Ts(0);
        assert_eq!(
            s.decide("GET", "/v2/locations", Some("a"), now, t0),
            Decision::Serve
        );
        assert_eq!(
            s.decide("GET", "/v2/locations", Some("a"), now, t0),
            Decision::Serve
        );
        assert_eq!(
            s.decide("GET", "/v2/locations", Some("a"), now, t0),
            Decision::RateLimited
        );
        assert_eq!(
            s.decide("GET", "/v2/locations", Some("b"), now, t0),
            Decision::Serve
        );
        let later = t0 + std::time::Duration::from_millis(600);
        assert_eq!(
            s.decide("GET", "/v2/locations", Some("a"), now, later),
            Decision::Serve
        );
    }

    #[test]
    fn bursts_fail_a_fixed_run_of_requests() {
        let mut s = FaultState::new(
            Faults {
                burst_every: Some(3),
                burst_len: 2,
                ..Faults::default()
            },
            1,
        );
        let t0 = Instant::now();
        let fates: Vec<bool> = (0..10)
            .map(|_| s.decide("GET", "/v2/locations", None, Ts(0), t0) == Decision::Serve)
            .collect();
        assert_eq!(
            fates,
            vec![
                true, true, true, false, false, true, true, true, false, false
            ]
        );
    }

    #[test]
    fn outage_window_follows_the_simulator_clock() {
        let f = Faults::parse("outage=2025-01-01T00:00:00Z/2025-01-02T00:00:00Z").unwrap();
        let mut s = FaultState::new(f, 1);
        let t0 = Instant::now();
        assert_eq!(
            s.decide(
                "GET",
                "/v2/locations",
                None,
                Ts::parse("2025-01-01T12:00:00Z").unwrap(),
                t0
            ),
            Decision::Outage
        );
        assert_eq!(
            s.decide(
                "GET",
                "/v2/locations",
                None,
                Ts::parse("2025-01-02T00:00:00Z").unwrap(),
                t0
            ),
            Decision::Serve
        );
    }
}
