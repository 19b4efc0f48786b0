//! Benchmark: how fast every command the desktop UI calls answers, on a database holding the
//! `large` demo merchant (imported from the simulator, analysed, reviews read, customer
//! documents built). Each command runs 30 times; the table reports the median and p95 per
//! command against the target (p95 ≤ 50 ms).
//!
//!     cargo run --release -p keeper-api --example ui_latency [-- small|salon|large]
//! Prints `BENCH` lines for scripts/bench.sh.

use chrono::Utc;
use keeper_api::app::App;
use keeper_api::views::{CustomerQuery, CustomerSort};
use keeper_sim::{Profile, SimConfig, Simulator, Ts};
use std::time::{Duration, Instant};

const RUNS: usize = 30;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn time<T>(name: &str, results: &mut Vec<(String, f64, f64)>, mut f: impl FnMut(usize) -> T) {
    let mut samples = Vec::with_capacity(RUNS);
    for i in 0..RUNS {
        let t = Instant::now();
        std::hint::black_box(f(i));
        samples.push(t.elapsed());
    }
    samples.sort();
    let (median, p95) = (percentile(&samples, 0.5), percentile(&samples, 0.95));
    eprintln!("{name:<28} median {median:>8.2} ms   p95 {p95:>8.2} ms");
    results.push((name.to_owned(), median, p95));
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let profile = match std::env::args().nth(1).as_deref() {
        Some("small") => Profile::Small,
        Some("salon") => Profile::Salon,
        _ => Profile::Large,
    };
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("keeper.sqlite3");
    let now = Utc::now();
    let rt = tokio::runtime::Runtime::new()?;
    let started = Instant::now();
    rt.block_on(async {
        let sim = Simulator::start(SimConfig::new(profile, 7, Ts(now.timestamp_millis())))
            .await
            .map_err(|e| e.to_string())?;
        let access = keeper_api::import::SquareAccess {
            base_url: Some(sim.base_url().to_owned()),
            access_token: sim.access_token().to_owned(),
        };
        keeper_api::import::import(&access, &db, 12, now, &mut |_| {})
            .await
            .map_err(|e| e.to_string())?;
        let mut store = keeper_store::Store::open(&db).map_err(|e| e.to_string())?;
        let world = keeper_reviews::stage::world_of(&sim);
        keeper_reviews::stage::run_stage(&mut store, &world, 7, now)
            .await
            .map_err(|e| e.to_string())?;
        keeper_analysis::recompute(&mut store, now).map_err(|e| e.to_string())?;
        keeper_search::index::refresh_documents(store.conn_mut(), now)
            .map_err(|e| e.to_string())?;
        sim.shutdown().await;
        Ok::<_, String>(())
    })?;
    eprintln!(
        "prepared {profile:?} in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // Keyword search only: the query embedding is the model's cost, measured by the search bench.
    let app = App::new(db, Some(&dir.path().join("no-model")), Box::new(|_| {}))?;
    let first = app.list_customers(&CustomerQuery {
        search: None,
        sort: CustomerSort::Value,
        descending: true,
        offset: 0,
        limit: 200,
    })?;
    let total = first.total;
    let ids: Vec<String> = first.rows.iter().map(|r| r.id.clone()).collect();
    eprintln!("{total} customers");
    let mut results = Vec::new();
    let sorts = [
        CustomerSort::Name,
        CustomerSort::Value,
        CustomerSort::LastVisit,
        CustomerSort::Risk,
        CustomerSort::Visits,
        CustomerSort::Overdue,
    ];
    time("list_customers (sorted)", &mut results, |i| {
        app.list_customers(&CustomerQuery {
            search: None,
            sort: sorts[i % sorts.len()],
            descending: i % 2 == 0,
            offset: (i as u32 * 397) % total.max(1),
            limit: 100,
        })
        .unwrap()
    });
    let words = ["colour", "balayage", "jess", "beard", "treatment", "gmail"];
    time("list_customers (search)", &mut results, |i| {
        app.list_customers(&CustomerQuery {
            search: Some(words[i % words.len()].to_owned()),
            sort: CustomerSort::Value,
            descending: true,
            offset: 0,
            limit: 100,
        })
        .unwrap()
    });
    time("customer_detail", &mut results, |i| {
        app.customer_detail(&ids[i % ids.len()]).unwrap()
    });
    time("list_tasks", &mut results, |_| app.list_tasks(50).unwrap());
    time("business_summary", &mut results, |_| {
        app.business_summary().unwrap()
    });
    time("list_reviews", &mut results, |_| {
        app.list_reviews().unwrap()
    });
    time("list_uploads", &mut results, |_| {
        app.list_uploads().unwrap()
    });
    time("health_report", &mut results, |_| {
        app.health_report().unwrap()
    });
    time("job_status", &mut results, |_| app.job_status());
    time("db_info", &mut results, |_| app.db_info().unwrap());

    let worst = results.iter().map(|r| r.2).fold(0.0, f64::max);
    for (name, median, p95) in &results {
        println!("BENCH\tui api\t{name} p95 (median {median:.1} ms)\t{p95:.1} ms\t≤ 50 ms");
    }
    println!(
        "BENCH\tui api\tslowest command p95, {} customers\t{worst:.1} ms\t≤ 50 ms",
        total
    );
    Ok(())
}
