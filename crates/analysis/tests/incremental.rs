//! Incremental recompute after a sync: the `salon` merchant imported and analysed, the
//! simulator advanced two hours and synced, then `recompute_with(Refit::IfStale)` must reuse
//! the stored fit, rewrite only the changed rows, and leave `customer_metrics` exactly as a
//! full recompute from scratch with the same parameters does.

use chrono::DateTime;
use keeper_analysis::refit::{self, Refit, RefitPolicy};
use keeper_analysis::{recompute, recompute_with};
use keeper_import::{ImportOptions, SyncOptions};
use keeper_sim::{Profile, SimConfig, Simulator, Ts};
use keeper_square::client::{ClientConfig, Environment, SquareClient, StaticToken, SystemClock};
use keeper_store::Store;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

const NOW_MS: i64 = 1_748_736_000_000; // 2025-06-01T00:00:00Z
const HOURS_2: i64 = 2 * 3600 * 1000;

/// Every `customer_metrics` row as text, without `computed_at`, by customer.
fn metrics(store: &Store) -> BTreeMap<String, String> {
    let conn = store.conn();
    let mut stmt = conn
        .prepare("SELECT * FROM customer_metrics ORDER BY customer_id")
        .unwrap();
    let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
    let mut rows = stmt.query([]).unwrap();
    let mut out = BTreeMap::new();
    while let Some(r) = rows.next().unwrap() {
        let mut text = Vec::new();
        for (i, name) in names.iter().enumerate() {
            if name == "computed_at" {
                continue;
            }
            let v: rusqlite::types::Value = r.get(i).unwrap();
            text.push(format!("{name}={v:?}"));
        }
        out.insert(r.get::<_, String>(0).unwrap(), text.join(" "));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_after_a_sync_matches_a_full_recompute_with_the_same_fit() {
    let sim = Simulator::start(SimConfig::new(Profile::Salon, 11, Ts(NOW_MS)))
        .await
        .unwrap();
    let truth = sim.truth().clone();
    let client = SquareClient::new(
        ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 1),
        Arc::new(StaticToken::new(sim.access_token())),
        Arc::new(SystemClock::new()),
    )
    .unwrap();
    let now = DateTime::from_timestamp_millis(NOW_MS).unwrap();
    let mut opts = ImportOptions::last_months(now + chrono::Duration::seconds(1), 12);
    opts.since =
        DateTime::from_timestamp_millis(truth.history_start.0).unwrap() - chrono::Duration::days(1);
    opts.retry_pause = Duration::from_millis(50);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("a.sqlite3")).unwrap();
    keeper_import::import(&client, &mut store, &opts, &mut |_| {})
        .await
        .unwrap();
    let first = recompute(&mut store, now).unwrap();
    assert!(first.refitted);
    assert_eq!(first.rows_written, first.customers_analysed);

    // Two hours later: new sales, bookings and customers arrive through a sync.
    let changes = sim.advance(HOURS_2);
    assert!(
        !changes.new_order_ids.is_empty(),
        "the advance sold something"
    );
    let later = now + chrono::Duration::milliseconds(HOURS_2);
    let mut sync = SyncOptions::new(later + chrono::Duration::seconds(1));
    sync.retry_pause = Duration::from_millis(50);
    keeper_import::sync(&client, &mut store, &sync, &mut |_| {})
        .await
        .unwrap();
    sim.shutdown().await;

    let inc = recompute_with(&mut store, later, &Refit::IfStale(RefitPolicy::default())).unwrap();
    assert!(!inc.refitted, "a two-hour-old fit is reused");
    assert_eq!(inc.fitted_at, first.computed_at);
    assert!(inc.rows_written > 0, "the customers who came in changed");
    assert!(
        inc.rows_written * 4 < inc.customers_analysed,
        "only the changed rows are rewritten: {} of {}",
        inc.rows_written,
        inc.customers_analysed
    );
    let stamped: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM customer_metrics WHERE computed_at = ?1",
            [&inc.computed_at],
            |r| r.get(0),
        )
        .unwrap();
    assert!(stamped > 0 && stamped as usize <= inc.rows_written);

    // The same store recomputed from scratch with the same parameters.
    let copy = dir.path().join("b.sqlite3");
    store
        .conn()
        .execute("VACUUM INTO ?1", [copy.to_str().unwrap()])
        .unwrap();
    let mut full_store = Store::open(&copy).unwrap();
    full_store
        .conn()
        .execute("DELETE FROM customer_metrics", [])
        .unwrap();
    let fit = refit::latest(store.conn()).unwrap().expect("a stored fit");
    let full = recompute_with(&mut full_store, later, &Refit::With(fit)).unwrap();
    assert_eq!(full.rows_written, full.customers_analysed);
    let (a, b) = (metrics(&store), metrics(&full_store));
    assert_eq!(a.len(), b.len());
    for (id, row) in &b {
        assert_eq!(a.get(id), Some(row), "customer {id}");
    }
}
