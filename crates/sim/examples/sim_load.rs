//! Benchmark: starts the simulator (no latency), then hammers ListCustomers pages with N
//! concurrent clients for a fixed number of requests; prints the generation time and the
//! median requests/s of 3 runs.
//!
//! `cargo run --release -p keeper-sim --example sim_load -- [profile] [clients] [requests]`
//! (defaults: salon 8 4000).

use keeper_sim::{Profile, SimConfig, Simulator, Ts};
use std::time::Instant;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let profile: Profile = args
        .get(1)
        .map_or("salon", String::as_str)
        .parse()
        .expect("profile");
    let clients: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(8);
    let requests: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(4000);
    let now = Ts::parse("2025-06-15T12:00:00Z").expect("now");
    let sim = Simulator::start(SimConfig::new(profile, 1, now))
        .await
        .expect("start");
    println!(
        "profile {} generated in {:.2} s",
        profile.name(),
        sim.generation_time().as_secs_f64()
    );
    println!("counts {:?}", sim.truth().counts);
    println!(
        "BENCH\tsimulator\tgenerate {} profile\t{:.2} s\t< 30 s (large)",
        profile.name(),
        sim.generation_time().as_secs_f64()
    );
    let mut rates = Vec::new();
    for run in 1..=3 {
        let started = Instant::now();
        let mut tasks = Vec::new();
        for c in 0..clients {
            let url = format!("{}/v2/customers?limit=10", sim.base_url());
            let token = sim.access_token().to_string();
            let share = requests / clients + usize::from(c < requests % clients);
            tasks.push(tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut cursor: Option<String> = None;
                for _ in 0..share {
                    let u = match &cursor {
                        Some(cur) => format!("{url}&cursor={cur}"),
                        None => url.clone(),
                    };
                    let body: serde_json::Value = http
                        .get(&u)
                        .bearer_auth(&token)
                        .send()
                        .await
                        .expect("send")
                        .json()
                        .await
                        .expect("json");
                    cursor = body["cursor"].as_str().map(str::to_string);
                }
            }));
        }
        for t in tasks {
            t.await.expect("client task");
        }
        let rate = requests as f64 / started.elapsed().as_secs_f64();
        println!("run {run}: {rate:.0} req/s ({requests} requests, {clients} clients)");
        rates.push(rate);
    }
    rates.sort_by(|a, b| a.total_cmp(b));
    println!("median: {:.0} req/s", rates[1]);
    println!(
        "BENCH\tsimulator\tthroughput, no latency ({clients} clients, median of 3)\t{:.0} req/s\t>= 2000 req/s",
        rates[1]
    );
    sim.shutdown().await;
}
