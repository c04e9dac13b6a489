//! Teams of a centre and their members. A worker can belong to several teams, as a
//! `member` or a `reviewer` (who may check the team's submissions, not their own).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use yui_domain::{CenterId, TeamId, UserId};

use crate::ids::{from_db_time, parse_uuid, to_db_time};
use crate::locks::WorkerLocks;
use crate::roster::Workers;
use crate::schema::{team_members, teams};
use crate::{DbConnection, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamRole {
    Member,
    Reviewer,
}

impl TeamRole {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            TeamRole::Member => "member",
            TeamRole::Reviewer => "reviewer",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "member" => Ok(TeamRole::Member),
            "reviewer" => Ok(TeamRole::Reviewer),
            other => Err(StoreError::Corrupt(format!("team role {other:?}"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: TeamId,
    pub center_id: CenterId,
    pub name: String,
    pub description: String,
    /// Listed on the public showcase.
    pub public: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub team_id: TeamId,
    pub worker_id: UserId,
    pub role: TeamRole,
    pub joined_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = teams)]
struct TeamRow {
    id: String,
    center_id: String,
    name: String,
    description: String,
    public: bool,
    created_at: NaiveDateTime,
}

impl TryFrom<TeamRow> for Team {
    type Error = StoreError;
    fn try_from(row: TeamRow) -> Result<Self, StoreError> {
        Ok(Team {
            id: parse_uuid(&row.id)?.into(),
            center_id: parse_uuid(&row.center_id)?.into(),
            name: row.name,
            description: row.description,
            public: row.public,
            created_at: from_db_time(row.created_at),
        })
    }
}

pub fn insert(
    conn: &mut DbConnection,
    center: CenterId,
    name: &str,
    description: &str,
    public: bool,
) -> Result<Team, StoreError> {
    let team = Team {
        id: TeamId::generate(),
        center_id: center,
        name: name.into(),
        description: description.into(),
        public,
        created_at: crate::now(),
    };
    diesel::insert_into(teams::table)
        .values((
            teams::id.eq(team.id.to_string()),
            teams::center_id.eq(center.to_string()),
            teams::name.eq(name),
            teams::description.eq(description),
            teams::public.eq(public),
            teams::created_at.eq(to_db_time(team.created_at)),
        ))
        .execute(conn)
        .map_err(|e| StoreError::from_write(e, "teams.name"))?;
    Ok(team)
}

/// A team of the centre; another centre's team is `None`.
pub fn find(conn: &mut DbConnection, center: CenterId, id: TeamId) -> Result<Option<Team>, StoreError> {
    teams::table
        .filter(teams::id.eq(id.to_string()))
        .filter(teams::center_id.eq(center.to_string()))
        .select(TeamRow::as_select())
        .first(conn)
        .optional()?
        .map(Team::try_from)
        .transpose()
}

/// The centre's teams by name (`public_only` for the showcase).
pub fn list(conn: &mut DbConnection, center: CenterId, public_only: bool) -> Result<Vec<Team>, StoreError> {
    let mut query = teams::table
        .filter(teams::center_id.eq(center.to_string()))
        .order(teams::name.asc())
        .select(TeamRow::as_select())
        .into_boxed();
    if public_only {
        query = query.filter(teams::public.eq(true));
    }
    query.load(conn)?.into_iter().map(Team::try_from).collect()
}

/// Adds a worker to a team, or changes their role (keeping when they joined), in
/// one upsert.
pub fn set_member(
    conn: &mut DbConnection,
    locks: &WorkerLocks,
    team: &Team,
    worker: UserId,
    role: TeamRole,
) -> Result<(), StoreError> {
    locks.check(worker)?;
    let values = (
        team_members::team_id.eq(team.id.to_string()),
        team_members::worker_id.eq(worker.to_string()),
        team_members::center_id.eq(team.center_id.to_string()),
        team_members::role.eq(role.as_str()),
        team_members::joined_at.eq(to_db_time(crate::now())),
    );
    crate::db::on_engine!(conn, |c| diesel::insert_into(team_members::table)
        .values(values)
        .on_conflict((team_members::team_id, team_members::worker_id))
        .do_update()
        .set(team_members::role.eq(diesel::upsert::excluded(team_members::role)))
        .execute(c))?;
    Ok(())
}

/// Removes a worker from a team; `false` if they were not in it.
pub fn remove_member(
    conn: &mut DbConnection,
    locks: &WorkerLocks,
    team: TeamId,
    worker: UserId,
) -> Result<bool, StoreError> {
    locks.check(worker)?;
    let removed = diesel::delete(
        team_members::table
            .filter(team_members::team_id.eq(team.to_string()))
            .filter(team_members::worker_id.eq(worker.to_string())),
    )
    .execute(conn)?;
    Ok(removed == 1)
}

type MemberRow = (String, String, String, NaiveDateTime);

fn membership((team, worker, role, joined): MemberRow) -> Result<Membership, StoreError> {
    Ok(Membership {
        team_id: parse_uuid(&team)?.into(),
        worker_id: parse_uuid(&worker)?.into(),
        role: TeamRole::parse(&role)?,
        joined_at: from_db_time(joined),
    })
}

/// A team's members, in joining order.
pub fn members(conn: &mut DbConnection, team: TeamId) -> Result<Vec<Membership>, StoreError> {
    let rows: Vec<MemberRow> = team_members::table
        .filter(team_members::team_id.eq(team.to_string()))
        .order((team_members::joined_at.asc(), team_members::worker_id.asc()))
        .select((team_members::team_id, team_members::worker_id, team_members::role, team_members::joined_at))
        .load(conn)?;
    rows.into_iter().map(membership).collect()
}

/// The worker's role in the team, if they are in it.
pub fn role_of(conn: &mut DbConnection, team: TeamId, worker: UserId) -> Result<Option<TeamRole>, StoreError> {
    let role: Option<String> = team_members::table
        .filter(team_members::team_id.eq(team.to_string()))
        .filter(team_members::worker_id.eq(worker.to_string()))
        .select(team_members::role)
        .first(conn)
        .optional()?;
    role.as_deref().map(TeamRole::parse).transpose()
}

/// The memberships of the centre's `workers`, by team, each team's in joining order.
pub fn all_members(
    conn: &mut DbConnection,
    center: CenterId,
    workers: Workers<'_>,
) -> Result<HashMap<TeamId, Vec<Membership>>, StoreError> {
    let query = team_members::table
        .select((team_members::team_id, team_members::worker_id, team_members::role, team_members::joined_at))
        .order((team_members::joined_at.asc(), team_members::worker_id.asc()))
        .into_boxed();
    let query = match workers.ids() {
        None => query.filter(team_members::center_id.eq(center.to_string())),
        Some(ids) => query.filter(team_members::worker_id.eq_any(ids)),
    };
    let rows: Vec<MemberRow> = query.load(conn)?;
    let mut by_team: HashMap<TeamId, Vec<Membership>> = HashMap::new();
    for row in rows {
        let m = membership(row)?;
        by_team.entry(m.team_id).or_default().push(m);
    }
    Ok(by_team)
}
