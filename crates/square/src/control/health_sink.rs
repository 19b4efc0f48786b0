//! Where the client reports each answered request, so that something outside this crate
//! (keeper-api writes them into the store's health table) can keep health figures across
//! runs. This crate knows nothing about storage: it hands [`HealthEvent`]s to a
//! [`HealthSink`]; [`HealthLog`] buffers them in memory until the owner drains them.
//!
//! The sink is called on the request path, so an implementation must be cheap and must not
//! block on I/O; [`HealthLog`] only pushes onto a vector.

use super::family::EndpointFamily;
use super::health::FailureKind;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::Duration;

/// Why an answered request failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFailure {
    /// Square's error code (`RATE_LIMITED`, `SERVICE_UNAVAILABLE`, `ACCESS_TOKEN_EXPIRED`…)
    /// or a transport code (`timeout`, `connection`).
    pub code: String,
    pub message: String,
    pub kind: FailureKind,
}

/// One answered request of one endpoint family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthEvent {
    pub family: EndpointFamily,
    /// When the answer arrived (a duration since the Unix epoch, on the client's clock).
    pub at: Duration,
    pub latency: Duration,
    /// `None` for a success.
    pub failure: Option<EventFailure>,
}

impl HealthEvent {
    pub fn is_success(&self) -> bool {
        self.failure.is_none()
    }
}

/// Receives every answered request.
pub trait HealthSink: Send + Sync {
    fn record(&self, event: HealthEvent);
}

/// A [`HealthSink`] that keeps events in memory until [`HealthLog::drain`].
#[derive(Debug, Default)]
pub struct HealthLog {
    events: Mutex<Vec<HealthEvent>>,
}

impl HealthLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes every event recorded so far, oldest first.
    pub fn drain(&self) -> Vec<HealthEvent> {
        std::mem::take(&mut *self.events.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Events waiting to be drained.
    pub fn len(&self) -> usize {
        self.events.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl HealthSink for HealthLog {
    fn record(&self, event: HealthEvent) {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_hands_out_events_once_in_order() {
        let log = HealthLog::new();
        for (i, failure) in [None, Some("RATE_LIMITED")].into_iter().enumerate() {
            log.record(HealthEvent {
                family: EndpointFamily::Customers,
                at: Duration::from_secs(i as u64),
                latency: Duration::from_millis(100),
                failure: failure.map(|code| EventFailure {
                    code: code.into(),
                    message: String::new(),
                    kind: FailureKind::RateLimited,
                }),
            });
        }
        assert_eq!(log.len(), 2);
        let events = log.drain();
        assert!(events[0].is_success() && !events[1].is_success());
        assert!(log.is_empty(), "drained events are gone");
    }
}
