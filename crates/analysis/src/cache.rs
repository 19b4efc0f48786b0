//! The incremental read: every owner's [`Part`] kept in memory between runs, and the
//! store's marks of the owners that changed since (migration 0022).
//!
//! A full read derives every owner's part from the history tables. The parts are then kept
//! in this process, per database file, with the generation the run wrote to
//! `analysis_read_state`. An incremental read derives again only the owners that may have
//! changed since, and takes every other part from memory:
//! * owners the store's triggers marked in `analysis_dirty` (a row of theirs was inserted,
//!   changed or deleted: payments, refunds, orders, bookings, loyalty accounts, the customer
//!   record; the triggers write only the owner's key, and the first run installs them
//!   ([`install_triggers`]), so writes before any analysis pay nothing for them);
//! * owners whose part has a row that starts to count by `now` (`valid_until`: an order or
//!   payment dated after the last run, a booking that has started since).
//!
//! Anything that touches every part (a location's time zone changed, marked `*`), no parts
//! in memory for this file (a new process, an in-memory database), a generation that moved
//! (another process or connection ran analysis and consumed the marks), or a `now` earlier
//! than the last run's, means a full read. Nothing is written to keep the parts, so a full
//! run costs what reading the store costs. Everything that depends on `now` alone (days
//! since the last visit, how overdue, P(alive), the 12-month windows, upcoming bookings,
//! today's tasks) is computed from the merged parts on every run, so it is right for every
//! customer whichever way the parts were read.

use crate::data::{Catalog, Dataset, Zones};
use crate::derive::{self, Part, Scope, ts_text};
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The parts' format; a state row of another format means a full read.
pub const FORMAT: i64 = 2;

/// Whether a run may read incrementally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// Derive every owner's part afresh.
    Full,
    /// Derive only the owners that changed when the kept parts allow it, else full.
    Incremental,
}

/// Parts kept after a run on one database file.
struct Kept {
    generation: i64,
    derived_at: DateTime<Utc>,
    parts: BTreeMap<String, Part>,
}

/// Kept parts by database file (a process holds at most a few).
static KEPT: Mutex<Option<HashMap<PathBuf, Kept>>> = Mutex::new(None);

fn kept() -> MutexGuard<'static, Option<HashMap<PathBuf, Kept>>> {
    // A panic while holding the lock leaves nothing half-written: entries are whole.
    KEPT.lock().unwrap_or_else(|e| e.into_inner())
}

/// Drops the parts kept for `db` (the next run on it reads everything).
pub fn forget(db: &Path) {
    if let Some(map) = kept().as_mut() {
        map.remove(db);
    }
}

/// What a read did; [`store`] and [`keep`] finish it.
#[derive(Debug)]
pub struct Update {
    /// Every part was derived.
    pub full: bool,
    /// Why a requested incremental read was full.
    pub full_reason: Option<String>,
    /// Owners derived this run.
    pub keys: BTreeSet<String>,
    /// Every owner's part after this run.
    pub parts: BTreeMap<String, Part>,
    /// Dirty marks this run consumed (the highest `seq` read).
    pub dirty_seq: Option<i64>,
    /// Owners whose part came from memory.
    pub kept: usize,
    /// The generation [`store`] wrote.
    pub generation: i64,
}

fn state(conn: &Connection) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .query_row(
            "SELECT generation, format FROM analysis_read_state WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

fn dirty_marks(conn: &Connection) -> Result<(BTreeSet<String>, Option<i64>)> {
    let mut dirty = BTreeSet::new();
    let mut seq = None;
    let mut stmt = conn.prepare("SELECT seq, key FROM analysis_dirty ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        seq = Some(r.get::<_, i64>(0)?);
        dirty.insert(r.get::<_, String>(1)?);
    }
    Ok((dirty, seq))
}

/// The triggers that mark changed owners in `analysis_dirty`.
const TRIGGERS: &str = include_str!("dirty_triggers.sql");

/// Installs [`TRIGGERS`] unless every one of them is there. They are not in migration 0022
/// so that writes before any analysis (the first import) pay nothing for them.
pub fn install_triggers(conn: &Connection) -> Result<()> {
    let present: usize = conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'analysis\\_dirty\\_%' ESCAPE '\\'",
        [],
        |r| r.get::<_, i64>(0),
    )? as usize;
    if present != TRIGGERS.matches("CREATE TRIGGER").count() {
        conn.execute_batch(TRIGGERS)?;
    }
    Ok(())
}

