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
//!
//! When the version has moved, the same triggers (migration `roster_changes`) have
//! noted whose rows changed, and at which version. A server then reads again only
//! those workers' rows and keeps the rest of its roster: a level changed at 10 000
//! workers costs a few milliseconds instead of a whole reload (110-140 ms,
//! `docs/benchmarks.md`). A change to the centre itself or to a team, or to more
//! than a tenth of the workers at once, still reloads everything.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use yui_domain::workforce::{Caps, Level, Schedule};
use yui_domain::{CenterId, IdMap, TeamId, UserId};

use crate::centers::Center;
use crate::ids::parse_uuid;
use crate::profiles::{self, Profile};
use crate::schema::{roster_changes, roster_versions};
use crate::teams::{self, Membership};
use crate::users::{self, User};
use crate::{DbConnection, StoreError, availability, skills};

/// How far back a freshly loaded roster keeps dated exceptions: ranges that start
/// earlier (a look at past availability) load a roster of their own.
const EXCEPTION_DAYS_BACK: i64 = 7;

/// A roster is read again in full once more than one in this many of its workers
/// changed (and more than [`CHANGED_ALWAYS_READ_ALONE`]): reading the changed ones
/// by id would no longer be clearly cheaper.
const CHANGED_SHARE_FOR_WHOLE_RELOAD: usize = 10;

/// Up to this many changed workers are read by id, whatever the roster's size.
const CHANGED_ALWAYS_READ_ALONE: usize = 100;

/// `roster_changes.worker_id` of a change to the centre or a team, which every
/// worker's data may depend on.
const WHOLE_ROSTER: &str = "*";

/// Whose rows a roster loader reads.
#[derive(Clone, Copy, Debug)]
pub enum Workers<'a> {
    /// Every worker of the centre, found by the centre.
    All,
    /// Only these workers, found by their ids alone: the caller has checked that
    /// they are the centre's (a worker's rows are all in the worker's centre).
    /// Filtering on the centre as well would lead SQLite's planner to walk the
    /// centre's index instead of the workers' (at 10 000 workers, 10 ms a loader).
    Only(&'a [UserId]),
}

impl Workers<'_> {
    /// The ids to filter on, as stored; `None` for everybody.
    pub(crate) fn ids(self) -> Option<Vec<String>> {
        match self {
            Workers::All => None,
            Workers::Only(ids) => Some(ids.iter().map(ToString::to_string).collect()),
        }
    }
}

/// A centre's workers with everything about them that rarely changes.
#[derive(Debug, PartialEq)]
pub struct Roster {
    /// The `roster_versions` value this roster was loaded at.
    pub version: i64,
    pub center: Center,
    /// Every worker account of the centre (active or not), in id order.
    pub workers: Vec<User>,
    /// Position of each worker in `workers`.
    positions: IdMap<UserId, usize>,
    schedules: IdMap<UserId, Schedule>,
    /// Exceptions on days before this one are not in `schedules`.
    exceptions_from: NaiveDate,
    /// Current level per skill slug, per worker.
    levels: HashMap<String, IdMap<UserId, Level>>,
    /// Each team's members, in joining order; teams without members are absent.
    teams: HashMap<TeamId, Vec<Membership>>,
}

/// The roster rows of some or all of a centre's workers.
struct Rows {
    workers: Vec<User>,
    schedules: IdMap<UserId, Schedule>,
    levels: HashMap<String, IdMap<UserId, Level>>,
    teams: HashMap<TeamId, Vec<Membership>>,
}

