//! The backfill against the in-process simulator: every stream lands in the raw store and
//! the normalized tables with the counts the simulator's ground truth gives, and running it
//! again changes nothing.

use chrono::{TimeZone, Utc};
use keeper_import::{Backfill, backfill};
use keeper_sim::{Profile, SimConfig, Simulator, Ts};
use keeper_square::client::{ClientConfig, Environment, ManualClock, SquareClient, StaticToken};
use keeper_store::Store;
use std::sync::Arc;
use std::time::Duration;

const NOW_MS: i64 = 1_748_736_000_000; // 2025-06-01T00:00:00Z

fn count(store: &Store, sql: &str) -> usize {
    store
        .conn()
        .query_row(sql, [], |r| r.get::<_, i64>(0))
        .unwrap() as usize
}

#[tokio::test]
async fn backfill_of_the_small_merchant_stores_what_the_simulator_holds_and_is_idempotent() {
    let sim = Simulator::start(SimConfig::new(Profile::Small, 11, Ts(NOW_MS)))
        .await
        .unwrap();
    let truth = sim.truth();
    let config = ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 1);
    let clock = Arc::new(ManualClock::new(Duration::from_millis(NOW_MS as u64)));
    let client = SquareClient::new(
        config,
        Arc::new(StaticToken::new(sim.access_token())),
        clock,
    )
    .unwrap();
    let now = Utc.timestamp_millis_opt(NOW_MS).unwrap();
    // The simulator's whole history, so every object is inside the window.
    let plan = Backfill {
        since: Utc.timestamp_millis_opt(truth.history_start.0).unwrap() - chrono::Duration::days(1),
        now: now + chrono::Duration::seconds(1),
        bookings_horizon: chrono::Duration::days(62),
    };
    let mut store = Store::open_in_memory().unwrap();
    let mut progress_calls = 0;
    let stats = backfill(&client, &mut store, &plan, &mut |_| progress_calls += 1)
        .await
        .unwrap();
    assert!(progress_calls > 10, "progress is reported page by page");

    let raw = |t: &str| {
        count(
            &store,
            &format!("SELECT COUNT(*) FROM raw_objects WHERE object_type = '{t}'"),
        )
    };
    assert_eq!(raw("CUSTOMER"), truth.count("customers"));
    assert_eq!(raw("PAYMENT"), truth.count("payments"));
    assert_eq!(raw("REFUND"), truth.count("refunds"));
    assert_eq!(raw("ORDER"), truth.count("orders"));
    assert_eq!(raw("BOOKING"), truth.count("bookings"));
    assert_eq!(raw("TEAM_MEMBER"), truth.count("team_members"));
    assert_eq!(raw("LOYALTY_ACCOUNT"), truth.count("loyalty_accounts"));
    assert_eq!(raw("LOYALTY_EVENT"), truth.count("loyalty_events"));
    assert_eq!(raw("LOCATION"), truth.count("locations"));

    // Normalized rows: stored, or quarantined with a reason, never silently dropped.
    let stored_or_quarantined = |table: &str, object_type: &str| {
        count(&store, &format!("SELECT COUNT(*) FROM {table}"))
            + count(
                &store,
                &format!(
                    "SELECT COUNT(*) FROM raw_objects r WHERE object_type = '{object_type}' \
                     AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = r.square_id)"
                ),
            )
    };
    assert_eq!(
        stored_or_quarantined("customers", "CUSTOMER"),
        truth.count("customers")
    );
    assert_eq!(
        stored_or_quarantined("payments", "PAYMENT"),
        truth.count("payments")
    );
    assert_eq!(
        stored_or_quarantined("orders", "ORDER"),
        truth.count("orders")
    );
    assert!(
        count(&store, "SELECT COUNT(*) FROM order_line_items")
            >= count(&store, "SELECT COUNT(*) FROM orders")
    );
    assert!(
        count(&store, "SELECT COUNT(*) FROM order_line_item_modifiers") > 0,
        "modifiers extracted"
    );
    assert!(
        count(&store, "SELECT COUNT(*) FROM booking_segments")
            >= count(&store, "SELECT COUNT(*) FROM bookings")
    );

    let customers = stats.iter().find(|s| s.stream == "customers").unwrap();
    assert_eq!(customers.inserted, truth.count("customers"));

    // A second run rewrites nothing.
    let again = backfill(&client, &mut store, &plan, &mut |_| {})
        .await
        .unwrap();
    for s in &again {
        assert_eq!(
            s.inserted + s.updated,
            0,
            "{} changed on a re-run: {s:?}",
            s.stream
        );
    }
    sim.shutdown().await;
}
