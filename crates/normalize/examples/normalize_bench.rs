//! Normalization + insert throughput, measured on its own (no network, no raw store).
//!
//! Generates the simulator's merchant (`keeper-sim`, deterministic), takes its payments and
//! orders, decodes them into `keeper-square` types up front, then normalizes them into a
//! fresh temp-file SQLite store in one transaction — three times — and prints the median
//! records/s, rows/s and the peak RSS (VmHWM). A second figure covers the JSON path
//! (`normalize_json`: decode + normalize + insert).
//!
//! `cargo run --release -p keeper-normalize --example normalize_bench -- [large|salon|small] [N]`

use chrono::{DateTime, Utc};
use keeper_normalize::{Context, normalize_json, order, payment, prepare_connection};
use keeper_sim::{Profile, Ts, generate::generate};
use keeper_square::models::{Order, Payment};
use keeper_store::Store;
use std::time::Instant;

enum Record {
    Payment(Box<Payment>),
    Order(Box<Order>),
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// CPU time this thread has spent on a core, in seconds (the machine may be shared, so
/// wall-clock rates understate what normalization costs).
fn thread_cpu_secs() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn fresh_store(dir: &tempfile::TempDir, run: usize) -> Store {
    let store = Store::open(&dir.path().join(format!("bench-{run}.sqlite3"))).expect("open store");
    prepare_connection(store.conn()).expect("tune connection");
    store
}

fn main() {
    let mut args = std::env::args().skip(1);
    let profile: Profile = args
        .next()
        .as_deref()
        .unwrap_or("large")
        .parse()
        .expect("profile: small, salon or large");
    let limit: Option<usize> = args.next().map(|n| n.parse().expect("N must be a number"));
    let now_ms = DateTime::parse_from_rfc3339("2025-09-01T12:00:00Z")
        .unwrap()
        .timestamp_millis();

    let t = Instant::now();
    let (data, _truth) = generate(profile, 42, Ts(now_ms));
    let mut json: Vec<(&str, String)> = Vec::with_capacity(data.payments.len() + data.orders.len());
    for (p, o) in data.payments.iter().zip(&data.orders) {
        json.push(("PAYMENT", serde_json::to_string(p).unwrap()));
        json.push(("ORDER", serde_json::to_string(o).unwrap()));
    }
    drop(data);
    if let Some(n) = limit {
        json.truncate(n);
    }
    let records: Vec<Record> = json
        .iter()
        .map(|(kind, text)| match *kind {
            "PAYMENT" => Record::Payment(Box::new(
                serde_json::from_str(text).expect("payment decodes"),
            )),
            _ => Record::Order(Box::new(serde_json::from_str(text).expect("order decodes"))),
        })
        .collect();
    println!(
        "profile {}: {} records ({} payments, {} orders) generated and decoded in {:.1} s",
        profile.name(),
        records.len(),
        records
            .iter()
            .filter(|r| matches!(r, Record::Payment(_)))
            .count(),
        records
            .iter()
            .filter(|r| matches!(r, Record::Order(_)))
            .count(),
        t.elapsed().as_secs_f64()
    );

    let ctx = Context::new(
        Some("US"),
        DateTime::<Utc>::from_timestamp_millis(now_ms).unwrap(),
    );
    // Normalization alone (no SQLite), to show where the time goes.
    let pure_start = Instant::now();
    let mut pure_rows = 0usize;
    for r in &records {
        pure_rows += match r {
            Record::Payment(p) => usize::from(payment::payment(p, &ctx).row.is_some()),
            Record::Order(o) => order::order(o, &ctx).row.map_or(0, |rows| rows.len()),
        };
    }
    let pure = records.len() as f64 / pure_start.elapsed().as_secs_f64();
    println!("normalization alone (no SQLite): {pure:.0} records/s ({pure_rows} rows built)");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut typed = Vec::new();
    let mut typed_cpu = Vec::new();
    let mut rows_per_s = Vec::new();
    let mut quarantined = 0;
    for run in 0..3 {
        let mut store = fresh_store(&dir, run);
        let start = Instant::now();
        let cpu_start = thread_cpu_secs();
        let tx = store.conn_mut().transaction().unwrap();
        let mut rows = 0;
        quarantined = 0;
        for r in &records {
            let outcome = match r {
                Record::Payment(p) => payment::write_payment(&tx, p, &ctx, None),
                Record::Order(o) => order::write_order(&tx, o, &ctx, None),
            }
            .expect("normalize");
            rows += outcome.rows;
            quarantined += usize::from(outcome.quarantined());
        }
        tx.commit().unwrap();
        let secs = start.elapsed().as_secs_f64();
        if let (Some(a), Some(b)) = (cpu_start, thread_cpu_secs()) {
            typed_cpu.push(records.len() as f64 / (b - a));
        }
        typed.push(records.len() as f64 / secs);
        rows_per_s.push(rows as f64 / secs);
        println!(
            "typed run {}: {:.2} s, {:.0} records/s, {:.0} rows/s ({rows} rows)",
            run + 1,
            secs,
            records.len() as f64 / secs,
            rows as f64 / secs
        );
    }
    let mut via_json = Vec::new();
    for run in 3..6 {
        let mut store = fresh_store(&dir, run);
        let start = Instant::now();
        let tx = store.conn_mut().transaction().unwrap();
        for (kind, text) in &json {
            normalize_json(&tx, kind, text, &ctx).expect("normalize");
        }
        tx.commit().unwrap();
        via_json.push(json.len() as f64 / start.elapsed().as_secs_f64());
    }
    println!();
    println!("| measure | median of 3 |");
    println!("| --- | --- |");
    println!(
        "| typed normalize + insert | {:.0} records/s |",
        median(typed.clone())
    );
    println!(
        "BENCH\tnormalization\tnormalize + insert, median of 3\t{:.0} records/s\t>= 200000 records/s",
        median(typed)
    );
    println!(
        "| typed normalize + insert | {:.0} rows/s |",
        median(rows_per_s)
    );
    if !typed_cpu.is_empty() {
        println!(
            "| typed, per CPU-second on a core | {:.0} records/s |",
            median(typed_cpu)
        );
    }
    println!(
        "| JSON decode + normalize + insert | {:.0} records/s |",
        median(via_json)
    );
    println!("| quarantined records | {quarantined} |");
    match peak_rss_mb() {
        Some(mb) => println!("| peak RSS (VmHWM) | {mb:.0} MB |"),
        None => println!("| peak RSS (VmHWM) | unavailable |"),
    }
}
