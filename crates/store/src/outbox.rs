//! The transactional outbox: every message to the outside is first a row here,
//! written in the same transaction as the change that causes it.
//!
//! So a change that rolls back sends nothing, and a change that commits sends its
//! messages even if the process dies right after: the dispatcher (`yui-notify`)
//! claims due rows, sends them, and marks them sent. A claim is a lease
//! (`locked_until`): if the process dies mid-send the lease runs out and the row is
//! claimed again, so delivery is at least once, and a repeat carries the same
//! `Message-ID` (it is derived from the row's id). On PostgreSQL claims take
//! `FOR UPDATE SKIP LOCKED`, so several dispatchers share the work without waiting
//! for or duplicating each other; SQLite runs one writer at a time anyway.
//!
//! A message records *what* to say (template, locale, data), not the rendered text;
//! the dispatcher renders it. A one-time secret a message carries lives in
//! `data.token` and is erased once the message is sent.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use serde_json::Value;
use uuid::Uuid;
use yui_domain::{Locale, PageLimit, Template, UserId};

use crate::ids::{from_db_time, parse_json, parse_locale, parse_uuid, to_db_time, to_json};
use crate::schema::outbox;
use crate::{DbConnection, Page, StoreError, overfetch};

/// The only channel so far; webhooks will be another.
pub const EMAIL: &str = "email";

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Waiting to be sent (or retried at `next_attempt_at`).
    Pending,
    /// Waiting for its recipient's daily digest.
    Held,
    /// Went out inside a digest.
    Digested,
    Sent,
    /// Gave up after the last retry; an operator can retry it.
    Dead,
    /// Not sent because e-mail is turned off.
    Dropped,
}

impl Status {
    pub const ALL: [Status; 6] =
        [Status::Pending, Status::Held, Status::Digested, Status::Sent, Status::Dead, Status::Dropped];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Held => "held",
            Status::Digested => "digested",
            Status::Sent => "sent",
            Status::Dead => "dead",
            Status::Dropped => "dropped",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        Status::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown outbox status `{text}`")))
    }
}

/// A message to write.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    /// The user it is for, when it is for a user (an invitation is not yet).
    pub recipient_user: Option<UserId>,
    /// The e-mail address.
    pub recipient: String,
    pub locale: Locale,
    pub template: Template,
    pub data: Value,
    /// Keep it for the recipient's daily digest instead of sending it now.
    pub held: bool,
}

/// A message as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: Uuid,
    pub recipient_user: Option<UserId>,
    pub recipient: String,
    pub locale: Locale,
    pub template: Template,
    pub data: Value,
    pub status: Status,
    /// Attempts so far, the one in progress included.
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct MessageRow {
    id: String,
    recipient_user_id: Option<String>,
    recipient: String,
    locale: String,
    template: String,
    data: String,
    status: String,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    last_error: Option<String>,
    created_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
}

impl TryFrom<MessageRow> for Message {
    type Error = StoreError;
    fn try_from(row: MessageRow) -> Result<Self, StoreError> {
        Ok(Message {
            id: parse_uuid(&row.id)?,
            recipient_user: row.recipient_user_id.as_deref().map(parse_uuid).transpose()?.map(Into::into),
            recipient: row.recipient,
            locale: parse_locale(&row.locale)?,
            template: row.template.parse().map_err(|e| StoreError::Corrupt(format!("{e}")))?,
            data: parse_json(&row.data)?,
            status: Status::parse(&row.status)?,
            attempts: row.attempts,
            next_attempt_at: from_db_time(row.next_attempt_at),
            last_error: row.last_error,
            created_at: from_db_time(row.created_at),
            sent_at: row.sent_at.map(from_db_time),
        })
    }
}

