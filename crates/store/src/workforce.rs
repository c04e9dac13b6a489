//! A centre's workforce at one moment: the cached [`Roster`] (who the workers are,
//! their profiles, schedules, levels and teams) plus what changes all day long,
//! loaded fresh on every call in a few bulk queries (commitments, quality counters,
//! hours handed in this week). Ranking, capacity checks, at-risk detection and the
//! dashboard all compute from one snapshot instead of querying per worker.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, Utc};
use chrono_tz::Tz;
use yui_domain::workforce::availability::LocalRange;
use yui_domain::workforce::ranking::{self, CandidateFacts, TaskNeeds};
use yui_domain::workforce::{Level, SkillRequirement};
use yui_domain::{IdMap, IdSet, TeamId, UserId};

use crate::roster::Roster;
use crate::users::User;
use crate::workload::{self, Among, Workload};
use crate::{DbConnection, StoreError};

/// Everything the workforce rules need about a centre's workers.
pub struct Snapshot {
    pub roster: Arc<Roster>,
    /// When set, only the workers who meet it are in the snapshot.
    qualified: Option<SkillRequirement>,
    /// What each worker in the snapshot has on their plate now.
    workloads: IdMap<UserId, Workload>,
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
        let among = qualified.map_or(Among::Everyone, Among::Qualified);
        Ok(Self { workloads: workload::of_workers(conn, center, week, among)?, qualified: qualified.cloned(), roster })
    }

    /// Every worker of the roster with `committed` minutes each, and nothing handed
    /// in or reviewed: the facts that need no reading, for choosing whose load to
    /// read ([`crate::substitutes`]).
    #[must_use]
    pub fn without_loads(roster: Arc<Roster>, committed: &IdMap<UserId, i64>) -> Self {
        let workloads = committed
            .iter()
            .map(|(&worker, &minutes)| (worker, Workload { committed_minutes: minutes, ..Workload::default() }))
            .collect();
        Self { roster, qualified: None, workloads }
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
    /// worked out once per worker in the snapshot.
    #[must_use]
    pub fn facts_for_deadlines(
        &self,
        now: DateTime<Utc>,
        deadlines: impl IntoIterator<Item = DateTime<Utc>>,
    ) -> DeadlineFacts<'_> {
        self.facts_with(FreeTime::of(&self.roster, self.workers(), |worker| self.committed(worker), now, deadlines))
    }

    /// [`Self::facts_for_deadlines`] for the workers whose free time is already
    /// worked out (a page of substitutes: [`FreeTime::keep_able`]); they must be
    /// in the snapshot.
    #[must_use]
    pub fn facts_with(&self, free: FreeTime) -> DeadlineFacts<'_> {
        let base = free
            .workers
            .iter()
            .enumerate()
            .filter_map(|(position, &id)| Some((position, self.roster.worker(id)?)))
            .map(|(position, worker)| {
                let load = self.workload(worker.id);
                let mut facts = CandidateFacts {
                    worker: worker.id,
                    active: worker.active,
                    level: None,
                    available_minutes: 0,
                    committed_minutes: u32::try_from(load.committed_minutes).unwrap_or(u32::MAX),
                    weekly_cap_minutes: self.roster.schedule(worker.id).map_or(0, |s| s.caps.weekly_minutes),
                    worked_this_week_minutes: 0,
                    first_pass_rate: None,
                    in_preferred_team: false,
                };
                with_load(&mut facts, &load);
                (position, facts)
            })
            .collect();
        DeadlineFacts { snapshot: self, free, base }
    }
}

/// Sets the facts that come from the worker's load of the day other than their
/// committed minutes: hours handed in this week and quality.
pub(crate) fn with_load(facts: &mut CandidateFacts<UserId>, load: &Workload) {
    facts.worked_this_week_minutes = u32::try_from(load.handed_in_minutes).unwrap_or(u32::MAX);
    facts.first_pass_rate = load.quality.first_pass_rate();
}

