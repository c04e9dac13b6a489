//! What a worker earned: pay periods and earnings statements.
//!
//! **Periods.** A centre pays monthly. Its closing day (1–28, or the month's end)
//! ends each period: with closing day 20, the period `2026-11` runs from 21 October to
//! 20 November. A period is named by the month it closes in.
//!
//! **Statements.** A worker's statement for a period lists their approved time by
//! job and task at the rate in force on the day the work was done — never below the
//! minimum wage in force that day. Each line's amount is exact (minutes × hourly
//! rate ÷ 60, kept as sixtieths of a yen so nothing is lost); the total is rounded
//! **once per statement, to the yen, half up** (¥0.50 and more up, below it down).
//! Work from an earlier, already closed period (time approved after it closed) comes
//! as adjustment lines: a closed statement is never edited.
//!
//! **Withholding.** For a worker paid as a contractor, when the centre turns it on,
//! Japan's rule for fees to individuals: 10.21 % of the payment up to ¥1 000 000 and
//! 20.42 % of the excess, each time rounded down to the yen.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::pay::{Dated, MinimumWages, rate_on};
use crate::{Currency, JobId, Money, TaskId};

/// The day each period closes on: 1–28, or the month's last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosingDay {
    Day(u8),
    MonthEnd,
}

impl ClosingDay {
    /// From the API's number: 1–28, or 31 for the month's end.
    #[must_use]
    pub fn from_number(day: u32) -> Option<Self> {
        match day {
            1..=28 => u8::try_from(day).ok().map(Self::Day),
            31 => Some(Self::MonthEnd),
            _ => None,
        }
    }

    #[must_use]
    pub fn number(self) -> u32 {
        match self {
            Self::Day(day) => u32::from(day),
            Self::MonthEnd => 31,
        }
    }
}

/// A pay period, named by the month it closes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    year: i32,
    month: u32,
}

/// Why a period name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a pay period is a month `YYYY-MM` from 2000-01 to 2100-12")]
pub struct InvalidPeriod;

impl std::str::FromStr for Period {
    type Err = InvalidPeriod;
    fn from_str(text: &str) -> Result<Self, InvalidPeriod> {
        let (year, month) = text.split_once('-').ok_or(InvalidPeriod)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(InvalidPeriod);
        }
        let year: i32 = year.parse().map_err(|_| InvalidPeriod)?;
        let month: u32 = month.parse().map_err(|_| InvalidPeriod)?;
        if !(2000..=2100).contains(&year) || !(1..=12).contains(&month) {
            return Err(InvalidPeriod);
        }
        Ok(Self { year, month })
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

fn last_day_of(year: i32, month: u32) -> NaiveDate {
    let (next_year, next_month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(next_year, next_month, 1).and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
}

impl Period {
    #[must_use]
    pub fn previous(self) -> Self {
        if self.month == 1 { Self { year: self.year - 1, month: 12 } } else { Self { month: self.month - 1, ..self } }
    }

    #[must_use]
    pub fn next(self) -> Self {
        if self.month == 12 { Self { year: self.year + 1, month: 1 } } else { Self { month: self.month + 1, ..self } }
    }

    /// The period's last day.
    #[must_use]
    pub fn last_day(self, closing: ClosingDay) -> NaiveDate {
        match closing {
            ClosingDay::MonthEnd => last_day_of(self.year, self.month),
            ClosingDay::Day(day) => NaiveDate::from_ymd_opt(self.year, self.month, u32::from(day))
                .unwrap_or_else(|| last_day_of(self.year, self.month)),
        }
    }

    /// The period's first day: the day after the previous one's last.
    #[must_use]
    pub fn first_day(self, closing: ClosingDay) -> NaiveDate {
        let before = self.previous().last_day(closing);
        before.succ_opt().unwrap_or(before)
    }

    /// The period `day` falls in.
    #[must_use]
    pub fn of(day: NaiveDate, closing: ClosingDay) -> Self {
        let month = Self { year: day.year(), month: day.month() };
        if day > month.last_day(closing) { month.next() } else { month }
    }
}

/// A piece of approved time, as pay sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Worked {
    pub job_id: JobId,
    pub task_id: TaskId,
    /// The centre's calendar day the work started on.
    pub day: NaiveDate,
    pub minutes: i64,
    /// From an earlier, closed period: an adjustment line.
    pub late: bool,
}

/// One line of a statement: a task's time at one rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub job_id: JobId,
    pub task_id: TaskId,
    pub hourly_rate: Money,
    pub minutes: i64,
    /// minutes × rate: the exact amount in sixtieths of the minor unit.
    pub amount_sixtieths: i64,
    pub late: bool,
}

