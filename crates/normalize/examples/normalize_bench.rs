//! Normalization + insert throughput, measured on its own (no network), with and without the
//! raw store.
//!
//! **What is measured:** records in → rows committed to a SQLite file database in WAL mode.
//! A record is one Square object as JSON text (a customer, a payment, an order with its line
//! items, ...); the clock runs from the first byte of JSON decoded to the last transaction
//! committed, and covers JSON decoding, cleaning, validation, quarantine, duplicate checks
//! and the inserts, [`BATCH`] records per transaction as the import commits a page, and a
//! final checkpoint of the write-ahead log into the database file. The JSON is generated
//! before the clock starts: the simulator's merchant (`keeper-sim`, deterministic, seed 42)
//! serialized to the JSON Square sends — locations, team, catalog, customers, payments,
//! refunds, orders, bookings, loyalty accounts and events. Each run writes a fresh file in a
//! temp folder, opened by [`Store::open`] (WAL, `synchronous=NORMAL`, every migration) and
//! tuned by [`prepare_connection`], as the import does.
//!
//! Two measures, reported separately:
//!
//! - **(a) normalization + insert: [`normalize_many`]**, the stage after the raw store —
//!   JSON decoding and row building on a helper thread, normalized rows and quarantine
//!   entries inserted on the calling thread, in order.
//! - **(b) the full write path: [`ingest_many`]**, what the import's writer runs for a page:
//!   (a) plus each object's raw row (its JSON kept exactly, SHA-256, the unchanged-object
//!   check, the per-type counts), objects keyed as the import keys them.
//!
//! Each is records per second of wall clock, median of three runs, printed as `BENCH` lines
//! for `scripts/bench.sh`, and per CPU-second of the whole process (every thread, user +
//! system; what it costs whatever else the machine runs). [`normalize_json`] one object at a
//! time on one thread, and normalization alone (typed payments and orders, no SQLite), are
//! printed for comparison. The load average is printed before and after.
//!
//! `cargo run --release -p keeper-normalize --example normalize_bench -- [salon|large|small] [N]`
//! (default `large`; `N` keeps the first N records; `NORMALIZE_BENCH_PRAGMAS` adds SQL run
//! on each benchmark connection, to try settings; `NORMALIZE_BENCH_BATCH` changes the records
//! per transaction; `NORMALIZE_BENCH_SIZES` prints file sizes).

use chrono::{DateTime, Utc};
use keeper_normalize::{
    Context, RawItem, ingest_many, normalize_json, normalize_many, order, payment,
    prepare_connection,
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

/// One generated object: the type normalization decodes it as, the raw store's type, id and
/// version (as the import keys it), and its JSON.
struct Record {
    kind: &'static str,
    raw_type: String,
    id: String,
    version: Option<String>,
    json: String,
}

/// Every object of the generated merchant, in the import's order.
fn merchant_records(profile: Profile, now_ms: i64) -> Vec<Record> {
    merchant_json(profile, now_ms)
        .into_iter()
        .map(|(kind, json)| {
            let v: serde_json::Value = serde_json::from_str(&json).expect("generated JSON");
            let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
            let raw_type = match kind {
                "CATALOG_OBJECT" => text("type").expect("catalog objects have a type"),
                _ => kind.to_owned(),
            };
            Record {
                kind,
                raw_type,
                id: text("id").expect("generated objects have an id"),
                version: v
                    .get("version")
                    .and_then(|x| x.as_i64())
                    .map(|n| n.to_string())
                    .or_else(|| text("updated_at")),
                json,
            }
        })
        .collect()
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

/// What a run writes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// (a) normalized rows only, through the pipeline.
    Normalized,
    /// (b) raw rows and normalized rows, through the import's write path.
    Full,
    /// Normalized rows, `normalize_json` one object at a time on one thread.
    OneByOne,
}

impl Mode {
    fn label(self) -> &'static str {
        match self {
            Mode::Normalized => "(a) normalized",
            Mode::Full => "(b) raw + normalized",
            Mode::OneByOne => "one-by-one",
        }
    }
}

