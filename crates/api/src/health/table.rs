//! The store's API health table (`api_health`, `api_health_events`, migration 0005):
//! [`record_success`] and [`record_failure`] with the time passed in, [`record_live`] for the
//! client's live governor state, and [`read_families`] for the report.
//!
//! `api_health` keeps lifetime counters, the last success, the last failure (a failure
//! touches only the `last_failure_*` columns, so the last success survives it) and the live
//! state; `api_health_events` keeps the last [`EVENTS_KEPT`] answers per family, from which
//! the success rate, the 429 count and the mean and p95 latency over the recent window come.

use super::db;
use crate::Result;
use chrono::{DateTime, SecondsFormat, Utc};
use keeper_square::control::{
    CircuitState, EndpointFamily, EventFailure, FailureKind, HealthEvent, HealthSnapshot,
};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::time::Duration;

/// Answers kept per family in `api_health_events`.
pub const EVENTS_KEPT: i64 = 512;

/// RFC 3339 with milliseconds, as every timestamp in this table.
pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A client-clock reading (a duration since the Unix epoch) as a UTC instant.
pub fn instant(at: Duration) -> DateTime<Utc> {
    let ms = i64::try_from(at.as_millis()).unwrap_or(i64::MAX);
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn kind_str(kind: FailureKind) -> &'static str {
    match kind {
        FailureKind::RateLimited => "rate_limited",
        FailureKind::Transient => "transient",
        FailureKind::Permanent => "permanent",
    }
}

fn ensure_row(conn: &Connection, family: EndpointFamily, now: &str) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO api_health (family, updated_at) VALUES (?1, ?2)",
        params![family.as_str(), now],
    )
    .map_err(db)?;
    Ok(())
}

fn push_event(
    conn: &Connection,
    family: EndpointFamily,
    now: DateTime<Utc>,
    latency: Duration,
    outcome: &str,
    code: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO api_health_events (family, at_ms, latency_ms, outcome, code)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            family.as_str(),
            now.timestamp_millis(),
            latency.as_secs_f64() * 1000.0,
            outcome,
            code
        ],
    )
    .map_err(db)?;
    conn.execute(
        "DELETE FROM api_health_events WHERE family = ?1 AND id <= (
             SELECT id FROM api_health_events WHERE family = ?1
             ORDER BY id DESC LIMIT 1 OFFSET ?2)",
        params![family.as_str(), EVENTS_KEPT],
    )
    .map_err(db)?;
    Ok(())
}

/// A request of `family` succeeded at `now` after `latency`.
pub fn record_success(
    conn: &Connection,
    family: EndpointFamily,
    latency: Duration,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = rfc3339(now);
    ensure_row(conn, family, &at)?;
    conn.execute(
        "UPDATE api_health SET successes = successes + 1, last_success_at = ?2, updated_at = ?2
         WHERE family = ?1",
        params![family.as_str(), at],
    )
    .map_err(db)?;
    push_event(conn, family, now, latency, "success", None)
}

/// A request of `family` failed at `now` with `error` after `latency`. The last success is
/// left as it was.
pub fn record_failure(
    conn: &Connection,
    family: EndpointFamily,
    error: &EventFailure,
    latency: Duration,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = rfc3339(now);
    let kind = kind_str(error.kind);
    ensure_row(conn, family, &at)?;
    conn.execute(
        "UPDATE api_health SET failures = failures + 1,
             rate_limited = rate_limited + (?3 = 'rate_limited'),
             last_failure_at = ?2, last_failure_code = ?4, last_failure_message = ?5,
             last_failure_kind = ?3, updated_at = ?2
         WHERE family = ?1",
        params![family.as_str(), at, kind, error.code, error.message],
    )
    .map_err(db)?;
    push_event(conn, family, now, latency, kind, Some(&error.code))
}

/// Records one event the client reported.
pub fn record_event(conn: &Connection, event: &HealthEvent) -> Result<()> {
    let now = instant(event.at);
    match &event.failure {
        None => record_success(conn, event.family, event.latency, now),
        Some(failure) => record_failure(conn, event.family, failure, event.latency, now),
    }
}

/// Copies the client's live governor state (circuit, backoff, rate) as of `now`.
pub fn record_live(
    conn: &Connection,
    snapshots: &[HealthSnapshot],
    now: DateTime<Utc>,
) -> Result<()> {
    let at = rfc3339(now);
    for s in snapshots {
        ensure_row(conn, s.family, &at)?;
        conn.execute(
            "UPDATE api_health SET circuit_state = ?2, backoff_seconds = ?3, current_rate = ?4,
                 slowdown_active = ?5, live_at = ?6
             WHERE family = ?1",
            params![
                s.family.as_str(),
                s.circuit_state.as_str(),
                s.backoff_seconds,
                s.current_rate,
                s.slowdown_active,
                at
            ],
        )
        .map_err(db)?;
    }
    Ok(())
}

