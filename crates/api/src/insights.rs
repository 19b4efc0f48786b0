//! Insights: recomputing analysis, the daily task list and its state changes, and the
//! chart-ready figures (customer metrics, staff metrics, business summary) the Insights
//! screen and `keeper tasks` show. Every function takes `now` from the caller.
//!
//! Every recompute here is followed by [`task_context::fill`]: the best-ranked open tasks
//! get the context search retrieves for their type (analysis itself never calls search).

use crate::task_context::{self, FILL_LIMIT};
use crate::{ApiError, Result};
use chrono::{DateTime, Utc};
use keeper_analysis::tasks::store::{self as task_store, Action};
use keeper_analysis::tasks::{HistoryEntry, TaskView};
use keeper_analysis::views::{self, BusinessSummaryView, CustomerMetricsView, StaffMetricsView};
use keeper_analysis::{InsightsSummary, RecomputeReport, Refit, RefitPolicy};
use keeper_store::Store;
use serde::Serialize;
use std::path::Path;

impl From<keeper_analysis::Error> for ApiError {
    fn from(e: keeper_analysis::Error) -> Self {
        ApiError {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}

/// Recomputes every metric and today's tasks from the database as of `now`.
pub fn recompute(db: &Path, now: DateTime<Utc>) -> Result<RecomputeReport> {
    let mut store = Store::open(db)?;
    recompute_store(&mut store, now)
}

/// Recomputes on an open store (incrementally: the stored model parameters are reused
/// unless stale, and only changed metric rows are written), then retrieves the context of
/// the best open tasks.
pub fn recompute_store(store: &mut Store, now: DateTime<Utc>) -> Result<RecomputeReport> {
    let refit = Refit::IfStale(RefitPolicy::default());
    let report = keeper_analysis::recompute_with(store, now, &refit)?;
    task_context::fill(store.conn(), now, FILL_LIMIT)?;
    Ok(report)
}

/// The demo stage: recompute, then the figures and the `top_n` best tasks with their context.
pub fn run_stage(store: &mut Store, now: DateTime<Utc>, top_n: usize) -> Result<InsightsSummary> {
    let report = recompute_store(store, now)?;
    let top_tasks = task_store::list_open(store.conn(), now, top_n)?;
    Ok(InsightsSummary { report, top_tasks })
}

/// The task list and when it was computed.
#[derive(Debug, Clone, Serialize)]
pub struct TaskList {
    pub computed_at: Option<String>,
    /// True when this call ran the analysis (no run yet today).
    pub recomputed: bool,
    pub tasks: Vec<TaskView>,
}

/// Today's tasks, best first. The list is generated daily: when no analysis ran yet on
/// `now`'s UTC date (or `refresh` is set), it is recomputed first.
pub fn tasks(db: &Path, now: DateTime<Utc>, limit: usize, refresh: bool) -> Result<TaskList> {
    let mut store = Store::open(db)?;
    let stale = stale(store.conn(), now)?;
    if refresh || stale {
        recompute_store(&mut store, now)?;
    }
    // The tasks below the best FILL_LIMIT get their context when first listed.
    task_context::fill(store.conn(), now, limit)?;
    Ok(TaskList {
        computed_at: keeper_analysis::recompute::last_run_at(store.conn())?,
        recomputed: refresh || stale,
        tasks: task_store::list_open(store.conn(), now, limit)?,
    })
}

/// True when no analysis ran yet on `now`'s UTC date (today's list is not generated yet).
pub fn stale(conn: &rusqlite::Connection, now: DateTime<Utc>) -> Result<bool> {
    let last = keeper_analysis::recompute::last_run_at(conn)?;
    let today = now.format("%Y-%m-%d").to_string();
    Ok(last.as_deref().is_none_or(|l| !l.starts_with(&today)))
}

/// The owner's change to a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskChange {
    Done,
    Dismiss,
    Snooze { until: DateTime<Utc> },
    Unsnooze,
}

/// Applies `change` to task `id` at `now` and returns the task as it now stands.
pub fn change_task(db: &Path, id: i64, change: TaskChange, now: DateTime<Utc>) -> Result<TaskView> {
    change_task_on(Store::open(db)?.conn(), id, change, now)
}

/// [`change_task`] on an open connection.
pub fn change_task_on(
    conn: &rusqlite::Connection,
    id: i64,
    change: TaskChange,
    now: DateTime<Utc>,
) -> Result<TaskView> {
    let action = match change {
        TaskChange::Done => Action::Done,
        TaskChange::Dismiss => Action::Dismiss,
        TaskChange::Snooze { until } => Action::Snooze(until),
        TaskChange::Unsnooze => Action::Unsnooze,
    };
    Ok(task_store::apply(conn, id, action, now)?)
}

/// A task's state changes, oldest first.
pub fn task_history(db: &Path, id: i64) -> Result<Vec<HistoryEntry>> {
    let store = Store::open(db)?;
    task_store::get(store.conn(), id)?;
    Ok(task_store::history_of(store.conn(), id)?)
}

/// One customer's stored metrics (`None` without a visit or before the first run).
pub fn customer_metrics(db: &Path, customer_id: &str) -> Result<Option<CustomerMetricsView>> {
    let store = Store::open(db)?;
    Ok(views::customer_metrics(store.conn(), customer_id)?)
}

/// Every team member's stored figures, highest 12-month revenue first.
pub fn staff_metrics(db: &Path) -> Result<Vec<StaffMetricsView>> {
    let store = Store::open(db)?;
    Ok(views::staff_metrics(store.conn())?)
}

/// The last run's business summary (`None` before the first run).
pub fn business_summary(db: &Path) -> Result<Option<BusinessSummaryView>> {
    let store = Store::open(db)?;
    Ok(views::business_summary(store.conn())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-06-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn an_empty_database_has_no_tasks_and_an_empty_summary() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.sqlite3");
        let list = tasks(&db, now(), 10, false).unwrap();
        assert!(list.recomputed, "the first call of the day computes");
        assert!(list.tasks.is_empty());
        let summary = business_summary(&db).unwrap().unwrap();
        assert_eq!(summary.summary.customers.with_visits, 0);
        assert!(staff_metrics(&db).unwrap().is_empty());
        assert!(customer_metrics(&db, "nobody").unwrap().is_none());
        let again = tasks(&db, now(), 10, false).unwrap();
        assert!(!again.recomputed, "later calls the same day reuse the run");
    }

    #[test]
    fn changing_a_missing_task_reports_its_code() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.sqlite3");
        let err = change_task(&db, 42, TaskChange::Done, now()).unwrap_err();
        assert_eq!(err.code, "task_not_found");
    }
}