impl Rows {
    fn load(
        conn: &mut DbConnection,
        center: &Center,
        exceptions_from: NaiveDate,
        which: Workers<'_>,
    ) -> Result<Self, StoreError> {
        let workers = users::workers_in(conn, center.id, which)?;
        // From here on, only ids just found among the centre's workers.
        let ids: Vec<UserId>;
        let which = match which {
            Workers::All => Workers::All,
            Workers::Only(_) => {
                ids = workers.iter().map(|w| w.id).collect();
                Workers::Only(&ids)
            }
        };
        let profiles = profiles::all_in(conn, center.id, which)?;
        let mut windows = availability::all_windows(conn, center.id, which)?;
        let mut exceptions = availability::all_exceptions_from(conn, center.id, exceptions_from, which)?;
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
            workers,
            schedules,
            levels: skills::all_levels(conn, center.id, which)?,
            teams: teams::all_members(conn, center.id, which)?,
        })
    }
}

impl Roster {
    /// Loads the centre's roster, with exceptions from `exceptions_from` on.
    pub fn load(conn: &mut DbConnection, center: &Center, exceptions_from: NaiveDate) -> Result<Self, StoreError> {
        let version = current_version(conn, center.id)?.unwrap_or(0);
        let rows = Rows::load(conn, center, exceptions_from, Workers::All)?;
        Ok(Self {
            version,
            center: center.clone(),
            positions: rows.workers.iter().enumerate().map(|(i, w)| (w.id, i)).collect(),
            workers: rows.workers,
            schedules: rows.schedules,
            exceptions_from,
            levels: rows.levels,
            teams: rows.teams,
        })
    }

