//! The store's error type.
//!
//! Absence is not an error here: lookups return `Option`. What remains is a broken
//! uniqueness promise (a conflict the caller can explain to a user), or a fault of the
//! database itself (which the caller reports as a server error without details).

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; `constraint` names the column(s).
    #[error("unique constraint violated: {constraint}")]
    Conflict { constraint: String },
    /// A compare-and-set update found the row changed since it was read.
    #[error("the row was changed by someone else")]
    VersionConflict,
    /// The database or the pool failed.
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("connection pool error: {0}")]
    Pool(String),
    #[error("migration error: {0}")]
    Migration(String),
    /// A stored value could not be read back into its domain type.
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether the database could not be reached (pool exhausted or timed out, or a
    /// pooled connection whose server went away, e.g. a PostgreSQL restart; the pool
    /// replaces such connections, so a retry can succeed).
    #[must_use]
    pub fn is_unavailable(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        matches!(
            self,
            StoreError::Pool(_)
                | StoreError::Database(
                    Error::BrokenTransactionManager | Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
                )
        )
    }

    /// Whether the transaction lost a race that the database detected and resolved by
    /// failing it: a deadlock or a serialization failure on PostgreSQL (SQLSTATE
    /// `40P01`, `40001`), a busy database on SQLite. Running the whole transaction
    /// again can succeed ([`crate::Database::write`] does, a few times).
    #[must_use]
    pub fn is_contention(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            StoreError::Database(Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _)) => true,
            // diesel has no kind for 40P01; PostgreSQL's message is fixed English text
            // unless lc_messages is changed, and SQLite's busy error has no kind either.
            StoreError::Database(Error::DatabaseError(DatabaseErrorKind::Unknown, info)) => {
                let message = info.message();
                message.starts_with("deadlock detected") || message.starts_with("database is locked")
            }
            _ => false,
        }
    }

    /// Turns a unique violation into [`StoreError::Conflict`], keeping every other
    /// error as it is.
    pub(crate) fn from_write(error: diesel::result::Error, constraint: &str) -> Self {
        match error {
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                StoreError::Conflict { constraint: constraint.to_owned() }
            }
            other => StoreError::Database(other),
        }
    }
}
