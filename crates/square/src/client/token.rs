//! Where access tokens come from: the [`TokenSource`] trait, and [`StaticToken`] for a
//! token given on the command line (`keeper import --access-token`). The refreshing OAuth
//! source lives in [`crate::oauth::RefreshingTokenSource`].
//!
//! The client asks [`TokenSource::access_token`] before each attempt (a refreshing source
//! may refresh ahead of expiry there) and calls [`TokenSource::refresh`] once when Square
//! answers `ACCESS_TOKEN_EXPIRED`, passing the token Square rejected so that concurrent
//! requests trigger one refresh, not one each (PKCE refresh tokens are single-use).

use super::clock::BoxFuture;
use crate::models::Secret;
use std::time::Duration;

/// Why no usable access token could be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// A token given directly (not through Connect Square) expired or was refused.
    #[error("the access token was given directly and cannot be refreshed")]
    NotRefreshable,
    /// Square refused the refresh (refresh token used, revoked or unknown).
    #[error("Square refused to refresh the connection ({code}): {detail}")]
    RefreshRejected { code: String, detail: String },
    /// The 90-day refresh token lapsed.
    #[error("the Square connection lapsed (refresh token expired at {expired_at})")]
    RefreshExpired { expired_at: String },
    /// There are no stored tokens for this merchant.
    #[error("Square is not connected")]
    NotConnected,
    /// The new tokens could not be stored, so they were not used.
    #[error("could not store the new Square tokens: {detail}")]
    Store { detail: String },
    /// Square's token endpoint could not be reached or failed transiently.
    #[error("could not refresh the Square token now: {detail}")]
    Unavailable { detail: String },
}

impl TokenError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::NotRefreshable => "token_not_refreshable",
            TokenError::RefreshRejected { .. } => "refresh_rejected",
            TokenError::RefreshExpired { .. } => "refresh_expired",
            TokenError::NotConnected => "not_connected",
            TokenError::Store { .. } => "token_store_failed",
            TokenError::Unavailable { .. } => "refresh_unavailable",
        }
    }

    /// Only connecting Square again helps.
    pub fn needs_reconnect(&self) -> bool {
        matches!(
            self,
            TokenError::NotRefreshable
                | TokenError::RefreshRejected { .. }
                | TokenError::RefreshExpired { .. }
                | TokenError::NotConnected
        )
    }
}

/// Supplies the bearer token of each request. `now` is the client's clock (a duration since
/// the Unix epoch).
pub trait TokenSource: Send + Sync {
    /// The token to send now (refreshing first if it is about to expire).
    fn access_token(&self, now: Duration) -> BoxFuture<'_, Result<Secret, TokenError>>;

    /// Square answered `ACCESS_TOKEN_EXPIRED` to `rejected`: return a fresh token. If the
    /// current token already differs from `rejected` (another request refreshed it), return
    /// the current one without refreshing again.
    fn refresh<'a>(
        &'a self,
        rejected: &'a Secret,
        now: Duration,
    ) -> BoxFuture<'a, Result<Secret, TokenError>>;
}

/// A fixed access token (e.g. a personal access token from the Developer Console).
#[derive(Debug, Clone)]
pub struct StaticToken(Secret);

impl StaticToken {
    pub fn new(token: impl Into<Secret>) -> Self {
        StaticToken(token.into())
    }
}

impl TokenSource for StaticToken {
    fn access_token(&self, _now: Duration) -> BoxFuture<'_, Result<Secret, TokenError>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }

    fn refresh<'a>(
        &'a self,
        _rejected: &'a Secret,
        _now: Duration,
    ) -> BoxFuture<'a, Result<Secret, TokenError>> {
        Box::pin(async { Err(TokenError::NotRefreshable) })
    }
}