/// Some workers' free minutes until each of a few deadlines: what their schedule
/// gives before each, less everything they have committed to. Each worker's days
/// are walked once, up to the last deadline; ranking substitutes for a page of
/// at-risk tasks asks this once instead of once per task (docs/benchmarks.md).
pub struct FreeTime {
    now: DateTime<Utc>,
    /// Sorted, without repeats.
    deadlines: Vec<DateTime<Utc>>,
    workers: Vec<UserId>,
    /// `deadlines.len()` values per worker, in `workers`' order.
    minutes: Vec<u32>,
}

impl FreeTime {
    /// The free time of `workers` (of `roster`), who have `committed` minutes each.
    pub fn of<'a>(
        roster: &Roster,
        workers: impl Iterator<Item = &'a User>,
        committed: impl Fn(UserId) -> u32,
        now: DateTime<Utc>,
        deadlines: impl IntoIterator<Item = DateTime<Utc>>,
    ) -> Self {
        let mut deadlines: Vec<DateTime<Utc>> = deadlines.into_iter().collect();
        deadlines.sort_unstable();
        deadlines.dedup();
        let mut ids = Vec::new();
        let mut minutes = Vec::new();
        // The range in local time, converted again only when a worker's time zone
        // differs from the previous one's (a centre's workers mostly share one).
        let mut range = LocalRange::new(roster.center.time_zone, now, &deadlines);
        for worker in workers {
            let committed = committed(worker.id);
            match roster.schedule(worker.id) {
                Some(schedule) => {
                    if range.time_zone() != schedule.time_zone {
                        range = LocalRange::new(schedule.time_zone, now, &deadlines);
                    }
                    let capacity = schedule.available_minutes_within(&range);
                    minutes.extend(capacity.into_iter().map(|capacity| capacity.saturating_sub(committed)));
                }
                None => minutes.extend(std::iter::repeat_n(0, deadlines.len())),
            }
            ids.push(worker.id);
        }
        Self { now, deadlines, workers: ids, minutes }
    }

    /// The free minutes of the worker at `position` until the deadline at
    /// `deadline`.
    fn until(&self, position: usize, deadline: usize) -> Option<u32> {
        self.minutes.get(position * self.deadlines.len() + deadline).copied()
    }

    /// Keeps only the workers who could take at least one of `openings` in time:
    /// active, at the level, in the pool, with the free time
    /// ([`ranking::could_take`]). Only their load is worth reading for a page of
    /// substitutes: at-risk tasks are due soon, and many workers cannot take any.
    /// An opening due at none of the deadlines is nobody's.
    #[must_use]
    pub fn keep_able(self, roster: &Roster, openings: &[Opening<'_>]) -> Self {
        let deadline_of: Vec<Option<usize>> =
            openings.iter().map(|opening| self.deadlines.binary_search(&opening.due_at).ok()).collect();
        let pools: Vec<Option<IdSet<UserId>>> = openings
            .iter()
            .map(|opening| opening.pool.map(|team| roster.team_members(team).iter().map(|m| m.worker_id).collect()))
            .collect();
        let levels: Vec<Option<&IdMap<UserId, Level>>> = openings
            .iter()
            .map(|opening| opening.needs.requirement.as_ref().and_then(|r| roster.levels_in(&r.skill)))
            .collect();
        let stride = self.deadlines.len();
        let mut kept =
            Self { now: self.now, deadlines: self.deadlines.clone(), workers: Vec::new(), minutes: Vec::new() };
        for (position, &worker) in self.workers.iter().enumerate() {
            let active = roster.worker(worker).is_some_and(|w| w.active);
            let able = active
                && openings.iter().enumerate().any(|(i, opening)| {
                    let free = deadline_of[i].and_then(|deadline| self.until(position, deadline));
                    opening.except != Some(worker)
                        && free.is_some_and(|free| {
                            ranking::could_take(opening.needs, true, free, || {
                                levels[i].and_then(|levels| levels.get(&worker)).copied()
                            })
                        })
                        && pools[i].as_ref().is_none_or(|members| members.contains(&worker))
                });
            if able {
                kept.workers.push(worker);
                kept.minutes.extend_from_slice(&self.minutes[position * stride..(position + 1) * stride]);
            }
        }
        kept
    }
}

