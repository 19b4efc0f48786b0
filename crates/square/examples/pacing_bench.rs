//! Pacing benchmark: the client against the simulator with a hidden limit of 10 requests
//! per second per token and 150 ms of latency.
//!
//! 1. Steady load: the share of the limit the client sustains (target ≥ 90 %) and the share
//!    of its requests answered 429 (target < 5 %).
//! 2. A 429 storm (every request throttled for 10 s), then the time until goodput is back
//!    to ≥ 80 % of the limit over a 1 s window (target ≤ 5 s).
//! 3. An outage (every request 503) of 2 minutes: when the breaker opens, how many probes
//!    it sends, and how long after recovery it closes.
//!
//! Run: `cargo run --release -p keeper-square --example pacing_bench` (about 4 minutes;
//! `-- --quick` shortens the steady phase and the outage to 20 s).

use keeper_sim::faults::Faults;
use keeper_sim::{Profile, SimConfig, SimHandle, Simulator, Ts};
use keeper_square::client::{
    ClientConfig, ClientError, Clock, Environment, SquareClient, StaticToken, SystemClock,
};
use keeper_square::control::{CircuitState, EndpointFamily, Priority};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const LIMIT: f64 = 10.0;
const LATENCY_MS: u64 = 150;
const WORKERS: usize = 6;
const FAMILY: EndpointFamily = EndpointFamily::MerchantsLocations;

fn normal_faults() -> Faults {
    Faults {
        latency_ms: LATENCY_MS,
        rate_limit_rps: Some(LIMIT),
        ..Faults::default()
    }
}

/// Successes (wall-clock instants) recorded by the workers.
#[derive(Default)]
struct Log {
    successes: Mutex<Vec<Instant>>,
}

impl Log {
    fn count_between(&self, from: Instant, to: Instant) -> usize {
        let s = self.successes.lock().unwrap();
        s.iter().filter(|t| **t >= from && **t < to).count()
    }
}

fn spawn_workers(
    client: &SquareClient,
    log: &Arc<Log>,
    stop: &Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..WORKERS)
        .map(|_| {
            let client = client.clone();
            let log = log.clone();
            let stop = stop.clone();
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    match client.list_locations().await {
                        Ok(_) => log.successes.lock().unwrap().push(Instant::now()),
                        Err(ClientError::CircuitOpen { retry_at, .. }) => {
                            // Sync would use stored data here; come back for the probe.
                            client.clock().sleep_until(retry_at).await;
                        }
                        Err(_) => {}
                    }
                }
            })
        })
        .collect()
}

fn health(client: &SquareClient) -> (u64, u64) {
    let h = client.family_health(FAMILY);
    (h.requests, h.rate_limit_hits)
}

