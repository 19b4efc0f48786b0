//! Connect Square: the OAuth flow (PKCE, loopback redirect, the authorize URL handed to a
//! browser opener), then the tokens saved in the token store (the OS keyring for real
//! Square) before anything uses them, and the connection's dates recorded in the database
//! for the Health screen. The token store is asked first whether it can keep tokens at
//! all, so a missing keyring is said before the seller goes through the browser; there is
//! no plaintext fallback.
//!
//! Token requests (the code exchange here, refreshes in [`connected_client`]) go through
//! the `oauth` endpoint family of a client's governors: paced, held back by its breaker and
//! counted in health. A refresh rotates the tokens; the new expiry dates are written to
//! `square_connection` as soon as the new pair is saved.

use crate::health::{record_connection, record_event, record_live};
use crate::{ApiError, Result};
use chrono::{DateTime, Utc};
use keeper_square::client::{
    ClientConfig, ClientError, Clock, Environment, SquareClient, StaticToken,
};
use keeper_square::control::{HealthLog, TokenStore, TokenStoreError};
use keeper_square::oauth::{
    BrowserOpener, ClientTokenGate, ConnectConfig, OAuthError, RefreshingTokenSource, TokenSet,
    TokenSink, connect,
};
use keeper_store::Store;
use rand::RngCore;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// What to connect to.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub environment: Environment,
    /// The application id.
    pub client_id: String,
    /// Fixed loopback port (a registered redirect URL); `None`: any free port.
    pub port: Option<u16>,
    /// How long to wait for the seller in the browser.
    pub timeout: Duration,
}

/// The connection made (no secrets).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectReport {
    pub merchant_id: String,
    pub base_url: String,
    pub access_expires_at: Option<String>,
    pub refresh_expires_at: Option<String>,
    pub scopes: Vec<String>,
}

