//! Keeping `search_documents` and `search_fts` in step with the store, and embedding the
//! documents whose text changed since their vector was made.
//!
//! Embedding works through the pending documents shortest first, in chunks (read a chunk,
//! embed it in small batches of texts of nearly equal length, write it in one transaction), so
//! texts and vectors in memory stay bounded by the chunk size whatever the number of
//! customers; progress is reported after each chunk and a cancellation flag is checked between
//! batches.

use crate::document::{self, CustomerDocument};
use crate::error::{Result, SearchError};
use crate::facts;
use crate::model::{self, Embedder};
use crate::profile;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// What a refresh of the documents changed.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct RefreshStats {
    pub documents: usize,
    pub inserted: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Rebuilds every customer's document as of `now`; rows whose text is unchanged are left
/// alone (their vectors stay valid).
pub fn refresh_documents(conn: &mut Connection, now: DateTime<Utc>) -> Result<RefreshStats> {
    let all = facts::load(conn, None)?;
    let docs: Vec<CustomerDocument> = all.values().map(|f| document::build(f, now)).collect();
    let tx = conn.transaction()?;
    let mut stats = write_documents(&tx, &docs, now)?;
    // Customers that no longer exist.
    let keep: HashSet<&str> = docs.iter().map(|d| d.customer_id.as_str()).collect();
    let stale: Vec<String> = {
        let mut all_rows = tx.prepare("SELECT customer_id FROM search_documents")?;
        all_rows
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter(|id| !keep.contains(id.as_str()))
            .collect()
    };
    stats.removed = remove_documents(&tx, &stale)?;
    tx.commit()?;
    Ok(stats)
}

/// Above this many customers, [`refresh_customers`] rebuilds every document instead: the
/// full build reads each table once (seconds on `large`), the per-customer one reads one
/// customer's rows through the customer indexes (a few milliseconds each) once per customer.
pub const FULL_REFRESH_ABOVE: usize = 1000;

/// Rebuilds the documents of `customer_ids` only (after an enrichment change touched them),
/// as of `now`; an id that is no longer a customer loses its document. Does nothing when no
/// document was ever built (the first search or sync builds them all). Each customer's spend
/// rank is placed among the stored documents' lifetime values
/// ([`facts::SpendValues::stored`]), which the last full build wrote from the payments.
pub fn refresh_customers(
    conn: &mut Connection,
    customer_ids: &[String],
    now: DateTime<Utc>,
) -> Result<RefreshStats> {
    let built: i64 = conn.query_row("SELECT COUNT(*) FROM search_documents", [], |r| r.get(0))?;
    if built == 0 || customer_ids.is_empty() {
        return Ok(RefreshStats::default());
    }
    let mut ids: Vec<&String> = customer_ids.iter().collect();
    ids.sort();
    ids.dedup();
    if ids.len() > FULL_REFRESH_ABOVE {
        return refresh_documents(conn, now);
    }
    let mut docs = Vec::with_capacity(ids.len());
    let mut gone = Vec::new();
    // The other customers' spend as their stored documents have it (not an aggregate of
    // every payment per customer: that took a second a customer on `large`).
    let spend = facts::SpendValues::stored(conn)?;
    for id in ids {
        match facts::load_one(conn, id, &spend)? {
            Some(f) => docs.push(document::build(&f, now)),
            None => gone.push(id.clone()),
        }
    }
    let tx = conn.transaction()?;
    let mut stats = write_documents(&tx, &docs, now)?;
    stats.removed = remove_documents(&tx, &gone)?;
    tx.commit()?;
    Ok(stats)
}

