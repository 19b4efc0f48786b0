//! The sync's persisted retry queue (`retry_queue`, migrations 0005 and 0010): sync windows
//! of normal or low priority that failed transiently after the engine's retries, or were
//! deferred (open breaker, scarce budget), wait here for a later sync, so the work survives
//! a restart.
//!
//! - Each entry is one window (stream, key, time bounds, location scope) with its priority,
//!   attempts, the time it may run again (`not_before_ms`), and its last error.
//! - The next sync runs due entries first, in priority order; a success removes the entry;
//!   an entry not yet due keeps its stream out of that sync (the stored data stays).
//! - Another failure backs off (the priority's schedule, [`Priority::policy`]); once the
//!   priority's attempts are used up the entry is marked dead: kept and counted by health,
//!   no longer retried until [`revive_dead`] (`keeper sync --retry-dead`).
//!
//! Streams are prioritized as the seed orders the work: locations, customers, payments,
//! bookings and orders are high (a failure fails the sync loudly, as before), refunds, team
//! and catalog normal, loyalty low. Entries carry `"kind": "sync_window"` in their payload so
//! other users of the table are left alone.

use crate::plan::{Stream, Window};
use chrono::{DateTime, TimeZone, Utc};
use keeper_square::control::priority::RetryTiming;
use keeper_square::control::{EndpointFamily, Priority};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

/// The payload's `kind` of the sync's entries.
pub const KIND: &str = "sync_window";

/// The queue priority of a sync stream.
pub fn stream_priority(stream: Stream) -> Priority {
    match stream {
        Stream::Locations
        | Stream::Customers
        | Stream::Payments
        | Stream::Bookings
        | Stream::Orders => Priority::High,
        Stream::Refunds | Stream::TeamMembers | Stream::Catalog => Priority::Normal,
        Stream::LoyaltyAccounts | Stream::LoyaltyEvents => Priority::Low,
    }
}

/// Whether a failed window of `stream` is queued (normal and low work) rather than failing
/// the sync.
pub fn queued_when_failing(stream: Stream) -> bool {
    matches!(stream_priority(stream), Priority::Normal | Priority::Low)
}

/// The endpoint family a stream is read from.
pub fn stream_family(stream: Stream) -> EndpointFamily {
    match stream {
        Stream::Locations => EndpointFamily::MerchantsLocations,
        Stream::Customers => EndpointFamily::Customers,
        Stream::Payments => EndpointFamily::Payments,
        Stream::Bookings => EndpointFamily::Bookings,
        Stream::Orders => EndpointFamily::Orders,
        Stream::Refunds => EndpointFamily::Refunds,
        Stream::TeamMembers => EndpointFamily::Team,
        Stream::Catalog => EndpointFamily::Catalog,
        Stream::LoyaltyAccounts | Stream::LoyaltyEvents => EndpointFamily::Loyalty,
    }
}

/// What an entry's payload keeps of its window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Payload {
    kind: String,
    stream: String,
    key: String,
    begin: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    scope: Vec<String>,
}

/// One queued sync window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueuedWindow {
    pub id: i64,
    pub stream: Stream,
    pub key: String,
    pub begin: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub scope: Vec<String>,
    pub priority: Priority,
    /// Failed (or deferred) syncs of this window so far.
    pub attempts: u32,
    pub enqueued_at: DateTime<Utc>,
    /// Not retried before this time.
    pub not_before: DateTime<Utc>,
    pub last_error_code: Option<String>,
    pub last_error: Option<String>,
    /// When the attempts ran out (`None`: still retried).
    pub dead_at: Option<DateTime<Utc>>,
}

impl QueuedWindow {
    /// Whether a sync at `now` runs this entry.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.dead_at.is_none() && self.not_before <= now
    }

    /// The window to plan (its `seq` is set by the caller).
    pub fn window(&self) -> Window {
        Window {
            stream: self.stream,
            key: self.key.clone(),
            seq: 0,
            begin: self.begin,
            end: self.end,
            scope: self.scope.clone(),
        }
    }
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_ms(v: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(v).single().unwrap_or_default()
}

