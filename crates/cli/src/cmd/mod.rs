//! One module per subcommand.

pub mod clv;
pub mod connect;
pub mod db;
pub mod demo;
pub mod health;
pub mod import;
pub mod match_files;
pub mod reviews;
pub mod search;
pub mod sim;
pub mod stats;
pub mod sync;
pub mod tasks;
pub mod upload;
