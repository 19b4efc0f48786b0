//! Import and sync: read a seller's Square data through `keeper-square`'s client and write
//! each object to the raw store and, through `keeper-normalize`, to the normalized tables.
//!
//! - [`plan`] cuts each stream into windows in the seed's priority order; [`state`] keeps a
//!   checkpoint per stream and window (migration 0003) written in the same transaction as
//!   the window's page ([`writer`]), so a restart after a crash resumes.
//! - [`engine`] reads windows in parallel under the client's governors ([`fetch`]) and
//!   writes them through one connection; failed windows are retried, never skipped.
//! - [`import()`] is the historical import, [`sync()`] the daily incremental sync (with
//!   deletions and merges found by a full customer listing), [`reconcile`] compares what
//!   Square reported with what was stored, [`stats`] counts what the store holds, and
//!   [`progress`] reports per-stream progress.

pub mod engine;
pub mod error;
pub mod fetch;
pub mod fetched;
pub mod import;
pub mod plan;
pub mod progress;
pub mod reconcile;
pub mod retry;
pub mod state;
pub mod stats;
pub mod sync;
pub mod writer;

pub use error::{Error, Result};
pub use import::{ImportOptions, RunReport, import};
pub use plan::Stream;
pub use progress::Progress;
pub use sync::{FullListing, SyncOptions, sync};
