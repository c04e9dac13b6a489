//! A centre's workforce at one moment, loaded in a handful of bulk queries: who the
//! workers are, their profiles, levels, windows, exceptions, commitments, quality
//! counters and teams. Ranking, capacity checks, at-risk detection and the dashboard
//! all compute from one snapshot instead of querying per worker.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, Utc};
use chrono_tz::Tz;
use yui_domain::workforce::ranking::CandidateFacts;
use yui_domain::workforce::{Caps, Level, Schedule, SkillRequirement};
use yui_domain::{Role, TeamId, UserId};

use crate::centers::Center;
use crate::profiles::{self, Profile};
use crate::tasks::Task;
use crate::teams::{self, Membership};
use crate::users::{self, User};
use crate::worker_stats::{self, QualityCounts};
use crate::{DbConnection, StoreError, availability, skills, submissions, tasks};

/// Everything the workforce rules need about a centre's workers.
pub struct Snapshot {
    pub center: Center,
    pub workers: Vec<User>,
    pub profiles: HashMap<UserId, Profile>,
    windows: HashMap<UserId, Vec<yui_domain::workforce::WeeklyWindow>>,
    exceptions: HashMap<UserId, Vec<yui_domain::workforce::DayException>>,
    pub committed_minutes: HashMap<UserId, i64>,
    pub quality: HashMap<UserId, QualityCounts>,
    pub handed_in_this_week: HashMap<UserId, i64>,
    pub teams: HashMap<TeamId, Vec<Membership>>,
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
    /// Loads the snapshot, with exceptions for the days from `from` to `until`.
    pub fn load(
        conn: &mut DbConnection,
        center: Center,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Self, StoreError> {
        Self::load_for(conn, center, from, until, None)
    }

    /// Like [`Self::load`], but only for the workers who meet `requirement` (when
    /// given): ranking needs nobody else, and loading a fifth of a large centre is a
    /// fifth of the work (`docs/benchmarks.md`).
    pub fn load_for(
        conn: &mut DbConnection,
        center: Center,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        requirement: Option<&SkillRequirement>,
    ) -> Result<Self, StoreError> {
        let qualified = match requirement {
            Some(r) => Some(skills::qualified_ids(conn, center.id, &r.skill, r.min_level)?),
            None => None,
        };
        let only = qualified.as_deref();
        // One query for all the workers (paging 100 at a time cost one round trip per
        // hundred workers).
        let workers = users::all_in_tenant(conn, yui_domain::Tenant::Center(center.id), Role::Worker, only)?;
        let first_day = from.date_naive() - Duration::days(1);
        let last_day = until.date_naive() + Duration::days(1);
        Ok(Self {
            profiles: profiles::all_in(conn, center.id, only)?,
            windows: availability::all_windows(conn, center.id, only)?,
            exceptions: availability::all_exceptions(conn, center.id, first_day, last_day, only)?,
            committed_minutes: tasks::committed_minutes(conn, center.id, only)?,
            quality: worker_stats::all_in(conn, center.id, only)?,
            handed_in_this_week: submissions::handed_in_since(
                conn,
                center.id,
                week_start(from, center_time_zone(&center)),
                only,
            )?,
            teams: teams::all_members(conn, center.id)?,
            workers,
            center,
        })
    }

    /// The worker's saved profile, or the centre's defaults.
    #[must_use]
    pub fn profile(&self, worker: UserId) -> Profile {
        self.profiles.get(&worker).cloned().unwrap_or_else(|| Profile::default_for(worker, &self.center))
    }

    /// Adds an exception to the worker's schedule in this snapshot only (to compare
    /// before and after recording it).
    pub fn add_exception(&mut self, worker: UserId, exception: yui_domain::workforce::DayException) {
        self.exceptions.entry(worker).or_default().push(exception);
    }

    /// The worker's schedule: windows, exceptions, caps, in their time zone.
    #[must_use]
    pub fn schedule(&self, worker: UserId) -> Schedule {
        let profile = self.profile(worker);
        Schedule {
            time_zone: profile.time_zone.parse::<Tz>().unwrap_or(chrono_tz::Asia::Tokyo),
            windows: self.windows.get(&worker).cloned().unwrap_or_default(),
            exceptions: self.exceptions.get(&worker).cloned().unwrap_or_default(),
            caps: Caps { daily_minutes: profile.daily_cap_minutes, weekly_minutes: profile.weekly_cap_minutes },
        }
    }

    /// Minutes the worker can work in `[from, to)` before anything they committed to.
    #[must_use]
    pub fn capacity_minutes(&self, worker: UserId, from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
        self.schedule(worker).available_minutes(from, to)
    }

    /// Minutes of unfinished work assigned to the worker.
    #[must_use]
    pub fn committed(&self, worker: UserId) -> u32 {
        u32::try_from(self.committed_minutes.get(&worker).copied().unwrap_or(0)).unwrap_or(u32::MAX)
    }

    /// Minutes the worker can still give in `[from, to)` after their commitments.
    #[must_use]
    pub fn free_minutes(&self, worker: UserId, from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
        self.capacity_minutes(worker, from, to).saturating_sub(self.committed(worker))
    }

    /// The members of `team` (with their roles).
    #[must_use]
    pub fn team_members(&self, team: TeamId) -> &[Membership] {
        self.teams.get(&team).map_or(&[], Vec::as_slice)
    }

    /// Whether `worker` is in `team`.
    #[must_use]
    pub fn in_team(&self, team: Option<TeamId>, worker: UserId) -> bool {
        team.is_some_and(|team| self.team_members(team).iter().any(|m| m.worker_id == worker))
    }
}

/// A task that can no longer be done in time by its worker.
#[derive(Debug, Clone)]
pub struct AtRisk {
    pub task: Task,
    /// Minutes of the worker's work due by this task's due date (this task included).
    pub needed_minutes: u32,
    /// Minutes the worker can work before this task's due date.
    pub available_minutes: u32,
}

impl Snapshot {
    /// The facts the ranking needs about every worker, for a task needing `needs`
    /// by `due_at`. `pool` limits the workers (a team queue); `preferred_team` earns
    /// its members the team bonus.
    #[must_use]
    pub fn candidate_facts(
        &self,
        levels: &HashMap<UserId, Level>,
        now: DateTime<Utc>,
        due_at: DateTime<Utc>,
        pool: Option<TeamId>,
        preferred_team: Option<TeamId>,
    ) -> Vec<CandidateFacts<UserId>> {
        self.workers
            .iter()
            .filter(|worker| pool.is_none_or(|team| self.in_team(Some(team), worker.id)))
            .map(|worker| {
                let profile = self.profile(worker.id);
                CandidateFacts {
                    worker: worker.id,
                    active: worker.active,
                    level: levels.get(&worker.id).copied(),
                    available_minutes: self.free_minutes(worker.id, now, due_at),
                    committed_minutes: self.committed(worker.id),
                    weekly_cap_minutes: profile.weekly_cap_minutes,
                    worked_this_week_minutes: u32::try_from(
                        self.handed_in_this_week.get(&worker.id).copied().unwrap_or(0),
                    )
                    .unwrap_or(u32::MAX),
                    first_pass_rate: self.quality.get(&worker.id).and_then(QualityCounts::first_pass_rate),
                    in_preferred_team: self.in_team(preferred_team, worker.id),
                }
            })
            .collect()
    }

