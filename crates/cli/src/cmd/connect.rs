//! `keeper connect`: Connect Square through the system browser (OAuth with PKCE and a
//! loopback redirect). The authorize URL is printed and opened; the tokens go to the OS
//! keyring under the merchant id, and the connection's dates to the database. Without a
//! keyring it says so and stops before the browser: tokens are never kept anywhere else.

use clap::Args;
use keeper_api::connect::{ConnectOptions, connect_square};
use keeper_square::client::{BoxFuture, Environment, SystemClock};
use keeper_square::control::KeyringTokenStore;
use keeper_square::oauth::BrowserOpener;
use keeper_store::Store;
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args)]
pub struct ConnectArgs {
    /// Connect to Square's sandbox instead of production.
    #[arg(long, conflicts_with = "base_url")]
    sandbox: bool,
    /// Connect to another Square-compatible base URL (e.g. `keeper sim serve`).
    #[arg(long)]
    base_url: Option<String>,
    /// The Square application id.
    #[arg(long, env = "KEEPER_SQUARE_CLIENT_ID")]
    client_id: String,
    /// Fixed loopback port (when the redirect URL registered with Square names one).
    #[arg(long)]
    port: Option<u16>,
    /// Seconds to wait for the browser.
    #[arg(long, default_value_t = 300)]
    timeout_secs: u64,
}

/// Prints the URL, then asks the system browser to open it; a browser that cannot be
/// started is not an error (the printed URL still works).
fn system_browser() -> Box<BrowserOpener> {
    Box::new(|url: String| -> BoxFuture<'static, Result<(), String>> {
        println!("Open this page to connect Square (opening your browser):\n  {url}");
        let _ = std::io::stdout().flush();
        if let Err(e) = webbrowser::open(&url) {
            eprintln!("could not open a browser ({e}); open the page above yourself");
        }
        Box::pin(async { Ok(()) })
    })
}

pub fn run(args: ConnectArgs, db: Option<PathBuf>) -> anyhow::Result<()> {
    let environment = match (args.sandbox, args.base_url) {
        (true, _) => Environment::Sandbox,
        (false, Some(url)) => Environment::Custom(url),
        (false, None) => Environment::Production,
    };
    let opts = ConnectOptions {
        environment,
        client_id: args.client_id,
        port: args.port,
        timeout: Duration::from_secs(args.timeout_secs),
    };
    let path = keeper_api::db::resolve_db_path(db.as_deref())?;
    let store = Store::open(&path)?;
    let tokens = KeyringTokenStore::new();
    let mut rng = StdRng::from_os_rng();
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(connect_square(
        &opts,
        &*system_browser(),
        &tokens,
        Some(&store),
        &mut rng,
        &SystemClock::new(),
    ))?;
    println!(
        "Connected Square merchant {} ({}). Tokens are in the OS keyring.",
        report.merchant_id, report.base_url
    );
    if let Some(at) = &report.refresh_expires_at {
        println!("Reconnect before {at} (Keeper refreshes the access token on its own).");
    }
    Ok(())
}
