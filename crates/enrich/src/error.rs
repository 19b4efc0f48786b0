//! The crate's error type: every failure a caller (UI, CLI) can see, each with a stable code.

use std::path::PathBuf;

/// Result alias used throughout the crate.
pub type Result<T, E = EnrichError> = std::result::Result<T, E>;

/// Errors raised while reading a spreadsheet or matching its rows.
#[derive(Debug, thiserror::Error)]
pub enum EnrichError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// File that failed.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The bytes are not a spreadsheet Keeper understands.
    #[error(
        "{path} is not a spreadsheet Keeper can read ({detail}); save it as CSV or XLSX and try again"
    )]
    NotASpreadsheet {
        /// File that failed.
        path: PathBuf,
        /// What gave it away.
        detail: String,
    },
    /// The workbook is encrypted with a password.
    #[error(
        "{path} is password-protected; open it in your spreadsheet app, remove the password, save, and try again"
    )]
    PasswordProtected {
        /// File that failed.
        path: PathBuf,
    },
    /// The file has no rows (or only a header).
    #[error("{path} has no data rows")]
    Empty {
        /// File that failed.
        path: PathBuf,
    },
    /// No column could be recognised as a name, phone, email or customer id.
    #[error(
        "no usable column found: Keeper needs at least a name, phone, email or customer id column (columns seen: {headers})"
    )]
    NoUsableColumn {
        /// The headers that were found, joined for display.
        headers: String,
    },
    /// The archive expands to far more than its size suggests.
    #[error("{path} looks like a zip bomb: {detail}")]
    ZipBomb {
        /// File that failed.
        path: PathBuf,
        /// Which limit was exceeded.
        detail: String,
    },
    /// The named sheet does not exist.
    #[error("{path} has no sheet named {sheet:?} (sheets: {available})")]
    SheetNotFound {
        /// File that failed.
        path: PathBuf,
        /// Sheet asked for.
        sheet: String,
        /// Sheets present, joined for display.
        available: String,
    },
    /// A spreadsheet that opened but failed while being read.
    #[error("{path} could not be read: {detail}")]
    Corrupt {
        /// File that failed.
        path: PathBuf,
        /// Reader's message.
        detail: String,
    },
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    /// No upload with this id.
    #[error("there is no upload {id}")]
    UploadNotFound {
        /// Upload asked for.
        id: i64,
    },
    /// No match with this id.
    #[error("there is no match {id}")]
    MatchNotFound {
        /// Match asked for.
        id: i64,
    },
    /// The upload was undone; its matches can no longer change.
    #[error("upload {id} was undone")]
    UploadUndone {
        /// Upload concerned.
        id: i64,
    },
    /// The match is not in a state that allows the action.
    #[error("match {id} is {state}; cannot {action} it")]
    MatchState {
        /// Match concerned.
        id: i64,
        /// Its current state.
        state: String,
        /// What was asked.
        action: &'static str,
    },
    /// The customer is not one of the match's alternatives.
    #[error("customer {customer_id} is not an alternative of match {id}")]
    AlternativeNotFound {
        /// Match concerned.
        id: i64,
        /// Customer asked for.
        customer_id: String,
    },
    /// Thresholds out of order or outside 0..1.
    #[error("thresholds must satisfy 0 <= review ({review}) <= accept ({accept}) <= 1")]
    BadThresholds {
        /// Accept threshold given.
        accept: f64,
        /// Review threshold given.
        review: f64,
    },
    /// A column override names a column that is not in the file.
    #[error("column override refers to column {column:?}, which is not in the file")]
    UnknownColumn {
        /// The column the caller named.
        column: String,
    },
}

impl EnrichError {
    /// Stable snake_case code the UI can switch on.
    pub fn code(&self) -> &'static str {
        match self {
            EnrichError::Io { .. } => "io",
            EnrichError::NotASpreadsheet { .. } => "not_a_spreadsheet",
            EnrichError::PasswordProtected { .. } => "password_protected",
            EnrichError::Empty { .. } => "empty_file",
            EnrichError::NoUsableColumn { .. } => "no_usable_column",
            EnrichError::ZipBomb { .. } => "zip_bomb",
            EnrichError::SheetNotFound { .. } => "sheet_not_found",
            EnrichError::Corrupt { .. } => "corrupt_file",
            EnrichError::UnknownColumn { .. } => "unknown_column",
            EnrichError::Db(_) => "db",
            EnrichError::UploadNotFound { .. } => "upload_not_found",
            EnrichError::MatchNotFound { .. } => "match_not_found",
            EnrichError::UploadUndone { .. } => "upload_undone",
            EnrichError::MatchState { .. } => "invalid_match_state",
            EnrichError::BadThresholds { .. } => "bad_thresholds",
            EnrichError::AlternativeNotFound { .. } => "alternative_not_found",
        }
    }
}
