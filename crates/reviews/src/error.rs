//! Errors of the reviews crate, each with a stable snake_case [`ReviewsError::code`].

/// What went wrong while fetching, importing, analysing or storing reviews.
#[derive(Debug, thiserror::Error)]
pub enum ReviewsError {
    /// The source could not be reached (connection refused, time-out…).
    #[error("{source_name}: could not reach the API: {detail}")]
    Network {
        source_name: &'static str,
        detail: String,
    },
    /// The source refused the credentials (HTTP 401/403).
    #[error("{source_name}: the credentials were refused ({status}): {detail}")]
    Unauthorized {
        source_name: &'static str,
        status: u16,
        detail: String,
    },
    /// Any other error status from the source.
    #[error("{source_name}: HTTP {status}: {detail}")]
    Api {
        source_name: &'static str,
        status: u16,
        detail: String,
    },
    /// The source answered with something that is not the documented JSON.
    #[error("{source_name}: unexpected response: {detail}")]
    BadResponse {
        source_name: &'static str,
        detail: String,
    },
    /// No credentials are stored for the source.
    #[error("{source_name} is not connected: {detail}")]
    NotConnected {
        source_name: &'static str,
        detail: String,
    },
    /// The OS keyring failed.
    #[error("the OS keyring failed: {detail}")]
    Keyring { detail: String },
    /// Google's sign-in failed.
    #[error("Google sign-in failed: {detail}")]
    OAuth { code: &'static str, detail: String },
    /// A file could not be read.
    #[error("cannot read {path}: {detail}")]
    File { path: String, detail: String },
    /// A file was read but is not a review export Keeper understands (nothing was written).
    #[error("{path} is not a review export Keeper can read: {detail} (nothing was imported)")]
    BadFile { path: String, detail: String },
    /// The local simulator could not start.
    #[error("the review simulator failed: {detail}")]
    Simulator { detail: String },
    /// The database failed.
    #[error("database: {0}")]
    Store(#[from] keeper_store::Error),
    /// A query failed.
    #[error("database query: {0}")]
    Sql(#[from] rusqlite::Error),
}

impl ReviewsError {
    /// Stable snake_case code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            ReviewsError::Network { .. } => "source_unreachable",
            ReviewsError::Unauthorized { .. } => "source_unauthorized",
            ReviewsError::Api { .. } => "source_error",
            ReviewsError::BadResponse { .. } => "source_bad_response",
            ReviewsError::NotConnected { .. } => "source_not_connected",
            ReviewsError::Keyring { .. } => "keyring_failed",
            ReviewsError::OAuth { code, .. } => code,
            ReviewsError::File { .. } => "file_unreadable",
            ReviewsError::BadFile { .. } => "bad_file",
            ReviewsError::Simulator { .. } => "simulator_failed",
            ReviewsError::Store(_) | ReviewsError::Sql(_) => "database",
        }
    }
}

pub type Result<T, E = ReviewsError> = std::result::Result<T, E>;
