//! Token exchange and refresh through the `oauth2` crate, with Square's token answer.
//!
//! Square's ObtainToken answer carries `expires_at` (an RFC 3339 instant), not RFC 6749's
//! `expires_in`, plus `merchant_id` and, for PKCE, `refresh_token_expires_at`; so the
//! oauth2 client is built with [`SquareTokenResponse`] as its token-response type. Its HTTP
//! goes through [`super::http::send_token_request`] (JSON bodies, see there).

use super::error::OAuthError;
use super::http::{TokenHttpError, send_token_request};
use super::token_set::TokenSet;
use crate::ErrorClass;
use crate::models::Secret;
use chrono::{DateTime, Utc};
use oauth2::basic::{
    BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AccessToken, AuthType, AuthUrl, AuthorizationCode, ClientId, EndpointNotSet, EndpointSet,
    PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardRevocableToken,
    TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Square's ObtainToken answer, as oauth2's token-response type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SquareTokenResponse {
    access_token: AccessToken,
    /// Always `bearer`.
    token_type: BasicTokenType,
    /// RFC 3339.
    expires_at: Option<String>,
    merchant_id: Option<String>,
    refresh_token: Option<RefreshToken>,
    /// RFC 3339; PKCE only.
    refresh_token_expires_at: Option<String>,
    short_lived: Option<bool>,
}

impl TokenResponse for SquareTokenResponse {
    type TokenType = BasicTokenType;

    fn access_token(&self) -> &AccessToken {
        &self.access_token
    }

    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }

    /// Square sends an absolute `expires_at` instead; see [`SquareTokenResponse::expires_at`].
    fn expires_in(&self) -> Option<std::time::Duration> {
        None
    }

    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }

    fn scopes(&self) -> Option<&Vec<Scope>> {
        None
    }
}

fn parse_instant(field: &str, value: &Option<String>) -> Result<Option<DateTime<Utc>>, OAuthError> {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| OAuthError::InvalidResponse {
                    detail: format!("{field} is not an RFC 3339 instant: {v:?}"),
                })
        })
        .transpose()
}

impl SquareTokenResponse {
    /// When the access token expires.
    pub fn expires_at(&self) -> Result<Option<DateTime<Utc>>, OAuthError> {
        parse_instant("expires_at", &self.expires_at)
    }

    /// When the refresh token lapses.
    pub fn refresh_token_expires_at(&self) -> Result<Option<DateTime<Utc>>, OAuthError> {
        parse_instant("refresh_token_expires_at", &self.refresh_token_expires_at)
    }

    pub fn merchant_id(&self) -> Option<&str> {
        self.merchant_id.as_deref()
    }

    /// The answer as a [`TokenSet`] received at `now`, for `scopes`.
    pub fn into_token_set(
        self,
        now: DateTime<Utc>,
        scopes: Vec<String>,
    ) -> Result<TokenSet, OAuthError> {
        let merchant_id = self
            .merchant_id
            .clone()
            .filter(|m| !m.is_empty())
            .ok_or_else(|| OAuthError::InvalidResponse {
                detail: "the token answer has no merchant_id".to_owned(),
            })?;
        Ok(TokenSet {
            expires_at: self.expires_at()?,
            refresh_expires_at: self.refresh_token_expires_at()?,
            access_token: Secret::new(self.access_token.secret().clone()),
            refresh_token: self.refresh_token.map(|r| Secret::new(r.secret().clone())),
            merchant_id,
            scopes,
            obtained_at: now,
        })
    }
}

/// Square's error envelope as oauth2's error-response type. Non-200 answers are classified
/// by the HTTP function before oauth2 sees them, so this only completes the type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SquareErrorResponse {
    #[serde(default)]
    pub errors: Vec<crate::SquareApiError>,
}

impl fmt::Display for SquareErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join("; "))
    }
}

impl oauth2::ErrorResponse for SquareErrorResponse {}

/// The oauth2 client for Square: authorize and token URLs set.
pub type SquareOAuthClient = oauth2::Client<
    SquareErrorResponse,
    SquareTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// A public (PKCE) client: `client_id` in the request body, no secret.
pub fn oauth_client(
    base_url: &str,
    client_id: &str,
    redirect_uri: Option<&str>,
) -> Result<SquareOAuthClient, OAuthError> {
    let config = |e: oauth2::url::ParseError| OAuthError::Config {
        detail: e.to_string(),
    };
    let auth_url = AuthUrl::new(format!("{base_url}/oauth2/authorize")).map_err(config)?;
    let token_url = TokenUrl::new(format!("{base_url}/oauth2/token")).map_err(config)?;
    let mut client = oauth2::Client::new(ClientId::new(client_id.to_owned()))
        .set_auth_uri(auth_url)
        .set_token_uri(token_url)
        .set_auth_type(AuthType::RequestBody);
    if let Some(uri) = redirect_uri {
        client = client.set_redirect_uri(RedirectUrl::new(uri.to_owned()).map_err(config)?);
    }
    Ok(client)
}

