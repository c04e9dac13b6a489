//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes).
//!
//! Verifying an unknown account's login still runs one argon2 verification against
//! a fixed dummy hash, so response time does not reveal which e-mail addresses have
//! accounts.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

use crate::error::ApiError;

/// Hashes a password into a PHC string with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    Argon2::default().hash_password(password.as_bytes()).map(|hash| hash.to_string()).map_err(ApiError::internal)
}

/// Checks `password` against a stored PHC string. A `None` hash (unknown account)
/// still costs one verification and always fails.
#[must_use]
pub fn verify_password(password: &str, stored_hash: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let (hash, known) = match stored_hash {
        Some(hash) => (hash, true),
        None => {
            (DUMMY.get_or_init(|| hash_password("no account has this password").unwrap_or_default()).as_str(), false)
        }
    };
    let verified = PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false);
    known && verified
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_right_password_verifies_and_others_do_not() {
        let hash = hash_password("correct horse battery").expect("hashes");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("wrong horse battery", Some(&hash)));
        assert!(!verify_password("no account has this password", None));
        assert!(!verify_password("anything", Some("not a phc string")));
    }
}
