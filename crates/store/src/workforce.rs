//! A centre's workforce at one moment: the cached [`Roster`] (who the workers are,
//! their profiles, schedules, levels and teams) plus what changes all day long,
//! loaded fresh on every call in a few bulk queries (commitments, quality counters,
//! hours handed in this week). Ranking, capacity checks, at-risk detection and the
//! dashboard all compute from one snapshot instead of querying per worker.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, Utc};
use chrono_tz::Tz;
use yui_domain::workforce::ranking::CandidateFacts;
use yui_domain::workforce::{Level, Schedule, SkillRequirement};
use yui_domain::{PageLimit, TaskId, TeamId, UserId};

use crate::roster::Roster;
use crate::tasks::Commitment;
use crate::users::User;
use crate::workload::{self, Workload};
use crate::{DbConnection, Page, StoreError};

/// Everything the workforce rules need about a centre's workers.
pub struct Snapshot {
    pub roster: Arc<Roster>,
    /// When set, only the workers who meet it are in the snapshot.
    qualified: Option<SkillRequirement>,
    /// What each worker in the snapshot has on their plate now.
    workloads: HashMap<UserId, Workload>,
}

/// Monday 00:00 in `time_zone` of the week containing `now`: "this week" for a
/// centre (the fairness window, the dashboard's weekly hours).
#[must_use]
pub fn week_start(now: DateTime<Utc>, time_zone: Tz) -> DateTime<Utc> {
    let local = now.with_timezone(&time_zone).date_naive();
    let monday = local - Duration::days(i64::from(local.weekday().num_days_from_monday()));
    monday
        .and_hms_opt(0, 0, 0)
        .and_then(|midnight| midnight.and_local_timezone(time_zone).earliest())
        .map_or(now, |t| t.with_timezone(&Utc))
}

impl Snapshot {
    /// The snapshot at `now` of the roster's workers; with `qualified`, only of those
    /// who meet it (ranking needs nobody else, and reading a fifth of a large centre's
    /// rows is a fifth of the work: `docs/benchmarks.md`).
    pub fn load(
        conn: &mut DbConnection,
        roster: Arc<Roster>,
        now: DateTime<Utc>,
        qualified: Option<&SkillRequirement>,
    ) -> Result<Self, StoreError> {
        let center = roster.center.id;
        let week = week_start(now, roster.center.time_zone);
        Ok(Self {
            workloads: workload::of_workers(conn, center, week, qualified)?,
            qualified: qualified.cloned(),
            roster,
        })
    }

    /// The workers in the snapshot (all of the centre's, or the qualified ones).
    pub fn workers(&self) -> impl Iterator<Item = &User> {
        self.roster.workers.iter().filter(|worker| match &self.qualified {
            Some(requirement) => self.level(worker.id, &requirement.skill).is_some_and(|l| l >= requirement.min_level),
            None => true,
        })
    }

    /// The worker's current level in `skill`.
    #[must_use]
    pub fn level(&self, worker: UserId, skill: &str) -> Option<Level> {
        self.roster.levels_in(skill).and_then(|levels| levels.get(&worker)).copied()
    }

    /// Minutes the worker can work in `[from, to)` before anything they committed to.
    #[must_use]
    pub fn capacity_minutes(&self, worker: UserId, from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
        self.roster.schedule(worker).map_or(0, |schedule| schedule.available_minutes(from, to))
    }

    /// The worker's load (nothing, for somebody not in the snapshot).
    #[must_use]
    pub fn workload(&self, worker: UserId) -> Workload {
        self.workloads.get(&worker).copied().unwrap_or_default()
    }

    /// Minutes of unfinished work assigned to the worker.
    #[must_use]
    pub fn committed(&self, worker: UserId) -> u32 {
        u32::try_from(self.workload(worker).committed_minutes).unwrap_or(u32::MAX)
    }

    /// Minutes the worker can still give in `[from, to)` after their commitments.
    #[must_use]
    pub fn free_minutes(&self, worker: UserId, from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
        self.capacity_minutes(worker, from, to).saturating_sub(self.committed(worker))
    }
}

/// Work that can no longer be done in time by its worker.
#[derive(Debug, Clone, Copy)]
pub struct AtRisk {
    pub commitment: Commitment,
    /// Minutes of the worker's work due by this task's due date (this task included).
    pub needed_minutes: u32,
    /// Minutes the worker can work before this task's due date.
    pub available_minutes: u32,
}