/// A worker's statement for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub lines: Vec<Line>,
    pub minutes: i64,
    /// The exact total in sixtieths of the minor unit, before rounding.
    pub exact_sixtieths: i64,
    /// The total rounded once, to the minor unit, half up.
    pub gross: Money,
    pub withholding: Money,
    pub net: Money,
}

/// Rounds sixtieths of the minor unit to the minor unit, half up (amounts are never
/// negative).
#[must_use]
pub fn round_half_up(sixtieths: i64) -> i64 {
    (sixtieths + 30).div_euclid(60)
}

/// Japan's withholding on a fee paid to an individual (yen): 10.21 % up to
/// ¥1 000 000, and ¥102 100 plus 20.42 % of the excess above it, rounded down.
#[must_use]
pub fn withholding_on(gross: i64) -> i64 {
    const THRESHOLD: i64 = 1_000_000;
    if gross <= 0 {
        0
    } else if gross <= THRESHOLD {
        gross * 1021 / 10_000
    } else {
        THRESHOLD * 1021 / 10_000 + (gross - THRESHOLD) * 2042 / 10_000
    }
}

/// The statement of `worked` time at the worker's `rates` (never below the minimum
/// wage of the day), withholding when `withheld`.
#[must_use]
pub fn statement(
    worked: &[Worked],
    rates: &[Dated<Money>],
    minimums: &MinimumWages,
    currency: Currency,
    withheld: bool,
) -> Statement {
    let mut grouped: BTreeMap<(bool, JobId, TaskId, i64), i64> = BTreeMap::new();
    for piece in worked {
        let rate = rate_on(rates, minimums, piece.day).amount_minor.max(minimums.on(piece.day).amount_minor);
        *grouped.entry((piece.late, piece.job_id, piece.task_id, rate)).or_default() += piece.minutes;
    }
    let lines: Vec<Line> = grouped
        .into_iter()
        .map(|((late, job_id, task_id, rate), minutes)| Line {
            job_id,
            task_id,
            hourly_rate: Money::new(rate, currency),
            minutes,
            amount_sixtieths: minutes * rate,
            late,
        })
        .collect();
    let minutes = lines.iter().map(|l| l.minutes).sum();
    let exact_sixtieths: i64 = lines.iter().map(|l| l.amount_sixtieths).sum();
    let gross = round_half_up(exact_sixtieths);
    let withholding = if withheld { withholding_on(gross) } else { 0 };
    Statement {
        lines,
        minutes,
        exact_sixtieths,
        gross: Money::new(gross, currency),
        withholding: Money::new(withholding, currency),
        net: Money::new(gross - withholding, currency),
    }
}

/// `numerator ÷ denominator` rounded half up (both non-negative; a zero
/// denominator gives zero).
#[must_use]
pub fn divide_half_up(numerator: i128, denominator: i128) -> i64 {
    if denominator <= 0 {
        return 0;
    }
    i64::try_from((2 * numerator + denominator) / (2 * denominator)).unwrap_or(i64::MAX)
}

/// What an hourly job earns for its approved minutes: the quoted price spread over
/// the quoted minutes (minutes × price ÷ quoted minutes), rounded once, half up.
#[must_use]
pub fn hourly_revenue(approved_minutes: i64, quoted_price: i64, quoted_minutes: i64) -> i64 {
    divide_half_up(i128::from(approved_minutes) * i128::from(quoted_price), i128::from(quoted_minutes))
}

