//! The demo: Keeper's main job on the built-in demo merchant. It starts the embedded Square
//! simulator, connects through the real OAuth flow against it (playing the browser's part,
//! so it works without a display), imports the last months of data into the database, lets a
//! day pass on the simulator's clock, runs the daily sync, and reports what it did, with
//! timings.
//!
//! The simulator's tokens are not secrets: the demo keeps them in memory and says so. Real
//! Square tokens never take that path.

use crate::{ApiError, Result};
use chrono::{DateTime, Utc};
use keeper_import::{ImportOptions, Progress, RunReport};
use keeper_sim::{Profile, SimConfig, Simulator, Ts};
use keeper_square::client::{ClientConfig, Environment, SquareClient, StaticToken, SystemClock};
use keeper_square::oauth::{ConnectConfig, connect, redirect_following_browser};
use keeper_store::{DbInfo, Store};
use rand::SeedableRng;
use serde::Serialize;
use std::collections::BTreeMap;
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

/// One stream's line in the demo's table.
#[derive(Debug, Clone, Serialize)]
pub struct StreamLine {
    pub stream: String,
    pub pages: i64,
    pub objects: i64,
    pub inserted: i64,
    pub updated: i64,
    pub quarantined: i64,
    /// From the stream's first stored page to its last.
    #[serde(serialize_with = "millis")]
    pub elapsed: Duration,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

/// What the demo did.
#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    pub profile: String,
    pub merchant_id: String,
    pub generate_ms: u64,
    pub connect_ms: u64,
    pub import_ms: u64,
    pub streams: Vec<StreamLine>,
    pub import: RunReport,
    /// A day later on the simulator's clock (new sales, edits, a deletion, a merge): the sync.
    pub sync_ms: u64,
    pub sync: RunReport,
    pub reviews_ms: u64,
    pub reviews: keeper_reviews::stage::ReviewsSummary,
    pub insights_ms: u64,
    pub insights: keeper_analysis::InsightsSummary,
    pub search_ms: u64,
    pub search: keeper_search::stage::SearchSummary,
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

/// Runs the demo at `now`, reporting each stream's progress through `progress`.
pub async fn run_demo(
    opts: &DemoOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(&Progress),
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
    let tokens = connect(&config, &*redirect_following_browser(), &mut rng, &clock)
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
    let plan = ImportOptions::last_months(now, opts.months);
    let mut spans: BTreeMap<&'static str, (Instant, Instant)> = BTreeMap::new();
    let import = keeper_import::import(&client, &mut store, &plan, &mut |p| {
        let t = Instant::now();
        spans.entry(p.stream).or_insert((t, t)).1 = t;
        progress(p);
    })
    .await
    .map_err(|e| err(e.code(), e))?;
    let import_ms = started.elapsed().as_millis() as u64;
    let streams = import
        .streams
        .iter()
        .map(|(name, t)| StreamLine {
            stream: name.clone(),
            pages: t.pages,
            objects: t.objects,
            inserted: t.inserted,
            updated: t.updated,
            quarantined: t.quarantined,
            elapsed: spans
                .get(name.as_str())
                .map(|(a, b)| *b - *a)
                .unwrap_or_default(),
        })
        .collect();
    // A day passes at the demo merchant; the daily sync picks it up.
    sim.advance(24 * 3_600_000);
    let started = Instant::now();
    let mut sync_opts = keeper_import::SyncOptions::new(now + chrono::Duration::hours(24));
    sync_opts.full_customers = keeper_import::FullListing::Always;
    let sync = keeper_import::sync(&client, &mut store, &sync_opts, progress)
        .await
        .map_err(|e| err(e.code(), e))?;
    let sync_ms = started.elapsed().as_millis() as u64;
    let later = now + chrono::Duration::hours(24);

    // The demo merchant's Google and Yelp reviews, read through their simulators.
    let started = Instant::now();
    let world = keeper_reviews::stage::world_of(&sim);
    let reviews = keeper_reviews::stage::run_stage(&mut store, &world, opts.seed, later)
        .await
        .map_err(|e| err(e.code(), e))?;
    let reviews_ms = started.elapsed().as_millis() as u64;

    // Who to call: metrics, the churn model and today's tasks.
    let started = Instant::now();
    let insights = crate::insights::run_stage(&mut store, later, 5)?;
    let insights_ms = started.elapsed().as_millis() as u64;

    // Customer context embedded on this computer, then a sample search.
    let started = Instant::now();
    let search = keeper_search::stage::run_stage(&mut store, None, later, &mut |p| {
        progress(&Progress {
            stream: "embedding",
            pages: 0,
            objects: p.done as u64,
            windows_done: p.done,
            windows_total: p.total,
            percent: if p.total == 0 {
                100.0
            } else {
                100.0 * p.done as f64 / p.total as f64
            },
            eta_secs: None,
            done: p.done == p.total,
        })
    })?;
    let search_ms = started.elapsed().as_millis() as u64;
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
        import,
        sync_ms,
        sync,
        reviews_ms,
        reviews,
        insights_ms,
        insights,
        search_ms,
        search,
        simulator_totals,
        db,
        token_storage: "in memory (simulator tokens are not secrets; real Square tokens go to the OS keyring)",
    })
}
