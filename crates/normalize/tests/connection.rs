//! Connection tuning for bulk normalization: what `prepare_connection` and
//! `prepare_bulk_connection` change, and that neither changes what is stored.

mod common;

use common::{ctx, now, store};
use keeper_normalize::{normalize_json, prepare_bulk_connection, prepare_connection};
use keeper_sim::{Profile, Ts, generate::generate};
use keeper_store::Store;

fn bad_provenance(store: &Store) -> rusqlite::Result<usize> {
    store.conn().execute(
        "INSERT INTO customers (id, provenance) VALUES ('C9', 'guess')",
        [],
    )
}

#[test]
fn prepared_connection_keeps_check_constraints_and_temp_tables_in_memory() {
    let store = store();
    prepare_connection(store.conn()).unwrap();
    assert!(bad_provenance(&store).is_err());
    let temp_store: i64 = store
        .conn()
        .query_row("PRAGMA temp_store", [], |r| r.get(0))
        .unwrap();
    assert_eq!(temp_store, 2, "MEMORY");
    let autocheckpoint: i64 = store
        .conn()
        .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
        .unwrap();
    assert_eq!(autocheckpoint, 16_384, "a checkpoint every 64 MB of log");
}

#[test]
fn bulk_connection_skips_checks_but_still_enforces_foreign_keys_and_wal() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("k.sqlite3")).unwrap();
    prepare_bulk_connection(store.conn()).unwrap();
    assert_eq!(bad_provenance(&store).unwrap(), 1);
    let orphan = store.conn().execute(
        "INSERT INTO order_line_items (order_id, uid, quantity) VALUES ('NO_ORDER', 'L1', '1')",
        [],
    );
    assert!(orphan.is_err(), "foreign keys are still enforced");
    let (mode, sync): (String, i64) = (
        store
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap(),
        store
            .conn()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap(),
    );
    assert_eq!(
        (mode.as_str(), sync),
        ("wal", 1),
        "WAL + synchronous=NORMAL"
    );
}

/// Every normalized table and the quarantine, as text, in key order.
fn dump(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for table in keeper_store::table::NORMALIZED_TABLES
        .iter()
        .chain(&["quarantine"])
    {
        let sql = format!("SELECT * FROM {table} ORDER BY 1, 2, 3");
        let mut stmt = store.conn().prepare(&sql).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let cells: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect();
                Ok(format!("{table}: {}", cells.join(" | ")))
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

#[test]
fn bulk_and_plain_connections_store_the_same_rows() {
    let (data, _truth) = generate(Profile::Small, 7, Ts(now().timestamp_millis()));
    let mut json: Vec<(&str, String)> = Vec::new();
    json.extend(
        data.customers
            .iter()
            .map(|c| ("CUSTOMER", serde_json::to_string(c).unwrap())),
    );
    json.extend(
        data.payments
            .iter()
            .map(|p| ("PAYMENT", serde_json::to_string(p).unwrap())),
    );
    json.extend(
        data.orders
            .iter()
            .map(|o| ("ORDER", serde_json::to_string(o).unwrap())),
    );
    json.extend(
        data.bookings
            .iter()
            .map(|b| ("BOOKING", serde_json::to_string(b).unwrap())),
    );
    // An order written twice (a later version): the update path, not only inserts.
    json.extend(
        data.orders
            .iter()
            .take(20)
            .map(|o| ("ORDER", serde_json::to_string(o).unwrap())),
    );
    let fill = |bulk: bool| {
        let mut store = store();
        if bulk {
            prepare_bulk_connection(store.conn()).unwrap();
        } else {
            prepare_connection(store.conn()).unwrap();
        }
        let tx = store.conn_mut().transaction().unwrap();
        for (kind, text) in &json {
            normalize_json(&tx, kind, text, &ctx()).unwrap();
        }
        tx.commit().unwrap();
        store
    };
    let plain = dump(&fill(false));
    assert!(plain.len() > json.len(), "rows were written");
    assert_eq!(plain, dump(&fill(true)));
}
