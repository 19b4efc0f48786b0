//! Incremental reads (migration 0022): the `salon` merchant imported and analysed (every
//! owner's part kept in memory), then a day of changes in the simulator (new customers and
//! sales, edits, a deletion, a merge, a booking, a catalog price change and a deleted
//! modifier) read by a sync with a full customer listing (so the deletion and the merge,
//! which re-points history to the surviving profile, reach the store). The run after the sync reads only the owners that changed, and must store exactly
//! what a full read stores with the same model parameters: every `customer_metrics` row,
//! the staff metrics, the business summary and the tasks. A further day later with no sync
//! (only `now` moves: days overdue, P(alive), bookings that have started), the same again.

use chrono::{DateTime, NaiveDate, Utc};
use keeper_analysis::data::Zones;
use keeper_analysis::derive::{self, Scope};
use keeper_analysis::refit::{self, Refit, StoredFit};
use keeper_analysis::{Read, recompute, recompute_read};
use keeper_import::{FullListing, ImportOptions, SyncOptions};
use keeper_sim::{Profile, SimConfig, Simulator, Ts};
use keeper_square::client::{ClientConfig, Environment, SquareClient, StaticToken, SystemClock};
use keeper_store::Store;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const NOW_MS: i64 = 1_748_736_000_000; // 2025-06-01T00:00:00Z
const DAY_MS: i64 = 24 * 3600 * 1000;

/// Every row of `sql` as text, without the columns named in `skip`.
fn rows(store: &Store, sql: &str, skip: &[&str]) -> Vec<String> {
    let conn = store.conn();
    let mut stmt = conn.prepare(sql).unwrap();
    let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
    let mut rows = stmt.query([]).unwrap();
    let mut out = Vec::new();
    while let Some(r) = rows.next().unwrap() {
        let mut text = Vec::new();
        for (i, name) in names.iter().enumerate() {
            if skip.contains(&name.as_str()) {
                continue;
            }
            let v: rusqlite::types::Value = r.get(i).unwrap();
            text.push(format!("{name}={v:?}"));
        }
        out.push(text.join(" "));
    }
    out
}

/// Everything a recompute stores, by table.
fn results(store: &Store) -> BTreeMap<&'static str, Vec<String>> {
    let mut out = BTreeMap::new();
    out.insert(
        "customer_metrics",
        rows(
            store,
            "SELECT * FROM customer_metrics ORDER BY customer_id",
            &["computed_at"],
        ),
    );
    out.insert(
        "staff_metrics",
        rows(
            store,
            "SELECT * FROM staff_metrics ORDER BY team_member_id",
            &["computed_at"],
        ),
    );
    out.insert(
        "business_summary",
        rows(store, "SELECT json FROM business_summary", &[]),
    );
    out.insert(
        "tasks",
        rows(
            store,
            "SELECT customer_id, task_type, episode, state, value_at_stake, priority, reason,
                    details, closed_by, snoozed_until FROM tasks
              ORDER BY customer_id, task_type, episode",
            &[],
        ),
    );
    out
}

fn copy(store: &Store, to: &Path) -> Store {
    store
        .conn()
        .execute("VACUUM INTO ?1", [to.to_str().unwrap()])
        .unwrap();
    Store::open(to).unwrap()
}

fn assert_same(incremental: &Store, full: &Store, when: &str) {
    let (a, b) = (results(incremental), results(full));
    for (table, rows) in &b {
        let got = &a[table];
        assert_eq!(got.len(), rows.len(), "{when}: {table} row count");
        for (x, y) in got.iter().zip(rows) {
            assert_eq!(x, y, "{when}: {table}");
        }
    }
    assert!(b["customer_metrics"].len() > 100, "{when}: a real merchant");
    assert!(!b["tasks"].is_empty(), "{when}: tasks were generated");
}

/// Runs the same recompute incrementally on `store` and with a full read on a copy taken
/// just before, with the same stored fit, and compares what both stored.
fn compare_at(store: &mut Store, dir: &Path, name: &str, at: DateTime<Utc>, fit: &StoredFit) {
    let mut full = copy(store, &dir.join(format!("{name}.sqlite3")));
    let inc = recompute_read(store, at, &Refit::With(fit.clone()), Read::Incremental).unwrap();
    let all = recompute_read(&mut full, at, &Refit::With(fit.clone()), Read::Full).unwrap();
    assert!(inc.incremental_read, "{name}: {:?}", inc.full_read_reason);
    assert!(!all.incremental_read);
    assert!(
        inc.owners_read * 5 < all.owners_read,
        "{name}: only the changed owners are read ({} of {})",
        inc.owners_read,
        all.owners_read
    );
    assert_eq!(inc.customers_analysed, all.customers_analysed, "{name}");
    assert_same(store, &full, name);
}

