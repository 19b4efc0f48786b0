//! Import: read every stream of a seller's Square data through `keeper-square`'s client and
//! write each object to the raw store and, through `keeper-normalize`, to the normalized
//! tables — one SQLite transaction per page, so a page is stored whole or not at all.
//!
//! [`backfill`] reads the streams one after another in the seed's priority order (merchant
//! and locations, team, catalog, customers, then payments, refunds, orders, bookings and
//! loyalty for the window). Still to come (issue: import and sync): parallel streams and
//! windows, checkpoints that resume after a crash, daily incremental sync, reconciliation.

pub mod backfill;
pub mod error;
pub mod fetched;
pub mod writer;

pub use backfill::{Backfill, StreamStats, backfill};
pub use error::{Error, Result};
