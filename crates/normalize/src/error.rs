//! The normalizer's typed error, with a stable code the UI can switch on. Validation
//! failures are not errors: they go to the quarantine and come back in the `Outcome`.

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0:?} is not a Square object type Keeper normalizes")]
    UnknownObjectType(String),
    #[error("cannot serialize {object_type} {square_id} for the quarantine: {source}")]
    Serialize {
        object_type: String,
        square_id: String,
        #[source]
        source: serde_json::Error,
    },
    #[error(transparent)]
    Store(#[from] keeper_store::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl Error {
    /// A stable, machine-readable code (snake_case) for the UI and `--json` output.
    pub fn code(&self) -> &'static str {
        match self {
            Error::UnknownObjectType(_) => "normalize_unknown_object_type",
            Error::Serialize { .. } => "normalize_serialize_failed",
            Error::Store(e) => e.code(),
            Error::Sqlite(_) => "db_error",
        }
    }
}
