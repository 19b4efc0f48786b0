//! Behaviour of the store: schema, pragmas, raw writes, idempotent upserts and provenance.

use keeper_store::raw::{self, RawObject, RawWrite};
use keeper_store::table::customer::Customer;
use keeper_store::table::order::{Order, OrderLineItem, OrderLineItemModifier};
use keeper_store::{Error, Provenance, Store, Written, migrate};

fn customer(id: &str, given: &str) -> Customer {
    Customer {
        id: id.into(),
        given_name: Some(given.into()),
        family_name: Some("Lopez".into()),
        nickname: None,
        company_name: None,
        email: Some("maria@example.com".into()),
        phone_e164: Some("+15555550123".into()),
        birthday: Some("--04-12".into()),
        note: None,
        reference_id: None,
        creation_source: Some("APPOINTMENTS".into()),
        created_at: Some("2025-01-02T10:00:00Z".into()),
        updated_at: Some("2025-01-02T10:00:00Z".into()),
        version: Some(1),
        provenance: Provenance::SquareSync,
    }
}

fn count(store: &Store, table: &str) -> i64 {
    store
        .conn()
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn new_file_database_uses_wal_foreign_keys_and_latest_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/keeper.sqlite3");
    let store = Store::open(&path).unwrap();
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let fk: i64 = store
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(fk, 1);
    assert_eq!(
        migrate::current_version(store.conn()).unwrap(),
        migrate::latest_version()
    );
    assert!(path.exists());
}

#[test]
fn reopening_a_database_does_not_reapply_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.sqlite3");
    {
        let store = Store::open(&path).unwrap();
        customer("C1", "Maria").upsert(store.conn()).unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(count(&store, "customers"), 1);
    assert_eq!(
        count(&store, "schema_migrations"),
        migrate::MIGRATIONS.len() as i64
    );
}

#[test]
fn database_from_a_newer_keeper_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.sqlite3");
    {
        let store = Store::open(&path).unwrap();
        store
            .conn()
            .pragma_update(None, "user_version", 999)
            .unwrap();
    }
    let err = Store::open(&path)
        .err()
        .expect("a newer schema must be refused");
    assert_eq!(err.code(), "db_schema_too_new");
    assert!(matches!(err, Error::SchemaTooNew { found: 999, .. }));
}

#[test]
fn unwritable_database_folder_is_reported_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, b"not a dir").unwrap();
    let err = Store::open(&blocker.join("keeper.sqlite3")).err().unwrap();
    assert_eq!(err.code(), "db_dir_unwritable");
    assert!(err.to_string().contains("file"), "{err}");
}

#[test]
fn raw_write_of_unchanged_content_leaves_the_row_alone() {
    let store = Store::open_in_memory().unwrap();
    let obj = RawObject {
        object_type: "CUSTOMER",
        square_id: "C1",
        version: Some("1"),
        json: r#"{"id":"C1","given_name":"Maria"}"#,
    };
    assert_eq!(
        raw::upsert(store.conn(), &obj, "2026-01-01T00:00:00Z").unwrap(),
        RawWrite::Inserted
    );
    assert_eq!(
        raw::upsert(store.conn(), &obj, "2026-01-02T00:00:00Z").unwrap(),
        RawWrite::Unchanged
    );
    let stored = raw::get(store.conn(), "CUSTOMER", "C1").unwrap().unwrap();
    assert_eq!(stored.fetched_at, "2026-01-01T00:00:00Z");
    assert_eq!(stored.content_hash, raw::content_hash(obj.json));

    let changed = RawObject {
        version: Some("2"),
        json: r#"{"id":"C1","given_name":"María"}"#,
        ..obj
    };
    assert_eq!(
        raw::upsert(store.conn(), &changed, "2026-01-03T00:00:00Z").unwrap(),
        RawWrite::Updated
    );
    let stored = raw::get(store.conn(), "CUSTOMER", "C1").unwrap().unwrap();
    assert_eq!(stored.version.as_deref(), Some("2"));
    assert_eq!(stored.json, changed.json);
    assert_eq!(stored.fetched_at, "2026-01-03T00:00:00Z");
    assert_eq!(count(&store, "raw_objects"), 1);
}

#[test]
fn same_id_under_two_object_types_is_two_raw_rows() {
    let store = Store::open_in_memory().unwrap();
    for t in ["ITEM", "ITEM_VARIATION"] {
        let obj = RawObject {
            object_type: t,
            square_id: "X",
            version: None,
            json: "{}",
        };
        raw::upsert(store.conn(), &obj, "2026-01-01T00:00:00Z").unwrap();
    }
    assert_eq!(count(&store, "raw_objects"), 2);
}

#[test]
fn upserting_the_same_row_twice_is_idempotent() {
    let store = Store::open_in_memory().unwrap();
    let c = customer("C1", "Maria");
    c.upsert(store.conn()).unwrap();
    c.upsert(store.conn()).unwrap();
    assert_eq!(count(&store, "customers"), 1);
    assert_eq!(Customer::get(store.conn(), &"C1").unwrap(), Some(c));
}

#[test]
fn upsert_with_an_existing_id_replaces_fields_and_provenance() {
    let store = Store::open_in_memory().unwrap();
    customer("C1", "Maria").upsert(store.conn()).unwrap();
    let edited = Customer {
        given_name: Some("Mary".into()),
        provenance: Provenance::OwnerEdit,
        ..customer("C1", "Maria")
    };
    edited.upsert(store.conn()).unwrap();
    let got = Customer::get(store.conn(), &"C1").unwrap().unwrap();
    assert_eq!(got.given_name.as_deref(), Some("Mary"));
    assert_eq!(got.provenance, Provenance::OwnerEdit);
}

