//! Normalization + insert throughput, measured on its own (no network, no raw store).
//!
//! Generates the simulator's merchant (`keeper-sim`, deterministic) and serializes every
//! object the import normalizes — locations, team, catalog, customers, payments, refunds,
//! orders, bookings, loyalty accounts and events — to the JSON Square sends. Each run then
//! feeds that JSON through [`normalize_json`] (decode, clean, validate, quarantine, duplicate
//! checks, insert) into a fresh SQLite file in a temp folder (WAL, `synchronous=NORMAL`),
//! committing every [`BATCH`] records as the import commits a page. Three runs; the median
//! records/s is the headline, printed as a `BENCH` line for `scripts/bench.sh`.
//!
//! The machine may be shared, so each run also reports records per CPU-second of the
//! benchmark thread (what normalization costs, whatever else runs). Two more figures show
//! where time goes: normalization alone (typed objects, no SQLite), and the same JSON runs on
//! a connection tuned with [`prepare_bulk_connection`] (CHECK constraints skipped).
//!
//! `cargo run --release -p keeper-normalize --example normalize_bench -- [large|salon|small] [N]`

use chrono::{DateTime, Utc};
use keeper_normalize::{
    Context, normalize_json, order, payment, prepare_bulk_connection, prepare_connection,
};
use keeper_sim::{Profile, Ts, generate::generate};
use keeper_square::models::{Order, Payment};
use keeper_store::Store;
use std::collections::BTreeMap;
use std::time::Instant;

/// Records per transaction (a page of the import is 100 to 1,000 objects).
const BATCH: usize = 1_000;

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// CPU time this thread has spent on a core, in seconds.
fn thread_cpu_secs() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Every object of the generated merchant as `(object type, JSON)`, in the import's order.
fn merchant_json(profile: Profile, now_ms: i64) -> Vec<(&'static str, String)> {
    let (data, _truth) = generate(profile, 42, Ts(now_ms));
    let mut out = Vec::new();
    let mut push = |kind: &'static str, json: Result<String, serde_json::Error>| {
        out.push((kind, json.expect("generated objects serialize")));
    };
    data.locations
        .iter()
        .for_each(|o| push("LOCATION", serde_json::to_string(o)));
    data.team
        .iter()
        .for_each(|o| push("TEAM_MEMBER", serde_json::to_string(o)));
    data.catalog
        .iter()
        .for_each(|o| push("CATALOG_OBJECT", serde_json::to_string(o)));
    data.customers
        .iter()
        .for_each(|o| push("CUSTOMER", serde_json::to_string(o)));
    data.payments
        .iter()
        .for_each(|o| push("PAYMENT", serde_json::to_string(o)));
    data.refunds
        .iter()
        .for_each(|o| push("REFUND", serde_json::to_string(o)));
    data.orders
        .iter()
        .for_each(|o| push("ORDER", serde_json::to_string(o)));
    data.bookings
        .iter()
        .for_each(|o| push("BOOKING", serde_json::to_string(o)));
    data.loyalty_program
        .iter()
        .for_each(|o| push("LOYALTY_PROGRAM", serde_json::to_string(o)));
    data.loyalty_accounts
        .iter()
        .for_each(|o| push("LOYALTY_ACCOUNT", serde_json::to_string(o)));
    data.loyalty_events
        .iter()
        .for_each(|o| push("LOYALTY_EVENT", serde_json::to_string(o)));
    out
}

/// One timed run of the JSON path into a fresh file.
struct Run {
    secs: f64,
    cpu_secs: Option<f64>,
    rows: usize,
    /// Quarantined objects per `type/rule`.
    quarantined: BTreeMap<String, usize>,
}

