//! The API layer: the operations the desktop shell and the `keeper` CLI both call, with errors
//! that serialize to `{code, message}` for the UI.

pub mod db;
pub mod demo;
pub mod error;

pub use error::{ApiError, Result};
