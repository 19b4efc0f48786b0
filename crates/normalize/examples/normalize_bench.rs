//! Normalization + insert throughput, measured on its own (no network, no raw store).
//!
//! **What is measured:** records in → normalized rows committed to a SQLite file database
//! in WAL mode. A record is one Square object as JSON text (a customer, a payment, an order
//! with its line items, ...); the clock runs from the first byte of JSON decoded to the
//! last transaction committed, and covers JSON decoding, cleaning, validation, quarantine,
//! duplicate checks and the inserts, [`BATCH`] records per transaction as the import
//! commits a page, and a final checkpoint of the write-ahead log into the database file. The JSON is generated before the clock starts: the simulator's merchant
//! (`keeper-sim`, deterministic, seed 42) serialized to the JSON Square sends — locations,
//! team, catalog, customers, payments, refunds, orders, bookings, loyalty accounts and
//! events. Each run writes a fresh file in a temp folder, opened by [`Store::open`] (WAL,
//! `synchronous=NORMAL`, every migration) and tuned by [`prepare_connection`], as the
//! import does.
//!
//! - **Headline: [`normalize_many`]**, the pipeline over the cores: JSON decoding and row
//!   building ([`keeper_normalize::prepare`]) on a helper thread, inserts on the calling
//!   thread, in order, through a bounded channel. Records per second of wall clock, median
//!   of three runs, printed as a `BENCH` line for `scripts/bench.sh`.
//! - The same per CPU-second of the whole process (every thread, user + system; what
//!   normalization costs whatever else the machine runs).
//! - [`normalize_json`] one object at a time on one thread, for comparison.
//! - Normalization alone (typed payments and orders, no SQLite), to show where time goes.
//!
//! `cargo run --release -p keeper-normalize --example normalize_bench -- [salon|large|small] [N]`
//! (default `large`; `N` keeps the first N records; `NORMALIZE_BENCH_PRAGMAS` adds SQL run
//! on each benchmark connection, to try settings).

use chrono::{DateTime, Utc};
use keeper_normalize::{
    Context, normalize_json, normalize_many, order, payment, prepare_connection,
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

/// CPU time every thread of this process has spent on a core (user + system), in seconds
/// (Linux reports it in clock ticks of 10 ms).
fn process_cpu_secs() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at the state, field 3.
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
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
    many: bool,
) -> Run {
    let mut store = Store::open(&dir.path().join(format!("{name}.sqlite3"))).expect("open store");
    prepare_connection(store.conn()).expect("tune connection");
    // Extra pragmas to try, e.g. `NORMALIZE_BENCH_PRAGMAS="PRAGMA wal_autocheckpoint = 10000;"`.
    if let Ok(pragmas) = std::env::var("NORMALIZE_BENCH_PRAGMAS") {
        store.conn().execute_batch(&pragmas).expect("extra pragmas");
    }
    let start = Instant::now();
    let cpu_start = process_cpu_secs();
    let mut rows = 0;
    let mut quarantined = BTreeMap::new();
    for batch in json.chunks(BATCH) {
        let tx = store.conn_mut().transaction().expect("begin");
        let outcomes = if many {
            normalize_many(&tx, batch, ctx).expect("normalize")
        } else {
            batch
                .iter()
                .map(|(kind, text)| normalize_json(&tx, kind, text, ctx).expect("normalize"))
                .collect()
        };
        for outcome in &outcomes {
            rows += outcome.rows;
            for issue in &outcome.issues {
                *quarantined
                    .entry(format!("{}/{}", outcome.object_type, issue.rule))
                    .or_insert(0) += 1;
            }
        }
        tx.commit().expect("commit");
    }
    // The work a larger write-ahead log defers (copying pages into the database file) is
    // part of the cost: the clock stops after a final checkpoint.
    store
        .conn()
        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        .expect("checkpoint");
    let secs = start.elapsed().as_secs_f64();
    let cpu_secs = cpu_start.zip(process_cpu_secs()).map(|(a, b)| b - a);
    if std::env::var("NORMALIZE_BENCH_SIZES").is_ok() {
        let size = |suffix: &str| {
            std::fs::metadata(dir.path().join(format!("{name}.sqlite3{suffix}")))
                .map_or(0, |m| m.len())
        };
        println!(
            "  {name}: database {} MB, WAL {} MB",
            size("") >> 20,
            size("-wal") >> 20
        );
    }
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
    let uptime = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average at start: {}",
        uptime
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut rates = Vec::new();
    let mut cpu_rates = Vec::new();
    let mut rows_per_s = Vec::new();
    let mut seq_rates = Vec::new();
    let mut seq_cpu = Vec::new();
    let mut last = None;
    for run in 0..3 {
        for many in [true, false] {
            let label = if many { "many" } else { "one-by-one" };
            let r = json_run(&dir, &format!("{label}-{run}"), &json, &ctx, many);
            println!(
                "run {} ({label}): {:.2} s wall, {} CPU, {:.0} records/s, {:.0} rows/s ({} rows)",
                run + 1,
                r.secs,
                r.cpu_secs.map_or("unknown".into(), |c| format!("{c:.2} s")),
                n / r.secs,
                r.rows as f64 / r.secs,
                r.rows
            );
            let cpu_rate = r.cpu_secs.filter(|c| *c > 0.0).map(|c| n / c);
            if many {
                rates.push(n / r.secs);
                rows_per_s.push(r.rows as f64 / r.secs);
                cpu_rates.extend(cpu_rate);
                last = Some(r);
            } else {
                seq_rates.push(n / r.secs);
                seq_cpu.extend(cpu_rate);
            }
        }
    }

    let one = median(seq_rates);
    let headline = median(rates);
    println!();
    println!("| measure ({} records, median of 3) | value |", json.len());
    println!("| --- | --- |");
    println!(
        "| records in -> normalized rows committed, pipeline (normalize_many), wall clock | {headline:.0} records/s |"
    );
    println!("| same, rows written | {:.0} rows/s |", median(rows_per_s));
    if !cpu_rates.is_empty() {
        println!(
            "| same, per CPU-second of the process (all threads) | {:.0} records/s |",
            median(cpu_rates.clone())
        );
    }
    println!("| one thread (normalize_json per record), wall clock | {one:.0} records/s |");
    if !seq_cpu.is_empty() {
        println!(
            "| one thread, per CPU-second of the process | {:.0} records/s |",
            median(seq_cpu.clone())
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
    let name = profile.name();
    println!(
        "BENCH\tnormalization\trecords in -> rows committed, JSON decode included, pipeline ({name}), median of 3, wall\t{headline:.0} records/s\t>= 200000 records/s"
    );
    if !cpu_rates.is_empty() {
        println!(
            "BENCH\tnormalization\tsame, per CPU-second ({name}, shared machine)\t{:.0} records/s\t-",
            median(cpu_rates)
        );
    }
    println!(
        "BENCH\tnormalization\tone thread, normalize_json ({name}), median of 3, wall\t{one:.0} records/s\t(comparison)"
    );
    if !seq_cpu.is_empty() {
        println!(
            "BENCH\tnormalization\tone thread, per CPU-second ({name}, shared machine)\t{:.0} records/s\t(comparison)",
            median(seq_cpu)
        );
    }
}
