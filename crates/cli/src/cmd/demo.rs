//! `keeper demo`: the main job on the built-in demo merchant (simulator → OAuth → import),
//! printed as a summary with timings.

use chrono::Utc;
use clap::Args;
use keeper_api::demo::{DemoOptions, run_demo};
use keeper_sim::Profile;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Args)]
pub struct DemoArgs {
    /// Demo merchant size: small, salon or large.
    #[arg(long, default_value = "salon")]
    profile: Profile,
    /// Seed of the generated merchant.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Months of history to import.
    #[arg(long, default_value_t = 12)]
    months: u32,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: DemoArgs, db: Option<PathBuf>) -> anyhow::Result<()> {
    let db = match db {
        Some(p) => p,
        None => keeper_api::db::resolve_db_path(None)?.with_file_name("keeper-demo.sqlite3"),
    };
    let opts = DemoOptions {
        profile: args.profile,
        seed: args.seed,
        months: args.months,
        db,
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let quiet = args.json || !std::io::stderr().is_terminal();
    let mut last_stream = "";
    let report = runtime.block_on(run_demo(&opts, Utc::now(), &mut |s| {
        if quiet {
            return;
        }
        if s.stream != last_stream {
            if !last_stream.is_empty() {
                eprintln!();
            }
            last_stream = s.stream;
        }
        eprint!(
            "\r  {:<14} {:>5} pages {:>8} objects",
            s.stream, s.pages, s.objects
        );
        let _ = std::io::stderr().flush();
    }))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    eprintln!();
    println!();
    println!(
        "Keeper demo — profile {}, merchant {}",
        report.profile, report.merchant_id
    );
    println!(
        "  simulator generated the merchant in {} ms",
        report.generate_ms
    );
    println!(
        "  connected through OAuth (PKCE, loopback) in {} ms; tokens kept {}",
        report.connect_ms, report.token_storage
    );
    println!(
        "  imported {} months in {} ms into {}",
        opts.months, report.import_ms, report.db.path
    );
    println!();
    println!(
        "{:<14} {:>7} {:>9} {:>9} {:>9} {:>11} {:>9}",
        "stream", "pages", "objects", "new", "changed", "quarantined", "ms"
    );
    for s in &report.streams {
        println!(
            "{:<14} {:>7} {:>9} {:>9} {:>9} {:>11} {:>9}",
            s.stream,
            s.pages,
            s.objects,
            s.inserted,
            s.updated,
            s.quarantined,
            s.elapsed.as_millis()
        );
    }
    println!();
    println!(
        "a day later: synced in {} ms ({} objects changed)",
        report.sync_ms,
        report.sync.streams.values().map(|s| s.objects).sum::<i64>()
    );
    println!();
    println!("reviews ({} ms)", report.reviews_ms);
    println!("{}", report.reviews);
    println!();
    println!("insights ({} ms)", report.insights_ms);
    println!("{}", report.insights);
    println!();
    println!("search ({} ms)", report.search_ms);
    println!("{}", report.search);
    println!();
    println!(
        "held by the simulator (read in full): {}",
        report
            .simulator_totals
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!();
    println!("{:<28} {:>10}", "table", "rows");
    for c in &report.db.counts {
        println!("{:<28} {:>10}", c.table, c.rows);
    }
    Ok(())
}
