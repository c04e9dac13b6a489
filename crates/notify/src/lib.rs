//! Yui tells people what happened: the outbox dispatcher, e-mail in Japanese and
//! English, daily digests and housekeeping.
//!
//! Messages are written to the outbox by the change that causes them, in its
//! transaction (`yui_store::outbox`, `yui_store::notices`); this crate sends them
//! afterwards. [`run`] is the whole background process: it dispatches due messages
//! and runs periodic housekeeping. `yui serve` runs it beside the API by default;
//! `yui worker` runs it alone, and several may run against one PostgreSQL.

pub mod dispatcher;
pub mod housekeeping;
pub mod mailer;
pub mod render;
pub mod webhooks;

use std::sync::Arc;

pub use dispatcher::{DispatchSettings, Dispatcher, Pass};
pub use housekeeping::HousekeepingSettings;
pub use mailer::{MailSettingsError, Mailer, TransportSettings};
pub use webhooks::WebhookSettings;
use yui_store::roster::RosterCache;

/// Dispatches messages and runs housekeeping until the task is dropped or aborted.
/// Errors (a database restart, say) are logged and the loop goes on.
pub async fn run(dispatcher: Dispatcher, housekeeping: HousekeepingSettings) {
    let mut dispatch_tick = tokio::time::interval(dispatcher.settings().poll_interval);
    dispatch_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Housekeeping first runs one period after start, not at once.
    let first_check = tokio::time::Instant::now() + housekeeping.check_every;
    let mut housekeeping_tick = tokio::time::interval_at(first_check, housekeeping.check_every);
    housekeeping_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let rosters = Arc::new(RosterCache::default());
    loop {
        tokio::select! {
            _ = dispatch_tick.tick() => {
                // Keep going while full batches come back: a backlog drains at once.
                loop {
                    match dispatcher.pass().await {
                        Ok(pass) if pass.handled() as i64 >= dispatcher.settings().batch_size => continue,
                        Ok(_) => break,
                        Err(error) => {
                            tracing::error!(%error, "outbox dispatch failed; retrying at the next tick");
                            break;
                        }
                    }
                }
                loop {
                    match dispatcher.pass_webhooks().await {
                        Ok(handled) if handled as i64 >= dispatcher.settings().batch_size => continue,
                        Ok(_) => break,
                        Err(error) => {
                            tracing::error!(%error, "webhook dispatch failed; retrying at the next tick");
                            break;
                        }
                    }
                }
            }
            _ = housekeeping_tick.tick() => {
                let (rosters, settings) = (Arc::clone(&rosters), housekeeping.clone());
                let outcome = on_blocking_pool(dispatcher.database(), move |db| {
                    housekeeping::run_due(db, &rosters, &settings, chrono::Utc::now())
                })
                .await;
                if let Err(error) = outcome {
                    tracing::error!(%error, "housekeeping failed; retrying at the next check");
                }
            }
        }
    }
}

/// Runs blocking database work on the blocking pool, so the async loop never waits
/// on a connection.
pub(crate) async fn on_blocking_pool<T, F>(db: &yui_store::Database, work: F) -> Result<T, yui_store::StoreError>
where
    T: Send + 'static,
    F: FnOnce(&yui_store::Database) -> Result<T, yui_store::StoreError> + Send + 'static,
{
    let db = db.clone();
    tokio::task::spawn_blocking(move || work(&db))
        .await
        .map_err(|e| yui_store::StoreError::Corrupt(format!("a background database task failed: {e}")))?
}