/// oauth2's failure → [`OAuthError`], keeping Square's classification.
fn token_error(e: RequestTokenError<TokenHttpError, SquareErrorResponse>) -> OAuthError {
    match e {
        RequestTokenError::Request(TokenHttpError(error)) => match error.class() {
            ErrorClass::Transient => OAuthError::Unavailable {
                detail: error.to_string(),
            },
            _ => {
                let code = error
                    .api_errors()
                    .first()
                    .map(|e| e.code.as_str().to_owned())
                    .unwrap_or_else(|| error.code().to_owned());
                OAuthError::Rejected {
                    code,
                    detail: error.to_string(),
                }
            }
        },
        RequestTokenError::ServerResponse(answer) => OAuthError::Rejected {
            code: answer
                .errors
                .first()
                .map(|e| e.code.as_str().to_owned())
                .unwrap_or_else(|| "UNKNOWN".to_owned()),
            detail: answer.to_string(),
        },
        RequestTokenError::Parse(e, _) => OAuthError::InvalidResponse {
            detail: e.to_string(),
        },
        RequestTokenError::Other(detail) => OAuthError::InvalidResponse { detail },
    }
}

/// Where and how token requests go.
#[derive(Debug, Clone)]
pub struct TokenEndpoint {
    pub http: reqwest::Client,
    /// Base URL without a trailing slash.
    pub base_url: String,
    pub client_id: String,
    pub square_version: String,
    /// Traffic control for these requests (the client's `oauth` family); `None`: ungoverned.
    pub gate: Option<std::sync::Arc<dyn super::gate::TokenGate>>,
}

impl TokenEndpoint {
    /// Runs one token request through the gate, if any.
    async fn governed<T>(
        &self,
        request: impl std::future::Future<Output = Result<T, OAuthError>>,
    ) -> Result<T, OAuthError> {
        let Some(gate) = &self.gate else {
            return request.await;
        };
        let pass = gate.enter().await?;
        let result = request.await;
        gate.leave(pass, &super::gate::token_outcome(&result));
        result
    }

    /// oauth2's HTTP function: owned clones, so its futures borrow nothing (they must be
    /// `Send` for any lifetime inside the boxed futures of `TokenSource`).
    fn http_fn(
        &self,
    ) -> impl Fn(
        oauth2::HttpRequest,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<oauth2::HttpResponse, TokenHttpError>> + Send>,
    > {
        let http = self.http.clone();
        let version = self.square_version.clone();
        move |request| {
            let http = http.clone();
            let version = version.clone();
            Box::pin(async move { send_token_request(&http, &version, request).await })
        }
    }

    /// PKCE code exchange: `authorization_code` + `code_verifier` (+ the `redirect_uri` sent
    /// to the authorize page).
    pub async fn exchange_code(
        &self,
        code: String,
        verifier: PkceCodeVerifier,
        redirect_uri: &str,
    ) -> Result<SquareTokenResponse, OAuthError> {
        let client = oauth_client(&self.base_url, &self.client_id, Some(redirect_uri))?;
        let http = self.http_fn();
        let request = client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(verifier);
        self.governed(async { request.request_async(&http).await.map_err(token_error) })
            .await
    }

    /// PKCE refresh: the refresh token is single-use; the answer carries a new one.
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<SquareTokenResponse, OAuthError> {
        let client = oauth_client(&self.base_url, &self.client_id, None)?;
        let http = self.http_fn();
        let token = RefreshToken::new(refresh_token.expose().to_owned());
        let request = client.exchange_refresh_token(&token);
        self.governed(async { request.request_async(&http).await.map_err(token_error) })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squares_token_answer_becomes_a_token_set() {
        let body = r#"{"access_token":"EAAA1","token_type":"bearer",
            "expires_at":"2025-02-01T00:00:00Z","merchant_id":"M1","refresh_token":"EQAA1",
            "refresh_token_expires_at":"2025-04-01T00:00:00Z","short_lived":false}"#;
        let answer: SquareTokenResponse = serde_json::from_str(body).unwrap();
        assert_eq!(answer.token_type(), &BasicTokenType::Bearer);
        let now: DateTime<Utc> = "2025-01-02T00:00:00Z".parse().unwrap();
        let set = answer
            .into_token_set(now, vec!["CUSTOMERS_READ".into()])
            .unwrap();
        assert_eq!(set.access_token.expose(), "EAAA1");
        assert_eq!(set.refresh_token.unwrap().expose(), "EQAA1");
        assert_eq!(set.merchant_id, "M1");
        assert_eq!(
            set.expires_at.unwrap().to_rfc3339(),
            "2025-02-01T00:00:00+00:00"
        );
        assert!(set.refresh_expires_at.is_some());
    }

    #[test]
    fn an_answer_without_merchant_is_invalid() {
        let body = r#"{"access_token":"EAAA1","token_type":"bearer"}"#;
        let answer: SquareTokenResponse = serde_json::from_str(body).unwrap();
        let now: DateTime<Utc> = "2025-01-02T00:00:00Z".parse().unwrap();
        let err = answer.into_token_set(now, vec![]).unwrap_err();
        assert_eq!(err.code(), "invalid_token_response");
    }
}