/// Inserts new documents and rewrites changed ones (with their FTS rows); unchanged ones are
/// counted and left alone. Every document's profile is written when it differs from the
/// stored one (a spend rank can move while the text stays the same).
fn write_documents(
    tx: &Connection,
    docs: &[CustomerDocument],
    now: DateTime<Utc>,
) -> Result<RefreshStats> {
    let built_at = now.to_rfc3339();
    let mut stats = RefreshStats {
        documents: docs.len(),
        ..RefreshStats::default()
    };
    let mut existing =
        tx.prepare("SELECT rowid, content_hash FROM search_documents WHERE customer_id = ?1")?;
    let mut insert = tx.prepare(
        "INSERT INTO search_documents (customer_id, display_name, text, content_hash, built_at, \
         lapsed, lifetime_value, currency, last_visit, services, staff, embed_text) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let mut update = tx.prepare(
        "UPDATE search_documents SET display_name = ?2, text = ?3, content_hash = ?4, \
         built_at = ?5, lapsed = ?6, lifetime_value = ?7, currency = ?8, last_visit = ?9, \
         services = ?10, staff = ?11, embed_text = ?12 WHERE customer_id = ?1",
    )?;
    let mut fts_delete = tx.prepare("DELETE FROM search_fts WHERE rowid = ?1")?;
    let mut fts_insert = tx.prepare("INSERT INTO search_fts (rowid, text) VALUES (?1, ?2)")?;
    for d in docs {
        let values = params![
            d.customer_id,
            d.display_name,
            d.text,
            d.content_hash,
            built_at,
            d.lapsed,
            d.lifetime_value,
            d.currency,
            d.last_visit,
            d.services,
            d.staff,
            d.embed_text
        ];
        let row: Option<(i64, String)> = existing
            .query_row([&d.customer_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match row {
            Some((_, hash)) if hash == d.content_hash => stats.unchanged += 1,
            Some((rowid, _)) => {
                update.execute(values)?;
                fts_delete.execute([rowid])?;
                fts_insert.execute(params![rowid, d.text])?;
                stats.changed += 1;
            }
            None => {
                insert.execute(values)?;
                fts_insert.execute(params![tx.last_insert_rowid(), d.text])?;
                stats.inserted += 1;
            }
        }
        profile::write(tx, &d.customer_id, &d.profile)?;
    }
    Ok(stats)
}

/// Deletes the documents (and FTS rows) of `customer_ids`; returns how many existed.
fn remove_documents(tx: &Connection, customer_ids: &[String]) -> Result<usize> {
    let mut find = tx.prepare("SELECT rowid FROM search_documents WHERE customer_id = ?1")?;
    let mut fts_delete = tx.prepare("DELETE FROM search_fts WHERE rowid = ?1")?;
    let mut delete = tx.prepare("DELETE FROM search_documents WHERE rowid = ?1")?;
    let mut removed = 0;
    for id in customer_ids {
        if let Some(rowid) = find.query_row([id], |r| r.get::<_, i64>(0)).optional()? {
            fts_delete.execute([rowid])?;
            delete.execute([rowid])?;
            profile::remove(tx, id)?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// How many documents still need a vector from model `model_id`.
pub fn pending_count(conn: &Connection, model_id: &str) -> Result<usize> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM search_documents WHERE embedding IS NULL \
         OR embedded_hash IS NOT content_hash OR embedding_model IS NOT ?1",
        [model_id],
        |r| r.get::<_, i64>(0),
    )? as usize)
}

/// How many documents have a current vector from model `model_id`.
pub fn embedded_count(conn: &Connection, model_id: &str) -> Result<usize> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM search_documents WHERE embedding IS NOT NULL \
         AND embedded_hash = content_hash AND embedding_model = ?1",
        [model_id],
        |r| r.get::<_, i64>(0),
    )? as usize)
}

/// Chunking of the embedding work.
#[derive(Debug, Clone, Copy)]
pub struct EmbedOptions {
    /// Documents read and written per transaction.
    pub chunk: usize,
    /// Documents per model call (small: large batches add memory, not speed).
    pub batch: usize,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        EmbedOptions {
            chunk: 64,
            batch: 8,
        }
    }
}

/// Progress after each chunk.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct EmbedProgress {
    pub done: usize,
    pub total: usize,
}

/// What an embedding pass did.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct EmbedStats {
    pub embedded: usize,
    pub elapsed_ms: u64,
    pub docs_per_second: f64,
}

