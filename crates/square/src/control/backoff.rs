//! Exponential backoff with jitter, and `Retry-After`.
//!
//! The delay before retry number `attempt` (0 for the first retry) is `base × 2^attempt`,
//! capped at [`BACKOFF_CAP`] (64 s, as the seed's `2^6`), then jittered:
//!
//! - [`Jitter::Full`]: uniform in `[0, nominal]` (spreads retries of many clients best);
//! - [`Jitter::Decorrelated`]: uniform in `[base, 3 × previous]`, capped (AWS's
//!   "decorrelated jitter": grows like the exponential on average without synchronising);
//! - [`Jitter::None`]: the nominal delay (for display, e.g. "backing off 8 s").
//!
//! **`Retry-After` wins.** When the server says when to come back, that is the delay, even
//! beyond the 64 s backoff cap, but it is itself capped at [`RETRY_AFTER_CAP`] (5 minutes)
//! so that a wrong or hostile header (a date years ahead) cannot stall a sync; Square's own
//! SDK caps it at 60 s. Whether Square sends the header at all is not established, so the
//! backoff must work without it.

use rand::{Rng, RngCore};
use serde::{Deserialize, Serialize};
use std::time::Duration;

use super::{dur, secs};

/// Longest computed backoff delay.
pub const BACKOFF_CAP: Duration = Duration::from_secs(64);

/// Longest delay a `Retry-After` header is honoured for.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(300);

/// How a backoff delay is randomised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Jitter {
    None,
    Full,
    Decorrelated,
}

/// An exponential backoff schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backoff {
    /// Delay before the first retry (before jitter).
    pub base: Duration,
    /// Largest delay; never more than [`BACKOFF_CAP`].
    pub cap: Duration,
    pub jitter: Jitter,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(1),
            cap: BACKOFF_CAP,
            jitter: Jitter::Full,
        }
    }
}

impl Backoff {
    /// A schedule starting at `base` with the given jitter, capped at 64 s.
    pub fn new(base: Duration, jitter: Jitter) -> Self {
        Backoff {
            base,
            cap: BACKOFF_CAP,
            jitter,
        }
    }

    fn cap(&self) -> Duration {
        self.cap.min(BACKOFF_CAP)
    }

    /// `base × 2^attempt`, capped, without jitter.
    pub fn nominal(&self, attempt: u32) -> Duration {
        let factor = 2f64.powi(attempt.min(62) as i32);
        dur(secs(self.base) * factor).min(self.cap())
    }

    /// The delay before retry `attempt` (0-based). `previous` is the delay used before the
    /// previous retry (decorrelated jitter grows from it; the other modes ignore it).
    pub fn delay(
        &self,
        attempt: u32,
        previous: Option<Duration>,
        rng: &mut dyn RngCore,
    ) -> Duration {
        let cap = self.cap();
        match self.jitter {
            Jitter::None => self.nominal(attempt),
            Jitter::Full => {
                let nominal = secs(self.nominal(attempt));
                dur(rng.random::<f64>() * nominal).min(cap)
            }
            Jitter::Decorrelated => {
                let low = secs(self.base);
                let high = (secs(previous.unwrap_or(self.base)) * 3.0).max(low);
                dur(low + rng.random::<f64>() * (high - low)).min(cap)
            }
        }
    }

    /// The delay to wait: the server's `Retry-After` when given (capped at
    /// [`RETRY_AFTER_CAP`]), otherwise the computed backoff.
    pub fn delay_honouring(
        &self,
        retry_after: Option<Duration>,
        attempt: u32,
        previous: Option<Duration>,
        rng: &mut dyn RngCore,
    ) -> Duration {
        match retry_after {
            Some(wait) => wait.min(RETRY_AFTER_CAP),
            None => self.delay(attempt, previous, rng),
        }
    }
}

/// A `Retry-After` header value that is neither delay-seconds nor an HTTP date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Retry-After header is neither a number of seconds nor an HTTP date: {value:?}")]
pub struct RetryAfterError {
    pub value: String,
}

impl RetryAfterError {
    /// Stable code for the UI.
    pub fn code(&self) -> &'static str {
        "invalid_retry_after"
    }
}

