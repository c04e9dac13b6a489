//! When a worker can work: weekly windows (e.g. Mon–Fri 9:30–14:00) in their own time
//! zone, dated exceptions (a day off, or an extra window), and caps per day and per
//! week. [`Schedule::available_minutes`] answers "how many minutes can this person
//! work between now and the due date?".

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
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
#[derive(Clone, Debug)]
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
        if to <= from {
            return 0;
        }
        let local_from = from.with_timezone(&self.time_zone).naive_local();
        let local_to = to.with_timezone(&self.time_zone).naive_local();
        // Days are visited in order, so each ISO week's days are consecutive: the
        // weekly cap applies to a running total, flushed when the week changes.
        let mut total: u32 = 0;
        let mut current_week: Option<(i32, u32)> = None;
        let mut week_minutes: u32 = 0;
        let mut day = local_from.date();
        while day <= local_to.date() {
            let lower = if day == local_from.date() { minute_of_day(local_from) } else { 0 };
            let upper = if day == local_to.date() { minute_of_day(local_to) } else { DAY_MINUTES };
            let minutes: u32 = self
                .spans_on(day)
                .into_iter()
                .map(|(start, end)| u32::from(end.min(upper).saturating_sub(start.max(lower))))
                .sum();
            let week = day.iso_week();
            let key = (week.year(), week.week());
            if current_week != Some(key) {
                total += week_minutes.min(self.caps.weekly_minutes);
                week_minutes = 0;
                current_week = Some(key);
            }
            week_minutes += minutes.min(self.caps.daily_minutes);
            day += Duration::days(1);
        }
        total + week_minutes.min(self.caps.weekly_minutes)
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
}
