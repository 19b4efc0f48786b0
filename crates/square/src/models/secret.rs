//! `Secret`: a token or credential string that never appears in `Debug` output or logs.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A secret string (access token, refresh token, authorization code, PKCE verifier).
/// Serialized as-is (it must reach Square); `Debug` prints `[redacted]`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value, for the one place that must send or store it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_redacted_in_debug_but_serialized_in_full() {
        let s = Secret::new("EAAl3ikZ");
        assert!(!format!("{s:?}").contains("EAAl3ikZ"));
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""EAAl3ikZ""#);
        assert_eq!(s.expose(), "EAAl3ikZ");
    }
}
