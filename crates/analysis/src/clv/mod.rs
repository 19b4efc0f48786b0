//! Churn and value: the BG/NBD purchase model and the Gamma-Gamma spend model, fitted by
//! maximum likelihood on a merchant's own history, plus the transaction summary they take
//! and the standalone report behind `keeper clv`.
//!
//! Pipeline: [`transactions::read_csv`] → [`rfm::summarize`] → [`bgnbd::fit`] and
//! [`gamma_gamma::fit`] → per-customer predictions ([`report::clv_report`]). A history too
//! thin for a model is a typed [`ModelError`], never a made-up number.

pub mod bgnbd;
pub mod error;
pub mod gamma_gamma;
pub mod optimize;
pub mod report;
pub mod rfm;
pub mod special;
pub mod transactions;

pub use chrono::NaiveDate;
pub use error::ModelError;
