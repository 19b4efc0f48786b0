//! `ClientError`: what a call through [`super::SquareClient`] can end with, beyond Square's
//! own classified [`crate::Error`]: an open circuit (sync falls back to stored data), a
//! connection that must be re-authorized, retries used up, low-priority work deferred to
//! the next run, and requests refused locally before any byte is sent.

use super::token::TokenError;
use crate::control::EndpointFamily;
use std::time::Duration;

/// Errors of the Square client. `code()` is a stable snake_case string for the UI.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Square answered with an error that retrying will not fix (or the only attempt
    /// allowed failed); see the inner error's class.
    #[error(transparent)]
    Square(crate::Error),
    /// Every attempt the request's priority allows failed in a retryable way.
    #[error("gave up after {attempts} attempts: {source}")]
    RetriesExhausted {
        attempts: u32,
        #[source]
        source: crate::Error,
    },
    /// Low-priority work failed in a retryable way; it waits for the next scheduled run.
    #[error("deferred to the next run ({family}): {source}")]
    Deferred {
        family: EndpointFamily,
        #[source]
        source: crate::Error,
    },
    /// The family's circuit breaker is open: use the stored data, say so, and try again at
    /// `retry_at` (a duration since the Unix epoch, as the client's clock reads it).
    #[error("Square's {family} endpoints are failing; using stored data until the next probe")]
    CircuitOpen {
        family: EndpointFamily,
        retry_at: Duration,
    },
    /// The authorization is gone (revoked, lapsed, refresh refused): the user must connect
    /// Square again.
    #[error("reconnect Square: {reason}")]
    ReconnectRequired { reason: String },
    /// Getting or refreshing the access token failed for another reason (the token store,
    /// or Square's token endpoint being unreachable).
    #[error(transparent)]
    Token(TokenError),
    /// ListBookings accepts windows of at most 31 days; refused before sending.
    #[error("a bookings window spans at most 31 days; this one spans {days:.1} days")]
    BookingsWindowTooLong { days: f64 },
    /// A request that Square would refuse, caught locally (e.g. 11 location ids).
    #[error("invalid request: {detail}")]
    InvalidRequest { detail: String },
    /// Square sent the same cursor twice in a row; paging stopped instead of looping.
    #[error("{operation} returned the same cursor twice; paging stopped")]
    CursorLoop { operation: &'static str },
}

impl ClientError {
    /// Stable snake_case code: the inner error's code for `Square`, otherwise
    /// `retries_exhausted`, `deferred`, `circuit_open`, `reconnect_required`, the token
    /// error's code, `bookings_window_too_long`, `invalid_request`, `cursor_loop`.
    pub fn code(&self) -> &'static str {
        match self {
            ClientError::Square(e) => e.code(),
            ClientError::RetriesExhausted { .. } => "retries_exhausted",
            ClientError::Deferred { .. } => "deferred",
            ClientError::CircuitOpen { .. } => "circuit_open",
            ClientError::ReconnectRequired { .. } => "reconnect_required",
            ClientError::Token(e) => e.code(),
            ClientError::BookingsWindowTooLong { .. } => "bookings_window_too_long",
            ClientError::InvalidRequest { .. } => "invalid_request",
            ClientError::CursorLoop { .. } => "cursor_loop",
        }
    }

    /// The user has to connect Square again before anything else works.
    pub fn needs_reconnect(&self) -> bool {
        matches!(self, ClientError::ReconnectRequired { .. })
    }

    /// Sync should fall back to the stored data for this family (breaker open, retries
    /// used up on a transient failure, or deferred).
    pub fn use_stored_data(&self) -> bool {
        match self {
            ClientError::CircuitOpen { .. }
            | ClientError::RetriesExhausted { .. }
            | ClientError::Deferred { .. } => true,
            ClientError::Token(e) => !e.needs_reconnect(),
            ClientError::Square(e) => e.is_transient(),
            _ => false,
        }
    }

    /// Square's error, when the failure came from an answer (or a failed attempt).
    pub fn square_error(&self) -> Option<&crate::Error> {
        match self {
            ClientError::Square(e)
            | ClientError::RetriesExhausted { source: e, .. }
            | ClientError::Deferred { source: e, .. } => Some(e),
            _ => None,
        }
    }
}

impl From<TokenError> for ClientError {
    fn from(e: TokenError) -> Self {
        if e.needs_reconnect() {
            ClientError::ReconnectRequired {
                reason: e.to_string(),
            }
        } else {
            ClientError::Token(e)
        }
    }
}
