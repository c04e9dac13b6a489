//! When a worker can work: weekly windows (e.g. Mon–Fri 9:30–14:00) in their own time
//! zone, dated exceptions (a day off, or an extra window), and caps per day and per
//! week. [`Schedule::available_minutes`] answers "how many minutes can this person
//! work between now and the due date?".

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc, Weekday};
use chrono_tz::Tz;

/// One recurring window: `weekday` 0 = Monday … 6 = Sunday, minutes from local midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WeeklyWindow {
    pub weekday: u8,
    pub start_minute: u16,
    pub end_minute: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExceptionKind {
    /// Not working: the whole day, or the given span.
    Absent,
    /// Working an extra span that day.
    Extra,
}

/// An exception on one date. An absence without a span is the whole day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayException {
    pub day: NaiveDate,
    pub kind: ExceptionKind,
    pub span: Option<(u16, u16)>,
}

/// Most minutes a worker works in a day and in a week (Monday to Sunday).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caps {
    pub daily_minutes: u32,
    pub weekly_minutes: u32,
}

/// Everything that decides when one worker can work.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    pub time_zone: Tz,
    pub windows: Vec<WeeklyWindow>,
    pub exceptions: Vec<DayException>,
    pub caps: Caps,
}

const DAY_MINUTES: u16 = 24 * 60;

/// Merges overlapping spans and removes `cuts` from them.
fn spans_for_day(mut spans: Vec<(u16, u16)>, cuts: &[(u16, u16)]) -> Vec<(u16, u16)> {
    spans.sort_unstable();
    let mut merged: Vec<(u16, u16)> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    for &(cut_start, cut_end) in cuts {
        merged = merged
            .into_iter()
            .flat_map(|(start, end)| {
                let mut kept = Vec::with_capacity(2);
                if start < cut_start.min(end) {
                    kept.push((start, cut_start.min(end)));
                }
                if cut_end.max(start) < end {
                    kept.push((cut_end.max(start), end));
                }
                kept
            })
            .collect();
    }
    merged
}

fn minute_of_day(time: NaiveDateTime) -> u16 {
    u16::try_from(time.time().signed_duration_since(chrono::NaiveTime::MIN).num_minutes()).unwrap_or(0)
}

impl Schedule {
    /// The local working spans of `day`, before caps.
    fn spans_on(&self, day: NaiveDate) -> Vec<(u16, u16)> {
        let weekday = u8::try_from(day.weekday().num_days_from_monday()).unwrap_or(0);
        let mut spans: Vec<(u16, u16)> =
            self.windows.iter().filter(|w| w.weekday == weekday).map(|w| (w.start_minute, w.end_minute)).collect();
        let mut cuts = Vec::new();
        for exception in self.exceptions.iter().filter(|e| e.day == day) {
            match (exception.kind, exception.span) {
                (ExceptionKind::Absent, None) => return Vec::new(),
                (ExceptionKind::Absent, Some(span)) => cuts.push(span),
                (ExceptionKind::Extra, Some(span)) => spans.push(span),
                (ExceptionKind::Extra, None) => spans.push((0, DAY_MINUTES)),
            }
        }
        spans_for_day(spans, &cuts)
    }

    /// Minutes the worker can work in `[from, to)`, after daily and weekly caps.
    /// (Caps count only the minutes inside the range.)
    #[must_use]
    pub fn available_minutes(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
        self.available_minutes_until_each(from, &[to]).first().copied().unwrap_or(0)
    }

    /// [`Self::available_minutes`] from `from` to each of `ends` (soonest first), in
    /// one walk over the days: a worker's tasks are checked against their due dates
    /// for the cost of checking the last one.
    #[must_use]
    pub fn available_minutes_until_each(&self, from: DateTime<Utc>, ends: &[DateTime<Utc>]) -> Vec<u32> {
        self.available_minutes_within(&LocalRange::new(self.time_zone, from, ends))
    }

