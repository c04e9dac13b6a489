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
use yui_domain::workforce::{Level, SkillRequirement};
use yui_domain::{TeamId, UserId};

use crate::roster::Roster;
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
        self.facts_for_deadlines(now, [due_at]).for_task(needs, due_at, pool, preferred_team)
    }

    /// What [`Self::candidate_facts`] needs for tasks due at any of `deadlines`,
    /// worked out once per worker: the facts that do not depend on the task, and
    /// the free minutes until each deadline in one walk over the worker's days.
    /// Ranking substitutes for a page of at-risk tasks asks this once instead of once
    /// per task (docs/benchmarks.md).
    #[must_use]
    pub fn facts_for_deadlines(
        &self,
        now: DateTime<Utc>,
        deadlines: impl IntoIterator<Item = DateTime<Utc>>,
    ) -> DeadlineFacts<'_> {
        let mut deadlines: Vec<DateTime<Utc>> = deadlines.into_iter().collect();
        deadlines.sort_unstable();
        deadlines.dedup();
        let mut free_minutes = Vec::with_capacity(self.roster.workers.len() * deadlines.len());
        let base = self
            .workers()
            .map(|worker| {
                let committed = self.committed(worker.id);
                let capacity = self.roster.schedule(worker.id).map_or_else(
                    || vec![0; deadlines.len()],
                    |schedule| schedule.available_minutes_until_each(now, &deadlines),
                );
                let facts = CandidateFacts {
                    worker: worker.id,
                    active: worker.active,
                    level: None,
                    available_minutes: 0,
                    committed_minutes: committed,
                    weekly_cap_minutes: self.roster.schedule(worker.id).map_or(0, |s| s.caps.weekly_minutes),
                    worked_this_week_minutes: u32::try_from(self.workload(worker.id).handed_in_minutes)
                        .unwrap_or(u32::MAX),
                    first_pass_rate: self.workload(worker.id).quality.first_pass_rate(),
                    in_preferred_team: false,
                };
                free_minutes.extend(capacity.into_iter().map(|minutes| minutes.saturating_sub(committed)));
                facts
            })
            .collect();
        DeadlineFacts { snapshot: self, now, deadlines, base, free_minutes }
    }
}

/// The snapshot's workers' facts for tasks due at a few deadlines; see
/// [`Snapshot::facts_for_deadlines`].
pub struct DeadlineFacts<'a> {
    snapshot: &'a Snapshot,
    now: DateTime<Utc>,
    /// Sorted, without repeats.
    deadlines: Vec<DateTime<Utc>>,
    /// Each worker's facts, without the task's level and free time.
    base: Vec<CandidateFacts<UserId>>,
    /// Each worker's free minutes until each deadline: `deadlines.len()` values per
    /// worker, in `base`'s order.
    free_minutes: Vec<u32>,
}

impl DeadlineFacts<'_> {
    /// [`Snapshot::candidate_facts`] for one task. A due date not among the
    /// deadlines is walked on its own.
    #[must_use]
    pub fn for_task(
        &self,
        needs: Option<&SkillRequirement>,
        due_at: DateTime<Utc>,
        pool: Option<TeamId>,
        preferred_team: Option<TeamId>,
    ) -> Vec<CandidateFacts<UserId>> {
        let snapshot = self.snapshot;
        let members_of = |team: Option<TeamId>| -> Option<HashSet<UserId>> {
            team.map(|team| snapshot.roster.team_members(team).iter().map(|m| m.worker_id).collect())
        };
        let (pool, preferred) = (members_of(pool), members_of(preferred_team));
        let levels = needs.and_then(|requirement| snapshot.roster.levels_in(&requirement.skill));
        let deadline = self.deadlines.binary_search(&due_at).ok();
        let stride = self.deadlines.len();
        self.base
            .iter()
            .enumerate()
            .filter(|(_, facts)| pool.as_ref().is_none_or(|members| members.contains(&facts.worker)))
            .map(|(position, facts)| CandidateFacts {
                level: levels.and_then(|levels| levels.get(&facts.worker)).copied(),
                available_minutes: deadline
                    .and_then(|index| self.free_minutes.get(position * stride + index))
                    .copied()
                    .unwrap_or_else(|| snapshot.free_minutes(facts.worker, self.now, due_at)),
                in_preferred_team: preferred.as_ref().is_some_and(|members| members.contains(&facts.worker)),
                ..facts.clone()
            })
            .collect()
    }
}