fn json_run(
    dir: &tempfile::TempDir,
    name: &str,
    records: &[Record],
    ctx: &Context,
    mode: Mode,
) -> Run {
    let mut store = Store::open(&dir.path().join(format!("{name}.sqlite3"))).expect("open store");
    prepare_connection(store.conn()).expect("tune connection");
    // Extra pragmas to try, e.g. `NORMALIZE_BENCH_PRAGMAS="PRAGMA wal_autocheckpoint = 10000;"`.
    if let Ok(pragmas) = std::env::var("NORMALIZE_BENCH_PRAGMAS") {
        store.conn().execute_batch(&pragmas).expect("extra pragmas");
    }
    let batch_size: usize = std::env::var("NORMALIZE_BENCH_BATCH")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(BATCH);
    // Borrowed views, built before the clock starts (the import's writer builds the same
    // from its page).
    let pairs: Vec<(&str, &str)> = records.iter().map(|r| (r.kind, r.json.as_str())).collect();
    let items: Vec<RawItem<'_>> = records
        .iter()
        .map(|r| RawItem {
            object_type: &r.raw_type,
            square_id: &r.id,
            version: r.version.as_deref(),
            json: &r.json,
        })
        .collect();
    let fetched_at = "2025-09-01T12:00:00Z";
    let start = Instant::now();
    let cpu_start = process_cpu_secs();
    let mut rows = 0;
    let mut quarantined = BTreeMap::new();
    let mut tally = |outcome: &keeper_normalize::Outcome| {
        rows += outcome.rows;
        for issue in &outcome.issues {
            *quarantined
                .entry(format!("{}/{}", outcome.object_type, issue.rule))
                .or_insert(0) += 1;
        }
    };
    for (batch, raw) in pairs.chunks(batch_size).zip(items.chunks(batch_size)) {
        let tx = store.conn_mut().transaction().expect("begin");
        match mode {
            Mode::Normalized => normalize_many(&tx, batch, ctx)
                .expect("normalize")
                .iter()
                .for_each(&mut tally),
            Mode::Full => ingest_many(&tx, raw, fetched_at, ctx, true)
                .expect("ingest")
                .iter()
                .filter_map(|i| i.outcome.as_ref())
                .for_each(&mut tally),
            Mode::OneByOne => batch
                .iter()
                .map(|(kind, text)| normalize_json(&tx, kind, text, ctx).expect("normalize"))
                .for_each(|o| tally(&o)),
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
    if mode == Mode::Full {
        let stored: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM raw_objects", [], |r| r.get(0))
            .expect("count raw");
        assert_eq!(stored as usize, records.len(), "every record is stored raw");
    }
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

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
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
    let mut records = merchant_records(profile, now_ms);
    if let Some(n) = limit {
        records.truncate(n);
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &records {
        *kinds.entry(r.kind).or_insert(0) += 1;
    }
    let bytes: usize = records.iter().map(|r| r.json.len()).sum();
    println!(
        "profile {}: {} records, {:.1} MB of JSON, generated in {:.1} s: {kinds:?}",
        profile.name(),
        records.len(),
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let n = records.len() as f64;

    // Normalization alone (payments and orders decoded up front, no SQLite).
    let typed: Vec<(Option<Payment>, Option<Order>)> = records
        .iter()
        .filter_map(|r| match r.kind {
            "PAYMENT" => Some((serde_json::from_str(&r.json).ok(), None)),
            "ORDER" => Some((None, serde_json::from_str(&r.json).ok())),
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
    let load_start = load_average();
    println!("load average at start: {load_start}");
    let modes = [Mode::Normalized, Mode::Full, Mode::OneByOne];
    // Per mode: wall rates, CPU rates.
    let mut wall: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut cpu: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut rows_per_s = Vec::new();
    let mut last = None;
    for run in 0..3 {
        for mode in modes {
            let label = mode.label();
            let r = json_run(&dir, &format!("{run}-{mode:?}"), &records, &ctx, mode);
            println!(
                "run {} {label}: {:.2} s wall, {} CPU, {:.0} records/s, {:.0} rows/s ({} rows)",
                run + 1,
                r.secs,
                r.cpu_secs.map_or("unknown".into(), |c| format!("{c:.2} s")),
                n / r.secs,
                r.rows as f64 / r.secs,
                r.rows
            );
            wall.entry(label).or_default().push(n / r.secs);
            cpu.entry(label)
                .or_default()
                .extend(r.cpu_secs.filter(|c| *c > 0.0).map(|c| n / c));
            if mode == Mode::Normalized {
                rows_per_s.push(r.rows as f64 / r.secs);
                last = Some(r);
            }
        }
    }
    let load_end = load_average();
    println!("load average at end: {load_end}");

    let med = |m: &BTreeMap<&str, Vec<f64>>, mode: Mode| {
        m.get(mode.label())
            .filter(|v| !v.is_empty())
            .map(|v| median(v.clone()))
    };
    let fmt = |v: Option<f64>| v.map_or("unknown".to_owned(), |v| format!("{v:.0} records/s"));
    println!();
    println!(
        "| measure ({} records, median of 3) | value |",
        records.len()
    );
    println!("| --- | --- |");
    println!(
        "| (a) records in -> normalized rows committed (normalize_many), wall clock | {} |",
        fmt(med(&wall, Mode::Normalized))
    );
    println!("| (a) rows written | {:.0} rows/s |", median(rows_per_s));
    println!(
        "| (a) per CPU-second of the process (all threads) | {} |",
        fmt(med(&cpu, Mode::Normalized))
    );
    println!(
        "| (b) records in -> raw + normalized rows committed (ingest_many), wall clock | {} |",
        fmt(med(&wall, Mode::Full))
    );
    println!(
        "| (b) per CPU-second of the process (all threads) | {} |",
        fmt(med(&cpu, Mode::Full))
    );
    println!(
        "| one thread (normalize_json per record), wall clock | {} |",
        fmt(med(&wall, Mode::OneByOne))
    );
    println!(
        "| one thread, per CPU-second of the process | {} |",
        fmt(med(&cpu, Mode::OneByOne))
    );
    if let Some(r) = &last {
        let total: usize = r.quarantined.values().sum();
        println!("| quarantine entries | {total} {:?} |", r.quarantined);
    }
    match peak_rss_mb() {
        Some(mb) => println!("| peak RSS (VmHWM) | {mb:.0} MB |"),
        None => println!("| peak RSS (VmHWM) | unavailable |"),
    }
    println!("| load average (start / end) | {load_start} / {load_end} |");
    let name = profile.name();
    let bench = |metric: String, value: Option<f64>, target: &str| {
        if let Some(v) = value {
            println!("BENCH\tnormalization\t{metric}\t{v:.0} records/s\t{target}");
        }
    };
    bench(
        format!(
            "(a) normalization + insert: records in -> normalized rows committed, JSON decode included ({name}), median of 3, wall, load {load_start}"
        ),
        med(&wall, Mode::Normalized),
        ">= 200000 records/s",
    );
    bench(
        format!("(a) same, per CPU-second ({name})"),
        med(&cpu, Mode::Normalized),
        "-",
    );
    bench(
        format!(
            "(b) full write path: records in -> raw + normalized rows committed ({name}), median of 3, wall, load {load_start}"
        ),
        med(&wall, Mode::Full),
        "(reported; the issue's bar is (a))",
    );
    bench(
        format!("(b) same, per CPU-second ({name})"),
        med(&cpu, Mode::Full),
        "-",
    );
    bench(
        format!("one thread, normalize_json ({name}), median of 3, wall"),
        med(&wall, Mode::OneByOne),
        "(comparison)",
    );
}
