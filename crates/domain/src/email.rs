//! E-mail addresses, normalised once at the edge.
//!
//! Addresses are trimmed and lower-cased so that `Ana@Example.org` and
//! `ana@example.org` are one account. The check is deliberately modest (one `@`, a
//! non-empty local part, a dotted domain, no spaces): the real proof of an address is
//! a message that arrives, not a regular expression.

use std::fmt;

/// The longest address SMTP can carry (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a valid e-mail address")]
pub struct InvalidEmail;

impl Email {
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let normalised = raw.trim().to_lowercase();
        if normalised.is_empty() || normalised.chars().count() > MAX_EMAIL_LEN {
            return Err(InvalidEmail);
        }
        if normalised.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InvalidEmail);
        }
        let (local, domain) = normalised.split_once('@').ok_or(InvalidEmail)?;
        let domain_ok =
            !domain.contains('@') && domain.contains('.') && domain.split('.').all(|label| !label.is_empty());
        if local.is_empty() || !domain_ok {
            return Err(InvalidEmail);
        }
        Ok(Self(normalised))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised() {
        assert_eq!(Email::parse("  Ana@Example.ORG ").expect("valid").as_str(), "ana@example.org");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for raw in
            ["", "ana", "ana@", "@example.org", "ana@example", "a b@example.org", "a@b@c.org", "ana@example..org"]
        {
            assert_eq!(Email::parse(raw), Err(InvalidEmail), "{raw:?}");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(InvalidEmail));
    }
}
