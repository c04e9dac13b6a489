//! Time logs: the spans of time workers log on the tasks they hold, and the rules a
//! new or changed span must keep.
//!
//! Times are kept to the minute (seconds are dropped), so a span's minutes are exact
//! and pay computed from them never meets a fraction of a minute. A span is
//! half-open, `[start, end)`: one ending at 10:00 and the next starting at 10:00 do
//! not overlap. A running timer counts as a span up to now.
//!
//! A span is refused when it ends where it starts or before, ends in the future,
//! starts more than [`MAX_AGE_DAYS`] days ago (pay periods are monthly: older work
//! is a director's correction, not a worker's entry), overlaps another span of the
//! same worker that is not rejected, or brings the worker's logged minutes on a day
//! (the centre's calendar day) above the centre's daily maximum.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// How far back a worker may log time, in days.
pub const MAX_AGE_DAYS: i64 = 31;

/// A time to the minute: the seconds and below dropped.
#[must_use]
pub fn to_the_minute(at: DateTime<Utc>) -> DateTime<Utc> {
    at.with_second(0).and_then(|at| at.with_nanosecond(0)).unwrap_or(at)
}

/// A span of logged time, to the minute, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Span {
    /// The span from `start` to `end`, both taken to the minute; refused unless it
    /// ends after it starts.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, EntryRefused> {
        let (start, end) = (to_the_minute(start), to_the_minute(end));
        if end <= start {
            return Err(EntryRefused::NotAfterStart);
        }
        Ok(Self { start, end })
    }

    /// Whole minutes.
    #[must_use]
    pub fn minutes(&self) -> i64 {
        (self.end - self.start).num_minutes()
    }

    #[must_use]
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Why a span of time was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EntryRefused {
    #[error("must end at least a minute after it starts")]
    NotAfterStart,
    #[error("must not end in the future")]
    InTheFuture,
    #[error("must start within the last {MAX_AGE_DAYS} days")]
    TooLongAgo,
    #[error("overlaps time the worker already logged")]
    Overlaps,
    #[error("would make {minutes} minutes logged on {day}, above the centre's daily maximum of {maximum}")]
    OverDailyMaximum { day: NaiveDate, minutes: i64, maximum: u32 },
}

/// What a span is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub now: DateTime<Utc>,
    /// The most minutes a worker may log on one calendar day.
    pub max_daily_minutes: u32,
    /// The centre's time zone, whose calendar days the maximum counts.
    pub time_zone: Tz,
}

/// Checks a new span against the worker's other spans (not rejected; a running
/// timer as a span up to now).
pub fn check(span: Span, others: &[Span], limits: &Limits) -> Result<Span, EntryRefused> {
    if span.end > limits.now {
        return Err(EntryRefused::InTheFuture);
    }
    if span.start < limits.now - TimeDelta::days(MAX_AGE_DAYS) {
        return Err(EntryRefused::TooLongAgo);
    }
    if others.iter().any(|other| other.overlaps(&span)) {
        return Err(EntryRefused::Overlaps);
    }
    let logged = minutes_by_day(others.iter().chain(std::iter::once(&span)), limits.time_zone);
    for day in minutes_by_day(std::iter::once(&span), limits.time_zone).keys() {
        let minutes = logged.get(day).copied().unwrap_or(0);
        if minutes > i64::from(limits.max_daily_minutes) {
            return Err(EntryRefused::OverDailyMaximum { day: *day, minutes, maximum: limits.max_daily_minutes });
        }
    }
    Ok(span)
}

/// The start of a calendar day in `tz` (the first instant of it where midnight is
/// skipped by a clock change).
fn start_of_day(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&midnight).earliest() {
        Some(at) => at.with_timezone(&Utc),
        None => tz
            .from_local_datetime(&(midnight + TimeDelta::hours(1)))
            .earliest()
            .map_or_else(|| midnight.and_utc(), |at| at.with_timezone(&Utc)),
    }
}

