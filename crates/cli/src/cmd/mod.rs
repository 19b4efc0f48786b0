//! One module per subcommand.

pub mod clv;
pub mod db;
pub mod demo;
pub mod match_files;
pub mod sim;
