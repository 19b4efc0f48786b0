//! Writes one page of fetched objects: each object's JSON goes to the raw store (unchanged
//! content is not rewritten) and is normalized (`keeper_normalize::ingest_in_order`, the
//! write path `normalize_bench` measures, on the writer's thread: the import is paced by
//! Square's limits, and a helper thread would take a core from the fetching tasks), and the
//! caller's checkpoint is written, all
//! in one transaction — a page and its checkpoint are stored together or not at all.

use crate::fetched::Fetched;
use crate::{Error, Result};
use keeper_normalize::{Context, RawItem};
use keeper_store::Store;
use keeper_store::raw::RawWrite;
use rusqlite::Connection;

/// What writing a page did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PageWrite {
    pub objects: usize,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Objects with at least one quarantine entry.
    pub quarantined: usize,
}

/// One fetched object, ready for the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The raw store's type (`CUSTOMER`, `PAYMENT`, a catalog type such as `ITEM`).
    pub object_type: String,
    pub id: String,
    pub version: Option<String>,
    pub json: String,
}

impl Item {
    /// Serializes a fetched object.
    pub fn of<T: Fetched>(stream: &'static str, item: &T) -> Result<Item> {
        let id = item.id().ok_or(Error::MissingId { stream })?;
        let object_type = item.object_type();
        let json = serde_json::to_string(item).map_err(|e| Error::Store {
            stream,
            source: keeper_store::Error::RawJson {
                object_type: object_type.to_owned(),
                id: id.to_owned(),
                source: e,
            },
        })?;
        Ok(Item {
            object_type: object_type.to_owned(),
            id: id.to_owned(),
            version: item.version(),
            json,
        })
    }

    /// A fetched object with its JSON exactly as Square sent it (`json`), which may carry
    /// fields the typed model does not know.
    pub fn exact<T: Fetched>(stream: &'static str, item: &T, json: String) -> Result<Item> {
        let id = item.id().ok_or(Error::MissingId { stream })?;
        Ok(Item {
            object_type: item.object_type().to_owned(),
            id: id.to_owned(),
            version: item.version(),
            json,
        })
    }

    /// Serializes every object of a page.
    pub fn all<T: Fetched>(stream: &'static str, items: &[T]) -> Result<Vec<Item>> {
        items.iter().map(|i| Item::of(stream, i)).collect()
    }
}

/// Stores `items` and normalizes them (unless `normalize` is false: objects kept only raw,
/// such as the merchant), then runs `checkpoint` in the same transaction.
pub fn write_items(
    store: &mut Store,
    stream: &'static str,
    items: &[Item],
    fetched_at: &str,
    ctx: &Context,
    normalize: bool,
    checkpoint: impl FnOnce(&Connection, &PageWrite) -> rusqlite::Result<()>,
) -> Result<PageWrite> {
    let store_err = |source| Error::Store { stream, source };
    let tx = store
        .conn_mut()
        .transaction()
        .map_err(|e| store_err(e.into()))?;
    let raw_items: Vec<RawItem<'_>> = items
        .iter()
        .map(|item| RawItem {
            object_type: &item.object_type,
            square_id: &item.id,
            version: item.version.as_deref(),
            json: &item.json,
        })
        .collect();
    let ingested = keeper_normalize::ingest_in_order(&tx, &raw_items, fetched_at, ctx, normalize)
        .map_err(|source| Error::Normalize { stream, source })?;
    let mut out = PageWrite::default();
    for done in &ingested {
        match done.raw {
            RawWrite::Inserted => out.inserted += 1,
            RawWrite::Updated => out.updated += 1,
            RawWrite::Unchanged => out.unchanged += 1,
        }
        if done.outcome.as_ref().is_some_and(|o| o.quarantined()) {
            out.quarantined += 1;
        }
        out.objects += 1;
    }
    checkpoint(&tx, &out).map_err(|e| store_err(e.into()))?;
    tx.commit().map_err(|e| store_err(e.into()))?;
    Ok(out)
}

/// Stores and normalizes typed objects in one transaction (no checkpoint).
pub fn write_page<T: Fetched>(
    store: &mut Store,
    stream: &'static str,
    items: &[T],
    fetched_at: &str,
    ctx: &Context,
    normalize: bool,
) -> Result<PageWrite> {
    let items = Item::all(stream, items)?;
    write_items(store, stream, &items, fetched_at, ctx, normalize, |_, _| {
        Ok(())
    })
}