    /// [`Self::available_minutes_until_each`] for a range already converted to local
    /// time: ranking many workers in one time zone converts it once, not once per
    /// worker. A range in another zone than the schedule's is converted again.
    #[must_use]
    pub fn available_minutes_within(&self, range: &LocalRange) -> Vec<u32> {
        if range.time_zone != self.time_zone {
            return self.available_minutes_until_each(range.from, &range.ends);
        }
        let (from, local_from) = (range.from, range.local_from);
        let week = WeekShape::of(&self.windows);
        let mut walk = Walk::new(self.caps, local_from.date());
        range
            .ends
            .iter()
            .zip(&range.local_ends)
            .map(|(&end, &local_to)| {
                if end <= from || local_to.date() < local_from.date() {
                    return 0;
                }
                if local_to.date() < walk.day {
                    // The clock went back past midnight since the previous end: count
                    // this range in a walk of its own.
                    return self.available_minutes(from, end);
                }
                while walk.day < local_to.date() {
                    let lower = if walk.day == local_from.date() { minute_of_day(local_from) } else { 0 };
                    let minutes = self.minutes_on(walk.day, lower, DAY_MINUTES, &week);
                    walk.add_day(minutes);
                }
                let lower = if walk.day == local_from.date() { minute_of_day(local_from) } else { 0 };
                walk.total_with_last_day(self.minutes_on(walk.day, lower, minute_of_day(local_to), &week))
            })
            .collect()
    }

    /// Working minutes of `day` between minutes `lower` and `upper`, before caps.
    /// Only a day with an exception has its spans worked out afresh.
    fn minutes_on(&self, day: NaiveDate, lower: u16, upper: u16, week: &WeekShape) -> u32 {
        let clipped = |(start, end): (u16, u16)| u32::from(end.min(upper).saturating_sub(start.max(lower)));
        if self.exceptions.iter().any(|e| e.day == day) {
            return self.spans_on(day).into_iter().map(clipped).sum();
        }
        let weekday = u8::try_from(day.weekday().num_days_from_monday()).unwrap_or(0);
        if lower == 0 && upper == DAY_MINUTES {
            return week.full_day_minutes[usize::from(weekday)];
        }
        week.spans.iter().filter(|(on, _, _)| *on == weekday).map(|&(_, start, end)| clipped((start, end))).sum()
    }
}

/// The weekly windows merged once per walk (it runs once per worker per ranking, so
/// it allocates once): each weekday's spans sorted with overlaps joined, and each
/// weekday's minutes.
struct WeekShape {
    /// `(weekday, start, end)`, sorted.
    spans: Vec<(u8, u16, u16)>,
    /// Monday first.
    full_day_minutes: [u32; 7],
}

impl WeekShape {
    fn of(windows: &[WeeklyWindow]) -> Self {
        let mut sorted: Vec<(u8, u16, u16)> =
            windows.iter().map(|w| (w.weekday, w.start_minute, w.end_minute)).collect();
        sorted.sort_unstable();
        let mut spans: Vec<(u8, u16, u16)> = Vec::with_capacity(sorted.len());
        for (weekday, start, end) in sorted {
            match spans.last_mut() {
                Some((day, _, open_end)) if *day == weekday && start <= *open_end => *open_end = (*open_end).max(end),
                _ => spans.push((weekday, start, end)),
            }
        }
        let mut full_day_minutes = [0; 7];
        for &(weekday, start, end) in &spans {
            full_day_minutes[usize::from(weekday % 7)] += u32::from(end - start);
        }
        Self { spans, full_day_minutes }
    }
}

/// A start and some ends (soonest first), with their local times in one time zone.
#[derive(Clone, Debug)]
pub struct LocalRange {
    time_zone: Tz,
    from: DateTime<Utc>,
    local_from: NaiveDateTime,
    ends: Vec<DateTime<Utc>>,
    local_ends: Vec<NaiveDateTime>,
}

impl LocalRange {
    #[must_use]
    pub fn new(time_zone: Tz, from: DateTime<Utc>, ends: &[DateTime<Utc>]) -> Self {
        let local = |at: DateTime<Utc>| at.with_timezone(&time_zone).naive_local();
        Self {
            time_zone,
            from,
            local_from: local(from),
            ends: ends.to_vec(),
            local_ends: ends.iter().map(|&end| local(end)).collect(),
        }
    }

    #[must_use]
    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }
}

/// A running total over consecutive local days: each day is capped by the daily
/// cap, each ISO week (Monday to Sunday) by the weekly cap. The days come one after
/// another, so a new week starts exactly on a Monday.
struct Walk {
    caps: Caps,
    /// The next day to add.
    day: NaiveDate,
    /// Whether any day was added yet.
    started: bool,
    /// Minutes of the weeks already finished.
    closed: u32,
    /// Minutes so far in the current week, each day already capped.
    week_minutes: u32,
}

