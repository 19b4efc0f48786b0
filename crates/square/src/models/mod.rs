//! Serde models of the Square objects Keeper reads, one module per family. Every model
//! ignores unknown fields, keeps unknown enum values, accepts int64 as number or string,
//! and serializes back (absent fields omitted) so the simulator and tests can round-trip.

mod birthday;
mod booking;
mod catalog;
mod catalog_data;
mod common;
mod customer;
mod decimal;
mod location;
mod loyalty;
mod merchant;
mod oauth;
mod order;
mod order_return;
mod payment;
mod refund;
mod secret;
mod team;

pub use birthday::*;
pub use booking::*;
pub use catalog::*;
pub use catalog_data::*;
pub use common::*;
pub use customer::*;
pub use decimal::*;
pub use location::*;
pub use loyalty::*;
pub use merchant::*;
pub use oauth::*;
pub use order::*;
pub use order_return::*;
pub use payment::*;
pub use refund::*;
pub use secret::*;
pub use team::*;
