//! Opaque secret tokens (refresh tokens, invitation tokens).
//!
//! 32 random bytes, base64url-encoded for the client. Only the SHA-256 hash is ever
//! stored, so a database leak does not leak usable tokens. (A fast hash is right here:
//! unlike passwords, these tokens have 256 bits of entropy.)

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// A newly generated token: the secret for the client and the hash for storage.
pub struct SecretToken {
    pub secret: String,
    pub hash: String,
}

impl SecretToken {
    pub fn generate() -> Result<Self, ApiError> {
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes).map_err(ApiError::internal)?;
        let secret = URL_SAFE_NO_PAD.encode(bytes);
        let hash = hash_token(&secret);
        Ok(Self { secret, hash })
    }
}

/// The storage form of a token presented by a client.
#[must_use]
pub fn hash_token(secret: &str) -> String {
    to_hex(&Sha256::digest(secret.as_bytes()))
}

/// Lower-case hex, the form hashes are stored and compared in.
#[must_use]
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_stored_only_as_their_hash() {
        let a = SecretToken::generate().expect("random");
        let b = SecretToken::generate().expect("random");
        assert_ne!(a.secret, b.secret);
        assert_eq!(a.hash, hash_token(&a.secret));
        assert_eq!(a.hash.len(), 64);
        assert!(!a.hash.contains(&a.secret));
    }
}
