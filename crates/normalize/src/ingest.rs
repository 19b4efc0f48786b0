//! A page of fetched objects into the store in one pass: each object's JSON goes to the raw
//! store (unchanged content is not rewritten) and, unless the caller keeps it raw only, is
//! normalized — the import's write path (`keeper-import`'s writer), inside the caller's
//! transaction.
//!
//! As in [`normalize_many`](crate::normalize_many), the work that needs no store (the
//! SHA-256 of the JSON, decoding, building the rows) runs on helper threads while the calling
//! thread writes, in order: for each object its raw row, then its normalized rows and
//! quarantine entries. The raw counts per type (`raw_object_counts`) are added once at the
//! end. The result is the same as [`keeper_store::raw::upsert`] then
//! [`normalize_json`](crate::normalize_json) for each object in turn.

use crate::batch::{MIN_PARALLEL, decode, pipeline};
use crate::context::Context;
use crate::error::Result;
use crate::prepared::{Prepared, prepare, write_prepared};
use crate::record::Outcome;
use keeper_store::raw::{self, RawBatch, RawObject, RawWrite};
use rusqlite::Connection;

/// One fetched object: the raw store's key and version, and its JSON as Square sent it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawItem<'a> {
    /// The raw store's type (`CUSTOMER`, `PAYMENT`, a catalog type such as `ITEM`); also the
    /// type normalization decodes it as.
    pub object_type: &'a str,
    pub square_id: &'a str,
    pub version: Option<&'a str>,
    pub json: &'a str,
}

/// What storing one object did: its raw write, and its normalization when asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingested {
    pub raw: RawWrite,
    pub outcome: Option<Outcome>,
}

/// Stores `items` raw (fetched at `fetched_at`, RFC 3339) and, when `normalize` is true,
/// normalizes them, through `tx`, in order, hashing and decoding on a helper thread. Returns
/// one result per item; the first error stops the batch (the caller should roll its
/// transaction back).
pub fn ingest_many(
    tx: &Connection,
    items: &[RawItem<'_>],
    fetched_at: &str,
    ctx: &Context,
    normalize: bool,
) -> Result<Vec<Ingested>> {
    ingest(tx, items, fetched_at, ctx, normalize, true)
}

/// [`ingest_many`] on the calling thread only: the same writes, no helper thread. For a
/// writer that is not the bottleneck (the import, paced by Square's limits), where a helper
/// thread would only take a core from the tasks fetching pages.
pub fn ingest_in_order(
    tx: &Connection,
    items: &[RawItem<'_>],
    fetched_at: &str,
    ctx: &Context,
    normalize: bool,
) -> Result<Vec<Ingested>> {
    ingest(tx, items, fetched_at, ctx, normalize, false)
}

fn ingest(
    tx: &Connection,
    items: &[RawItem<'_>],
    fetched_at: &str,
    ctx: &Context,
    normalize: bool,
    parallel: bool,
) -> Result<Vec<Ingested>> {
    let work = |item: &RawItem<'_>| -> (String, Option<Result<Prepared>>) {
        let prepared =
            normalize.then(|| decode(item.object_type, item.json).map(|d| prepare(d, ctx)));
        (raw::content_hash(item.json), prepared)
    };
    let mut batch = RawBatch::default();
    let mut write = |(hash, prepared): (String, Option<Result<Prepared>>), item: &RawItem<'_>| {
        let obj = RawObject {
            object_type: item.object_type,
            square_id: item.square_id,
            version: item.version,
            json: item.json,
        };
        let raw = batch.write(tx, &obj, &hash, fetched_at)?;
        let outcome = match prepared {
            Some(p) => Some(write_prepared(tx, p?, item.json, ctx)?),
            None => None,
        };
        Ok(Ingested { raw, outcome })
    };
    let out = if !parallel || items.len() < MIN_PARALLEL {
        items
            .iter()
            .map(|item| write(work(item), item))
            .collect::<Result<Vec<_>>>()?
    } else {
        pipeline(items, work, &mut write)?
    };
    batch.finish(tx)?;
    Ok(out)
}
