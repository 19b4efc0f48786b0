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
    let hash = content_hash(obj.json);
    let existing: Option<String> = conn
        .prepare_cached(
            "SELECT content_hash FROM raw_objects WHERE object_type = ?1 AND square_id = ?2",
        )?
        .query_row((obj.object_type, obj.square_id), |r| r.get(0))
        .optional()?;
    match existing {
        Some(h) if h == hash => Ok(RawWrite::Unchanged),
        Some(_) => {
            conn.prepare_cached(
                "UPDATE raw_objects SET version = ?3, fetched_at = ?4, content_hash = ?5, json = ?6
                 WHERE object_type = ?1 AND square_id = ?2",
            )?
            .execute((
                obj.object_type,
                obj.square_id,
                obj.version,
                fetched_at,
                &hash,
                obj.json,
            ))?;
            Ok(RawWrite::Updated)
        }
        None => {
            conn.prepare_cached(
                "INSERT INTO raw_objects (object_type, square_id, version, fetched_at, content_hash, json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute((obj.object_type, obj.square_id, obj.version, fetched_at, &hash, obj.json))?;
            Ok(RawWrite::Inserted)
        }
    }
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
