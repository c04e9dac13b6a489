//! The schedule of periodic jobs (pruning, the at-risk sweep, daily digests).
//!
//! Several dispatchers may run at once (one per `yui serve` or `yui worker`); each
//! job claims its turn with compare-and-set on its row, so exactly one of them runs
//! it each time it is due.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::ids::{from_db_time, to_db_time};
use crate::schema::housekeeping_runs as runs;
use crate::{DbConnection, StoreError};

/// Claims `job`'s turn if it has never run or last ran before `due_before`: `true`
/// means the caller runs it now (and it counts as run at `now`).
pub fn claim_turn(conn: &mut DbConnection, job: &str, due_before: DateTime<Utc>) -> Result<bool, StoreError> {
    let now = to_db_time(crate::now());
    let inserted = crate::db::on_engine!(conn, |c| diesel::insert_into(runs::table)
        .values((runs::job.eq(job), runs::last_run_at.eq(now)))
        .on_conflict(runs::job)
        .do_nothing()
        .execute(c))?;
    if inserted == 1 {
        return Ok(true);
    }
    let updated =
        diesel::update(runs::table.filter(runs::job.eq(job)).filter(runs::last_run_at.lt(to_db_time(due_before))))
            .set(runs::last_run_at.eq(now))
            .execute(conn)?;
    Ok(updated == 1)
}

/// When `job` last ran, if ever.
pub fn last_run(conn: &mut DbConnection, job: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    let at: Option<chrono::NaiveDateTime> =
        runs::table.filter(runs::job.eq(job)).select(runs::last_run_at).first(conn).optional()?;
    Ok(at.map(from_db_time))
}
