//! What a worker may be paid: never below the minimum wage in force on the day, and
//! in the centre's currency (Japan's regional minimum wages apply to centre work and
//! change each autumn).
//!
//! Rates and minimums are both *dated*: each takes effect on a day and holds until
//! the next one. A worker's rate on a day is the latest rate dated on or before it;
//! without any, the minimum in force that day. A new rate is refused if the
//! minimum in force on any day it would apply to is higher.

use chrono::NaiveDate;

use crate::Money;

/// A value that takes effect on a day and holds until the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated<T> {
    pub effective_from: NaiveDate,
    pub value: T,
}

/// The value in force on `day`: the one with the latest date on or before it.
#[must_use]
pub fn in_force<T: Copy>(history: &[Dated<T>], day: NaiveDate) -> Option<T> {
    history.iter().filter(|d| d.effective_from <= day).max_by_key(|d| d.effective_from).map(|d| d.value)
}

/// A centre's minimum hourly wage over time: the one it was opened with, then the
/// dated changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinimumWages {
    pub starting: Money,
    pub changes: Vec<Dated<Money>>,
}

impl MinimumWages {
    /// The minimum in force on `day`.
    #[must_use]
    pub fn on(&self, day: NaiveDate) -> Money {
        in_force(&self.changes, day).unwrap_or(self.starting)
    }

    /// The days from `from` (included) to `until` (excluded, open-ended when `None`)
    /// on which the minimum may change: `from` itself and every change in between.
    fn turning_days(&self, from: NaiveDate, until: Option<NaiveDate>) -> impl Iterator<Item = NaiveDate> + '_ {
        std::iter::once(from).chain(
            self.changes
                .iter()
                .map(|c| c.effective_from)
                .filter(move |day| *day > from && until.is_none_or(|until| *day < until)),
        )
    }
}

/// A worker's rate on `day`: their latest dated rate, or the minimum in force.
#[must_use]
pub fn rate_on(rates: &[Dated<Money>], minimums: &MinimumWages, day: NaiveDate) -> Money {
    in_force(rates, day).unwrap_or_else(|| minimums.on(day))
}

/// Why an hourly rate was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RateRefused {
    #[error("must be in the centre's currency ({0})")]
    WrongCurrency(crate::Currency),
    #[error("is below the minimum wage of {} {} in force from {on}", .minimum.amount_minor, .minimum.currency)]
    BelowMinimum { minimum: Money, on: NaiveDate },
}

/// Checks a rate that takes effect on `from` and holds until `until` (the worker's
/// next dated rate, if any) against every minimum in force in that time.
pub fn check_rate(
    rate: Money,
    from: NaiveDate,
    until: Option<NaiveDate>,
    minimums: &MinimumWages,
) -> Result<Money, RateRefused> {
    if rate.currency != minimums.starting.currency {
        return Err(RateRefused::WrongCurrency(minimums.starting.currency));
    }
    for day in minimums.turning_days(from, until) {
        let minimum = minimums.on(day);
        if rate.amount_minor < minimum.amount_minor {
            return Err(RateRefused::BelowMinimum { minimum, on: day });
        }
    }
    Ok(rate)
}

/// A worker whose rate falls below a minimum on some day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    /// The first day the rate is below the minimum.
    pub on: NaiveDate,
    pub rate: Money,
    pub minimum: Money,
}

