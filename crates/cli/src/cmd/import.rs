//! `keeper import`: the historical import with a given token (nothing about the token is
//! stored), with a progress bar per stream. A run interrupted in any way is resumed by
//! running the command again.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use keeper_api::import::SquareAccess;
use keeper_import::{Progress, RunReport};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Args)]
pub struct ImportArgs {
    /// Square API base URL (default: Square production), e.g. the simulator's.
    #[arg(long)]
    base_url: Option<String>,
    /// Access token for this run (not stored).
    #[arg(long, env = "KEEPER_ACCESS_TOKEN", hide_env_values = true)]
    access_token: String,
    /// Months of history to import.
    #[arg(long, default_value_t = 12)]
    months: u32,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// The present (RFC 3339), for tests against a simulator with its own clock.
    #[arg(long, hide = true)]
    now: Option<DateTime<Utc>>,
}

/// Progress bars per stream (drawn only on a terminal).
pub struct Bars {
    multi: MultiProgress,
    bars: HashMap<&'static str, ProgressBar>,
}

impl Bars {
    pub fn new(visible: bool) -> Bars {
        let target = if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Bars {
            multi: MultiProgress::with_draw_target(target),
            bars: HashMap::new(),
        }
    }

    pub fn update(&mut self, p: &Progress) {
        let multi = &self.multi;
        let bar = self.bars.entry(p.stream).or_insert_with(|| {
            let bar = multi.add(ProgressBar::new(p.windows_total as u64));
            bar.set_style(
                ProgressStyle::with_template("{prefix:>16} [{bar:30}] {pos}/{len} windows {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_prefix(p.stream);
            bar
        });
        bar.set_length(p.windows_total as u64);
        bar.set_position(p.windows_done as u64);
        let eta = p
            .eta_secs
            .map(|s| format!(", ETA {s:.0}s"))
            .unwrap_or_default();
        bar.set_message(format!("{} pages, {} objects{eta}", p.pages, p.objects));
        if p.done {
            bar.finish();
        }
    }
}

pub fn print_report(report: &RunReport) {
    println!(
        "{} run {}{} — {} requests in {:.1} s",
        report.kind.as_str(),
        report.run_id,
        if report.resumed { " (resumed)" } else { "" },
        report.requests,
        report.elapsed_ms as f64 / 1000.0
    );
    println!(
        "{:<18} {:>8} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "stream", "windows", "pages", "objects", "inserted", "updated", "reported", "stored"
    );
    for (stream, t) in &report.streams {
        println!(
            "{:<18} {:>8} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9}",
            stream,
            format!("{}/{}", t.windows_done, t.windows),
            t.pages,
            t.objects,
            t.inserted,
            t.updated,
            t.reported,
            t.stored
        );
    }
    let r = &report.reconciliation;
    println!(
        "reconciliation: {}/{} windows match ({:.1} %)",
        r.matched,
        r.windows,
        r.percent()
    );
    for m in &r.mismatches {
        println!(
            "  {} {}: Square reported {}, stored {}",
            m.stream, m.window, m.reported, m.stored
        );
    }
    for s in &report.using_stored {
        println!("using stored data for {s}");
    }
    for n in &report.notes {
        println!("{n}");
    }
}

pub fn run(args: ImportArgs, db: Option<PathBuf>) -> anyhow::Result<()> {
    let db = keeper_api::db::resolve_db_path(db.as_deref())?;
    let access = SquareAccess {
        base_url: args.base_url,
        access_token: args.access_token,
    };
    let now = args.now.unwrap_or_else(Utc::now);
    let mut bars = Bars::new(!args.json && std::io::stderr().is_terminal());
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime
        .block_on(keeper_api::import::import(
            &access,
            &db,
            args.months,
            now,
            &mut |p| bars.update(p),
        ))
        .context("import failed")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(())
}
