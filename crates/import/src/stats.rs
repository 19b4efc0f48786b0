//! What the store holds, per object type (the `keeper stats` keys), and the reconciliation of
//! the latest import and sync.

use crate::Result;
use crate::engine::{StreamTotals, stream_totals};
use crate::state::{self, RunKind};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;

/// Rows per object type. Customers exclude those Square deleted or merged away; catalog
/// objects exclude deleted ones; `quarantined` counts objects with a quarantine entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub customers: u64,
    pub team_members: u64,
    pub locations: u64,
    pub catalog_objects: u64,
    pub payments: u64,
    pub refunds: u64,
    pub orders: u64,
    pub bookings: u64,
    pub loyalty_accounts: u64,
    pub loyalty_events: u64,
    pub quarantined: u64,
}

/// A run's per-stream figures, reported against stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunSummary {
    pub run_id: i64,
    pub kind: String,
    pub status: String,
    pub since: String,
    pub until: String,
    pub streams: BTreeMap<String, StreamTotals>,
    /// `stream window: error` of windows not done.
    pub open_windows: Vec<String>,
}

fn one(conn: &Connection, sql: &str) -> rusqlite::Result<u64> {
    conn.query_row(sql, [], |r| r.get::<_, i64>(0))
        .map(|n| n as u64)
}

/// Counts what the store holds.
pub fn counts(conn: &Connection) -> Result<Counts> {
    let catalog = [
        "catalog_categories",
        "catalog_items",
        "catalog_variations",
        "catalog_modifier_lists",
        "catalog_modifiers",
    ]
    .iter()
    .map(|t| {
        one(
            conn,
            &format!("SELECT COUNT(*) FROM {t} WHERE is_deleted = 0"),
        )
    })
    .sum::<rusqlite::Result<u64>>()?;
    Ok(Counts {
        customers: one(
            conn,
            "SELECT COUNT(*) FROM customers
             WHERE id NOT IN (SELECT customer_id FROM customer_status)",
        )?,
        team_members: one(conn, "SELECT COUNT(*) FROM team_members")?,
        locations: one(conn, "SELECT COUNT(*) FROM locations")?,
        catalog_objects: catalog,
        payments: one(conn, "SELECT COUNT(*) FROM payments")?,
        refunds: one(conn, "SELECT COUNT(*) FROM refunds")?,
        orders: one(conn, "SELECT COUNT(*) FROM orders")?,
        bookings: one(conn, "SELECT COUNT(*) FROM bookings")?,
        loyalty_accounts: one(conn, "SELECT COUNT(*) FROM loyalty_accounts")?,
        loyalty_events: one(conn, "SELECT COUNT(*) FROM loyalty_events")?,
        quarantined: one(
            conn,
            "SELECT COUNT(*) FROM (SELECT DISTINCT object_type, square_id FROM quarantine)",
        )?,
    })
}

/// The latest run of `kind`, summarized.
pub fn latest_run(conn: &Connection, kind: RunKind) -> Result<Option<RunSummary>> {
    let row: Option<(i64, String, String, String)> = {
        use rusqlite::OptionalExtension;
        conn.query_row(
            "SELECT id, status, since, until FROM import_runs WHERE kind = ?1
             ORDER BY id DESC LIMIT 1",
            [kind.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
    };
    let Some((run_id, status, since, until)) = row else {
        return Ok(None);
    };
    let windows = state::windows(conn, run_id)?;
    let open_windows = windows
        .iter()
        .filter(|w| w.status != "done")
        .map(|w| {
            format!(
                "{} {} ({}{})",
                w.stream,
                w.key,
                w.status,
                w.last_error
                    .as_deref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default()
            )
        })
        .collect();
    Ok(Some(RunSummary {
        run_id,
        kind: kind.as_str().to_owned(),
        status,
        since,
        until,
        streams: stream_totals(&windows),
        open_windows,
    }))
}
