//! A local HTTP server that behaves like Square's API over a generated merchant.
//!
//! * [`generate`] builds a salon from a seed, a profile and `now` (customers with a personal
//!   cadence, churners, one-timers and returners, duplicates and merged profiles, bookings
//!   → orders → payments → refunds, loyalty, catalog edits and deletions, late offline
//!   orders) and its [`Truth`].
//! * [`server`] serves it with Square's envelopes, cursors, limits and errors, OAuth
//!   (PKCE), and injectable faults (global, or scoped to a path: [`path_faults`]); [`Simulator`] runs it in-process for tests.

pub mod auth;
pub mod changes;
pub mod error;
pub mod errors;
pub mod faults;
pub mod generate;
pub mod model;
pub mod pagination;
pub mod path_faults;
pub mod server;
pub mod store;
pub mod time;
pub mod truth;

pub use error::{Result, SimError};
pub use generate::Profile;
pub use server::{SimConfig, SimHandle, Simulator};
pub use time::Ts;
pub use truth::Truth;
