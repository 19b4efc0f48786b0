//! Access tokens, authorization codes and refresh tokens: issuing them (OAuth code flow
//! with PKCE), checking a request's bearer token and scopes (401 for missing, unknown,
//! expired or revoked tokens; 403 `INSUFFICIENT_SCOPES`), refreshing and revoking.
//! Lifetimes follow Square: codes 5 minutes and single-use, access tokens 30 days (24 h
//! when `short_lived`), PKCE refresh tokens 90 days, single-use and rotating.

use crate::errors::{ApiError, ApiResult};
use crate::generate::ids;
use crate::time::{DAY, HOUR, MINUTE, Ts};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Every OAuth permission the simulator knows; the pre-issued token has them all.
pub const ALL_SCOPES: &[&str] = &[
    "MERCHANT_PROFILE_READ",
    "CUSTOMERS_READ",
    "PAYMENTS_READ",
    "ORDERS_READ",
    "APPOINTMENTS_READ",
    "APPOINTMENTS_ALL_READ",
    "ITEMS_READ",
    "EMPLOYEES_READ",
    "LOYALTY_READ",
    "SETTLEMENTS_READ",
    "BANK_ACCOUNTS_READ",
];

/// Square's default when `/oauth2/authorize` gets no `scope`.
pub const DEFAULT_SCOPES: &[&str] = &[
    "MERCHANT_PROFILE_READ",
    "PAYMENTS_READ",
    "SETTLEMENTS_READ",
    "BANK_ACCOUNTS_READ",
];

pub const ACCESS_TTL: i64 = 30 * DAY;
pub const SHORT_TTL: i64 = 24 * HOUR;
pub const REFRESH_TTL: i64 = 90 * DAY;
pub const CODE_TTL: i64 = 5 * MINUTE;

#[derive(Debug, Clone)]
pub struct AccessToken {
    pub merchant_id: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub expires_at: Ts,
    pub revoked: bool,
}

#[derive(Debug, Clone)]
struct Code {
    client_id: String,
    scopes: Vec<String>,
    challenge: Option<String>,
    redirect_uri: Option<String>,
    expires_at: Ts,
    used: bool,
}

#[derive(Debug, Clone)]
struct Refresh {
    client_id: String,
    scopes: Vec<String>,
    expires_at: Option<Ts>,
    pkce: bool,
    used: bool,
    revoked: bool,
}

/// The ObtainToken response body.
#[derive(Debug, Clone, Serialize)]
pub struct ObtainToken {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_at: Ts,
    pub merchant_id: String,
    pub refresh_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_at: Option<Ts>,
    pub short_lived: bool,
}

/// The simulator's OAuth state for its one application and one seller.
#[derive(Debug)]
pub struct Auth {
    pub client_id: String,
    pub client_secret: String,
    pub merchant_id: String,
    /// When set, `/oauth2/authorize` answers as if the seller clicked "Deny".
    pub deny_authorize: bool,
    tokens: HashMap<String, AccessToken>,
    codes: HashMap<String, Code>,
    refresh: HashMap<String, Refresh>,
    rng: ChaCha8Rng,
}

/// Base64url without padding (RFC 7636 S256 challenge encoding).
pub fn base64url(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 3);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// `BASE64URL(SHA256(verifier))`.
pub fn s256(verifier: &str) -> String {
    base64url(&Sha256::digest(verifier.as_bytes()))
}

