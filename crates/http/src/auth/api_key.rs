//! API-key secrets: `yui_` and 43 base64url characters (32 random bytes).
//!
//! The prefix tells a key from a JWT in the same `Authorization: Bearer` header, and
//! lets secret scanners recognise a leaked key. Only the SHA-256 of the whole key is
//! stored; its first twelve characters are kept to tell keys apart in lists.

use super::{SecretToken, hash_token};
use crate::error::ApiError;

/// What every key starts with.
pub const API_KEY_PREFIX: &str = "yui_";

/// How many leading characters of a key are shown in lists.
const SHOWN: usize = 12;

/// A freshly generated key: the secret for its holder, the rest for storage.
pub struct NewApiKeySecret {
    pub secret: String,
    pub prefix: String,
    pub hash: String,
}

impl NewApiKeySecret {
    pub fn generate() -> Result<Self, ApiError> {
        let secret = format!("{API_KEY_PREFIX}{}", SecretToken::generate()?.secret);
        let prefix = secret.chars().take(SHOWN).collect();
        let hash = hash_token(&secret);
        Ok(Self { secret, prefix, hash })
    }
}

/// Whether a bearer token is an API key (rather than an access token).
#[must_use]
pub fn is_api_key(token: &str) -> bool {
    token.starts_with(API_KEY_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_prefixed_unique_and_stored_only_as_their_hash() {
        let a = NewApiKeySecret::generate().expect("random");
        let b = NewApiKeySecret::generate().expect("random");
        assert!(is_api_key(&a.secret) && a.secret.len() == 47, "{}", a.secret);
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.starts_with(&a.prefix) && a.prefix.len() == 12);
        assert_eq!(a.hash, hash_token(&a.secret));
        assert!(!is_api_key("eyJhbGciOiJIUzI1NiJ9.e30.sig"));
    }
}
