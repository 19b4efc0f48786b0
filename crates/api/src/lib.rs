//! The API layer: the operations the desktop shell and the `keeper` CLI both call, with errors
//! that serialize to `{code, message}` for the UI.

pub mod app;
pub mod connect;
pub mod customers;
pub mod db;
pub mod demo;
pub mod enrich;
pub mod error;
pub mod health;
pub mod import;
pub mod insights;
pub mod jobs;
pub mod reviews;
pub mod schedule;
pub mod search;
pub mod search_refresh;
pub mod task_context;
pub mod upload_jobs;
pub mod views;

pub use error::{ApiError, Result};
