//! Errors of the simulator as a library (starting, configuring): not the HTTP error
//! bodies it serves, which live in `errors.rs`.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum SimError {
    #[error("unknown profile `{0}` (expected small, salon or large)")]
    BadProfile(String),
    #[error("the simulator binds loopback only; `{0}` is not a loopback address")]
    NotLoopback(String),
    #[error("invalid address `{0}`")]
    BadAddress(String),
    #[error("invalid fault spec: {0}")]
    BadFaults(String),
    #[error("invalid timestamp `{0}` (expected RFC 3339)")]
    BadTime(String),
    #[error("could not bind {addr}: {source}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
}

impl SimError {
    /// A stable snake_case code for callers to switch on.
    pub fn code(&self) -> &'static str {
        match self {
            SimError::BadProfile(_) => "bad_profile",
            SimError::NotLoopback(_) => "not_loopback",
            SimError::BadAddress(_) => "bad_address",
            SimError::BadFaults(_) => "bad_faults",
            SimError::BadTime(_) => "bad_time",
            SimError::Bind { .. } => "bind_failed",
        }
    }
}

pub type Result<T> = std::result::Result<T, SimError>;
