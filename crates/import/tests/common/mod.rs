//! Shared by the simulator tests: a simulator, a client for it and an import into a store.

#![allow(dead_code)]

use chrono::{DateTime, Utc};
use keeper_import::ImportOptions;
use keeper_sim::{Profile, SimConfig, SimHandle, Simulator, Ts};
use keeper_square::client::{ClientConfig, Environment, SquareClient, StaticToken, SystemClock};
use keeper_store::Store;
use std::sync::Arc;
use std::time::Duration;

pub const NOW_MS: i64 = 1_748_736_000_000; // 2025-06-01T00:00:00Z

pub fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap()
}

pub async fn sim(profile: Profile, seed: u64) -> SimHandle {
    Simulator::start(SimConfig::new(profile, seed, Ts(NOW_MS)))
        .await
        .unwrap()
}

pub fn client(sim: &SimHandle) -> SquareClient {
    SquareClient::new(
        ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 1),
        Arc::new(StaticToken::new(sim.access_token())),
        Arc::new(SystemClock::new()),
    )
    .unwrap()
}

/// The simulator's whole history (so every object is inside the window).
pub fn whole_history(sim: &SimHandle) -> ImportOptions {
    let truth = sim.truth();
    let mut opts = ImportOptions::last_months(at(NOW_MS + 1000), 12);
    opts.since = at(truth.history_start.0) - chrono::Duration::days(1);
    opts.retry_pause = Duration::from_millis(50);
    opts
}

pub fn count(store: &Store, sql: &str) -> usize {
    store
        .conn()
        .query_row(sql, [], |r| r.get::<_, i64>(0))
        .unwrap() as usize
}

pub fn raw(store: &Store, object_type: &str) -> usize {
    count(
        store,
        &format!("SELECT COUNT(*) FROM raw_objects WHERE object_type = '{object_type}'"),
    )
}