/// Minutes per calendar day of `tz`, a span crossing midnight split between days.
#[must_use]
pub fn minutes_by_day<'a>(spans: impl IntoIterator<Item = &'a Span>, tz: Tz) -> BTreeMap<NaiveDate, i64> {
    let mut days = BTreeMap::new();
    for span in spans {
        let mut day = span.start.with_timezone(&tz).date_naive();
        let last = span.end.with_timezone(&tz).date_naive();
        while day <= last {
            let Some(next) = day.succ_opt() else { break };
            let from = span.start.max(start_of_day(day, tz));
            let to = span.end.min(start_of_day(next, tz));
            if to > from {
                *days.entry(day).or_insert(0) += (to - from).num_minutes();
            }
            day = next;
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc)
    }

    fn span(start: &str, end: &str) -> Span {
        Span::new(at(start), at(end)).expect("span")
    }

    fn limits() -> Limits {
        Limits { now: at("2026-11-30T12:00:00+09:00"), max_daily_minutes: 480, time_zone: chrono_tz::Asia::Tokyo }
    }

    #[test]
    fn spans_are_kept_to_the_minute_and_must_move_forward() {
        let s = span("2026-11-30T09:00:59+09:00", "2026-11-30T09:30:10+09:00");
        assert_eq!(s.minutes(), 30);
        assert_eq!(Span::new(at("2026-11-30T09:00:10Z"), at("2026-11-30T09:00:50Z")), Err(EntryRefused::NotAfterStart));
        assert_eq!(Span::new(at("2026-11-30T09:00:00Z"), at("2026-11-30T08:00:00Z")), Err(EntryRefused::NotAfterStart));
    }

    #[test]
    fn future_overlapping_and_old_spans_are_refused() {
        let others = [span("2026-11-30T09:00:00+09:00", "2026-11-30T10:00:00+09:00")];
        let l = limits();
        assert_eq!(
            check(span("2026-11-30T11:30:00+09:00", "2026-11-30T12:01:00+09:00"), &others, &l),
            Err(EntryRefused::InTheFuture)
        );
        assert_eq!(
            check(span("2026-11-30T09:59:00+09:00", "2026-11-30T10:30:00+09:00"), &others, &l),
            Err(EntryRefused::Overlaps)
        );
        assert_eq!(
            check(span("2026-10-30T11:59:00+09:00", "2026-10-30T13:00:00+09:00"), &others, &l),
            Err(EntryRefused::TooLongAgo)
        );
        let oldest = span("2026-10-30T12:00:00+09:00", "2026-10-30T13:00:00+09:00");
        assert_eq!(check(oldest, &others, &l), Ok(oldest));
        let touching = span("2026-11-30T10:00:00+09:00", "2026-11-30T11:00:00+09:00");
        assert_eq!(check(touching, &others, &l), Ok(touching));
    }

    #[test]
    fn the_daily_maximum_counts_the_centres_calendar_day() {
        let l = limits();
        // 7 h on the 29th (Tokyo) from 15:00 to 22:00.
        let others = [span("2026-11-29T15:00:00+09:00", "2026-11-29T22:00:00+09:00")];
        // 23:00–01:00 puts 1 h on the 29th (8 h: the maximum) and 1 h on the 30th.
        let late = span("2026-11-29T23:00:00+09:00", "2026-11-30T01:00:00+09:00");
        assert_eq!(check(late, &others, &l), Ok(late));
        let longer = span("2026-11-29T22:30:00+09:00", "2026-11-30T01:00:00+09:00");
        assert_eq!(
            check(longer, &others, &l),
            Err(EntryRefused::OverDailyMaximum { day: "2026-11-29".parse().expect("day"), minutes: 510, maximum: 480 })
        );
        let by_day = minutes_by_day(&[late], chrono_tz::Asia::Tokyo);
        assert_eq!(by_day.values().copied().collect::<Vec<_>>(), vec![60, 60]);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    fn span_strategy() -> impl Strategy<Value = Span> {
        // Starts within a year of 2026-01-01, lasting a minute to three days.
        (0_i64..525_600, 1_i64..4_320).prop_map(|(start, minutes)| {
            let base = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").expect("base").with_timezone(&Utc);
            let start = base + TimeDelta::minutes(start);
            Span { start, end: start + TimeDelta::minutes(minutes) }
        })
    }

    proptest! {
        /// Splitting a span between calendar days neither loses nor adds a minute,
        /// in a zone without clock changes and in one with them.
        #[test]
        fn days_add_up_to_the_span(span in span_strategy()) {
            for tz in [chrono_tz::Asia::Tokyo, chrono_tz::Europe::Berlin] {
                let total: i64 = minutes_by_day(&[span], tz).values().sum();
                prop_assert_eq!(total, span.minutes());
            }
        }

        /// A span the check accepts overlaps none of the others and keeps every day
        /// at or below the maximum.
        #[test]
        fn accepted_spans_keep_the_rules(
            span in span_strategy(),
            others in proptest::collection::vec(span_strategy(), 0..6),
            maximum in 60_u32..1_440,
        ) {
            let limits = Limits {
                now: DateTime::parse_from_rfc3339("2027-06-01T00:00:00Z").expect("now").with_timezone(&Utc),
                max_daily_minutes: maximum,
                time_zone: chrono_tz::Asia::Tokyo,
            };
            if check(span, &others, &limits).is_ok() {
                prop_assert!(others.iter().all(|o| !o.overlaps(&span)));
                let days = minutes_by_day(others.iter().chain([&span]), limits.time_zone);
                for day in minutes_by_day([&span], limits.time_zone).keys() {
                    prop_assert!(days[day] <= i64::from(maximum));
                }
            }
        }
    }
}
