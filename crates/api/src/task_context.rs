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
use rusqlite::{Connection, OptionalExtension};
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

/// The ids of the best `?2` tasks today's list shows, best first: `list_open`'s filter and
/// order (`?1` is [`list_time`]). Open tasks are read from the `tasks_state` index alone and
/// only ids are sorted, so thousands of open tasks with long contexts cost little.
pub const LISTED_IDS: &str = "
    SELECT id FROM (
        SELECT id, priority, value_at_stake FROM tasks WHERE state = 'open'
        UNION ALL
        SELECT id, priority, value_at_stake FROM tasks
         WHERE state = 'snoozed' AND snoozed_until <= ?1)
     ORDER BY priority, value_at_stake DESC, id LIMIT ?2";

/// The listed tasks' ids, best first.
pub fn listed_ids(conn: &Connection, now: DateTime<Utc>, limit: usize) -> crate::Result<Vec<i64>> {
    let db_err = |e: rusqlite::Error| crate::ApiError::from(keeper_store::Error::from(e));
    let mut stmt = conn.prepare_cached(LISTED_IDS).map_err(db_err)?;
    stmt.query_map(rusqlite::params![list_time(now), limit as i64], |r| {
        r.get(0)
    })
    .map_err(db_err)?
    .collect::<rusqlite::Result<Vec<i64>>>()
    .map_err(db_err)
}

/// `now` as the tasks table writes its times, for [`LISTED_FILTER`].
pub fn list_time(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Retrieves and stores the context of the best `limit` listed tasks that have none, the
/// way [`fill`] does, reading only those tasks' ids and types (a list whose tasks all have
/// their context costs one indexed query). Returns how many were filled.
pub fn fill_listed(conn: &Connection, now: DateTime<Utc>, limit: usize) -> crate::Result<usize> {
    let db_err = |e: rusqlite::Error| crate::ApiError::from(keeper_store::Error::from(e));
    let mut stmt = conn
        .prepare_cached(
            "SELECT customer_id, task_type FROM tasks
              WHERE id = ?1 AND context IS NULL AND customer_id IS NOT NULL",
        )
        .map_err(db_err)?;
    let mut missing: Vec<(i64, String, String)> = Vec::new();
    for id in listed_ids(conn, now, limit)? {
        if let Some((customer, task_type)) = stmt
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(db_err)?
        {
            missing.push((id, customer, task_type));
        }
    }
    let mut filled = 0;
    for (id, customer, task_type) in missing {
        let Some(task_type) = AnalysisTask::parse(&task_type) else {
            continue;
        };
        match get_context_for_task(conn, &customer, search_task(task_type), now) {
            Ok(ctx) => {
                conn.execute(
                    "UPDATE tasks SET context = ?2 WHERE id = ?1",
                    rusqlite::params![id, describe(task_type, &ctx)],
                )
                .map_err(db_err)?;
                filled += 1;
            }
            Err(e) => tracing::debug!(task = id, error = %e, "no context for task"),
        }
    }
    Ok(filled)
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

    #[test]
    fn listed_ids_are_the_analysis_list_in_its_order_with_ended_snoozes() {
        let store = keeper_store::Store::open_in_memory().unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO tasks (id, customer_id, task_type, episode, state, snoozed_until,
                                    value_at_stake, priority, reason, created_at, updated_at,
                                    last_seen_at) VALUES
                   (1, 'C1', 'upsell', 'e', 'open', NULL, 500, 1, 'r', 't', 't', 't'),
                   (2, 'C2', 'upsell', 'e', 'open', NULL, 900, 1, 'r', 't', 't', 't'),
                   (3, 'C3', 'birthday', 'e', 'open', NULL, 100, 0, 'r', 't', 't', 't'),
                   (4, 'C4', 'upsell', 'e', 'snoozed', '2026-11-01T00:00:00.000Z', 700, 1, 'r', 't', 't', 't'),
                   (5, 'C5', 'upsell', 'e', 'snoozed', '2027-01-01T00:00:00.000Z', 800, 1, 'r', 't', 't', 't'),
                   (6, 'C6', 'upsell', 'e', 'done', NULL, 999, 0, 'r', 't', 't', 't'),
                   (7, 'C7', 'upsell', 'e', 'open', NULL, 900, 1, 'r', 't', 't', 't');",
            )
            .unwrap();
        let now: DateTime<Utc> = "2026-11-29T12:00:00Z".parse().unwrap();
        let analysis: Vec<i64> = task_store::list_open(store.conn(), now, 10)
            .unwrap()
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(analysis, [3, 2, 7, 4, 1]);
        assert_eq!(listed_ids(store.conn(), now, 10).unwrap(), analysis);
        assert_eq!(listed_ids(store.conn(), now, 2).unwrap(), [3, 2]);
    }
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
