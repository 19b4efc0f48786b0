//! `keeper tasks`: today's call list, best first (computed once a day, or with `--refresh`),
//! and the owner's changes: `keeper tasks done|dismiss|unsnooze ID`,
//! `keeper tasks snooze ID [--days N | --until DATE]`, `keeper tasks history ID`.

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use clap::{Args, Subcommand};
use keeper_api::insights::{self, TaskChange};
use std::path::PathBuf;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TasksArgs {
    #[command(subcommand)]
    action: Option<TaskAction>,
    /// How many tasks to show.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Print JSON instead of a list.
    #[arg(long)]
    json: bool,
    /// Recompute metrics and tasks even if today's run exists.
    #[arg(long)]
    refresh: bool,
    /// Treat this instant (RFC 3339) as now (default: the clock).
    #[arg(long, global = true)]
    now: Option<DateTime<Utc>>,
}

#[derive(Subcommand)]
enum TaskAction {
    /// Mark a task done.
    Done { id: i64 },
    /// Dismiss a task (it is not raised again for the same situation).
    Dismiss { id: i64 },
    /// Hide a task until a later day.
    Snooze {
        id: i64,
        /// Days to hide it for.
        #[arg(long, conflicts_with = "until")]
        days: Option<i64>,
        /// Hide it until this day (YYYY-MM-DD, start of day UTC).
        #[arg(long)]
        until: Option<NaiveDate>,
    },
    /// Bring a snoozed task back now.
    Unsnooze { id: i64 },
    /// Show a task's state changes.
    History { id: i64 },
}

pub fn run(args: TasksArgs, db: Option<PathBuf>) -> anyhow::Result<()> {
    let path = keeper_api::db::resolve_db_path(db.as_deref())?;
    let now = args.now.unwrap_or_else(Utc::now);
    let change = match args.action {
        None => return list(&path, now, args.limit, args.json, args.refresh),
        Some(TaskAction::History { id }) => {
            let history = insights::task_history(&path, id)?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&history)?);
            } else {
                for h in history {
                    println!(
                        "{}  {:>9} → {:<9} by {}{}",
                        h.at,
                        h.from_state.map_or("", |s| s.as_str()),
                        h.to_state.as_str(),
                        h.actor,
                        h.note.map(|n| format!(" ({n})")).unwrap_or_default()
                    );
                }
            }
            return Ok(());
        }
        Some(TaskAction::Done { id }) => (id, TaskChange::Done),
        Some(TaskAction::Dismiss { id }) => (id, TaskChange::Dismiss),
        Some(TaskAction::Unsnooze { id }) => (id, TaskChange::Unsnooze),
        Some(TaskAction::Snooze { id, days, until }) => {
            let until = match until {
                Some(day) => day.and_hms_opt(0, 0, 0).context("invalid day")?.and_utc(),
                None => now + Duration::days(days.unwrap_or(7)),
            };
            (id, TaskChange::Snooze { until })
        }
    };
    let task = insights::change_task(&path, change.0, change.1, now)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&task)?);
    } else {
        println!(
            "task {} is now {}{}",
            task.id,
            task.state.as_str(),
            task.snoozed_until
                .map(|u| format!(" until {u}"))
                .unwrap_or_default()
        );
    }
    Ok(())
}

fn list(
    path: &std::path::Path,
    now: DateTime<Utc>,
    limit: usize,
    json: bool,
    refresh: bool,
) -> anyhow::Result<()> {
    let list = insights::tasks(path, now, limit, refresh)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    if list.tasks.is_empty() {
        println!("No open tasks.");
        return Ok(());
    }
    for t in &list.tasks {
        let value = t.value_at_stake as f64 / 100.0;
        println!(
            "#{:<5} {:<17} {:>9}  {}",
            t.id,
            t.task_type.as_str(),
            format!(
                "{value:.0}{}",
                t.currency
                    .as_deref()
                    .map(|c| format!(" {c}"))
                    .unwrap_or_default()
            ),
            t.reason
        );
    }
    if let Some(at) = list.computed_at {
        println!("\n(computed {at}; `keeper tasks done|snooze|dismiss ID` to update)");
    }
    Ok(())
}
