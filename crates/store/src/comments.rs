//! Comments: one thread per job (client ↔ directors) and one per task
//! (directors ↔ the worker).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use yui_domain::{CenterId, CommentId, JobId, PageLimit, TaskId, UserId};

use crate::ids::{from_db_time, parse_uuid, to_db_time};
use crate::schema::comments;
use crate::{DbConnection, Page, StoreError, overfetch};

/// Which thread: a job's, or one of its tasks'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thread {
    pub center_id: CenterId,
    pub job_id: JobId,
    pub task_id: Option<TaskId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub id: CommentId,
    pub author_id: UserId,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = comments)]
struct CommentRow {
    id: String,
    author_id: String,
    body: String,
    created_at: NaiveDateTime,
}

impl TryFrom<CommentRow> for Comment {
    type Error = StoreError;
    fn try_from(row: CommentRow) -> Result<Self, StoreError> {
        Ok(Comment {
            id: parse_uuid(&row.id)?.into(),
            author_id: parse_uuid(&row.author_id)?.into(),
            body: row.body,
            created_at: from_db_time(row.created_at),
        })
    }
}

pub fn insert(conn: &mut DbConnection, thread: Thread, author: UserId, body: &str) -> Result<Comment, StoreError> {
    let comment =
        Comment { id: CommentId::generate(), author_id: author, body: body.to_owned(), created_at: crate::now() };
    diesel::insert_into(comments::table)
        .values((
            comments::id.eq(comment.id.to_string()),
            comments::center_id.eq(thread.center_id.to_string()),
            comments::job_id.eq(thread.job_id.to_string()),
            comments::task_id.eq(thread.task_id.map(|t| t.to_string())),
            comments::author_id.eq(author.to_string()),
            comments::body.eq(body),
            comments::created_at.eq(to_db_time(comment.created_at)),
        ))
        .execute(conn)?;
    Ok(comment)
}

/// A thread's comments, oldest first.
pub fn list(
    conn: &mut DbConnection,
    thread: Thread,
    after: Option<CommentId>,
    limit: PageLimit,
) -> Result<Page<Comment>, StoreError> {
    let mut query = comments::table
        .filter(comments::job_id.eq(thread.job_id.to_string()))
        .order(comments::id.asc())
        .select(CommentRow::as_select())
        .into_boxed();
    query = match thread.task_id {
        Some(task) => query.filter(comments::task_id.eq(task.to_string())),
        None => query.filter(comments::task_id.is_null()),
    };
    if let Some(after) = after {
        query = query.filter(comments::id.gt(after.to_string()));
    }
    let rows =
        query.limit(overfetch(limit)).load(conn)?.into_iter().map(Comment::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, limit.get(), |c| c.id.as_uuid()))
}
