//! `keeper sync`: the daily incremental sync, with a given token (nothing about the token is
//! stored) or, without one, with the merchant connected by `keeper connect` (tokens from the
//! OS keyring, refreshed as needed). Streams whose circuit breaker is open keep their stored
//! data, and the summary says so; work that keeps failing waits in the retry queue, and
//! `--retry-dead` tries the entries that gave up again.

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
    /// Access token for this run (not stored). Without one, the connected merchant's tokens
    /// from the OS keyring are used.
    #[arg(long, env = "KEEPER_ACCESS_TOKEN", hide_env_values = true)]
    access_token: Option<String>,
    /// The Square application id (to refresh the connected merchant's tokens).
    #[arg(long, env = "KEEPER_SQUARE_CLIENT_ID")]
    client_id: Option<String>,
    /// Retry queued work that gave up after its attempts (the Health screen lists it).
    #[arg(long)]
    retry_dead: bool,
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
    let now = args.now.unwrap_or_else(Utc::now);
    if args.retry_dead {
        let store = keeper_store::Store::open(&db)?;
        let n = keeper_api::health::queue::revive_dead_sync_work(store.conn(), now)?;
        eprintln!("retrying {n} queued task(s) that had given up");
    }
    let mut bars = Bars::new(!args.json && std::io::stderr().is_terminal());
    let runtime = tokio::runtime::Runtime::new()?;
    let progress = &mut |p: &keeper_import::Progress| bars.update(p);
    let report = match args.access_token {
        Some(access_token) => {
            let access = SquareAccess {
                base_url: args.base_url,
                access_token,
            };
            runtime.block_on(keeper_api::import::sync(
                &access,
                &db,
                now,
                args.full_customers,
                progress,
            ))
        }
        None => {
            let client_id = args
                .client_id
                .context("give --access-token, or --client-id to use the connected merchant")?;
            let tokens = std::sync::Arc::new(keeper_square::control::KeyringTokenStore::new());
            runtime.block_on(keeper_api::connect::sync_connected(
                &client_id,
                tokens,
                &db,
                now,
                args.full_customers,
                progress,
            ))
        }
    }
    .context("sync failed")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(())
}
