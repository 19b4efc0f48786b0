//! The context each task carries, retrieved through keeper-search: the adapter
//! ([`SearchContext`]) that implements analysis's [`ContextSource`] over
//! [`keeper_search::get_context_for_task`], and the plain words the Insights screen shows.
//!
//! Analysis stays a pure function of the store and never calls search; keeper-api asks for
//! the context right after each recompute ([`fill`]) for the best-ranked open tasks that
//! have none yet (a task whose situation moves to a new episode loses its old context and
//! is filled again).
//!
//! What each type gets:
//! - churn prevention: the usual rhythm, the days since the last visit and the recent visits;
//! - upsell: what similar customers buy that this one does not (similar = nearest stored
//!   vectors; without vectors, e.g. when semantic search is off, customers sharing the main
//!   service, and the context says so);
//! - reactivation: what they used to buy, their add-ons and who served them (and whether
//!   those staff have left);
//! - second visit, birthday, review follow-up: the recent visits.
//!
//! Every context ends with the customer's document (visits, spend, notes, reviews, what
//! spreadsheets added). Retrieval never fails a recompute: a task whose customer search
//! cannot describe gets no context and is asked again on the next run.

use chrono::{DateTime, Utc};
use keeper_analysis::tasks::store as task_store;
use keeper_analysis::tasks::{ContextSource, TaskType as AnalysisTask, TaskView};
use keeper_search::context::{Similarity, TaskContext, VisitSummary};
use keeper_search::facts::Count;
use keeper_search::{TaskType as SearchTask, get_context_for_task};
use rusqlite::Connection;
use std::cell::Cell;

/// Open tasks (best-ranked first) whose context one recompute retrieves at most; the rest
/// are filled by later runs, or when the list is read ([`crate::insights::tasks`]).
pub const FILL_LIMIT: usize = 200;

/// Search's context kind for a task type.
pub fn search_task(t: AnalysisTask) -> SearchTask {
    match t {
        AnalysisTask::Upsell => SearchTask::Upsell,
        AnalysisTask::Reactivation => SearchTask::Reactivation,
        AnalysisTask::ChurnPrevention
        | AnalysisTask::SecondVisit
        | AnalysisTask::ReviewFollowUp
        | AnalysisTask::Birthday => SearchTask::Churn,
    }
}

/// [`ContextSource`] over keeper-search on one connection, as of `now`.
pub struct SearchContext<'a> {
    conn: &'a Connection,
    now: DateTime<Utc>,
    failures: Cell<usize>,
}

impl<'a> SearchContext<'a> {
    pub fn new(conn: &'a Connection, now: DateTime<Utc>) -> Self {
        SearchContext {
            conn,
            now,
            failures: Cell::new(0),
        }
    }

    /// Tasks search could not describe (their customer is unknown to it, or it failed).
    pub fn failures(&self) -> usize {
        self.failures.get()
    }
}

impl ContextSource for SearchContext<'_> {
    fn get_context_for_task(&self, task: &TaskView) -> Option<String> {
        let customer = task.customer_id.as_deref()?;
        match get_context_for_task(self.conn, customer, search_task(task.task_type), self.now) {
            Ok(ctx) => Some(describe(task.task_type, &ctx)),
            Err(e) => {
                tracing::debug!(task = task.id, error = %e, "no context for task");
                self.failures.set(self.failures.get() + 1);
                None
            }
        }
    }
}

/// Retrieves and stores the context of the best-ranked open tasks that have none (at most
/// `limit`); returns how many were filled. Errors are the store's only.
pub fn fill(conn: &Connection, now: DateTime<Utc>, limit: usize) -> crate::Result<usize> {
    let source = SearchContext::new(conn, now);
    Ok(task_store::fill_context(conn, &source, now, limit)?)
}

fn day(rfc3339: &str) -> &str {
    rfc3339.get(..10).unwrap_or(rfc3339)
}

fn counts(list: &[Count], max: usize) -> String {
    list.iter()
        .take(max)
        .map(|c| format!("{} ×{}", c.name, c.count))
        .collect::<Vec<_>>()
        .join(", ")
}

fn visit_line(v: &VisitSummary) -> String {
    let mut what: Vec<&str> = v.services.iter().map(String::as_str).collect();
    what.extend(v.modifiers.iter().map(String::as_str));
    let mut line = day(&v.at).to_string();
    if !what.is_empty() {
        line.push_str(&format!(" {}", what.join(" + ")));
    }
    if let Some(staff) = &v.staff {
        line.push_str(&format!(" with {staff}"));
    }
    line
}

fn days(d: f64) -> String {
    let d = d.round() as i64;
    if d == 1 {
        "1 day".into()
    } else {
        format!("{d} days")
    }
}

