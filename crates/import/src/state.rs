//! The import state in the store (migration 0003): runs, a checkpoint per stream and window
//! (written in the same transaction as the window's page, with the cursor that continues
//! it), sync cursors, and customers Square deleted or merged away.

use crate::plan::{Stream, Window};
use crate::writer::PageWrite;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

/// Whether a run is a historical import or a daily sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunKind {
    Import,
    Sync,
}

impl RunKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Import => "import",
            RunKind::Sync => "sync",
        }
    }
}

/// A run as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub id: i64,
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// An earlier, unfinished attempt is being continued.
    pub resumed: bool,
}

/// A window's checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowState {
    pub stream: String,
    pub key: String,
    pub seq: i64,
    pub begin_at: Option<String>,
    pub end_at: Option<String>,
    pub scope: Vec<String>,
    pub status: String,
    pub cursor: Option<String>,
    pub pages: i64,
    pub objects: i64,
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub quarantined: i64,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub reported: Option<i64>,
    pub stored: Option<i64>,
}

impl WindowState {
    /// The plan's window this checkpoint belongs to.
    pub fn window(&self) -> Option<Window> {
        let parse = |t: &Option<String>| {
            t.as_deref()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|d| d.with_timezone(&Utc))
        };
        Some(Window {
            stream: Stream::parse(&self.stream)?,
            key: self.key.clone(),
            seq: self.seq,
            begin: parse(&self.begin_at),
            end: parse(&self.end_at),
            scope: self.scope.clone(),
        })
    }
}

/// RFC 3339 in UTC with milliseconds, the form every state column uses.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn parse_utc(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
        })
}

/// The latest unfinished import, if any (its bounds are kept so a restart reads the same
/// windows), else a new run over `[since, until)`.
pub fn open_import_run(
    conn: &Connection,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    started_at: DateTime<Utc>,
) -> rusqlite::Result<Run> {
    let open: Option<(i64, String, String)> = conn
        .query_row(
            "SELECT id, since, until FROM import_runs
             WHERE kind = 'import' AND finished_at IS NULL ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    if let Some((id, s, u)) = open {
        conn.execute(
            "UPDATE import_runs SET status = 'running' WHERE id = ?1",
            [id],
        )?;
        return Ok(Run {
            id,
            since: parse_utc(&s)?,
            until: parse_utc(&u)?,
            resumed: true,
        });
    }
    new_run(conn, RunKind::Import, since, until, started_at)
}

/// A new run.
pub fn new_run(
    conn: &Connection,
    kind: RunKind,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    started_at: DateTime<Utc>,
) -> rusqlite::Result<Run> {
    conn.execute(
        "INSERT INTO import_runs (kind, since, until, started_at) VALUES (?1, ?2, ?3, ?4)",
        (
            kind.as_str(),
            rfc3339(since),
            rfc3339(until),
            rfc3339(started_at),
        ),
    )?;
    Ok(Run {
        id: conn.last_insert_rowid(),
        since,
        until,
        resumed: false,
    })
}

/// Records the planned windows (windows already recorded keep their checkpoints).
pub fn plan_windows(conn: &Connection, run_id: i64, windows: &[Window]) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO import_windows (run_id, stream, window_key, seq, begin_at, end_at, scope)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for w in windows {
        stmt.execute((
            run_id,
            w.stream.as_str(),
            &w.key,
            w.seq,
            w.begin.map(rfc3339),
            w.end.map(rfc3339),
            w.scope.join(","),
        ))?;
    }
    Ok(())
}

/// Every window of a run, in priority order.
pub fn windows(conn: &Connection, run_id: i64) -> rusqlite::Result<Vec<WindowState>> {
    let mut stmt = conn.prepare(
        "SELECT stream, window_key, seq, begin_at, end_at, scope, status, cursor, pages, objects,
                inserted, updated, unchanged, quarantined, attempts, last_error, reported, stored
         FROM import_windows WHERE run_id = ?1 ORDER BY seq, stream, window_key",
    )?;
    let rows = stmt.query_map([run_id], |r| {
        let scope: Option<String> = r.get(5)?;
        Ok(WindowState {
            stream: r.get(0)?,
            key: r.get(1)?,
            seq: r.get(2)?,
            begin_at: r.get(3)?,
            end_at: r.get(4)?,
            scope: scope
                .filter(|s| !s.is_empty())
                .map(|s| s.split(',').map(str::to_owned).collect())
                .unwrap_or_default(),
            status: r.get(6)?,
            cursor: r.get(7)?,
            pages: r.get(8)?,
            objects: r.get(9)?,
            inserted: r.get(10)?,
            updated: r.get(11)?,
            unchanged: r.get(12)?,
            quarantined: r.get(13)?,
            attempts: r.get(14)?,
            last_error: r.get(15)?,
            reported: r.get(16)?,
            stored: r.get(17)?,
        })
    })?;
    rows.collect()
}

/// Starts (or restarts) a window from its beginning: its counts go back to zero, since
/// every page is read again (rewriting stored pages changes nothing).
pub fn start_window(
    conn: &Connection,
    run_id: i64,
    stream: Stream,
    key: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE import_windows SET status = 'running', cursor = NULL, pages = 0, objects = 0,
            inserted = 0, updated = 0, unchanged = 0, quarantined = 0, reported = NULL,
            stored = NULL, attempts = attempts + 1
         WHERE run_id = ?1 AND stream = ?2 AND window_key = ?3",
    )?
    .execute((run_id, stream.as_str(), key))?;
    Ok(())
}

