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
use yui_domain::{TeamId, UserId};

use crate::centers::Center;
use crate::roster::Roster;
use crate::tasks::Commitment;
use crate::users::User;
use crate::workload::{self, Workload};
use crate::{DbConnection, StoreError};

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

/// The centre's time zone (Asia/Tokyo if it cannot be read).
#[must_use]
pub fn center_time_zone(center: &Center) -> Tz {
    center.time_zone.parse().unwrap_or(chrono_tz::Asia::Tokyo)
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
        let week = week_start(now, center_time_zone(&roster.center));
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
    risky.sort_by(|a, b| {
        a.commitment.due_at.cmp(&b.commitment.due_at).then(a.commitment.task_id.cmp(&b.commitment.task_id))
    });
    risky
}
