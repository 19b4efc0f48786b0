//! The daily sync against the simulator after its clock moved on: new, updated, deleted and
//! merged customers, new sales, late offline orders, a new booking and catalog edits are
//! all reflected; merged history is re-pointed. With the customers breaker open, the sync
//! keeps the stored customers and says so.

mod common;

use common::*;
use keeper_import::{FullListing, SyncOptions};
use keeper_sim::Profile;
use keeper_sim::faults::Faults;
use keeper_store::Store;
use std::time::Duration;

const DAY_MS: i64 = 86_400_000;

fn status(store: &Store, id: &str) -> Option<(String, Option<String>)> {
    use rusqlite::OptionalExtension;
    store
        .conn()
        .query_row(
            "SELECT status, merged_into FROM customer_status WHERE customer_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .unwrap()
}

fn raw_json(store: &Store, id: &str) -> Option<String> {
    use rusqlite::OptionalExtension;
    store
        .conn()
        .query_row(
            "SELECT json FROM raw_objects WHERE square_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()
        .unwrap()
}

fn has(store: &Store, table: &str, id: &str) -> bool {
    count(
        store,
        &format!("SELECT COUNT(*) FROM {table} WHERE id = '{id}'"),
    ) == 1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_after_changes_picks_up_new_updated_deleted_and_merged_objects() {
    let sim = sim(Profile::Small, 31).await;
    let client = client(&sim);
    let mut store = Store::open_in_memory().unwrap();
    keeper_import::import(&client, &mut store, &whole_history(&sim), &mut |_| {})
        .await
        .unwrap();
    let merged_payments_before = {
        let t = sim.truth();
        t.duplicate_pairs.len()
    };
    assert!(
        merged_payments_before > 0,
        "the merchant has duplicates to merge"
    );

    let changes = sim.advance(DAY_MS);
    let merge = changes.merge.clone().expect("the advance merged a pair");
    let catalog_before: std::collections::HashMap<String, String> = changes
        .updated_catalog_ids
        .iter()
        .filter_map(|id| Some((id.clone(), raw_json(&store, id)?)))
        .collect();
    assert!(!catalog_before.is_empty());
    let mut opts = SyncOptions::new(at(NOW_MS + DAY_MS + 1000));
    opts.full_customers = FullListing::Always;
    opts.retry_pause = Duration::from_millis(50);
    let report = keeper_import::sync(&client, &mut store, &opts, &mut |_| {})
        .await
        .unwrap();
    assert!(report.using_stored.is_empty());

    for id in &changes.new_customer_ids {
        assert!(has(&store, "customers", id), "new customer {id}");
    }
    for id in &changes.updated_customer_ids {
        let note: Option<String> = store
            .conn()
            .query_row("SELECT note FROM customers WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(
            note.as_deref(),
            Some("Updated contact details at the front desk.")
        );
    }
    for id in changes
        .new_order_ids
        .iter()
        .chain(&changes.released_offline_order_ids)
    {
        assert!(has(&store, "orders", id), "order {id}");
    }
    for id in &changes.new_payment_ids {
        assert!(has(&store, "payments", id), "payment {id}");
    }
    for id in &changes.new_booking_ids {
        assert!(has(&store, "bookings", id), "booking {id}");
    }
    for id in &changes.deleted_customer_ids {
        assert_eq!(
            status(&store, id),
            Some(("deleted".into(), None)),
            "deleted {id}"
        );
    }
    for id in &merge.from {
        assert_eq!(
            status(&store, id),
            Some(("merged".into(), Some(merge.into.clone()))),
            "merged {id}"
        );
        assert_eq!(
            count(
                &store,
                &format!("SELECT COUNT(*) FROM payments WHERE customer_id = '{id}'")
            ),
            0,
            "payments of {id} re-pointed"
        );
    }
    assert!(has(&store, "customers", &merge.into));
    for id in &changes.updated_catalog_ids {
        assert_ne!(
            catalog_before.get(id),
            raw_json(&store, id).as_ref(),
            "catalog object {id} updated"
        );
    }
    for id in &changes.deleted_catalog_ids {
        let deleted: i64 = store
            .conn()
            .query_row(
                "SELECT is_deleted FROM catalog_modifiers WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(deleted, 1, "catalog object {id} marked deleted");
    }
    // The stats agree with the simulator after the changes.
    let truth = sim.truth();
    let c = keeper_import::stats::counts(store.conn()).unwrap();
    let hard = count(
        &store,
        "SELECT COUNT(DISTINCT square_id) FROM quarantine WHERE object_type = 'CUSTOMER' AND severity = 'hard'",
    );
    assert_eq!(c.customers as usize + hard, truth.count("customers"));

    // The customers breaker opens during an outage: the next sync keeps stored customers.
    let before = c.customers;
    sim.set_faults(Faults {
        outage: true,
        ..Faults::default()
    });
    for _ in 0..30 {
        let _ = keeper_import::sync(&client, &mut store, &opts, &mut |_| {}).await;
        if client.circuit_state(keeper_square::control::EndpointFamily::Customers)
            != keeper_square::control::CircuitState::Closed
        {
            break;
        }
    }
    sim.set_faults(Faults::default());
    let report = keeper_import::sync(&client, &mut store, &opts, &mut |_| {})
        .await
        .unwrap();
    assert!(
        report.using_stored.iter().any(|s| s == "customers"),
        "{:?}",
        report.using_stored
    );
    assert_eq!(
        keeper_import::stats::counts(store.conn())
            .unwrap()
            .customers,
        before
    );
    sim.shutdown().await;
}
