//! The retry queue in the store (`retry_queue`, migrations 0005 and 0010), as the CLI sees
//! it: reviving the sync's dead entries. The queue itself is written and
//! drained by keeper-import's `retry` module (the sync's deferred and failed windows).

use super::db;
use crate::Result;
use rusqlite::Connection;

/// Makes the sync's dead retry entries due again (`keeper sync --retry-dead`); returns how
/// many.
pub fn revive_dead_sync_work(conn: &Connection, now: chrono::DateTime<chrono::Utc>) -> Result<u64> {
    let n = keeper_import::retry::revive_dead(conn, now).map_err(db)?;
    Ok(n as u64)
}