impl Auth {
    pub fn new(seed: u64, merchant_id: &str) -> Auth {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0A07_0A07);
        Auth {
            client_id: format!("sq0idp-{}", ids::token(&mut rng, 22)),
            client_secret: format!("sq0csp-{}", ids::token(&mut rng, 43)),
            merchant_id: merchant_id.to_string(),
            deny_authorize: false,
            tokens: HashMap::new(),
            codes: HashMap::new(),
            refresh: HashMap::new(),
            rng,
        }
    }

    /// Issues an access token with `scopes`, valid for `ttl` from `now`.
    pub fn issue(&mut self, scopes: &[String], now: Ts, ttl: i64) -> String {
        let token = format!("EAAA{}", ids::token(&mut self.rng, 60));
        self.tokens.insert(
            token.clone(),
            AccessToken {
                merchant_id: self.merchant_id.clone(),
                client_id: self.client_id.clone(),
                scopes: scopes.to_vec(),
                expires_at: now.plus(ttl),
                revoked: false,
            },
        );
        token
    }

    /// The token named by an `Authorization: Bearer` header, checked against `needed`.
    pub fn check(&self, header: Option<&str>, needed: &[&str], now: Ts) -> ApiResult<&AccessToken> {
        let token = header
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized("UNAUTHORIZED", "This request could not be authorized.")
            })?;
        let info = self.tokens.get(token).ok_or_else(|| {
            ApiError::unauthorized("UNAUTHORIZED", "This request could not be authorized.")
        })?;
        if info.revoked {
            return Err(ApiError::unauthorized(
                "ACCESS_TOKEN_REVOKED",
                "The access token has been revoked.",
            ));
        }
        if now >= info.expires_at {
            return Err(ApiError::unauthorized(
                "ACCESS_TOKEN_EXPIRED",
                "The access token has expired.",
            ));
        }
        let missing: Vec<&str> = needed
            .iter()
            .copied()
            .filter(|n| !info.scopes.iter().any(|s| s == n))
            .collect();
        if !missing.is_empty() {
            return Err(ApiError::insufficient_scopes(&missing));
        }
        Ok(info)
    }

    /// Records an authorization code for a successful `/oauth2/authorize`.
    pub fn new_code(
        &mut self,
        scopes: Vec<String>,
        challenge: Option<String>,
        redirect_uri: Option<String>,
        now: Ts,
    ) -> String {
        let code = format!("sq0cgp-{}", ids::token(&mut self.rng, 22));
        self.codes.insert(
            code.clone(),
            Code {
                client_id: self.client_id.clone(),
                scopes,
                challenge,
                redirect_uri,
                expires_at: now.plus(CODE_TTL),
                used: false,
            },
        );
        code
    }

    fn denied(detail: &str) -> ApiError {
        ApiError::unauthorized("UNAUTHORIZED", detail)
    }

    /// `grant_type=authorization_code`.
    #[allow(clippy::too_many_arguments)]
    pub fn exchange(
        &mut self,
        client_id: &str,
        code: &str,
        verifier: Option<&str>,
        secret: Option<&str>,
        redirect_uri: Option<&str>,
        short_lived: bool,
        now: Ts,
    ) -> ApiResult<ObtainToken> {
        if client_id != self.client_id {
            return Err(Self::denied("Unknown client_id."));
        }
        let c = self
            .codes
            .get_mut(code)
            .ok_or_else(|| Self::denied("Authorization code not found."))?;
        if c.used {
            return Err(Self::denied("Authorization code has already been used."));
        }
        c.used = true;
        if now >= c.expires_at {
            return Err(Self::denied("Authorization code has expired."));
        }
        if c.client_id != client_id {
            return Err(Self::denied(
                "Authorization code was issued to another client.",
            ));
        }
        if let Some(expected) = &c.redirect_uri
            && redirect_uri != Some(expected.as_str())
        {
            return Err(ApiError::invalid(
                "INVALID_VALUE",
                "redirect_uri does not match the authorization request.",
            )
            .field("redirect_uri"));
        }
        let pkce = match &c.challenge {
            Some(challenge) => {
                let v = verifier.ok_or_else(|| {
                    ApiError::invalid("MISSING_REQUIRED_PARAMETER", "code_verifier is required.")
                        .field("code_verifier")
                })?;
                if s256(v) != *challenge {
                    return Err(Self::denied(
                        "code_verifier does not match the code_challenge.",
                    ));
                }
                true
            }
            None => {
                if secret != Some(self.client_secret.as_str()) {
                    return Err(Self::denied("client_secret is missing or wrong."));
                }
                false
            }
        };
        let scopes = c.scopes.clone();
        Ok(self.grant(scopes, pkce, short_lived, now))
    }

    fn grant(
        &mut self,
        scopes: Vec<String>,
        pkce: bool,
        short_lived: bool,
        now: Ts,
    ) -> ObtainToken {
        let access_token = self.issue(
            &scopes,
            now,
            if short_lived { SHORT_TTL } else { ACCESS_TTL },
        );
        let refresh_token = format!("EQAA{}", ids::token(&mut self.rng, 60));
        let expires = pkce.then(|| now.plus(REFRESH_TTL));
        self.refresh.insert(
            refresh_token.clone(),
            Refresh {
                client_id: self.client_id.clone(),
                scopes,
                expires_at: expires,
                pkce,
                used: false,
                revoked: false,
            },
        );
        ObtainToken {
            expires_at: self.tokens[&access_token].expires_at,
            access_token,
            token_type: "bearer",
            merchant_id: self.merchant_id.clone(),
            refresh_token,
            refresh_token_expires_at: expires,
            short_lived,
        }
    }

    /// `grant_type=refresh_token`: PKCE tokens are single-use and rotate; code-flow
    /// tokens are reusable and come back unchanged.
    pub fn refresh(
        &mut self,
        client_id: &str,
        token: &str,
        secret: Option<&str>,
        narrow: Option<Vec<String>>,
        short_lived: bool,
        now: Ts,
    ) -> ApiResult<ObtainToken> {
        if client_id != self.client_id {
            return Err(Self::denied("Unknown client_id."));
        }
        let r = self
            .refresh
            .get_mut(token)
            .ok_or_else(|| Self::denied("Refresh token not found."))?;
        if r.client_id != client_id {
            return Err(Self::denied("Refresh token was issued to another client."));
        }
        if r.revoked {
            return Err(ApiError::unauthorized(
                "ACCESS_TOKEN_REVOKED",
                "The refresh token has been revoked.",
            ));
        }
        if r.used {
            return Err(Self::denied("Refresh token has already been used."));
        }
        if r.expires_at.is_some_and(|e| now >= e) {
            return Err(ApiError::unauthorized(
                "ACCESS_TOKEN_EXPIRED",
                "The refresh token has expired.",
            ));
        }
        if !r.pkce && secret != Some(self.client_secret.as_str()) {
            return Err(Self::denied("client_secret is missing or wrong."));
        }
        let mut scopes = r.scopes.clone();
        if let Some(n) = narrow {
            if let Some(extra) = n.iter().find(|s| !scopes.contains(s)) {
                return Err(ApiError::invalid(
                    "INVALID_VALUE",
                    format!("Scope {extra} was not granted."),
                )
                .field("scopes"));
            }
            scopes = n;
        }
        if r.pkce {
            r.used = true;
            Ok(self.grant(scopes, true, short_lived, now))
        } else {
            let access_token = self.issue(
                &scopes,
                now,
                if short_lived { SHORT_TTL } else { ACCESS_TTL },
            );
            Ok(ObtainToken {
                expires_at: self.tokens[&access_token].expires_at,
                access_token,
                token_type: "bearer",
                merchant_id: self.merchant_id.clone(),
                refresh_token: token.to_string(),
                refresh_token_expires_at: None,
                short_lived,
            })
        }
    }

    /// Revokes every token of the seller (or only access tokens).
    pub fn revoke_all(&mut self, only_access: bool) {
        for t in self.tokens.values_mut() {
            t.revoked = true;
        }
        if !only_access {
            for r in self.refresh.values_mut() {
                r.revoked = true;
            }
        }
    }

    /// Whether `token` is a known access token.
    pub fn knows(&self, token: &str) -> bool {
        self.tokens.contains_key(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc7636_appendix_b() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn tokens_fail_with_square_codes() {
        let now = Ts(1_700_000_000_000);
        let mut a = Auth::new(1, "M1");
        let all: Vec<String> = ALL_SCOPES.iter().map(|s| s.to_string()).collect();
        let t = a.issue(&all, now, ACCESS_TTL);
        let h = format!("Bearer {t}");
        assert!(a.check(Some(&h), &["CUSTOMERS_READ"], now).is_ok());
        assert_eq!(
            a.check(None, &[], now).unwrap_err().errors[0].code,
            "UNAUTHORIZED"
        );
        assert_eq!(
            a.check(Some(&h), &[], now.plus(ACCESS_TTL))
                .unwrap_err()
                .errors[0]
                .code,
            "ACCESS_TOKEN_EXPIRED"
        );
        let narrow = a.issue(&["PAYMENTS_READ".to_string()], now, ACCESS_TTL);
        let e = a
            .check(Some(&format!("Bearer {narrow}")), &["CUSTOMERS_READ"], now)
            .unwrap_err();
        assert_eq!(
            (e.status.as_u16(), e.errors[0].code),
            (403, "INSUFFICIENT_SCOPES")
        );
        a.revoke_all(true);
        assert_eq!(
            a.check(Some(&h), &[], now).unwrap_err().errors[0].code,
            "ACCESS_TOKEN_REVOKED"
        );
    }

    #[test]
    fn pkce_code_is_single_use_and_refresh_rotates() {
        let now = Ts(1_700_000_000_000);
        let mut a = Auth::new(1, "M1");
        let cid = a.client_id.clone();
        let code = a.new_code(
            vec!["CUSTOMERS_READ".into()],
            Some(s256("verifier-123")),
            None,
            now,
        );
        assert!(
            a.exchange(&cid, &code, Some("wrong"), None, None, false, now)
                .is_err()
        );
        let code = a.new_code(
            vec!["CUSTOMERS_READ".into()],
            Some(s256("verifier-123")),
            None,
            now,
        );
        let tok = a
            .exchange(&cid, &code, Some("verifier-123"), None, None, false, now)
            .unwrap();
        assert_eq!(tok.refresh_token_expires_at, Some(now.plus(REFRESH_TTL)));
        assert!(
            a.exchange(&cid, &code, Some("verifier-123"), None, None, false, now)
                .is_err(),
            "code reused"
        );
        let next = a
            .refresh(&cid, &tok.refresh_token, None, None, false, now)
            .unwrap();
        assert_ne!(next.refresh_token, tok.refresh_token);
        assert!(
            a.refresh(&cid, &tok.refresh_token, None, None, false, now)
                .is_err(),
            "refresh token reused"
        );
        let late = a.new_code(vec![], Some(s256("v")), None, now);
        assert!(
            a.exchange(
                &cid,
                &late,
                Some("v"),
                None,
                None,
                false,
                now.plus(CODE_TTL)
            )
            .is_err(),
            "expired code"
        );
    }
}
