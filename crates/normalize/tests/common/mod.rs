//! Shared test helpers: the official Square example payloads (read in place from
//! `shared/square-examples/`), an in-memory store and a fixed context.

#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use keeper_normalize::Context;
use keeper_store::Store;
use serde_json::Value;
use std::path::PathBuf;

/// The official example payloads in `../shared`, found from this crate's directory at run
/// time (cargo sets it), not at compile time: a test binary reused from a build in another
/// checkout must not look there.
pub fn examples_dir() -> PathBuf {
    let dir = std::env::var("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
    PathBuf::from(dir).join("../../../shared/square-examples")
}

/// One official example payload, parsed.
pub fn example(file: &str) -> Value {
    let dir = examples_dir();
    assert!(
        dir.is_dir(),
        "the Square example payloads folder {} is absent; these tests read the official \
         examples in place from shared/square-examples next to the repository",
        dir.display()
    );
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the example payload {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The JSON text of `example(file)[key]` (an object) or of each element (an array).
pub fn objects(file: &str, key: &str) -> Vec<String> {
    match &example(file)[key] {
        Value::Array(items) => items.iter().map(Value::to_string).collect(),
        Value::Null => panic!("{file} has no {key:?}"),
        one => vec![one.to_string()],
    }
}

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 9, 1, 12, 0, 0).unwrap()
}

pub fn ctx() -> Context {
    Context::new(Some("US"), now())
}

pub fn store() -> Store {
    Store::open_in_memory().expect("in-memory store")
}

/// Rows in a table.
pub fn count(store: &Store, table: &str) -> i64 {
    store
        .conn()
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// Every row of the normalized tables and the quarantine, as text, for "same rows" checks.
pub fn dump(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    let tables = keeper_store::table::NORMALIZED_TABLES
        .iter()
        .copied()
        .chain(["quarantine"]);
    for table in tables {
        let mut stmt = store
            .conn()
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut line = format!("{table}:");
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    line.push_str(&format!(" {v:?}"));
                }
                Ok(line)
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}
