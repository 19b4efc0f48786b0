//! `OAuthError`: how connecting Square can fail, each with a stable code for the UI.

use std::time::Duration;

/// Errors of the Connect Square flow and of token exchanges.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    /// The loopback listener could not be opened (port taken, no loopback interface).
    #[error("could not listen for Square's answer on 127.0.0.1: {detail}")]
    Listener { detail: String },
    /// The browser could not be opened.
    #[error("could not open the browser: {detail}")]
    Browser { detail: String },
    /// Nobody completed the authorization in time.
    #[error("no answer from Square within {} seconds", waited.as_secs())]
    TimedOut { waited: Duration },
    /// The seller clicked "Deny".
    #[error("the Square authorization was declined")]
    UserDenied { description: Option<String> },
    /// The callback's `state` is not the one sent (a forged or stale redirect).
    #[error("the answer from Square did not match this connection attempt (state mismatch)")]
    StateMismatch,
    /// Square redirected back with another `error`, or without a code.
    #[error("Square did not authorize Keeper: {error}{}",
        description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    AuthorizationFailed {
        error: String,
        description: Option<String>,
    },
    /// Square refused the token request (code used or expired, refresh token used…).
    #[error("Square refused the token request ({code}): {detail}")]
    Rejected { code: String, detail: String },
    /// Square's token endpoint could not be reached or failed transiently.
    #[error("Square's token endpoint is unavailable: {detail}")]
    Unavailable { detail: String },
    /// The token answer was not what Square documents.
    #[error("unexpected token answer from Square: {detail}")]
    InvalidResponse { detail: String },
    /// Bad settings (client id, base URL).
    #[error("invalid OAuth settings: {detail}")]
    Config { detail: String },
}

impl OAuthError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            OAuthError::Listener { .. } => "loopback_unavailable",
            OAuthError::Browser { .. } => "browser_failed",
            OAuthError::TimedOut { .. } => "authorization_timed_out",
            OAuthError::UserDenied { .. } => "user_denied",
            OAuthError::StateMismatch => "state_mismatch",
            OAuthError::AuthorizationFailed { .. } => "authorization_failed",
            OAuthError::Rejected { .. } => "token_rejected",
            OAuthError::Unavailable { .. } => "token_endpoint_unavailable",
            OAuthError::InvalidResponse { .. } => "invalid_token_response",
            OAuthError::Config { .. } => "invalid_oauth_config",
        }
    }
}