/// A margin in tenths of a percent of the revenue (`None` without revenue).
#[must_use]
pub fn margin_per_mille(revenue: i64, labour_cost: i64) -> Option<i64> {
    (revenue > 0).then(|| divide_half_up(i128::from(revenue - labour_cost) * 1000, i128::from(revenue)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("day")
    }

    fn yen(n: i64) -> Money {
        Money::new(n, Currency::JPY)
    }

    #[test]
    fn periods_follow_the_closing_day() {
        let nov: Period = "2026-11".parse().expect("period");
        assert_eq!(nov.first_day(ClosingDay::MonthEnd), day("2026-11-01"));
        assert_eq!(nov.last_day(ClosingDay::MonthEnd), day("2026-11-30"));
        assert_eq!(nov.first_day(ClosingDay::Day(20)), day("2026-10-21"));
        assert_eq!(nov.last_day(ClosingDay::Day(20)), day("2026-11-20"));
        assert_eq!(Period::of(day("2026-11-21"), ClosingDay::Day(20)).to_string(), "2026-12");
        assert_eq!(Period::of(day("2026-12-31"), ClosingDay::Day(20)).to_string(), "2027-01");
        let feb: Period = "2028-02".parse().expect("period");
        assert_eq!(feb.last_day(ClosingDay::MonthEnd), day("2028-02-29"));
        for bad in ["2026-13", "1999-12", "2026-1", "26-11", "2026/11", ""] {
            assert_eq!(bad.parse::<Period>(), Err(InvalidPeriod), "{bad}");
        }
    }

    #[test]
    fn a_month_at_1000_yen_an_hour() {
        // docs/money.md's worked example: Aya, ¥1 000 an hour, 25 minutes on one task
        // and 3 h 20 on another; ¥1 100 from the 16th.
        let (job, a, b) = (JobId::generate(), TaskId::generate(), TaskId::generate());
        let minimums = MinimumWages { starting: yen(950), changes: vec![] };
        let rates = [
            Dated { effective_from: day("2026-04-01"), value: yen(1000) },
            Dated { effective_from: day("2026-11-16"), value: yen(1100) },
        ];
        let worked = [
            Worked { job_id: job, task_id: a, day: day("2026-11-05"), minutes: 25, late: false },
            Worked { job_id: job, task_id: b, day: day("2026-11-10"), minutes: 200, late: false },
            Worked { job_id: job, task_id: b, day: day("2026-11-20"), minutes: 95, late: false },
        ];
        let s = statement(&worked, &rates, &minimums, Currency::JPY, false);
        // 25 × 1000 + 200 × 1000 + 95 × 1100 = 329 500 sixtieths = ¥5 491.67 → ¥5 492.
        assert_eq!(s.exact_sixtieths, 329_500);
        assert_eq!(s.gross, yen(5492));
        assert_eq!(s.lines.len(), 3);
        assert_eq!(s.minutes, 320);
        let withheld = statement(&worked, &rates, &minimums, Currency::JPY, true);
        assert_eq!(withheld.withholding, yen(560)); // 5 492 × 10.21 % = 560.73 → 560
        assert_eq!(withheld.net, yen(4932));
    }

    #[test]
    fn below_the_minimum_is_paid_the_minimum() {
        let (job, task) = (JobId::generate(), TaskId::generate());
        let minimums = MinimumWages {
            starting: yen(950),
            changes: vec![Dated { effective_from: day("2026-10-01"), value: yen(1061) }],
        };
        let rates = [Dated { effective_from: day("2026-01-01"), value: yen(1000) }];
        let worked = [Worked { job_id: job, task_id: task, day: day("2026-10-02"), minutes: 60, late: false }];
        assert_eq!(statement(&worked, &rates, &minimums, Currency::JPY, false).gross, yen(1061));
    }

    #[test]
    fn margins_are_rounded_once() {
        // 300 of 400 quoted minutes of a ¥450 000 job: ¥337 500.
        assert_eq!(hourly_revenue(300, 450_000, 400), 337_500);
        assert_eq!(hourly_revenue(1, 1000, 3), 333);
        assert_eq!(hourly_revenue(2, 1000, 3), 667);
        assert_eq!(margin_per_mille(450_000, 5_492), Some(988));
        assert_eq!(margin_per_mille(0, 5_492), None);
    }

    #[test]
    fn withholding_at_the_threshold() {
        assert_eq!(withholding_on(1_000_000), 102_100);
        assert_eq!(withholding_on(1_000_001), 102_100);
        assert_eq!(withholding_on(1_000_010), 102_102);
        assert_eq!(withholding_on(2_000_000), 306_300);
        assert_eq!(withholding_on(9), 0);
        assert_eq!(withholding_on(10), 1);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    fn worked() -> impl Strategy<Value = Vec<(u8, u8, i64, i64, bool)>> {
        // (job, task, day offset, minutes, late)
        proptest::collection::vec((0_u8..3, 0_u8..5, 0_i64..60, 1_i64..600, any::<bool>()), 0..40)
    }

    proptest! {
        /// A statement equals an independent recomputation: each piece of time at the
        /// rate of its day (at least the minimum), summed exactly, rounded once.
        #[test]
        fn statements_equal_a_recomputation(
            pieces in worked(),
            rate_changes in proptest::collection::vec((0_i64..60, 900_i64..2_000), 0..4),
            withheld in any::<bool>(),
        ) {
            let jobs: Vec<JobId> = (0..3).map(|_| JobId::generate()).collect();
            let tasks: Vec<TaskId> = (0..5).map(|_| TaskId::generate()).collect();
            let base = NaiveDate::from_ymd_opt(2026, 10, 1).expect("base");
            let minimums = MinimumWages {
                starting: Money::new(950, Currency::JPY),
                changes: vec![Dated { effective_from: base + chrono::TimeDelta::days(30), value: Money::new(1061, Currency::JPY) }],
            };
            let mut rates: Vec<Dated<Money>> = rate_changes.iter().map(|(d, r)| Dated {
                effective_from: base + chrono::TimeDelta::days(*d), value: Money::new(*r, Currency::JPY),
            }).collect();
            rates.sort_by_key(|r| r.effective_from);
            rates.dedup_by_key(|r| r.effective_from);
            let worked: Vec<Worked> = pieces.iter().map(|(j, t, d, m, late)| Worked {
                job_id: jobs[usize::from(*j)], task_id: tasks[usize::from(*t)],
                day: base + chrono::TimeDelta::days(*d), minutes: *m, late: *late,
            }).collect();
            let s = statement(&worked, &rates, &minimums, Currency::JPY, withheld);

            let mut exact = 0_i64;
            for piece in &worked {
                let mut rate = None;
                for r in &rates {
                    if r.effective_from <= piece.day { rate = Some(r.value.amount_minor); }
                }
                let minimum = if piece.day >= base + chrono::TimeDelta::days(30) { 1061 } else { 950 };
                exact += piece.minutes * rate.unwrap_or(minimum).max(minimum);
            }
            prop_assert_eq!(s.exact_sixtieths, exact);
            prop_assert_eq!(s.minutes, worked.iter().map(|w| w.minutes).sum::<i64>());
            // Rounded once: within half a yen of the exact total.
            prop_assert!((s.gross.amount_minor * 60 - exact).abs() <= 30);
            prop_assert_eq!(s.net.amount_minor + s.withholding.amount_minor, s.gross.amount_minor);
            if !withheld { prop_assert_eq!(s.withholding.amount_minor, 0); }
        }

        /// Withholding never exceeds the rates it is made of, and grows with the payment.
        #[test]
        fn withholding_is_monotone_and_bounded(gross in 0_i64..5_000_000) {
            let w = withholding_on(gross);
            prop_assert!(w <= gross * 2042 / 10_000);
            prop_assert!(w >= gross * 1021 / 10_000 - 1 || gross > 1_000_000);
            prop_assert!(withholding_on(gross + 1) >= w);
        }

        /// Every day falls in exactly the period whose bounds hold it.
        #[test]
        fn every_day_has_one_period(offset in 0_i64..3_000, closing in 1_u32..=31) {
            let Some(closing) = ClosingDay::from_number(closing) else { return Ok(()) };
            let day = NaiveDate::from_ymd_opt(2020, 1, 1).expect("base") + chrono::TimeDelta::days(offset);
            let period = Period::of(day, closing);
            prop_assert!(period.first_day(closing) <= day && day <= period.last_day(closing));
            prop_assert_eq!(period.next().first_day(closing), period.last_day(closing).succ_opt().expect("day"));
        }
    }
}