/// A task that needs a worker, as [`FreeTime::keep_able`] and
/// [`crate::substitutes`] see it.
pub struct Opening<'a> {
    pub needs: &'a TaskNeeds,
    pub due_at: DateTime<Utc>,
    /// Only this team's members may take it (a team queue).
    pub pool: Option<TeamId>,
    /// Its members earn the team bonus.
    pub preferred_team: Option<TeamId>,
    /// Who may not take it (its current worker).
    pub except: Option<UserId>,
}

/// The ranking facts of some of a snapshot's workers for tasks due at a few
/// deadlines; see [`Snapshot::facts_for_deadlines`].
pub struct DeadlineFacts<'a> {
    snapshot: &'a Snapshot,
    free: FreeTime,
    /// Each worker's position in `free` and facts, without the task's level and
    /// free time.
    base: Vec<(usize, CandidateFacts<UserId>)>,
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
        self.facts(needs, due_at, pool, preferred_team, |_| true)
    }

    /// The facts of only the workers who could take a task needing `needs` by
    /// `due_at` ([`ranking::could_take`]), other than `except`: what a ranking of
    /// the best few needs, without building the facts of everybody else.
    #[must_use]
    pub fn able_for_task(
        &self,
        needs: &TaskNeeds,
        due_at: DateTime<Utc>,
        pool: Option<TeamId>,
        preferred_team: Option<TeamId>,
        except: Option<UserId>,
    ) -> Vec<CandidateFacts<UserId>> {
        let levels =
            needs.requirement.as_ref().and_then(|requirement| self.snapshot.roster.levels_in(&requirement.skill));
        self.facts(needs.requirement.as_ref(), due_at, pool, preferred_team, |(facts, free)| {
            Some(facts.worker) != except
                && ranking::could_take(needs, facts.active, free, || {
                    levels.and_then(|levels| levels.get(&facts.worker)).copied()
                })
        })
    }

    /// The facts for one task of the workers (in the pool) that `keep` accepts,
    /// given their base facts and free minutes until `due_at`.
    fn facts(
        &self,
        needs: Option<&SkillRequirement>,
        due_at: DateTime<Utc>,
        pool: Option<TeamId>,
        preferred_team: Option<TeamId>,
        keep: impl Fn((&CandidateFacts<UserId>, u32)) -> bool,
    ) -> Vec<CandidateFacts<UserId>> {
        let snapshot = self.snapshot;
        let members_of = |team: Option<TeamId>| -> Option<IdSet<UserId>> {
            team.map(|team| snapshot.roster.team_members(team).iter().map(|m| m.worker_id).collect())
        };
        let (pool, preferred) = (members_of(pool), members_of(preferred_team));
        let levels = needs.and_then(|requirement| snapshot.roster.levels_in(&requirement.skill));
        let deadline = self.free.deadlines.binary_search(&due_at).ok();
        self.base
            .iter()
            .map(|(position, facts)| {
                let free = deadline
                    .and_then(|index| self.free.until(*position, index))
                    .unwrap_or_else(|| snapshot.free_minutes(facts.worker, self.free.now, due_at));
                (facts, free)
            })
            .filter(|&(facts, free)| keep((facts, free)))
            .filter(|(facts, _)| pool.as_ref().is_none_or(|members| members.contains(&facts.worker)))
            .map(|(facts, free)| CandidateFacts {
                level: levels.and_then(|levels| levels.get(&facts.worker)).copied(),
                available_minutes: free,
                in_preferred_team: preferred.as_ref().is_some_and(|members| members.contains(&facts.worker)),
                ..facts.clone()
            })
            .collect()
    }
}
