//! Where a seller's Square tokens are kept between runs.
//!
//! - [`KeyringTokenStore`]: the OS keyring (Secret Service on Linux, Keychain on macOS,
//!   Credential Manager on Windows, through the `keyring` crate). One entry per merchant
//!   (service [`KEYRING_SERVICE`], user = merchant id) holding the whole [`TokenSet`]
//!   (access and refresh tokens, their expiries) as one JSON secret, so the pair always
//!   changes together (PKCE refresh tokens are single-use).
//! - [`SimulatorTokenStore`]: process memory, **for tokens issued by `keeper sim serve`
//!   only**. It exists so tests and the simulator can run without a keyring; it is never a
//!   fallback for real Square tokens.
//!
//! When no keyring is available the store says so ([`TokenStoreError::KeyringUnavailable`]);
//! there is no plaintext fallback. Tokens never go to SQLite, logs or UI state.

use crate::oauth::{TokenSet, TokenSink};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The keyring "service" Keeper's entries are filed under.
pub const KEYRING_SERVICE: &str = "keeper-square-tokens";

/// Tokens could not be stored or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenStoreError {
    /// No OS keyring could be reached.
    #[error(
        "no OS keyring is available (on Linux: a Secret Service such as GNOME Keyring or \
         KWallet on the D-Bus session bus), so Keeper cannot keep Square tokens; they are \
         never stored anywhere else. Start or unlock the keyring and connect again. \
         ({detail})"
    )]
    KeyringUnavailable { detail: String },
    /// The keyring is there but refused access (typically: locked).
    #[error("the OS keyring refused access (is it locked?): {detail}")]
    KeyringLocked { detail: String },
    /// The stored entry is not a token set Keeper wrote.
    #[error("the stored Square tokens for merchant {merchant_id} are unreadable: {detail}")]
    Corrupt { merchant_id: String, detail: String },
    /// Any other keyring failure.
    #[error("the OS keyring failed: {detail}")]
    Keyring { detail: String },
}

impl TokenStoreError {
    /// Stable snake_case code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            TokenStoreError::KeyringUnavailable { .. } => "keyring_unavailable",
            TokenStoreError::KeyringLocked { .. } => "keyring_locked",
            TokenStoreError::Corrupt { .. } => "stored_tokens_corrupt",
            TokenStoreError::Keyring { .. } => "keyring_failed",
        }
    }
}

/// A place that keeps each merchant's [`TokenSet`].
pub trait TokenStore: Send + Sync {
    /// The tokens of `merchant_id`, `None` when not connected.
    fn load(&self, merchant_id: &str) -> Result<Option<TokenSet>, TokenStoreError>;
    /// Store `tokens` under `tokens.merchant_id`, replacing what was there.
    fn put(&self, tokens: &TokenSet) -> Result<(), TokenStoreError>;
    /// Forget `merchant_id`'s tokens (no error when there were none).
    fn delete(&self, merchant_id: &str) -> Result<(), TokenStoreError>;
    /// Whether tokens can be kept at all; asked before the user is sent through the
    /// browser, so that a missing keyring is said first.
    fn check_available(&self) -> Result<(), TokenStoreError> {
        Ok(())
    }
}

/// Tokens in the OS keyring.
#[derive(Debug, Clone)]
pub struct KeyringTokenStore {
    service: String,
}

impl Default for KeyringTokenStore {
    fn default() -> Self {
        KeyringTokenStore {
            service: KEYRING_SERVICE.to_owned(),
        }
    }
}

impl KeyringTokenStore {
    /// The store Keeper uses ([`KEYRING_SERVICE`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// A store filed under another service name (tests keep their entries apart).
    pub fn with_service(service: impl Into<String>) -> Self {
        KeyringTokenStore {
            service: service.into(),
        }
    }

    /// Whether a keyring can be reached at all (for a "connect Square" screen to say so
    /// before the user goes through the browser).
    pub fn check_available(&self) -> Result<(), TokenStoreError> {
        keyring::Entry::store_status()
            .as_ref()
            .map(|_| ())
            .map_err(|e| keyring_error(e, ""))
    }

    fn entry(&self, merchant_id: &str) -> Result<keyring::Entry, TokenStoreError> {
        self.check_available()?;
        keyring::Entry::new(&self.service, merchant_id).map_err(|e| keyring_error(&e, merchant_id))
    }
}

