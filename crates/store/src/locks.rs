//! The one lock order for writes that touch workers' rows.
//!
//! A worker's rows (commitments, quality counters, profile, levels, availability,
//! team memberships) are written by many kinds of request: a submission, a review, a
//! rejected delivery, an assignment plan, a director editing a profile. Two
//! transactions that lock the same two rows in opposite orders deadlock on
//! PostgreSQL (a submission locks the commitment row and then the counters; a review
//! the other way round). So every transaction that writes such rows first calls
//! [`workers`] with every worker it will touch: it locks each worker's `users` row in
//! ascending id, before any other write. Transactions on the same worker then queue
//! on that first lock, and the order of everything after it no longer matters.
//!
//! The writes of a worker's rows take the [`WorkerLocks`] that [`workers`] returns,
//! and refuse to run for a worker it does not hold: the order is kept by
//! construction, not by remembering a comment.
//!
//! `FOR NO KEY UPDATE` does not block foreign-key checks (`FOR KEY SHARE`), so tasks
//! can still be assigned to a locked worker; it only queues other writers of the
//! worker's own rows. SQLite needs nothing: its writers are serialised
//! ([`crate::Database::write`]).

use diesel::prelude::*;
use yui_domain::UserId;

use crate::schema::users;
use crate::{DbConnection, StoreError};

/// Proof that the transaction holds the locks of these workers' rows.
#[derive(Debug)]
#[must_use = "the locks are the proof a worker's rows may be written"]
pub struct WorkerLocks {
    held: Vec<UserId>,
}

impl WorkerLocks {
    /// `Ok` if `worker`'s rows are locked by this transaction; a programming error
    /// otherwise (the write would break the lock order), reported as a store fault.
    pub fn check(&self, worker: UserId) -> Result<(), StoreError> {
        if self.held.contains(&worker) {
            Ok(())
        } else {
            Err(StoreError::Corrupt(format!("worker {worker} written without its lock (see yui_store::locks)")))
        }
    }
}

/// Locks the workers' rows, in ascending id, until the transaction ends. Call it
/// once, before the transaction's first write, with every worker it will touch.
pub fn workers(conn: &mut DbConnection, workers: impl IntoIterator<Item = UserId>) -> Result<WorkerLocks, StoreError> {
    let mut held: Vec<UserId> = workers.into_iter().collect();
    held.sort_unstable_by_key(|w| w.to_string());
    held.dedup();
    if let DbConnection::Postgresql(pg) = conn
        && !held.is_empty()
    {
        let ids: Vec<String> = held.iter().map(ToString::to_string).collect();
        users::table
            .filter(users::id.eq_any(&ids))
            .order(users::id.asc())
            .select(users::id)
            .for_no_key_update()
            .load::<String>(pg)?;
    }
    Ok(WorkerLocks { held })
}

/// Locks a centre's row until the transaction ends, for the writes that must not
/// interleave with closing a pay period: the close itself, and recording a minimum
/// wage or a closing day (each checks the closed periods under the lock). Taken
/// before any worker's lock. SQLite's writers are serialised already.
pub fn centre_pay(conn: &mut DbConnection, center: yui_domain::CenterId) -> Result<(), StoreError> {
    use crate::schema::centers;
    if let DbConnection::Postgresql(pg) = conn {
        centers::table
            .filter(centers::id.eq(center.to_string()))
            .select(centers::id)
            .for_no_key_update()
            .load::<String>(pg)?;
    }
    Ok(())
}
