//! Reviews: sources (Google Business Profile, Yelp Fusion, file exports) behind one trait,
//! on-device sentiment, staff and service mentions, and urgent alerts.
//!
//! - [`source`]: the [`source::ReviewSource`] trait and its Google, Yelp and file sources
//!   (the only modules here that do network I/O).
//! - [`sim`]: local simulators of the Google Business Profile and Yelp Fusion review APIs,
//!   serving reviews generated from the Square simulator's merchant.
//! - [`sentiment`]: VADER in Rust, plus salon-domain rules; [`eval`] measures both.
//! - [`mentions`], [`link`], [`alert`], [`analyze`]: staff and service mentions, the
//!   customer link, urgency, and the whole analysis of one review (pure functions).
//! - [`db`]: the `reviews` and `review_mentions` tables; [`stage`]: fetch → analyse → store.

pub mod alert;
pub mod analyze;
pub mod db;
pub mod error;
pub mod eval;
pub mod link;
pub mod mentions;
pub mod model;
pub mod sentiment;
pub mod sim;
pub mod source;
pub mod stage;

pub use error::{Result, ReviewsError};
pub use model::{RawReview, SourceKind};
