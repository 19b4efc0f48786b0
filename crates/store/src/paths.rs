//! Where the database lives by default: the OS app-data directory (XDG data dir on Linux,
//! `~/Library/Application Support` on macOS, `%APPDATA%` on Windows).

use crate::{Error, Result};
use std::path::PathBuf;

pub const DB_FILE_NAME: &str = "keeper.sqlite3";

/// The default database path for this user.
pub fn default_db_path() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("app", "Keeper", "Keeper").ok_or(Error::NoDataDir)?;
    Ok(dirs.data_dir().join(DB_FILE_NAME))
}
