//! Reviews: each quality check records its verdict, comment, reviewer, time and the
//! submission version it judged.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use yui_domain::flow::Verdict;
use yui_domain::{ReviewId, SubmissionId, TaskId, UserId};

use crate::ids::{from_db_time, parse_status, parse_uuid, to_db_time};
use crate::schema::reviews;
use crate::tasks::Task;
use crate::{DbConnection, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub id: ReviewId,
    pub task_id: TaskId,
    pub submission_id: SubmissionId,
    pub reviewer_id: UserId,
    pub verdict: Verdict,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = reviews)]
struct ReviewRow {
    id: String,
    task_id: String,
    submission_id: String,
    reviewer_id: String,
    verdict: String,
    comment: String,
    created_at: NaiveDateTime,
}

impl TryFrom<ReviewRow> for Review {
    type Error = StoreError;
    fn try_from(row: ReviewRow) -> Result<Self, StoreError> {
        Ok(Review {
            id: parse_uuid(&row.id)?.into(),
            task_id: parse_uuid(&row.task_id)?.into(),
            submission_id: parse_uuid(&row.submission_id)?.into(),
            reviewer_id: parse_uuid(&row.reviewer_id)?.into(),
            verdict: parse_status(&row.verdict, Verdict::parse)?,
            comment: row.comment,
            created_at: from_db_time(row.created_at),
        })
    }
}

pub fn insert(
    conn: &mut DbConnection,
    task: &Task,
    submission: SubmissionId,
    reviewer: UserId,
    verdict: Verdict,
    comment: &str,
) -> Result<Review, StoreError> {
    let review = Review {
        id: ReviewId::generate(),
        task_id: task.id,
        submission_id: submission,
        reviewer_id: reviewer,
        verdict,
        comment: comment.to_owned(),
        created_at: crate::now(),
    };
    diesel::insert_into(reviews::table)
        .values((
            reviews::id.eq(review.id.to_string()),
            reviews::task_id.eq(task.id.to_string()),
            reviews::submission_id.eq(submission.to_string()),
            reviews::center_id.eq(task.center_id.to_string()),
            reviews::reviewer_id.eq(reviewer.to_string()),
            reviews::verdict.eq(verdict.as_str()),
            reviews::comment.eq(comment),
            reviews::created_at.eq(to_db_time(review.created_at)),
        ))
        .execute(conn)?;
    Ok(review)
}

/// Every review of a task, oldest first.
pub fn list_for_task(conn: &mut DbConnection, task: TaskId) -> Result<Vec<Review>, StoreError> {
    reviews::table
        .filter(reviews::task_id.eq(task.to_string()))
        .order(reviews::id.asc())
        .select(ReviewRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Review::try_from)
        .collect()
}