    /// This roster as of `version`: the rows of the `changed` workers read again,
    /// everybody else's kept. The same roster as a fresh [`Roster::load`], provided
    /// `changed` holds every worker whose rows changed since `self.version`.
    fn with_changes(&self, conn: &mut DbConnection, changed: &[UserId], version: i64) -> Result<Self, StoreError> {
        let fresh = Rows::load(conn, &self.center, self.exceptions_from, Workers::Only(changed))?;
        // Cloned tables, then patched: cloning a map copies it without hashing
        // its 10 000 keys again, which rebuilding it would.
        let mut workers = self.workers.clone();
        workers.retain(|w| !changed.contains(&w.id));
        workers.extend(fresh.workers);
        workers.sort_unstable_by_key(|w| w.id);
        let positions = if workers.iter().map(|w| w.id).eq(self.workers.iter().map(|w| w.id)) {
            self.positions.clone()
        } else {
            workers.iter().enumerate().map(|(i, w)| (w.id, i)).collect()
        };
        let mut schedules = self.schedules.clone();
        let mut levels = self.levels.clone();
        let mut teams = self.teams.clone();
        for id in changed {
            schedules.remove(id);
            for held in levels.values_mut() {
                held.remove(id);
            }
            for members in teams.values_mut() {
                members.retain(|m| m.worker_id != *id);
            }
        }
        schedules.extend(fresh.schedules);
        for (skill, held) in fresh.levels {
            levels.entry(skill).or_default().extend(held);
        }
        levels.retain(|_, held| !held.is_empty());
        for (team, members) in fresh.teams {
            let kept = teams.entry(team).or_default();
            kept.extend(members);
            kept.sort_unstable_by_key(|m| (m.joined_at, m.worker_id));
        }
        teams.retain(|_, members| !members.is_empty());
        Ok(Self {
            version,
            center: self.center.clone(),
            workers,
            positions,
            schedules,
            exceptions_from: self.exceptions_from,
            levels,
            teams,
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
    pub fn levels_in(&self, skill: &str) -> Option<&IdMap<UserId, Level>> {
        self.levels.get(skill)
    }

    /// The members of `team` (with their roles), in joining order.
    #[must_use]
    pub fn team_members(&self, team: TeamId) -> &[Membership] {
        self.teams.get(&team).map_or(&[], Vec::as_slice)
    }

    /// The first day whose exceptions the schedules hold.
    #[must_use]
    pub fn exceptions_from(&self) -> NaiveDate {
        self.exceptions_from
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

/// The workers whose roster rows changed after `version`, or `None` when the whole
/// roster is better read again: the centre or a team changed, or more than a tenth
/// of the roster's `workers` (and more than a hundred) did.
fn changed_since(
    conn: &mut DbConnection,
    center: CenterId,
    version: i64,
    workers: usize,
) -> Result<Option<Vec<UserId>>, StoreError> {
    let most = (workers / CHANGED_SHARE_FOR_WHOLE_RELOAD).max(CHANGED_ALWAYS_READ_ALONE);
    let changed: Vec<String> = roster_changes::table
        .filter(roster_changes::center_id.eq(center.to_string()))
        .filter(roster_changes::version.gt(version))
        .select(roster_changes::worker_id)
        .limit(i64::try_from(most + 1).unwrap_or(i64::MAX))
        .load(conn)?;
    if changed.len() > most || changed.iter().any(|id| id == WHOLE_ROSTER) {
        return Ok(None);
    }
    changed.iter().map(|id| parse_uuid(id).map(UserId::from)).collect::<Result<_, _>>().map(Some)
}

/// How a server's rosters were read, since it started (for `/metrics`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RosterLoads {
    /// Whole rosters read: the first use, or after a centre-wide change.
    pub whole: u64,
    /// Cached rosters brought up to date by reading only the changed workers.
    pub changed_workers: u64,
}

/// One server's rosters, one per centre.
#[derive(Default)]
pub struct RosterCache {
    rosters: Mutex<HashMap<CenterId, Arc<Roster>>>,
    whole_loads: AtomicU64,
    changed_worker_loads: AtomicU64,
}

impl RosterCache {
    /// The centre's roster as the database holds it now, good for time ranges from
    /// `from` on: the cached one when its version is current, else the cached one
    /// with the changed workers read again, else a fresh load (either replaces it).
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
        let cached = self.lock().get(&center.id).cloned().filter(|r| r.covers(first_day));
        if let (Some(version), Some(cached)) = (before, cached) {
            if cached.version == version {
                return Ok(cached);
            }
            // Only forwards: this transaction may see an older version than one
            // another request has cached since.
            let changed = if cached.version < version {
                changed_since(conn, center.id, cached.version, cached.workers.len())?
            } else {
                None
            };
            if let Some(changed) = changed {
                let roster = Arc::new(cached.with_changes(conn, &changed, version)?);
                self.changed_worker_loads.fetch_add(1, Ordering::Relaxed);
                return self.keep_if_current(conn, before, roster);
            }
        }
        let today = Utc::now().date_naive();
        let roster = Arc::new(Roster::load(conn, center, first_day.min(today - Duration::days(EXCEPTION_DAYS_BACK)))?);
        self.whole_loads.fetch_add(1, Ordering::Relaxed);
        self.keep_if_current(conn, before, roster)
    }

    /// Caches `roster`, read when the centre's version was `before`, unless the
    /// version has moved since or a newer roster is already cached; returns it.
    ///
    /// On PostgreSQL each statement of a write transaction sees the latest commits:
    /// a roster write that committed while the roster loaded would leave it half
    /// old, half new. Such a roster is used for this request but not kept.
    fn keep_if_current(
        &self,
        conn: &mut DbConnection,
        before: Option<i64>,
        roster: Arc<Roster>,
    ) -> Result<Arc<Roster>, StoreError> {
        if before.is_some() && current_version(conn, roster.center.id)? == before {
            let mut rosters = self.lock();
            let kept = rosters.entry(roster.center.id).or_insert_with(|| Arc::clone(&roster));
            if kept.version <= roster.version {
                *kept = Arc::clone(&roster);
            }
        }
        Ok(roster)
    }

    /// How many rosters this cache has read, whole and by changed workers.
    #[must_use]
    pub fn loads(&self) -> RosterLoads {
        RosterLoads {
            whole: self.whole_loads.load(Ordering::Relaxed),
            changed_workers: self.changed_worker_loads.load(Ordering::Relaxed),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CenterId, Arc<Roster>>> {
        self.rosters.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
