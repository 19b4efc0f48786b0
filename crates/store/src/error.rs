//! The store's typed error, with a stable code the UI can switch on.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot open the database at {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot create the folder {path} for the database: {source}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no app-data directory is known for this user; pass --db PATH")]
    NoDataDir,
    #[error(
        "the database was written by a newer Keeper (schema {found}, this build knows up to {known}); update Keeper"
    )]
    SchemaTooNew { found: i64, known: i64 },
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i64,
        name: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the raw object {object_type}/{id} is not valid JSON: {source}")]
    RawJson {
        object_type: String,
        id: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl Error {
    /// A stable, machine-readable code (snake_case) for the UI and `--json` output.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Open { .. } => "db_open_failed",
            Error::CreateDir { .. } => "db_dir_unwritable",
            Error::NoDataDir => "no_data_dir",
            Error::SchemaTooNew { .. } => "db_schema_too_new",
            Error::Migration { .. } => "db_migration_failed",
            Error::RawJson { .. } => "raw_json_invalid",
            Error::Sqlite(_) => "db_error",
        }
    }
}
