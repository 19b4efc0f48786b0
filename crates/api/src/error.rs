//! The error every API call returns: a stable `code` the UI switches on and a message for
//! people. It serializes to `{"code": "...", "message": "..."}` across the IPC boundary.

use serde::Serialize;

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl From<keeper_store::Error> for ApiError {
    fn from(e: keeper_store::Error) -> Self {
        ApiError {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}
