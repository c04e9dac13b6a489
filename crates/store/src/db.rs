//! Connections, the pool and transactions.
//!
//! The engine is chosen from the URL scheme by us, not by trial: diesel's
//! `MultiConnection::establish` would happily treat a mistyped PostgreSQL URL as a
//! SQLite file name. SQLite connections get WAL, foreign keys and a busy timeout.
//!
//! SQLite allows one writer at a time; a second deferred transaction that tries to
//! write fails with `SQLITE_BUSY` instead of waiting. So write transactions on
//! SQLite are queued in-process behind one lock (readers are never blocked, thanks to
//! WAL). PostgreSQL needs no such lock: its row locks and compare-and-set updates do
//! the work, also across several API instances.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::connection::{SimpleConnection, TransactionManager};
use diesel::r2d2::{self, ManageConnection, Pool};
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};

use crate::StoreError;

/// A multi-row `INSERT`. diesel's batch insert does not compile through the shared
/// multi-backend type, so it is dispatched to the concrete connection; the SQL is the
/// same on both engines.
macro_rules! batch_insert {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::DbConnection::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
            $crate::DbConnection::Postgresql(c) => diesel::insert_into($table).values($rows).execute(c),
        }
    };
}
pub(crate) use batch_insert;

/// One connection to either engine.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// Picks the engine from a database URL: `postgres://` or `postgresql://` is
    /// PostgreSQL; `sqlite://PATH`, `file:PATH` or a bare path is SQLite.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Engine::Postgres)
        } else if url.contains("://") && !url.starts_with("sqlite://") {
            Err(StoreError::Pool(format!(
                "unsupported database URL scheme in {:?}: use postgres://… or a SQLite file path",
                url.split("://").next().unwrap_or_default()
            )))
        } else {
            Ok(Engine::Sqlite)
        }
    }

    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// Pool sizing; see `docs/operations.md` for why the defaults are small.
#[derive(Clone, Copy, Debug)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub connect_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self { max_connections: 8, connect_timeout: Duration::from_secs(5) }
    }
}

/// Opens connections for the pool, engine chosen once from the URL.
#[derive(Debug)]
pub struct Manager {
    engine: Engine,
    url: String,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match self.engine {
            Engine::Postgres => {
                PgConnection::establish(&self.url).map(DbConnection::Postgresql).map_err(r2d2::Error::ConnectionError)
            }
            Engine::Sqlite => {
                let path = self.url.strip_prefix("sqlite://").unwrap_or(&self.url);
                let mut conn = SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        diesel::sql_query("SELECT 1").execute(conn).map(|_| ()).map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking()
            || <DbConnection as Connection>::TransactionManager::is_broken_transaction_manager(conn)
    }
}

/// The application's handle on its database. Cheap to clone.
#[derive(Clone)]
pub struct Database {
    pool: Pool<Manager>,
    engine: Engine,
    sqlite_writer: Arc<Mutex<()>>,
}

/// An error inside a transaction: either the database's or the caller's own.
enum TxError<E> {
    Database(diesel::result::Error),
    Caller(E),
}

impl<E> From<diesel::result::Error> for TxError<E> {
    fn from(error: diesel::result::Error) -> Self {
        TxError::Database(error)
    }
}

impl Database {
    /// Opens a pool on `url` (checking one connection right away).
    pub fn connect(url: &str, settings: PoolSettings) -> Result<Self, StoreError> {
        let engine = Engine::from_url(url)?;
        let manager = Manager { engine, url: url.to_owned() };
        let max_size = match engine {
            // Writers are serialised anyway; a few readers suffice.
            Engine::Sqlite => settings.max_connections.clamp(1, 8),
            Engine::Postgres => settings.max_connections.max(1),
        };
        let pool = Pool::builder()
            .max_size(max_size)
            .min_idle(Some(1))
            .test_on_check_out(false)
            .connection_timeout(settings.connect_timeout)
            .build(manager)
            .map_err(|e| StoreError::Pool(e.to_string()))?;
        Ok(Self { pool, engine, sqlite_writer: Arc::new(Mutex::new(())) })
    }

    #[must_use]
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Runs `work` in a read-only transaction.
    pub fn read<T, E>(&self, work: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.run(work)
    }

    /// Runs `work` in a transaction that may write. Either everything it wrote commits,
    /// or (on any `Err`) nothing does.
    pub fn write<T, E>(&self, work: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let _writer = match self.engine {
            Engine::Sqlite => Some(self.sqlite_writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner)),
            Engine::Postgres => None,
        };
        self.run(work)
    }

    fn run<T, E>(&self, work: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut conn = self.connection()?;
        conn.transaction::<T, TxError<E>, _>(|conn| work(conn).map_err(TxError::Caller)).map_err(|error| match error {
            TxError::Database(e) => E::from(StoreError::Database(e)),
            TxError::Caller(e) => e,
        })
    }

    /// A pooled connection outside any transaction (migrations, health checks).
    pub fn connection(&self) -> Result<r2d2::PooledConnection<Manager>, StoreError> {
        self.pool.get().map_err(|e| StoreError::Pool(e.to_string()))
    }

    /// Whether the database answers a trivial query.
    pub fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.connection()?;
        diesel::sql_query("SELECT 1").execute(&mut *conn)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_comes_from_the_url_scheme() {
        let table = [
            ("postgres://u@localhost/db", Some(Engine::Postgres)),
            ("postgresql://localhost/db", Some(Engine::Postgres)),
            ("sqlite://data/yui.sqlite3", Some(Engine::Sqlite)),
            ("data/yui.sqlite3", Some(Engine::Sqlite)),
            ("mysql://localhost/db", None),
        ];
        for (url, expected) in table {
            assert_eq!(Engine::from_url(url).ok(), expected, "{url}");
        }
    }
}
