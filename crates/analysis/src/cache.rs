//! The kept parts (migration 0015) and the incremental read.
//!
//! A full read derives every owner's [`Part`] from the history tables and stores them all.
//! An incremental read derives again only the owners that may have changed since, and takes
//! the others' parts from the table:
//! * owners the store's triggers marked in `analysis_dirty` (a row of theirs was inserted,
//!   changed or deleted: payments, refunds, orders and their lines and modifiers, bookings
//!   and their segments, loyalty accounts, the customer record);
//! * owners whose part has a row that starts to count by `now` (`valid_until`: an order or
//!   payment dated after the last run, a booking that has started since).
//!
//! Anything that touches every part (a location's time zone changed, marked `*`), parts
//! stored in another format, or a `now` earlier than the last run's, means a full read.
//! Everything that depends on `now` alone (days since the last visit, how overdue, P(alive),
//! the 12-month windows, upcoming bookings, today's tasks) is computed from the merged
//! parts on every run, so it is right for every customer whichever way the parts were read.

use crate::data::{Catalog, Dataset, Zones};
use crate::derive::{self, Part, Scope, ts_text};
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{BTreeMap, BTreeSet};

/// The stored parts' format; parts of another format are derived again.
pub const FORMAT: i64 = 1;

/// Whether a run may read incrementally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// Derive every owner's part afresh (and store them all).
    Full,
    /// Derive only the owners that changed when the stored parts allow it, else full.
    Incremental,
}

/// What a read did and what it leaves to store.
#[derive(Debug)]
pub struct Update {
    /// Every part was derived (the table is replaced).
    pub full: bool,
    /// Why a requested incremental read was full.
    pub full_reason: Option<String>,
    /// Owners derived this run (their rows are replaced; a key without a part is deleted).
    pub keys: BTreeSet<String>,
    pub parts: BTreeMap<String, Part>,
    /// Dirty marks this run consumed (the highest `seq` read).
    pub dirty_seq: Option<i64>,
    /// Owners whose part came from the table.
    pub kept: usize,
}

fn state(conn: &Connection) -> Result<Option<(String, i64)>> {
    Ok(conn
        .query_row(
            "SELECT derived_at, format FROM analysis_parts_state WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Why the stored parts cannot be used at `now`, or the keys to derive again.
fn plan(conn: &Connection, now: DateTime<Utc>) -> Result<std::result::Result<Plan, String>> {
    let Some((derived_at, format)) = state(conn)? else {
        return Ok(Err("no stored parts".into()));
    };
    if format != FORMAT {
        return Ok(Err(format!("stored parts have format {format}")));
    }
    let now_text = ts_text(&now);
    if now_text < derived_at {
        return Ok(Err(format!("parts derived at {derived_at}, after now")));
    }
    let (dirty, dirty_seq) = dirty_marks(conn)?;
    if dirty.contains("*") {
        return Ok(Err("a location's time zone changed".into()));
    }
    let mut keys = dirty.clone();
    let mut stmt = conn.prepare(
        "SELECT key FROM analysis_parts WHERE valid_until IS NOT NULL AND valid_until <= ?1",
    )?;
    let mut rows = stmt.query([&now_text])?;
    while let Some(r) = rows.next()? {
        keys.insert(r.get(0)?);
    }
    Ok(Ok(Plan { keys, dirty_seq }))
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

struct Plan {
    keys: BTreeSet<String>,
    dirty_seq: Option<i64>,
}

fn stored_parts(conn: &Connection, skip: &BTreeSet<String>) -> Result<BTreeMap<String, Part>> {
    let mut out = BTreeMap::new();
    let mut stmt = conn.prepare("SELECT key, part, valid_until FROM analysis_parts")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let key: String = r.get(0)?;
        if skip.contains(&key) {
            continue;
        }
        let text = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let mut part: Part = serde_json::from_str(text)?;
        let until: Option<String> = r.get(2)?;
        part.valid_until = until.as_deref().and_then(crate::data::parse_ts);
        out.insert(key, part);
    }
    Ok(out)
}

/// Reads the store as of `now`, incrementally when `read` allows and the stored parts are
/// usable. Returns the dataset and what [`store`] must write in the run's transaction.
pub fn load(conn: &Connection, now: DateTime<Utc>, read: Read) -> Result<(Dataset, Update)> {
    let zones = Zones::load(conn)?;
    let catalog = Catalog::load(conn)?;
    let planned = match read {
        Read::Full => Err("a full read was asked for".to_string()),
        Read::Incremental => plan(conn, now)?,
    };
    match planned {
        Ok(Plan { keys, dirty_seq }) => {
            let fresh = derive::derive(conn, now, &zones, Scope::Keys(&keys))?;
            let mut parts = stored_parts(conn, &keys)?;
            let kept = parts.len();
            parts.extend(fresh);
            let data = Dataset::from_parts(conn, now, &zones, &catalog, &parts)?;
            let parts = keys.iter().filter_map(|k| parts.remove_entry(k)).collect();
            Ok((
                data,
                Update {
                    full: false,
                    full_reason: None,
                    keys,
                    parts,
                    dirty_seq,
                    kept,
                },
            ))
        }
        Err(reason) => {
            let dirty_seq = dirty_marks(conn)?.1;
            let parts = derive::derive(conn, now, &zones, Scope::All)?;
            let data = Dataset::from_parts(conn, now, &zones, &catalog, &parts)?;
            Ok((
                data,
                Update {
                    full: true,
                    full_reason: (read == Read::Incremental).then_some(reason),
                    keys: parts.keys().cloned().collect(),
                    parts,
                    dirty_seq,
                    kept: 0,
                },
            ))
        }
    }
}

/// Stores what a read derived (in the caller's transaction): every part after a full
/// read, the re-derived ones after an incremental one; clears the consumed dirty marks and
/// records `now` as the parts' derivation time.
pub fn store(conn: &Connection, update: &Update, now: DateTime<Utc>) -> Result<()> {
    if update.full {
        conn.execute("DELETE FROM analysis_parts", [])?;
    }
    let mut delete = conn.prepare_cached("DELETE FROM analysis_parts WHERE key = ?1")?;
    let mut insert = conn.prepare_cached(
        "INSERT OR REPLACE INTO analysis_parts (key, part, valid_until) VALUES (?1, ?2, ?3)",
    )?;
    for key in &update.keys {
        match update.parts.get(key) {
            Some(part) => {
                insert.execute(params![
                    key,
                    serde_json::to_string(part)?,
                    part.valid_until.as_ref().map(ts_text)
                ])?;
            }
            None if !update.full => {
                delete.execute([key])?;
            }
            None => {}
        }
    }
    if let Some(seq) = update.dirty_seq {
        conn.execute("DELETE FROM analysis_dirty WHERE seq <= ?1", [seq])?;
    }
    conn.execute(
        "INSERT INTO analysis_parts_state (id, derived_at, format) VALUES (1, ?1, ?2)
         ON CONFLICT(id) DO UPDATE SET derived_at = excluded.derived_at,
                                       format = excluded.format",
        params![ts_text(&now), FORMAT],
    )?;
    Ok(())
}
