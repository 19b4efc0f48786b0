//! Migration 0014 (import throughput) rebuilds payments, orders with their line items and
//! modifiers, bookings with their segments, and loyalty events: every row must survive with
//! its content, the foreign keys must still hold and cascade, the provenance check must
//! still refuse unknown values, and the indexes something reads must still be there.

mod common;
use common::database_at;
use keeper_store::{Store, migrate};
use rusqlite::Connection;

const TABLES: &[&str] = &[
    "payments",
    "orders",
    "order_line_items",
    "order_line_item_modifiers",
    "bookings",
    "booking_segments",
    "loyalty_events",
];

/// Every row of every rebuilt table, as text, in key order.
fn dump(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    for table in TABLES {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2, 3"))
            .unwrap();
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut line = table.to_string();
                for i in 0..columns {
                    let v: rusqlite::types::Value = r.get(i)?;
                    line.push_str(&format!("|{v:?}"));
                }
                Ok(line)
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

fn fill(conn: &Connection) {
    conn.execute_batch(
        "INSERT INTO payments (id, location_id, customer_id, order_id, team_member_id, status,
             source_type, amount, tip, total, refunded, currency, created_at, updated_at, provenance)
         VALUES ('P1', 'L1', 'C1', 'O1', 'T1', 'COMPLETED', 'CARD', 4500, 500, 5000, NULL, 'USD',
                 '2025-03-01T10:00:00.000Z', '2025-03-01T10:05:00.000Z', 'square_sync'),
                ('P2', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                 'owner_edit');
         INSERT INTO orders (id, location_id, customer_id, state, total, currency, created_at, version)
         VALUES ('O1', 'L1', 'C1', 'COMPLETED', 5000, 'USD', '2025-03-01T10:00:00.000Z', 3),
                ('O2', 'L1', NULL, 'OPEN', 1200, 'USD', '2025-03-02T10:00:00.000Z', 1);
         INSERT INTO order_line_items (order_id, uid, name, quantity, base_price, total, currency)
         VALUES ('O1', 'A', 'Cut', '1', 4500, 4500, 'USD'),
                ('O1', 'B', 'Color', '2', 250, 500, 'USD'),
                ('O2', 'A', 'Shampoo', '1.5', 800, 1200, 'USD');
         INSERT INTO order_line_item_modifiers (order_id, line_item_uid, uid, name, base_price, currency)
         VALUES ('O1', 'A', 'M1', 'Long hair', 1000, 'USD'),
                ('O1', 'B', 'M1', 'Toner', 300, 'USD');
         INSERT INTO bookings (id, version, status, location_id, customer_id, start_at, seller_note)
         VALUES ('B1', 2, 'ACCEPTED', 'L1', 'C1', '2025-03-01T09:00:00.000Z', 'window seat'),
                ('B2', 0, 'CANCELLED_BY_CUSTOMER', 'L1', 'C2', '2025-04-01T09:00:00.000Z', NULL);
         INSERT INTO booking_segments (booking_id, ordinal, team_member_id, service_variation_id,
             duration_minutes)
         VALUES ('B1', 0, 'T1', 'V1', 60), ('B1', 1, 'T2', 'V2', 30), ('B2', 0, 'T1', 'V1', 45);
         INSERT INTO loyalty_events (id, event_type, loyalty_account_id, location_id, order_id,
             points, source, created_at)
         VALUES ('E1', 'ACCUMULATE_POINTS', 'A1', 'L1', 'O1', 5, 'LOYALTY_API',
                 '2025-03-01T10:06:00.000Z');",
    )
    .unwrap();
}

#[test]
fn migration_0014_keeps_every_row_of_the_rebuilt_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keeper.sqlite3");
    let before = {
        let conn = database_at(&path, 13);
        fill(&conn);
        dump(&conn)
    };
    assert_eq!(before.len(), 15);
    let store = Store::open(&path).unwrap();
    assert_eq!(
        migrate::current_version(store.conn()).unwrap(),
        migrate::latest_version()
    );
    assert_eq!(dump(store.conn()), before);
    let violations: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(violations, 0);
}

