//! Enrichment: spreadsheets in, matched customer context out.
//!
//! The pipeline reads as the modules: [`read`] opens a CSV or workbook and streams its rows,
//! [`columns`] decides what each column holds, [`normalize`] turns each row into a validated
//! [`normalize::Record`], and [`matching`] links records to Square customers with a calibrated
//! Fellegi–Sunter score and an explanation per candidate.
//!
//! The pipeline itself is database-free (files and records in, records and decisions out);
//! [`db`] is the one module that reads the store's customers and keeps uploads, matches and
//! enrichment records (migration 0008). Nothing here knows the UI.

pub mod columns;
pub mod db;
pub mod error;
pub mod load;
pub mod matching;
pub mod normalize;
pub mod output;
pub mod read;

pub use error::{EnrichError, Result};
