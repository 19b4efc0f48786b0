//! PKCE (RFC 7636, S256) and the `state` value, drawn from an injected RNG. In production
//! the caller passes a cryptographically secure RNG (e.g. `rand::rngs::OsRng` or
//! `rand::rng()`); tests pass a seeded one and get the same values every run.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth2::{CsrfToken, PkceCodeChallenge, PkceCodeVerifier};
use rand::RngCore;

fn random_b64(rng: &mut dyn RngCore, bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// A code verifier of 43 characters (32 random bytes, base64url) and its S256 challenge
/// `BASE64URL(SHA256(verifier))`.
pub fn pkce_pair(rng: &mut dyn RngCore) -> (PkceCodeChallenge, PkceCodeVerifier) {
    let verifier = PkceCodeVerifier::new(random_b64(rng, 32));
    let challenge = PkceCodeChallenge::from_code_verifier_sha256(&verifier);
    (challenge, verifier)
}

/// An unguessable `state` (16 random bytes, base64url).
pub fn new_state(rng: &mut dyn RngCore) -> CsrfToken {
    CsrfToken::new(random_b64(rng, 16))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use sha2::{Digest, Sha256};

    #[test]
    fn challenge_is_base64url_of_the_verifier_sha256() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let (challenge, verifier) = pkce_pair(&mut rng);
        assert_eq!(verifier.secret().len(), 43);
        let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.secret().as_bytes()));
        assert_eq!(challenge.as_str(), expected);
        assert_eq!(challenge.method().as_str(), "S256");
    }

    #[test]
    fn state_values_differ_and_repeat_with_the_seed() {
        let mut a = ChaCha8Rng::seed_from_u64(5);
        let mut b = ChaCha8Rng::seed_from_u64(5);
        let first = new_state(&mut a);
        assert_ne!(first.secret(), new_state(&mut a).secret());
        assert_eq!(first.secret(), new_state(&mut b).secret());
    }
}
