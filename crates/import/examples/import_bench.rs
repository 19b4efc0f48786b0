//! Import benchmark: the whole history of the simulator's `large` merchant with 150 ms of
//! latency per request and a hidden limit of 20 requests per second, imported into a file
//! database. Reports the wall time against the floor that limit sets (requests needed ÷ 20)
//! — target ≤ 1.15 — and the peak RSS (VmHWM, simulator included) — target ≤ 500 MB.
//!
//! Run: `cargo run --release -p keeper-import --example import_bench` (the `large`
//! profile); `-- salon` (or `KEEPER_BENCH_QUICK=1`) runs the quick `salon` profile.

use chrono::DateTime;
use keeper_import::ImportOptions;
use keeper_sim::faults::Faults;
use keeper_sim::{Profile, SimConfig, Simulator, Ts};
use keeper_square::client::{ClientConfig, Environment, SquareClient, StaticToken, SystemClock};
use keeper_square::control::HealthLog;
use keeper_store::Store;
use std::sync::Arc;
use std::time::{Duration, Instant};

const LIMIT_RPS: f64 = 20.0;
const LATENCY_MS: u64 = 150;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let quick = std::env::var("KEEPER_BENCH_QUICK").is_ok_and(|v| v == "1");
    let profile = match std::env::args().nth(1) {
        Some(name) => name.parse::<Profile>()?,
        None if quick => Profile::Salon,
        None => Profile::Large,
    };
    let now_ms = chrono::Utc::now().timestamp_millis();
    let sim = Simulator::start(SimConfig::new(profile, 42, Ts(now_ms))).await?;
    sim.set_faults(Faults {
        latency_ms: LATENCY_MS,
        rate_limit_rps: Some(LIMIT_RPS),
        ..Faults::default()
    });
    let truth = sim.truth();
    let client = SquareClient::new(
        ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 7),
        Arc::new(StaticToken::new(sim.access_token())),
        Arc::new(SystemClock::new()),
    )?;
    // Every answer, to count the 429s the hidden limit sent back.
    let health = Arc::new(HealthLog::new());
    client.set_health_sink(health.clone());
    let dir = std::env::temp_dir().join(format!("keeper-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut store = Store::open(&dir.join("bench.sqlite3"))?;
    let now = DateTime::from_timestamp_millis(now_ms + 1000).ok_or("bad now")?;
    let mut opts = ImportOptions::last_months(now, 12);
    opts.since = DateTime::from_timestamp_millis(truth.history_start.0).ok_or("bad start")?
        - chrono::Duration::days(1);
    opts.retry_pause = Duration::from_millis(500);

    let started = Instant::now();
    // When each stream finished: the last ones make the tail.
    let mut finished: Vec<(&'static str, f64)> = Vec::new();
    let report = keeper_import::import(&client, &mut store, &opts, &mut |p| {
        if p.done && !finished.iter().any(|(s, _)| *s == p.stream) {
            finished.push((p.stream, started.elapsed().as_secs_f64()));
        }
    })
    .await?;
    let wall = started.elapsed().as_secs_f64();
    let floor = report.requests as f64 / LIMIT_RPS;
    let ratio = wall / floor;
    let objects: i64 = report.streams.values().map(|t| t.objects).sum();
    let rss = peak_rss_mb();
    let name = profile.name();
    println!(
        "import {name}: {} requests, {objects} objects in {wall:.1} s; floor {floor:.1} s; \
         ratio {ratio:.3}; reconciliation {:.1} %; peak RSS {rss:.0} MB",
        report.requests,
        report.reconciliation.percent()
    );
    for (stream, t) in &report.streams {
        let at = finished
            .iter()
            .find(|(s, _)| s == stream)
            .map_or(f64::NAN, |(_, t)| *t);
        println!(
            "  {stream:<18} {:>4} windows {:>6} pages {:>8} objects  done at {at:>6.1} s",
            t.windows, t.pages, t.objects
        );
    }
    // The longest cursor chains: no window can finish faster than its pages in sequence.
    let mut stmt = store.conn().prepare(
        "SELECT stream, window_key, pages FROM import_windows WHERE run_id = ?1
         ORDER BY pages DESC LIMIT 5",
    )?;
    let longest = stmt
        .query_map([report.run_id], |r| {
            Ok(format!(
                "{}/{} {}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    drop(stmt);
    println!("  longest windows (pages): {}", longest.join(", "));
    let answers = health.drain();
    let limited = answers
        .iter()
        .filter(|e| e.failure.as_ref().is_some_and(|f| f.code == "RATE_LIMITED"))
        .count();
    println!(
        "  answers {}, failures {}, of which 429 {limited}",
        answers.len(),
        answers.iter().filter(|e| !e.is_success()).count()
    );
    println!("BENCH\timport_{name}\twall_over_floor\t{ratio:.3}\t<=1.15");
    println!("BENCH\timport_{name}\tpeak_rss_mb\t{rss:.0}\t<=500");
    println!("BENCH\timport_{name}\twall_s\t{wall:.1}\t-");
    println!("BENCH\timport_{name}\tfloor_s\t{floor:.1}\t-");
    println!("BENCH\timport_{name}\trequests\t{}\t-", report.requests);
    println!(
        "BENCH\timport_{name}\treconciled_pct\t{:.1}\t100",
        report.reconciliation.percent()
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    sim.shutdown().await;
    Ok(())
}
