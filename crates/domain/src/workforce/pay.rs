//! What a worker may be paid: never below the centre's minimum hourly rate, and in
//! the centre's currency (Japan's regional minimum wages apply to centre work).

use crate::Money;

/// Why an hourly rate was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RateRefused {
    #[error("must be in the centre's currency ({0})")]
    WrongCurrency(crate::Currency),
    #[error("must be at least the centre's minimum of {} {}", .0.amount_minor, .0.currency)]
    BelowMinimum(Money),
}

/// Checks an hourly rate against the centre's minimum.
pub fn check_hourly_rate(rate: Money, minimum: Money) -> Result<Money, RateRefused> {
    if rate.currency != minimum.currency {
        return Err(RateRefused::WrongCurrency(minimum.currency));
    }
    if rate.amount_minor < minimum.amount_minor {
        return Err(RateRefused::BelowMinimum(minimum));
    }
    Ok(rate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    #[test]
    fn rates_from_the_minimum_up_in_the_centres_currency() {
        let minimum = Money::new(950, Currency::JPY);
        let eur: Currency = "EUR".parse().expect("currency");
        assert_eq!(check_hourly_rate(Money::new(950, Currency::JPY), minimum), Ok(Money::new(950, Currency::JPY)));
        assert_eq!(check_hourly_rate(Money::new(949, Currency::JPY), minimum), Err(RateRefused::BelowMinimum(minimum)));
        assert_eq!(check_hourly_rate(Money::new(5000, eur), minimum), Err(RateRefused::WrongCurrency(Currency::JPY)));
    }
}