/// Parse a `Retry-After` value (RFC 9110 §10.2.3): either delay-seconds or an HTTP date,
/// turned into a delay from `now` (a duration since the Unix epoch). A date in the past
/// means "now" (zero). The result is capped at [`RETRY_AFTER_CAP`].
pub fn parse_retry_after(value: &str, now: Duration) -> Result<Duration, RetryAfterError> {
    let value = value.trim();
    let invalid = || RetryAfterError {
        value: value.to_owned(),
    };
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let seconds: u64 = value.parse().unwrap_or(u64::MAX);
        return Ok(Duration::from_secs(seconds).min(RETRY_AFTER_CAP));
    }
    let at = parse_http_date(value).ok_or_else(invalid)?;
    let at_ms = at.timestamp_millis();
    let now_ms = i64::try_from(now.as_millis()).unwrap_or(i64::MAX);
    let wait_ms = u64::try_from(at_ms.saturating_sub(now_ms)).unwrap_or(0);
    Ok(Duration::from_millis(wait_ms).min(RETRY_AFTER_CAP))
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), and the two obsolete forms RFC 9110 says
/// recipients must accept (RFC 850 and asctime).
fn parse_http_date(value: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::{NaiveDateTime, TimeZone, Utc};
    if let Ok(at) = chrono::DateTime::parse_from_rfc2822(value) {
        return Some(at.with_timezone(&Utc));
    }
    let formats = ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"];
    formats
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())
        .map(|naive| Utc.from_utc_datetime(&naive))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn nominal_delay_doubles_and_caps_at_64_seconds() {
        let b = Backoff::new(Duration::from_secs(1), Jitter::None);
        let delays: Vec<u64> = (0..9).map(|a| b.nominal(a).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 64, 64]);
        let huge = Backoff {
            cap: Duration::from_secs(10_000),
            ..b
        };
        assert_eq!(huge.nominal(40), BACKOFF_CAP);
    }

    #[test]
    fn full_jitter_stays_within_zero_and_the_nominal_delay() {
        let b = Backoff::new(Duration::from_secs(1), Jitter::Full);
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut distinct = std::collections::BTreeSet::new();
        for attempt in 0..10 {
            for _ in 0..50 {
                let d = b.delay(attempt, None, &mut rng);
                assert!(d <= b.nominal(attempt));
                distinct.insert(d.as_millis());
            }
        }
        assert!(distinct.len() > 100, "jitter spreads the delays");
    }

    #[test]
    fn decorrelated_jitter_grows_from_the_previous_delay_and_caps() {
        let b = Backoff::new(Duration::from_secs(1), Jitter::Decorrelated);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut previous = None;
        for attempt in 0..30 {
            let d = b.delay(attempt, previous, &mut rng);
            assert!(d >= Duration::from_secs(1) && d <= BACKOFF_CAP);
            if let Some(p) = previous {
                assert!(d <= (p * 3).min(BACKOFF_CAP));
            }
            previous = Some(d);
        }
    }

    #[test]
    fn same_seed_gives_the_same_delays() {
        let b = Backoff::default();
        let run = |seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            (0..8)
                .map(|a| b.delay(a, None, &mut rng))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(11), run(11));
        assert_ne!(run(11), run(12));
    }

    #[test]
    fn retry_after_wins_over_backoff_but_is_capped() {
        let b = Backoff::default();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let server = Duration::from_secs(120);
        assert_eq!(b.delay_honouring(Some(server), 0, None, &mut rng), server);
        let absurd = Duration::from_secs(86_400);
        assert_eq!(
            b.delay_honouring(Some(absurd), 0, None, &mut rng),
            RETRY_AFTER_CAP
        );
        assert!(b.delay_honouring(None, 0, None, &mut rng) <= Duration::from_secs(1));
    }

    #[test]
    fn retry_after_parses_seconds_and_http_dates() {
        // 1994-11-06T08:49:37Z
        let now = Duration::from_secs(784_111_777);
        assert_eq!(parse_retry_after("7", now).unwrap(), Duration::from_secs(7));
        assert_eq!(parse_retry_after(" 0 ", now).unwrap(), Duration::ZERO);
        let later = "Sun, 06 Nov 1994 08:50:07 GMT";
        assert_eq!(
            parse_retry_after(later, now).unwrap(),
            Duration::from_secs(30)
        );
        let rfc850 = "Sunday, 06-Nov-94 08:50:07 GMT";
        assert_eq!(
            parse_retry_after(rfc850, now).unwrap(),
            Duration::from_secs(30)
        );
        let asctime = "Sun Nov  6 08:50:07 1994";
        assert_eq!(
            parse_retry_after(asctime, now).unwrap(),
            Duration::from_secs(30)
        );
        let past = "Sun, 06 Nov 1994 08:00:00 GMT";
        assert_eq!(parse_retry_after(past, now).unwrap(), Duration::ZERO);
        assert_eq!(parse_retry_after("99999999", now).unwrap(), RETRY_AFTER_CAP);
    }

    #[test]
    fn retry_after_garbage_is_a_typed_error() {
        let err = parse_retry_after("soon", Duration::ZERO).unwrap_err();
        assert_eq!(err.code(), "invalid_retry_after");
        assert!(parse_retry_after("-5", Duration::ZERO).is_err());
        assert!(parse_retry_after("", Duration::ZERO).is_err());
    }
}
