//! The daily call list. [`generate`] turns the metrics into candidate tasks, each with the
//! value at stake and a plain-words reason; [`store`] reconciles them with the `tasks` table
//! (one live task per customer and type, owner decisions never undone, a history row per
//! change) and serves the list and the owner's state changes.
//!
//! **Context.** Analysis never calls search (it is a pure function of the store), so
//! `tasks.context` is filled from outside: keeper-api implements [`ContextSource`] over
//! keeper-search and calls [`store::fill_context`] after each recompute; the list then
//! carries the retrieved context with each task.

pub mod generate;
pub mod store;
pub mod words;

use serde::{Deserialize, Serialize};

/// The kinds of task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskType {
    /// A regular is late for their usual visit.
    ChurnPrevention,
    /// An active customer due soon who never takes a popular add-on for their service.
    Upsell,
    /// A former regular who has been away far longer than their rhythm.
    Reactivation,
    /// A new customer who has not come back or booked yet.
    SecondVisit,
    /// An unanswered low-rated or urgent review.
    ReviewFollowUp,
    /// A customer's birthday this week.
    Birthday,
}

impl TaskType {
    pub const ALL: [TaskType; 6] = [
        TaskType::ChurnPrevention,
        TaskType::Upsell,
        TaskType::Reactivation,
        TaskType::SecondVisit,
        TaskType::ReviewFollowUp,
        TaskType::Birthday,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskType::ChurnPrevention => "churn_prevention",
            TaskType::Upsell => "upsell",
            TaskType::Reactivation => "reactivation",
            TaskType::SecondVisit => "second_visit",
            TaskType::ReviewFollowUp => "review_follow_up",
            TaskType::Birthday => "birthday",
        }
    }

    pub fn parse(text: &str) -> Option<TaskType> {
        TaskType::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// A task's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    Open,
    Done,
    Snoozed,
    Dismissed,
}

impl TaskState {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Open => "open",
            TaskState::Done => "done",
            TaskState::Snoozed => "snoozed",
            TaskState::Dismissed => "dismissed",
        }
    }

    pub fn parse(text: &str) -> Option<TaskState> {
        [
            TaskState::Open,
            TaskState::Done,
            TaskState::Snoozed,
            TaskState::Dismissed,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// Open or snoozed: the task still stands.
    pub fn is_live(self) -> bool {
        matches!(self, TaskState::Open | TaskState::Snoozed)
    }
}

/// A task the daily run found, before it meets the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub customer_id: Option<String>,
    pub task_type: TaskType,
    /// The situation that triggered it (see migration 0004).
    pub episode: String,
    /// Minor units.
    pub value_at_stake: i64,
    /// 0 = urgent, 1 = normal.
    pub priority: u8,
    pub reason: String,
    pub details: serde_json::Value,
}

/// A task as the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskView {
    pub id: i64,
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub task_type: TaskType,
    pub state: TaskState,
    pub snoozed_until: Option<String>,
    pub value_at_stake: i64,
    pub currency: Option<String>,
    pub priority: u8,
    pub reason: String,
    pub details: serde_json::Value,
    /// Retrieved context for the task's type (filled by keeper-api after a recompute;
    /// `None` until then).
    pub context: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One state change of a task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry {
    pub at: String,
    pub from_state: Option<TaskState>,
    pub to_state: TaskState,
    pub actor: String,
    pub note: Option<String>,
}

/// Supplies the context a task's type calls for (past notes, reviews, messages). The search
/// work implements it; analysis only stores what it returns.
pub trait ContextSource {
    /// Context for one task, or `None` when nothing relevant was found.
    fn get_context_for_task(&self, task: &TaskView) -> Option<String>;
}
