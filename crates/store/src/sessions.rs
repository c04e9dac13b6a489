//! Login sessions and their rotating refresh tokens.
//!
//! A session is one login. Each refresh token is usable once: refreshing marks it
//! used (compare-and-set, so two racing refreshes cannot both win) and issues the
//! next one in the same session. Presenting a token that was already used means it
//! leaked: the whole session is revoked (RFC 6819 §5.2.2.3). Access tokens name their
//! session, and every authorised request checks the session is still live, so logout
//! and deactivation take effect at once, not when the access token expires.
//!
//! Only SHA-256 hashes of refresh tokens are stored.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use yui_domain::access::Credential;
use yui_domain::{Actor, SessionId, UserId};

use crate::ids::{parse_uuid, to_db_time};
use crate::schema::{refresh_tokens, sessions, users};
use crate::users::{User, UserRow};
use crate::{DbConnection, StoreError};

/// Opens a session for `user` with its first refresh token.
pub fn open(
    conn: &mut DbConnection,
    user: UserId,
    first_token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<SessionId, StoreError> {
    let id = SessionId::generate();
    let now = crate::now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(id.to_string()),
            sessions::user_id.eq(user.to_string()),
            sessions::created_at.eq(to_db_time(now)),
            sessions::expires_at.eq(to_db_time(expires_at)),
        ))
        .execute(conn)?;
    add_token(conn, id, first_token_hash)?;
    Ok(id)
}

fn add_token(conn: &mut DbConnection, session: SessionId, token_hash: &str) -> Result<(), StoreError> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::session_id.eq(session.to_string()),
            refresh_tokens::created_at.eq(to_db_time(crate::now())),
        ))
        .execute(conn)?;
    Ok(())
}

/// What became of a refresh attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The token was live; `next_token_hash` now is. The session's user is returned
    /// as stored (the caller still checks it is active).
    Rotated { session: SessionId, user: User },
    /// The token was already used: the session has now been revoked.
    Reused,
    /// Unknown token, or its session is revoked or expired.
    Refused,
}

/// Spends `token_hash` and stores `next_token_hash` in its place.
pub fn rotate(conn: &mut DbConnection, token_hash: &str, next_token_hash: &str) -> Result<Rotation, StoreError> {
    let now = crate::now();
    let found: Option<(String, Option<chrono::NaiveDateTime>)> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((refresh_tokens::session_id, refresh_tokens::used_at))
        .first(conn)
        .optional()?;
    let Some((session_text, used_at)) = found else {
        return Ok(Rotation::Refused);
    };
    let session = SessionId::from(parse_uuid(&session_text)?);
    if used_at.is_some() {
        revoke(conn, session)?;
        return Ok(Rotation::Reused);
    }
    let Some(user) = live_session_user(conn, session, now)? else {
        return Ok(Rotation::Refused);
    };
    let spent = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(token_hash))
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(to_db_time(now)))
    .execute(conn)?;
    if spent == 0 {
        // Another request spent it between our read and our write.
        revoke(conn, session)?;
        return Ok(Rotation::Reused);
    }
    add_token(conn, session, next_token_hash)?;
    Ok(Rotation::Rotated { session, user })
}

/// Revokes a session: its refresh tokens and its access tokens stop working.
pub fn revoke(conn: &mut DbConnection, session: SessionId) -> Result<(), StoreError> {
    diesel::update(sessions::table.filter(sessions::id.eq(session.to_string())).filter(sessions::revoked_at.is_null()))
        .set(sessions::revoked_at.eq(to_db_time(crate::now())))
        .execute(conn)?;
    Ok(())
}

/// Revokes the session a refresh token belongs to, if the token is known.
pub fn revoke_by_token(conn: &mut DbConnection, token_hash: &str) -> Result<(), StoreError> {
    let session: Option<String> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(refresh_tokens::session_id)
        .first(conn)
        .optional()?;
    match session {
        Some(session) => revoke(conn, parse_uuid(&session)?.into()),
        None => Ok(()),
    }
}

/// Revokes every session of a user (on deactivation).
pub fn revoke_all_of(conn: &mut DbConnection, user: UserId) -> Result<(), StoreError> {
    diesel::update(
        sessions::table.filter(sessions::user_id.eq(user.to_string())).filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(to_db_time(crate::now())))
    .execute(conn)?;
    Ok(())
}

/// Whether a `sessions` row is the session `session` and neither revoked nor expired
/// at `now`: a filter here, and the join condition where a resource is read with its
/// caller's session in one statement (`tasks::find_with_job_and_caller`).
#[diesel::dsl::auto_type]
pub(crate) fn is_live(session: String, now: chrono::NaiveDateTime) -> _ {
    sessions::id.eq(session).and(sessions::revoked_at.is_null()).and(sessions::expires_at.gt(now))
}

/// The user of a session that is neither revoked nor expired. Every request made
/// with an access token reads it, so it runs on the concrete connection
/// (`on_engine!`: no SQL written again per run).
fn live_session_user(
    conn: &mut DbConnection,
    session: SessionId,
    now: DateTime<Utc>,
) -> Result<Option<User>, StoreError> {
    let found = crate::db::on_engine!(conn, |c| sessions::table
        .inner_join(users::table)
        .filter(is_live(session.to_string(), to_db_time(now)))
        .select(UserRow::as_select())
        .first::<UserRow>(c)
        .optional())?;
    found.map(User::try_from).transpose()
}

/// Resolves an access token's subject and session to an [`Actor`]: `None` unless
/// the session is live, belongs to that user, and the user is active.
pub fn load_actor(conn: &mut DbConnection, user: UserId, session: SessionId) -> Result<Option<Actor>, StoreError> {
    Ok(actor_of(user, live_session_user(conn, session, crate::now())?))
}

/// The [`Actor`] for an access token's subject `user`, given the user of its session
/// if that session is live: `None` unless it is that user, and the user is active.
#[must_use]
pub fn actor_of(user: UserId, session_user: Option<User>) -> Option<Actor> {
    session_user.filter(|found| found.id == user && found.active).map(|found| Actor {
        user_id: found.id,
        role: found.role,
        tenant: found.tenant,
        credential: Credential::Person,
    })
}

/// The columns of the caller's user where a resource is read with a `LEFT JOIN` of
/// the live session ([`is_live`]) and its user: `NULL`s where the session is not live.
pub(crate) fn nullable_caller()
-> diesel::dsl::Nullable<<UserRow as Selectable<crate::db::MultiBackend>>::SelectExpression> {
    <UserRow as Selectable<crate::db::MultiBackend>>::construct_selection().nullable()
}

/// The user in [`nullable_caller`]'s columns, if there was one.
pub(crate) fn caller_from_row(row: Option<UserRow>) -> Result<Option<User>, StoreError> {
    row.map(User::try_from).transpose()
}

/// Deletes sessions that ended (expired or revoked) more than `grace` ago, with
/// their refresh tokens, spent or not. Returns how many sessions went. Their access
/// tokens were already refused; afterwards they are refused as unknown.
pub fn prune_ended(conn: &mut DbConnection, grace: chrono::TimeDelta) -> Result<usize, StoreError> {
    let before = to_db_time(crate::now() - grace);
    let ended = sessions::table.filter(sessions::expires_at.lt(before).or(sessions::revoked_at.lt(before)));
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::session_id.eq_any(ended.select(sessions::id))))
        .execute(conn)?;
    Ok(diesel::delete(ended).execute(conn)?)
}