fn json_run(
    dir: &tempfile::TempDir,
    name: &str,
    json: &[(&str, String)],
    ctx: &Context,
    bulk: bool,
) -> Run {
    let mut store = Store::open(&dir.path().join(format!("{name}.sqlite3"))).expect("open store");
    if bulk {
        prepare_bulk_connection(store.conn()).expect("tune connection");
    } else {
        prepare_connection(store.conn()).expect("tune connection");
    }
    let start = Instant::now();
    let cpu_start = thread_cpu_secs();
    let mut rows = 0;
    let mut quarantined = BTreeMap::new();
    for batch in json.chunks(BATCH) {
        let tx = store.conn_mut().transaction().expect("begin");
        for (kind, text) in batch {
            let outcome = normalize_json(&tx, kind, text, ctx).expect("normalize");
            rows += outcome.rows;
            for issue in &outcome.issues {
                *quarantined
                    .entry(format!("{}/{}", outcome.object_type, issue.rule))
                    .or_insert(0) += 1;
            }
        }
        tx.commit().expect("commit");
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu_secs = cpu_start.zip(thread_cpu_secs()).map(|(a, b)| b - a);
    Run {
        secs,
        cpu_secs,
        rows,
        quarantined,
    }
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
    let ctx = Context::new(
        Some("US"),
        DateTime::<Utc>::from_timestamp_millis(now_ms).unwrap(),
    );

    let t = Instant::now();
    let mut json = merchant_json(profile, now_ms);
    if let Some(n) = limit {
        json.truncate(n);
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for (kind, _) in &json {
        *kinds.entry(kind).or_insert(0) += 1;
    }
    let bytes: usize = json.iter().map(|(_, j)| j.len()).sum();
    println!(
        "profile {}: {} records, {:.1} MB of JSON, generated in {:.1} s: {kinds:?}",
        profile.name(),
        json.len(),
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let n = json.len() as f64;

    // Normalization alone (payments and orders decoded up front, no SQLite).
    let typed: Vec<(Option<Payment>, Option<Order>)> = json
        .iter()
        .filter_map(|(kind, text)| match *kind {
            "PAYMENT" => Some((serde_json::from_str(text).ok(), None)),
            "ORDER" => Some((None, serde_json::from_str(text).ok())),
            _ => None,
        })
        .collect();
    let pure_start = Instant::now();
    let mut pure_rows = 0usize;
    for (p, o) in &typed {
        if let Some(p) = p {
            pure_rows += usize::from(payment::payment(p, &ctx).row.is_some());
        }
        if let Some(o) = o {
            pure_rows += order::order(o, &ctx).row.map_or(0, |rows| rows.len());
        }
    }
    let pure = typed.len() as f64 / pure_start.elapsed().as_secs_f64();
    println!(
        "normalization alone (typed payments and orders, no SQLite): {pure:.0} records/s ({pure_rows} rows built)"
    );
    drop(typed);

    let dir = tempfile::tempdir().expect("temp dir");
    let mut rates = Vec::new();
    let mut cpu_rates = Vec::new();
    let mut rows_per_s = Vec::new();
    let mut last = None;
    for run in 0..3 {
        let r = json_run(&dir, &format!("run-{run}"), &json, &ctx, false);
        println!(
            "run {}: {:.2} s wall, {} CPU, {:.0} records/s, {:.0} rows/s ({} rows)",
            run + 1,
            r.secs,
            r.cpu_secs.map_or("unknown".into(), |c| format!("{c:.2} s")),
            n / r.secs,
            r.rows as f64 / r.secs,
            r.rows
        );
        rates.push(n / r.secs);
        rows_per_s.push(r.rows as f64 / r.secs);
        if let Some(c) = r.cpu_secs {
            cpu_rates.push(n / c);
        }
        last = Some(r);
    }
    let mut bulk_rates = Vec::new();
    let mut bulk_cpu = Vec::new();
    for run in 0..3 {
        let r = json_run(&dir, &format!("bulk-{run}"), &json, &ctx, true);
        bulk_rates.push(n / r.secs);
        if let Some(c) = r.cpu_secs {
            bulk_cpu.push(n / c);
        }
    }

    let headline = median(rates);
    println!();
    println!("| measure ({} records, median of 3) | value |", json.len());
    println!("| --- | --- |");
    println!("| JSON decode + normalize + insert, wall clock | {headline:.0} records/s |");
    println!("| same, rows written | {:.0} rows/s |", median(rows_per_s));
    if !cpu_rates.is_empty() {
        println!(
            "| same, per CPU-second of the benchmark thread | {:.0} records/s |",
            median(cpu_rates.clone())
        );
    }
    println!(
        "| with prepare_bulk_connection (CHECKs skipped), wall clock | {:.0} records/s |",
        median(bulk_rates)
    );
    if !bulk_cpu.is_empty() {
        println!(
            "| with prepare_bulk_connection, per CPU-second | {:.0} records/s |",
            median(bulk_cpu)
        );
    }
    if let Some(r) = &last {
        let total: usize = r.quarantined.values().sum();
        println!("| quarantine entries | {total} {:?} |", r.quarantined);
    }
    match peak_rss_mb() {
        Some(mb) => println!("| peak RSS (VmHWM) | {mb:.0} MB |"),
        None => println!("| peak RSS (VmHWM) | unavailable |"),
    }
    println!(
        "BENCH\tnormalization\tJSON decode + normalize + insert ({}), median of 3\t{headline:.0} records/s\t>= 200000 records/s",
        profile.name()
    );
    if !cpu_rates.is_empty() {
        println!(
            "BENCH\tnormalization\tsame, per CPU-second (shared machine)\t{:.0} records/s\t>= 200000 records/s",
            median(cpu_rates)
        );
    }
}
