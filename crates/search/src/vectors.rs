//! Every current document vector of one model held in memory, so a search scores them with one
//! pass over a flat `f32` array instead of reading and decoding each BLOB from SQLite.
//!
//! The cache knows which database and which state of it it holds: migration 0012 keeps a
//! generation number that triggers bump on every write to `search_documents`, and the cache
//! reloads only when the database path, the model or that number changed (one tiny read per
//! search otherwise). It holds the customers' profiles ([`crate::profile`]) the same way.

use crate::error::Result;
use crate::model::{self, DIMENSIONS};
use crate::profile::{self, Profiles};
use rusqlite::Connection;

/// Vectors of the documents whose embedding is current, in rowid order.
#[derive(Debug, Default)]
pub struct VectorCache {
    key: Option<(String, String, i64)>,
    rowids: Vec<i64>,
    /// `rowids.len() * DIMENSIONS` values, row after row.
    data: Vec<f32>,
    loads: usize,
    profiles_key: Option<(String, i64)>,
    profiles: Profiles,
}

/// The generation number of migration 0012.
pub fn generation(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT generation FROM search_vector_generation WHERE id = 1",
        [],
        |r| r.get(0),
    )?)
}

impl VectorCache {
    pub fn new() -> VectorCache {
        VectorCache::default()
    }

    /// Vectors held.
    pub fn len(&self) -> usize {
        self.rowids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rowids.is_empty()
    }

    /// How many times the vectors were read from the database (for tests and benchmarks).
    pub fn loads(&self) -> usize {
        self.loads
    }

    /// Makes the cache hold the current vectors of `model_id` in `conn`'s database, reading
    /// them only when something changed since the last call.
    pub fn sync(&mut self, conn: &Connection, model_id: &str) -> Result<()> {
        let key = (
            conn.path().unwrap_or_default().to_string(),
            model_id.to_string(),
            generation(conn)?,
        );
        if self.key.as_ref() == Some(&key) {
            return Ok(());
        }
        self.rowids.clear();
        self.data.clear();
        let mut stmt = conn.prepare(
            "SELECT rowid, embedding FROM search_documents WHERE embedding IS NOT NULL \
             AND embedded_hash = content_hash AND embedding_model = ?1 ORDER BY rowid",
        )?;
        let mut rows = stmt.query([model_id])?;
        while let Some(row) = rows.next()? {
            let blob = model::row_blob(row, 1)?;
            if blob.len() != DIMENSIONS * 4 {
                continue;
            }
            self.rowids.push(row.get(0)?);
            self.data.extend(
                blob.chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
        }
        self.rowids.shrink_to_fit();
        self.data.shrink_to_fit();
        self.key = Some(key);
        self.loads += 1;
        Ok(())
    }

    /// Makes the cache hold the current profiles of `conn`'s database (read only when
    /// something changed since the last call) and returns them.
    pub fn sync_profiles(&mut self, conn: &Connection) -> Result<&Profiles> {
        let key = (
            conn.path().unwrap_or_default().to_string(),
            generation(conn)?,
        );
        if self.profiles_key.as_ref() != Some(&key) {
            self.profiles = profile::load(conn)?;
            self.profiles_key = Some(key);
        }
        Ok(&self.profiles)
    }

    /// The `depth` rowids most similar to `query` (a unit vector), best first, among those
    /// `allowed` says yes to.
    pub fn nearest(
        &self,
        query: &[f32],
        depth: usize,
        allowed: impl Fn(i64) -> bool,
    ) -> Vec<(i64, f32)> {
        let mut scored: Vec<(i64, f32)> = self
            .rowids
            .iter()
            .zip(self.data.chunks_exact(DIMENSIONS))
            .filter(|(id, _)| allowed(**id))
            .map(|(id, v)| (*id, dot(query, v)))
            .collect();
        let keep = depth.min(scored.len());
        if keep < scored.len() {
            scored.select_nth_unstable_by(keep, |a, b| b.1.total_cmp(&a.1));
            scored.truncate(keep);
        }
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }
}

/// Dot product with eight running sums, so the compiler can use SIMD lanes.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_matches_the_plain_sum_for_any_length() {
        let a: Vec<f32> = (0..389).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..389).map(|i| (i as f32 * 0.11).cos()).collect();
        let plain: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - plain).abs() < 1e-4);
    }

    fn unit(i: usize) -> Vec<f32> {
        let mut v = vec![0.0; DIMENSIONS];
        v[i] = 1.0;
        v
    }

    fn store_with(vectors: &[(i64, Vec<f32>)]) -> keeper_store::Store {
        let store = keeper_store::Store::open_in_memory().unwrap();
        for (rowid, v) in vectors {
            store
                .conn()
                .execute(
                    "INSERT INTO search_documents (rowid, customer_id, display_name, text, \
                     content_hash, built_at, embedding, embedding_model, embedded_hash) \
                     VALUES (?1, ?2, 'x', 'x', 'h', 't', ?3, 'm', 'h')",
                    rusqlite::params![rowid, format!("C{rowid}"), model::to_blob(v)],
                )
                .unwrap();
        }
        store
    }

    #[test]
    fn the_cache_reloads_only_after_a_write_and_ranks_by_similarity() {
        let store = store_with(&[(1, unit(0)), (2, unit(1)), (3, unit(2))]);
        let mut cache = VectorCache::new();
        cache.sync(store.conn(), "m").unwrap();
        cache.sync(store.conn(), "m").unwrap();
        assert_eq!((cache.len(), cache.loads()), (3, 1));
        let mut q = unit(1);
        q[0] = 0.5;
        assert_eq!(
            cache
                .nearest(&q, 2, |_| true)
                .iter()
                .map(|(id, _)| *id)
                .collect::<Vec<_>>(),
            vec![2, 1]
        );
        assert_eq!(cache.nearest(&q, 5, |id| id != 2)[0].0, 1);
        // A stale vector (its document changed) drops out after the next sync.
        store
            .conn()
            .execute(
                "UPDATE search_documents SET content_hash = 'new' WHERE rowid = 2",
                [],
            )
            .unwrap();
        cache.sync(store.conn(), "m").unwrap();
        assert_eq!((cache.len(), cache.loads()), (2, 2));
        // Another model's vectors are not this model's.
        cache.sync(store.conn(), "other").unwrap();
        assert!(cache.is_empty());
    }
}