#[test]
fn write_says_whether_the_row_was_new_or_replaced_one() {
    let store = Store::open_in_memory().unwrap();
    assert_eq!(
        customer("C1", "Maria").write(store.conn()).unwrap(),
        Written::Inserted
    );
    assert_eq!(
        customer("C1", "Mary").write(store.conn()).unwrap(),
        Written::Updated
    );
    assert_eq!(count(&store, "customers"), 1);
    let got = Customer::get(store.conn(), &"C1").unwrap().unwrap();
    assert_eq!(got.given_name.as_deref(), Some("Mary"));
}

/// The upsert tries a plain insert first; its key conflict must roll back nothing else.
#[test]
fn key_conflict_inside_a_transaction_keeps_the_earlier_writes_of_that_transaction() {
    let mut store = Store::open_in_memory().unwrap();
    customer("C1", "Maria").upsert(store.conn()).unwrap();
    let tx = store.conn_mut().transaction().unwrap();
    customer("C2", "Ana").upsert(&tx).unwrap();
    customer("C1", "Mary").upsert(&tx).unwrap();
    customer("C3", "Eve").upsert(&tx).unwrap();
    tx.commit().unwrap();
    assert_eq!(count(&store, "customers"), 3);
    let names: Vec<String> = store
        .conn()
        .prepare("SELECT given_name FROM customers ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(names, ["Mary", "Ana", "Eve"]);
}

#[test]
fn provenance_outside_the_four_sources_is_rejected_by_the_schema() {
    let store = Store::open_in_memory().unwrap();
    let err = store
        .conn()
        .execute(
            "INSERT INTO customers (id, provenance) VALUES ('C9', 'guess')",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("CHECK"), "{err}");
}

#[test]
fn line_item_modifiers_need_their_line_item_and_go_with_their_order() {
    let store = Store::open_in_memory().unwrap();
    let modifier = OrderLineItemModifier {
        order_id: "O1".into(),
        line_item_uid: "L1".into(),
        uid: "M1".into(),
        catalog_object_id: Some("MOD_OLAPLEX".into()),
        name: Some("Olaplex".into()),
        quantity: Some("1".into()),
        base_price: Some(3000),
        total_price: Some(3000),
        currency: Some("USD".into()),
        provenance: Provenance::SquareSync,
    };
    assert!(
        modifier.upsert(store.conn()).is_err(),
        "a modifier without its line item must fail"
    );

    Order {
        id: "O1".into(),
        location_id: Some("L".into()),
        customer_id: Some("C1".into()),
        state: Some("COMPLETED".into()),
        source_name: None,
        total: Some(15000),
        tax: Some(0),
        discount: Some(0),
        tip: Some(2000),
        currency: Some("USD".into()),
        created_at: Some("2026-01-01T10:00:00Z".into()),
        updated_at: Some("2026-01-01T11:00:00Z".into()),
        closed_at: Some("2026-01-01T11:00:00Z".into()),
        version: Some(3),
        provenance: Provenance::SquareSync,
    }
    .upsert(store.conn())
    .unwrap();
    OrderLineItem {
        order_id: "O1".into(),
        uid: "L1".into(),
        name: Some("Colour".into()),
        variation_name: Some("Full head".into()),
        catalog_object_id: Some("VAR_COLOUR".into()),
        item_type: Some("ITEM".into()),
        quantity: "1".into(),
        base_price: Some(12000),
        gross_sales: Some(15000),
        total: Some(15000),
        currency: Some("USD".into()),
        provenance: Provenance::SquareSync,
    }
    .upsert(store.conn())
    .unwrap();
    modifier.upsert(store.conn()).unwrap();
    assert_eq!(
        OrderLineItemModifier::get(store.conn(), &"O1", &"L1", &"M1").unwrap(),
        Some(modifier)
    );
    store
        .conn()
        .execute("DELETE FROM orders WHERE id = 'O1'", [])
        .unwrap();
    assert_eq!(count(&store, "order_line_item_modifiers"), 0);
}

#[test]
fn info_reports_schema_version_and_counts_for_every_table() {
    let store = Store::open_in_memory().unwrap();
    customer("C1", "Maria").upsert(store.conn()).unwrap();
    customer("C2", "Jess").upsert(store.conn()).unwrap();
    let obj = RawObject {
        object_type: "CUSTOMER",
        square_id: "C1",
        version: None,
        json: "{}",
    };
    raw::upsert(store.conn(), &obj, "2026-01-01T00:00:00Z").unwrap();
    let info = store.info().unwrap();
    assert_eq!(info.path, ":memory:");
    assert_eq!(info.schema_version, migrate::latest_version());
    let rows = |t: &str| info.counts.iter().find(|c| c.table == t).map(|c| c.rows);
    assert_eq!(rows("customers"), Some(2));
    assert_eq!(rows("raw_objects"), Some(1));
    assert_eq!(rows("loyalty_events"), Some(0));
    assert_eq!(
        info.counts.len(),
        1 + keeper_store::table::NORMALIZED_TABLES.len()
    );
    assert_eq!(info.raw_by_type[0].table, "CUSTOMER");
}