fn oauth_error(e: OAuthError) -> ApiError {
    ApiError {
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

fn store_error(e: TokenStoreError) -> ApiError {
    ApiError {
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

fn client_error(e: ClientError) -> ApiError {
    ApiError {
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

fn utc(d: Duration) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(d.as_millis() as i64).unwrap_or_default()
}

/// A client used only to govern token requests before any token exists: its `oauth`
/// family paces the code exchange and counts it in health.
fn token_governor(
    environment: &Environment,
    clock: Arc<dyn Clock>,
) -> Result<(SquareClient, Arc<ClientTokenGate>, Arc<HealthLog>)> {
    let seed = clock.now().as_millis() as u64;
    let config = ClientConfig::new(environment.clone(), seed);
    let client =
        SquareClient::new(config, Arc::new(StaticToken::new("")), clock).map_err(client_error)?;
    let gate = ClientTokenGate::new();
    gate.bind(&client);
    let log = crate::health::attach(&client);
    Ok((client, gate, log))
}

/// Writes what `client` reported into `db`'s health tables (no transaction: `db` is shared).
fn write_health(
    db: &Store,
    client: &SquareClient,
    log: &HealthLog,
    now: DateTime<Utc>,
) -> Result<()> {
    for event in &log.drain() {
        record_event(db.conn(), event)?;
    }
    record_live(db.conn(), &client.health(), now)
}

/// Runs Connect Square: checks `tokens` can keep tokens, runs the flow with `open_browser`
/// (the code exchange governed by the `oauth` family), saves the token set under its
/// merchant id, and records the connection's dates and the exchange's health in `db`.
pub async fn connect_square<C: Clock + Clone + 'static>(
    opts: &ConnectOptions,
    open_browser: &BrowserOpener,
    tokens: &dyn TokenStore,
    db: Option<&Store>,
    rng: &mut (dyn RngCore + Send),
    clock: &C,
) -> Result<ConnectReport> {
    tokens.check_available().map_err(store_error)?;
    let (governor, gate, log) = token_governor(&opts.environment, Arc::new(clock.clone()))?;
    let mut config = ConnectConfig::new(opts.environment.clone(), opts.client_id.clone());
    config.port = opts.port;
    config.timeout = opts.timeout;
    config.gate = Some(gate);
    let outcome = connect(&config, open_browser, rng, clock).await;
    if let Some(db) = db {
        write_health(db, &governor, &log, utc(clock.now()))?;
    }
    let set = outcome.map_err(oauth_error)?;
    tokens.put(&set).map_err(store_error)?;
    let base_url = opts.environment.base_url();
    if let Some(db) = db {
        record_connection(db.conn(), &set, &base_url, set.obtained_at)?;
    }
    let stamp = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339();
    Ok(ConnectReport {
        merchant_id: set.merchant_id.clone(),
        base_url,
        access_expires_at: set.expires_at.map(stamp),
        refresh_expires_at: set.refresh_expires_at.map(stamp),
        scopes: set.scopes.clone(),
    })
}

/// Saves rotated tokens in the token store (the OS keyring) before they are used.
struct StoreSink(Arc<dyn TokenStore>);

impl TokenSink for StoreSink {
    fn save(&self, tokens: &TokenSet) -> std::result::Result<(), String> {
        self.0.put(tokens).map_err(|e| e.to_string())
    }
}

/// Records a rotated token set's dates in `square_connection` of the database at `db`
/// (opened for the write: the observer runs inside the client, away from the caller's
/// connection). A failure is logged, not raised: the tokens are already saved.
fn record_rotation(db: &Path, tokens: &TokenSet, base_url: &str) {
    let written = Store::open(db)
        .map_err(ApiError::from)
        .and_then(|store| record_connection(store.conn(), tokens, base_url, tokens.obtained_at));
    if let Err(e) = written {
        tracing::warn!(code = %e.code, "could not record the refreshed connection: {}", e.message);
    }
}

/// A client for the merchant connected with Connect Square: tokens from `tokens` (the OS
/// keyring), refreshed ahead of expiry and on `ACCESS_TOKEN_EXPIRED` through the client's
/// own `oauth` family, each rotated pair saved to `tokens` first and its dates written to
/// `square_connection` in the database at `db`.
pub fn connected_client(
    environment: &Environment,
    client_id: &str,
    merchant_id: &str,
    tokens: Arc<dyn TokenStore>,
    db: &Path,
    seed: u64,
    clock: Arc<dyn Clock>,
) -> Result<SquareClient> {
    let set = tokens
        .load(merchant_id)
        .map_err(store_error)?
        .ok_or_else(|| ApiError {
            code: "not_connected".to_owned(),
            message: format!("Square merchant {merchant_id} is not connected"),
        })?;
    let gate = ClientTokenGate::new();
    let mut endpoint = ConnectConfig::new(environment.clone(), client_id)
        .token_endpoint()
        .map_err(oauth_error)?;
    endpoint.gate = Some(gate.clone());
    let base_url = environment.base_url();
    let db: PathBuf = db.to_owned();
    let source = RefreshingTokenSource::new(endpoint, set, Arc::new(StoreSink(tokens)))
        .with_observer(Arc::new(move |rotated: &TokenSet| {
            record_rotation(&db, rotated, &base_url);
        }));
    let client = SquareClient::new(
        ClientConfig::new(environment.clone(), seed),
        Arc::new(source),
        clock,
    )
    .map_err(client_error)?;
    gate.bind(&client);
    Ok(client)
}

/// Syncs the database at `db` with the merchant connected most recently (its dates in
/// `square_connection`, its tokens in `tokens`), refreshing tokens as needed and recording
/// each rotation's dates; health is written whether the sync succeeded or not.
pub async fn sync_connected(
    client_id: &str,
    tokens: Arc<dyn TokenStore>,
    db: &Path,
    now: DateTime<Utc>,
    full_customers: bool,
    progress: &mut dyn FnMut(&keeper_import::Progress),
) -> Result<keeper_import::RunReport> {
    let mut store = Store::open(db)?;
    let connection = crate::health::read_connections(store.conn())?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError {
            code: "not_connected".to_owned(),
            message: "Square is not connected: run `keeper connect` first".to_owned(),
        })?;
    let environment = Environment::Custom(connection.base_url.clone());
    let clock: Arc<dyn Clock> = Arc::new(keeper_square::client::SystemClock::new());
    let client = connected_client(
        &environment,
        client_id,
        &connection.merchant_id,
        tokens,
        db,
        now.timestamp_millis() as u64,
        clock,
    )?;
    let log = crate::health::attach(&client);
    let started = std::time::Instant::now();
    let outcome =
        crate::import::sync_with(&client, &mut store, now, full_customers, progress).await;
    let end = now + chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
    crate::health::flush_client_health(&mut store, &client, &log, end)?;
    outcome
}
