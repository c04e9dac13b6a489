//! Connections, the pool and transactions.
//!
//! The engine is chosen from the URL scheme by us, not by trial: diesel's
//! `MultiConnection::establish` would happily treat a mistyped PostgreSQL URL as a
//! SQLite file name. SQLite connections get WAL, foreign keys and a busy timeout;
//! their writers leave checkpoints to a background thread (`checkpoint`).
//!
//! SQLite allows one writer at a time; a second deferred transaction that tries to
//! write fails with `SQLITE_BUSY` instead of waiting. So write transactions on
//! SQLite are queued in-process behind one lock (readers are never blocked, thanks to
//! WAL). PostgreSQL needs no such lock: its row locks and compare-and-set updates do
//! the work, also across several API instances.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{self, ManageConnection, Pool};
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};

use crate::StoreError;
use crate::checkpoint::Checkpointer;

/// Runs the same diesel statement on the concrete connection of either engine, for
/// the statements that do not compile through the shared multi-backend type:
/// multi-row inserts and upserts (`ON CONFLICT … DO UPDATE`, which both engines
/// speak with the same SQL). Also for the reads that start nearly every request (a
/// task or a job with its caller's session; the caller's session): through the
/// multi-backend type diesel writes a statement's SQL afresh on every run, even when
/// the prepared statement is cached; on the concrete connection a statement of fixed
/// shape is found in the cache by its type alone (docs/benchmarks.md).
macro_rules! on_engine {
    ($conn:expr, |$c:ident| $statement:expr) => {
        match $conn {
            $crate::DbConnection::Sqlite($c) => $statement,
            $crate::DbConnection::Postgresql($c) => $statement,
        }
    };
}
pub(crate) use on_engine;

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

/// How hard SQLite works to keep the last commits through a power loss
/// (`PRAGMA synchronous`; PostgreSQL has its own settings). Both survive a crashed
/// or killed process; see `docs/operations.md`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SqliteDurability {
    /// `NORMAL`: the fastest safe setting with WAL; a power loss or OS crash can
    /// lose the last transactions (never corrupt the file).
    #[default]
    Normal,
    /// `FULL`: every commit is on disk before it is acknowledged.
    Full,
}

impl SqliteDurability {
    const fn pragma(self) -> &'static str {
        match self {
            SqliteDurability::Normal => "NORMAL",
            SqliteDurability::Full => "FULL",
        }
    }
}

/// Pool sizing; see `docs/operations.md` for why the defaults are small.
#[derive(Clone, Copy, Debug)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub connect_timeout: Duration,
    pub sqlite_durability: SqliteDurability,
    /// Connections kept open while idle (the pool reopens them in the background).
    /// A one-shot command wants 0: a connection being reopened while the process
    /// exits races libpq's TLS library being torn down, and the process can crash.
    pub min_idle: u32,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 8,
            connect_timeout: Duration::from_secs(5),
            sqlite_durability: SqliteDurability::Normal,
            min_idle: 1,
        }
    }
}

/// Opens connections for a pool, engine chosen once from the URL.
#[derive(Debug)]
pub struct Manager {
    engine: Engine,
    url: String,
    /// SQLite readers are opened with `query_only`, so a read can never write.
    read_only: bool,
    durability: SqliteDurability,
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
                let mut conn =
                    SqliteConnection::establish(sqlite_path(&self.url)).map_err(r2d2::Error::ConnectionError)?;
                let pragmas = if self.read_only {
                    "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA query_only = ON;".to_owned()
                } else {
                    format!(
                        "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = {}; \
                         PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0;",
                        self.durability.pragma()
                    )
                };
                conn.batch_execute(&pragmas).map_err(r2d2::Error::QueryError)?;
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

fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").unwrap_or(url)
}

/// Creates the SQLite file readable and writable by its owner only (`0600`), before
/// SQLite opens it; SQLite gives its `-wal` and `-shm` files the same mode.
fn create_private_file(path: &str) -> Result<(), StoreError> {
    if path == ":memory:" || path.starts_with("file:") || std::path::Path::new(path).exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Pool(format!("creating the SQLite file {path}: {e}"))),
    }
}

