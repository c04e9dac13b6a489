//! Request budgets per caller, shared by every API instance on the database.
//!
//! Each caller has a counter per fixed one-minute window, bumped with one atomic
//! upsert that returns the new count (`INSERT … ON CONFLICT DO UPDATE SET hits =
//! hits + 1 RETURNING hits`): two instances counting the same caller at the same
//! moment both land, neither is lost. Old windows are pruned by housekeeping.

use diesel::prelude::*;
use diesel::upsert::excluded;

use crate::schema::rate_limit_counters as counters;
use crate::{DbConnection, StoreError};

/// Adds `hits` requests of `caller` to the window starting at `window_start` (Unix
/// seconds) and returns how many that window now holds.
pub fn add(conn: &mut DbConnection, caller: &str, window_start: i64, hits: i32) -> Result<i32, StoreError> {
    let row = (counters::caller.eq(caller), counters::window_start.eq(window_start), counters::hits.eq(hits));
    let hits = crate::db::on_engine!(conn, |c| diesel::insert_into(counters::table)
        .values(row)
        .on_conflict((counters::caller, counters::window_start))
        .do_update()
        .set(counters::hits.eq(counters::hits + excluded(counters::hits)))
        .returning(counters::hits)
        .get_result::<i32>(c))?;
    Ok(hits)
}

/// Deletes the windows that started before `before` (Unix seconds).
pub fn prune(conn: &mut DbConnection, before: i64) -> Result<usize, StoreError> {
    Ok(diesel::delete(counters::table.filter(counters::window_start.lt(before))).execute(conn)?)
}
