//! Connecting Google Business Profile: OAuth 2.0 for a native app with PKCE and a loopback
//! redirect, on keeper-square's machinery (its [`LoopbackListener`], PKCE pair and `state`
//! drawn from an injected RNG, its browser opener and clock); only the two Google-specific
//! pieces live here: the authorize URL's parameters and the form-encoded token request
//! (`grant_type=authorization_code` with `code_verifier`, and `refresh_token`). The tokens go
//! to the OS keyring through keeper-square's [`KeyringTokenStore`] under their own service
//! ([`GOOGLE_KEYRING_SERVICE`], user = the Google account id), never to SQLite or logs.

use super::google::AccessToken;
use crate::error::{Result, ReviewsError};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use keeper_square::client::{BoxFuture, Clock};
use keeper_square::control::{KeyringTokenStore, TokenStore};
use keeper_square::models::Secret;
use keeper_square::oauth::pkce::{new_state, pkce_pair};
use keeper_square::oauth::token_set::utc;
use keeper_square::oauth::{BrowserOpener, LoopbackListener, TokenSet};
use rand::RngCore;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

/// The keyring service Google tokens are filed under.
pub const GOOGLE_KEYRING_SERVICE: &str = "keeper-google-tokens";
/// Read and reply access to Business Profile.
pub const BUSINESS_SCOPE: &str = "https://www.googleapis.com/auth/business.manage";

/// Settings of one Google connection.
#[derive(Debug, Clone)]
pub struct GoogleOAuthConfig {
    pub client_id: String,
    /// Google issues installed apps a client "secret" that is not secret; sent when set.
    pub client_secret: Option<String>,
    pub authorize_url: String,
    pub token_url: String,
    pub scopes: Vec<String>,
    /// How long to wait for the user in the browser.
    pub timeout: Duration,
}

impl GoogleOAuthConfig {
    /// Google's production endpoints.
    pub fn google(client_id: impl Into<String>) -> Self {
        Self::with_base(
            client_id,
            "https://accounts.google.com",
            "https://oauth2.googleapis.com",
        )
    }

    /// Endpoints under other bases (the simulator serves both on one).
    pub fn with_base(client_id: impl Into<String>, auth_base: &str, token_base: &str) -> Self {
        GoogleOAuthConfig {
            client_id: client_id.into(),
            client_secret: None,
            authorize_url: format!("{}/o/oauth2/v2/auth", auth_base.trim_end_matches('/')),
            token_url: format!("{}/token", token_base.trim_end_matches('/')),
            scopes: vec![BUSINESS_SCOPE.to_owned()],
            timeout: Duration::from_secs(300),
        }
    }
}

fn oauth_err(code: &'static str, detail: impl ToString) -> ReviewsError {
    ReviewsError::OAuth {
        code,
        detail: detail.to_string(),
    }
}

