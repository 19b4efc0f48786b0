//! `keeper stats`: what the database holds per object type and how the latest import and
//! sync reconcile. `--json` prints exactly the count keys (customers, team_members,
//! locations, catalog_objects, payments, refunds, orders, bookings, loyalty_accounts,
//! loyalty_events, quarantined).

use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct StatsArgs {
    /// Print the counts as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: StatsArgs, db: Option<PathBuf>) -> anyhow::Result<()> {
    let db = keeper_api::db::resolve_db_path(db.as_deref())?;
    let stats = keeper_api::import::stats(&db)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&stats.counts)?);
        return Ok(());
    }
    let value = serde_json::to_value(&stats.counts)?;
    if let Some(map) = value.as_object() {
        for (k, v) in map {
            println!("{k:<18} {v:>9}");
        }
    }
    for run in [&stats.import, &stats.sync].into_iter().flatten() {
        println!(
            "\nlatest {} (run {}, {}): {} .. {}",
            run.kind, run.run_id, run.status, run.since, run.until
        );
        println!(
            "{:<18} {:>9} {:>9} {:>9} {:>9}",
            "stream", "windows", "reported", "stored", "match"
        );
        for (stream, t) in &run.streams {
            println!(
                "{:<18} {:>9} {:>9} {:>9} {:>9}",
                stream,
                format!("{}/{}", t.windows_done, t.windows),
                t.reported,
                t.stored,
                if t.reported == t.stored { "yes" } else { "NO" }
            );
        }
        for w in &run.open_windows {
            println!("  not done: {w}");
        }
    }
    Ok(())
}