/// Opens a window for reading. An interrupted window (not done, with the cursor of its last
/// stored page) is resumed: its counts stay and `Some((cursor, objects))` is returned, the
/// objects its stored pages hold. Any other window starts from its beginning (`None`).
pub fn open_window(
    conn: &Connection,
    run_id: i64,
    stream: Stream,
    key: &str,
) -> rusqlite::Result<Option<(String, i64)>> {
    let resume: Option<(String, i64)> = conn
        .prepare_cached(
            "SELECT cursor, objects FROM import_windows
             WHERE run_id = ?1 AND stream = ?2 AND window_key = ?3
               AND status != 'done' AND cursor IS NOT NULL AND pages > 0",
        )?
        .query_row((run_id, stream.as_str(), key), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    if resume.is_none() {
        start_window(conn, run_id, stream, key)?;
        return Ok(None);
    }
    conn.prepare_cached(
        "UPDATE import_windows SET status = 'running', attempts = attempts + 1
         WHERE run_id = ?1 AND stream = ?2 AND window_key = ?3",
    )?
    .execute((run_id, stream.as_str(), key))?;
    Ok(resume)
}

/// The checkpoint of one stored page: call inside the page's transaction. `closed` — the
/// distinct objects Square returned for the window and how many of them the store holds —
/// closes the window.
pub fn page_checkpoint(
    conn: &Connection,
    run_id: i64,
    stream: Stream,
    key: &str,
    page: &PageWrite,
    cursor: Option<&str>,
    closed: Option<(i64, i64)>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE import_windows SET pages = pages + 1, objects = objects + ?4,
            inserted = inserted + ?5, updated = updated + ?6, unchanged = unchanged + ?7,
            quarantined = quarantined + ?8, cursor = ?9, last_error = NULL,
            status = CASE WHEN ?10 IS NOT NULL THEN 'done' ELSE 'running' END,
            reported = ?10, stored = ?11
         WHERE run_id = ?1 AND stream = ?2 AND window_key = ?3",
    )?
    .execute((
        run_id,
        stream.as_str(),
        key,
        page.objects as i64,
        page.inserted as i64,
        page.updated as i64,
        page.unchanged as i64,
        page.quarantined as i64,
        cursor,
        closed.map(|c| c.0),
        closed.map(|c| c.1),
    ))?;
    Ok(())
}

/// Marks a window failed with the error; it is retried, by this run or the next.
pub fn fail_window(
    conn: &Connection,
    run_id: i64,
    stream: Stream,
    key: &str,
    status: &str,
    error: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE import_windows SET status = ?4, last_error = ?5
         WHERE run_id = ?1 AND stream = ?2 AND window_key = ?3",
    )?
    .execute((run_id, stream.as_str(), key, status, error))?;
    Ok(())
}

/// Closes a run.
pub fn finish_run(
    conn: &Connection,
    run_id: i64,
    ok: bool,
    finished_at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    if ok {
        conn.execute(
            "UPDATE import_runs SET status = 'done', finished_at = ?2 WHERE id = ?1",
            (run_id, rfc3339(finished_at)),
        )?;
    } else {
        conn.execute(
            "UPDATE import_runs SET status = 'failed' WHERE id = ?1",
            [run_id],
        )?;
    }
    Ok(())
}

/// The latest finished run of `kind`: `(id, until)`.
pub fn last_finished(conn: &Connection, kind: RunKind) -> rusqlite::Result<Option<(i64, String)>> {
    conn.query_row(
        "SELECT id, until FROM import_runs WHERE kind = ?1 AND status = 'done'
         ORDER BY id DESC LIMIT 1",
        [kind.as_str()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// The latest run of any kind that has windows: `(id, kind)`.
pub fn latest_run(conn: &Connection) -> rusqlite::Result<Option<(i64, String)>> {
    conn.query_row(
        "SELECT id, kind FROM import_runs ORDER BY id DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// A stream's sync cursor.
pub fn sync_cursor(conn: &Connection, stream: &str) -> rusqlite::Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT cursor_at FROM sync_cursors WHERE stream = ?1",
            [stream],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten())
}

/// Moves a stream's sync cursor.
pub fn set_sync_cursor(
    conn: &Connection,
    stream: &str,
    cursor_at: DateTime<Utc>,
    synced_at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO sync_cursors (stream, cursor_at, synced_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(stream) DO UPDATE SET cursor_at = excluded.cursor_at,
            synced_at = excluded.synced_at",
        (stream, rfc3339(cursor_at), rfc3339(synced_at)),
    )?;
    Ok(())
}

/// Records a customer Square no longer lists.
pub fn mark_customer(
    conn: &Connection,
    customer_id: &str,
    merged_into: Option<&str>,
    detected_at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO customer_status (customer_id, status, merged_into, detected_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(customer_id) DO UPDATE SET status = excluded.status,
            merged_into = excluded.merged_into",
        (
            customer_id,
            if merged_into.is_some() {
                "merged"
            } else {
                "deleted"
            },
            merged_into,
            rfc3339(detected_at),
        ),
    )?;
    Ok(())
}
