//! `keeper reviews`: list stored reviews with rating, sentiment, mentions and alerts
//! (`--json` for machines); `fetch` from Google Business Profile and Yelp (base URLs and
//! credentials settable, so the simulators stand in); `import FILE` (CSV or JSON export);
//! `staff` (per-staff sentiment); `sim` (serve both review simulators for the demo merchant);
//! `connect-google` (the loopback + PKCE sign-in in the system browser, tokens to the OS
//! keyring) and `yelp-key` (the API key read from standard input into the OS keyring, so it
//! never appears in the process list, the shell history or a log).

use anyhow::Context as _;
use chrono::Utc;
use clap::{Args, Subcommand};
use keeper_api::reviews::{
    GoogleFetch, ReviewsQuery, YelpFetch, fetch_reviews, import_file, list_reviews, staff_sentiment,
};
use keeper_reviews::stage::SourceSummary;
use std::path::PathBuf;

#[derive(Args)]
pub struct ReviewsArgs {
    #[command(subcommand)]
    command: Option<ReviewsCommand>,
    /// Print JSON.
    #[arg(long, global = true)]
    json: bool,
    /// Only urgent reviews.
    #[arg(long)]
    urgent: bool,
    /// Only this source: google, yelp or file.
    #[arg(long)]
    source: Option<String>,
    /// At most this many reviews.
    #[arg(long)]
    limit: Option<usize>,
}

#[derive(Subcommand)]
enum ReviewsCommand {
    /// Fetch from Google Business Profile and/or Yelp, analyse and store.
    Fetch(FetchArgs),
    /// Import a CSV or JSON export (nothing is written if any row is bad).
    Import {
        /// The export file.
        file: PathBuf,
    },
    /// Review sentiment per team member.
    Staff,
    /// Connect Google Business Profile in the system browser; tokens go to the OS keyring.
    ConnectGoogle(ConnectGoogleArgs),
    /// Save the Yelp Fusion API key in the OS keyring, read from standard input.
    YelpKey,
    /// Serve the Google and Yelp review simulators for the demo merchant until Ctrl-C.
    Sim {
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Square simulator profile whose customers, team and services the reviews are about.
        #[arg(long, default_value = "salon")]
        profile: String,
    },
}

#[derive(Args)]
struct ConnectGoogleArgs {
    /// The OAuth client id of Keeper's Google Cloud project.
    #[arg(long, env = "KEEPER_GOOGLE_CLIENT_ID")]
    client_id: String,
    /// The Business Profile account id (`accounts/{account}`).
    #[arg(long, env = "KEEPER_GOOGLE_ACCOUNT")]
    account: String,
    /// Sign-in and token endpoints under another base (the reviews simulator).
    #[arg(long)]
    oauth_base: Option<String>,
    /// Seconds to wait for the browser.
    #[arg(long, default_value_t = 300)]
    timeout_secs: u64,
}

/// Prints the URL, then asks the system browser to open it (a browser that cannot start is
/// not an error: the printed URL still works).
fn system_browser() -> Box<keeper_square::oauth::BrowserOpener> {
    Box::new(
        |url: String| -> keeper_square::client::BoxFuture<'static, Result<(), String>> {
            println!("Open this page to connect Google (opening your browser):\n  {url}");
            let _ = std::io::Write::flush(&mut std::io::stdout());
            if let Err(e) = webbrowser::open(&url) {
                eprintln!("could not open a browser ({e}); open the page above yourself");
            }
            Box::pin(async { Ok(()) })
        },
    )
}

