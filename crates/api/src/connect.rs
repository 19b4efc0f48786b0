//! Connect Square: the OAuth flow (PKCE, loopback redirect, the authorize URL handed to a
//! browser opener), then the tokens saved in the token store (the OS keyring for real
//! Square) before anything uses them, and the connection's dates recorded in the database
//! for the Health screen. The token store is asked first whether it can keep tokens at
//! all, so a missing keyring is said before the seller goes through the browser; there is
//! no plaintext fallback.

use crate::health::record_connection;
use crate::{ApiError, Result};
use keeper_square::client::{Clock, Environment};
use keeper_square::control::{TokenStore, TokenStoreError};
use keeper_square::oauth::{BrowserOpener, ConnectConfig, OAuthError, connect};
use keeper_store::Store;
use rand::RngCore;
use serde::Serialize;
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

/// Runs Connect Square: checks `tokens` can keep tokens, runs the flow with `open_browser`,
/// saves the token set under its merchant id, and records the connection's dates in `db`.
pub async fn connect_square(
    opts: &ConnectOptions,
    open_browser: &BrowserOpener,
    tokens: &dyn TokenStore,
    db: Option<&Store>,
    rng: &mut (dyn RngCore + Send),
    clock: &dyn Clock,
) -> Result<ConnectReport> {
    tokens.check_available().map_err(store_error)?;
    let mut config = ConnectConfig::new(opts.environment.clone(), opts.client_id.clone());
    config.port = opts.port;
    config.timeout = opts.timeout;
    let set = connect(&config, open_browser, rng, clock)
        .await
        .map_err(oauth_error)?;
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