/// The pending documents' rowids, shortest text first (ties by rowid).
fn pending_by_length(conn: &Connection, model_id: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT rowid FROM search_documents WHERE embedding IS NULL \
         OR embedded_hash IS NOT content_hash OR embedding_model IS NOT ?1 \
         ORDER BY length(COALESCE(embed_text, text)), rowid",
    )?;
    let rows = stmt.query_map([model_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Embeds every pending document. Returns [`SearchError::Cancelled`] (keeping what was
/// written so far) when `cancel` is set.
///
/// The documents go through the model shortest first: a batch is padded to its longest text,
/// so batches of texts of nearly the same length waste almost nothing on padding (about 15%
/// less model time on `salon` than sorting within each chunk only). Only the order (one rowid
/// per pending document) is held for the whole pass; texts and vectors are held a chunk at a
/// time.
pub fn embed_pending(
    conn: &mut Connection,
    embedder: &mut Embedder,
    options: EmbedOptions,
    progress: &mut dyn FnMut(EmbedProgress),
    cancel: &AtomicBool,
) -> Result<EmbedStats> {
    let started = Instant::now();
    let model_id = embedder.model_id();
    let order = pending_by_length(conn, model_id)?;
    let total = order.len();
    let chunk = options.chunk.max(1);
    let batch = options.batch.max(1);
    let (mut done, mut embedded) = (0usize, 0usize);
    progress(EmbedProgress { done, total });
    for ids in order.chunks(chunk) {
        // (rowid, text, hash) in length order; a document removed since the order was read
        // is skipped.
        let rows: Vec<(i64, String, String)> = {
            let mut stmt = conn.prepare_cached(
                "SELECT rowid, COALESCE(embed_text, text), content_hash FROM search_documents \
                 WHERE rowid = ?1",
            )?;
            let mut rows = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(row) = stmt
                    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()?
                {
                    rows.push(row);
                }
            }
            rows
        };
        let mut vectors: Vec<Vec<f32>> = Vec::with_capacity(rows.len());
        for group in rows.chunks(batch) {
            if cancel.load(Ordering::Relaxed) {
                return Err(SearchError::Cancelled { embedded });
            }
            let texts: Vec<&str> = group.iter().map(|r| r.1.as_str()).collect();
            vectors.extend(embedder.embed(&texts, batch)?);
        }
        let tx = conn.transaction()?;
        {
            let mut write = tx.prepare_cached(
                "UPDATE search_documents SET embedding = ?2, embedding_model = ?3, \
                 embedded_hash = ?4 WHERE rowid = ?1",
            )?;
            for ((rowid, _, hash), v) in rows.iter().zip(&vectors) {
                write.execute(params![rowid, model::to_blob(v), model_id, hash])?;
            }
        }
        tx.commit()?;
        embedded += rows.len();
        done += ids.len();
        progress(EmbedProgress { done, total });
    }
    let elapsed = started.elapsed();
    Ok(EmbedStats {
        embedded,
        elapsed_ms: elapsed.as_millis() as u64,
        docs_per_second: if elapsed.as_secs_f64() > 0.0 {
            embedded as f64 / elapsed.as_secs_f64()
        } else {
            0.0
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use keeper_store::Store;

    fn insert(conn: &Connection, id: &str, text: &str, embedded_hash: Option<&str>) -> i64 {
        conn.execute(
            "INSERT INTO search_documents (customer_id, display_name, text, content_hash, \
             built_at, embed_text, embedding, embedding_model, embedded_hash) \
             VALUES (?1, ?1, ?2, 'h', 't', ?2, x'00', 'm', ?3)",
            params![id, text, embedded_hash],
        )
        .unwrap();
        conn.last_insert_rowid()
    }

    #[test]
    fn pending_documents_are_embedded_shortest_first_so_batches_carry_little_padding() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.conn();
        let long = insert(conn, "A", "a much longer document text", None);
        let short = insert(conn, "B", "short", None);
        insert(conn, "C", "x", Some("h")); // current vector: not pending
        let middle = insert(conn, "D", "middle text", None);
        let tie = insert(conn, "E", "tiny!", None);
        assert_eq!(
            pending_by_length(conn, "m").unwrap(),
            vec![short, tie, middle, long]
        );
        // Another model's vectors are all pending again.
        assert_eq!(pending_by_length(conn, "other").unwrap().len(), 5);
    }
}