#[derive(Args)]
struct FetchArgs {
    /// Google Business Profile API base (the simulator's URL, or Google's).
    #[arg(long)]
    google_base_url: Option<String>,
    #[arg(long, requires = "google_base_url")]
    google_account: Option<String>,
    #[arg(long, requires = "google_base_url")]
    google_location: Option<String>,
    /// Bearer token to use as is (default: the keyring's, refreshed with --google-client-id).
    #[arg(long, env = "KEEPER_GOOGLE_TOKEN", hide_env_values = true)]
    google_token: Option<String>,
    #[arg(long, env = "KEEPER_GOOGLE_CLIENT_ID")]
    google_client_id: Option<String>,
    /// Yelp Fusion API base (the simulator's URL, or https://api.yelp.com).
    #[arg(long)]
    yelp_base_url: Option<String>,
    #[arg(long, requires = "yelp_base_url")]
    yelp_business: Option<String>,
    /// API key (default: the one in the keyring).
    #[arg(long, env = "KEEPER_YELP_API_KEY", hide_env_values = true)]
    yelp_api_key: Option<String>,
}

fn api(e: keeper_api::ApiError) -> anyhow::Error {
    anyhow::anyhow!("{} ({})", e.message, e.code)
}

fn print_summaries(summaries: &[SourceSummary], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(summaries)?);
        return Ok(());
    }
    for s in summaries {
        println!(
            "{:<7} fetched {:>3} in {} page(s): {} new, {} updated, {} unchanged",
            s.source, s.fetched, s.pages, s.counts.inserted, s.counts.updated, s.counts.unchanged
        );
        if let Some(n) = &s.note {
            println!("        {n}");
        }
    }
    Ok(())
}

