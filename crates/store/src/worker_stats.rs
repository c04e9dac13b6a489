//! Quality counters per worker, kept in step by the review flow (in the same
//! transaction as each review), so quality records and rankings read them directly.

use diesel::prelude::*;
use yui_domain::workforce::QualityCounts;
use yui_domain::{CenterId, UserId};

use crate::locks::WorkerLocks;
use crate::schema::worker_stats;
use crate::{DbConnection, StoreError};

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

/// Adds `delta` to a worker's counters (in the caller's transaction), in one
/// statement that adds on the database side, so concurrent reviews of the same
/// worker's tasks never lose a count.
pub fn add(
    conn: &mut DbConnection,
    locks: &WorkerLocks,
    center: CenterId,
    worker: UserId,
    delta: QualityCounts,
) -> Result<(), StoreError> {
    locks.check(worker)?;
    use diesel::upsert::excluded;
    use worker_stats::dsl as w;
    let values = (
        w::worker_id.eq(worker.to_string()),
        w::center_id.eq(center.to_string()),
        w::submissions.eq(delta.submissions),
        w::reviewed_tasks.eq(delta.reviewed_tasks),
        w::first_pass_approvals.eq(delta.first_pass_approvals),
        w::changes_requested.eq(delta.changes_requested),
        w::director_fixes.eq(delta.director_fixes),
        w::approved_tasks.eq(delta.approved_tasks),
        w::on_time_approvals.eq(delta.on_time_approvals),
        w::approved_minutes.eq(delta.approved_minutes),
    );
    let sums = (
        w::submissions.eq(w::submissions + excluded(w::submissions)),
        w::reviewed_tasks.eq(w::reviewed_tasks + excluded(w::reviewed_tasks)),
        w::first_pass_approvals.eq(w::first_pass_approvals + excluded(w::first_pass_approvals)),
        w::changes_requested.eq(w::changes_requested + excluded(w::changes_requested)),
        w::director_fixes.eq(w::director_fixes + excluded(w::director_fixes)),
        w::approved_tasks.eq(w::approved_tasks + excluded(w::approved_tasks)),
        w::on_time_approvals.eq(w::on_time_approvals + excluded(w::on_time_approvals)),
        w::approved_minutes.eq(w::approved_minutes + excluded(w::approved_minutes)),
    );
    crate::db::on_engine!(conn, |c| diesel::insert_into(worker_stats::table)
        .values(values)
        .on_conflict(w::worker_id)
        .do_update()
        .set(sums)
        .execute(c))?;
    Ok(())
}
