//! The slow-changing half of a centre's workforce: who the workers are, their
//! profiles, schedules (weekly windows, exceptions, caps), current skill levels and
//! teams. Ranking, the dashboard and capacity checks read all of it on every call,
//! and at 10 000 workers loading it costs more than their whole time budget
//! (`docs/benchmarks.md`), while it changes only when somebody edits a profile,
//! an availability, a level, a team or an account.
//!
//! So each server keeps one [`Roster`] per centre in a [`RosterCache`], and checks it
//! on every use against the centre's row in `roster_versions`. Database triggers
//! (migration `workforce_speed`) bump that version in the same transaction as any
//! write to the roster tables, whatever code or server made it, so a cached roster
//! is used only while it is exactly what the database holds. The fast-changing half
//! (commitments, quality counters, hours handed in) is never cached: see
//! [`crate::workforce::Snapshot`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use yui_domain::workforce::{Caps, Level, Schedule};
use yui_domain::{CenterId, Role, TeamId, Tenant, UserId};

use crate::centers::Center;
use crate::profiles::{self, Profile};
use crate::schema::roster_versions;
use crate::teams::{self, Membership};
use crate::users::{self, User};
use crate::{DbConnection, StoreError, availability, skills};

/// How far back a freshly loaded roster keeps dated exceptions: ranges that start
/// earlier (a look at past availability) load a roster of their own.
const EXCEPTION_DAYS_BACK: i64 = 7;

/// A centre's workers with everything about them that rarely changes.
pub struct Roster {
    /// The `roster_versions` value this roster was loaded at.
    pub version: i64,
    pub center: Center,
    /// Every worker account of the centre (active or not), in id order.
    pub workers: Vec<User>,
    /// Position of each worker in `workers`.
    positions: HashMap<UserId, usize>,
    schedules: HashMap<UserId, Schedule>,
    /// Exceptions on days before this one are not in `schedules`.
    exceptions_from: NaiveDate,
    /// Current level per skill slug, per worker.
    levels: HashMap<String, HashMap<UserId, Level>>,
    teams: HashMap<TeamId, Vec<Membership>>,
}

impl Roster {
    /// Loads the centre's roster, with exceptions from `exceptions_from` on.
    pub fn load(conn: &mut DbConnection, center: &Center, exceptions_from: NaiveDate) -> Result<Self, StoreError> {
        let version = current_version(conn, center.id)?.unwrap_or(0);
        let workers = users::all_in_tenant(conn, Tenant::Center(center.id), Role::Worker)?;
        let profiles = profiles::all_in(conn, center.id)?;
        let mut windows = availability::all_windows(conn, center.id)?;
        let mut exceptions = availability::all_exceptions_from(conn, center.id, exceptions_from)?;
        let schedules = workers
            .iter()
            .map(|worker| {
                let profile =
                    profiles.get(&worker.id).cloned().unwrap_or_else(|| Profile::default_for(worker.id, center));
                let schedule = Schedule {
                    time_zone: profile.time_zone,
                    windows: windows.remove(&worker.id).unwrap_or_default(),
                    exceptions: exceptions.remove(&worker.id).unwrap_or_default(),
                    caps: Caps { daily_minutes: profile.daily_cap_minutes, weekly_minutes: profile.weekly_cap_minutes },
                };
                (worker.id, schedule)
            })
            .collect();
        Ok(Self {
            version,
            center: center.clone(),
            levels: skills::all_levels(conn, center.id)?,
            teams: teams::all_members(conn, center.id)?,
            positions: workers.iter().enumerate().map(|(i, w)| (w.id, i)).collect(),
            workers,
            schedules,
            exceptions_from,
        })
    }

    /// One of the centre's workers.
    #[must_use]
    pub fn worker(&self, id: UserId) -> Option<&User> {
        self.positions.get(&id).map(|&i| &self.workers[i])
    }

    /// The worker's schedule (`None` for somebody who is not a worker here).
    #[must_use]
    pub fn schedule(&self, worker: UserId) -> Option<&Schedule> {
        self.schedules.get(&worker)
    }

    /// Every worker's current level in `skill`.
    #[must_use]
    pub fn levels_in(&self, skill: &str) -> Option<&HashMap<UserId, Level>> {
        self.levels.get(skill)
    }

    /// The members of `team` (with their roles).
    #[must_use]
    pub fn team_members(&self, team: TeamId) -> &[Membership] {
        self.teams.get(&team).map_or(&[], Vec::as_slice)
    }

    /// Whether the roster's schedules hold every exception from `day` on.
    fn covers(&self, day: NaiveDate) -> bool {
        self.exceptions_from <= day
    }
}

/// The centre's roster version, `None` if the centre has no row (it never happens
/// after the migration; such a centre is simply never cached).
fn current_version(conn: &mut DbConnection, center: CenterId) -> Result<Option<i64>, StoreError> {
    Ok(roster_versions::table.find(center.to_string()).select(roster_versions::version).first(conn).optional()?)
}

/// One server's rosters, one per centre.
#[derive(Default)]
pub struct RosterCache {
    rosters: Mutex<HashMap<CenterId, Arc<Roster>>>,
}

impl RosterCache {
    /// The centre's roster as the database holds it now, good for time ranges from
    /// `from` on: the cached one when its version is current, else a fresh load
    /// (which replaces it).
    ///
    /// Never call it after writing roster rows in the same transaction: what it
    /// loads could be cached under a version that is then rolled back. Such work
    /// loads with [`Roster::load`].
    pub fn current(
        &self,
        conn: &mut DbConnection,
        center: &Center,
        from: DateTime<Utc>,
    ) -> Result<Arc<Roster>, StoreError> {
        // A day early: local dates run up to a day ahead of or behind UTC.
        let first_day = (from - Duration::days(1)).date_naive();
        let before = current_version(conn, center.id)?;
        if let Some(version) = before {
            let cached = self.lock().get(&center.id).cloned();
            if let Some(roster) = cached.filter(|r| r.version == version && r.covers(first_day)) {
                return Ok(roster);
            }
        }
        let today = Utc::now().date_naive();
        let roster = Arc::new(Roster::load(conn, center, first_day.min(today - Duration::days(EXCEPTION_DAYS_BACK)))?);
        // On PostgreSQL each statement of a read sees the latest commits: a roster
        // write that committed while the roster loaded would leave it half old, half
        // new. Such a roster is used for this request but not kept.
        if before.is_some() && current_version(conn, center.id)? == before {
            self.lock().insert(center.id, Arc::clone(&roster));
        }
        Ok(roster)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CenterId, Arc<Roster>>> {
        self.rosters.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
