//! Errors of the store-backed analysis (metrics, tasks). Model errors stay in
//! [`crate::clv::ModelError`]: a thin history is an outcome recorded in the results, not
//! an error here.

/// What can go wrong computing or persisting analysis results, or changing a task.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("could not derive visits: {0}")]
    Visits(#[from] keeper_normalize::Error),
    #[error("could not encode analysis results as JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("no task with id {0}")]
    TaskNotFound(i64),
    #[error("task {id} is {state}: it cannot be {action}")]
    InvalidTransition {
        id: i64,
        state: String,
        action: &'static str,
    },
    #[error("a snooze must end after now (asked until {until})")]
    SnoozeInPast { until: String },
}

impl Error {
    /// Stable snake_case code the UI can switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Sql(_) => "analysis_db_error",
            Error::Visits(e) => e.code(),
            Error::Json(_) => "analysis_json_error",
            Error::TaskNotFound(_) => "task_not_found",
            Error::InvalidTransition { .. } => "task_invalid_transition",
            Error::SnoozeInPast { .. } => "task_snooze_in_past",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
