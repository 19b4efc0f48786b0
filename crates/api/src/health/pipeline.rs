//! The pipeline half of health, read from the store: is it reachable and how big, when each
//! stream was last synced, the recent API error rate, the retry queue's depth, the
//! embedding backlog, reconciliation mismatches and quarantined records.
//!
//! Tables that belong to other stages are looked up in `sqlite_master` first; a figure whose
//! table does not exist is reported as not available (`null`), never invented.

use super::db;
use super::table::FamilyHealthReport;
use crate::Result;
use rusqlite::Connection;
use serde::Serialize;

/// When one stream was last read from Square.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamSync {
    pub stream: String,
    /// RFC 3339.
    pub last_sync_at: String,
    /// Where the figure comes from: `sync_cursors`, `import_windows` or `raw_objects`.
    pub source: &'static str,
}

/// Quarantined records sharing one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarantineGroup {
    pub rule: String,
    pub records: u64,
}

/// The pipeline's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineHealth {
    pub store_reachable: bool,
    pub store_size_bytes: u64,
    pub last_sync: Vec<StreamSync>,
    /// Failed answers / answers over every endpoint family in the recent window; `null`
    /// without answers.
    pub error_rate: Option<f64>,
    /// Requests waiting in the persisted retry queue (dead entries included).
    pub queue_depth: u64,
    /// Queued sync work whose attempts ran out (migration 0010): kept, no longer retried
    /// until `keeper sync --retry-dead`.
    pub queue_dead: u64,
    /// Records waiting for an embedding; `null`: the search tables do not exist yet.
    pub embedding_backlog: Option<u64>,
    /// Windows of the latest import whose stored count differs from Square's; `null`: no
    /// reconciliation figures exist yet.
    pub reconciliation_mismatches: Option<u64>,
    /// Latest import or sync run that failed (its id), if the latest one failed.
    pub last_run_failed: Option<i64>,
    pub quarantined_records: u64,
    pub quarantined_by_rule: Vec<QuarantineGroup>,
}

fn table_exists(conn: &Connection, name: &str) -> Result<bool> {
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get(0),
        )
        .map_err(db)?;
    Ok(n > 0)
}

fn column_exists(conn: &Connection, table: &str, column: &str) -> Result<bool> {
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2",
            [table, column],
            |r| r.get(0),
        )
        .map_err(db)?;
    Ok(n > 0)
}

fn pairs(conn: &Connection, sql: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(sql).map_err(db)?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(db)?
        .collect::<rusqlite::Result<_>>()
        .map_err(db)
}

/// Last sync per stream: the sync cursors, else finished import windows, else the newest
/// fetched raw object per object type.
fn last_sync(conn: &Connection) -> Result<Vec<StreamSync>> {
    let mut out: Vec<StreamSync> = Vec::new();
    let add = |out: &mut Vec<StreamSync>, rows: Vec<(String, String)>, source: &'static str| {
        for (stream, at) in rows {
            if !out.iter().any(|s| s.stream == stream) {
                out.push(StreamSync {
                    stream,
                    last_sync_at: at,
                    source,
                });
            }
        }
    };
    if table_exists(conn, "sync_cursors")? {
        add(
            &mut out,
            pairs(
                conn,
                "SELECT stream, synced_at FROM sync_cursors ORDER BY stream",
            )?,
            "sync_cursors",
        );
    }
    if table_exists(conn, "import_windows")? && table_exists(conn, "import_runs")? {
        add(
            &mut out,
            pairs(
                conn,
                "SELECT w.stream, max(r.finished_at) FROM import_windows w
                 JOIN import_runs r ON r.id = w.run_id
                 WHERE w.status = 'done' AND r.finished_at IS NOT NULL
                 GROUP BY w.stream ORDER BY w.stream",
            )?,
            "import_windows",
        );
    }
    if out.is_empty() {
        add(
            &mut out,
            pairs(
                conn,
                "SELECT lower(object_type), max(fetched_at) FROM raw_objects
                 GROUP BY object_type ORDER BY object_type",
            )?,
            "raw_objects",
        );
    }
    Ok(out)
}

fn count(conn: &Connection, sql: &str) -> Result<u64> {
    let n: i64 = conn.query_row(sql, [], |r| r.get(0)).map_err(db)?;
    Ok(n.max(0) as u64)
}

/// Embedding backlog: search documents (migration 0006, keeper-search) without an
/// embedding of their current text. Until that table exists the figure is not available.
fn embedding_backlog(conn: &Connection) -> Result<Option<u64>> {
    let ready = table_exists(conn, "search_documents")?
        && column_exists(conn, "search_documents", "embedded_hash")?
        && column_exists(conn, "search_documents", "content_hash")?;
    if !ready {
        return Ok(None);
    }
    count(
        conn,
        "SELECT count(*) FROM search_documents
         WHERE embedding IS NULL OR embedded_hash IS NOT content_hash",
    )
    .map(Some)
}

fn reconciliation(conn: &Connection) -> Result<Option<u64>> {
    if !table_exists(conn, "import_windows")? {
        return Ok(None);
    }
    let checked = count(
        conn,
        "SELECT count(*) FROM import_windows WHERE reported IS NOT NULL AND stored IS NOT NULL",
    )?;
    if checked == 0 {
        return Ok(None);
    }
    count(
        conn,
        "SELECT count(*) FROM import_windows
         WHERE run_id = (SELECT max(run_id) FROM import_windows
                         WHERE reported IS NOT NULL AND stored IS NOT NULL)
           AND reported IS NOT NULL AND stored IS NOT NULL AND reported <> stored",
    )
    .map(Some)
}

fn last_run_failed(conn: &Connection) -> Result<Option<i64>> {
    if !table_exists(conn, "import_runs")? {
        return Ok(None);
    }
    let latest: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, status FROM import_runs ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    Ok(latest.filter(|(_, s)| s == "failed").map(|(id, _)| id))
}

/// Reads the pipeline figures; `families` gives the recent API error rate.
pub fn read_pipeline(conn: &Connection, families: &[FamilyHealthReport]) -> Result<PipelineHealth> {
    let page_count = count(conn, "PRAGMA page_count")?;
    let page_size = count(conn, "PRAGMA page_size")?;
    let answers: u64 = families.iter().map(|f| f.requests).sum();
    let failures: u64 = families.iter().map(|f| f.failures).sum();
    let mut stmt = conn
        .prepare("SELECT rule, count(*) FROM quarantine GROUP BY rule ORDER BY count(*) DESC, rule")
        .map_err(db)?;
    let quarantined_by_rule: Vec<QuarantineGroup> = stmt
        .query_map([], |r| {
            Ok(QuarantineGroup {
                rule: r.get(0)?,
                records: r.get::<_, i64>(1)? as u64,
            })
        })
        .map_err(db)?
        .collect::<rusqlite::Result<_>>()
        .map_err(db)?;
    Ok(PipelineHealth {
        store_reachable: true,
        store_size_bytes: page_count * page_size,
        last_sync: last_sync(conn)?,
        error_rate: (answers > 0).then(|| failures as f64 / answers as f64),
        queue_depth: count(conn, "SELECT count(*) FROM retry_queue")?,
        queue_dead: count(
            conn,
            "SELECT count(*) FROM retry_queue WHERE dead_at_ms IS NOT NULL",
        )?,
        embedding_backlog: embedding_backlog(conn)?,
        reconciliation_mismatches: reconciliation(conn)?,
        last_run_failed: last_run_failed(conn)?,
        quarantined_records: quarantined_by_rule.iter().map(|g| g.records).sum(),
        quarantined_by_rule,
    })
}
