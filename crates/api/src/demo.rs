//! The demo: Keeper's main job on the built-in demo merchant. It starts the embedded Square
//! simulator, connects through the real OAuth flow against it (playing the browser's part,
//! so it works without a display), imports the last months of data into the database and
//! reports what it did, with timings.
//!
//! The simulator's tokens are not secrets: the demo keeps them in memory and says so. Real
//! Square tokens never take that path.

use crate::{ApiError, Result};
use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use keeper_import::{Backfill, StreamStats};
use keeper_sim::{Profile, SimConfig, Simulator, Ts};
use keeper_square::client::{ClientConfig, Environment, SquareClient, StaticToken, SystemClock};
use keeper_square::oauth::{BrowserOpener, ConnectConfig, connect};
use keeper_store::{DbInfo, Store};
use rand::SeedableRng;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to run.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub profile: Profile,
    pub seed: u64,
    pub months: u32,
    pub db: PathBuf,
}

/// What the demo did.
#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    pub profile: String,
    pub merchant_id: String,
    pub generate_ms: u64,
    pub connect_ms: u64,
    pub import_ms: u64,
    pub streams: Vec<StreamStats>,
    /// Objects the simulator holds for the streams read in full (customers, team, ...).
    pub simulator_totals: Vec<(String, usize)>,
    pub db: DbInfo,
    pub token_storage: &'static str,
}

fn err(code: &str, message: impl std::fmt::Display) -> ApiError {
    ApiError {
        code: code.to_owned(),
        message: message.to_string(),
    }
}

/// A "browser" for machines without a display: it requests the authorize URL and follows
/// the simulator's redirect to Keeper's loopback listener, as a person's browser would.
fn headless_browser() -> Box<BrowserOpener> {
    Box::new(
        |url: String| -> BoxFuture<'static, std::result::Result<(), String>> {
            Box::pin(async move {
                reqwest::get(&url)
                    .await
                    .map_err(|e| e.to_string())?
                    .error_for_status()
                    .map_err(|e| e.to_string())?;
                Ok(())
            })
        },
    )
}

/// Runs the demo at `now`, reporting each stream's progress through `progress`.
pub async fn run_demo(
    opts: &DemoOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(&StreamStats),
) -> Result<DemoReport> {
    let started = Instant::now();
    let sim = Simulator::start(SimConfig::new(
        opts.profile,
        opts.seed,
        Ts(now.timestamp_millis()),
    ))
    .await
    .map_err(|e| err("simulator_failed", e))?;
    let generate_ms = started.elapsed().as_millis() as u64;
    let truth = sim.truth();

    let started = Instant::now();
    let environment = Environment::Custom(sim.base_url().to_owned());
    let mut config = ConnectConfig::new(environment.clone(), sim.client_id());
    config.timeout = Duration::from_secs(30);
    let mut rng = rand_chacha::ChaCha20Rng::from_os_rng();
    let clock = SystemClock::new();
    let tokens = connect(&config, &*headless_browser(), &mut rng, &clock)
        .await
        .map_err(|e| err(e.code(), e))?;
    let connect_ms = started.elapsed().as_millis() as u64;

    let client = SquareClient::new(
        ClientConfig::new(environment, opts.seed),
        Arc::new(StaticToken::new(tokens.access_token.clone())),
        Arc::new(SystemClock::new()),
    )
    .map_err(|e| err(e.code(), e))?;
    let mut store = Store::open(&opts.db)?;
    let started = Instant::now();
    let plan = Backfill::last_months(now, opts.months);
    let streams = keeper_import::backfill(&client, &mut store, &plan, progress)
        .await
        .map_err(|e| err(e.code(), e))?;
    let import_ms = started.elapsed().as_millis() as u64;
    let simulator_totals = ["locations", "team_members", "customers", "loyalty_accounts"]
        .into_iter()
        .map(|k| (k.to_owned(), truth.count(k)))
        .collect();
    let db = store.info()?;
    sim.shutdown().await;
    Ok(DemoReport {
        profile: format!("{:?}", opts.profile).to_lowercase(),
        merchant_id: tokens.merchant_id.clone(),
        generate_ms,
        connect_ms,
        import_ms,
        streams,
        simulator_totals,
        db,
        token_storage: "in memory (simulator tokens are not secrets; real Square tokens go to the OS keyring)",
    })
}
