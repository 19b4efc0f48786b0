//! Migration 0020 (normalize speed) rebuilds `raw_objects` as a rowid table with a unique key
//! index, and moves the per-type counts from an insert trigger into keeper-store's raw
//! writes: every stored object must survive byte for byte, the key must stay unique, and
//! `raw_object_counts` must stay exact through inserts, unchanged and changed rewrites,
//! batches and deletes.

mod common;
use common::database_at;
use keeper_store::Store;
use keeper_store::raw::{self, RawBatch, RawObject, RawWrite};
use rusqlite::Connection;

fn obj<'a>(object_type: &'a str, square_id: &'a str, json: &'a str) -> RawObject<'a> {
    RawObject {
        object_type,
        square_id,
        version: Some("3"),
        json,
    }
}

/// `raw_object_counts` as (type, rows), sorted.
fn counts(conn: &Connection) -> Vec<(String, i64)> {
    conn.prepare("SELECT object_type, rows FROM raw_object_counts WHERE rows > 0 ORDER BY 1")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The same figures counted from `raw_objects` itself.
fn counted(conn: &Connection) -> Vec<(String, i64)> {
    raw::counts_by_type(conn)
        .unwrap()
        .into_iter()
        .map(|(t, n)| (t, n as i64))
        .collect()
}

fn dump(conn: &Connection) -> Vec<(String, String, Option<String>, String, String, String)> {
    conn.prepare(
        "SELECT object_type, square_id, version, fetched_at, content_hash, json
         FROM raw_objects ORDER BY 1, 2",
    )
    .unwrap()
    .query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn migration_0020_keeps_every_raw_object_and_its_counts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    let before = {
        let conn = database_at(&path, 19);
        for (t, id, json) in [
            ("CUSTOMER", "C1", r#"{"id":"C1", "given_name":"Ana"}"#),
            ("CUSTOMER", "C2", r#"{"id":"C2","extra":[1,2]}"#),
            ("PAYMENT", "P1", r#"{"id":"P1"}"#),
        ] {
            // As the older Keeper wrote them (its insert trigger counted them).
            conn.execute(
                "INSERT INTO raw_objects (object_type, square_id, version, fetched_at, content_hash, json)
                 VALUES (?1, ?2, '3', '2025-01-01T00:00:00Z', ?3, ?4)",
                (t, id, raw::content_hash(json), json),
            )
            .unwrap();
        }
        assert_eq!(counts(&conn), counted(&conn));
        dump(&conn)
    };
    let store = Store::open(&path).unwrap();
    let conn = store.conn();
    assert_eq!(dump(conn), before, "every row and column survives");
    assert_eq!(counts(conn), counted(conn));
    assert_eq!(
        counts(conn),
        vec![("CUSTOMER".to_owned(), 2), ("PAYMENT".to_owned(), 1)]
    );
    let without_rowid: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'raw_objects' AND sql LIKE '%WITHOUT ROWID%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(without_rowid, 0, "raw_objects is a rowid table");
    // The key is still unique.
    let dup = conn.execute(
        "INSERT INTO raw_objects (object_type, square_id, fetched_at, content_hash, json)
         VALUES ('CUSTOMER', 'C1', 'x', 'y', '{}')",
        [],
    );
    assert!(
        dup.is_err(),
        "a second row with the same type and id is refused"
    );
    // A lookup by key reads the key index, not the whole table.
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT json FROM raw_objects WHERE object_type = 'CUSTOMER' AND square_id = 'C1'",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("raw_objects_key"), "{plan}");
}

#[test]
fn raw_counts_stay_exact_without_an_insert_trigger() {
    let store = Store::open_in_memory().unwrap();
    let conn = store.conn();
    let at = "2025-01-01T00:00:00Z";
    assert_eq!(
        raw::upsert(conn, &obj("CUSTOMER", "C1", "{\"a\":1}"), at).unwrap(),
        RawWrite::Inserted
    );
    assert_eq!(
        raw::upsert(conn, &obj("CUSTOMER", "C1", "{\"a\":1}"), at).unwrap(),
        RawWrite::Unchanged
    );
    assert_eq!(
        raw::upsert(conn, &obj("CUSTOMER", "C1", "{\"a\":2}"), at).unwrap(),
        RawWrite::Updated
    );
    let jsons = ["{\"p\":1}", "{\"p\":2}", "{\"a\":2}", "{\"o\":1}"];
    let hashes: Vec<String> = jsons.iter().map(|j| raw::content_hash(j)).collect();
    let batch = vec![
        (obj("PAYMENT", "P1", jsons[0]), hashes[0].as_str()),
        (obj("PAYMENT", "P2", jsons[1]), hashes[1].as_str()),
        (obj("CUSTOMER", "C1", jsons[2]), hashes[2].as_str()),
        (obj("ORDER", "O1", jsons[3]), hashes[3].as_str()),
        // Square sent the same object twice in one page: stored once, counted once.
        (obj("ORDER", "O1", jsons[3]), hashes[3].as_str()),
    ];
    let written = raw::upsert_many(conn, batch, at).unwrap();
    assert_eq!(
        written,
        vec![
            RawWrite::Inserted,
            RawWrite::Inserted,
            RawWrite::Unchanged,
            RawWrite::Inserted,
            RawWrite::Unchanged
        ]
    );
    assert_eq!(counts(conn), counted(conn));
    assert_eq!(
        counts(conn),
        vec![
            ("CUSTOMER".to_owned(), 1),
            ("ORDER".to_owned(), 1),
            ("PAYMENT".to_owned(), 2)
        ]
    );
    conn.execute("DELETE FROM raw_objects WHERE square_id = 'P1'", [])
        .unwrap();
    assert_eq!(
        counts(conn),
        counted(conn),
        "the delete trigger still counts"
    );
}

#[test]
fn raw_batch_counts_only_what_its_transaction_committed() {
    let mut store = Store::open_in_memory().unwrap();
    let at = "2025-01-01T00:00:00Z";
    {
        let tx = store.conn_mut().transaction().unwrap();
        let mut batch = RawBatch::default();
        let json = "{\"id\":\"C9\"}";
        batch
            .write(
                &tx,
                &obj("CUSTOMER", "C9", json),
                &raw::content_hash(json),
                at,
            )
            .unwrap();
        batch.finish(&tx).unwrap();
        // Dropped without commit: rolled back, figures and rows together.
    }
    let conn = store.conn();
    assert_eq!(counted(conn), vec![]);
    assert_eq!(counts(conn), vec![]);
}
