//! Import benchmark: the whole history of the simulator's `large` merchant with 150 ms of
//! latency per request and a hidden limit of 20 requests per second, imported into a file
//! database. Reports the wall time against the floor that limit sets (requests needed ÷ 20)
//! — target ≤ 1.15 — and the importer's peak RSS — target ≤ 500 MB.
//!
//! The importer runs in a child process (this same program, re-executed with `--child`)
//! against the simulator this process serves on loopback, so the two peak RSS figures are
//! separate: the importer's is the child's own `VmHWM` read at its end, the simulator's
//! this process's `VmHWM` (both from `/proc`, so Linux only; elsewhere they print
//! `unavailable`). `getrusage(RUSAGE_CHILDREN)` is not used: Linux folds the peak of the
//! address space a child `exec`s away from (here the parent's, shared by `vfork`) into the
//! child's `ru_maxrss`, so it reported the simulator's peak for the importer. The wall
//! time is measured inside the child, from the import's start to its end, as before, and
//! the child's CPU time is printed beside it (on a loaded machine a CPU-starved writer
//! shows up as a ratio above the target with a CPU time close to the wall time).
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

/// This process's peak resident set (`VmHWM`), in MB; `None` where `/proc` is absent.
fn own_peak_rss_mb() -> Option<f64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
}

/// CPU time this process has spent on a core (user + system, every thread), in seconds;
/// `None` where `/proc` is absent.
fn own_cpu_secs() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at the state, field 3.
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn mb(v: Option<f64>) -> String {
    v.map_or_else(|| "unavailable".to_owned(), |v| format!("{v:.0}"))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if args.first().map(String::as_str) == Some("--child") {
        return runtime.block_on(child(&args[1..]));
    }
    runtime.block_on(parent(args.first().cloned()))
}

/// Serves the simulator and runs the import in a child process.
async fn parent(profile_arg: Option<String>) -> Result<(), Box<dyn std::error::Error>> {
    let quick = std::env::var("KEEPER_BENCH_QUICK").is_ok_and(|v| v == "1");
    let profile = match profile_arg {
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
    let since_ms = sim.truth().history_start.0 - 86_400_000;
    let dir = std::env::temp_dir().join(format!("keeper-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("bench.sqlite3");
    let mut command = std::process::Command::new(std::env::current_exe()?);
    command.args([
        "--child".to_owned(),
        profile.name().to_owned(),
        sim.base_url().to_owned(),
        db.display().to_string(),
        since_ms.to_string(),
        (now_ms + 1000).to_string(),
    ]);
    // The simulator's token is not a secret, but it stays out of the argument list anyway.
    command.env("KEEPER_BENCH_TOKEN", sim.access_token());
    let mut child = command.spawn()?;
    let status = tokio::task::spawn_blocking(move || child.wait()).await??;
    let simulator = own_peak_rss_mb();
    let _ = std::fs::remove_dir_all(&dir);
    sim.shutdown().await;
    if !status.success() {
        return Err(format!("the import child failed: {status}").into());
    }
    let name = profile.name();
    println!(
        "  peak RSS of the simulator and this bench (parent process, VmHWM): {} MB",
        mb(simulator)
    );
    println!(
        "BENCH\timport_{name}\tsim_peak_rss_mb\t{}\t-",
        mb(simulator)
    );
    Ok(())
}

/// The import itself: `--child PROFILE BASE_URL DB SINCE_MS NOW_MS`, token in
/// `KEEPER_BENCH_TOKEN`.
async fn child(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let [name, base_url, db, since_ms, now_ms] = args else {
        return Err("usage: --child PROFILE BASE_URL DB SINCE_MS NOW_MS".into());
    };
    let token = std::env::var("KEEPER_BENCH_TOKEN")?;
    let client = SquareClient::new(
        ClientConfig::new(Environment::Custom(base_url.clone()), 7),
        Arc::new(StaticToken::new(token)),
        Arc::new(SystemClock::new()),
    )?;
    // Every answer, to count the 429s the hidden limit sent back.
    let health = Arc::new(HealthLog::new());
    client.set_health_sink(health.clone());
    let mut store = Store::open(std::path::Path::new(db))?;
    let now = DateTime::from_timestamp_millis(now_ms.parse()?).ok_or("bad now")?;
    let mut opts = ImportOptions::last_months(now, 12);
    opts.since = DateTime::from_timestamp_millis(since_ms.parse()?).ok_or("bad start")?;
    opts.retry_pause = Duration::from_millis(500);

    let started = Instant::now();
    let cpu_start = own_cpu_secs();
    // When each stream finished: the last ones make the tail.
    let mut finished: Vec<(&'static str, f64)> = Vec::new();
    let report = keeper_import::import(&client, &mut store, &opts, &mut |p| {
        if p.done && !finished.iter().any(|(s, _)| *s == p.stream) {
            finished.push((p.stream, started.elapsed().as_secs_f64()));
        }
    })
    .await?;
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_start.zip(own_cpu_secs()).map(|(a, b)| b - a);
    let rss = own_peak_rss_mb();
    let floor = report.requests as f64 / LIMIT_RPS;
    let ratio = wall / floor;
    let objects: i64 = report.streams.values().map(|t| t.objects).sum();
    println!(
        "import {name}: {} requests, {objects} objects in {wall:.1} s; floor {floor:.1} s; \
         ratio {ratio:.3}; reconciliation {:.1} %; importer CPU {} s; importer peak RSS \
         (child process, VmHWM) {} MB",
        report.requests,
        report.reconciliation.percent(),
        cpu.map_or_else(|| "unavailable".to_owned(), |c| format!("{c:.1}")),
        mb(rss)
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
    println!("BENCH\timport_{name}\tpeak_rss_mb\t{}\t<=500", mb(rss));
    println!("BENCH\timport_{name}\twall_s\t{wall:.1}\t-");
    println!("BENCH\timport_{name}\tfloor_s\t{floor:.1}\t-");
    println!("BENCH\timport_{name}\trequests\t{}\t-", report.requests);
    println!(
        "BENCH\timport_{name}\treconciled_pct\t{:.1}\t100",
        report.reconciliation.percent()
    );
    Ok(())
}