/// Runs `work` in one transaction: committed if it succeeds, rolled back if not. A
/// read on PostgreSQL is a read-only snapshot (`REPEATABLE READ`), asked for in the
/// `BEGIN` itself: one round trip instead of `BEGIN` then `SET TRANSACTION`. A
/// latest read on PostgreSQL is no transaction at all: each statement commits on its
/// own (two round trips fewer).
fn transaction<T, E>(
    conn: &mut DbConnection,
    access: Access,
    work: impl FnOnce(&mut DbConnection) -> Result<T, TxError<E>>,
) -> Result<T, TxError<E>> {
    type Manager = <DbConnection as Connection>::TransactionManager;
    let pg = match (&mut *conn, access) {
        (DbConnection::Postgresql(_), Access::ReadLatest) => return work(conn),
        (DbConnection::Postgresql(pg), Access::Read) => pg,
        _ => return conn.transaction(work),
    };
    AnsiTransactionManager::begin_transaction_sql(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
    match work(conn) {
        Ok(value) => match Manager::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(error) => {
                // As diesel's own `transaction`: leave the connection outside a transaction.
                let _ = Manager::rollback_transaction(conn);
                Err(error.into())
            }
        },
        Err(error) => {
            Manager::rollback_transaction(conn)?;
            Err(error)
        }
    }
}

/// How many times a transaction that lost a race the database detected (a deadlock,
/// a serialization failure) is run again before the caller is told to retry later.
const CONTENTION_ATTEMPTS: u32 = 5;

/// Errors a transaction closure can fail with. `is_contention` says whether it is a
/// race the database detected ([`StoreError::is_contention`]), after which running the
/// whole closure again can succeed.
pub trait TransactionError: From<StoreError> {
    fn is_contention(&self) -> bool;
}

impl TransactionError for StoreError {
    fn is_contention(&self) -> bool {
        StoreError::is_contention(self)
    }
}

/// For tools (the benchmark seeder) whose closures fail with any error.
impl TransactionError for Box<dyn std::error::Error> {
    fn is_contention(&self) -> bool {
        self.downcast_ref::<StoreError>().is_some_and(StoreError::is_contention)
    }
}

/// The application's handle on its database. Cheap to clone.
#[derive(Clone)]
pub struct Database {
    /// Write transactions (and, on PostgreSQL, reads too).
    writers: Pool<Manager>,
    /// Read transactions: on SQLite, connections that cannot write.
    readers: Pool<Manager>,
    engine: Engine,
    sqlite_writer: Arc<Mutex<()>>,
    /// SQLite: copies the WAL into the database file after writes, off their path.
    checkpointer: Option<Checkpointer>,
    /// Transactions waiting for a connection (or, on SQLite, for the writer's turn).
    waiting: Arc<AtomicUsize>,
}

/// How full one connection pool is, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// `readers` and `writers` on SQLite; `shared` on PostgreSQL.
    pub name: &'static str,
    pub max: u32,
    /// Connections open now.
    pub open: u32,
    /// Open connections not in use.
    pub idle: u32,
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// One snapshot for the whole closure.
    Read,
    /// Each statement sees what was committed when it ran.
    ReadLatest,
    Write,
}

impl Database {
    /// Opens the pools on `url` (checking a connection right away).
    pub fn connect(url: &str, settings: PoolSettings) -> Result<Self, StoreError> {
        let engine = Engine::from_url(url)?;
        let pool = |read_only: bool, max_size: u32| {
            let manager = Manager { engine, url: url.to_owned(), read_only, durability: settings.sqlite_durability };
            Pool::builder()
                .max_size(max_size)
                .min_idle(Some(settings.min_idle.min(max_size)))
                .test_on_check_out(false)
                .connection_timeout(settings.connect_timeout)
                .build(manager)
                .map_err(|e| StoreError::Pool(e.to_string()))
        };
        let (writers, readers, checkpointer) = match engine {
            Engine::Sqlite => {
                create_private_file(sqlite_path(url))?;
                // Writers are serialised anyway: a few for tests and tools that hold one
                // while the app writes; readers are many (WAL never blocks them).
                let writers = pool(false, 2)?;
                let readers = pool(true, settings.max_connections.clamp(1, 8))?;
                let manager =
                    Manager { engine, url: url.to_owned(), read_only: false, durability: settings.sqlite_durability };
                let checkpointer = Checkpointer::start(move || match manager.connect() {
                    Ok(DbConnection::Sqlite(conn)) => Ok(conn),
                    Ok(DbConnection::Postgresql(_)) => Err("not a SQLite connection".to_owned()),
                    Err(e) => Err(e.to_string()),
                })
                .map_err(|e| StoreError::Pool(format!("starting the SQLite checkpoint thread: {e}")))?;
                (writers, readers, Some(checkpointer))
            }
            Engine::Postgres => {
                let shared = pool(false, settings.max_connections.max(1))?;
                (shared.clone(), shared, None)
            }
        };
        Ok(Self {
            writers,
            readers,
            engine,
            sqlite_writer: Arc::new(Mutex::new(())),
            checkpointer,
            waiting: Arc::default(),
        })
    }