/// Every sync entry, live and dead, most urgent first (priority, then age).
pub fn entries(conn: &Connection) -> rusqlite::Result<Vec<QueuedWindow>> {
    let mut stmt = conn.prepare(
        "SELECT id, priority, attempts, enqueued_at_ms, not_before_ms, last_error_code,
                last_error, dead_at_ms, payload
         FROM retry_queue WHERE json_extract(payload, '$.kind') = ?1 ORDER BY id",
    )?;
    let rows = stmt
        .query_map([KIND], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<i64>>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (id, priority, attempts, enqueued, not_before, code, error, dead, payload) in rows {
        // An entry this version cannot read is left in place (health still counts it).
        let Ok(p) = serde_json::from_str::<Payload>(&payload) else {
            continue;
        };
        let Some(stream) = Stream::parse(&p.stream) else {
            continue;
        };
        let priority = serde_json::from_value(serde_json::Value::String(priority))
            .unwrap_or_else(|_| stream_priority(stream));
        out.push(QueuedWindow {
            id,
            stream,
            key: p.key,
            begin: p.begin,
            end: p.end,
            scope: p.scope,
            priority,
            attempts,
            enqueued_at: from_ms(enqueued),
            not_before: from_ms(not_before),
            last_error_code: code,
            last_error: error,
            dead_at: dead.map(from_ms),
        });
    }
    out.sort_by_key(|e| (e.priority, e.id));
    Ok(out)
}

fn find(conn: &Connection, stream: Stream, key: &str) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM retry_queue WHERE json_extract(payload, '$.kind') = ?1
             AND json_extract(payload, '$.stream') = ?2 AND json_extract(payload, '$.key') = ?3",
        params![KIND, stream.as_str(), key],
        |r| r.get(0),
    )
    .optional()
}

/// What [`record_failure`] did with the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Recorded {
    /// Queued again; retried from `not_before` on.
    Retry {
        attempts: u32,
        not_before: DateTime<Utc>,
    },
    /// The priority's attempts are used up: kept as dead.
    Dead { attempts: u32 },
}

/// When attempt number `attempts` (1 for the first) of `priority` work that failed at `now`
/// may run again: the priority's schedule without jitter (syncs are minutes to hours apart),
/// or `None` when its attempts are used up.
pub fn next_attempt(
    priority: Priority,
    attempts: u32,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let policy = priority.policy();
    if attempts >= policy.max_attempts {
        return None;
    }
    let wait = match policy.retry {
        RetryTiming::Immediate | RetryTiming::NextScheduledRun => std::time::Duration::ZERO,
        RetryTiming::Backoff(b) => b.nominal(attempts.saturating_sub(1)),
    };
    Some(now + chrono::Duration::from_std(wait).unwrap_or_default())
}