/// The first day from `from` on which a worker's rates fall below the minimum, if
/// any: what directors must fix after a new minimum is set.
#[must_use]
pub fn first_shortfall(rates: &[Dated<Money>], minimums: &MinimumWages, from: NaiveDate) -> Option<Shortfall> {
    let mut days: Vec<NaiveDate> = std::iter::once(from)
        .chain(rates.iter().map(|r| r.effective_from))
        .chain(minimums.changes.iter().map(|c| c.effective_from))
        .filter(|day| *day >= from)
        .collect();
    days.sort_unstable();
    days.dedup();
    days.into_iter().find_map(|day| {
        let rate = in_force(rates, day)?;
        let minimum = minimums.on(day);
        (rate.amount_minor < minimum.amount_minor).then_some(Shortfall { on: day, rate, minimum })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn yen(amount: i64) -> Money {
        Money::new(amount, Currency::JPY)
    }

    fn dated(from: &str, amount: i64) -> Dated<Money> {
        Dated { effective_from: day(from), value: yen(amount) }
    }

    /// Nagano's minimum: ¥998 from 2024-10-01, ¥1 061 from 2025-10-01 (as a table).
    fn nagano() -> MinimumWages {
        MinimumWages { starting: yen(950), changes: vec![dated("2025-10-01", 1061), dated("2024-10-01", 998)] }
    }

    #[test]
    fn the_minimum_in_force_is_the_latest_dated_on_or_before_the_day() {
        let m = nagano();
        assert_eq!(m.on(day("2024-09-30")), yen(950));
        assert_eq!(m.on(day("2024-10-01")), yen(998));
        assert_eq!(m.on(day("2025-09-30")), yen(998));
        assert_eq!(m.on(day("2025-10-01")), yen(1061));
    }

    #[test]
    fn a_rate_is_checked_against_every_minimum_it_would_meet() {
        let m = nagano();
        assert_eq!(check_rate(yen(998), day("2024-10-01"), Some(day("2025-10-01")), &m), Ok(yen(998)));
        assert_eq!(
            check_rate(yen(998), day("2024-10-01"), None, &m),
            Err(RateRefused::BelowMinimum { minimum: yen(1061), on: day("2025-10-01") })
        );
        assert_eq!(
            check_rate(yen(997), day("2024-12-01"), None, &m),
            Err(RateRefused::BelowMinimum { minimum: yen(998), on: day("2024-12-01") })
        );
        let eur: Currency = "EUR".parse().expect("currency");
        assert_eq!(
            check_rate(Money::new(5000, eur), day("2024-12-01"), None, &m),
            Err(RateRefused::WrongCurrency(Currency::JPY))
        );
    }

    #[test]
    fn a_new_minimum_shows_the_first_day_a_rate_falls_short() {
        let m = nagano();
        let rates = [dated("2024-04-01", 1000), dated("2026-01-01", 1100)];
        assert_eq!(
            first_shortfall(&rates, &m, day("2024-04-01")),
            Some(Shortfall { on: day("2025-10-01"), rate: yen(1000), minimum: yen(1061) })
        );
        assert_eq!(first_shortfall(&rates, &m, day("2026-01-01")), None);
        // Without a rate of their own a worker earns the minimum: never short.
        assert_eq!(first_shortfall(&[], &m, day("2024-01-01")), None);
        assert_eq!(rate_on(&[], &m, day("2025-10-02")), yen(1061));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::Currency;

    fn history() -> impl Strategy<Value = Vec<Dated<Money>>> {
        proptest::collection::vec((0_i64..3_650, 900_i64..2_000), 0..8).prop_map(|entries| {
            let base = NaiveDate::from_ymd_opt(2020, 1, 1).expect("base");
            entries
                .into_iter()
                .map(|(days, amount)| Dated {
                    effective_from: base + chrono::TimeDelta::days(days),
                    value: Money::new(amount, Currency::JPY),
                })
                .collect()
        })
    }

    proptest! {
        /// The value in force on a day is the one a walk through the days finds:
        /// start from nothing and take each dated value on its day (dates unique).
        #[test]
        fn in_force_is_the_last_change_on_or_before_the_day(mut history in history(), probe in 0_i64..4_000) {
            history.sort_by_key(|d| d.effective_from);
            history.dedup_by_key(|d| d.effective_from);
            let day = NaiveDate::from_ymd_opt(2019, 12, 1).expect("start") + chrono::TimeDelta::days(probe);
            let mut walked = None;
            for dated in &history {
                if dated.effective_from <= day {
                    walked = Some(dated.value);
                }
            }
            prop_assert_eq!(in_force(&history, day), walked);
        }

        /// A rate the check accepts is never below the minimum on any day it holds.
        #[test]
        fn accepted_rates_never_fall_below(changes in history(), amount in 900_i64..2_000, from in 0_i64..3_650) {
            let minimums = MinimumWages { starting: Money::new(950, Currency::JPY), changes };
            let from = NaiveDate::from_ymd_opt(2020, 1, 1).expect("base") + chrono::TimeDelta::days(from);
            let rate = Money::new(amount, Currency::JPY);
            let accepted = check_rate(rate, from, None, &minimums).is_ok();
            let short = first_shortfall(&[Dated { effective_from: from, value: rate }], &minimums, from);
            prop_assert_eq!(accepted, short.is_none());
        }
    }
}
