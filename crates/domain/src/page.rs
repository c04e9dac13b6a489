//! Page sizes for cursor pagination.
//!
//! Every list in the API returns at most [`PageLimit::MAX`] items per page, 50 unless
//! asked otherwise. The cursor itself is an HTTP concern; the limit is a rule.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageLimit(u8);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("limit must be between 1 and {max}", max = PageLimit::MAX)]
pub struct InvalidPageLimit;

impl PageLimit {
    pub const MAX: u8 = 100;
    pub const DEFAULT: PageLimit = PageLimit(50);

    pub fn new(limit: i64) -> Result<Self, InvalidPageLimit> {
        u8::try_from(limit).ok().filter(|l| (1..=Self::MAX).contains(l)).map(Self).ok_or(InvalidPageLimit)
    }

    #[must_use]
    pub const fn get(self) -> u8 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_outside_one_to_a_hundred_are_refused() {
        for bad in [-1, 0, 101, 1_000_000] {
            assert_eq!(PageLimit::new(bad), Err(InvalidPageLimit));
        }
        assert_eq!(PageLimit::new(1).map(PageLimit::get), Ok(1));
        assert_eq!(PageLimit::new(100).map(PageLimit::get), Ok(100));
    }
}
