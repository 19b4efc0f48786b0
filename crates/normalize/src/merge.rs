//! Customer merges: when Square merges profiles, the old ids disappear and a new profile
//! holds the person. History keyed by an old id is re-pointed to the new one so visits and
//! spend are not split across ids.

use crate::error::Result;
use rusqlite::Connection;

/// How many rows [`repoint_customer`] moved, per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Repointed {
    pub payments: usize,
    pub orders: usize,
    pub bookings: usize,
    pub loyalty_accounts: usize,
}

impl Repointed {
    pub fn total(&self) -> usize {
        self.payments + self.orders + self.bookings + self.loyalty_accounts
    }
}

/// Re-points payments, orders, bookings and loyalty accounts from `old_id` to `new_id`.
/// Run it inside the caller's transaction; running it twice changes nothing more.
pub fn repoint_customer(conn: &Connection, old_id: &str, new_id: &str) -> Result<Repointed> {
    if old_id == new_id {
        return Ok(Repointed::default());
    }
    let moved = |table: &str| -> Result<usize> {
        // Table names come from the fixed list below, never from input.
        Ok(conn
            .prepare_cached(&format!(
                "UPDATE {table} SET customer_id = ?2 WHERE customer_id = ?1"
            ))?
            .execute((old_id, new_id))?)
    };
    Ok(Repointed {
        payments: moved("payments")?,
        orders: moved("orders")?,
        bookings: moved("bookings")?,
        loyalty_accounts: moved("loyalty_accounts")?,
    })
}
