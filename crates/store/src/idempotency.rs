//! Idempotency keys: the first request a caller sends under a key claims it, runs,
//! and stores its response; a retry under the same key gets that response back
//! instead of doing the work again.
//!
//! Claiming is one `INSERT … ON CONFLICT DO NOTHING`, so of two requests racing with
//! the same key exactly one runs, on both engines. A claim holds for a lease: if the
//! server died mid-request, a retry after the lease runs again. Records live for a
//! day, then housekeeping prunes them (and an expired one is claimed afresh).

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;

use crate::ids::to_db_time;
use crate::schema::idempotency_records as records;
use crate::{DbConnection, StoreError};

/// How long a stored response is replayed.
pub const RETENTION: TimeDelta = TimeDelta::hours(24);

/// A response kept for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    /// The headers to replay, as `[name, value]` pairs (JSON text).
    pub headers: String,
    pub body: Vec<u8>,
}

/// What a claim found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is the caller's now: run the request, then [`complete`] or [`release`].
    Claimed,
    /// The first request under this key is still running.
    Running,
    /// The key was used for a different request.
    Mismatch,
    /// The first request finished: send its response again.
    Done(StoredResponse),
}

#[derive(Queryable)]
struct Record {
    fingerprint: String,
    state: String,
    locked_until: NaiveDateTime,
    status_code: Option<i32>,
    headers: Option<String>,
    body: Option<Vec<u8>>,
    created_at: NaiveDateTime,
}

fn of(caller: &str, key: &str) -> records::BoxedQuery<'static, crate::db::MultiBackend> {
    records::table
        .filter(records::caller.eq(caller.to_owned()))
        .filter(records::idempotency_key.eq(key.to_owned()))
        .into_boxed()
}

/// Claims `key` for `caller`'s request with `fingerprint` (its method, path and body
/// hashed), for `lease`.
pub fn claim(
    conn: &mut DbConnection,
    caller: &str,
    key: &str,
    fingerprint: &str,
    lease: TimeDelta,
) -> Result<Claim, StoreError> {
    let now = crate::now();
    let locked_until = to_db_time(now + lease);
    let row = (
        records::caller.eq(caller),
        records::idempotency_key.eq(key),
        records::fingerprint.eq(fingerprint),
        records::state.eq("running"),
        records::locked_until.eq(locked_until),
        records::created_at.eq(to_db_time(now)),
    );
    let inserted = crate::db::on_engine!(conn, |c| diesel::insert_into(records::table)
        .values(row)
        .on_conflict((records::caller, records::idempotency_key))
        .do_nothing()
        .execute(c))?;
    if inserted == 1 {
        return Ok(Claim::Claimed);
    }
    let found: Option<Record> = of(caller, key)
        .select((
            records::fingerprint,
            records::state,
            records::locked_until,
            records::status_code,
            records::headers,
            records::body,
            records::created_at,
        ))
        .first(conn)
        .optional()?;
    // Pruned between the two statements: the caller may try again.
    let Some(record) = found else { return Ok(Claim::Running) };
    let expired = record.created_at < to_db_time(now - RETENTION);
    if expired {
        return take_over(conn, caller, key, fingerprint, locked_until);
    }
    if record.fingerprint != fingerprint {
        return Ok(Claim::Mismatch);
    }
    match (record.state.as_str(), record.status_code, record.headers, record.body) {
        ("done", Some(status), Some(headers), Some(body)) => Ok(Claim::Done(StoredResponse {
            status: u16::try_from(status).map_err(|_| StoreError::Corrupt(format!("stored status {status}")))?,
            headers,
            body,
        })),
        ("running", ..) if record.locked_until < to_db_time(now) => {
            take_over(conn, caller, key, fingerprint, locked_until)
        }
        ("running", ..) => Ok(Claim::Running),
        (state, ..) => Err(StoreError::Corrupt(format!("idempotency record in state {state:?}"))),
    }
}

/// Claims a record that lapsed (older than a day, or its first request's lease
/// ran out), if no one else did first.
fn take_over(
    conn: &mut DbConnection,
    caller: &str,
    key: &str,
    fingerprint: &str,
    locked_until: NaiveDateTime,
) -> Result<Claim, StoreError> {
    let now = crate::now();
    let lapsed = records::created_at
        .lt(to_db_time(now - RETENTION))
        .or(records::state.eq("running").and(records::locked_until.lt(to_db_time(now))));
    let taken = diesel::update(
        records::table.filter(records::caller.eq(caller)).filter(records::idempotency_key.eq(key)).filter(lapsed),
    )
    .set((
        records::fingerprint.eq(fingerprint),
        records::state.eq("running"),
        records::locked_until.eq(locked_until),
        records::status_code.eq(None::<i32>),
        records::headers.eq(None::<String>),
        records::body.eq(None::<Vec<u8>>),
        records::created_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(if taken == 1 { Claim::Claimed } else { Claim::Running })
}

/// Stores the response of the claimed request for replay.
pub fn complete(conn: &mut DbConnection, caller: &str, key: &str, response: &StoredResponse) -> Result<(), StoreError> {
    diesel::update(
        records::table
            .filter(records::caller.eq(caller))
            .filter(records::idempotency_key.eq(key))
            .filter(records::state.eq("running")),
    )
    .set((
        records::state.eq("done"),
        records::status_code.eq(i32::from(response.status)),
        records::headers.eq(&response.headers),
        records::body.eq(&response.body),
    ))
    .execute(conn)?;
    Ok(())
}

/// Gives the key back (the request changed nothing): a retry runs afresh.
pub fn release(conn: &mut DbConnection, caller: &str, key: &str) -> Result<(), StoreError> {
    diesel::delete(
        records::table
            .filter(records::caller.eq(caller))
            .filter(records::idempotency_key.eq(key))
            .filter(records::state.eq("running")),
    )
    .execute(conn)?;
    Ok(())
}

/// Deletes records created before `before`.
pub fn prune(conn: &mut DbConnection, before: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(diesel::delete(records::table.filter(records::created_at.lt(to_db_time(before)))).execute(conn)?)
}