    /// How many reads can run at once (the readers' pool; on PostgreSQL the one pool).
    #[must_use]
    pub fn max_concurrent_reads(&self) -> u32 {
        self.readers.max_size()
    }

    #[must_use]
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Runs `work` in a read-only transaction that sees one snapshot of the database
    /// (PostgreSQL: `REPEATABLE READ, READ ONLY`; SQLite: a WAL read transaction on a
    /// `query_only` connection). Any attempt to write fails.
    pub fn read<T, E>(&self, work: impl FnMut(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: TransactionError,
    {
        self.run(Access::Read, work)
    }

    /// Runs `work` without a snapshot: each statement reads what was committed when it
    /// ran. On PostgreSQL that is no transaction at all, two round trips fewer than
    /// [`Self::read`]; on SQLite, where a transaction costs no round trip, it is the
    /// same as [`Self::read`]. For reads whose statements need not agree with each
    /// other: one resource, or one resource and a page of its children, each with
    /// its access check.
    ///
    /// PostgreSQL does not stop a write here (there is no `READ ONLY` transaction to
    /// refuse it); SQLite still does (its readers are `query_only` connections), and
    /// the test suite runs every handler on both.
    pub fn read_latest<T, E>(&self, work: impl FnMut(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: TransactionError,
    {
        self.run(Access::ReadLatest, work)
    }

    /// Runs `work` in a transaction that may write. Either everything it wrote commits,
    /// or (on any `Err`) nothing does. A deadlock or serialization failure runs `work`
    /// again (a few times), so it must do nothing outside the database.
    pub fn write<T, E>(&self, work: impl FnMut(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: TransactionError,
    {
        let waiting = Waiting::start(&self.waiting);
        let _writer = match self.engine {
            Engine::Sqlite => Some(self.sqlite_writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner)),
            Engine::Postgres => None,
        };
        drop(waiting);
        let written = self.run(Access::Write, work);
        if let (Ok(_), Some(checkpointer)) = (&written, &self.checkpointer) {
            checkpointer.nudge();
        }
        written
    }

    fn run<T, E>(&self, access: Access, mut work: impl FnMut(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: TransactionError,
    {
        let pool = if access == Access::Write { &self.writers } else { &self.readers };
        let waiting = Waiting::start(&self.waiting);
        let mut pooled = pool.get().map_err(|e| E::from(StoreError::Pool(e.to_string())))?;
        drop(waiting);
        let conn: &mut DbConnection = &mut pooled;
        let mut attempt = 1;
        loop {
            let result =
                transaction(conn, access, |conn| work(conn).map_err(TxError::Caller)).map_err(|error| match error {
                    TxError::Database(e) => E::from(StoreError::Database(e)),
                    TxError::Caller(e) => e,
                });
            match result {
                Err(error) if error.is_contention() && attempt < CONTENTION_ATTEMPTS => {
                    tracing::debug!(attempt, "transaction lost a race; running it again");
                    std::thread::sleep(backoff(attempt));
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// A pooled connection that may write, outside any transaction (migrations,
    /// health checks, tests).
    pub fn connection(&self) -> Result<r2d2::PooledConnection<Manager>, StoreError> {
        self.writers.get().map_err(|e| StoreError::Pool(e.to_string()))
    }

    /// The pools' occupancy now.
    #[must_use]
    pub fn pool_stats(&self) -> Vec<PoolStats> {
        let stats = |name, pool: &Pool<Manager>| {
            let state = pool.state();
            PoolStats { name, max: pool.max_size(), open: state.connections, idle: state.idle_connections }
        };
        match self.engine {
            Engine::Sqlite => vec![stats("readers", &self.readers), stats("writers", &self.writers)],
            Engine::Postgres => vec![stats("shared", &self.writers)],
        }
    }

    /// Transactions waiting for a connection or, on SQLite, for their turn to write.
    #[must_use]
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// Whether the database answers a trivial query.
    pub fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.readers.get().map_err(|e| StoreError::Pool(e.to_string()))?;
        diesel::sql_query("SELECT 1").execute(&mut *conn)?;
        Ok(())
    }
}

/// Counts a transaction as waiting until dropped.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn start(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::Relaxed);
        Self(counter)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A short pause before running a transaction again, growing with each attempt and
/// jittered so two losers do not collide again in step.
fn backoff(attempt: u32) -> Duration {
    let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0] % 8);
    Duration::from_millis(u64::from(attempt) * 4 + jitter)
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
