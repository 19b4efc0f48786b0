//! `keeper search "QUERY"`: refresh the customer context documents, embed the changed ones
//! (progress on stderr), then run the hybrid search and print the matches. Without the model
//! it searches keywords only and says why. `--context ID --task churn|upsell|reactivation`
//! prints the context a task about one customer gets instead.

use anyhow::Context as _;
use chrono::Utc;
use clap::Args;
use keeper_api::search::{SearchService, task_context};
use keeper_search::search::SearchFilters;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

#[derive(Args)]
pub struct SearchArgs {
    /// What to look for, in plain words ("regulars who always add Olaplex").
    #[arg(required_unless_present = "context")]
    query: Option<String>,
    /// Number of results.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Only lapsed customers.
    #[arg(long)]
    lapsed: bool,
    /// Only customers who bought this service (substring, any case).
    #[arg(long)]
    service: Option<String>,
    /// Only customers served by this staff member (substring, any case).
    #[arg(long)]
    staff: Option<String>,
    /// Minimum lifetime value, in whole currency units.
    #[arg(long)]
    min_value: Option<f64>,
    /// Model directory (default: $KEEPER_MODEL_DIR or ~/.cache/keeper/model).
    #[arg(long, env = "KEEPER_MODEL_DIR")]
    model_dir: Option<PathBuf>,
    /// Search what is indexed without refreshing or embedding first.
    #[arg(long)]
    no_embed: bool,
    /// Print the task context of this customer id instead of searching.
    #[arg(long)]
    context: Option<String>,
    /// Task type for --context: churn, upsell or reactivation.
    #[arg(long, default_value = "churn")]
    task: String,
}

pub fn run(args: SearchArgs, db: Option<PathBuf>) -> anyhow::Result<()> {
    let path = keeper_api::db::resolve_db_path(db.as_deref())?;
    let now = Utc::now();
    if let Some(customer) = &args.context {
        let ctx = task_context(&path, customer, &args.task, now)
            .map_err(|e| anyhow::anyhow!("{} ({})", e.message, e.code))?;
        println!("{}", serde_json::to_string_pretty(&ctx)?);
        return Ok(());
    }
    let query = args.query.clone().unwrap_or_default();
    let mut service = SearchService::new(args.model_dir.as_deref());
    if !args.no_embed {
        let mut last_shown = 0usize;
        let report = service
            .refresh_and_embed(
                &path,
                now,
                &mut |p| {
                    if p.total > 0 && (p.done == p.total || p.done >= last_shown + 256) {
                        last_shown = p.done;
                        eprint!("\rembedding {}/{} documents", p.done, p.total);
                        if p.done == p.total {
                            eprintln!();
                        }
                    }
                },
                &AtomicBool::new(false),
            )
            .map_err(|e| anyhow::anyhow!("{} ({})", e.message, e.code))
            .context("refreshing the search index")?;
        if report.embedded > 0 {
            eprintln!(
                "embedded {} documents in {:.1} s ({:.1} docs/s)",
                report.embedded,
                report.elapsed_ms as f64 / 1000.0,
                report.docs_per_second
            );
        }
    }
    let filters = SearchFilters {
        lapsed: args.lapsed.then_some(true),
        service: args.service.clone(),
        staff: args.staff.clone(),
        min_value: args.min_value.map(|v| (v * 100.0).round() as i64),
    };
    let results = service
        .search(&path, &query, args.limit, &filters, now)
        .map_err(|e| anyhow::anyhow!("{} ({})", e.message, e.code))?;
    let mut out = String::new();
    if args.json {
        out = serde_json::to_string_pretty(&results)? + "\n";
    } else {
        if let Some(reason) = &results.semantic_off_reason {
            out.push_str(&format!(
                "semantic search is off: {reason}\nshowing keyword matches only\n\n"
            ));
        }
        if results.hits.is_empty() {
            out.push_str("no matching customers\n");
        }
        for (i, h) in results.hits.iter().enumerate() {
            let excerpt: String = h.excerpt.chars().take(120).collect();
            out.push_str(&format!(
                "{:>2}. {:<28} {:<22} {excerpt}\n",
                i + 1,
                h.display_name,
                h.customer_id
            ));
        }
    }
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
