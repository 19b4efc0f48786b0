//! What Keeper knows about each Square connection (`square_connection`, migration 0005):
//! when it was made and when its tokens expire. Dates only; the tokens themselves live in
//! the OS keyring. Written on connect and after every token refresh; health reads it to say
//! "reconnect Square: the refresh token expires in 5 days".

use super::db;
use super::table::rfc3339;
use crate::Result;
use chrono::{DateTime, Utc};
use keeper_square::oauth::TokenSet;
use rusqlite::{Connection, params};
use serde::Serialize;

/// The stored facts of one connection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectionInfo {
    pub merchant_id: String,
    pub base_url: String,
    pub connected_at: String,
    pub access_expires_at: Option<String>,
    pub refresh_expires_at: Option<String>,
}

/// Records (or updates) the connection `tokens` belong to, at `now`. The first connect
/// time is kept when a refresh updates the expiries.
pub fn record_connection(
    conn: &Connection,
    tokens: &TokenSet,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO square_connection (merchant_id, base_url, connected_at, access_expires_at,
             refresh_expires_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?3)
         ON CONFLICT (merchant_id) DO UPDATE SET base_url = excluded.base_url,
             access_expires_at = excluded.access_expires_at,
             refresh_expires_at = excluded.refresh_expires_at,
             updated_at = excluded.updated_at",
        params![
            tokens.merchant_id,
            base_url,
            rfc3339(now),
            tokens.expires_at.map(rfc3339),
            tokens.refresh_expires_at.map(rfc3339),
        ],
    )
    .map_err(db)?;
    Ok(())
}

/// Every recorded connection, most recently updated first.
pub fn read_connections(conn: &Connection) -> Result<Vec<ConnectionInfo>> {
    let mut stmt = conn
        .prepare(
            "SELECT merchant_id, base_url, connected_at, access_expires_at, refresh_expires_at
             FROM square_connection ORDER BY updated_at DESC",
        )
        .map_err(db)?;
    stmt.query_map([], |r| {
        Ok(ConnectionInfo {
            merchant_id: r.get(0)?,
            base_url: r.get(1)?,
            connected_at: r.get(2)?,
            access_expires_at: r.get(3)?,
            refresh_expires_at: r.get(4)?,
        })
    })
    .map_err(db)?
    .collect::<rusqlite::Result<_>>()
    .map_err(db)
}