/// The visit days analysis derives (every owner at once, and a few owners by key) are
/// exactly keeper-normalize's visit rule as of `at`.
fn assert_visit_days_follow_the_visit_rule(store: &Store, at: DateTime<Utc>, when: &str) {
    let conn = store.conn();
    let zones = Zones::load(conn).unwrap();
    let mut rule: BTreeMap<String, Vec<NaiveDate>> = BTreeMap::new();
    for v in keeper_normalize::visits::visits(conn, at).unwrap() {
        rule.entry(v.customer_id).or_default().push(v.day);
    }
    let days = |parts: &BTreeMap<String, derive::Part>| -> BTreeMap<String, Vec<NaiveDate>> {
        parts
            .iter()
            .filter(|(_, p)| !p.visits.is_empty())
            .map(|(k, p)| (k.clone(), p.visits.iter().map(|v| v.day).collect()))
            .collect()
    };
    let all = days(&derive::derive(conn, at, &zones, Scope::All).unwrap());
    assert!(all.len() > 100, "{when}: a real merchant");
    assert_eq!(all, rule, "{when}: every owner at once");
    let keys: BTreeSet<String> = rule.keys().step_by(7).cloned().collect();
    let some = days(&derive::derive(conn, at, &zones, Scope::Keys(&keys)).unwrap());
    let expected: BTreeMap<String, Vec<NaiveDate>> =
        rule.into_iter().filter(|(k, _)| keys.contains(k)).collect();
    assert_eq!(some, expected, "{when}: some owners by key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incremental_read_after_a_sync_stores_what_a_full_read_stores() {
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
    assert_visit_days_follow_the_visit_rule(&store, now, "after the import");
    let first = recompute(&mut store, now).unwrap();
    assert!(!first.incremental_read && first.refitted);
    let fit = refit::latest(store.conn()).unwrap().expect("a stored fit");

    // A day of changes, read by a sync.
    let changes = sim.advance(DAY_MS);
    assert!(!changes.new_order_ids.is_empty(), "the day sold something");
    assert!(
        !changes.updated_catalog_ids.is_empty(),
        "the day changed a price"
    );
    let later = now + chrono::Duration::milliseconds(DAY_MS);
    let mut sync = SyncOptions::new(later + chrono::Duration::seconds(1));
    sync.retry_pause = Duration::from_millis(50);
    sync.full_customers = FullListing::Always;
    keeper_import::sync(&client, &mut store, &sync, &mut |_| {})
        .await
        .unwrap();
    sim.shutdown().await;
    let status = |s: &str| -> i64 {
        store
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM customer_status WHERE status = ?1",
                [s],
                |r| r.get(0),
            )
            .unwrap()
    };
    if changes.merge.is_some() {
        assert!(status("merged") > 0, "the sync recorded the merge");
    }
    if !changes.deleted_customer_ids.is_empty() {
        assert!(status("deleted") > 0, "the sync recorded the deletion");
    }
    let marked: i64 = store
        .conn()
        .query_row("SELECT COUNT(DISTINCT key) FROM analysis_dirty", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(marked > 0, "the sync's writes marked their owners");
    // Rows the sync brought are dated after `now`: the rule counts some of them anyway.
    assert_visit_days_follow_the_visit_rule(&store, now, "before the synced rows' time");
    assert_visit_days_follow_the_visit_rule(&store, later, "after the sync");
    compare_at(&mut store, dir.path(), "after the sync", later, &fit);
    let left: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM analysis_dirty", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0, "the run consumed the marks");

    // Another day with no sync: only `now` moves.
    let next = later + chrono::Duration::days(1);
    compare_at(&mut store, dir.path(), "a day later", next, &fit);

    // A week on, through the default policy (the old fit is refitted) and a full run.
    let week = next + chrono::Duration::days(7);
    let inc = keeper_analysis::recompute_with(
        &mut store,
        week,
        &Refit::IfStale(keeper_analysis::RefitPolicy::default()),
    )
    .unwrap();
    assert!(inc.incremental_read && inc.refitted);

    // Another process ran analysis on this file (consuming the marks): the generation
    // moved, so the parts kept here are not used.
    store
        .conn()
        .execute(
            "UPDATE analysis_read_state SET generation = generation + 1",
            [],
        )
        .unwrap();
    let moved = recompute_read(
        &mut store,
        week,
        &Refit::With(fit.clone()),
        Read::Incremental,
    )
    .unwrap();
    assert!(!moved.incremental_read);
    assert!(
        moved
            .full_read_reason
            .as_deref()
            .unwrap()
            .contains("generation"),
        "{:?}",
        moved.full_read_reason
    );

    // A new process keeps nothing: its first run reads everything, the next one does not.
    keeper_analysis::cache::forget(store.path().unwrap());
    let fresh = recompute_read(
        &mut store,
        week,
        &Refit::With(fit.clone()),
        Read::Incremental,
    )
    .unwrap();
    assert!(!fresh.incremental_read);
    let again = recompute_read(&mut store, week, &Refit::With(fit), Read::Incremental).unwrap();
    assert!(again.incremental_read);
    assert_eq!(again.owners_read, 0, "nothing changed since");
}

#[test]
fn the_dirty_triggers_exist_only_once_analysis_has_run() {
    let mut store = Store::open_in_memory().unwrap();
    let triggers = |s: &Store| -> i64 {
        s.conn()
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master
                  WHERE type = 'trigger' AND name LIKE 'analysis_dirty_%'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(
        triggers(&store),
        0,
        "writes before any analysis (the first import) pay nothing"
    );
    let now = DateTime::from_timestamp_millis(NOW_MS).unwrap();
    recompute(&mut store, now).unwrap();
    assert_eq!(triggers(&store), 21, "the first run installs them");
    store
        .conn()
        .execute(
            "INSERT INTO customers (id, given_name, provenance) VALUES ('C1', 'Ann', 'square_sync')",
            [],
        )
        .unwrap();
    let marked: Vec<String> = {
        let mut stmt = store
            .conn()
            .prepare("SELECT key FROM analysis_dirty")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(marked, vec!["C1".to_string()]);
}