impl Walk {
    fn new(caps: Caps, first_day: NaiveDate) -> Self {
        Self { caps, day: first_day, started: false, closed: 0, week_minutes: 0 }
    }

    /// Closed total and the running week as they stand on the next day.
    fn at_next_day(&self) -> (u32, u32) {
        if self.started && self.day.weekday() != Weekday::Mon {
            (self.closed, self.week_minutes)
        } else {
            (self.closed + self.week_minutes.min(self.caps.weekly_minutes), 0)
        }
    }

    fn add_day(&mut self, minutes: u32) {
        let (closed, week_minutes) = self.at_next_day();
        self.closed = closed;
        self.week_minutes = week_minutes + minutes.min(self.caps.daily_minutes);
        self.started = true;
        self.day += Duration::days(1);
    }

    /// The total if the range ends on the next day after `minutes` of it.
    fn total_with_last_day(&self, minutes: u32) -> u32 {
        let (closed, week_minutes) = self.at_next_day();
        closed + (week_minutes + minutes.min(self.caps.daily_minutes)).min(self.caps.weekly_minutes)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn tokyo(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Tokyo.with_ymd_and_hms(y, m, d, h, min, 0).single().expect("valid").with_timezone(&Utc)
    }

    /// Mon–Fri 9:30–14:00 (270 minutes a day): a school-hours parent.
    fn school_hours(caps: Caps) -> Schedule {
        Schedule {
            time_zone: chrono_tz::Asia::Tokyo,
            windows: (0..5).map(|weekday| WeeklyWindow { weekday, start_minute: 570, end_minute: 840 }).collect(),
            exceptions: Vec::new(),
            caps,
        }
    }

    const GENEROUS: Caps = Caps { daily_minutes: 1440, weekly_minutes: 10080 };

    #[test]
    fn a_week_of_school_hours() {
        // 2026-11-23 is a Monday.
        let schedule = school_hours(GENEROUS);
        assert_eq!(schedule.available_minutes(tokyo(2026, 11, 23, 0, 0), tokyo(2026, 11, 30, 0, 0)), 5 * 270);
    }

    #[test]
    fn the_range_clips_the_first_and_last_day() {
        let schedule = school_hours(GENEROUS);
        // Monday 12:00 to Tuesday 10:00: 120 + 30 minutes.
        assert_eq!(schedule.available_minutes(tokyo(2026, 11, 23, 12, 0), tokyo(2026, 11, 24, 10, 0)), 150);
        assert_eq!(schedule.available_minutes(tokyo(2026, 11, 24, 10, 0), tokyo(2026, 11, 23, 12, 0)), 0);
    }

    /// A range converted once for many workers gives each the answer of their own
    /// walk, also when it was converted in another time zone than theirs.
    #[test]
    fn a_range_converted_once_gives_the_same_answer() {
        let schedule = school_hours(GENEROUS);
        let (from, ends) = (tokyo(2026, 11, 23, 12, 0), [tokyo(2026, 11, 24, 10, 0), tokyo(2026, 11, 30, 0, 0)]);
        assert_eq!(schedule.available_minutes_until_each(from, &ends), [150, 4 * 270 + 120]);
        for zone in [chrono_tz::Asia::Tokyo, chrono_tz::UTC, chrono_tz::America::New_York] {
            let range = LocalRange::new(zone, from, &ends);
            assert_eq!(schedule.available_minutes_within(&range), [150, 4 * 270 + 120], "{zone}");
        }
    }

    #[test]
    fn caps_limit_days_and_weeks() {
        let schedule = school_hours(Caps { daily_minutes: 240, weekly_minutes: 1000 });
        // 5 days × 240 = 1200, capped to 1000 for the week.
        assert_eq!(schedule.available_minutes(tokyo(2026, 11, 23, 0, 0), tokyo(2026, 11, 30, 0, 0)), 1000);
        // Two weeks: each capped separately.
        assert_eq!(schedule.available_minutes(tokyo(2026, 11, 23, 0, 0), tokyo(2026, 12, 7, 0, 0)), 2000);
    }

    #[test]
    fn exceptions_remove_or_add_time() {
        let mut schedule = school_hours(GENEROUS);
        let tuesday = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
        let saturday = NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
        let wednesday = NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
        schedule.exceptions = vec![
            DayException { day: tuesday, kind: ExceptionKind::Absent, span: None },
            DayException { day: saturday, kind: ExceptionKind::Extra, span: Some((600, 720)) },
            DayException { day: wednesday, kind: ExceptionKind::Absent, span: Some((600, 660)) },
        ];
        let week = schedule.available_minutes(tokyo(2026, 11, 23, 0, 0), tokyo(2026, 11, 30, 0, 0));
        assert_eq!(week, 5 * 270 - 270 + 120 - 60);
    }

    #[test]
    fn overlapping_windows_count_once() {
        assert_eq!(spans_for_day(vec![(60, 120), (90, 180), (300, 360)], &[]), vec![(60, 180), (300, 360)]);
        assert_eq!(spans_for_day(vec![(60, 180)], &[(90, 100)]), vec![(60, 90), (100, 180)]);
        assert_eq!(spans_for_day(vec![(60, 180)], &[(0, 1440)]), Vec::<(u16, u16)>::new());
    }

    /// The definition, walked day by day for one range (the code before the
    /// one-walk version): the fast path must give the same answer for every end.
    fn reference(schedule: &Schedule, from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
        if to <= from {
            return 0;
        }
        let local_from = from.with_timezone(&schedule.time_zone).naive_local();
        let local_to = to.with_timezone(&schedule.time_zone).naive_local();
        let (mut total, mut week_minutes, mut current_week) = (0, 0, None);
        let mut day = local_from.date();
        while day <= local_to.date() {
            let lower = if day == local_from.date() { minute_of_day(local_from) } else { 0 };
            let upper = if day == local_to.date() { minute_of_day(local_to) } else { DAY_MINUTES };
            let minutes: u32 = schedule
                .spans_on(day)
                .into_iter()
                .map(|(start, end)| u32::from(end.min(upper).saturating_sub(start.max(lower))))
                .sum();
            let week = (day.iso_week().year(), day.iso_week().week());
            if current_week != Some(week) {
                total += u32::min(week_minutes, schedule.caps.weekly_minutes);
                week_minutes = 0;
                current_week = Some(week);
            }
            week_minutes += minutes.min(schedule.caps.daily_minutes);
            day += Duration::days(1);
        }
        total + week_minutes.min(schedule.caps.weekly_minutes)
    }

    #[test]
    fn one_walk_gives_the_same_minutes_as_each_range_alone() {
        // A fixed pseudo-random sequence: reproducible, and wide enough to hit week
        // boundaries, caps, exceptions and both ends inside one day.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        let start = tokyo(2026, 11, 20, 0, 0);
        for case in 0..300 {
            let time_zone = if case % 3 == 0 { chrono_tz::Europe::Berlin } else { chrono_tz::Asia::Tokyo };
            let windows = (0..next(8))
                .map(|_| {
                    let start_minute = u16::try_from(next(1380)).expect("small");
                    let length = u16::try_from(1 + next(600)).expect("small");
                    let weekday = u8::try_from(next(7)).expect("small");
                    WeeklyWindow { weekday, start_minute, end_minute: (start_minute + length).min(DAY_MINUTES) }
                })
                .collect();
            let exceptions = (0..next(4))
                .map(|_| {
                    let day = (start + Duration::days(i64::try_from(next(30)).expect("small"))).date_naive();
                    let span = (next(2) == 0).then(|| (600, 600 + u16::try_from(1 + next(300)).expect("small")));
                    let kind = if next(2) == 0 { ExceptionKind::Absent } else { ExceptionKind::Extra };
                    DayException { day, kind, span }
                })
                .collect();
            let caps = Caps {
                daily_minutes: u32::try_from(60 + next(1000)).expect("small"),
                weekly_minutes: u32::try_from(300 + next(3000)).expect("small"),
            };
            let schedule = Schedule { time_zone, windows, exceptions, caps };
            let from = start + Duration::minutes(i64::try_from(next(3 * 1440)).expect("small"));
            let mut ends: Vec<DateTime<Utc>> = (0..1 + next(6))
                .map(|_| from + Duration::minutes(i64::try_from(next(35 * 1440)).expect("small") - 600))
                .collect();
            ends.sort();
            let walked = schedule.available_minutes_until_each(from, &ends);
            for (end, minutes) in ends.iter().zip(walked) {
                assert_eq!(minutes, reference(&schedule, from, *end), "case {case}: {from} to {end}");
            }
        }
    }
}
