//! The search crate's error type, with a stable `code()` the UI can switch on.

use std::path::PathBuf;

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the embedding model directory {0} does not exist (run scripts/provision-model.sh)")]
    ModelDirMissing(PathBuf),
    #[error("model file {path} is missing (run scripts/provision-model.sh)")]
    ModelFileMissing { path: PathBuf },
    #[error("cannot read {path}: {source}")]
    ReadFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the ONNX Runtime library {0} does not exist (run scripts/provision-model.sh)")]
    RuntimeMissing(PathBuf),
    #[error("ONNX Runtime could not be loaded from {path}: {message}")]
    RuntimeLoad { path: PathBuf, message: String },
    #[error(
        "ONNX Runtime is already loaded from {loaded} in this process; cannot switch to {requested}"
    )]
    RuntimeConflict { loaded: PathBuf, requested: PathBuf },
    #[error("the embedding model could not be initialised: {0}")]
    ModelInit(String),
    #[error("embedding failed: {0}")]
    Embed(String),
    #[error("embedding was cancelled after {embedded} documents")]
    Cancelled { embedded: usize },
    #[error("customer {0} was not found")]
    CustomerNotFound(String),
    #[error("unknown task type {0:?} (expected churn, upsell or reactivation)")]
    UnknownTask(String),
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
}

impl SearchError {
    /// A stable snake_case code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            SearchError::ModelDirMissing(_) => "model_dir_missing",
            SearchError::ModelFileMissing { .. } => "model_file_missing",
            SearchError::ReadFile { .. } => "model_file_unreadable",
            SearchError::RuntimeMissing(_) => "onnxruntime_missing",
            SearchError::RuntimeLoad { .. } => "onnxruntime_load_failed",
            SearchError::RuntimeConflict { .. } => "onnxruntime_conflict",
            SearchError::ModelInit(_) => "model_init_failed",
            SearchError::Embed(_) => "embed_failed",
            SearchError::Cancelled { .. } => "cancelled",
            SearchError::CustomerNotFound(_) => "customer_not_found",
            SearchError::UnknownTask(_) => "unknown_task",
            SearchError::Sql(_) => "database_error",
        }
    }
}