/// The kept parts usable at `now` with the keys to derive again, or why not.
fn plan(
    conn: &Connection,
    db: Option<&Path>,
    now: DateTime<Utc>,
    dirty: &BTreeSet<String>,
) -> Result<std::result::Result<(Kept, BTreeSet<String>), String>> {
    let Some(db) = db else {
        return Ok(Err("an in-memory database keeps no parts".into()));
    };
    let Some(kept) = kept().as_mut().and_then(|m| m.remove(db)) else {
        return Ok(Err("no parts kept for this database".into()));
    };
    match state(conn)? {
        Some((generation, FORMAT)) if generation == kept.generation => {}
        Some((generation, format)) => {
            return Ok(Err(format!(
                "the store is at generation {generation} (format {format}), the kept parts at {}",
                kept.generation
            )));
        }
        None => return Ok(Err("the store has no read state".into())),
    }
    if now < kept.derived_at {
        return Ok(Err(format!(
            "parts derived at {}, after now",
            ts_text(&kept.derived_at)
        )));
    }
    if dirty.contains("*") {
        return Ok(Err("a location's time zone changed".into()));
    }
    let mut keys = dirty.clone();
    for (key, part) in &kept.parts {
        if part.valid_until.is_some_and(|u| u <= now) {
            keys.insert(key.clone());
        }
    }
    Ok(Ok((kept, keys)))
}

/// Reads the store as of `now`, incrementally when `read` allows and parts are kept for
/// `db`. Returns the dataset and what [`store`] and [`keep`] finish.
pub fn load(
    conn: &Connection,
    db: Option<&Path>,
    now: DateTime<Utc>,
    read: Read,
) -> Result<(Dataset, Update)> {
    let zones = Zones::load(conn)?;
    let catalog = Catalog::load(conn)?;
    // The triggers go in before anything is read, so every later write is either seen by
    // this read or marked for the next.
    install_triggers(conn)?;
    conn.execute(
        "INSERT OR IGNORE INTO analysis_read_state (id, generation, format) VALUES (1, 0, ?1)",
        [FORMAT],
    )?;
    // Marks next: a row changed while the owners are read is marked after `dirty_seq` and
    // read again by the next run.
    let (dirty, dirty_seq) = dirty_marks(conn)?;
    let planned = match read {
        Read::Full => Err("a full read was asked for".to_string()),
        Read::Incremental => plan(conn, db, now, &dirty)?,
    };
    let (parts, keys, full_reason, kept) = match planned {
        Ok((kept, keys)) => {
            let fresh = derive::derive(conn, now, &zones, Scope::Keys(&keys))?;
            let mut parts = kept.parts;
            for key in &keys {
                parts.remove(key);
            }
            let kept = parts.len();
            parts.extend(fresh);
            (parts, keys, None, Some(kept))
        }
        Err(reason) => {
            let parts = derive::derive(conn, now, &zones, Scope::All)?;
            let reason = (read == Read::Incremental).then_some(reason);
            (parts, BTreeSet::new(), reason, None)
        }
    };
    let data = Dataset::from_parts(conn, now, &zones, &catalog, &parts)?;
    Ok((
        data,
        Update {
            full: kept.is_none(),
            full_reason,
            keys,
            parts,
            dirty_seq,
            kept: kept.unwrap_or(0),
            generation: 0,
        },
    ))
}

/// Records the run in the caller's transaction: clears the consumed dirty marks and moves
/// the generation (so parts kept elsewhere, which missed these marks, are not used).
pub fn store(conn: &Connection, update: &mut Update) -> Result<()> {
    if let Some(seq) = update.dirty_seq {
        conn.execute("DELETE FROM analysis_dirty WHERE seq <= ?1", [seq])?;
    }
    let generation = state(conn)?.map_or(1, |(g, _)| g + 1);
    conn.execute(
        "INSERT INTO analysis_read_state (id, generation, format) VALUES (1, ?1, ?2)
         ON CONFLICT(id) DO UPDATE SET generation = excluded.generation,
                                       format = excluded.format",
        params![generation, FORMAT],
    )?;
    update.generation = generation;
    Ok(())
}

/// Keeps the run's parts for the next run on `db` (call once the run's transaction is
/// committed).
pub fn keep(db: Option<&Path>, update: Update, now: DateTime<Utc>) {
    let Some(db) = db else {
        drop_elsewhere(update);
        return;
    };
    let replaced = kept().get_or_insert_with(HashMap::new).insert(
        db.to_path_buf(),
        Kept {
            generation: update.generation,
            derived_at: now,
            parts: update.parts,
        },
    );
    if let Some(old) = replaced {
        drop_elsewhere(old.parts);
    }
}

/// Frees `value` on a thread of its own: every owner's part is hundreds of thousands of
/// small allocations, and the run need not wait for them to be freed. (When no thread can
/// be started, the refused closure frees it here.)
pub fn drop_elsewhere<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("analysis-free".into())
        .spawn(move || drop(value));
}
