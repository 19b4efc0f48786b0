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
    /// Run the main job on the built-in demo merchant (simulator, OAuth, import).
    Demo(cmd::demo::DemoArgs),
    /// Fit BG/NBD + Gamma-Gamma on a transactions CSV: P(alive), expected purchases, spend.
    Clv(cmd::clv::ClvArgs),
    /// Match an upload spreadsheet to a customer file (no database); write matches.csv.
    MatchFiles(cmd::match_files::MatchFilesArgs),
    /// Run the Square-compatible simulator.
    #[command(subcommand)]
    Sim(cmd::sim::SimCommand),
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
        Command::Demo(args) => cmd::demo::run(args, db),
        Command::Clv(args) => cmd::clv::run(args),
        Command::MatchFiles(args) => cmd::match_files::run(args),
        Command::Sim(c) => cmd::sim::run(c),
    }
}
