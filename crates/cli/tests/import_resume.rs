//! `keeper import` killed with SIGKILL at random points and restarted ends with the same
//! store as an uninterrupted import: same rows and content in `raw_objects`, every
//! normalized table and the quarantine (timestamps of when things were fetched or detected
//! aside). Then `keeper stats --json` prints exactly the agreed keys with the simulator's
//! counts.

use keeper_sim::faults::Faults;
use keeper_sim::{Profile, SimConfig, Simulator, Ts};
use rand::{Rng, SeedableRng};
use rusqlite::types::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KEEPER: &str = env!("CARGO_BIN_EXE_keeper");
/// Columns that record when something happened locally, not what was stored.
const TIMESTAMP_COLUMNS: [&str; 2] = ["fetched_at", "detected_at"];
/// Keeper's own bookkeeping, which differs between one run and several by design (the killed
/// runs made more requests, so the API health log holds more answers).
const STATE_TABLES: [&str; 6] = [
    "import_runs",
    "import_windows",
    "sync_cursors",
    "customer_status",
    "api_health",
    "api_health_events",
];

fn import_cmd(base_url: &str, token: &str, db: &Path, now: &str) -> Command {
    let mut c = Command::new(KEEPER);
    c.args(["import", "--base-url", base_url, "--access-token", token])
        .arg("--db")
        .arg(db)
        .args(["--months", "14", "--now", now, "--json"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Every table's rows (sorted), without local timestamps.
fn snapshot(db: &Path) -> Vec<(String, Vec<Vec<Value>>)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'
             AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%schema%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    tables.retain(|t| !STATE_TABLES.contains(&t.as_str()));
    let mut out = Vec::new();
    for t in tables {
        let cols: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let cols: Vec<String> = cols
            .into_iter()
            .filter(|c| !TIMESTAMP_COLUMNS.contains(&c.as_str()))
            .collect();
        let list = cols.join(", ");
        let mut stmt = conn
            .prepare(&format!("SELECT {list} FROM {t} ORDER BY {list}"))
            .unwrap();
        let rows: Vec<Vec<Value>> = stmt
            .query_map([], |r| {
                (0..cols.len()).map(|i| r.get::<_, Value>(i)).collect()
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        out.push((t, rows));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_killed_at_random_points_and_resumed_matches_an_uninterrupted_import() {
    let now_ms = chrono::Utc::now().timestamp_millis();
    let sim = Simulator::start(SimConfig::new(Profile::Small, 5, Ts(now_ms)))
        .await
        .unwrap();
    // A little latency so that kills land in the middle of pages and windows.
    sim.set_faults(Faults {
        latency_ms: 10,
        ..Faults::default()
    });
    let truth = sim.truth();
    let base = sim.base_url().to_owned();
    let token = sim.access_token().to_owned();
    let now = chrono::DateTime::from_timestamp_millis(now_ms + 1000)
        .unwrap()
        .to_rfc3339();
    let dir = tempfile::tempdir().unwrap();

    // The reference: one uninterrupted import.
    let reference = dir.path().join("reference.sqlite3");
    let started = Instant::now();
    let out = import_cmd(&base, &token, &reference, &now)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "reference import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let full = started.elapsed();

    // The same import, killed (SIGKILL) at random points, then run to completion.
    let seed: u64 = 0x5EED_0005;
    eprintln!("kill points drawn with seed {seed:#x}; uninterrupted import took {full:?}");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let crashed = dir.path().join("crashed.sqlite3");
    let mut kills = 0;
    for attempt in 0..12 {
        if kills >= 6 {
            break;
        }
        let mut child = import_cmd(&base, &token, &crashed, &now)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let frac: f64 = rng.random_range(0.05..0.35);
        let at = full.mul_f64(frac);
        let deadline = Instant::now() + at;
        while Instant::now() < deadline && child.try_wait().unwrap().is_none() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        if child.try_wait().unwrap().is_some() {
            eprintln!("attempt {attempt}: the import finished before {at:?}");
            break;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
        eprintln!("attempt {attempt}: killed after {at:?}");
    }
    assert!(kills >= 5, "only {kills} kills landed (seed {seed:#x})");
    let out = import_cmd(&base, &token, &crashed, &now).output().unwrap();
    assert!(
        out.status.success(),
        "resumed import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let (a, b) = (snapshot(&reference), snapshot(&crashed));
    assert_eq!(
        a.iter().map(|(t, _)| t).collect::<Vec<_>>(),
        b.iter().map(|(t, _)| t).collect::<Vec<_>>()
    );
    for ((table, ra), (_, rb)) in a.iter().zip(&b) {
        assert_eq!(
            ra.len(),
            rb.len(),
            "{table}: row counts differ (seed {seed:#x})"
        );
        assert!(ra == rb, "{table}: contents differ (seed {seed:#x})");
    }
    let raw = a.iter().find(|(t, _)| t == "raw_objects").unwrap();
    assert!(raw.1.len() > 1000, "the import stored the merchant's data");

    // One import run, resumed, fully reconciled.
    let conn = rusqlite::Connection::open(&crashed).unwrap();
    let (runs, open): (i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE status != 'done') FROM import_runs",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((runs, open), (1, 0));
    let mismatched: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM import_windows WHERE status != 'done' OR stored IS NOT reported",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(mismatched, 0, "every window done and reconciled");

    // `keeper stats --json`: exactly the agreed keys, with the simulator's counts.
    let out = Command::new(KEEPER)
        .args(["stats", "--json", "--db"])
        .arg(&crashed)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = stats
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "customers",
        "team_members",
        "locations",
        "catalog_objects",
        "payments",
        "refunds",
        "orders",
        "bookings",
        "loyalty_accounts",
        "loyalty_events",
        "quarantined",
    ];
    expected.sort();
    let mut keys_sorted = keys.clone();
    keys_sorted.sort();
    assert_eq!(keys_sorted, expected);
    for k in ["team_members", "locations", "loyalty_accounts"] {
        assert_eq!(stats[k].as_u64().unwrap() as usize, truth.count(k), "{k}");
    }
    sim.shutdown().await;
}
