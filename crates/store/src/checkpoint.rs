//! SQLite's WAL checkpoints, off the request path.
//!
//! With WAL, a commit appends its pages to the `-wal` file, and a checkpoint copies
//! them back into the database file. By default (`wal_autocheckpoint = 1000`) the
//! commit that takes the WAL past 1 000 pages runs that checkpoint itself before it
//! returns, so whichever request happened to commit then waited for it: 16 % of a
//! 5 000-task split's write transaction (docs/benchmarks.md, "Import").
//!
//! Here writers never checkpoint (`wal_autocheckpoint = 0`). Each write commit nudges
//! one background thread, which waits a moment (a burst of commits is then copied
//! once) and runs a `PASSIVE` checkpoint on a connection of its own: that kind never
//! waits for, nor blocks, a reader or a writer. The thread ends with the last clone
//! of its [`crate::Database`].

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Duration;

use diesel::SqliteConnection;
use diesel::connection::SimpleConnection;

/// How long the thread lets commits pile up before copying them.
const SETTLE: Duration = Duration::from_millis(100);

/// The handle writers nudge. Cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct Checkpointer {
    nudges: SyncSender<()>,
}

impl Checkpointer {
    /// Starts the thread; `connect` opens its connection (again after a failure).
    pub(crate) fn start(
        connect: impl FnMut() -> Result<SqliteConnection, String> + Send + 'static,
    ) -> std::io::Result<Self> {
        // One pending nudge is enough: the checkpoint it causes copies every commit so far.
        let (nudges, received) = sync_channel(1);
        std::thread::Builder::new().name("yui-sqlite-checkpoint".to_owned()).spawn(move || run(&received, connect))?;
        Ok(Self { nudges })
    }

    /// Tells the thread a write committed. Never blocks.
    pub(crate) fn nudge(&self) {
        // Full: a checkpoint is already due. Disconnected cannot happen while `self` lives.
        let _ = self.nudges.try_send(());
    }
}

fn run(nudges: &Receiver<()>, mut connect: impl FnMut() -> Result<SqliteConnection, String>) {
    let mut conn: Option<SqliteConnection> = None;
    while nudges.recv().is_ok() {
        std::thread::sleep(SETTLE);
        while nudges.try_recv().is_ok() {}
        let outcome = match conn.as_mut() {
            Some(conn) => checkpoint(conn),
            None => connect().and_then(|mut opened| {
                let outcome = checkpoint(&mut opened);
                conn = Some(opened);
                outcome
            }),
        };
        if let Err(error) = outcome {
            tracing::warn!(%error, "SQLite checkpoint failed; the next write tries again");
            conn = None;
        }
    }
}

fn checkpoint(conn: &mut SqliteConnection) -> Result<(), String> {
    conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)").map_err(|e| e.to_string())
}
