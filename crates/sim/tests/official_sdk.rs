//! The Done-when test: Square's official Python SDK pages through every endpoint for a
//! 12-month window against the simulator (small profile) with no parse error, no
//! pagination anomaly and every object inside its window; its counts match the truth.

mod common;

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn python() -> PathBuf {
    let path = match std::env::var_os("KEEPER_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(std::env::var("HOME").unwrap_or_default())
            .join(".cache/keeper/venv/bin/python"),
    };
    assert!(
        path.exists(),
        "no Python at {} — run scripts/provision-python.sh (or set KEEPER_PYTHON)",
        path.display()
    );
    let ok = Command::new(&path)
        .args(["-c", "import square, httpx, pydantic"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(
        ok,
        "the `squareup` package is missing from {} — run scripts/provision-python.sh",
        path.display()
    );
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_sdk_pages_every_endpoint_without_anomalies() {
    let python = python();
    let sim = common::start_small().await;
    let truth = sim.truth();
    let script = format!("{}/tests/sdk_check.py", manifest_dir());
    let (base, token) = (sim.base_url().to_string(), sim.access_token().to_string());
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .args([
                script.as_str(),
                "--base-url",
                &base,
                "--token",
                &token,
                "--begin",
                "2024-06-01T00:00:00Z",
                "--end",
                common::NOW,
            ])
            .output()
            .expect("run sdk_check.py")
    })
    .await
    .expect("join");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "sdk_check.py failed: {stderr}");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad report ({e}): {}", String::from_utf8_lossy(&out.stdout)));

    for key in ["parse_errors", "anomalies", "out_of_window"] {
        let list = report[key].as_array().expect(key);
        assert!(list.is_empty(), "{key}: {:#?}", &list[..list.len().min(10)]);
    }
    let requests = report["requests"].as_u64().unwrap();
    assert!(requests > 50, "only {requests} requests");
    assert_eq!(
        report["validated_bodies"].as_u64(),
        Some(requests),
        "every body re-validates"
    );

    let c = &report["counts"];
    let n = |k: &str| c[k].as_u64().unwrap_or(u64::MAX) as usize;
    assert_eq!(n("customers"), truth.count("customers"));
    assert_eq!(
        n("payments"),
        truth.count_months("payments", "2024-06", "2025-06")
    );
    assert_eq!(
        n("refunds"),
        truth.count_months("refunds", "2024-06", "2025-06")
    );
    assert_eq!(
        n("orders"),
        truth.count_months("orders", "2024-06", "2025-06")
    );
    assert_eq!(
        n("bookings"),
        truth.count_months("bookings", "2024-06", "9999-12")
    );
    assert_eq!(
        n("loyalty_events"),
        truth.count_months("loyalty_events", "2024-06", "2025-06")
    );
    assert_eq!(n("loyalty_accounts"), truth.count("loyalty_accounts"));
    assert_eq!(n("team_members"), truth.count("team_members"));
    assert_eq!(n("locations"), truth.count("locations"));
    assert_eq!(n("catalog"), truth.count("catalog_objects"));
    assert_eq!(n("catalog_deleted_seen"), truth.count("catalog_deleted"));
    assert_eq!(n("merchants"), 1);
    assert_eq!(n("orders_batch"), 99, "unknown ids are dropped");
    assert!(n("customers_search_created") > 0 && n("customers_search_created") < n("customers"));
    sim.shutdown().await;
}

/// This crate's directory, read when the test runs (cargo sets it) rather than when it was
/// compiled: a test binary reused from a build in another checkout must not look there.
fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string())
}
