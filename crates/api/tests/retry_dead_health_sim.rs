//! Dead-lettered sync work as the Health screen sees it: the loyalty family fails at two
//! syncs in a row against the simulator (a fault scoped to `/v2/loyalty`), its windows run
//! out of attempts, and the health report counts them with the `retry_queue_dead` warning
//! while the store keeps each with its reason; once revived and synced, both clear.

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use keeper_api::health::{flush_client_health, health_report};
use keeper_sim::path_faults::{FaultStatus, PathFault};
use keeper_sim::{Profile, SimConfig, SimHandle, Simulator, Ts};
use keeper_square::client::{ClientConfig, Environment, ManualClock, SquareClient, StaticToken};
use keeper_store::Store;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const NOW_MS: i64 = 1_748_736_000_000; // 2025-06-01T00:00:00Z

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap()
}

/// One sync as a freshly started app runs it (new client on virtual time, store reopened),
/// with the client's health flushed into the store as the app does.
async fn sync(sim: &SimHandle, db: &Path, now: DateTime<Utc>) {
    let client = SquareClient::new(
        ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 5),
        Arc::new(StaticToken::new(sim.access_token())),
        Arc::new(ManualClock::new(Duration::from_millis(sim.now().0 as u64))),
    )
    .unwrap();
    let log = keeper_api::health::attach(&client);
    let mut store = Store::open(db).unwrap();
    let mut opts = keeper_import::SyncOptions::new(now);
    opts.retry_pause = Duration::from_millis(20);
    keeper_import::sync(&client, &mut store, &opts, &mut |_| {})
        .await
        .expect("the sync itself succeeds");
    flush_client_health(&mut store, &client, &log, now).unwrap();
}

fn dead_reasons(store: &Store) -> Vec<(String, String)> {
    store
        .conn()
        .prepare(
            "SELECT family, last_error FROM retry_queue WHERE dead_at_ms IS NOT NULL
             ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_lettered_sync_work_is_counted_and_warned_about_by_health_until_revived() {
    let sim = Simulator::start(SimConfig::new(Profile::Small, 46, Ts(NOW_MS)))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("keeper.sqlite3");
    let t0 = at(NOW_MS + 1000);
    sim.set_path_faults(vec![PathFault::new(
        "/v2/loyalty",
        FaultStatus::Unavailable,
    )]);
    sync(&sim, &db, t0).await;
    let later = t0 + ChronoDuration::hours(1);
    sync(&sim, &db, later).await;

    let store = Store::open(&db).unwrap();
    let report = health_report(&store, later).unwrap();
    assert_eq!(report.pipeline.queue_dead, 2, "loyalty accounts and events");
    let warning = report
        .recommendations
        .iter()
        .find(|r| r.code == "retry_queue_dead")
        .expect("health warns about dead work");
    assert!(
        warning.message.starts_with("2 sync tasks"),
        "{}",
        warning.message
    );
    let reasons = dead_reasons(&store);
    assert_eq!(reasons.len(), 2);
    for (family, reason) in &reasons {
        assert_eq!(family, "loyalty");
        assert!(reason.contains("loyalty"), "{reason}");
    }
    let failures: i64 = store
        .conn()
        .query_row(
            "SELECT failures FROM api_health WHERE family = 'loyalty'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        failures > 0,
        "the loyalty failures are in the family's health"
    );

    // Square recovers; the owner retries the dead work.
    sim.set_path_faults(Vec::new());
    let revived_at = later + ChronoDuration::hours(1);
    assert_eq!(
        keeper_import::retry::revive_dead(store.conn(), revived_at).unwrap(),
        2
    );
    drop(store);
    sync(&sim, &db, revived_at).await;
    let store = Store::open(&db).unwrap();
    let report = health_report(&store, revived_at).unwrap();
    assert_eq!(
        (report.pipeline.queue_dead, report.pipeline.queue_depth),
        (0, 0)
    );
    assert!(
        report
            .recommendations
            .iter()
            .all(|r| r.code != "retry_queue_dead")
    );
    sim.shutdown().await;
}
