//! OAuth bodies: ObtainToken (code exchange and refresh, PKCE or not), RetrieveTokenStatus
//! and RevokeToken. Tokens and codes are `Secret`s so they never reach logs via `Debug`.

use super::{Secret, Timestamp};
use crate::error::SquareApiError;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

open_enum! {
    /// ObtainToken grant.
    pub enum GrantType {
        AuthorizationCode = "authorization_code",
        RefreshToken = "refresh_token",
        MigrationToken = "migration_token",
    }
}

/// `POST /oauth2/token` body. PKCE exchange: `client_id`, `grant_type=authorization_code`,
/// `code`, `code_verifier` (no secret). PKCE refresh: `client_id`,
/// `grant_type=refresh_token`, `refresh_token`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObtainTokenRequest {
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub code: Option<Secret>,
    pub redirect_uri: Option<String>,
    pub grant_type: GrantType,
    pub refresh_token: Option<Secret>,
    pub migration_token: Option<Secret>,
    /// Narrows the scopes on refresh.
    pub scopes: Option<Vec<String>>,
    pub short_lived: Option<bool>,
    pub code_verifier: Option<Secret>,
    pub use_jwt: Option<bool>,
}

/// `POST /oauth2/token` answer.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObtainTokenResponse {
    pub access_token: Option<Secret>,
    /// Always `bearer`.
    pub token_type: Option<String>,
    pub expires_at: Option<Timestamp>,
    pub merchant_id: Option<String>,
    pub subscription_id: Option<String>,
    pub plan_id: Option<String>,
    pub id_token: Option<Secret>,
    /// PKCE refresh tokens are single-use: store the new one before using the new access
    /// token.
    pub refresh_token: Option<Secret>,
    pub short_lived: Option<bool>,
    /// PKCE only: the refresh token lapses after 90 days.
    pub refresh_token_expires_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<SquareApiError>,
}

/// `POST /oauth2/token/status` answer: what the bearer token can do and until when.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetrieveTokenStatusResponse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// `None` when the token never expires (Square sends an empty string).
    #[serde(default, with = "crate::de::timestamp_or_empty")]
    pub expires_at: Option<Timestamp>,
    pub client_id: Option<String>,
    pub merchant_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<SquareApiError>,
}

/// `POST /oauth2/revoke` body (needs the application secret, so only the simulator and
/// confidential clients use it).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevokeTokenRequest {
    pub client_id: Option<String>,
    pub access_token: Option<Secret>,
    pub merchant_id: Option<String>,
    pub revoke_only_access_token: Option<bool>,
}

/// `POST /oauth2/revoke` answer.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevokeTokenResponse {
    pub success: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<SquareApiError>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_status_empty_expiry_means_never() {
        let status: RetrieveTokenStatusResponse =
            serde_json::from_str(r#"{"scopes":["CUSTOMERS_READ"],"expires_at":""}"#).unwrap();
        assert_eq!(status.expires_at, None);
        let status: RetrieveTokenStatusResponse =
            serde_json::from_str(r#"{"expires_at":"2022-10-14T14:44:00Z"}"#).unwrap();
        assert!(status.expires_at.is_some());
    }

    #[test]
    fn obtain_token_response_debug_hides_tokens() {
        let resp: ObtainTokenResponse = serde_json::from_str(
            r#"{"access_token":"EAAl-secret","refresh_token":"EQAA-secret","token_type":"bearer"}"#,
        )
        .unwrap();
        let debug = format!("{resp:?}");
        assert!(!debug.contains("EAAl-secret") && !debug.contains("EQAA-secret"));
        assert_eq!(resp.access_token.unwrap().expose(), "EAAl-secret");
    }

    #[test]
    fn pkce_refresh_request_serializes_without_secret() {
        let req = ObtainTokenRequest {
            client_id: "sq0idp-x".into(),
            client_secret: None,
            code: None,
            redirect_uri: None,
            grant_type: GrantType::RefreshToken,
            refresh_token: Some(Secret::new("EQAA")),
            migration_token: None,
            scopes: None,
            short_lived: None,
            code_verifier: None,
            use_jwt: None,
        };
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            serde_json::json!({"client_id":"sq0idp-x","grant_type":"refresh_token","refresh_token":"EQAA"})
        );
    }
}
