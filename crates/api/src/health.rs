//! Health: Square API figures per endpoint family, the pipeline's figures, an overall score
//! and plain-language recommendations (`keeper health`, the Health screen).
//!
//! How the figures get into the store: keeper-square never depends on keeper-store. The
//! client reports every answered request to a [`HealthSink`](keeper_square::control::HealthSink);
//! the API layer installs a [`HealthLog`] (an in-memory buffer, cheap on the request path)
//! with [`attach`], and [`flush_client_health`] drains it into the `api_health` tables
//! through [`record_success`] / [`record_failure`] (time passed in) and copies the client's
//! live governor state (breaker, backoff, rate). Sync calls it after each stream and at the
//! end; `keeper health` then reads the store alone, so health survives restarts and works
//! without a running client.
//!
//! - [`table`]: the `api_health` tables (per family: counters, window figures, live state).
//! - [`queue`]: the persisted retry queue.
//! - [`connection`]: connection dates (token expiries; no tokens).
//! - [`pipeline`]: store, sync, queue, embedding, reconciliation and quarantine figures.
//! - [`advice`]: score and recommendations.

pub mod advice;
pub mod connection;
pub mod pipeline;
pub mod queue;
pub mod table;

pub use advice::{OverallStatus, Recommendation, Severity};
pub use connection::{ConnectionInfo, read_connections, record_connection};
pub use pipeline::PipelineHealth;
pub use table::{FamilyHealthReport, record_event, record_failure, record_live, record_success};

use crate::{ApiError, Result};
use chrono::{DateTime, Utc};
use keeper_square::client::SquareClient;
use keeper_square::control::HealthLog;
use keeper_store::Store;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The recent window the success rate, 429 count and latencies cover.
pub const RECENT_WINDOW: Duration = Duration::from_secs(15 * 60);

pub(crate) fn db(e: rusqlite::Error) -> ApiError {
    keeper_store::Error::from(e).into()
}

/// Everything the Health screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthReport {
    /// RFC 3339: the `now` the report was made for.
    pub generated_at: String,
    /// 0–100.
    pub score: u32,
    pub status: OverallStatus,
    pub window_minutes: u64,
    /// Per endpoint family that has been used, keyed by its snake_case name (`customers`,
    /// `payments`, …).
    pub families: BTreeMap<String, FamilyHealthReport>,
    pub pipeline: PipelineHealth,
    pub connections: Vec<ConnectionInfo>,
    /// Most severe first.
    pub recommendations: Vec<Recommendation>,
}

/// Makes `client` report every answer to a new [`HealthLog`], returned for
/// [`flush_client_health`].
pub fn attach(client: &SquareClient) -> Arc<HealthLog> {
    let log = Arc::new(HealthLog::new());
    client.set_health_sink(log.clone());
    log
}

/// Writes what `client` reported since the last flush into the store, with the client's
/// live state as of `now`, in one transaction.
pub fn flush_client_health(
    store: &mut Store,
    client: &SquareClient,
    log: &HealthLog,
    now: DateTime<Utc>,
) -> Result<usize> {
    let events = log.drain();
    let tx = store.conn_mut().transaction().map_err(db)?;
    for event in &events {
        record_event(&tx, event)?;
    }
    record_live(&tx, &client.health(), now)?;
    tx.commit().map_err(db)?;
    Ok(events.len())
}

/// The health report of `store` at `now`.
pub fn health_report(store: &Store, now: DateTime<Utc>) -> Result<HealthReport> {
    let conn = store.conn();
    let families = table::read_families(conn, now, RECENT_WINDOW)?;
    let pipeline = pipeline::read_pipeline(conn, &families)?;
    let connections = read_connections(conn)?;
    let (score, status, recommendations) = advice::advise(&families, &pipeline, &connections, now);
    Ok(HealthReport {
        generated_at: table::rfc3339(now),
        score,
        status,
        window_minutes: RECENT_WINDOW.as_secs() / 60,
        families: families
            .into_iter()
            .map(|f| (f.family.as_str().to_owned(), f))
            .collect(),
        pipeline,
        connections,
        recommendations,
    })
}

/// The health report of the database at `path`. A database that cannot be opened is a
/// report saying so (score 0), not an error: the Health screen must still show something.
pub fn health_at_path(path: &Path, now: DateTime<Utc>) -> HealthReport {
    match Store::open(path).map_err(ApiError::from) {
        Ok(store) => health_report(&store, now).unwrap_or_else(|e| unreachable(e, now)),
        Err(e) => unreachable(e, now),
    }
}

/// The report of a store that could not be read: score 0 and why.
pub(crate) fn unreachable(error: ApiError, now: DateTime<Utc>) -> HealthReport {
    HealthReport {
        generated_at: table::rfc3339(now),
        score: 0,
        status: OverallStatus::Unhealthy,
        window_minutes: RECENT_WINDOW.as_secs() / 60,
        families: BTreeMap::new(),
        pipeline: PipelineHealth {
            store_reachable: false,
            store_size_bytes: 0,
            last_sync: vec![],
            error_rate: None,
            queue_depth: 0,
            queue_dead: 0,
            embedding_backlog: None,
            reconciliation_mismatches: None,
            last_run_failed: None,
            quarantined_records: 0,
            quarantined_by_rule: vec![],
        },
        connections: vec![],
        recommendations: vec![Recommendation {
            severity: Severity::Critical,
            code: "store_unreachable",
            family: None,
            message: format!(
                "Keeper cannot read its database ({}): {}",
                error.code, error.message
            ),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_database_is_a_report_that_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("f");
        std::fs::write(&blocker, b"x").unwrap();
        let report = health_at_path(&blocker.join("k.sqlite3"), Utc::now());
        assert!(!report.pipeline.store_reachable);
        assert_eq!(report.score, 0);
        assert_eq!(report.recommendations[0].code, "store_unreachable");
    }

    #[test]
    fn an_empty_database_reports_no_families_and_asks_for_a_sync() {
        let store = Store::open_in_memory().unwrap();
        let report = health_report(&store, Utc::now()).unwrap();
        assert!(report.families.is_empty());
        assert!(report.pipeline.store_reachable);
        assert!(report.pipeline.store_size_bytes > 0);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["recommendations"][0]["code"], "not_synced");
        assert_eq!(json["pipeline"]["embedding_backlog"], serde_json::json!(0));
    }
}