/// Writes messages in the caller's transaction.
pub fn enqueue(conn: &mut DbConnection, messages: &[NewMessage]) -> Result<(), StoreError> {
    let now = to_db_time(crate::now());
    for message in messages {
        let status = if message.held { Status::Held } else { Status::Pending };
        diesel::insert_into(outbox::table)
            .values((
                outbox::id.eq(Uuid::now_v7().to_string()),
                outbox::channel.eq(EMAIL),
                outbox::recipient_user_id.eq(message.recipient_user.map(|u| u.to_string())),
                outbox::recipient.eq(&message.recipient),
                outbox::locale.eq(message.locale.as_str()),
                outbox::template.eq(message.template.as_str()),
                outbox::data.eq(to_json(&message.data)?),
                outbox::status.eq(status.as_str()),
                outbox::attempts.eq(0),
                outbox::next_attempt_at.eq(now),
                outbox::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether any message is due (a cheap read before taking a write transaction to
/// claim: on SQLite an idle dispatcher then never holds the write lock).
///
/// Ordered by `next_attempt_at` although any due row would do: the order makes
/// `outbox_due_idx` the only sensible plan. Without it PostgreSQL's generic plan for
/// `status = $2` can pick a sequential scan whenever its statistics are stale (taken
/// while most messages were still pending), and a poll of a 300 000-row outbox then
/// takes 240 ms instead of 0.05 ms, once a second.
pub fn any_due(conn: &mut DbConnection) -> Result<bool, StoreError> {
    let now = to_db_time(crate::now());
    let due: Option<String> = outbox::table
        .filter(outbox::channel.eq(EMAIL))
        .filter(outbox::status.eq(Status::Pending.as_str()))
        .filter(outbox::next_attempt_at.le(now))
        .filter(outbox::locked_until.is_null().or(outbox::locked_until.lt(now)))
        .order(outbox::next_attempt_at.asc())
        .select(outbox::id)
        .first(conn)
        .optional()?;
    Ok(due.is_some())
}

/// Claims up to `limit` due messages for `lease`: they are this caller's to send
/// until then. Each claim counts as an attempt.
pub fn claim(conn: &mut DbConnection, limit: i64, lease: TimeDelta) -> Result<Vec<Message>, StoreError> {
    let now = crate::now();
    let due = outbox::table
        .filter(outbox::channel.eq(EMAIL))
        .filter(outbox::status.eq(Status::Pending.as_str()))
        .filter(outbox::next_attempt_at.le(to_db_time(now)))
        .filter(outbox::locked_until.is_null().or(outbox::locked_until.lt(to_db_time(now))))
        .order((outbox::next_attempt_at.asc(), outbox::id.asc()))
        .limit(limit)
        .select(outbox::id);
    let ids: Vec<String> = match conn {
        DbConnection::Postgresql(pg) => due.for_update().skip_locked().load(pg)?,
        DbConnection::Sqlite(lite) => due.load(lite)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
        .set((outbox::locked_until.eq(to_db_time(now + lease)), outbox::attempts.eq(outbox::attempts + 1)))
        .execute(conn)?;
    load(conn, outbox::table.filter(outbox::id.eq_any(&ids)).order(outbox::id.asc()).into_boxed())
}

/// Marks a claimed message sent and erases any one-time secret it carried.
pub fn mark_sent(conn: &mut DbConnection, message: &Message) -> Result<(), StoreError> {
    let now = to_db_time(crate::now());
    diesel::update(pending(&message.id))
        .set((
            outbox::status.eq(Status::Sent.as_str()),
            outbox::sent_at.eq(now),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
            outbox::data.eq(to_json(&without_secret(&message.data))?),
        ))
        .execute(conn)?;
    Ok(())
}

/// The data with its one-time secret (if any) replaced by a note.
fn without_secret(data: &Value) -> Value {
    let mut data = data.clone();
    if let Some(token) = data.get_mut("token") {
        *token = Value::String("(erased after sending)".into());
    }
    data
}

/// Records a failed attempt: retried at `retry_at`, or `dead` when `None`.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: Uuid,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let error: String = error.chars().take(1000).collect();
    let (status, next) = match retry_at {
        Some(at) => (Status::Pending, at),
        None => (Status::Dead, crate::now()),
    };
    diesel::update(pending(&id))
        .set((
            outbox::status.eq(status.as_str()),
            outbox::next_attempt_at.eq(to_db_time(next)),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks a claimed message `dropped` (the transport is off); its secret goes too.
pub fn mark_dropped(conn: &mut DbConnection, message: &Message) -> Result<(), StoreError> {
    diesel::update(pending(&message.id))
        .set((
            outbox::status.eq(Status::Dropped.as_str()),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::data.eq(to_json(&without_secret(&message.data))?),
        ))
        .execute(conn)?;
    Ok(())
}

/// A message by id, only while it is `pending`.
type PendingById = diesel::dsl::Filter<
    diesel::dsl::Filter<outbox::table, diesel::dsl::Eq<outbox::id, String>>,
    diesel::dsl::Eq<outbox::status, &'static str>,
>;

fn pending(id: &Uuid) -> PendingById {
    outbox::table.filter(outbox::id.eq(id.to_string())).filter(outbox::status.eq(Status::Pending.as_str()))
}

/// Puts dead messages back in the queue, with their attempts reset: the one with
/// `id`, or all of them. Returns how many.
pub fn retry_dead(conn: &mut DbConnection, id: Option<Uuid>) -> Result<usize, StoreError> {
    let mut query = diesel::update(outbox::table).filter(outbox::status.eq(Status::Dead.as_str())).into_boxed();
    if let Some(id) = id {
        query = query.filter(outbox::id.eq(id.to_string()));
    }
    Ok(query
        .set((
            outbox::status.eq(Status::Pending.as_str()),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(to_db_time(crate::now())),
        ))
        .execute(conn)?)
}

/// Messages in id (creation) order, optionally of one status, one page after `after`.
pub fn list(
    conn: &mut DbConnection,
    status: Option<Status>,
    after: Option<Uuid>,
    limit: PageLimit,
) -> Result<Page<Message>, StoreError> {
    let mut query = outbox::table.order(outbox::id.asc()).into_boxed();
    if let Some(status) = status {
        query = query.filter(outbox::status.eq(status.as_str()));
    }
    if let Some(after) = after {
        query = query.filter(outbox::id.gt(after.to_string()));
    }
    let rows = load(conn, query.limit(overfetch(limit)))?;
    Ok(Page::from_overfetch(rows, limit.get(), |m| m.id))
}

/// How many messages are in each status.
pub fn counts(conn: &mut DbConnection) -> Result<Vec<(Status, i64)>, StoreError> {
    let rows: Vec<(String, i64)> =
        outbox::table.group_by(outbox::status).select((outbox::status, diesel::dsl::count_star())).load(conn)?;
    rows.into_iter().map(|(status, n)| Ok((Status::parse(&status)?, n))).collect()
}

/// Users who have messages waiting for a digest.
pub fn users_with_held(conn: &mut DbConnection) -> Result<Vec<UserId>, StoreError> {
    let ids: Vec<Option<String>> = outbox::table
        .filter(outbox::status.eq(Status::Held.as_str()))
        .select(outbox::recipient_user_id)
        .distinct()
        .load(conn)?;
    ids.into_iter().flatten().map(|id| Ok(parse_uuid(&id)?.into())).collect()
}

/// Takes a user's held messages for their digest (oldest first), marking them
/// `digested` in the caller's transaction.
pub fn take_held(conn: &mut DbConnection, user: UserId) -> Result<Vec<Message>, StoreError> {
    let held = outbox::table
        .filter(outbox::recipient_user_id.eq(user.to_string()))
        .filter(outbox::status.eq(Status::Held.as_str()));
    let messages = load(conn, held.clone().order(outbox::id.asc()).into_boxed())?;
    diesel::update(held)
        .set((outbox::status.eq(Status::Digested.as_str()), outbox::sent_at.eq(to_db_time(crate::now()))))
        .execute(conn)?;
    Ok(messages)
}

/// Deletes final messages (sent, digested, dropped) older than `age`.
pub fn prune_final(conn: &mut DbConnection, age: TimeDelta) -> Result<usize, StoreError> {
    let before = to_db_time(crate::now() - age);
    let finished = [Status::Sent.as_str(), Status::Digested.as_str(), Status::Dropped.as_str()];
    Ok(diesel::delete(outbox::table.filter(outbox::status.eq_any(finished)).filter(outbox::created_at.lt(before)))
        .execute(conn)?)
}

fn load(
    conn: &mut DbConnection,
    query: outbox::BoxedQuery<'_, crate::db::MultiBackend>,
) -> Result<Vec<Message>, StoreError> {
    query.select(MessageRow::as_select()).load(conn)?.into_iter().map(Message::try_from).collect()
}