/// The last failure of a family.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LastFailure {
    pub at: String,
    pub code: String,
    pub message: String,
    /// `rate_limited`, `transient` or `permanent`.
    pub kind: String,
}

/// What health reports for one endpoint family. Rates, counts and latencies cover the
/// recent window (`window_minutes` of the report); `total_*` cover every recorded answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FamilyHealthReport {
    pub family: EndpointFamily,
    /// Answers in the recent window.
    pub requests: u64,
    pub successes: u64,
    pub failures: u64,
    /// Successes / answers in the window (0..=1); `null` with no answer in the window.
    pub success_rate: Option<f64>,
    /// `429` answers in the window.
    pub rate_limit_hits: u64,
    /// 5xx, timeouts and connection failures in the window.
    pub transient_failures: u64,
    pub mean_latency_ms: Option<f64>,
    pub p95_latency_ms: Option<f64>,
    pub total_successes: u64,
    pub total_failures: u64,
    pub total_rate_limit_hits: u64,
    pub last_success_at: Option<String>,
    pub last_failure: Option<LastFailure>,
    pub circuit_state: CircuitState,
    /// Seconds the family is still held back (the last recorded backoff, less the time
    /// since it was recorded).
    pub backoff_seconds: f64,
    /// Requests per second the client's pacer allowed at the last flush.
    pub current_rate: Option<f64>,
    pub slowdown_active: bool,
    /// Requests of this family waiting in the persisted retry queue.
    pub queued_retries: u64,
}

fn circuit(s: &str) -> CircuitState {
    match s {
        "open" => CircuitState::Open,
        "half_open" => CircuitState::HalfOpen,
        _ => CircuitState::Closed,
    }
}

/// Nearest-rank percentile of `sorted` (ascending, not empty).
fn percentile(sorted: &[f64], p: usize) -> f64 {
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted[rank - 1]
}

