//! Yui's persistence: one code base for SQLite (the embedded default) and PostgreSQL
//! (production).
//!
//! * [`Database`] owns the connection pool and hands out transactions: every request's
//!   work is one closure run inside one transaction, so a state change and the rows
//!   it causes commit together or not at all.
//! * The query modules ([`centers`], [`users`], …) take a `&mut DbConnection` inside
//!   that transaction and speak in domain types.
//! * Ids are stored as text and timestamps as UTC `TIMESTAMP`, the portable subset
//!   both engines share through diesel's `MultiConnection`.

mod checkpoint;
mod clock;
mod db;
mod error;
mod ids;
mod migrate;
mod schema;

pub mod account_tokens;
pub mod api_keys;
pub mod availability;
pub mod billing;
pub mod centers;
pub mod comments;
pub mod deliveries;
pub mod events;
pub mod flow;
pub mod housekeeping;
pub mod idempotency;
pub mod invitations;
pub mod invoices;
pub mod jobs;
pub mod labour;
pub mod locks;
pub mod login_failures;
pub mod minimum_wages;
pub mod notice_preferences;
pub mod notices;
pub mod organizations;
pub mod outbox;
pub mod pay_rates;
pub mod profiles;
pub mod quotes;
pub mod rate_limits;
pub mod reviews;
pub mod roster;
pub mod sessions;
pub mod skills;
pub mod statements;
pub mod submissions;
pub mod substitutes;
pub mod tasks;
pub mod teams;
pub mod time_entries;
pub mod users;
pub mod webhooks;
pub mod worker_stats;
pub mod workforce;
pub mod workload;

pub use clock::now;
pub use db::{Database, DbConnection, Engine, PoolSettings, PoolStats, SqliteDurability, TransactionError};
pub use error::StoreError;

/// One page of a keyset-paginated list: items in id order, and the id to continue
/// after when there is more.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_after: Option<uuid::Uuid>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row only proves there is
    /// a next page and is dropped.
    pub(crate) fn from_overfetch(mut rows: Vec<T>, limit: u8, id_of: impl Fn(&T) -> uuid::Uuid) -> Self {
        let limit = usize::from(limit);
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        let next_after = if has_more { rows.last().map(id_of) } else { None };
        Self { items: rows, next_after }
    }
}

/// How many rows a page query fetches: one more than the page, to know if another follows.
pub(crate) fn overfetch(limit: yui_domain::PageLimit) -> i64 {
    i64::from(limit.get()) + 1
}
