//! Keeper's store: one SQLite file holding every fetched Square object as raw JSON and the
//! normalized tables derived from it.
//!
//! - [`Store::open`] applies the pragmas (WAL, `synchronous=NORMAL`, foreign keys) and the
//!   versioned migrations in [`migrate`].
//! - [`raw`] keeps each Square object unchanged with a content hash, so an unchanged object is
//!   never rewritten.
//! - [`table`] has one typed row per normalized table; every row carries its [`Provenance`] and
//!   upserts are idempotent, keyed by the Square id.

pub mod error;
pub mod info;
pub mod migrate;
pub mod paths;
pub mod provenance;
pub mod raw;
pub mod table;

mod row_macro;

pub use error::{Error, Result};
pub use info::{DbInfo, TableCount};
pub use provenance::Provenance;

/// What writing a typed row did (see `table_row!`'s `write`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// No row had this key: it was inserted.
    Inserted,
    /// A row with this key existed: it was updated in place.
    Updated,
}

use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// An open Keeper database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|source| Error::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Self::init(conn, Some(path.to_path_buf()))
    }

    /// An in-memory database with the full schema, for tests.
    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?, None)
    }

    fn init(conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // journal_mode returns a row, so it is read rather than executed.
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
        migrate::apply(&conn)?;
        Ok(Store { conn, path })
    }

    /// The file this store lives in (`None` for an in-memory store).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}
