//! Insights benchmark: every metric and task for the simulator's `large` merchant (about
//! 20,000 customers). The import into a file database happens once, outside the timing.
//!
//! The full recompute (`recompute_read(.., Refit::Always, Read::Full)`: every owner's
//! history read, BG/NBD and Gamma-Gamma fitted, customer, staff and business metrics,
//! tasks, every metric row rewritten and the task table reconciled) runs three times and
//! the median is reported against the 5 s target.
//!
//! Then three rounds of a small sync: the simulator advances two hours, `keeper_import::sync`
//! reads the changes, and the recompute the app runs after a sync (`recompute_with(
//! Refit::IfStale(default))`: only the owners the sync marked are read again, the rest come
//! from the parts the previous run kept in memory; the fitted parameters are reused while
//! fresh; only changed metric rows are written) is timed; the median is reported.
//!
//! Run: `cargo run --release -p keeper-analysis --example insights_bench` (`-- salon` for
//! the smaller profile).

use chrono::DateTime;
use keeper_analysis::{Read, Refit, RefitPolicy, recompute_read, recompute_with};
use keeper_import::{ImportOptions, SyncOptions};
use keeper_sim::{Profile, SimConfig, Simulator, Ts};
use keeper_square::client::{ClientConfig, Environment, SquareClient, StaticToken, SystemClock};
use keeper_store::Store;
use std::sync::Arc;
use std::time::{Duration, Instant};

const NOW_MS: i64 = 1_748_736_000_000; // 2025-06-01T00:00:00Z

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let name = std::env::args().nth(1).unwrap_or_else(|| "large".into());
    let profile = match name.as_str() {
        "salon" => Profile::Salon,
        "small" => Profile::Small,
        _ => Profile::Large,
    };
    let sim = Simulator::start(SimConfig::new(profile, 42, Ts(NOW_MS))).await?;
    let truth = sim.truth().clone();
    let client = SquareClient::new(
        ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 7),
        Arc::new(StaticToken::new(sim.access_token())),
        Arc::new(SystemClock::new()),
    )?;
    let dir = std::env::temp_dir().join(format!("keeper-insights-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut store = Store::open(&dir.join("bench.sqlite3"))?;
    let now = DateTime::from_timestamp_millis(NOW_MS).ok_or("bad now")?;
    let mut opts = ImportOptions::last_months(now + chrono::Duration::seconds(1), 12);
    opts.since = DateTime::from_timestamp_millis(truth.history_start.0).ok_or("bad start")?
        - chrono::Duration::days(1);
    opts.retry_pause = Duration::from_millis(50);
    let started = Instant::now();
    keeper_import::import(&client, &mut store, &opts, &mut |_| {}).await?;
    println!(
        "import {name} (setup, not timed): {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let mut fulls = vec![];
    let mut last = None;
    for run in 0..3 {
        // A full recompute rewrites every row (as when the day turns).
        store.conn().execute("DELETE FROM customer_metrics", [])?;
        let t = Instant::now();
        let r = recompute_read(&mut store, now, &Refit::Always, Read::Full)?;
        let s = t.elapsed().as_secs_f64();
        fulls.push(s);
        println!(
            "full run {run}: {s:.2} s; {} customers, {} owners read, {} rows written, {:?}",
            r.customers_analysed, r.owners_read, r.rows_written, r.tasks
        );
        last = Some(r);
    }
    let full = last.ok_or("no run")?;

    let mut incs = vec![];
    let mut at = now;
    for round in 0..3 {
        at += chrono::Duration::hours(2);
        let changes = sim.advance(2 * 3600 * 1000);
        let mut sync_opts = SyncOptions::new(at + chrono::Duration::seconds(1));
        sync_opts.retry_pause = Duration::from_millis(50);
        let t = Instant::now();
        keeper_import::sync(&client, &mut store, &sync_opts, &mut |_| {}).await?;
        let sync_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let inc = recompute_with(&mut store, at, &Refit::IfStale(RefitPolicy::default()))?;
        let s = t.elapsed().as_secs_f64();
        if !inc.incremental_read {
            return Err(
                format!("round {round} read everything: {:?}", inc.full_read_reason).into(),
            );
        }
        incs.push(s);
        println!(
            "sync {round} (+2 h: {} new orders, {} new customers): {sync_s:.2} s; recompute: {s:.2} s, {} owners read, refitted {}, {} rows written, {:?}",
            changes.new_order_ids.len(),
            changes.new_customer_ids.len(),
            inc.owners_read,
            inc.refitted,
            inc.rows_written,
            inc.tasks
        );
    }
    sim.shutdown().await;
    if let Some(p) = &full.model.bgnbd {
        println!(
            "BG/NBD (weeks): r={:.4} alpha={:.4} a={:.4} b={:.4}",
            p.r, p.alpha, p.a, p.b
        );
    }
    println!(
        "BENCH\tinsights_{name}\tall metrics + tasks, full read, median of 3 (s)\t{:.2}\t<=5",
        median(fulls)
    );
    println!(
        "BENCH\tinsights_{name}\tcustomers analysed\t{}\t-",
        full.customers_analysed
    );
    println!(
        "BENCH\tinsights_{name}\tall metrics + tasks after a 2 h sync, incremental read, median of 3 (s)\t{:.2}\t<=5",
        median(incs)
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
