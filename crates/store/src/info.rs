//! `keeper db info`: where the database is, its schema version and how many rows each table
//! holds.

use crate::{Result, Store, migrate, raw, table::NORMALIZED_TABLES};
use serde::Serialize;

/// A summary of the database.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DbInfo {
    /// The file (or `:memory:`).
    pub path: String,
    pub schema_version: i64,
    /// Rows per table: `raw_objects` first, then the normalized tables in pipeline order.
    pub counts: Vec<TableCount>,
    /// Raw objects per Square object type.
    pub raw_by_type: Vec<TableCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableCount {
    pub table: String,
    pub rows: u64,
}

impl Store {
    /// Path, schema version and row counts.
    pub fn info(&self) -> Result<DbInfo> {
        let conn = self.conn();
        let mut counts = Vec::with_capacity(NORMALIZED_TABLES.len() + 1);
        for table in std::iter::once(&"raw_objects").chain(NORMALIZED_TABLES) {
            // Table names come from a fixed list, never from input.
            let rows: i64 =
                conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
            counts.push(TableCount {
                table: (*table).to_string(),
                rows: rows as u64,
            });
        }
        let raw_by_type = raw::counts_by_type(conn)?
            .into_iter()
            .map(|(table, rows)| TableCount { table, rows })
            .collect();
        Ok(DbInfo {
            path: self
                .path()
                .map_or_else(|| ":memory:".to_string(), |p| p.display().to_string()),
            schema_version: migrate::current_version(conn)?,
            counts,
            raw_by_type,
        })
    }
}
