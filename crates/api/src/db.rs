//! Database operations: which file to use and what is in it.
//!
//! The summary reads the raw objects per type from `raw_object_counts` (migration 0013, kept
//! by triggers at write time) instead of counting `raw_objects`, whose pages hold every
//! stored JSON; the normalized tables are counted (through their narrowest index).

use crate::Result;
use keeper_store::table::NORMALIZED_TABLES;
use keeper_store::{DbInfo, Store, TableCount};
use std::path::{Path, PathBuf};

/// The database path to use: the one given, else the OS app-data default.
pub fn resolve_db_path(given: Option<&Path>) -> Result<PathBuf> {
    match given {
        Some(p) => Ok(p.to_path_buf()),
        None => Ok(keeper_store::paths::default_db_path()?),
    }
}

/// Opens the database (creating and migrating it if needed) and summarizes it.
pub fn db_info(path: &Path) -> Result<DbInfo> {
    info(&Store::open(path)?)
}

fn sql(e: rusqlite::Error) -> crate::ApiError {
    crate::ApiError::from(keeper_store::Error::from(e))
}

/// Raw objects per type, as kept at write time (one row per type).
pub fn raw_counts(conn: &rusqlite::Connection) -> Result<Vec<TableCount>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT object_type, rows FROM raw_object_counts WHERE rows > 0 ORDER BY object_type",
        )
        .map_err(sql)?;
    stmt.query_map([], |r| {
        Ok(TableCount {
            table: r.get(0)?,
            rows: r.get::<_, i64>(1)? as u64,
        })
    })
    .map_err(sql)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .map_err(sql)
}

/// Summarizes an open database: the same figures as `Store::info`, with the raw objects
/// read from their write-time counts.
pub fn info(store: &Store) -> Result<DbInfo> {
    info_of(store.conn(), store.path())
}

/// Counts the existing database at `path` on a read-only connection of its own (never
/// creating or migrating it): the app's summary, counted off the screens' connection.
pub fn count_existing(path: &Path) -> Result<DbInfo> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(sql)?;
    info_of(&conn, Some(path))
}

/// [`info`] on a connection to the database at `path` (`None`: in memory).
fn info_of(conn: &rusqlite::Connection, path: Option<&Path>) -> Result<DbInfo> {
    let raw_by_type = raw_counts(conn)?;
    let mut counts = Vec::with_capacity(NORMALIZED_TABLES.len() + 1);
    counts.push(TableCount {
        table: "raw_objects".to_owned(),
        rows: raw_by_type.iter().map(|c| c.rows).sum(),
    });
    for table in NORMALIZED_TABLES {
        // Table names come from a fixed list, never from input.
        let rows: i64 = conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM {table}"))
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(sql)?;
        counts.push(TableCount {
            table: (*table).to_owned(),
            rows: rows as u64,
        });
    }
    Ok(DbInfo {
        path: path.map_or_else(|| ":memory:".to_owned(), |p| p.display().to_string()),
        schema_version: keeper_store::migrate::current_version(conn)?,
        counts,
        raw_by_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_info_creates_a_missing_database_and_reports_empty_tables() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.sqlite3");
        let info = db_info(&path).unwrap();
        assert!(path.exists());
        assert_eq!(info.path, path.display().to_string());
        assert!(info.counts.iter().all(|c| c.rows == 0));
    }

    #[test]
    fn db_info_counts_raw_objects_from_the_write_time_figures_exactly() {
        use keeper_store::raw::{RawObject, upsert};
        let store = Store::open_in_memory().unwrap();
        let conn = store.conn();
        for (ty, id, json) in [
            ("CUSTOMER", "C1", "{}"),
            ("CUSTOMER", "C2", "{}"),
            ("PAYMENT", "P1", "{}"),
            // The same object again, unchanged then changed: no new row.
            ("CUSTOMER", "C1", "{}"),
            ("CUSTOMER", "C1", "{\"a\":1}"),
        ] {
            let obj = RawObject {
                object_type: ty,
                square_id: id,
                version: None,
                json,
            };
            upsert(conn, &obj, "2026-11-29T00:00:00Z").unwrap();
        }
        conn.execute(
            "INSERT INTO customers (id, given_name) VALUES ('C1', 'Maria')",
            [],
        )
        .unwrap();
        let fast = info(&store).unwrap();
        assert_eq!(
            fast,
            store.info().unwrap(),
            "same figures as counting the tables"
        );
        let raw = &fast.counts[0];
        assert_eq!((raw.table.as_str(), raw.rows), ("raw_objects", 3));
        assert_eq!(fast.raw_by_type.len(), 2);

        conn.execute("DELETE FROM raw_objects WHERE square_id = 'P1'", [])
            .unwrap();
        let after = info(&store).unwrap();
        assert_eq!(after, store.info().unwrap(), "a deleted type disappears");
        assert_eq!(after.counts[0].rows, 2);
    }

    #[test]
    fn db_info_error_carries_the_store_code() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("f");
        std::fs::write(&blocker, b"x").unwrap();
        let err = db_info(&blocker.join("k.sqlite3")).unwrap_err();
        assert_eq!(err.code, "db_dir_unwritable");
    }

    #[test]
    fn explicit_db_path_wins_over_the_default() {
        let p = Path::new("/tmp/x.sqlite3");
        assert_eq!(resolve_db_path(Some(p)).unwrap(), p);
    }
}
