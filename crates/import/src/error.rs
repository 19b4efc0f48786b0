//! The import's typed error.

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("reading {stream} from Square failed: {source}")]
    Square {
        stream: &'static str,
        #[source]
        source: keeper_square::client::ClientError,
    },
    #[error("storing {stream} failed: {source}")]
    Store {
        stream: &'static str,
        #[source]
        source: keeper_store::Error,
    },
    #[error("normalizing {stream} failed: {source}")]
    Normalize {
        stream: &'static str,
        #[source]
        source: keeper_normalize::Error,
    },
    #[error("a {stream} object has no id")]
    MissingId { stream: &'static str },
    #[error("the import plan is inconsistent: {detail}")]
    Plan { detail: String },
    #[error(
        "{} window(s) could not be read and will be retried by the next run: {}",
        windows.len(),
        windows.join("; ")
    )]
    WindowsFailed { windows: Vec<String> },
}

impl Error {
    /// A stable code for the UI and `--json` output.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Square { source, .. } => source.code(),
            Error::Store { source, .. } => source.code(),
            Error::Normalize { source, .. } => source.code(),
            Error::MissingId { .. } => "object_without_id",
            Error::Plan { .. } => "import_plan_invalid",
            Error::WindowsFailed { .. } => "import_windows_failed",
        }
    }

    /// Whether the endpoint family's circuit breaker refused the request.
    pub fn is_circuit_open(&self) -> bool {
        matches!(
            self,
            Error::Square {
                source: keeper_square::client::ClientError::CircuitOpen { .. },
                ..
            }
        )
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Store {
            stream: "state",
            source: e.into(),
        }
    }
}
