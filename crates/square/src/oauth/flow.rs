//! Connect Square: the authorization-code flow with PKCE for a native app (RFC 8252 +
//! RFC 7636), end to end.
//!
//! 1. Bind the loopback listener (ephemeral port, or the fixed port of a registered
//!    redirect URL) and use `http://127.0.0.1:<port>/callback` as `redirect_uri`.
//! 2. Draw the PKCE verifier and `state` from the injected RNG; build the authorize URL
//!    with oauth2 (`client_id`, `scope`, `state`, `code_challenge`, `code_challenge_method
//!    = S256`, `redirect_uri`, plus Square's optional `locale` and `session`).
//! 3. Hand the URL to the injected browser opener (the app opens the system browser; tests
//!    follow the redirect with an HTTP client) while the listener waits, up to a time-out.
//! 4. Check `state`, turn `error=access_denied` into [`OAuthError::UserDenied`], and
//!    exchange the code through oauth2 ([`TokenEndpoint::exchange_code`]).
//!
//! The returned [`TokenSet`] must be stored (the token store) before it is used.

use super::KEEPER_SCOPES;
use super::error::OAuthError;
use super::exchange::{TokenEndpoint, oauth_client};
use super::loopback::LoopbackListener;
use super::pkce::{new_state, pkce_pair};
use super::token_set::{TokenSet, utc};
use crate::client::{BoxFuture, Clock, Environment};
use oauth2::Scope;
use rand::RngCore;
use std::time::Duration;

/// Opens the authorize URL: the system browser in the app and the CLI, an HTTP client
/// that follows the redirect in tests. It may return as soon as the page is opened.
pub type BrowserOpener = dyn Fn(String) -> BoxFuture<'static, Result<(), String>> + Send + Sync;

/// A "browser" for sign-ins that need no person (Keeper's simulators, tests, the demo on a
/// machine without a display): it requests the authorize URL and follows the redirect to
/// Keeper's loopback listener, as a person's browser would after they approved.
pub fn redirect_following_browser() -> Box<BrowserOpener> {
    Box::new(|url: String| -> BoxFuture<'static, Result<(), String>> {
        Box::pin(async move {
            reqwest::get(&url)
                .await
                .map_err(|e| e.to_string())?
                .error_for_status()
                .map_err(|e| e.to_string())?;
            Ok(())
        })
    })
}

/// Settings of one Connect Square attempt.
#[derive(Debug, Clone)]
pub struct ConnectConfig {
    pub environment: Environment,
    /// The application id (from configuration).
    pub client_id: String,
    /// Fixed loopback port (a registered redirect URL must match exactly); `None`: any.
    pub port: Option<u16>,
    pub scopes: Vec<String>,
    /// How long to wait for the user (authorization codes live 5 minutes).
    pub timeout: Duration,
    /// Square's `locale` (en-US, fr-CA…).
    pub locale: Option<String>,
    /// Square's `session=false` forces a fresh login.
    pub session: Option<bool>,
    pub square_version: String,
    /// Timeout of the token request.
    pub request_timeout: Duration,
    /// Traffic control of the code exchange (a [`super::ClientTokenGate`] bound to a
    /// client, so it is paced, retried by the caller's policy and counted in health under
    /// the `oauth` family); `None`: ungoverned.
    pub gate: Option<std::sync::Arc<dyn super::gate::TokenGate>>,
}

impl ConnectConfig {
    /// Keeper's scopes, a 5-minute wait, the pinned Square version.
    pub fn new(environment: Environment, client_id: impl Into<String>) -> Self {
        ConnectConfig {
            environment,
            client_id: client_id.into(),
            port: None,
            scopes: KEEPER_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            timeout: Duration::from_secs(300),
            locale: None,
            session: None,
            square_version: crate::SQUARE_VERSION.to_owned(),
            request_timeout: Duration::from_secs(30),
            gate: None,
        }
    }

    /// The token endpoint of this configuration.
    pub fn token_endpoint(&self) -> Result<TokenEndpoint, OAuthError> {
        let http = reqwest::Client::builder()
            .timeout(self.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| OAuthError::Config {
                detail: e.to_string(),
            })?;
        Ok(TokenEndpoint {
            http,
            base_url: self.environment.base_url(),
            client_id: self.client_id.clone(),
            square_version: self.square_version.clone(),
            gate: self.gate.clone(),
        })
    }
}

/// An authorize URL and the secrets that go with it.
#[derive(Debug)]
pub struct AuthorizeRequest {
    pub url: String,
    pub state: String,
    pub verifier: oauth2::PkceCodeVerifier,
}

/// Builds the authorize URL for `redirect_uri` (PKCE S256, fresh `state`).
pub fn authorize_request(
    config: &ConnectConfig,
    redirect_uri: &str,
    rng: &mut dyn RngCore,
) -> Result<AuthorizeRequest, OAuthError> {
    let client = oauth_client(
        &config.environment.base_url(),
        &config.client_id,
        Some(redirect_uri),
    )?;
    let (challenge, verifier) = pkce_pair(rng);
    let state = new_state(rng);
    let expected = state.secret().clone();
    let mut request = client
        .authorize_url(move || state)
        .add_scopes(config.scopes.iter().map(|s| Scope::new(s.clone())))
        .set_pkce_challenge(challenge);
    if let Some(locale) = &config.locale {
        request = request.add_extra_param("locale", locale.clone());
    }
    if let Some(session) = config.session {
        request = request.add_extra_param("session", session.to_string());
    }
    let (url, _) = request.url();
    Ok(AuthorizeRequest {
        url: url.to_string(),
        state: expected,
        verifier,
    })
}

/// Runs Connect Square and returns the new tokens (store them before use).
pub async fn connect(
    config: &ConnectConfig,
    open_browser: &BrowserOpener,
    rng: &mut (dyn RngCore + Send),
    clock: &dyn Clock,
) -> Result<TokenSet, OAuthError> {
    let listener = LoopbackListener::bind(config.port).await?;
    let redirect_uri = listener.redirect_uri();
    let request = authorize_request(config, &redirect_uri, rng)?;
    let browser = open_browser(request.url.clone());
    let wait = listener.wait(&request.state, config.timeout, clock);
    tokio::pin!(browser, wait);
    let mut browser_done = false;
    let callback = loop {
        tokio::select! {
            opened = &mut browser, if !browser_done => {
                browser_done = true;
                if let Err(detail) = opened {
                    return Err(OAuthError::Browser { detail });
                }
            }
            callback = &mut wait => break callback?,
        }
    };
    let endpoint = config.token_endpoint()?;
    let answer = endpoint
        .exchange_code(callback.code, request.verifier, &redirect_uri)
        .await?;
    answer.into_token_set(utc(clock.now()), config.scopes.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth2::url::Url;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn authorize_url_carries_pkce_state_scopes_and_redirect() {
        let mut config = ConnectConfig::new(Environment::Sandbox, "sq0idp-app");
        config.locale = Some("en-US".into());
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let redirect = "http://127.0.0.1:8123/callback";
        let request = authorize_request(&config, redirect, &mut rng).unwrap();
        let url = Url::parse(&request.url).unwrap();
        assert_eq!(url.host_str(), Some("connect.squareupsandbox.com"));
        assert_eq!(url.path(), "/oauth2/authorize");
        let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
        assert_eq!(q["client_id"], "sq0idp-app");
        assert_eq!(q["state"], request.state);
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["redirect_uri"], redirect);
        assert_eq!(q["locale"], "en-US");
        assert_eq!(q["scope"], KEEPER_SCOPES.join(" "));
        assert_eq!(q["code_challenge"].len(), 43);
    }
}
