//! Submissions: the versions of a task's result. Nothing is ever overwritten; a
//! revision or a director's fix is a new version.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use yui_domain::{SubmissionId, TaskId, UserId};

use crate::ids::{from_db_time, parse_json, parse_uuid, to_db_time, to_json};
use crate::schema::submissions;
use crate::tasks::Task;
use crate::{DbConnection, StoreError};

/// What a worker (or a director fixing it) hands in.
#[derive(Debug, Clone, PartialEq)]
pub struct SubmissionContent {
    pub result_text: String,
    pub links: Vec<String>,
    pub payload: Option<serde_json::Value>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub id: SubmissionId,
    pub task_id: TaskId,
    pub version_number: i64,
    pub author_id: UserId,
    /// A director's corrected version rather than the worker's own.
    pub by_director: bool,
    pub content: SubmissionContent,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = submissions)]
struct SubmissionRow {
    id: String,
    task_id: String,
    version_number: i64,
    author_id: String,
    by_director: bool,
    result_text: String,
    links: String,
    payload: Option<String>,
    note: String,
    created_at: NaiveDateTime,
}

impl TryFrom<SubmissionRow> for Submission {
    type Error = StoreError;
    fn try_from(row: SubmissionRow) -> Result<Self, StoreError> {
        Ok(Submission {
            id: parse_uuid(&row.id)?.into(),
            task_id: parse_uuid(&row.task_id)?.into(),
            version_number: row.version_number,
            author_id: parse_uuid(&row.author_id)?.into(),
            by_director: row.by_director,
            content: SubmissionContent {
                result_text: row.result_text,
                links: parse_json(&row.links)?,
                payload: row.payload.as_deref().map(parse_json).transpose()?,
                note: row.note,
            },
            created_at: from_db_time(row.created_at),
        })
    }
}

/// Adds the next version of `task`'s result.
pub fn insert(
    conn: &mut DbConnection,
    id: SubmissionId,
    task: &Task,
    author: UserId,
    by_director: bool,
    content: SubmissionContent,
) -> Result<Submission, StoreError> {
    let latest: Option<i64> = submissions::table
        .filter(submissions::task_id.eq(task.id.to_string()))
        .select(diesel::dsl::max(submissions::version_number))
        .first(conn)?;
    let submission = Submission {
        id,
        task_id: task.id,
        version_number: latest.unwrap_or(0) + 1,
        author_id: author,
        by_director,
        content,
        created_at: crate::now(),
    };
    diesel::insert_into(submissions::table)
        .values((
            submissions::id.eq(submission.id.to_string()),
            submissions::task_id.eq(task.id.to_string()),
            submissions::center_id.eq(task.center_id.to_string()),
            submissions::version_number.eq(submission.version_number),
            submissions::author_id.eq(author.to_string()),
            submissions::by_director.eq(by_director),
            submissions::result_text.eq(&submission.content.result_text),
            submissions::links.eq(to_json(&submission.content.links)?),
            submissions::payload.eq(submission.content.payload.as_ref().map(to_json).transpose()?),
            submissions::note.eq(&submission.content.note),
            submissions::created_at.eq(to_db_time(submission.created_at)),
            submissions::estimated_minutes.eq(task.spec.estimated_minutes),
        ))
        .execute(conn)
        .map_err(|e| StoreError::from_write(e, "submissions.version_number"))?;
    Ok(submission)
}

pub fn find(conn: &mut DbConnection, id: SubmissionId) -> Result<Option<Submission>, StoreError> {
    submissions::table
        .filter(submissions::id.eq(id.to_string()))
        .select(SubmissionRow::as_select())
        .first(conn)
        .optional()?
        .map(Submission::try_from)
        .transpose()
}

/// Every version of a task's result, oldest first.
pub fn list_for_task(conn: &mut DbConnection, task: TaskId) -> Result<Vec<Submission>, StoreError> {
    submissions::table
        .filter(submissions::task_id.eq(task.to_string()))
        .order(submissions::version_number.asc())
        .select(SubmissionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Submission::try_from)
        .collect()
}

/// Several submissions by id (for deliveries and the review queue).
pub fn find_many(conn: &mut DbConnection, ids: &[SubmissionId]) -> Result<Vec<Submission>, StoreError> {
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    submissions::table
        .filter(submissions::id.eq_any(ids))
        .select(SubmissionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Submission::try_from)
        .collect()
}
