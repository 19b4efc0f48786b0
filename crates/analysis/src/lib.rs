//! Analysis: pure functions of the local store (and of a `now` passed in).
//!
//! - [`clv`]: the BG/NBD churn model and the Gamma-Gamma spend model, fitted by maximum
//!   likelihood, and the standalone transactions report behind `keeper clv`.
//! - [`derive`] reads what analysis needs from the store, one part per owner (customer or
//!   walk-in day); [`cache`] keeps the parts in memory between runs and reads again only
//!   the owners that triggers marked as changed (migration 0022); [`data`] merges parts
//!   into the dataset; [`metrics`] computes per-customer metrics; [`model`] fits the
//!   models on the merchant's own visits; [`customers`] combines them with a churn risk;
//!   [`staff`] and [`business`] compute team and business figures.
//! - [`tasks`]: the ranked daily call list with its states and history.
//! - [`recompute`]: the entry points ([`recompute()`], [`recompute_with`], [`analyse`],
//!   [`run_stage`]); [`refit`] decides when the models are refitted; [`persist`] writes
//!   results into migration 0004's tables (only changed metric rows, migration 0011).

pub mod business;
pub mod cache;
pub mod clv;
pub mod customers;
pub mod data;
pub mod derive;
pub mod error;
pub mod metrics;
pub mod model;
pub mod persist;
pub mod recompute;
pub mod refit;
pub mod staff;
pub mod tasks;
pub mod views;

pub use cache::Read;
pub use error::{Error, Result};
pub use recompute::{
    Analysis, InsightsSummary, ModelSummary, RecomputeReport, analyse, recompute, recompute_read,
    recompute_with, run_stage,
};
pub use refit::{Refit, RefitPolicy};