async fn start_sim() -> SimHandle {
    let now = SystemClock::new().now().as_millis() as i64;
    let mut config = SimConfig::new(Profile::Small, 1, Ts(now));
    config.faults = normal_faults();
    Simulator::start(config).await.expect("simulator starts")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let steady = Duration::from_secs(if quick { 20 } else { 40 });
    let warmup = Duration::from_secs(10);
    let outage = Duration::from_secs(if quick { 20 } else { 120 });

    let sim = start_sim().await;
    let mut config = ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 2024);
    config.priority = Priority::High;
    let tokens = Arc::new(StaticToken::new(sim.access_token()));
    let client = SquareClient::new(config, tokens, Arc::new(SystemClock::new())).unwrap();
    let log = Arc::new(Log::default());
    let stop = Arc::new(AtomicBool::new(false));
    let workers = spawn_workers(&client, &log, &stop);

    // 1. Steady load.
    let t0 = Instant::now();
    tokio::time::sleep(warmup).await;
    let (req_a, hits_a) = health(&client);
    let measure_from = Instant::now();
    tokio::time::sleep(steady - warmup).await;
    let measure_to = Instant::now();
    let (req_b, hits_b) = health(&client);
    let measured = measure_to - measure_from;
    let goodput = log.count_between(measure_from, measure_to) as f64 / measured.as_secs_f64();
    let sustained = goodput / LIMIT;
    let share_429 = (hits_b - hits_a) as f64 / (req_b - req_a).max(1) as f64;
    let (req_all, hits_all) = (req_b, hits_b);

    // 2. 429 storm, then recovery.
    sim.set_faults(Faults {
        latency_ms: LATENCY_MS,
        rate_limit_rps: Some(0.0),
        ..Faults::default()
    });
    tokio::time::sleep(Duration::from_secs(10)).await;
    sim.set_faults(normal_faults());
    let storm_end = Instant::now();
    let mut recovery: Option<Duration> = None;
    while storm_end.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = Instant::now();
        let window_start = now - Duration::from_secs(1);
        if window_start >= storm_end && log.count_between(window_start, now) as f64 >= 0.8 * LIMIT {
            recovery = Some(now - storm_end);
            break;
        }
    }
    tokio::time::sleep(Duration::from_secs(5)).await;

    // 3. Outage.
    let (req_before_outage, _) = health(&client);
    sim.set_faults(Faults {
        latency_ms: LATENCY_MS,
        outage: true,
        ..Faults::default()
    });
    let outage_start = Instant::now();
    let mut opened_after: Option<Duration> = None;
    let mut requests_when_opened = 0;
    let mut half_open_seen = 0u32;
    let mut last = CircuitState::Closed;
    while outage_start.elapsed() < outage {
        let state = client.circuit_state(FAMILY);
        if state == CircuitState::Open && opened_after.is_none() {
            opened_after = Some(outage_start.elapsed());
            requests_when_opened = health(&client).0;
        }
        if state == CircuitState::HalfOpen && last != CircuitState::HalfOpen {
            half_open_seen += 1;
        }
        last = state;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (req_end_outage, _) = health(&client);
    let probes = req_end_outage.saturating_sub(requests_when_opened);
    sim.set_faults(normal_faults());
    let recovered_at = Instant::now();
    let mut closed_after: Option<Duration> = None;
    while recovered_at.elapsed() < Duration::from_secs(90) {
        if client.circuit_state(FAMILY) == CircuitState::Closed {
            closed_after = Some(recovered_at.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.abort();
    }

    let secs =
        |d: Option<Duration>| d.map_or("never".to_owned(), |d| format!("{:.1} s", d.as_secs_f64()));
    let verdict = |ok: bool| if ok { "ok" } else { "MISSED" };
    println!(
        "pacing benchmark: hidden limit {LIMIT} req/s, latency {LATENCY_MS} ms, {WORKERS} workers, total {:.0} s",
        t0.elapsed().as_secs_f64()
    );
    println!(
        "{:<44} {:>12} {:>10} {:>7}",
        "metric", "value", "target", ""
    );
    println!(
        "{:<44} {:>11.1}% {:>10} {:>7}",
        "sustained goodput (share of the limit)",
        sustained * 100.0,
        ">= 90%",
        verdict(sustained >= 0.9)
    );
    println!(
        "{:<44} {:>11.2}% {:>10} {:>7}",
        "requests answered 429 (steady, after warm-up)",
        share_429 * 100.0,
        "< 5%",
        verdict(share_429 < 0.05)
    );
    println!(
        "{:<44} {:>11.2}% {:>10} {:>7}",
        "requests answered 429 (steady, incl. warm-up)",
        hits_all as f64 * 100.0 / req_all.max(1) as f64,
        "",
        ""
    );
    println!(
        "{:<44} {:>12} {:>10} {:>7}",
        "after a 10 s 429 storm: back to >= 80%",
        secs(recovery),
        "<= 5 s",
        verdict(recovery.is_some_and(|d| d <= Duration::from_secs(5)))
    );
    println!(
        "{:<44} {:>12} {:>10} {:>7}",
        format!("{} s outage: breaker opened after", outage.as_secs()),
        secs(opened_after),
        "",
        verdict(opened_after.is_some())
    );
    println!(
        "{:<44} {:>12} {:>10} {:>7}",
        "outage: requests sent while open (probes)", probes, "", ""
    );
    println!(
        "{:<44} {:>12} {:>10} {:>7}",
        "outage: half-open episodes seen",
        half_open_seen,
        "",
        verdict(half_open_seen > 0)
    );
    println!(
        "{:<44} {:>12} {:>10} {:>7}",
        "outage: requests before it opened",
        requests_when_opened.saturating_sub(req_before_outage),
        "",
        ""
    );
    println!(
        "{:<44} {:>12} {:>10} {:>7}",
        "after recovery: breaker closed after",
        secs(closed_after),
        "<= 60 s",
        verdict(closed_after.is_some_and(|d| d <= Duration::from_secs(60)))
    );
    let pct = |x: f64| format!("{:.1}%", x * 100.0);
    for (metric, value, target) in [
        (
            "sustained goodput under a hidden 10 req/s limit",
            pct(sustained),
            ">= 90%",
        ),
        (
            "requests answered 429 (after warm-up)",
            pct(share_429),
            "< 5%",
        ),
        (
            "back to >= 80% goodput after a 429 storm",
            secs(recovery),
            "<= 5 s",
        ),
        (
            "breaker closed after the outage ended",
            secs(closed_after),
            "<= 60 s",
        ),
    ] {
        println!("BENCH\tclient pacing\t{metric}\t{value}\t{target}");
    }
    sim.shutdown().await;
}
