//! Import, sync and stats for the shell and the CLI: the historical import
//! (`keeper import`, the app right after Connect), the daily sync (`keeper sync`, the tray's
//! "Sync now") and the counts of what the store holds. The access token is used for the
//! run only; nothing about it is stored here.

use crate::{ApiError, Result};
use chrono::{DateTime, Utc};
use keeper_import::state::RunKind;
use keeper_import::stats::{Counts, RunSummary};
use keeper_import::{FullListing, ImportOptions, Progress, RunReport, SyncOptions};
use keeper_square::client::{ClientConfig, Environment, SquareClient, StaticToken, SystemClock};
use keeper_store::Store;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

/// Where Square is and the token to use for this run.
#[derive(Clone)]
pub struct SquareAccess {
    /// `None`: Square's production API.
    pub base_url: Option<String>,
    pub access_token: String,
}

impl std::fmt::Debug for SquareAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SquareAccess")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

fn import_err(e: keeper_import::Error) -> ApiError {
    ApiError {
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

/// A client for `access` (system clock, jitter seeded from `seed`).
pub fn client(access: &SquareAccess, seed: u64) -> Result<SquareClient> {
    let environment = match &access.base_url {
        Some(url) => Environment::Custom(url.clone()),
        None => Environment::Production,
    };
    SquareClient::new(
        ClientConfig::new(environment, seed),
        Arc::new(StaticToken::new(access.access_token.clone())),
        Arc::new(SystemClock::new()),
    )
    .map_err(|e| ApiError {
        code: e.code().to_owned(),
        message: e.to_string(),
    })
}

/// Imports (or resumes importing) the last `months` months into the database at `db`.
pub async fn import(
    access: &SquareAccess,
    db: &Path,
    months: u32,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(&Progress),
) -> Result<RunReport> {
    let client = client(access, now.timestamp_millis() as u64)?;
    let log = crate::health::attach(&client);
    let started = std::time::Instant::now();
    let mut store = Store::open(db)?;
    let outcome = keeper_import::import(
        &client,
        &mut store,
        &ImportOptions::last_months(now, months),
        progress,
    )
    .await
    .map_err(import_err);
    // Health is recorded whether the run succeeded or not (on the caller's clock).
    let end = now + chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
    crate::health::flush_client_health(&mut store, &client, &log, end)?;
    outcome
}

/// Counts and the latest runs' reconciliation.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub counts: Counts,
    pub import: Option<RunSummary>,
    pub sync: Option<RunSummary>,
}

/// What the database at `db` holds.
pub fn stats(db: &Path) -> Result<Stats> {
    let store = Store::open(db)?;
    let conn = store.conn();
    Ok(Stats {
        counts: keeper_import::stats::counts(conn).map_err(import_err)?,
        import: keeper_import::stats::latest_run(conn, RunKind::Import).map_err(import_err)?,
        sync: keeper_import::stats::latest_run(conn, RunKind::Sync).map_err(import_err)?,
    })
}

/// Syncs the database at `db` with Square (the tray's "Sync now" and the daily schedule).
/// `full_customers` forces the full customer listing that finds deletions and merges.
pub async fn sync(
    access: &SquareAccess,
    db: &Path,
    now: DateTime<Utc>,
    full_customers: bool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<RunReport> {
    let client = client(access, now.timestamp_millis() as u64)?;
    let log = crate::health::attach(&client);
    let started = std::time::Instant::now();
    let mut store = Store::open(db)?;
    let outcome = sync_with(&client, &mut store, now, full_customers, progress).await;
    let end = now + chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
    crate::health::flush_client_health(&mut store, &client, &log, end)?;
    outcome
}

/// [`sync`] with a client and store the caller already holds.
pub async fn sync_with(
    client: &SquareClient,
    store: &mut Store,
    now: DateTime<Utc>,
    full_customers: bool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<RunReport> {
    let mut opts = SyncOptions::new(now);
    if full_customers {
        opts.full_customers = FullListing::Always;
    }
    keeper_import::sync(client, store, &opts, progress)
        .await
        .map_err(import_err)
}
