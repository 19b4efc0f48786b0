//! Enrichment: spreadsheets in, matched customer context out.
//!
//! The pipeline reads as the modules: [`read`] opens a CSV or workbook and streams its rows,
//! [`columns`] decides what each column holds, [`normalize`] turns each row into a validated
//! [`normalize::Record`], and [`matching`] links records to Square customers with a calibrated
//! Fellegi–Sunter score and an explanation per candidate.
//!
//! **Architecture invariant:** this crate knows nothing about the database or the UI; it takes
//! files and records in and gives records and decisions back.

pub mod columns;
pub mod error;
pub mod load;
pub mod matching;
pub mod normalize;
pub mod output;
pub mod read;

pub use error::{EnrichError, Result};
