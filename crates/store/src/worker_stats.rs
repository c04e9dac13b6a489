//! Quality counters per worker, kept in step by the review flow (in the same
//! transaction as each review), so quality records and rankings read them directly.

use std::ops::AddAssign;

use diesel::prelude::*;
use yui_domain::{CenterId, UserId};

use crate::schema::worker_stats;
use crate::{DbConnection, StoreError};

/// A worker's (or, summed, a team's) quality record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QualityCounts {
    /// Results handed in (every version).
    pub submissions: i64,
    /// Tasks that received at least one review.
    pub reviewed_tasks: i64,
    /// Tasks approved at their first review.
    pub first_pass_approvals: i64,
    /// Reviews that asked for changes.
    pub changes_requested: i64,
    /// Tasks a director corrected.
    pub director_fixes: i64,
    /// Tasks approved (once each).
    pub approved_tasks: i64,
    /// Of those, approved by their due date.
    pub on_time_approvals: i64,
    /// Estimated minutes of the approved tasks.
    pub approved_minutes: i64,
}

impl AddAssign for QualityCounts {
    fn add_assign(&mut self, other: Self) {
        self.submissions += other.submissions;
        self.reviewed_tasks += other.reviewed_tasks;
        self.first_pass_approvals += other.first_pass_approvals;
        self.changes_requested += other.changes_requested;
        self.director_fixes += other.director_fixes;
        self.approved_tasks += other.approved_tasks;
        self.on_time_approvals += other.on_time_approvals;
        self.approved_minutes += other.approved_minutes;
    }
}

impl QualityCounts {
    /// First-pass approvals over reviewed tasks, once there is any review.
    #[must_use]
    pub fn first_pass_rate(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        (self.reviewed_tasks > 0).then(|| self.first_pass_approvals as f64 / self.reviewed_tasks as f64)
    }

    /// On-time approvals over approved tasks, once there is any.
    #[must_use]
    pub fn on_time_rate(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        (self.approved_tasks > 0).then(|| self.on_time_approvals as f64 / self.approved_tasks as f64)
    }
}

type Row = (String, i64, i64, i64, i64, i64, i64, i64, i64);

fn counts(row: &Row) -> QualityCounts {
    QualityCounts {
        submissions: row.1,
        reviewed_tasks: row.2,
        first_pass_approvals: row.3,
        changes_requested: row.4,
        director_fixes: row.5,
        approved_tasks: row.6,
        on_time_approvals: row.7,
        approved_minutes: row.8,
    }
}

fn columns() -> (
    worker_stats::worker_id,
    worker_stats::submissions,
    worker_stats::reviewed_tasks,
    worker_stats::first_pass_approvals,
    worker_stats::changes_requested,
    worker_stats::director_fixes,
    worker_stats::approved_tasks,
    worker_stats::on_time_approvals,
    worker_stats::approved_minutes,
) {
    (
        worker_stats::worker_id,
        worker_stats::submissions,
        worker_stats::reviewed_tasks,
        worker_stats::first_pass_approvals,
        worker_stats::changes_requested,
        worker_stats::director_fixes,
        worker_stats::approved_tasks,
        worker_stats::on_time_approvals,
        worker_stats::approved_minutes,
    )
}

/// A worker's counters (all zero before any work).
pub fn of(conn: &mut DbConnection, worker: UserId) -> Result<QualityCounts, StoreError> {
    let row: Option<Row> = worker_stats::table
        .filter(worker_stats::worker_id.eq(worker.to_string()))
        .select(columns())
        .first(conn)
        .optional()?;
    Ok(row.as_ref().map(counts).unwrap_or_default())
}

/// Adds `delta` to a worker's counters (in the caller's transaction).
pub fn add(conn: &mut DbConnection, center: CenterId, worker: UserId, delta: QualityCounts) -> Result<(), StoreError> {
    let mut total = of(conn, worker)?;
    total += delta;
    diesel::delete(worker_stats::table.filter(worker_stats::worker_id.eq(worker.to_string()))).execute(conn)?;
    diesel::insert_into(worker_stats::table)
        .values((
            worker_stats::worker_id.eq(worker.to_string()),
            worker_stats::center_id.eq(center.to_string()),
            worker_stats::submissions.eq(total.submissions),
            worker_stats::reviewed_tasks.eq(total.reviewed_tasks),
            worker_stats::first_pass_approvals.eq(total.first_pass_approvals),
            worker_stats::changes_requested.eq(total.changes_requested),
            worker_stats::director_fixes.eq(total.director_fixes),
            worker_stats::approved_tasks.eq(total.approved_tasks),
            worker_stats::on_time_approvals.eq(total.on_time_approvals),
            worker_stats::approved_minutes.eq(total.approved_minutes),
        ))
        .execute(conn)?;
    Ok(())
}
