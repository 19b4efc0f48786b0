//! `RefreshingTokenSource`: the [`TokenSource`] of a Connect Square connection.
//!
//! - Before each request: if the refresh token lapsed → reconnect; if the access token is
//!   due for refresh (see [`TokenSet::needs_refresh`]) → refresh first, but keep using the
//!   current token when Square's token endpoint is merely unavailable and the token is still
//!   valid.
//! - On `ACCESS_TOKEN_EXPIRED`: refresh once (unless another request already did).
//! - PKCE refresh tokens are single-use and rotate, so **the new pair is saved through the
//!   [`TokenSink`] before the new access token is handed out**. If saving fails, the new
//!   pair is kept in memory unsaved, the caller gets [`TokenError::Store`], and the save is
//!   tried again before the next use.
//! - Refreshes are serialized (one mutex), so concurrent expiries cause one refresh.

use super::error::OAuthError;
use super::exchange::TokenEndpoint;
use super::token_set::{TokenSet, utc};
use crate::client::{BoxFuture, TokenError, TokenSource};
use crate::models::Secret;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

/// Where refreshed tokens are saved before they are used (the OS keyring in the app).
pub trait TokenSink: Send + Sync {
    /// Saves `tokens` (replacing the previous set of the same merchant).
    fn save(&self, tokens: &TokenSet) -> Result<(), String>;
}

/// Told about every rotated token set once it is saved (Keeper's API layer records the new
/// expiry dates in `square_connection`; the tokens themselves must not be kept).
pub type TokenObserver = Arc<dyn Fn(&TokenSet) + Send + Sync>;

/// A [`TokenSink`] in memory (tests, and callers that persist elsewhere).
#[derive(Debug, Default)]
pub struct MemoryTokenSink {
    saved: StdMutex<Vec<TokenSet>>,
    fail: StdMutex<Option<String>>,
}

impl MemoryTokenSink {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every set saved, oldest first.
    pub fn saved(&self) -> Vec<TokenSet> {
        self.saved.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Makes the next saves fail with `reason` (`None`: succeed again).
    pub fn fail_with(&self, reason: Option<&str>) {
        *self.fail.lock().unwrap_or_else(|e| e.into_inner()) = reason.map(str::to_owned);
    }
}

impl TokenSink for MemoryTokenSink {
    fn save(&self, tokens: &TokenSet) -> Result<(), String> {
        if let Some(reason) = self.fail.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            return Err(reason);
        }
        self.saved
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(tokens.clone());
        Ok(())
    }
}

struct State {
    tokens: TokenSet,
    /// `tokens` came from a refresh whose save failed.
    unsaved: bool,
}

/// Access tokens of one connection, refreshed as needed.
pub struct RefreshingTokenSource {
    endpoint: TokenEndpoint,
    sink: Arc<dyn TokenSink>,
    observer: Option<TokenObserver>,
    state: tokio::sync::Mutex<State>,
}

impl std::fmt::Debug for RefreshingTokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshingTokenSource")
            .field("base_url", &self.endpoint.base_url)
            .finish_non_exhaustive()
    }
}

fn token_error(e: OAuthError) -> TokenError {
    match e {
        OAuthError::Unavailable { detail } => TokenError::Unavailable { detail },
        OAuthError::Rejected { code, detail } => TokenError::RefreshRejected { code, detail },
        other => TokenError::RefreshRejected {
            code: other.code().to_owned(),
            detail: other.to_string(),
        },
    }
}

impl RefreshingTokenSource {
    /// A source starting from `tokens` (already stored), saving refreshed pairs to `sink`.
    pub fn new(endpoint: TokenEndpoint, tokens: TokenSet, sink: Arc<dyn TokenSink>) -> Self {
        RefreshingTokenSource {
            endpoint,
            sink,
            observer: None,
            state: tokio::sync::Mutex::new(State {
                tokens,
                unsaved: false,
            }),
        }
    }

    /// Calls `observer` with every refreshed set after it is saved (and before its access
    /// token is used).
    pub fn with_observer(mut self, observer: TokenObserver) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The current tokens (as last saved or refreshed).
    pub async fn tokens(&self) -> TokenSet {
        self.state.lock().await.tokens.clone()
    }

    /// Saves a pending refreshed pair; refuses to hand out tokens that are not saved.
    fn ensure_saved(&self, state: &mut State) -> Result<(), TokenError> {
        if state.unsaved {
            self.sink
                .save(&state.tokens)
                .map_err(|detail| TokenError::Store { detail })?;
            state.unsaved = false;
            if let Some(observer) = &self.observer {
                observer(&state.tokens);
            }
        }
        Ok(())
    }

    /// Refreshes now: new pair → saved → current.
    async fn refresh_locked(&self, state: &mut State, now: Duration) -> Result<(), TokenError> {
        let now_utc = utc(now);
        if state.tokens.reconnect_required(now_utc) {
            return Err(lapsed(&state.tokens));
        }
        let Some(refresh_token) = state.tokens.refresh_token.clone() else {
            return Err(TokenError::NotRefreshable);
        };
        let answer = self
            .endpoint
            .refresh(&refresh_token)
            .await
            .map_err(token_error)?;
        let scopes = state.tokens.scopes.clone();
        let mut fresh = answer
            .into_token_set(now_utc, scopes)
            .map_err(token_error)?;
        if fresh.refresh_token.is_none() {
            // Code-flow refresh tokens are reusable and may not be repeated in the answer.
            fresh.refresh_token = Some(refresh_token);
            fresh.refresh_expires_at = state.tokens.refresh_expires_at;
        }
        // The old refresh token is spent: keep the new pair whatever happens next.
        state.tokens = fresh;
        state.unsaved = true;
        self.ensure_saved(state)
    }
}

fn lapsed(tokens: &TokenSet) -> TokenError {
    TokenError::RefreshExpired {
        expired_at: tokens
            .refresh_expires_at
            .or(tokens.expires_at)
            .map(|t| t.to_rfc3339())
            .unwrap_or_else(|| "an unknown date".to_owned()),
    }
}

impl TokenSource for RefreshingTokenSource {
    fn access_token(&self, now: Duration) -> BoxFuture<'_, Result<Secret, TokenError>> {
        Box::pin(async move {
            let mut state = self.state.lock().await;
            self.ensure_saved(&mut state)?;
            let now_utc = utc(now);
            if state.tokens.reconnect_required(now_utc) {
                return Err(lapsed(&state.tokens));
            }
            if state.tokens.needs_refresh(now_utc)
                && let Err(e) = self.refresh_locked(&mut state, now).await
            {
                let usable = matches!(e, TokenError::Unavailable { .. })
                    && !state.tokens.access_expired(now_utc);
                if !usable {
                    return Err(e);
                }
            }
            Ok(state.tokens.access_token.clone())
        })
    }

    fn refresh<'a>(
        &'a self,
        rejected: &'a Secret,
        now: Duration,
    ) -> BoxFuture<'a, Result<Secret, TokenError>> {
        Box::pin(async move {
            let mut state = self.state.lock().await;
            self.ensure_saved(&mut state)?;
            if &state.tokens.access_token != rejected {
                return Ok(state.tokens.access_token.clone());
            }
            self.refresh_locked(&mut state, now).await?;
            Ok(state.tokens.access_token.clone())
        })
    }
}
