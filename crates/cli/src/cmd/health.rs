//! `keeper health`: Square API health per endpoint family, the pipeline's figures, a score
//! and recommendations, read from the database (`--json` for the same report as JSON with
//! snake_case keys).

use chrono::Utc;
use clap::Args;
use keeper_api::health::{HealthReport, health_at_path};
use std::path::PathBuf;

#[derive(Args)]
pub struct HealthArgs {
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: HealthArgs, db: Option<PathBuf>) -> anyhow::Result<()> {
    let path = keeper_api::db::resolve_db_path(db.as_deref())?;
    let report = health_at_path(&path, Utc::now());
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render(&report));
    }
    Ok(())
}

fn opt(v: Option<f64>, scale: f64, unit: &str) -> String {
    v.map_or("-".to_owned(), |v| format!("{:.0}{unit}", v * scale))
}

/// The report as text for a terminal.
fn render(r: &HealthReport) -> String {
    let mut out = format!(
        "Health: {}/100 ({})\n",
        r.score,
        serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    );
    if r.recommendations.is_empty() {
        out.push_str("  nothing to do\n");
    }
    for rec in &r.recommendations {
        out.push_str(&format!("  - {}\n", rec.message));
    }
    if !r.families.is_empty() {
        out.push_str(&format!(
            "\nSquare API (last {} minutes)\n  {:<20} {:>6} {:>8} {:>5} {:>8} {:>8} {:>9} {:>6}  {}\n",
            r.window_minutes, "family", "calls", "success", "429", "mean", "p95", "circuit", "wait", "last failure"
        ));
    }
    for (name, f) in &r.families {
        out.push_str(&format!(
            "  {:<20} {:>6} {:>8} {:>5} {:>8} {:>8} {:>9} {:>5.0}s  {}\n",
            name,
            f.requests,
            opt(f.success_rate, 100.0, "%"),
            f.rate_limit_hits,
            opt(f.mean_latency_ms, 1.0, "ms"),
            opt(f.p95_latency_ms, 1.0, "ms"),
            f.circuit_state.as_str(),
            f.backoff_seconds,
            f.last_failure
                .as_ref()
                .map_or(String::new(), |l| format!("{} at {}", l.code, l.at)),
        ));
    }
    let p = &r.pipeline;
    out.push_str(&format!(
        "\nPipeline\n  store: {} ({:.1} MB)\n  retry queue: {}\n  quarantined records: {}\n  \
         embedding backlog: {}\n  reconciliation mismatches: {}\n",
        if p.store_reachable {
            "reachable"
        } else {
            "unreachable"
        },
        p.store_size_bytes as f64 / 1e6,
        p.queue_depth,
        p.quarantined_records,
        p.embedding_backlog
            .map_or("not available".to_owned(), |n| n.to_string()),
        p.reconciliation_mismatches
            .map_or("not available".to_owned(), |n| n.to_string()),
    ));
    for s in &p.last_sync {
        out.push_str(&format!(
            "  last sync {:<16} {}\n",
            s.stream, s.last_sync_at
        ));
    }
    out
}
