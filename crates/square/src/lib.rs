//! Square API: typed models for every object Keeper reads, the request bodies of the search
//! endpoints, the response envelopes, and Square's error envelope as typed, classified errors.
//!
//! Architecture invariant: this crate knows nothing about storage or the UI; it turns bytes
//! from Square (or the simulator) into validated types and back.

#[macro_use]
mod open_enum;

pub mod client;
pub mod control;
pub mod de;
pub mod error;
pub mod models;
pub mod oauth;
pub mod requests;
pub mod responses;

pub use error::{Error, ErrorClass, ErrorEnvelope, SquareApiError};

/// The `Square-Version` header Keeper sends with every request, and the version the models
/// in this crate were written against (`api.json` release 2025-08-20).
pub const SQUARE_VERSION: &str = "2025-08-20";
