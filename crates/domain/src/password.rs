//! The password policy for new passwords.
//!
//! Length is what matters (NIST SP 800-63B): at least 10 characters, at most 128 so a
//! hash request cannot be used to burn CPU. No composition rules. Hashing happens in
//! the HTTP layer (argon2); this type only guarantees the policy was met.

pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 128;

/// A password that meets the policy. Its `Debug` output never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WeakPassword {
    #[error("a password needs at least {MIN_PASSWORD_LEN} characters")]
    TooShort,
    #[error("a password may have at most {MAX_PASSWORD_LEN} characters")]
    TooLong,
}

impl NewPassword {
    pub fn parse(raw: &str) -> Result<Self, WeakPassword> {
        let len = raw.chars().count();
        if len < MIN_PASSWORD_LEN {
            Err(WeakPassword::TooShort)
        } else if len > MAX_PASSWORD_LEN {
            Err(WeakPassword::TooLong)
        } else {
            Ok(Self(raw.to_owned()))
        }
    }

    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_bounds_are_enforced() {
        assert_eq!(NewPassword::parse("short"), Err(WeakPassword::TooShort));
        assert_eq!(NewPassword::parse(&"x".repeat(129)), Err(WeakPassword::TooLong));
        assert!(NewPassword::parse("correct horse").is_ok());
        assert!(NewPassword::parse(&"é".repeat(10)).is_ok(), "counts characters, not bytes");
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let password = NewPassword::parse("correct horse battery").expect("valid");
        assert!(!format!("{password:?}").contains("horse"));
    }
}
