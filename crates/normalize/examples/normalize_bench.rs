//! Normalization + insert throughput, measured on its own (no network, no raw store).
//!
//! Generates the simulator's merchant (`keeper-sim`, deterministic) and serializes every
//! object the import normalizes — locations, team, catalog, customers, payments, refunds,
//! orders, bookings, loyalty accounts and events — to the JSON Square sends. Each run then
//! feeds that JSON, [`BATCH`] records per transaction as the import commits a page, into a
//! fresh SQLite file in a temp folder (WAL, `synchronous=NORMAL`, [`prepare_connection`]):
//! decode, clean, validate, quarantine, duplicate checks, insert.
//!
//! - The headline goes through [`normalize_json`] one object at a time on one thread, as the
//!   import's writer does. Three runs; the median records/s is printed as a `BENCH` line
//!   for `scripts/bench.sh`.
//! - The same through [`normalize_many`] (JSON decoded on a helper thread while the calling
//!   thread writes in order), for comparison: on a loaded 2-core machine it was slower.
//!
//! The machine may be shared, so each run also reports records per CPU-second of the whole
//! process (every thread; what normalization costs, whatever else runs). One more figure
//! shows where time goes: normalization alone (typed objects, no SQLite).
//!
//! `cargo run --release -p keeper-normalize --example normalize_bench -- [large|salon|small] [N]`
//! (`NORMALIZE_BENCH_PRAGMAS` adds SQL run on each benchmark connection, to try settings).

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
    let secs = start.elapsed().as_secs_f64();
    let cpu_secs = cpu_start.zip(process_cpu_secs()).map(|(a, b)| b - a);
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

    let headline = median(seq_rates);
    let many = median(rates);
    println!();
    println!("| measure ({} records, median of 3) | value |", json.len());
    println!("| --- | --- |");
    println!(
        "| JSON decode + normalize + insert (normalize_json, one thread), wall clock | {headline:.0} records/s |"
    );
    if !seq_cpu.is_empty() {
        println!(
            "| same, per CPU-second of the process | {:.0} records/s |",
            median(seq_cpu.clone())
        );
    }
    println!("| normalize_many (decoding on a helper thread), wall clock | {many:.0} records/s |");
    println!("| same, rows written | {:.0} rows/s |", median(rows_per_s));
    if !cpu_rates.is_empty() {
        println!(
            "| normalize_many, per CPU-second of the process | {:.0} records/s |",
            median(cpu_rates.clone())
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
    if !seq_cpu.is_empty() {
        println!(
            "BENCH\tnormalization\tsame, per CPU-second (shared machine)\t{:.0} records/s\t>= 200000 records/s",
            median(seq_cpu)
        );
    }
    println!(
        "BENCH\tnormalization\tnormalize_many, decoding on a helper thread ({}), median of 3\t{many:.0} records/s\t(comparison)",
        profile.name()
    );
    if !cpu_rates.is_empty() {
        println!(
            "BENCH\tnormalization\tnormalize_many, per CPU-second (shared machine)\t{:.0} records/s\t(comparison)",
            median(cpu_rates)
        );
    }
}