pub fn run(args: ReviewsArgs, db: Option<PathBuf>) -> anyhow::Result<()> {
    let path = keeper_api::db::resolve_db_path(db.as_deref()).map_err(api)?;
    let runtime = tokio::runtime::Runtime::new()?;
    match args.command {
        None => {
            let q = ReviewsQuery {
                urgent_only: args.urgent,
                source: args.source,
                limit: args.limit,
            };
            let rows = list_reviews(&path, &q).map_err(api)?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
                return Ok(());
            }
            if rows.is_empty() {
                println!("No reviews yet: run `keeper reviews fetch` or `keeper reviews import FILE`.");
            }
            for r in &rows {
                let stars = r.rating.map_or("-".to_owned(), |n| "★".repeat(n as usize));
                let alert = if r.urgent { "URGENT " } else { "" };
                println!(
                    "{alert}{:<6} {:<5} {:+.2}  {}  {}{}",
                    r.source,
                    stars,
                    r.sentiment.unwrap_or(0.0),
                    &r.created_at[..10.min(r.created_at.len())],
                    r.author_name.as_deref().unwrap_or("(anonymous)"),
                    r.customer_name
                        .as_deref()
                        .map_or(String::new(), |c| format!(" = customer {c}")),
                );
                println!("    {}", r.text);
                if let Some(reason) = &r.urgent_reason {
                    println!("    alert: {reason}");
                }
                for m in &r.mentions {
                    println!(
                        "    mentions {} {} (\"{}\", {:+.2})",
                        m.kind.replace('_', " "),
                        m.target_name.as_deref().unwrap_or(&m.target_id),
                        m.matched,
                        m.sentiment.unwrap_or(0.0)
                    );
                }
                if r.excerpt {
                    println!("    (excerpt: {})", keeper_api::reviews::YELP_NOTE);
                }
            }
            Ok(())
        }
        Some(ReviewsCommand::Fetch(f)) => {
            let google = match f.google_base_url {
                Some(base_url) => Some(GoogleFetch {
                    base_url,
                    account_id: f.google_account.context("--google-account is required")?,
                    location_id: f.google_location.context("--google-location is required")?,
                    access_token: f.google_token,
                    client_id: f.google_client_id,
                }),
                None => None,
            };
            let yelp = match f.yelp_base_url {
                Some(base_url) => Some(YelpFetch {
                    base_url,
                    business_id: f.yelp_business.context("--yelp-business is required")?,
                    api_key: f.yelp_api_key,
                }),
                None => None,
            };
            let s = runtime
                .block_on(fetch_reviews(&path, google, yelp, Utc::now()))
                .map_err(api)?;
            print_summaries(&s, args.json)
        }
        Some(ReviewsCommand::Import { file }) => {
            let s = runtime
                .block_on(import_file(&path, &file, Utc::now()))
                .map_err(api)?;
            print_summaries(&[s], args.json)
        }
        Some(ReviewsCommand::Staff) => {
            let rows = staff_sentiment(&path).map_err(api)?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                for s in rows {
                    println!(
                        "{:<24} {:>3} mentions  sentiment {:+.2}  {} negative  mean rating {}",
                        s.name.as_deref().unwrap_or(&s.team_member_id),
                        s.mentions,
                        s.mean_sentiment.unwrap_or(0.0),
                        s.negative_mentions,
                        s.mean_rating.map_or("-".into(), |r| format!("{r:.1}"))
                    );
                }
            }
            Ok(())
        }
        Some(ReviewsCommand::ConnectGoogle(c)) => {
            use rand::SeedableRng;
            let opts = keeper_api::reviews::GoogleConnect {
                client_id: c.client_id,
                account_id: c.account,
                oauth_base: c.oauth_base,
                timeout: std::time::Duration::from_secs(c.timeout_secs),
            };
            let tokens = keeper_square::control::KeyringTokenStore::with_service(
                keeper_reviews::source::google_oauth::GOOGLE_KEYRING_SERVICE,
            );
            let mut rng = rand::rngs::StdRng::from_os_rng();
            let done = runtime
                .block_on(keeper_api::reviews::connect_google(
                    &opts,
                    &*system_browser(),
                    &tokens,
                    &mut rng,
                    &keeper_square::client::SystemClock::new(),
                ))
                .map_err(api)?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&done)?);
            } else {
                println!(
                    "Connected Google account {}. Tokens are in the OS keyring{}.",
                    done.account_id,
                    if done.refresh_token_kept {
                        " (Keeper refreshes the access token on its own)"
                    } else {
                        ""
                    }
                );
            }
            Ok(())
        }
        Some(ReviewsCommand::YelpKey) => {
            use std::io::IsTerminal;
            if std::io::stdin().is_terminal() {
                eprintln!("Paste the Yelp API key and press Enter:");
            }
            let mut key = String::new();
            std::io::stdin()
                .read_line(&mut key)
                .context("could not read the key from standard input")?;
            keeper_api::reviews::save_yelp_key(&key).map_err(api)?;
            println!("Saved the Yelp API key in the OS keyring.");
            Ok(())
        }
        Some(ReviewsCommand::Sim { seed, profile }) => runtime.block_on(async move {
            let profile: keeper_sim::Profile = profile.parse()?;
            let now = Utc::now();
            let (data, _) =
                keeper_sim::generate::generate(profile, seed, keeper_sim::Ts(now.timestamp_millis()));
            let world = keeper_reviews::sim::ReviewWorld::from_dataset(&data);
            let sims = keeper_reviews::sim::ReviewSims::start(&world, seed, now).await?;
            let st = &sims.state;
            println!("Google: {}  account {}  location {}  token {}", sims.google_base_url(), st.account_id, st.location_id, st.google_token);
            println!("Yelp:   {}  business {}  api key {}", sims.yelp_base_url(), st.yelp_business_id, st.yelp_api_key);
            println!(
                "keeper reviews fetch --google-base-url {} --google-account {} --google-location {} --google-token {} --yelp-base-url {} --yelp-business {} --yelp-api-key {}",
                sims.google_base_url(), st.account_id, st.location_id, st.google_token,
                sims.yelp_base_url(), st.yelp_business_id, st.yelp_api_key
            );
            println!("(simulator credentials; these are not secrets). Ctrl-C to stop.");
            tokio::signal::ctrl_c().await?;
            sims.shutdown().await;
            Ok(())
        }),
    }
}
