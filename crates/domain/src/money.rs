//! Money: an integer amount in the currency's minor unit plus an ISO 4217 code.
//!
//! Never floating point. JPY has no minor unit, so 950 JPY is `amount_minor = 950`;
//! 12.50 EUR would be `1250`. Amounts of different currencies never mix.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An ISO 4217 currency code: three upper-case ASCII letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    /// The default currency of a centre: Japanese yen.
    pub const JPY: Currency = Currency(*b"JPY");

    #[must_use]
    pub fn as_str(&self) -> &str {
        // Constructed only from ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a currency is three upper-case letters (ISO 4217), e.g. JPY")]
pub struct InvalidCurrency;

impl FromStr for Currency {
    type Err = InvalidCurrency;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes: [u8; 3] = s.as_bytes().try_into().map_err(|_| InvalidCurrency)?;
        if bytes.iter().all(u8::is_ascii_uppercase) { Ok(Self(bytes)) } else { Err(InvalidCurrency) }
    }
}

impl TryFrom<String> for Currency {
    type Error = InvalidCurrency;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.as_str().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount of money in minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount_minor: i64,
    pub currency: Currency,
}

impl Money {
    #[must_use]
    pub const fn new(amount_minor: i64, currency: Currency) -> Self {
        Self { amount_minor, currency }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes_are_three_upper_case_letters() {
        assert_eq!("JPY".parse::<Currency>(), Ok(Currency::JPY));
        for bad in ["jpy", "JP", "JPYY", "J1Y", ""] {
            assert_eq!(bad.parse::<Currency>(), Err(InvalidCurrency), "{bad:?}");
        }
    }
}
