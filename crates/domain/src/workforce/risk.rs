//! Work at risk: assigned tasks their worker can no longer finish by the due date.
//!
//! Each worker's unfinished work is taken soonest due first; a task is at risk when
//! the work due by its date exceeds the time the worker has before it (windows,
//! exceptions and caps, from their [`Schedule`]). The list is ordered soonest due
//! first, then by task id, and paged by that position.

use chrono::{DateTime, Utc};

use super::Schedule;
use crate::{IdMap, PageLimit, TaskId, UserId};

/// One piece of unfinished assigned work: what the at-risk check needs of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Commitment {
    pub task_id: TaskId,
    pub worker: UserId,
    pub estimated_minutes: i64,
    pub due_at: DateTime<Utc>,
}

/// Work that can no longer be done in time by its worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AtRisk {
    pub commitment: Commitment,
    /// Minutes of the worker's work due by this task's due date (this task included).
    pub needed_minutes: u32,
    /// Minutes the worker can work before this task's due date.
    pub available_minutes: u32,
}

impl AtRisk {
    /// Where the task stands in the at-risk list: soonest due first, then by id.
    #[must_use]
    pub fn position(&self) -> (DateTime<Utc>, TaskId) {
        (self.commitment.due_at, self.commitment.task_id)
    }
}

/// Among `commitments`, those their worker can no longer finish by the due date,
/// soonest due first. Each worker's schedule (from `schedule_of`) is walked once,
/// up to their last due date; a worker without one has no time at all.
pub fn at_risk<'a>(
    schedule_of: impl Fn(UserId) -> Option<&'a Schedule>,
    mut commitments: Vec<Commitment>,
    now: DateTime<Utc>,
) -> Vec<AtRisk> {
    // Each worker's work, soonest due first, side by side: one sort instead of a
    // map of lists.
    commitments.sort_unstable_by_key(|c| (c.worker, c.due_at, c.task_id));
    let mut risky = Vec::new();
    let mut dues: Vec<DateTime<Utc>> = Vec::new();
    for work in commitments.chunk_by(|a, b| a.worker == b.worker) {
        dues.clear();
        dues.extend(work.iter().map(|c| c.due_at));
        let available = match schedule_of(work[0].worker) {
            Some(schedule) => schedule.available_minutes_until_each(now, &dues),
            None => vec![0; dues.len()],
        };
        let mut needed: u32 = 0;
        for (&commitment, available_minutes) in work.iter().zip(available) {
            needed = needed.saturating_add(u32::try_from(commitment.estimated_minutes).unwrap_or(u32::MAX));
            if needed > available_minutes {
                risky.push(AtRisk { commitment, needed_minutes: needed, available_minutes });
            }
        }
    }
    risky.sort_by_key(AtRisk::position);
    risky
}

/// Each worker's committed minutes: the sum of their `commitments`' estimates.
#[must_use]
pub fn committed_minutes(commitments: &[Commitment]) -> IdMap<UserId, i64> {
    let mut committed: IdMap<UserId, i64> = IdMap::default();
    for commitment in commitments {
        *committed.entry(commitment.worker).or_default() += commitment.estimated_minutes;
    }
    committed
}

/// One page of [`at_risk`]'s list: the tasks after position `after`, at most `limit`
/// of them, and the position to continue after when more follow. The list is worked
/// out afresh on every read, so a task that becomes at risk ahead of `after` while a
/// client pages shows on its next read from the start.
#[must_use]
pub fn page(
    mut risky: Vec<AtRisk>,
    after: Option<(DateTime<Utc>, TaskId)>,
    limit: PageLimit,
) -> (Vec<AtRisk>, Option<(DateTime<Utc>, TaskId)>) {
    if let Some(after) = after {
        risky.retain(|risk| risk.position() > after);
    }
    let limit = usize::from(limit.get());
    let more = risky.len() > limit;
    risky.truncate(limit);
    let next = if more { risky.last().map(AtRisk::position) } else { None };
    (risky, next)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::workforce::{Caps, WeeklyWindow};

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 1, day, hour, 0, 0).single().expect("time")
    }

    fn commitment(task: u128, worker: u128, minutes: i64, due_at: DateTime<Utc>) -> Commitment {
        Commitment {
            task_id: TaskId::from(uuid::Uuid::from_u128(task)),
            worker: UserId::from(uuid::Uuid::from_u128(worker)),
            estimated_minutes: minutes,
            due_at,
        }
    }

    /// Two hours every day (10:00–12:00 UTC), no caps to speak of.
    fn two_hours_a_day() -> Schedule {
        Schedule {
            time_zone: chrono_tz::UTC,
            windows: (0..7).map(|weekday| WeeklyWindow { weekday, start_minute: 600, end_minute: 720 }).collect(),
            exceptions: Vec::new(),
            caps: Caps { daily_minutes: 1440, weekly_minutes: 10080 },
        }
    }

    #[test]
    fn work_due_before_the_time_to_do_it_is_at_risk() {
        let schedule = two_hours_a_day();
        let now = at(1, 0);
        // Day 1 and day 2 give 120 minutes each before noon of the day after.
        let fits = commitment(1, 7, 120, at(1, 23));
        let second = commitment(2, 7, 120, at(2, 23));
        let too_much = commitment(3, 7, 60, at(2, 23) + Duration::minutes(1));
        let nobody = commitment(4, 8, 10, at(5, 0));
        let risky = at_risk(
            |worker| (worker == UserId::from(uuid::Uuid::from_u128(7))).then_some(&schedule),
            vec![too_much, nobody, second, fits],
            now,
        );
        let ids: Vec<u128> = risky.iter().map(|r| r.commitment.task_id.as_uuid().as_u128()).collect();
        assert_eq!(ids, [3, 4], "240 minutes fit two days; a third task does not; no schedule, no time");
        assert_eq!((risky[0].needed_minutes, risky[0].available_minutes), (300, 240));
    }

    #[test]
    fn pages_follow_due_date_then_id() {
        let day = |n: i64| at(1, 0) + Duration::days(n);
        let risk = |task: u128, due: DateTime<Utc>| AtRisk {
            commitment: commitment(task, 99, 60, due),
            needed_minutes: 60,
            available_minutes: 0,
        };
        let list = vec![risk(5, day(1)), risk(2, day(2)), risk(4, day(2)), risk(1, day(3)), risk(3, day(9))];
        let ids =
            |page: &[AtRisk]| -> Vec<u128> { page.iter().map(|r| r.commitment.task_id.as_uuid().as_u128()).collect() };
        let limit = PageLimit::new(2).expect("limit");
        let (first, next) = page(list.clone(), None, limit);
        assert_eq!(ids(&first), [5, 2]);
        assert_eq!(next, Some(first[1].position()));
        let (second, next) = page(list.clone(), next, limit);
        assert_eq!(ids(&second), [4, 1]);
        let (third, next) = page(list.clone(), next, limit);
        assert_eq!((ids(&third), next), (vec![3], None));
        let (whole, next) = page(list, None, PageLimit::new(5).expect("limit"));
        assert_eq!((ids(&whole), next), (vec![5, 2, 4, 1, 3], None));
    }
}