/// The authorize URL for `redirect_uri`, with its `state` and PKCE verifier.
pub fn authorize_url(
    config: &GoogleOAuthConfig,
    redirect_uri: &str,
    rng: &mut dyn RngCore,
) -> Result<(String, String, String)> {
    let (challenge, verifier) = pkce_pair(rng);
    let state = new_state(rng);
    let mut url = url::Url::parse(&config.authorize_url)
        .map_err(|e| oauth_err("oauth_config", format!("authorize URL: {e}")))?;
    url.query_pairs_mut()
        .append_pair("client_id", &config.client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("response_type", "code")
        .append_pair("scope", &config.scopes.join(" "))
        .append_pair("state", state.secret())
        .append_pair("code_challenge", challenge.as_str())
        .append_pair("code_challenge_method", "S256")
        .append_pair("access_type", "offline")
        .append_pair("prompt", "consent");
    Ok((
        url.to_string(),
        state.secret().clone(),
        verifier.secret().clone(),
    ))
}

#[derive(Debug, Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: Option<i64>,
    refresh_token: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TokenError {
    error: String,
    error_description: Option<String>,
}

async fn token_request(config: &GoogleOAuthConfig, form: &[(&str, &str)]) -> Result<TokenResponse> {
    let http = super::http::client()?;
    let mut form: Vec<(&str, &str)> = form.to_vec();
    form.push(("client_id", &config.client_id));
    if let Some(s) = &config.client_secret {
        form.push(("client_secret", s));
    }
    let resp = http
        .post(&config.token_url)
        .form(&form)
        .send()
        .await
        .map_err(|e| oauth_err("oauth_network", e))?;
    let status = resp.status();
    let body = resp
        .text()
        .await
        .map_err(|e| oauth_err("oauth_network", e))?;
    if !status.is_success() {
        let detail = serde_json::from_str::<TokenError>(&body)
            .map(|e| format!("{}: {}", e.error, e.error_description.unwrap_or_default()))
            .unwrap_or_else(|_| format!("HTTP {status}"));
        let code = if body.contains("invalid_grant") {
            "google_reconnect_required"
        } else {
            "oauth_token_failed"
        };
        return Err(oauth_err(code, detail));
    }
    serde_json::from_str(&body).map_err(|e| oauth_err("oauth_token_failed", e))
}

fn token_set(
    t: TokenResponse,
    account_id: &str,
    scopes: &[String],
    now: DateTime<Utc>,
    previous_refresh: Option<Secret>,
) -> TokenSet {
    TokenSet {
        access_token: Secret::new(t.access_token),
        refresh_token: t.refresh_token.map(Secret::new).or(previous_refresh),
        expires_at: t.expires_in.map(|s| now + ChronoDuration::seconds(s)),
        refresh_expires_at: None,
        merchant_id: account_id.to_owned(),
        scopes: scopes.to_vec(),
        obtained_at: now,
    }
}

/// Runs the sign-in for `account_id` and returns the tokens (store them before use).
pub async fn connect(
    config: &GoogleOAuthConfig,
    account_id: &str,
    open_browser: &BrowserOpener,
    rng: &mut (dyn RngCore + Send),
    clock: &dyn Clock,
) -> Result<TokenSet> {
    let listener = LoopbackListener::bind(None)
        .await
        .map_err(|e| oauth_err(e.code(), e))?;
    let redirect_uri = listener.redirect_uri();
    let (url, state, verifier) = authorize_url(config, &redirect_uri, rng)?;
    let browser = open_browser(url);
    let wait = listener.wait(&state, config.timeout, clock);
    tokio::pin!(browser, wait);
    let mut browser_done = false;
    let callback = loop {
        tokio::select! {
            opened = &mut browser, if !browser_done => {
                browser_done = true;
                if let Err(detail) = opened {
                    return Err(oauth_err("browser_failed", detail));
                }
            }
            callback = &mut wait => break callback.map_err(|e| oauth_err(e.code(), e))?,
        }
    };
    let t = token_request(
        config,
        &[
            ("grant_type", "authorization_code"),
            ("code", &callback.code),
            ("redirect_uri", &redirect_uri),
            ("code_verifier", &verifier),
        ],
    )
    .await?;
    Ok(token_set(
        t,
        account_id,
        &config.scopes,
        utc(clock.now()),
        None,
    ))
}

/// The access token of a Google account kept in a [`TokenStore`] (the OS keyring in the
/// app), refreshed a minute before it expires and saved again before use.
pub struct StoredGoogleToken {
    pub store: Arc<dyn TokenStore>,
    pub account_id: String,
    pub config: GoogleOAuthConfig,
    pub clock: Arc<dyn Clock>,
}

impl StoredGoogleToken {
    /// Tokens in the OS keyring under [`GOOGLE_KEYRING_SERVICE`].
    pub fn keyring(account_id: &str, config: GoogleOAuthConfig, clock: Arc<dyn Clock>) -> Self {
        StoredGoogleToken {
            store: Arc::new(KeyringTokenStore::with_service(GOOGLE_KEYRING_SERVICE)),
            account_id: account_id.to_owned(),
            config,
            clock,
        }
    }
}

impl AccessToken for StoredGoogleToken {
    fn access_token(&self) -> BoxFuture<'_, Result<String>> {
        Box::pin(async move {
            let keyring = |e: keeper_square::control::TokenStoreError| ReviewsError::Keyring {
                detail: e.to_string(),
            };
            let Some(tokens) = self.store.load(&self.account_id).map_err(keyring)? else {
                return Err(ReviewsError::NotConnected {
                    source_name: "google",
                    detail: format!("no Google tokens for account {}", self.account_id),
                });
            };
            let now = utc(self.clock.now());
            let fresh = tokens
                .expires_at
                .is_none_or(|at| now + ChronoDuration::seconds(60) < at);
            if fresh {
                return Ok(tokens.access_token.expose().to_owned());
            }
            let Some(refresh) = tokens.refresh_token.clone() else {
                return Err(oauth_err(
                    "google_reconnect_required",
                    "the access token expired and there is no refresh token",
                ));
            };
            let t = token_request(
                &self.config,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh.expose()),
                ],
            )
            .await?;
            let renewed = token_set(t, &self.account_id, &tokens.scopes, now, Some(refresh));
            self.store.put(&renewed).map_err(keyring)?;
            Ok(renewed.access_token.expose().to_owned())
        })
    }
}
