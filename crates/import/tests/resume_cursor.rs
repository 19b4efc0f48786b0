//! An import interrupted mid-window continues each interrupted window from the cursor stored
//! with its last page (fewer requests than reading those windows again), and falls back to
//! reading a window from its start when Square refuses the stored cursor.

mod common;

use common::*;
use keeper_import::RunReport;
use keeper_sim::{Profile, SimHandle};
use keeper_store::Store;
use std::path::{Path, PathBuf};

/// Pages stored before the simulated crash.
const CRASH_AFTER_PAGES: usize = 60;

/// Runs an import into `db` that stops as a killed process would, right after the
/// `CRASH_AFTER_PAGES`-th page was committed (the progress callback panics on a thread of
/// its own, taking the import's runtime down with it).
fn crashed_import(sim: &SimHandle, db: &Path) {
    let client = client(sim);
    let opts = whole_history(sim);
    let db = db.to_owned();
    let crashed = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut store = Store::open(&db).unwrap();
            let mut pages = 0;
            let _ = keeper_import::import(&client, &mut store, &opts, &mut |_| {
                pages += 1;
                if pages == CRASH_AFTER_PAGES {
                    panic!("simulated crash after {pages} pages");
                }
            })
            .await;
        });
    })
    .join();
    assert!(
        crashed.is_err(),
        "the import stopped at the simulated crash"
    );
}

async fn finish(sim: &SimHandle, db: &Path) -> RunReport {
    let mut store = Store::open(db).unwrap();
    keeper_import::import(&client(sim), &mut store, &whole_history(sim), &mut |_| {})
        .await
        .unwrap()
}

/// Interrupted windows with a stored cursor, and the pages they hold.
fn interrupted(db: &Path) -> (usize, usize) {
    let store = Store::open(db).unwrap();
    store
        .conn()
        .query_row(
            "SELECT COUNT(*), COALESCE(SUM(pages), 0) FROM import_windows
             WHERE status != 'done' AND cursor IS NOT NULL AND pages > 0",
            [],
            |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize)),
        )
        .unwrap()
}

fn copy_of(db: &Path, name: &str) -> PathBuf {
    let to = db.with_file_name(name);
    let store = Store::open(db).unwrap();
    store
        .conn()
        .execute("VACUUM INTO ?1", [to.to_str().unwrap()])
        .unwrap();
    to
}

/// Every raw object as `(type, id, sha256)`, sorted.
fn raw_objects(db: &Path) -> Vec<(String, String, String)> {
    let store = Store::open(db).unwrap();
    let mut stmt = store
        .conn()
        .prepare("SELECT object_type, square_id, content_hash FROM raw_objects ORDER BY 1, 2")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn assert_reconciled(report: &RunReport) {
    assert!(report.resumed, "the crashed run was continued");
    assert!(report.reconciliation.mismatches.is_empty());
    assert_eq!(report.reconciliation.open, 0);
    assert!((report.reconciliation.percent() - 100.0).abs() < 1e-9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_import_continues_interrupted_windows_from_their_stored_cursors() {
    let sim = sim(Profile::Salon, 31).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crashed.sqlite3");
    crashed_import(&sim, &db);
    let (windows, stored_pages) = interrupted(&db);
    assert!(windows > 0, "the crash left windows mid-way");

    // The same crashed store without its cursors: those windows restart from their start.
    let restart = copy_of(&db, "restart.sqlite3");
    Store::open(&restart)
        .unwrap()
        .conn()
        .execute("UPDATE import_windows SET cursor = NULL", [])
        .unwrap();

    let resumed = finish(&sim, &db).await;
    let restarted = finish(&sim, &restart).await;
    assert_reconciled(&resumed);
    assert_reconciled(&restarted);
    assert!(resumed.requests < restarted.requests);
    assert_eq!(
        restarted.requests - resumed.requests,
        stored_pages,
        "resuming skips exactly the pages the interrupted windows had stored"
    );
    assert_eq!(raw_objects(&db), raw_objects(&restart));
    let store = Store::open(&db).unwrap();
    assert_eq!(raw(&store, "CUSTOMER"), sim.truth().count("customers"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_stored_cursor_reads_the_window_again_from_its_start() {
    let sim = sim(Profile::Salon, 32).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crashed.sqlite3");
    crashed_import(&sim, &db);
    let (windows, _) = interrupted(&db);
    assert!(windows > 0, "the crash left windows mid-way");
    let reference = copy_of(&db, "reference.sqlite3");
    Store::open(&reference)
        .unwrap()
        .conn()
        .execute("UPDATE import_windows SET cursor = NULL", [])
        .unwrap();
    // Cursors Square no longer accepts (as after they expired).
    Store::open(&db)
        .unwrap()
        .conn()
        .execute(
            "UPDATE import_windows SET cursor = 'expired-' || window_key WHERE cursor IS NOT NULL",
            [],
        )
        .unwrap();

    let refused = finish(&sim, &db).await;
    let reference_report = finish(&sim, &reference).await;
    assert_reconciled(&refused);
    assert_reconciled(&reference_report);
    assert_eq!(raw_objects(&db), raw_objects(&reference));
    // The refused requests aside (not counted: only answered pages are), the same reads as
    // a plain restart.
    assert_eq!(refused.requests, reference_report.requests);
}
