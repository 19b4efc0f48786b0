//! `keeper`: the command line. Each subcommand lives in `cmd/` and is a thin layer over
//! `keeper-api` (or a core crate): parse arguments, call the core, print the result.

mod cmd;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "keeper",
    version,
    about = "Keeper: who to call today, from your Square data"
)]
struct Cli {
    /// SQLite database to use (default: the OS app-data directory).
    #[arg(long, global = true, env = "KEEPER_DB")]
    db: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inspect the local database.
    #[command(subcommand)]
    Db(cmd::db::DbCommand),
    // New subcommands go below, one line each, backed by a module in `cmd/`.
    /// Match a spreadsheet to the database's customers and merge the context it adds.
    Upload(cmd::upload::UploadArgs),
    /// List, review and undo spreadsheet uploads; flag duplicate customers.
    #[command(subcommand)]
    Uploads(cmd::upload::UploadsCommand),
    /// Square API and pipeline health: per-family figures, score, recommendations.
    Health(cmd::health::HealthArgs),
    /// Connect Square (OAuth in the browser); tokens go to the OS keyring.
    Connect(cmd::connect::ConnectArgs),
    /// Import the last months of Square data (resumes an interrupted import).
    Import(cmd::import::ImportArgs),
    /// Counts per object type and the latest import's reconciliation.
    Stats(cmd::stats::StatsArgs),
    /// Sync with Square: changes since the last run (deletions and merges weekly).
    Sync(cmd::sync::SyncArgs),
    /// Run the main job on the built-in demo merchant (simulator, OAuth, import).
    Demo(cmd::demo::DemoArgs),
    /// Fit BG/NBD + Gamma-Gamma on a transactions CSV: P(alive), expected purchases, spend.
    Clv(cmd::clv::ClvArgs),
    /// Match an upload spreadsheet to a customer file (no database); write matches.csv.
    MatchFiles(cmd::match_files::MatchFilesArgs),
    /// Search customers (hybrid keyword + on-device semantic); embeds changed documents first.
    Search(cmd::search::SearchArgs),
    /// Today's call list (churn, upsell, reactivation, second visit, reviews, birthdays).
    Tasks(cmd::tasks::TasksArgs),
    /// Run the Square-compatible simulator.
    #[command(subcommand)]
    Sim(cmd::sim::SimCommand),
    /// Reviews (Google, Yelp, files): list with rating, sentiment, mentions, alerts; fetch; import.
    Reviews(cmd::reviews::ReviewsArgs),
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KEEPER_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let db = cli.db;
    match cli.command {
        Command::Db(c) => cmd::db::run(c, db),
        Command::Upload(args) => cmd::upload::run_upload(args, db),
        Command::Uploads(c) => cmd::upload::run_uploads(c, db),
        Command::Health(args) => cmd::health::run(args, db),
        Command::Connect(args) => cmd::connect::run(args, db),
        Command::Demo(args) => cmd::demo::run(args, db),
        Command::Import(args) => cmd::import::run(args, db),
        Command::Stats(args) => cmd::stats::run(args, db),
        Command::Sync(args) => cmd::sync::run(args, db),
        Command::Clv(args) => cmd::clv::run(args),
        Command::MatchFiles(args) => cmd::match_files::run(args),
        Command::Search(args) => cmd::search::run(args, db),
        Command::Tasks(args) => cmd::tasks::run(args, db),
        Command::Sim(c) => cmd::sim::run(c),
        Command::Reviews(args) => cmd::reviews::run(args, db),
    }
}
