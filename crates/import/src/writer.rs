//! Writes one page of fetched objects: each object's JSON goes to the raw store (unchanged
//! content is not rewritten) and is normalized (`keeper_normalize::ingest_in_order`, the
//! write path `normalize_bench` measures, on the writer's thread: the import is paced by
//! Square's limits, and a helper thread would take a core from the fetching tasks), and the
//! caller's checkpoint is written, all
//! in one transaction — a page and its checkpoint are stored together or not at all. The
//! engine's writer may put several waiting pages in one transaction ([`write_in`]), each
//! page still followed by its own checkpoint.

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
    let out = write_in(&tx, stream, items, fetched_at, ctx, normalize, checkpoint)?;
    tx.commit().map_err(|e| store_err(e.into()))?;
    Ok(out)
}

/// [`write_items`] inside the caller's transaction `tx` (which commits it): the page's
/// objects, then its checkpoint. Several pages written this way in one transaction are
/// stored together or not at all, each with its own checkpoint.
pub fn write_in(
    tx: &Connection,
    stream: &'static str,
    items: &[Item],
    fetched_at: &str,
    ctx: &Context,
    normalize: bool,
    checkpoint: impl FnOnce(&Connection, &PageWrite) -> rusqlite::Result<()>,
) -> Result<PageWrite> {
    let store_err = |source| Error::Store { stream, source };
    let raw_items: Vec<RawItem<'_>> = items
        .iter()
        .map(|item| RawItem {
            object_type: &item.object_type,
            square_id: &item.id,
            version: item.version.as_deref(),
            json: &item.json,
        })
        .collect();
    let ingested = keeper_normalize::ingest_in_order(tx, &raw_items, fetched_at, ctx, normalize)
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
    checkpoint(tx, &out).map_err(|e| store_err(e.into()))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn customer(id: &str) -> Item {
        Item {
            object_type: "CUSTOMER".into(),
            id: id.into(),
            version: Some("1".into()),
            json: format!(r#"{{"id":"{id}","given_name":"Ann","version":1}}"#),
        }
    }

    fn count(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Writes two pages through `write_in` in one transaction, each checkpoint noting its
    /// page in `marks`; commits when `commit` is true, else drops the transaction as a crash
    /// before the commit would.
    fn two_pages(store: &mut Store, commit: bool) {
        let ctx = Context::new(
            Some("US"),
            Utc.with_ymd_and_hms(2025, 9, 1, 12, 0, 0).unwrap(),
        );
        let tx = store.conn_mut().transaction().unwrap();
        for (page, ids) in [(1, ["C1", "C2"]), (2, ["C3", "C4"])] {
            let items: Vec<Item> = ids.iter().map(|id| customer(id)).collect();
            let written = write_in(
                &tx,
                "customers",
                &items,
                "2025-09-01T12:00:00Z",
                &ctx,
                true,
                |c, w| {
                    // What the page's checkpoint sees: its own rows and those of the pages before
                    // it in the transaction.
                    let stored: i64 =
                        c.query_row("SELECT COUNT(*) FROM customers", [], |r| r.get(0))?;
                    c.execute(
                        "INSERT INTO marks (page, objects, stored) VALUES (?1, ?2, ?3)",
                        (page, w.objects as i64, stored),
                    )?;
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(written.inserted, 2);
        }
        if commit {
            tx.commit().unwrap();
        }
    }

    #[test]
    fn pages_grouped_in_one_transaction_are_stored_with_their_checkpoints_or_not_at_all() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute_batch("CREATE TABLE marks (page INTEGER, objects INTEGER, stored INTEGER)")
            .unwrap();

        two_pages(&mut store, false);
        assert_eq!(count(store.conn(), "SELECT COUNT(*) FROM raw_objects"), 0);
        assert_eq!(count(store.conn(), "SELECT COUNT(*) FROM customers"), 0);
        assert_eq!(count(store.conn(), "SELECT COUNT(*) FROM marks"), 0);

        two_pages(&mut store, true);
        assert_eq!(count(store.conn(), "SELECT COUNT(*) FROM raw_objects"), 4);
        assert_eq!(count(store.conn(), "SELECT COUNT(*) FROM customers"), 4);
        let marks: Vec<(i64, i64, i64)> = store
            .conn()
            .prepare("SELECT page, objects, stored FROM marks ORDER BY page")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(marks, [(1, 2, 2), (2, 2, 4)]);
    }
}