    /// Among `tasks` (unfinished, assigned), those their worker can no longer finish
    /// by the due date: each worker's tasks are taken soonest-due first, and a task is
    /// at risk when the work due by its date exceeds the time available before it.
    #[must_use]
    pub fn at_risk(&self, tasks: Vec<Task>, now: DateTime<Utc>) -> Vec<AtRisk> {
        let mut by_worker: HashMap<UserId, Vec<Task>> = HashMap::new();
        for task in tasks {
            if let Some(worker) = task.assignee_id {
                by_worker.entry(worker).or_default().push(task);
            }
        }
        let mut risky = Vec::new();
        for (worker, mut tasks) in by_worker {
            tasks.sort_by(|a, b| a.spec.due_at.cmp(&b.spec.due_at).then(a.id.cmp(&b.id)));
            let schedule = self.schedule(worker);
            let mut needed: u32 = 0;
            for task in tasks {
                needed = needed.saturating_add(u32::try_from(task.spec.estimated_minutes).unwrap_or(u32::MAX));
                let available = schedule.available_minutes(now, task.spec.due_at);
                if needed > available {
                    risky.push(AtRisk { task, needed_minutes: needed, available_minutes: available });
                }
            }
        }
        risky.sort_by(|a, b| a.task.spec.due_at.cmp(&b.task.spec.due_at).then(a.task.id.cmp(&b.task.id)));
        risky
    }
}
