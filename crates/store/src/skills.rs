//! The centre's skill catalogue, and workers' levels in those skills.
//!
//! Every assessment is kept (`skill_assessments`, the history a director can read);
//! the latest one per worker and skill is also kept in `worker_skills`, so ranking
//! reads current levels with one indexed query.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;
use yui_domain::workforce::Level;
use yui_domain::{CenterId, IdMap, UserId};

use crate::ids::{from_db_time, parse_uuid, to_db_time};
use crate::locks::WorkerLocks;
use crate::roster::Workers;
use crate::schema::{skill_assessments, skills, worker_skills};
use crate::{DbConnection, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skill {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub id: Uuid,
    pub worker_id: UserId,
    pub skill: String,
    pub level: Level,
    pub evidence: String,
    pub assessed_by: UserId,
    pub created_at: DateTime<Utc>,
}

fn level(value: i32) -> Result<Level, StoreError> {
    Level::new(i64::from(value)).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Adds a skill to the catalogue; a slug already there is a conflict.
pub fn insert(
    conn: &mut DbConnection,
    center: CenterId,
    slug: &str,
    name: &str,
    description: &str,
) -> Result<Skill, StoreError> {
    let skill =
        Skill { slug: slug.into(), name: name.into(), description: description.into(), created_at: crate::now() };
    diesel::insert_into(skills::table)
        .values((
            skills::center_id.eq(center.to_string()),
            skills::slug.eq(slug),
            skills::name.eq(name),
            skills::description.eq(description),
            skills::created_at.eq(to_db_time(skill.created_at)),
        ))
        .execute(conn)
        .map_err(|e| StoreError::from_write(e, "skills.slug"))?;
    Ok(skill)
}

/// The whole catalogue, by slug.
pub fn list(conn: &mut DbConnection, center: CenterId) -> Result<Vec<Skill>, StoreError> {
    let rows: Vec<(String, String, String, NaiveDateTime)> = skills::table
        .filter(skills::center_id.eq(center.to_string()))
        .order(skills::slug.asc())
        .select((skills::slug, skills::name, skills::description, skills::created_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(slug, name, description, created_at)| Skill {
            slug,
            name,
            description,
            created_at: from_db_time(created_at),
        })
        .collect())
}

/// The slugs of `wanted` that are not in the centre's catalogue.
pub fn missing(conn: &mut DbConnection, center: CenterId, wanted: &[String]) -> Result<Vec<String>, StoreError> {
    let known: Vec<String> = skills::table
        .filter(skills::center_id.eq(center.to_string()))
        .filter(skills::slug.eq_any(wanted))
        .select(skills::slug)
        .load(conn)?;
    Ok(wanted.iter().filter(|slug| !known.contains(slug)).cloned().collect())
}

/// A director's judgement of one worker's level in one skill.
#[derive(Debug, Clone, Copy)]
pub struct NewAssessment<'a> {
    pub worker: UserId,
    pub skill: &'a str,
    pub level: Level,
    pub evidence: &'a str,
    pub assessed_by: UserId,
}

/// Records a director's assessment of a worker's level and makes it current.
pub fn assess(
    conn: &mut DbConnection,
    locks: &WorkerLocks,
    center: CenterId,
    new: NewAssessment<'_>,
) -> Result<Assessment, StoreError> {
    let NewAssessment { worker, skill, level: new_level, evidence, assessed_by } = new;
    locks.check(worker)?;
    let now = crate::now();
    let assessment = Assessment {
        id: Uuid::now_v7(),
        worker_id: worker,
        skill: skill.into(),
        level: new_level,
        evidence: evidence.into(),
        assessed_by,
        created_at: now,
    };
    diesel::insert_into(skill_assessments::table)
        .values((
            skill_assessments::id.eq(assessment.id.to_string()),
            skill_assessments::center_id.eq(center.to_string()),
            skill_assessments::worker_id.eq(worker.to_string()),
            skill_assessments::skill.eq(skill),
            skill_assessments::level.eq(i32::from(new_level.get())),
            skill_assessments::evidence.eq(evidence),
            skill_assessments::assessed_by.eq(assessed_by.to_string()),
            skill_assessments::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    let current = (
        worker_skills::worker_id.eq(worker.to_string()),
        worker_skills::center_id.eq(center.to_string()),
        worker_skills::skill.eq(skill),
        worker_skills::level.eq(i32::from(new_level.get())),
        worker_skills::updated_at.eq(to_db_time(now)),
    );
    let replaced = (
        worker_skills::level.eq(diesel::upsert::excluded(worker_skills::level)),
        worker_skills::updated_at.eq(diesel::upsert::excluded(worker_skills::updated_at)),
    );
    crate::db::on_engine!(conn, |c| diesel::insert_into(worker_skills::table)
        .values(current)
        .on_conflict((worker_skills::worker_id, worker_skills::skill))
        .do_update()
        .set(replaced)
        .execute(c))?;
    Ok(assessment)
}

/// A worker's current levels, by skill.
pub fn current_levels(
    conn: &mut DbConnection,
    worker: UserId,
) -> Result<Vec<(String, Level, DateTime<Utc>)>, StoreError> {
    let rows: Vec<(String, i32, NaiveDateTime)> = worker_skills::table
        .filter(worker_skills::worker_id.eq(worker.to_string()))
        .order(worker_skills::skill.asc())
        .select((worker_skills::skill, worker_skills::level, worker_skills::updated_at))
        .load(conn)?;
    rows.into_iter().map(|(skill, value, at)| Ok((skill, level(value)?, from_db_time(at)))).collect()
}

/// Every assessment of a worker (optionally in one skill), oldest first.
pub fn history(conn: &mut DbConnection, worker: UserId, skill: Option<&str>) -> Result<Vec<Assessment>, StoreError> {
    let mut query = skill_assessments::table
        .filter(skill_assessments::worker_id.eq(worker.to_string()))
        .order(skill_assessments::id.asc())
        .select((
            skill_assessments::id,
            skill_assessments::skill,
            skill_assessments::level,
            skill_assessments::evidence,
            skill_assessments::assessed_by,
            skill_assessments::created_at,
        ))
        .into_boxed();
    if let Some(skill) = skill {
        query = query.filter(skill_assessments::skill.eq(skill.to_owned()));
    }
    let rows: Vec<(String, String, i32, String, String, NaiveDateTime)> = query.load(conn)?;
    rows.into_iter()
        .map(|(id, skill, value, evidence, by, at)| {
            Ok(Assessment {
                id: parse_uuid(&id)?,
                worker_id: worker,
                skill,
                level: level(value)?,
                evidence,
                assessed_by: parse_uuid(&by)?.into(),
                created_at: from_db_time(at),
            })
        })
        .collect()
}

/// The current levels of the centre's `workers`: skill slug → worker → level.
pub fn all_levels(
    conn: &mut DbConnection,
    center: CenterId,
    workers: Workers<'_>,
) -> Result<HashMap<String, IdMap<UserId, Level>>, StoreError> {
    let query = worker_skills::table
        .select((worker_skills::skill, worker_skills::worker_id, worker_skills::level))
        .into_boxed();
    let query = match workers.ids() {
        None => query.filter(worker_skills::center_id.eq(center.to_string())),
        Some(ids) => query.filter(worker_skills::worker_id.eq_any(ids)),
    };
    let rows: Vec<(String, String, i32)> = query.load(conn)?;
    let mut levels: HashMap<String, IdMap<UserId, Level>> = HashMap::new();
    for (skill, worker, value) in rows {
        levels.entry(skill).or_default().insert(UserId::from(parse_uuid(&worker)?), level(value)?);
    }
    Ok(levels)
}

/// Skills held at `min` or above by any of `workers` (for team showcases).
pub fn held_by(conn: &mut DbConnection, workers: &[UserId], min: Level) -> Result<Vec<String>, StoreError> {
    let ids: Vec<String> = workers.iter().map(ToString::to_string).collect();
    Ok(worker_skills::table
        .filter(worker_skills::worker_id.eq_any(ids))
        .filter(worker_skills::level.ge(i32::from(min.get())))
        .select(worker_skills::skill)
        .distinct()
        .order(worker_skills::skill.asc())
        .load(conn)?)
}
