//! Traffic control for token requests: a [`TokenGate`] lets the token endpoint's requests
//! (code exchange, refresh) go through the API client's `oauth` endpoint family, so they are
//! paced, counted in health, and held back by that family's breaker like any other call.
//!
//! The token source exists before the client (the client takes it), so the client's gate is
//! bound late: build a [`ClientTokenGate`], give it to the [`TokenEndpoint`], build the
//! client, then [`ClientTokenGate::bind`] it. An unbound gate (or one whose client is gone)
//! lets requests through ungoverned.
//!
//! [`TokenEndpoint`]: super::TokenEndpoint

use super::error::OAuthError;
use crate::client::{BoxFuture, SquareClient};
use crate::control::{EndpointFamily, Outcome, Permit, Priority};
use std::sync::{Arc, OnceLock};

/// Proof that a token request was let through; hand it back to [`TokenGate::leave`].
#[derive(Debug, Clone, Copy)]
pub struct GatePass(pub(crate) Option<Permit>);

/// Lets token requests through, one by one, and learns how they ended.
pub trait TokenGate: Send + Sync + std::fmt::Debug {
    /// Waits until a token request may go; an open breaker refuses
    /// ([`OAuthError::Unavailable`]).
    fn enter(&self) -> BoxFuture<'_, Result<GatePass, OAuthError>>;
    /// The request let through with `pass` ended with `outcome`.
    fn leave(&self, pass: GatePass, outcome: &Outcome);
}

/// The API client's `oauth` family as a [`TokenGate`], bound after the client is built.
#[derive(Default)]
pub struct ClientTokenGate {
    client: OnceLock<std::sync::Weak<crate::client::Inner>>,
}

impl std::fmt::Debug for ClientTokenGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientTokenGate")
            .field("bound", &self.client.get().is_some())
            .finish()
    }
}

impl ClientTokenGate {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Token requests go through `client`'s governors from now on (the first bind wins).
    /// Only a weak reference is kept: the client owns the token source that owns this gate.
    pub fn bind(&self, client: &SquareClient) {
        let _ = self.client.set(Arc::downgrade(&client.inner));
    }

    fn client(&self) -> Option<SquareClient> {
        let inner = self.client.get()?.upgrade()?;
        Some(SquareClient {
            inner,
            priority: Priority::Critical,
            family_priority: Default::default(),
        })
    }
}

impl TokenGate for ClientTokenGate {
    fn enter(&self) -> BoxFuture<'_, Result<GatePass, OAuthError>> {
        Box::pin(async move {
            let Some(client) = self.client() else {
                return Ok(GatePass(None));
            };
            match client.permit(EndpointFamily::Oauth).await {
                Ok(permit) => Ok(GatePass(Some(permit))),
                Err(e) => Err(OAuthError::Unavailable {
                    detail: e.to_string(),
                }),
            }
        })
    }

    fn leave(&self, pass: GatePass, outcome: &Outcome) {
        if let (Some(permit), Some(client)) = (pass.0, self.client()) {
            client.inner.report(permit, outcome);
        }
    }
}

/// How a token request ended, as the governor learns it.
pub(crate) fn token_outcome<T>(result: &Result<T, OAuthError>) -> Outcome {
    match result {
        Ok(_) => Outcome::Success,
        Err(OAuthError::Unavailable { detail }) => Outcome::Transient {
            code: "token_endpoint_unavailable".to_owned(),
            message: detail.clone(),
        },
        Err(e) => Outcome::Permanent {
            code: e.code().to_owned(),
            message: e.to_string(),
        },
    }
}