/// Every family with recorded health, in [`EndpointFamily::ALL`] order.
pub fn read_families(
    conn: &Connection,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<Vec<FamilyHealthReport>> {
    let since_ms = now.timestamp_millis() - i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
    let mut out = Vec::new();
    for family in EndpointFamily::ALL {
        let row = conn
            .query_row(
                "SELECT successes, failures, rate_limited, last_success_at, last_failure_at,
                        last_failure_code, last_failure_message, last_failure_kind,
                        circuit_state, backoff_seconds, current_rate, slowdown_active, live_at
                 FROM api_health WHERE family = ?1",
                [family.as_str()],
                |r| {
                    Ok((
                        (
                            r.get::<_, i64>(0)?,
                            r.get::<_, i64>(1)?,
                            r.get::<_, i64>(2)?,
                        ),
                        r.get::<_, Option<String>>(3)?,
                        (
                            r.get::<_, Option<String>>(4)?,
                            r.get::<_, Option<String>>(5)?,
                            r.get::<_, Option<String>>(6)?,
                            r.get::<_, Option<String>>(7)?,
                        ),
                        (
                            r.get::<_, String>(8)?,
                            r.get::<_, f64>(9)?,
                            r.get::<_, Option<f64>>(10)?,
                            r.get::<_, bool>(11)?,
                            r.get::<_, Option<String>>(12)?,
                        ),
                    ))
                },
            )
            .optional()
            .map_err(db)?;
        let Some((totals, last_success_at, failure, live)) = row else {
            continue;
        };
        let mut stmt = conn
            .prepare_cached(
                "SELECT latency_ms, outcome FROM api_health_events
                 WHERE family = ?1 AND at_ms > ?2 AND at_ms <= ?3",
            )
            .map_err(db)?;
        let events: Vec<(f64, String)> = stmt
            .query_map(
                params![family.as_str(), since_ms, now.timestamp_millis()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(db)?
            .collect::<rusqlite::Result<_>>()
            .map_err(db)?;
        let successes = events.iter().filter(|(_, o)| o == "success").count() as u64;
        let requests = events.len() as u64;
        let rate_limit_hits = events.iter().filter(|(_, o)| o == "rate_limited").count() as u64;
        let mut latencies: Vec<f64> = events.iter().map(|(l, _)| *l).collect();
        latencies.sort_by(f64::total_cmp);
        let (mean, p95) = if latencies.is_empty() {
            (None, None)
        } else {
            let mean = latencies.iter().sum::<f64>() / latencies.len() as f64;
            (Some(mean), Some(percentile(&latencies, 95)))
        };
        let (circuit_state, backoff, current_rate, slowdown_active, live_at) = live;
        let since_live = live_at
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map_or(0.0, |t| {
                ((now - t.with_timezone(&Utc)).num_milliseconds() as f64 / 1000.0).max(0.0)
            });
        let queued: i64 = conn
            .query_row(
                "SELECT count(*) FROM retry_queue WHERE family = ?1",
                [family.as_str()],
                |r| r.get(0),
            )
            .map_err(db)?;
        let (failure_at, code, message, kind) = failure;
        out.push(FamilyHealthReport {
            family,
            requests,
            successes,
            failures: requests - successes,
            success_rate: (requests > 0).then(|| successes as f64 / requests as f64),
            rate_limit_hits,
            transient_failures: events.iter().filter(|(_, o)| o == "transient").count() as u64,
            mean_latency_ms: mean,
            p95_latency_ms: p95,
            total_successes: totals.0 as u64,
            total_failures: totals.1 as u64,
            total_rate_limit_hits: totals.2 as u64,
            last_success_at,
            last_failure: failure_at.map(|at| LastFailure {
                at,
                code: code.unwrap_or_default(),
                message: message.unwrap_or_default(),
                kind: kind.unwrap_or_default(),
            }),
            circuit_state: circuit(&circuit_state),
            backoff_seconds: (backoff - since_live).max(0.0),
            current_rate,
            slowdown_active,
            queued_retries: queued as u64,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use keeper_store::Store;

    fn at(s: u64) -> DateTime<Utc> {
        instant(Duration::from_secs(1_750_000_000 + s))
    }

    fn failure(code: &str, kind: FailureKind) -> EventFailure {
        EventFailure {
            code: code.into(),
            message: format!("{code} happened"),
            kind,
        }
    }

    #[test]
    fn a_failure_never_erases_the_last_success() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.conn();
        let f = EndpointFamily::Customers;
        record_success(conn, f, Duration::from_millis(120), at(0)).unwrap();
        let e = failure("SERVICE_UNAVAILABLE", FailureKind::Transient);
        record_failure(conn, f, &e, Duration::from_millis(80), at(5)).unwrap();
        let report = &read_families(conn, at(6), Duration::from_secs(600)).unwrap()[0];
        assert_eq!(
            report.last_success_at.as_deref(),
            Some(rfc3339(at(0)).as_str())
        );
        let last = report.last_failure.as_ref().unwrap();
        assert_eq!(
            (last.code.as_str(), last.kind.as_str()),
            ("SERVICE_UNAVAILABLE", "transient")
        );
        assert_eq!(report.success_rate, Some(0.5));
    }

    #[test]
    fn window_figures_cover_only_recent_answers_and_429s_are_counted() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.conn();
        let f = EndpointFamily::Payments;
        let limited = failure("RATE_LIMITED", FailureKind::RateLimited);
        for i in 0..4 {
            record_failure(conn, f, &limited, Duration::from_millis(10), at(i)).unwrap();
        }
        for i in 0..20 {
            record_success(conn, f, Duration::from_millis(100 + i), at(1_000 + i)).unwrap();
        }
        let window = Duration::from_secs(600);
        let report = &read_families(conn, at(1_020), window).unwrap()[0];
        assert_eq!(
            (report.requests, report.rate_limit_hits),
            (20, 0),
            "old 429s aged out"
        );
        assert_eq!(report.total_rate_limit_hits, 4);
        assert_eq!(report.success_rate, Some(1.0));
        assert_eq!(report.p95_latency_ms, Some(118.0), "nearest rank 19 of 20");
        assert!((report.mean_latency_ms.unwrap() - 109.5).abs() < 1e-9);
        let early = &read_families(conn, at(10), window).unwrap()[0];
        assert_eq!((early.requests, early.rate_limit_hits), (4, 4));
    }

    #[test]
    fn only_the_most_recent_events_are_kept() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.conn();
        for i in 0..(EVENTS_KEPT as u64 + 30) {
            record_success(
                conn,
                EndpointFamily::Orders,
                Duration::from_millis(5),
                at(i),
            )
            .unwrap();
        }
        let kept: i64 = conn
            .query_row("SELECT count(*) FROM api_health_events", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, EVENTS_KEPT);
    }
}
