//! Login attempts, for rate limiting.
//!
//! Each attempt is recorded as a failure *before* its password is checked (in the
//! transaction that checks the limit), so parallel guesses are counted too; a
//! successful login clears the account's record. Kept in the database, not in process memory, so the limit holds across several
//! API instances and restarts. Each failure is one row (no upsert, so the same SQL
//! serves both engines); rows older than a day are pruned as new ones arrive.

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
    diesel::delete(login_failures::table.filter(login_failures::failed_at.lt(to_db_time(now - TimeDelta::days(1)))))
        .execute(conn)?;
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

/// Failures for an account since `since`.
pub fn count_for_email(conn: &mut DbConnection, email: &str, since: DateTime<Utc>) -> Result<i64, StoreError> {
    Ok(login_failures::table
        .filter(login_failures::email.eq(email))
        .filter(login_failures::failed_at.gt(to_db_time(since)))
        .count()
        .get_result(conn)?)
}

/// Failures from a network address since `since`.
pub fn count_for_address(conn: &mut DbConnection, address: &str, since: DateTime<Utc>) -> Result<i64, StoreError> {
    Ok(login_failures::table
        .filter(login_failures::address.eq(address))
        .filter(login_failures::failed_at.gt(to_db_time(since)))
        .count()
        .get_result(conn)?)
}

/// Forgets an account's failures after a successful login.
pub fn clear_for_email(conn: &mut DbConnection, email: &str) -> Result<(), StoreError> {
    diesel::delete(login_failures::table.filter(login_failures::email.eq(email))).execute(conn)?;
    Ok(())
}