/// Records that `window` failed (or was deferred) at `now` with `code` / `message`: a new
/// entry, or the existing one with one more attempt. Returns what became of it.
pub fn record_failure(
    conn: &Connection,
    window: &Window,
    code: &str,
    message: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<Recorded> {
    record(conn, window, code, message, now, true)
}

/// Records that `window` was not tried at `now` because its family's budget is scarce:
/// queued (due at the next sync) without using up an attempt. An entry already queued for a
/// failure keeps that failure as its last error (the deferral is not the reason it is
/// there).
pub fn record_deferral(
    conn: &Connection,
    window: &Window,
    message: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<Recorded> {
    record(conn, window, "deferred", message, now, false)
}

fn record(
    conn: &Connection,
    window: &Window,
    code: &str,
    message: &str,
    now: DateTime<Utc>,
    attempted: bool,
) -> rusqlite::Result<Recorded> {
    let priority = stream_priority(window.stream);
    let existing = find(conn, window.stream, &window.key)?;
    let before = match existing {
        Some(id) => conn.query_row(
            "SELECT attempts FROM retry_queue WHERE id = ?1",
            [id],
            |r| r.get::<_, u32>(0),
        )?,
        None => 0,
    };
    let attempts = before + u32::from(attempted);
    let next = if attempted {
        next_attempt(priority, attempts, now)
    } else {
        Some(now)
    };
    let (not_before, dead_at) = match next {
        Some(at) => (at, None),
        None => (now, Some(ms(now))),
    };
    let payload = serde_json::to_string(&Payload {
        kind: KIND.to_owned(),
        stream: window.stream.as_str().to_owned(),
        key: window.key.clone(),
        begin: window.begin,
        end: window.end,
        scope: window.scope.clone(),
    })
    .expect("a payload serializes");
    let next_run = matches!(priority.policy().retry, RetryTiming::NextScheduledRun);
    // A deferral overwrites the error only of an entry that never failed.
    let error_sql = if attempted {
        "last_error_code = ?5, last_error = ?6"
    } else {
        "last_error_code = CASE WHEN attempts > 0 AND last_error_code IS NOT NULL
                               THEN last_error_code ELSE ?5 END,
         last_error = CASE WHEN attempts > 0 AND last_error_code IS NOT NULL
                          THEN last_error ELSE ?6 END"
    };
    match existing {
        Some(id) => conn.execute(
            &format!(
                "UPDATE retry_queue SET {error_sql}, attempts = ?2, not_before_ms = ?3,
                     next_run = ?4, dead_at_ms = ?7, payload = ?8
                 WHERE id = ?1"
            ),
            params![
                id,
                attempts,
                ms(not_before),
                next_run,
                code,
                message,
                dead_at,
                payload
            ],
        )?,
        None => conn.execute(
            "INSERT INTO retry_queue (family, priority, attempts, enqueued_at_ms, not_before_ms,
                 next_run, last_error_code, last_error, dead_at_ms, payload)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                stream_family(window.stream).as_str(),
                priority.as_str(),
                attempts,
                ms(now),
                ms(not_before),
                next_run,
                code,
                message,
                dead_at,
                payload
            ],
        )?,
    };
    Ok(match dead_at {
        Some(_) => Recorded::Dead { attempts },
        None => Recorded::Retry {
            attempts,
            not_before,
        },
    })
}

/// The window succeeded: its entry (live or dead) leaves the queue. Returns whether there
/// was one.
pub fn remove(conn: &Connection, stream: Stream, key: &str) -> rusqlite::Result<bool> {
    Ok(match find(conn, stream, key)? {
        Some(id) => conn.execute("DELETE FROM retry_queue WHERE id = ?1", [id])? > 0,
        None => false,
    })
}

