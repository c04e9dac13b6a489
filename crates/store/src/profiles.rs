//! Worker profiles: how and how long each worker works. What they are paid is
//! dated and kept apart ([`crate::pay_rates`]).
//!
//! A worker without a saved profile gets the centre's defaults (see
//! [`Profile::default_for`]), so ranking never has to guess.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use yui_domain::{CenterId, UserId};

use crate::centers::Center;
use crate::ids::{from_db_time, parse_json, parse_uuid, to_db_time, to_json};
use crate::locks::WorkerLocks;
use crate::roster::Workers;
use crate::schema::worker_profiles;
use crate::{DbConnection, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub worker_id: UserId,
    /// `home` and/or `office`.
    pub work_modes: Vec<String>,
    pub weekly_cap_minutes: u32,
    pub daily_cap_minutes: u32,
    /// IANA time zone of the worker's availability windows.
    pub time_zone: Tz,
    /// Private: only the worker and the centre's directors see it.
    pub accommodations: String,
    /// The name shown publicly, if the worker opted in; `None` keeps them private.
    pub public_name: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// Weekly hours a new worker is planned for until they say otherwise.
pub const DEFAULT_WEEKLY_CAP_MINUTES: u32 = 20 * 60;
pub const DEFAULT_DAILY_CAP_MINUTES: u32 = 5 * 60;

impl Profile {
    /// The profile a worker has before saving their own: the centre's time zone, working from home, 5 h a day and 20 h a week at most.
    #[must_use]
    pub fn default_for(worker: UserId, center: &Center) -> Self {
        Self {
            worker_id: worker,
            work_modes: vec!["home".into()],
            weekly_cap_minutes: DEFAULT_WEEKLY_CAP_MINUTES,
            daily_cap_minutes: DEFAULT_DAILY_CAP_MINUTES,
            time_zone: center.time_zone,
            accommodations: String::new(),
            public_name: None,
            updated_at: center.created_at,
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = worker_profiles)]
struct ProfileRow {
    worker_id: String,
    work_modes: String,
    weekly_cap_minutes: i32,
    daily_cap_minutes: i32,
    time_zone: String,
    accommodations: String,
    public_name: Option<String>,
    updated_at: NaiveDateTime,
}

impl TryFrom<ProfileRow> for Profile {
    type Error = StoreError;
    fn try_from(row: ProfileRow) -> Result<Self, StoreError> {
        let minutes = |value: i32| u32::try_from(value).map_err(|e| StoreError::Corrupt(e.to_string()));
        Ok(Profile {
            worker_id: parse_uuid(&row.worker_id)?.into(),
            work_modes: parse_json(&row.work_modes)?,
            weekly_cap_minutes: minutes(row.weekly_cap_minutes)?,
            daily_cap_minutes: minutes(row.daily_cap_minutes)?,
            time_zone: crate::ids::parse_time_zone(&row.time_zone)?,
            accommodations: row.accommodations,
            public_name: row.public_name,
            updated_at: from_db_time(row.updated_at),
        })
    }
}

pub fn find(conn: &mut DbConnection, worker: UserId) -> Result<Option<Profile>, StoreError> {
    worker_profiles::table
        .filter(worker_profiles::worker_id.eq(worker.to_string()))
        .select(ProfileRow::as_select())
        .first(conn)
        .optional()?
        .map(Profile::try_from)
        .transpose()
}

/// Saves (creates or replaces) a worker's profile, in one upsert.
pub fn save(
    conn: &mut DbConnection,
    locks: &WorkerLocks,
    center: CenterId,
    mut profile: Profile,
) -> Result<Profile, StoreError> {
    locks.check(profile.worker_id)?;
    use diesel::upsert::excluded;
    use worker_profiles::dsl as p;
    profile.updated_at = crate::now();
    let cap = |minutes: u32| i32::try_from(minutes).map_err(|e| StoreError::Corrupt(e.to_string()));
    let values = (
        p::worker_id.eq(profile.worker_id.to_string()),
        p::center_id.eq(center.to_string()),
        p::work_modes.eq(to_json(&profile.work_modes)?),
        p::weekly_cap_minutes.eq(cap(profile.weekly_cap_minutes)?),
        p::daily_cap_minutes.eq(cap(profile.daily_cap_minutes)?),
        p::time_zone.eq(profile.time_zone.name()),
        p::accommodations.eq(&profile.accommodations),
        p::public_name.eq(&profile.public_name),
        p::updated_at.eq(to_db_time(profile.updated_at)),
    );
    let replaced = (
        p::work_modes.eq(excluded(p::work_modes)),
        p::weekly_cap_minutes.eq(excluded(p::weekly_cap_minutes)),
        p::daily_cap_minutes.eq(excluded(p::daily_cap_minutes)),
        p::time_zone.eq(excluded(p::time_zone)),
        p::accommodations.eq(excluded(p::accommodations)),
        p::public_name.eq(excluded(p::public_name)),
        p::updated_at.eq(excluded(p::updated_at)),
    );
    crate::db::on_engine!(conn, |c| diesel::insert_into(worker_profiles::table)
        .values(values)
        .on_conflict(p::worker_id)
        .do_update()
        .set(replaced)
        .execute(c))?;
    Ok(profile)
}

/// The saved profiles of the centre's `workers`.
pub fn all_in(
    conn: &mut DbConnection,
    center: CenterId,
    workers: Workers<'_>,
) -> Result<HashMap<UserId, Profile>, StoreError> {
    let query = worker_profiles::table.select(ProfileRow::as_select()).into_boxed();
    match workers.ids() {
        None => query.filter(worker_profiles::center_id.eq(center.to_string())),
        Some(ids) => query.filter(worker_profiles::worker_id.eq_any(ids)),
    }
    .load(conn)?
    .into_iter()
    .map(|row| Profile::try_from(row).map(|p| (p.worker_id, p)))
    .collect()
}
