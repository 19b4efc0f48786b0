//! Time for the client, injected: `now` as a [`Duration`] since the Unix epoch (what the
//! governors in [`crate::control`] take) and an async `sleep`.
//!
//! - [`SystemClock`]: wall-clock time that never goes backwards (the Unix time at start plus
//!   a monotonic elapsed time) and `tokio::time::sleep`.
//! - [`ManualClock`]: virtual time for tests. `sleep` moves the clock forward by the
//!   requested duration and returns at once, so a test that meets a 16 s backoff finishes in
//!   microseconds and sees exactly the waits the client chose ([`ManualClock::slept`]).

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A boxed future, as the object-safe traits of this module return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Source of time and of waiting.
pub trait Clock: Send + Sync + 'static {
    /// Now, as a duration since the Unix epoch.
    fn now(&self) -> Duration;

    /// Waits `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()>;

    /// Waits until `at` (returns at once if `at` has passed).
    fn sleep_until(&self, at: Duration) -> BoxFuture<'_, ()> {
        let wait = at.saturating_sub(self.now());
        self.sleep(wait)
    }
}

/// Real time: the Unix time read once at construction plus a monotonic elapsed time.
#[derive(Debug, Clone)]
pub struct SystemClock {
    unix_at_start: Duration,
    started: Instant,
}

impl SystemClock {
    pub fn new() -> Self {
        let unix_at_start = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        SystemClock {
            unix_at_start,
            started: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.unix_at_start + self.started.elapsed()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Virtual time: `sleep` advances the clock instead of waiting.
#[derive(Debug)]
pub struct ManualClock {
    now_ms: AtomicU64,
    slept: Mutex<Vec<Duration>>,
}

impl ManualClock {
    /// A clock reading `start` (a duration since the Unix epoch).
    pub fn new(start: Duration) -> Self {
        ManualClock {
            now_ms: AtomicU64::new(millis(start)),
            slept: Mutex::new(Vec::new()),
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.now_ms.fetch_add(millis(by), Ordering::SeqCst);
    }

    /// Every wait requested so far, in order.
    pub fn slept(&self) -> Vec<Duration> {
        self.slept.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        Duration::from_millis(self.now_ms.load(Ordering::SeqCst))
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        self.slept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(duration);
        // Round up so that a sub-millisecond wait still moves time.
        let ms = millis(duration) + u64::from(!duration.subsec_nanos().is_multiple_of(1_000_000));
        self.now_ms.fetch_add(ms, Ordering::SeqCst);
        Box::pin(tokio::task::yield_now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_clock_sleep_moves_time_without_waiting() {
        let clock = ManualClock::new(Duration::from_secs(1_000));
        let started = Instant::now();
        clock.sleep(Duration::from_secs(64)).await;
        clock.sleep_until(Duration::from_secs(1_100)).await;
        assert_eq!(clock.now(), Duration::from_secs(1_100));
        assert_eq!(
            clock.slept(),
            [Duration::from_secs(64), Duration::from_secs(36)]
        );
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn system_clock_reads_unix_time_and_never_goes_back() {
        let clock = SystemClock::new();
        let a = clock.now();
        let b = clock.now();
        assert!(b >= a);
        assert!(
            a > Duration::from_secs(1_600_000_000),
            "Unix time, not uptime"
        );
    }
}
