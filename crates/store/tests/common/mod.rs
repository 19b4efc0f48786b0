//! What the migration tests share: a database left by an older Keeper.

use keeper_store::migrate;
use rusqlite::Connection;

/// A database migrated up to (and including) `version`, as an older Keeper left it.
pub fn database_at(path: &std::path::Path, version: i64) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
    for m in migrate::MIGRATIONS.iter().filter(|m| m.version <= version) {
        conn.execute_batch(m.sql).unwrap();
    }
    conn.pragma_update(None, "user_version", version).unwrap();
    conn
}
