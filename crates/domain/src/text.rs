//! Short human-written text: names and titles.
//!
//! Trimmed, non-blank, bounded in characters, and free of control characters, so that
//! a name can be shown in a list or an e-mail subject without surprises.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InvalidName {
    #[error("must not be blank")]
    Blank,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must not contain control characters")]
    ControlCharacter,
}

impl Name {
    pub fn parse(raw: &str, max_chars: usize) -> Result<Self, InvalidName> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(InvalidName::Blank);
        }
        if trimmed.chars().count() > max_chars {
            return Err(InvalidName::TooLong(max_chars));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(InvalidName::ControlCharacter);
        }
        Ok(Self(trimmed.to_owned()))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(Name::parse("  Shiojiri KADO ", 20).map(Name::into_string), Ok("Shiojiri KADO".into()));
        assert_eq!(Name::parse("   ", 20), Err(InvalidName::Blank));
        assert_eq!(Name::parse("abcdef", 5), Err(InvalidName::TooLong(5)));
        assert_eq!(Name::parse("a\u{0}b", 5), Err(InvalidName::ControlCharacter));
    }
}

/// A short URL-friendly identifier: 2 to 50 of `a-z`, `0-9` and `-`, not starting or
/// ending with `-`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slug(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a slug is 2 to 50 characters of a-z, 0-9 and '-', not starting or ending with '-'")]
pub struct InvalidSlug;

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, InvalidSlug> {
        let ok = (2..=50).contains(&raw.len())
            && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-');
        if ok { Ok(Self(raw.to_owned())) } else { Err(InvalidSlug) }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod slug_tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_joined_by_hyphens() {
        assert!(Slug::parse("shiojiri-kado").is_ok());
        for bad in ["", "a", "Kado", "-kado", "kado-", "ka do", "かど"] {
            assert_eq!(Slug::parse(bad), Err(InvalidSlug), "{bad:?}");
        }
    }
}
