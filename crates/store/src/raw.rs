//! The raw table: every fetched Square object kept unchanged, keyed by (type, id), with its
//! version (or `updated_at`), when it was fetched and a SHA-256 of its JSON. Writing an object
//! whose content is unchanged leaves the row alone.

use crate::Result;
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

/// A Square object as fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct RawObject<'a> {
    /// Square's object type, e.g. `CUSTOMER`, `PAYMENT`, `ITEM_VARIATION`.
    pub object_type: &'a str,
    pub square_id: &'a str,
    /// Square's `version` when the object has one, else its `updated_at`.
    pub version: Option<&'a str>,
    /// The exact JSON text Square returned for this object.
    pub json: &'a str,
}

/// What [`upsert`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawWrite {
    Inserted,
    Updated,
    Unchanged,
}

/// A stored raw object.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRaw {
    pub object_type: String,
    pub square_id: String,
    pub version: Option<String>,
    pub fetched_at: String,
    pub content_hash: String,
    pub json: String,
}

/// SHA-256 of the JSON text, hex-encoded.
pub fn content_hash(json: &str) -> String {
    hex::encode(Sha256::digest(json.as_bytes()))
}

/// Stores `obj` fetched at `fetched_at` (RFC 3339). Unchanged content is not rewritten, so
/// `fetched_at` keeps the first time this exact content was seen.
pub fn upsert(conn: &Connection, obj: &RawObject<'_>, fetched_at: &str) -> Result<RawWrite> {
    let written = write_hashed(conn, obj, &content_hash(obj.json), fetched_at)?;
    if written == RawWrite::Inserted {
        add_counts(conn, [(obj.object_type, 1)])?;
    }
    Ok(written)
}

/// Stores a batch of objects, each with its [`content_hash`] (computed by the caller, e.g. on
/// another thread), as [`upsert`] does one. Returns what happened to each object, in order.
pub fn upsert_many<'a>(
    conn: &Connection,
    objs: impl IntoIterator<Item = (RawObject<'a>, &'a str)>,
    fetched_at: &str,
) -> Result<Vec<RawWrite>> {
    let mut batch = RawBatch::default();
    let out = objs
        .into_iter()
        .map(|(obj, hash)| batch.write(conn, &obj, hash, fetched_at))
        .collect::<Result<_>>()?;
    batch.finish(conn)?;
    Ok(out)
}

/// Raw writes inside one transaction whose `raw_object_counts` figures are added once per
/// type at the end ([`finish`](Self::finish), in the same transaction) instead of per row.
#[derive(Debug, Default)]
pub struct RawBatch {
    inserted: Vec<(String, u64)>,
}

impl RawBatch {
    /// Stores `obj`, whose JSON hashes to `hash` (its [`content_hash`]), as [`upsert`] does.
    pub fn write(
        &mut self,
        conn: &Connection,
        obj: &RawObject<'_>,
        hash: &str,
        fetched_at: &str,
    ) -> Result<RawWrite> {
        let written = write_hashed(conn, obj, hash, fetched_at)?;
        if written == RawWrite::Inserted {
            match self.inserted.iter_mut().find(|(t, _)| t == obj.object_type) {
                Some((_, n)) => *n += 1,
                None => self.inserted.push((obj.object_type.to_owned(), 1)),
            }
        }
        Ok(written)
    }

    /// Adds the inserted objects to `raw_object_counts`. Call before the transaction
    /// commits; a batch dropped without it leaves the figures short.
    pub fn finish(self, conn: &Connection) -> Result<()> {
        add_counts(conn, self.inserted.iter().map(|(t, n)| (t.as_str(), *n)))
    }
}

/// Writes one object whose JSON hashes to `hash`. A new object is a plain insert (no read
/// first: on a first import nearly every object is new); only when its key is already
/// stored is the stored hash read, and the row rewritten if the content changed.
fn write_hashed(
    conn: &Connection,
    obj: &RawObject<'_>,
    hash: &str,
    fetched_at: &str,
) -> Result<RawWrite> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO raw_objects (object_type, square_id, version, fetched_at, content_hash, json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute((obj.object_type, obj.square_id, obj.version, fetched_at, hash, obj.json));
    match inserted {
        Ok(_) => return Ok(RawWrite::Inserted),
        Err(e) if crate::row_macro::is_key_conflict(&e) => {}
        Err(e) => return Err(e.into()),
    }
    let (rowid, stored): (i64, String) = conn
        .prepare_cached(
            "SELECT rowid, content_hash FROM raw_objects WHERE object_type = ?1 AND square_id = ?2",
        )?
        .query_row((obj.object_type, obj.square_id), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    if stored == hash {
        return Ok(RawWrite::Unchanged);
    }
    conn.prepare_cached(
        "UPDATE raw_objects SET version = ?2, fetched_at = ?3, content_hash = ?4, json = ?5
         WHERE rowid = ?1",
    )?
    .execute((rowid, obj.version, fetched_at, hash, obj.json))?;
    Ok(RawWrite::Updated)
}

/// Adds inserted objects to `raw_object_counts` (migration 0013's figures, kept by this
/// module since 0020 instead of by a trigger per row).
fn add_counts<'a>(
    conn: &Connection,
    added: impl IntoIterator<Item = (&'a str, u64)>,
) -> Result<()> {
    for (object_type, n) in added {
        conn.prepare_cached(
            "INSERT INTO raw_object_counts (object_type, rows) VALUES (?1, ?2)
             ON CONFLICT (object_type) DO UPDATE SET rows = rows + excluded.rows",
        )?
        .execute((object_type, n as i64))?;
    }
    Ok(())
}

/// Reads one stored object.
pub fn get(conn: &Connection, object_type: &str, square_id: &str) -> Result<Option<StoredRaw>> {
    Ok(conn
        .prepare_cached(
            "SELECT object_type, square_id, version, fetched_at, content_hash, json
             FROM raw_objects WHERE object_type = ?1 AND square_id = ?2",
        )?
        .query_row((object_type, square_id), |r| {
            Ok(StoredRaw {
                object_type: r.get(0)?,
                square_id: r.get(1)?,
                version: r.get(2)?,
                fetched_at: r.get(3)?,
                content_hash: r.get(4)?,
                json: r.get(5)?,
            })
        })
        .optional()?)
}

/// How many raw objects of each type are stored, sorted by type.
pub fn counts_by_type(conn: &Connection) -> Result<Vec<(String, u64)>> {
    let mut stmt = conn.prepare(
        "SELECT object_type, COUNT(*) FROM raw_objects GROUP BY object_type ORDER BY object_type",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