/// The context in plain words: the part the task's type needs, then the document.
pub fn describe(task: AnalysisTask, ctx: &TaskContext) -> String {
    let mut lines: Vec<String> = Vec::new();
    if let Some(c) = &ctx.churn {
        let label = match task {
            AnalysisTask::ChurnPrevention => "Rhythm",
            _ => "Visits",
        };
        let rhythm = match (c.cadence_days, c.days_since_last_visit) {
            (Some(g), Some(s)) => Some(format!(
                "{label}: usually every {}; {} since the last visit.",
                days(g),
                days(s)
            )),
            (None, Some(s)) => Some(format!("{label}: one visit so far, {} ago.", days(s))),
            _ => None,
        };
        lines.extend(rhythm);
        if !c.recent_visits.is_empty() {
            let recent: Vec<String> = c.recent_visits.iter().map(visit_line).collect();
            lines.push(format!("Recent visits: {}.", recent.join("; ")));
        }
    }
    if let Some(u) = &ctx.upsell {
        let who = match u.similarity {
            Similarity::NearestVectors => format!(
                "the {} customers most like them (semantic search)",
                u.similar_customer_ids.len()
            ),
            Similarity::SharedMainService => format!(
                "{} customers sharing their main service (semantic search is off or has not \
                 read this customer yet, so similarity comes from their services)",
                u.similar_customer_ids.len()
            ),
        };
        if u.suggestions.is_empty() {
            lines.push(format!(
                "Similar customers: {who}; they buy no add-on this customer lacks."
            ));
        } else {
            let buys: Vec<String> = u
                .suggestions
                .iter()
                .map(|s| format!("{} ({:.0}%)", s.name, s.share_of_similar * 100.0))
                .collect();
            lines.push(format!(
                "Add-ons similar customers buy and this one does not: {}. Similar = {who}.",
                buys.join(", ")
            ));
        }
    }
    if let Some(r) = &ctx.reactivation {
        if let Some(last) = &r.last_visit {
            lines.push(format!("Last visit: {}.", day(last)));
        }
        if !r.used_to_buy.is_empty() {
            lines.push(format!("Used to buy: {}.", counts(&r.used_to_buy, 4)));
        }
        if !r.add_ons.is_empty() {
            lines.push(format!("Add-ons: {}.", counts(&r.add_ons, 3)));
        }
        if !r.served_by.is_empty() {
            lines.push(format!("Served by: {}.", counts(&r.served_by, 3)));
        }
        let left: Vec<&str> = r
            .served_by
            .iter()
            .filter(|c| r.departed_staff.contains(&c.name))
            .map(|c| c.name.as_str())
            .collect();
        if !left.is_empty() {
            lines.push(format!("No longer on the team: {}.", left.join(", ")));
        }
    }
    let doc = ctx.document.text.trim();
    if !doc.is_empty() {
        lines.push(format!("About them: {doc}"));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use keeper_import::ImportOptions;
    use keeper_sim::{Profile, SimConfig, Simulator, Ts};
    use keeper_square::client::{
        ClientConfig, Environment, SquareClient, StaticToken, SystemClock,
    };
    use keeper_store::Store;
    use std::sync::Arc;
    use std::time::Duration;

    const NOW_MS: i64 = 1_748_736_000_000; // 2025-06-01T00:00:00Z

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn after_a_recompute_open_tasks_carry_the_context_of_their_type() {
        let sim = Simulator::start(SimConfig::new(Profile::Salon, 5, Ts(NOW_MS)))
            .await
            .unwrap();
        let truth = sim.truth().clone();
        let client = SquareClient::new(
            ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 1),
            Arc::new(StaticToken::new(sim.access_token())),
            Arc::new(SystemClock::new()),
        )
        .unwrap();
        let now = DateTime::from_timestamp_millis(NOW_MS).unwrap();
        let mut opts = ImportOptions::last_months(now + chrono::Duration::seconds(1), 12);
        opts.since = DateTime::from_timestamp_millis(truth.history_start.0).unwrap()
            - chrono::Duration::days(1);
        opts.retry_pause = Duration::from_millis(50);
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.sqlite3");
        {
            let mut store = Store::open(&db).unwrap();
            keeper_import::import(&client, &mut store, &opts, &mut |_| {})
                .await
                .unwrap();
        }
        sim.shutdown().await;

        // No embeddings were computed: semantic search is off for this store.
        crate::insights::recompute(&db, now).unwrap();
        let store = Store::open(&db).unwrap();
        let tasks = task_store::list_open(store.conn(), now, FILL_LIMIT).unwrap();
        assert!(!tasks.is_empty());
        let mut seen = std::collections::HashSet::new();
        for t in &tasks {
            let Some(context) = t.context.as_deref() else {
                assert!(t.customer_id.is_none(), "task {} has no context", t.id);
                continue;
            };
            assert!(!context.trim().is_empty());
            assert!(context.contains("About them: "), "{context}");
            seen.insert(t.task_type);
            match t.task_type {
                AnalysisTask::ChurnPrevention => {
                    assert!(context.contains("Rhythm: usually every "), "{context}");
                    assert!(context.contains("Recent visits: "), "{context}");
                }
                AnalysisTask::Upsell => {
                    assert!(context.contains("similar"), "{context}");
                    assert!(
                        context.contains("semantic search is off"),
                        "without vectors the upsell says how it chose: {context}"
                    );
                }
                AnalysisTask::Reactivation => {
                    assert!(context.contains("Used to buy: "), "{context}");
                    assert!(context.contains("Served by: "), "{context}");
                }
                _ => {}
            }
        }
        for t in [
            AnalysisTask::ChurnPrevention,
            AnalysisTask::Upsell,
            AnalysisTask::Reactivation,
        ] {
            assert!(
                seen.contains(&t),
                "no {t:?} task with context among {seen:?}"
            );
        }
        let sample: Vec<String> = tasks
            .iter()
            .filter(|t| t.context.is_some())
            .take(3)
            .map(|t| {
                format!(
                    "[{}] {}\n{}",
                    t.task_type.as_str(),
                    t.reason,
                    t.context.as_deref().unwrap_or("")
                )
            })
            .collect();
        println!("{}", sample.join("\n\n"));
    }

    #[test]
    fn task_types_without_a_search_kind_read_the_recent_visits() {
        assert_eq!(search_task(AnalysisTask::Birthday), SearchTask::Churn);
        assert_eq!(search_task(AnalysisTask::Upsell), SearchTask::Upsell);
        assert_eq!(
            search_task(AnalysisTask::Reactivation),
            SearchTask::Reactivation
        );
    }
}
