//! Writes one page of fetched objects: each object's JSON goes to the raw store (unchanged
//! content is not rewritten) and is normalized, all in one transaction.

use crate::fetched::Fetched;
use crate::{Error, Result};
use keeper_normalize::Context;
use keeper_store::Store;
use keeper_store::raw::{self, RawObject, RawWrite};

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

/// Stores and normalizes `items` in one transaction. `normalize` is false for objects Keeper
/// keeps only raw (the merchant).
pub fn write_page<T: Fetched>(
    store: &mut Store,
    stream: &'static str,
    items: &[T],
    fetched_at: &str,
    ctx: &Context,
    normalize: bool,
) -> Result<PageWrite> {
    let store_err = |source| Error::Store { stream, source };
    let tx = store
        .conn_mut()
        .transaction()
        .map_err(|e| store_err(e.into()))?;
    let mut out = PageWrite::default();
    for item in items {
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
        let version = item.version();
        let raw = RawObject {
            object_type,
            square_id: id,
            version: version.as_deref(),
            json: &json,
        };
        match raw::upsert(&tx, &raw, fetched_at).map_err(store_err)? {
            RawWrite::Inserted => out.inserted += 1,
            RawWrite::Updated => out.updated += 1,
            RawWrite::Unchanged => out.unchanged += 1,
        }
        if normalize {
            let outcome = keeper_normalize::normalize_json(&tx, object_type, &json, ctx)
                .map_err(|source| Error::Normalize { stream, source })?;
            if outcome.quarantined() {
                out.quarantined += 1;
            }
        }
        out.objects += 1;
    }
    tx.commit().map_err(|e| store_err(e.into()))?;
    Ok(out)
}