impl Snapshot {
    /// The facts the ranking needs about every worker in the snapshot, for a task
    /// needing `needs` by `due_at`. `pool` limits the workers (a team queue);
    /// `preferred_team` earns its members the team bonus.
    #[must_use]
    pub fn candidate_facts(
        &self,
        needs: Option<&SkillRequirement>,
        now: DateTime<Utc>,
        due_at: DateTime<Utc>,
        pool: Option<TeamId>,
        preferred_team: Option<TeamId>,
    ) -> Vec<CandidateFacts<UserId>> {
        let members_of = |team: Option<TeamId>| -> Option<HashSet<UserId>> {
            team.map(|team| self.roster.team_members(team).iter().map(|m| m.worker_id).collect())
        };
        let (pool, preferred) = (members_of(pool), members_of(preferred_team));
        self.workers()
            .filter(|worker| pool.as_ref().is_none_or(|members| members.contains(&worker.id)))
            .map(|worker| CandidateFacts {
                worker: worker.id,
                active: worker.active,
                level: needs.and_then(|r| self.level(worker.id, &r.skill)),
                available_minutes: self.free_minutes(worker.id, now, due_at),
                committed_minutes: self.committed(worker.id),
                weekly_cap_minutes: self.roster.schedule(worker.id).map_or(0, |s| s.caps.weekly_minutes),
                worked_this_week_minutes: u32::try_from(self.workload(worker.id).handed_in_minutes).unwrap_or(u32::MAX),
                first_pass_rate: self.workload(worker.id).quality.first_pass_rate(),
                in_preferred_team: preferred.as_ref().is_some_and(|members| members.contains(&worker.id)),
            })
            .collect()
    }
}

/// Among `commitments`, those their worker can no longer finish by the due date:
/// each worker's work is taken soonest-due first, and a task is at risk when the work
/// due by its date exceeds the time available before it. Each worker's schedule
/// (from `schedule_of`) is walked once, up to their last due date. Soonest due first.
pub fn at_risk<'a>(
    schedule_of: impl Fn(UserId) -> Option<&'a Schedule>,
    commitments: Vec<Commitment>,
    now: DateTime<Utc>,
) -> Vec<AtRisk> {
    let mut by_worker: HashMap<UserId, Vec<Commitment>> = HashMap::new();
    for commitment in commitments {
        by_worker.entry(commitment.worker).or_default().push(commitment);
    }
    let mut risky = Vec::new();
    for (worker, mut work) in by_worker {
        work.sort_by(|a, b| a.due_at.cmp(&b.due_at).then(a.task_id.cmp(&b.task_id)));
        let dues: Vec<DateTime<Utc>> = work.iter().map(|c| c.due_at).collect();
        let available = match schedule_of(worker) {
            Some(schedule) => schedule.available_minutes_until_each(now, &dues),
            None => vec![0; dues.len()],
        };
        let mut needed: u32 = 0;
        for (commitment, available_minutes) in work.into_iter().zip(available) {
            needed = needed.saturating_add(u32::try_from(commitment.estimated_minutes).unwrap_or(u32::MAX));
            if needed > available_minutes {
                risky.push(AtRisk { commitment, needed_minutes: needed, available_minutes });
            }
        }
    }
    risky.sort_by_key(AtRisk::position);
    risky
}

impl AtRisk {
    /// Where the task stands in the at-risk list: soonest due first, then by id.
    #[must_use]
    pub fn position(&self) -> (DateTime<Utc>, TaskId) {
        (self.commitment.due_at, self.commitment.task_id)
    }
}

/// One page of [`at_risk`]'s list: the tasks after position `after` (see
/// [`AtRisk::position`]), at most `limit` of them. The list is computed afresh on
/// every read, so a task that becomes at risk ahead of `after` while a client pages
/// shows on its next read from the start.
#[must_use]
pub fn page_of_at_risk(
    mut risky: Vec<AtRisk>,
    after: Option<(DateTime<Utc>, TaskId)>,
    limit: PageLimit,
) -> Page<AtRisk> {
    if let Some(after) = after {
        risky.retain(|risk| risk.position() > after);
    }
    Page::from_overfetch(risky, limit.get(), |risk| risk.commitment.task_id.as_uuid())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn risk(task: u128, due_in_days: i64) -> AtRisk {
        let due_at = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).expect("time") + Duration::days(due_in_days);
        AtRisk {
            commitment: Commitment {
                task_id: TaskId::from(uuid::Uuid::from_u128(task)),
                worker: UserId::from(uuid::Uuid::from_u128(99)),
                estimated_minutes: 60,
                due_at,
            },
            needed_minutes: 60,
            available_minutes: 0,
        }
    }

    /// Pages follow the list's order (due date, then id), each starting after the
    /// previous page's last task, and only a page with more behind it has a cursor.
    #[test]
    fn at_risk_pages_follow_due_date_then_id() {
        let list = vec![risk(5, 1), risk(2, 2), risk(4, 2), risk(1, 3), risk(3, 9)];
        let ids = |page: &Page<AtRisk>| -> Vec<u128> {
            page.items.iter().map(|r| r.commitment.task_id.as_uuid().as_u128()).collect()
        };
        let limit = PageLimit::new(2).expect("limit");
        let first = page_of_at_risk(list.clone(), None, limit);
        assert_eq!(ids(&first), [5, 2]);
        assert_eq!(first.next_after, Some(uuid::Uuid::from_u128(2)));
        let second = page_of_at_risk(list.clone(), Some(first.items[1].position()), limit);
        assert_eq!(ids(&second), [4, 1]);
        let third = page_of_at_risk(list.clone(), Some(second.items[1].position()), limit);
        assert_eq!(ids(&third), [3]);
        assert_eq!(third.next_after, None);
        let whole = page_of_at_risk(list, None, PageLimit::new(5).expect("limit"));
        assert_eq!((ids(&whole), whole.next_after), (vec![5, 2, 4, 1, 3], None));
    }
}