fn keyring_error(error: &keyring::Error, merchant_id: &str) -> TokenStoreError {
    use keyring::Error as E;
    let detail = error.to_string();
    match error {
        E::NoDefaultStore | E::PlatformFailure(_) => TokenStoreError::KeyringUnavailable { detail },
        E::NoStorageAccess(_) => TokenStoreError::KeyringLocked { detail },
        E::BadEncoding(_) | E::BadDataFormat(..) => TokenStoreError::Corrupt {
            merchant_id: merchant_id.to_owned(),
            detail,
        },
        _ => TokenStoreError::Keyring { detail },
    }
}

impl TokenStore for KeyringTokenStore {
    fn check_available(&self) -> Result<(), TokenStoreError> {
        KeyringTokenStore::check_available(self)
    }

    fn load(&self, merchant_id: &str) -> Result<Option<TokenSet>, TokenStoreError> {
        let entry = self.entry(merchant_id)?;
        let json = match entry.get_password() {
            Ok(json) => json,
            Err(keyring::Error::NoEntry) => return Ok(None),
            Err(e) => return Err(keyring_error(&e, merchant_id)),
        };
        serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| TokenStoreError::Corrupt {
                merchant_id: merchant_id.to_owned(),
                detail: e.to_string(),
            })
    }

    fn put(&self, tokens: &TokenSet) -> Result<(), TokenStoreError> {
        let json = serde_json::to_string(tokens).map_err(|e| TokenStoreError::Keyring {
            detail: format!("could not encode the token set: {e}"),
        })?;
        self.entry(&tokens.merchant_id)?
            .set_password(&json)
            .map_err(|e| keyring_error(&e, &tokens.merchant_id))
    }

    fn delete(&self, merchant_id: &str) -> Result<(), TokenStoreError> {
        match self.entry(merchant_id)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(&e, merchant_id)),
        }
    }
}

impl TokenSink for KeyringTokenStore {
    fn save(&self, tokens: &TokenSet) -> Result<(), String> {
        self.put(tokens).map_err(|e| e.to_string())
    }
}

/// Tokens in process memory, **for simulator tokens only** (`keeper sim serve` and tests).
/// Real Square tokens go to [`KeyringTokenStore`]; nothing falls back to this store.
#[derive(Debug, Default)]
pub struct SimulatorTokenStore {
    by_merchant: Mutex<BTreeMap<String, TokenSet>>,
}

impl SimulatorTokenStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, TokenSet>> {
        self.by_merchant.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl TokenStore for SimulatorTokenStore {
    fn load(&self, merchant_id: &str) -> Result<Option<TokenSet>, TokenStoreError> {
        Ok(self.map().get(merchant_id).cloned())
    }

    fn put(&self, tokens: &TokenSet) -> Result<(), TokenStoreError> {
        self.map()
            .insert(tokens.merchant_id.clone(), tokens.clone());
        Ok(())
    }

    fn delete(&self, merchant_id: &str) -> Result<(), TokenStoreError> {
        self.map().remove(merchant_id);
        Ok(())
    }
}

impl TokenSink for SimulatorTokenStore {
    fn save(&self, tokens: &TokenSet) -> Result<(), String> {
        self.put(tokens).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Secret;

    fn tokens(merchant: &str, access: &str) -> TokenSet {
        TokenSet {
            access_token: Secret::new(access),
            refresh_token: Some(Secret::new("refresh-1")),
            expires_at: Some("2026-12-01T00:00:00Z".parse().unwrap()),
            refresh_expires_at: Some("2027-02-01T00:00:00Z".parse().unwrap()),
            merchant_id: merchant.to_owned(),
            scopes: vec!["CUSTOMERS_READ".to_owned()],
            obtained_at: "2026-11-01T00:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn simulator_store_keeps_one_token_set_per_merchant() {
        let store = SimulatorTokenStore::new();
        assert_eq!(store.load("M1").unwrap(), None);
        store.put(&tokens("M1", "a1")).unwrap();
        store.put(&tokens("M2", "b1")).unwrap();
        store.put(&tokens("M1", "a2")).unwrap();
        let m1 = store.load("M1").unwrap().unwrap();
        assert_eq!(m1.access_token.expose(), "a2");
        store.delete("M1").unwrap();
        store.delete("M1").unwrap();
        assert_eq!(store.load("M1").unwrap(), None);
        assert!(store.load("M2").unwrap().is_some());
    }

    #[test]
    fn keyring_unavailable_message_says_plainly_there_is_no_keyring() {
        let err = keyring_error(&keyring::Error::NoDefaultStore, "M1");
        assert_eq!(err.code(), "keyring_unavailable");
        let message = err.to_string();
        assert!(
            message.starts_with("no OS keyring is available"),
            "{message}"
        );
        assert!(message.contains("never stored anywhere else"), "{message}");
    }
}
