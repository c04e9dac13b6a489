//! Shared application state and the one way handlers touch the database.
//!
//! A handler's database work is a single closure run on the blocking pool inside one
//! transaction ([`AppState::read`], [`AppState::write`]), or, for a read of one
//! resource (and a page of its children), statement by statement without a snapshot
//! ([`AppState::read_latest`]: on PostgreSQL two round trips fewer). The closure may run more
//! than once: a write transaction that loses a race the database detects (a deadlock,
//! a serialization failure on PostgreSQL) is rolled back and run again, a few times,
//! before the client gets `503 contention` with `Retry-After`. So closures do
//! nothing but database work, and clone what they consume. The `_as` variants first
//! resolve the caller's access token to an [`Actor`] inside that same transaction:
//! a revoked session or API key, or a deactivated user, is `401` before any work is
//! done.

use std::sync::Arc;

use actix_web::web;
use yui_domain::Actor;
use yui_store::roster::RosterCache;
use yui_store::{Database, DbConnection};

use crate::auth::{Bearer, TokenKeys};
use crate::error::ApiError;
use crate::settings::HttpSettings;

#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub keys: TokenKeys,
    pub settings: HttpSettings,
    /// This server's cached workforce rosters, shared by all its workers.
    pub rosters: Arc<RosterCache>,
    /// The share of callers' request budgets this server has reserved.
    pub rate_leases: Arc<crate::rate_leases::Leases>,
}

impl AppState {
    /// Read-only work in one transaction, off the async workers.
    pub async fn read<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let db = self.db.clone();
        web::block(move || db.read(work)).await?
    }

    /// Work that writes, in one transaction that commits only if `work` succeeds.
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let db = self.db.clone();
        web::block(move || db.write(work)).await?
    }

    /// [`Self::read`] on behalf of the token's holder.
    pub async fn read_as<T, F>(&self, bearer: Bearer, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConnection, Actor) -> Result<T, ApiError> + Send + 'static,
    {
        self.read(as_holder(bearer, work)).await
    }

    /// Like [`Self::read`], without one snapshot for the whole closure: each
    /// statement reads what was committed when it ran ([`Database::read_latest`]:
    /// on PostgreSQL two round trips fewer). For a resource, or a resource and a page
    /// of its children, whose first step is `access::task_as` or `access::job_as`:
    /// they resolve the caller, reading a person's session in the same statement as
    /// the resource, so a revoked session is `401` as with [`Self::read_as`].
    pub async fn read_latest<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let db = self.db.clone();
        web::block(move || db.read_latest(work)).await?
    }

    /// [`Self::write`] on behalf of the token's holder.
    pub async fn write_as<T, F>(&self, bearer: Bearer, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConnection, Actor) -> Result<T, ApiError> + Send + 'static,
    {
        self.write(as_holder(bearer, work)).await
    }
}

/// `work` run for the token's holder, once the token is resolved to a live actor.
fn as_holder<T>(
    bearer: Bearer,
    mut work: impl FnMut(&mut DbConnection, Actor) -> Result<T, ApiError>,
) -> impl FnMut(&mut DbConnection) -> Result<T, ApiError> {
    move |conn| {
        let actor = crate::access::resolve_actor(conn, &bearer)?;
        work(conn, actor)
    }
}