#[test]
fn rebuilt_tables_still_cascade_from_orders_and_bookings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keeper.sqlite3");
    fill(&database_at(&path, 13));
    let store = Store::open(&path).unwrap();
    let conn = store.conn();
    conn.execute("DELETE FROM orders WHERE id = 'O1'", [])
        .unwrap();
    conn.execute("DELETE FROM bookings WHERE id = 'B1'", [])
        .unwrap();
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count("SELECT COUNT(*) FROM order_line_items"), 1);
    assert_eq!(count("SELECT COUNT(*) FROM order_line_item_modifiers"), 0);
    assert_eq!(count("SELECT COUNT(*) FROM booking_segments"), 1);
    let orphan = conn.execute(
        "INSERT INTO order_line_item_modifiers (order_id, line_item_uid, uid) VALUES ('O2', 'Z', 'M')",
        [],
    );
    assert!(orphan.is_err(), "a modifier needs its line item");
}

#[test]
fn rebuilt_tables_refuse_an_unknown_provenance_and_accept_the_known_ones() {
    let store = Store::open_in_memory().unwrap();
    let conn = store.conn();
    conn.execute("INSERT INTO orders (id) VALUES ('O1')", [])
        .unwrap();
    conn.execute("INSERT INTO bookings (id) VALUES ('B1')", [])
        .unwrap();
    for (table, columns, values) in [
        ("payments", "id", "'P{n}'"),
        ("orders", "id", "'O{n}'"),
        (
            "order_line_items",
            "order_id, uid, quantity",
            "'O1', 'U{n}', '1'",
        ),
        ("bookings", "id", "'B{n}'"),
        ("booking_segments", "booking_id, ordinal", "'B1', {n}"),
        ("loyalty_events", "id", "'E{n}'"),
    ] {
        for (n, provenance) in [
            "square_sync",
            "spreadsheet_import",
            "review_source",
            "owner_edit",
        ]
        .iter()
        .enumerate()
        {
            let values = values.replace("{n}", &(n + 10).to_string());
            conn.execute(
                &format!(
                    "INSERT INTO {table} ({columns}, provenance) VALUES ({values}, '{provenance}')"
                ),
                [],
            )
            .unwrap_or_else(|e| panic!("{table} refused {provenance}: {e}"));
        }
        let values = values.replace("{n}", "99");
        let refused = conn.execute(
            &format!("INSERT INTO {table} ({columns}, provenance) VALUES ({values}, 'guess')"),
            [],
        );
        assert!(refused.is_err(), "{table} accepted an unknown provenance");
    }
}

#[test]
fn rebuilt_tables_have_no_rowid_and_drop_the_updated_at_indexes_nothing_reads() {
    let store = Store::open_in_memory().unwrap();
    let conn = store.conn();
    for table in ["payments", "orders", "bookings", "loyalty_events"] {
        let rowid = conn.prepare(&format!("SELECT rowid FROM {table}"));
        assert!(rowid.is_err(), "{table} should be WITHOUT ROWID");
    }
    assert!(
        conn.prepare("SELECT rowid FROM customers").is_ok(),
        "the check tells a rowid table apart"
    );
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
             AND tbl_name IN ('payments', 'orders', 'bookings', 'loyalty_events') ORDER BY name",
        )
        .unwrap();
    let indexes: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for kept in [
        "bookings_customer",
        "loyalty_events_account",
        "orders_customer",
        "payments_customer",
    ] {
        assert!(
            indexes.iter().any(|i| i == kept),
            "{kept} missing: {indexes:?}"
        );
    }
    for dropped in ["payments_updated", "orders_updated"] {
        assert!(
            !indexes.iter().any(|i| i == dropped),
            "{dropped} still there"
        );
    }
}
