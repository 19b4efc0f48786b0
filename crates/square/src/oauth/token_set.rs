//! `TokenSet`: what Keeper keeps after connecting Square (and after each refresh), and the
//! two time questions asked of it: is it time to refresh, and has the connection lapsed.
//!
//! Square's PKCE access tokens live 30 days; the refresh token 90 days, single-use, and
//! every refresh returns a new one. Keeper refreshes ahead of expiry: once fewer than
//! [`REFRESH_AHEAD`] (7 days) remain or the token is past its half-life, whichever comes
//! first (Square recommends refreshing every 7 days or less). After the refresh token
//! lapses only a new authorization helps.

use crate::models::Secret;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Refresh when fewer than this remain before the access token expires.
pub const REFRESH_AHEAD: Duration = Duration::days(7);

/// The tokens of one seller connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    /// When the access token expires (`None`: Square did not say).
    pub expires_at: Option<DateTime<Utc>>,
    /// When the refresh token lapses (PKCE: 90 days after it was issued).
    pub refresh_expires_at: Option<DateTime<Utc>>,
    pub merchant_id: String,
    /// The scopes asked for when connecting.
    pub scopes: Vec<String>,
    /// When Keeper received these tokens.
    pub obtained_at: DateTime<Utc>,
}

impl TokenSet {
    /// The access token has expired at `now`.
    pub fn access_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| now >= at)
    }

    /// Time to refresh: fewer than 7 days left, or past half the token's lifetime. Never
    /// when there is nothing to refresh with or the refresh token has lapsed.
    pub fn needs_refresh(&self, now: DateTime<Utc>) -> bool {
        if self.refresh_token.is_none() || self.refresh_lapsed(now) {
            return false;
        }
        let Some(expires_at) = self.expires_at else {
            return false;
        };
        let left = expires_at - now;
        let lifetime = expires_at - self.obtained_at;
        left < REFRESH_AHEAD || left < lifetime / 2
    }

    fn refresh_lapsed(&self, now: DateTime<Utc>) -> bool {
        self.refresh_expires_at.is_some_and(|at| now >= at)
    }

    /// The user must connect Square again: the refresh token lapsed (or there is none and
    /// the access token expired).
    pub fn reconnect_required(&self, now: DateTime<Utc>) -> bool {
        match &self.refresh_token {
            Some(_) => self.refresh_lapsed(now),
            None => self.access_expired(now),
        }
    }
}

/// A client-clock reading (duration since the Unix epoch) as a UTC instant.
pub fn utc(now: std::time::Duration) -> DateTime<Utc> {
    let ms = i64::try_from(now.as_millis()).unwrap_or(i64::MAX);
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(obtained: &str, expires: &str, refresh_expires: &str) -> TokenSet {
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        TokenSet {
            access_token: Secret::new("EAAA"),
            refresh_token: Some(Secret::new("EQAA")),
            expires_at: Some(t(expires)),
            refresh_expires_at: Some(t(refresh_expires)),
            merchant_id: "M".into(),
            scopes: vec![],
            obtained_at: t(obtained),
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn refresh_is_due_past_half_life_or_a_week_before_expiry() {
        let tokens = set(
            "2025-01-01T00:00:00Z",
            "2025-01-31T00:00:00Z",
            "2025-04-01T00:00:00Z",
        );
        assert!(!tokens.needs_refresh(at("2025-01-10T00:00:00Z")));
        assert!(
            tokens.needs_refresh(at("2025-01-16T00:01:00Z")),
            "past half-life"
        );
        let short = set(
            "2025-01-01T00:00:00Z",
            "2025-01-02T00:00:00Z",
            "2025-04-01T00:00:00Z",
        );
        assert!(
            short.needs_refresh(at("2025-01-01T00:00:00Z")),
            "under 7 days left"
        );
    }

    #[test]
    fn lapsed_refresh_token_requires_reconnecting_and_stops_refreshing() {
        let tokens = set(
            "2025-01-01T00:00:00Z",
            "2025-01-31T00:00:00Z",
            "2025-04-01T00:00:00Z",
        );
        assert!(!tokens.reconnect_required(at("2025-03-31T23:59:59Z")));
        assert!(tokens.reconnect_required(at("2025-04-01T00:00:00Z")));
        assert!(!tokens.needs_refresh(at("2025-04-02T00:00:00Z")));
        let mut static_like = tokens.clone();
        static_like.refresh_token = None;
        assert!(!static_like.reconnect_required(at("2025-01-30T00:00:00Z")));
        assert!(static_like.reconnect_required(at("2025-01-31T00:00:00Z")));
    }

    #[test]
    fn client_clock_converts_to_utc() {
        let now = std::time::Duration::from_millis(1_735_689_600_000);
        assert_eq!(utc(now), at("2025-01-01T00:00:00Z"));
    }
}
