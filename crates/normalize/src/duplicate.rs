//! Duplicate detection beyond the Square id.
//!
//! - **By id:** every table is keyed by the Square id, so the same object written twice is
//!   one row (the upsert replaces it).
//! - **By composite key:** a payment or order with a different id but the same customer,
//!   the same `created_at` (to the millisecond, UTC) and the same total as one already
//!   stored is the same sale recorded twice (a replayed offline upload, a double import).
//!   It is not written — so it is never counted twice — and is quarantined with the rule
//!   `duplicate_composite_key`, naming the id it duplicates. The amount is part of the key
//!   so that two genuine sales to one customer in the same millisecond (split tenders have
//!   different amounts or times) are not merged. Objects without a customer are never
//!   composite duplicates: the key would match unrelated walk-in sales.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension};

/// The composite key of a payment or order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompositeKey<'a> {
    pub customer_id: &'a str,
    pub created_at: &'a str,
    pub total: Option<i64>,
}

impl<'a> CompositeKey<'a> {
    /// The key, when the object has a customer and a creation time.
    pub fn of(
        customer_id: Option<&'a str>,
        created_at: Option<&'a str>,
        total: Option<i64>,
    ) -> Option<Self> {
        Some(CompositeKey {
            customer_id: customer_id?,
            created_at: created_at?,
            total,
        })
    }
}

/// Another stored payment with the same composite key, if any.
pub fn payment_twin(conn: &Connection, id: &str, key: &CompositeKey<'_>) -> Result<Option<String>> {
    twin(
        conn,
        "SELECT id FROM payments WHERE customer_id = ?1 AND created_at = ?2 AND total IS ?3
         AND id <> ?4 LIMIT 1",
        id,
        key,
    )
}

/// Another stored order with the same composite key, if any.
pub fn order_twin(conn: &Connection, id: &str, key: &CompositeKey<'_>) -> Result<Option<String>> {
    twin(
        conn,
        "SELECT id FROM orders WHERE customer_id = ?1 AND created_at = ?2 AND total IS ?3
         AND id <> ?4 LIMIT 1",
        id,
        key,
    )
}

fn twin(conn: &Connection, sql: &str, id: &str, key: &CompositeKey<'_>) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(sql)?
        .query_row((key.customer_id, key.created_at, key.total, id), |r| {
            r.get(0)
        })
        .optional()?)
}
