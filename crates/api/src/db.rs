//! Database operations: which file to use and what is in it.

use crate::Result;
use keeper_store::{DbInfo, Store};
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
    Ok(Store::open(path)?.info()?)
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
