//! Single-use tokens mailed to a user: to verify their e-mail address, or to reset
//! their password.
//!
//! Only a hash of each token is stored (the token itself travels in the e-mail). A
//! token is spent with compare-and-set, so two requests presenting it at once cannot
//! both succeed; asking for a new token of a purpose spends the user's older ones.

use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use yui_domain::UserId;

use crate::ids::{parse_uuid, to_db_time};
use crate::schema::account_tokens;
use crate::{DbConnection, StoreError};

/// What a token lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
}

impl Purpose {
    const fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
        }
    }
}

/// Stores a new token for `user`, spending any earlier open token of the same purpose.
pub fn issue(
    conn: &mut DbConnection,
    user: UserId,
    purpose: Purpose,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let now = to_db_time(crate::now());
    diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user.to_string()))
            .filter(account_tokens::purpose.eq(purpose.as_str()))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(conn)?;
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::token_hash.eq(token_hash),
            account_tokens::user_id.eq(user.to_string()),
            account_tokens::purpose.eq(purpose.as_str()),
            account_tokens::created_at.eq(now),
            account_tokens::expires_at.eq(to_db_time(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Spends an open (unused, unexpired) token of `purpose` and returns its user;
/// `None` when no such token exists. At most one caller ever gets `Some`.
pub fn spend(conn: &mut DbConnection, purpose: Purpose, token_hash: &str) -> Result<Option<UserId>, StoreError> {
    let now = to_db_time(crate::now());
    let open = account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash))
        .filter(account_tokens::purpose.eq(purpose.as_str()))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::expires_at.gt(now));
    let user: Option<String> = open.select(account_tokens::user_id).first(conn).optional()?;
    let Some(user) = user else { return Ok(None) };
    let spent = diesel::update(open).set(account_tokens::used_at.eq(now)).execute(conn)?;
    if spent == 1 { Ok(Some(parse_uuid(&user)?.into())) } else { Ok(None) }
}

/// Deletes tokens that expired or were spent more than `grace` ago.
pub fn prune(conn: &mut DbConnection, grace: TimeDelta) -> Result<usize, StoreError> {
    let before = to_db_time(crate::now() - grace);
    Ok(diesel::delete(
        account_tokens::table.filter(account_tokens::expires_at.lt(before).or(account_tokens::used_at.lt(before))),
    )
    .execute(conn)?)
}
