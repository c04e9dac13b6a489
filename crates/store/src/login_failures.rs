//! Login attempts, for rate limiting.
//!
//! Each attempt is recorded as a failure *before* its password is checked (in the
//! transaction that checks the limit), so parallel guesses are counted too; a
//! successful login clears the account's record. Kept in the database, not in process memory, so the limit holds across several
//! API instances and restarts. Each failure is one row (no upsert, so the same SQL
//! serves both engines); rows older than a day are pruned by the periodic
//! housekeeping ([`prune`]), not by each attempt, which would scan the table.

use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;

use crate::ids::to_db_time;
use crate::schema::login_failures;
use crate::{DbConnection, StoreError};

/// Serialises login attempts for one account until the transaction ends, so that
/// checking the limit and recording the attempt cannot interleave. SQLite needs
/// nothing: its write transactions already run one at a time.
pub fn lock_account(conn: &mut DbConnection, email: &str) -> Result<(), StoreError> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))::text")
            .bind::<diesel::sql_types::Text, _>(email)
            .execute(pg)?;
    }
    Ok(())
}

/// Records one failed attempt for `email` from `address`.
pub fn record(conn: &mut DbConnection, email: &str, address: &str) -> Result<(), StoreError> {
    let now = crate::now();
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::id.eq(uuid::Uuid::now_v7().to_string()),
            login_failures::email.eq(email),
            login_failures::address.eq(address),
            login_failures::failed_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// When the block on an account or address ends: with `limit` or more failures
/// since `since`, the moment the oldest of the newest `limit` failures leaves the
/// window of length `window` (then fewer than `limit` remain); `None` if not blocked.
pub fn blocked_until(
    conn: &mut DbConnection,
    email: &str,
    address: &str,
    limits: (i64, i64),
    window: TimeDelta,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let since = to_db_time(crate::now() - window);
    let (per_account, per_address) = limits;
    let nth_newest =
        |conn: &mut DbConnection, by_email: bool, limit: i64| -> Result<Option<DateTime<Utc>>, StoreError> {
            let offset = limit.saturating_sub(1).max(0);
            let query = login_failures::table.filter(login_failures::failed_at.gt(since)).into_boxed();
            let query = if by_email {
                query.filter(login_failures::email.eq(email))
            } else {
                query.filter(login_failures::address.eq(address))
            };
            let at: Option<chrono::NaiveDateTime> = query
                .order(login_failures::failed_at.desc())
                .select(login_failures::failed_at)
                .offset(offset)
                .first(conn)
                .optional()?;
            Ok(at.map(|at| crate::ids::from_db_time(at) + window))
        };
    let account = nth_newest(conn, true, per_account)?;
    let network = nth_newest(conn, false, per_address)?;
    Ok(account.max(network))
}

/// Forgets an account's failures after a successful login.
pub fn clear_for_email(conn: &mut DbConnection, email: &str) -> Result<(), StoreError> {
    diesel::delete(login_failures::table.filter(login_failures::email.eq(email))).execute(conn)?;
    Ok(())
}

/// Deletes failures older than a day (they no longer count towards any limit).
pub fn prune(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let before = to_db_time(crate::now() - TimeDelta::days(1));
    Ok(diesel::delete(login_failures::table.filter(login_failures::failed_at.lt(before))).execute(conn)?)
}
