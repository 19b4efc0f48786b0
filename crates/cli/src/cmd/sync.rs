//! `keeper sync`: the daily incremental sync with a given token (nothing about the token is
//! stored). Streams whose circuit breaker is open keep their stored data, and the summary
//! says so.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use clap::Args;
use keeper_api::import::SquareAccess;
use std::io::IsTerminal;
use std::path::PathBuf;

use super::import::{Bars, print_report};

#[derive(Args)]
pub struct SyncArgs {
    /// Square API base URL (default: Square production), e.g. the simulator's.
    #[arg(long)]
    base_url: Option<String>,
    /// Access token for this run (not stored).
    #[arg(long, env = "KEEPER_ACCESS_TOKEN", hide_env_values = true)]
    access_token: String,
    /// List every customer now (finds deletions and merges; otherwise done weekly).
    #[arg(long)]
    full_customers: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// The present (RFC 3339), for tests against a simulator with its own clock.
    #[arg(long, hide = true)]
    now: Option<DateTime<Utc>>,
}

pub fn run(args: SyncArgs, db: Option<PathBuf>) -> anyhow::Result<()> {
    let db = keeper_api::db::resolve_db_path(db.as_deref())?;
    let access = SquareAccess {
        base_url: args.base_url,
        access_token: args.access_token,
    };
    let now = args.now.unwrap_or_else(Utc::now);
    let mut bars = Bars::new(!args.json && std::io::stderr().is_terminal());
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime
        .block_on(keeper_api::import::sync(
            &access,
            &db,
            now,
            args.full_customers,
            &mut |p| bars.update(p),
        ))
        .context("sync failed")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(())
}