/// Dead entries become due again at `now` with their attempts reset (the owner asked to
/// retry them). Returns how many.
pub fn revive_dead(conn: &Connection, now: DateTime<Utc>) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE retry_queue SET dead_at_ms = NULL, attempts = 0, not_before_ms = ?2
         WHERE json_extract(payload, '$.kind') = ?1 AND dead_at_ms IS NOT NULL",
        params![KIND, ms(now)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use keeper_store::Store;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn loyalty() -> Window {
        Window {
            stream: Stream::LoyaltyEvents,
            key: "updated".into(),
            seq: 9,
            begin: Some(t("2026-01-01T00:00:00Z")),
            end: None,
            scope: vec![],
        }
    }

    fn catalog() -> Window {
        Window {
            stream: Stream::Catalog,
            key: "all".into(),
            seq: 8,
            begin: None,
            end: None,
            scope: vec!["L1".into()],
        }
    }

    #[test]
    fn a_failure_is_queued_with_its_window_and_error_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.sqlite3");
        let now = t("2026-03-01T10:00:00Z");
        {
            let store = Store::open(&path).unwrap();
            let r = record_failure(store.conn(), &catalog(), "SERVICE_UNAVAILABLE", "503", now)
                .unwrap();
            let expected = now + chrono::Duration::seconds(16);
            assert_eq!(
                r,
                Recorded::Retry {
                    attempts: 1,
                    not_before: expected
                }
            );
        }
        let store = Store::open(&path).unwrap();
        let e = entries(store.conn()).unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].window().scope, vec!["L1".to_owned()]);
        assert_eq!(e[0].priority, Priority::Normal);
        assert_eq!(e[0].last_error.as_deref(), Some("503"));
        assert!(!e[0].is_due(now));
        assert!(e[0].is_due(now + chrono::Duration::seconds(16)));
    }

    #[test]
    fn entries_come_most_urgent_first_and_a_success_removes_one() {
        let store = Store::open_in_memory().unwrap();
        let now = t("2026-03-01T10:00:00Z");
        record_failure(store.conn(), &loyalty(), "circuit_open", "open", now).unwrap();
        record_failure(
            store.conn(),
            &catalog(),
            "INTERNAL_SERVER_ERROR",
            "500",
            now,
        )
        .unwrap();
        let e = entries(store.conn()).unwrap();
        let order: Vec<Stream> = e.iter().map(|e| e.stream).collect();
        assert_eq!(order, vec![Stream::Catalog, Stream::LoyaltyEvents]);
        assert!(remove(store.conn(), Stream::Catalog, "all").unwrap());
        assert!(!remove(store.conn(), Stream::Catalog, "all").unwrap());
        assert_eq!(entries(store.conn()).unwrap().len(), 1);
    }

    #[test]
    fn low_priority_work_is_marked_dead_after_two_attempts_and_can_be_revived() {
        let store = Store::open_in_memory().unwrap();
        let now = t("2026-03-01T10:00:00Z");
        let first = record_failure(store.conn(), &loyalty(), "SERVICE_UNAVAILABLE", "503", now);
        assert_eq!(
            first.unwrap(),
            Recorded::Retry {
                attempts: 1,
                not_before: now
            }
        );
        let later = now + chrono::Duration::hours(1);
        let second = record_failure(
            store.conn(),
            &loyalty(),
            "SERVICE_UNAVAILABLE",
            "503",
            later,
        );
        assert_eq!(second.unwrap(), Recorded::Dead { attempts: 2 });
        let e = &entries(store.conn()).unwrap()[0];
        assert_eq!(e.dead_at, Some(later));
        assert!(
            !e.is_due(later + chrono::Duration::days(1)),
            "dead: not retried"
        );
        assert_eq!(revive_dead(store.conn(), later).unwrap(), 1);
        let e = &entries(store.conn()).unwrap()[0];
        assert!(e.is_due(later));
        assert_eq!(e.attempts, 0);
    }

    #[test]
    fn a_deferral_keeps_the_failure_reason_of_an_entry_already_queued() {
        let store = Store::open_in_memory().unwrap();
        let now = t("2026-03-01T10:00:00Z");
        let reason = "Square is unavailable (503)";
        record_failure(store.conn(), &loyalty(), "SERVICE_UNAVAILABLE", reason, now).unwrap();
        let later = now + chrono::Duration::minutes(5);
        let r = record_deferral(store.conn(), &loyalty(), "loyalty budget is scarce", later);
        assert_eq!(
            r.unwrap(),
            Recorded::Retry {
                attempts: 1,
                not_before: later
            },
            "a deferral uses up no attempt"
        );
        let e = &entries(store.conn()).unwrap()[0];
        assert_eq!(e.last_error_code.as_deref(), Some("SERVICE_UNAVAILABLE"));
        assert_eq!(e.last_error.as_deref(), Some(reason));
        // Deferred before it ever failed: the deferral is the reason.
        record_deferral(store.conn(), &catalog(), "catalog budget is scarce", later).unwrap();
        let e = entries(store.conn()).unwrap();
        let cat = e.iter().find(|e| e.stream == Stream::Catalog).unwrap();
        assert_eq!(
            (cat.last_error_code.as_deref(), cat.attempts),
            (Some("deferred"), 0)
        );
    }

    #[test]
    fn normal_work_backs_off_16_32_64_seconds_then_dies() {
        let now = t("2026-03-01T10:00:00Z");
        let secs = |n| next_attempt(Priority::Normal, n, now).map(|t| (t - now).num_seconds());
        assert_eq!(
            [secs(1), secs(2), secs(3), secs(4)],
            [Some(16), Some(32), Some(64), None]
        );
    }
}
