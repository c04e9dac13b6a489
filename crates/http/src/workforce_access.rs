//! Who may read or change a worker's workforce data.
//!
//! A worker's profile, levels, availability and quality record are theirs and their
//! centre's directors': the worker manages their own availability; directors (and
//! admins) read everything and set levels. Anyone else, including another centre, gets
//! `404`.

use yui_domain::{Actor, CenterId, Role, Tenant, UserId};
use yui_store::users::{self, User};
use yui_store::{DbConnection, centers};

use crate::error::ApiError;
use crate::flow::is_staff;

/// The actor's centre, or `403` for client organisations.
pub fn center_of(actor: Actor) -> Result<CenterId, ApiError> {
    match actor.tenant {
        Tenant::Center(center) => Ok(center),
        Tenant::Organization(_) => Err(ApiError::forbidden("Only a centre's people may do this.")),
    }
}

/// The centre itself (its defaults: time zone, minimum rate).
pub fn center(conn: &mut DbConnection, actor: Actor) -> Result<yui_store::centers::Center, ApiError> {
    let id = center_of(actor)?;
    centers::find(conn, id)?.ok_or_else(|| ApiError::not_found("centre"))
}

/// The worker `id`, if `actor` is that worker or staff of the worker's centre.
pub fn load_worker(conn: &mut DbConnection, actor: Actor, id: UserId) -> Result<User, ApiError> {
    let not_found = || ApiError::not_found("worker");
    let center = center_of(actor).map_err(|_| not_found())?;
    if actor.user_id != id && !is_staff(actor) {
        return Err(not_found());
    }
    users::find_in_tenant(conn, Tenant::Center(center), id)?.filter(|u| u.role == Role::Worker).ok_or_else(not_found)
}

/// Like [`load_worker`], but only the worker themself may proceed (`403` for staff).
pub fn load_self(conn: &mut DbConnection, actor: Actor, id: UserId) -> Result<User, ApiError> {
    let worker = load_worker(conn, actor, id)?;
    if actor.user_id == worker.id {
        Ok(worker)
    } else {
        Err(ApiError::forbidden("Workers manage their own availability; directors can read it."))
    }
}
