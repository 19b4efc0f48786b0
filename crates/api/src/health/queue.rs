//! The retry queue in the store (`retry_queue`, migration 0005): keeper-square's
//! [`RetryQueue`] saved with [`save_retry_queue`] and rebuilt with [`load_retry_queue`], so
//! low-priority work deferred to the next run survives a restart.

use super::db;
use crate::{ApiError, Result};
use keeper_square::control::{EndpointFamily, Priority, QueueRecord, QueuedRequest, RetryQueue};
use rusqlite::{Connection, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn queue_error(e: keeper_square::control::QueueError) -> ApiError {
    ApiError {
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

fn corrupt(detail: String) -> ApiError {
    ApiError {
        code: "retry_queue_decode".to_owned(),
        message: format!("a stored queued request could not be read: {detail}"),
    }
}

/// Replaces the stored queue with `queue`, in one transaction.
pub fn save_retry_queue<T: Serialize>(conn: &mut Connection, queue: &RetryQueue<T>) -> Result<()> {
    let records = queue.to_records().map_err(queue_error)?;
    let tx = conn.transaction().map_err(db)?;
    tx.execute("DELETE FROM retry_queue", []).map_err(db)?;
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO retry_queue (id, family, priority, attempts, enqueued_at_ms,
                     not_before_ms, next_run, last_error_code, payload)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .map_err(db)?;
        for r in &records {
            insert
                .execute(params![
                    r.id as i64,
                    r.family.as_str(),
                    r.priority.as_str(),
                    r.attempts,
                    r.enqueued_at_ms as i64,
                    r.not_before_ms as i64,
                    r.next_run,
                    r.last_error_code,
                    r.payload.to_string(),
                ])
                .map_err(db)?;
        }
    }
    tx.commit().map_err(db)
}

/// The stored queue (empty when nothing is stored).
pub fn load_retry_queue<T: DeserializeOwned>(conn: &Connection) -> Result<RetryQueue<T>> {
    let mut stmt = conn
        .prepare(
            "SELECT id, family, priority, attempts, enqueued_at_ms, not_before_ms, next_run,
                    last_error_code, payload
             FROM retry_queue ORDER BY id",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, String>(8)?,
            ))
        })
        .map_err(db)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db)?;
    let mut records: Vec<QueueRecord> = Vec::with_capacity(rows.len());
    for (id, family, priority, attempts, enqueued, not_before, next_run, code, payload) in rows {
        let family: EndpointFamily = family.parse().map_err(|e| corrupt(format!("{e}")))?;
        let priority: Priority = serde_json::from_value(serde_json::Value::String(priority))
            .map_err(|e| corrupt(e.to_string()))?;
        records.push(QueuedRequest {
            id: id as u64,
            family,
            priority,
            attempts,
            enqueued_at_ms: enqueued as u64,
            not_before_ms: not_before as u64,
            next_run,
            last_error_code: code,
            payload: serde_json::from_str(&payload).map_err(|e| corrupt(e.to_string()))?,
        });
    }
    RetryQueue::from_records(records).map_err(queue_error)
}

/// Makes the sync's dead retry entries due again (`keeper sync --retry-dead`); returns how
/// many.
pub fn revive_dead_sync_work(conn: &Connection, now: chrono::DateTime<chrono::Utc>) -> Result<u64> {
    let n = keeper_import::retry::revive_dead(conn, now).map_err(db)?;
    Ok(n as u64)
}

/// How many requests the stored queue holds.
pub fn queue_depth(conn: &Connection) -> Result<u64> {
    let n: i64 = conn
        .query_row("SELECT count(*) FROM retry_queue", [], |r| r.get(0))
        .map_err(db)?;
    Ok(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use keeper_square::control::{Budget, RetryPlan};
    use keeper_store::Store;
    use std::time::Duration;

    #[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
    struct Page {
        stream: String,
        cursor: Option<String>,
    }

    fn page(stream: &str, cursor: &str) -> Page {
        Page {
            stream: stream.into(),
            cursor: Some(cursor.into()),
        }
    }

    #[test]
    fn deferred_low_priority_work_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.sqlite3");
        let now = Duration::from_secs(1_750_000_000);
        let ample = |_| Budget::Ample;
        let mut queue = RetryQueue::new();
        queue.push(
            now,
            EndpointFamily::Catalog,
            Priority::Low,
            page("catalog", "c1"),
        );
        queue.push(
            now,
            EndpointFamily::Payments,
            Priority::High,
            page("payments", "p2"),
        );
        let low = queue.pop_next(now, ample).unwrap();
        assert_eq!(low.payload, page("catalog", "c1"));
        assert!(
            queue
                .requeue(low, RetryPlan::NextScheduledRun, "RATE_LIMITED")
                .is_none()
        );
        {
            let mut store = Store::open(&path).unwrap();
            save_retry_queue(store.conn_mut(), &queue).unwrap();
        }
        // A new process: the database is opened again and the queue rebuilt from it.
        let store = Store::open(&path).unwrap();
        assert_eq!(queue_depth(store.conn()).unwrap(), 2);
        let mut restored: RetryQueue<Page> = load_retry_queue(store.conn()).unwrap();
        let by_id = |q: &RetryQueue<Page>| {
            let mut records = q.to_records().unwrap();
            records.sort_by_key(|r| r.id);
            records
        };
        assert_eq!(by_id(&restored), by_id(&queue), "every field survives");
        let first = restored.pop_next(now, ample).unwrap();
        assert_eq!(
            first.payload,
            page("payments", "p2"),
            "deferred work waits for the run"
        );
        assert!(restored.pop_next(now, ample).is_none());
        restored.start_scheduled_run();
        let deferred = restored.pop_next(now, ample).unwrap();
        assert_eq!(deferred.payload, page("catalog", "c1"));
        assert_eq!(deferred.last_error_code.as_deref(), Some("RATE_LIMITED"));
        let next = restored.push(now, EndpointFamily::Team, Priority::Low, page("team", "t"));
        assert!(next > 2, "new ids continue after the stored ones");
    }

    #[test]
    fn saving_replaces_what_was_stored() {
        let mut store = Store::open_in_memory().unwrap();
        let now = Duration::from_secs(1);
        let mut queue = RetryQueue::new();
        queue.push(
            now,
            EndpointFamily::Orders,
            Priority::Low,
            page("orders", "o"),
        );
        save_retry_queue(store.conn_mut(), &queue).unwrap();
        save_retry_queue(store.conn_mut(), &RetryQueue::<Page>::new()).unwrap();
        assert_eq!(queue_depth(store.conn()).unwrap(), 0);
    }
}
