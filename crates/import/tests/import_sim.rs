//! The import against the in-process simulator: the salon's every stream lands in the raw
//! store with the simulator's ground-truth counts, every window reconciles (what Square
//! reported = what was stored), normalized rows plus quarantined objects account for every
//! object, and running the import again rewrites nothing.

mod common;

use common::*;
use keeper_import::stats;
use keeper_sim::Profile;
use keeper_store::Store;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn salon_import_reconciles_fully_with_the_simulator_truth_and_is_idempotent() {
    let sim = sim(Profile::Salon, 21).await;
    let truth = sim.truth();
    let client = client(&sim);
    let opts = whole_history(&sim);
    let mut store = Store::open_in_memory().unwrap();
    let mut pages = 0;
    let report = keeper_import::import(&client, &mut store, &opts, &mut |p| {
        pages += 1;
        assert!(p.percent >= 0.0 && p.percent <= 100.0);
    })
    .await
    .unwrap();
    assert!(pages > 50, "progress is reported page by page");

    // Reconciliation: every window closed, reported = stored.
    let r = &report.reconciliation;
    assert!(r.windows > 40, "{r:?}");
    assert_eq!(r.matched, r.windows, "mismatches: {:?}", r.mismatches);
    assert_eq!(r.open, 0);
    assert_eq!(r.percent(), 100.0);

    // Against the simulator's ground truth.
    for (object_type, kind) in [
        ("CUSTOMER", "customers"),
        ("PAYMENT", "payments"),
        ("REFUND", "refunds"),
        ("ORDER", "orders"),
        ("BOOKING", "bookings"),
        ("TEAM_MEMBER", "team_members"),
        ("LOCATION", "locations"),
        ("LOYALTY_ACCOUNT", "loyalty_accounts"),
        ("LOYALTY_EVENT", "loyalty_events"),
    ] {
        assert_eq!(raw(&store, object_type), truth.count(kind), "{kind}");
    }
    // Streams read in full: what Square reported is the simulator's whole set (the loyalty
    // window also holds the program).
    for kind in ["customers", "team_members", "locations", "loyalty_accounts"] {
        let expected = truth.count(kind) + usize::from(kind == "loyalty_accounts");
        assert_eq!(report.streams[kind].reported as usize, expected, "{kind}");
    }

    // Normalized rows plus hard-quarantined objects account for every object.
    let c = stats::counts(store.conn()).unwrap();
    let hard = |t: &str| {
        count(
            &store,
            &format!(
                "SELECT COUNT(DISTINCT square_id) FROM quarantine
                 WHERE object_type = '{t}' AND severity = 'hard'"
            ),
        )
    };
    assert_eq!(
        c.customers as usize + hard("CUSTOMER"),
        truth.count("customers")
    );
    assert_eq!(
        c.payments as usize + hard("PAYMENT"),
        truth.count("payments")
    );
    assert_eq!(c.orders as usize + hard("ORDER"), truth.count("orders"));
    assert_eq!(c.team_members as usize, truth.count("team_members"));
    assert_eq!(c.locations as usize, truth.count("locations"));
    // Catalog: live objects of the five types Keeper reads (the truth counts every type).
    assert!(c.catalog_objects > 0 && c.catalog_objects as usize <= truth.count("catalog_objects"));

    // A second run (a new import run: the first finished) rewrites nothing.
    let again = keeper_import::import(&client, &mut store, &opts, &mut |_| {})
        .await
        .unwrap();
    assert!(!again.resumed);
    for (stream, t) in &again.streams {
        assert_eq!(
            t.inserted + t.updated,
            0,
            "{stream} changed on a re-run: {t:?}"
        );
    }
    sim.shutdown().await;
}
