//! Authorisation, asked once per request.
//!
//! The rules live in the domain (`yui_domain::access::decide`). This module only
//! finds out how the caller stands to the resource — the task's assignee, a member
//! or reviewer of its team, the client organisation that posted the job, staff of
//! the job's centre, the worker the record is about, or an outsider — loads the
//! resource, asks `decide`, and turns the answer into the resource or an error:
//! `404` when the caller may not know the resource exists, `403` when they see it
//! but may not do this. Every handler calls exactly one of these functions with the
//! action it performs.
//!
//! A caller using an API key is first checked against the key: the action must be
//! in its scopes (`403 insufficient_scope`) and not one only people may do (`403
//! person_only`), before anything is looked up, so a key's refusal reveals nothing.

use yui_domain::access::{Action, Decision, KeyRefusal, Refusal, Relation, decide};
use yui_domain::{Actor, CenterId, DeliveryId, InvoiceId, JobId, Role, TaskId, TeamId, Tenant, TimeEntryId, UserId};
use yui_store::centers::{self, Center};
use yui_store::deliveries::{self, Delivery};
use yui_store::invoices::{self, Invoice};
use yui_store::jobs::{self, Job};
use yui_store::tasks::{self, Task};
use yui_store::teams::{self, Team, TeamRole};
use yui_store::time_entries::{self, TimeEntry};
use yui_store::users::{self, User};
use yui_store::{DbConnection, StoreError, api_keys, sessions};

use crate::auth::Bearer;
use crate::error::{ApiError, ErrorCode};

/// Turns the domain's answer into `Ok` or the error to send.
fn answer(decision: Decision, what: &str, action: Action) -> Result<(), ApiError> {
    match decision {
        Decision::Allowed => Ok(()),
        Decision::Hidden => Err(ApiError::not_found(what)),
        Decision::Denied(Refusal::OwnWork) => {
            Err(ApiError::new(ErrorCode::OwnWork, "You hold this task: nobody reviews their own work."))
        }
        Decision::Denied(Refusal::NotPermitted) => {
            Err(ApiError::forbidden(format!("Only {} may do this.", action.who_may())))
        }
    }
}

/// Whether the caller's credential may be used for `action` at all: an API key needs
/// the action's scope, and some actions need a person signed in.
fn credential(actor: Actor, action: Action) -> Result<(), ApiError> {
    actor.credential.permits(action).map_err(|refusal| match refusal {
        KeyRefusal::MissingScope(scope) => {
            ApiError::new(ErrorCode::InsufficientScope, format!("This API key lacks the `{scope}` scope."))
        }
        KeyRefusal::PersonOnly => {
            ApiError::new(ErrorCode::PersonOnly, "API keys may not do this: sign in as a person to do it.")
        }
    })
}

/// An action in the caller's own centre or organisation.
pub fn own_tenant(actor: Actor, action: Action) -> Result<(), ApiError> {
    credential(actor, action)?;
    answer(decide(actor.role, Relation::Member, action), "resource", action)
}

/// An action in the caller's own centre; its id. Client organisations have none.
pub fn own_centre(actor: Actor, action: Action) -> Result<CenterId, ApiError> {
    own_tenant(actor, action)?;
    match actor.tenant {
        Tenant::Center(center) => Ok(center),
        Tenant::Organization(_) => Err(ApiError::forbidden(format!("Only {} may do this.", action.who_may()))),
    }
}

/// The caller's centre itself (its time zone, minimum rate), for an allowed action.
pub fn own_centre_row(conn: &mut DbConnection, actor: Actor, action: Action) -> Result<Center, ApiError> {
    own_centre(actor, action)?;
    actor_centre(conn, actor)
}

/// The centre of a caller already authorised for something in it (its time zone,
/// minimum rate, roster).
pub fn actor_centre(conn: &mut DbConnection, actor: Actor) -> Result<Center, ApiError> {
    let Tenant::Center(id) = actor.tenant else { return Err(ApiError::not_found("centre")) };
    centers::find(conn, id)?.ok_or_else(|| ApiError::not_found("centre"))
}

/// How the caller stands to a job: its organisation's clients and, once it is
/// posted, its centre's people are members; everyone else is an outsider.
fn job_relation(actor: Actor, job: &Job) -> Relation {
    match actor.tenant {
        Tenant::Organization(org) if job.organization_id == org => Relation::Member,
        Tenant::Center(center) if job.center_id == center && job.status.visible_to_center() => Relation::Member,
        _ => Relation::Outsider,
    }
}

/// The job, if the caller may do `action` to it.
pub fn job(conn: &mut DbConnection, actor: Actor, id: JobId, action: Action) -> Result<Job, ApiError> {
    credential(actor, action)?;
    let job = jobs::find(conn, id)?.ok_or_else(|| ApiError::not_found("job"))?;
    answer(decide(actor.role, job_relation(actor, &job), action), "job", action)?;
    Ok(job)
}

/// The job, for the token's holder: [`resolve_actor`] then [`job`], with a person's
/// session read in the same statement as the job (as [`task_as`]).
pub fn job_as(conn: &mut DbConnection, bearer: &Bearer, id: JobId, action: Action) -> Result<Job, ApiError> {
    if let Bearer::Session(claims) = bearer
        && let Some((found, caller)) = jobs::find_with_caller(conn, id, claims.session)?
    {
        let actor = sessions::actor_of(claims.user, caller).ok_or_else(ApiError::unauthorized)?;
        credential(actor, action)?;
        answer(decide(actor.role, job_relation(actor, &found), action), "job", action)?;
        return Ok(found);
    }
    let actor = resolve_actor(conn, bearer)?;
    job(conn, actor, id, action)
}

/// The actor behind an access token or API key: `401` unless the session is live
/// and its user active, or the key is live. Every authorised request starts here.
pub fn resolve_actor(conn: &mut DbConnection, bearer: &Bearer) -> Result<Actor, ApiError> {
    let actor = match bearer {
        Bearer::Session(claims) => sessions::load_actor(conn, claims.user, claims.session)?,
        Bearer::ApiKey(_) => {
            let hash = bearer.api_key_hash().unwrap_or_default();
            api_keys::load_actor(conn, &hash)?
        }
    };
    actor.ok_or_else(ApiError::unauthorized)
}

/// The delivery and its job, if the caller may do `action` to the job.
pub fn delivery(
    conn: &mut DbConnection,
    actor: Actor,
    id: DeliveryId,
    action: Action,
) -> Result<(Delivery, Job), ApiError> {
    credential(actor, action)?;
    let not_found = || ApiError::not_found("delivery");
    let delivery = deliveries::find(conn, id)?.ok_or_else(not_found)?;
    let job = jobs::find(conn, delivery.job_id)?.ok_or_else(not_found)?;
    answer(decide(actor.role, job_relation(actor, &job), action), "delivery", action)?;
    Ok((delivery, job))
}

/// How the caller stands to an invoice: the billed organisation's clients and the
/// issuing centre's people are members. What was never issued (a draft, or a draft
/// voided) is the centre's alone: its client is an outsider to it.
fn invoice_relation(actor: Actor, invoice: &Invoice) -> Relation {
    match actor.tenant {
        Tenant::Organization(org) if invoice.organization_id == org && invoice.number.is_some() => Relation::Member,
        Tenant::Center(center) if invoice.center_id == center => Relation::Member,
        _ => Relation::Outsider,
    }
}

/// The invoice (per job or monthly), if the caller may do `action` to it.
pub fn invoice(conn: &mut DbConnection, actor: Actor, id: InvoiceId, action: Action) -> Result<Invoice, ApiError> {
    credential(actor, action)?;
    let invoice = invoices::find(conn, id)?.ok_or_else(|| ApiError::not_found("invoice"))?;
    answer(decide(actor.role, invoice_relation(actor, &invoice), action), "invoice", action)?;
    Ok(invoice)
}

/// How the caller stands to a task: its assignee, a reviewer or member of its team,
/// a member of its centre, or an outsider.
fn task_relation(conn: &mut DbConnection, actor: Actor, task: &Task) -> Result<Relation, StoreError> {
    if actor.tenant != Tenant::Center(task.center_id) {
        return Ok(Relation::Outsider);
    }
    if actor.role != Role::Worker {
        return Ok(Relation::Member);
    }
    if task.assignee_id == Some(actor.user_id) {
        return Ok(Relation::Assignee);
    }
    Ok(match task.team_id {
        Some(team) => team_tie(teams::role_of(conn, team, actor.user_id)?),
        None => Relation::Member,
    })
}

fn team_tie(role: Option<TeamRole>) -> Relation {
    match role {
        Some(TeamRole::Reviewer) => Relation::TeamReviewer,
        Some(TeamRole::Member) => Relation::Teammate,
        None => Relation::Member,
    }
}

/// The task and its job, if the caller may do `action` to the task.
pub fn task(conn: &mut DbConnection, actor: Actor, id: TaskId, action: Action) -> Result<(Task, Job), ApiError> {
    credential(actor, action)?;
    let not_found = || ApiError::not_found("task");
    let (task, job) = tasks::find_with_job(conn, id)?.ok_or_else(not_found)?;
    answer(decide(actor.role, task_relation(conn, actor, &task)?, action), "task", action)?;
    Ok((task, job))
}

/// The task and its job, for the token's holder: [`resolve_actor`] then [`task`],
/// with the same answers, but for a person the session is read in the same statement as
/// the task (one round trip instead of two: a task by id is the most frequent read).
pub fn task_as(conn: &mut DbConnection, bearer: &Bearer, id: TaskId, action: Action) -> Result<(Task, Job), ApiError> {
    if let Bearer::Session(claims) = bearer
        && let Some((found, job, caller)) = tasks::find_with_job_and_caller(conn, id, claims.session)?
    {
        let actor = sessions::actor_of(claims.user, caller).ok_or_else(ApiError::unauthorized)?;
        credential(actor, action)?;
        answer(decide(actor.role, task_relation(conn, actor, &found)?, action), "task", action)?;
        return Ok((found, job));
    }
    // An API key, or no such task: whether the caller may learn that is the session's
    // to say, read on its own.
    let actor = resolve_actor(conn, bearer)?;
    task(conn, actor, id, action)
}

/// The worker `id` (a worker of the caller's centre), if the caller may do `action`
/// to their records.
pub fn worker(conn: &mut DbConnection, actor: Actor, id: UserId, action: Action) -> Result<User, ApiError> {
    credential(actor, action)?;
    let not_found = || ApiError::not_found("worker");
    let Tenant::Center(center) = actor.tenant else { return Err(not_found()) };
    let worker = users::find_in_tenant(conn, Tenant::Center(center), id)?
        .filter(|user| user.role == Role::Worker)
        .ok_or_else(not_found)?;
    let relation = if worker.id == actor.user_id { Relation::Themself } else { Relation::Member };
    answer(decide(actor.role, relation, action), "worker", action)?;
    Ok(worker)
}

/// A time entry and its worker, if the caller may do `action` to the worker's
/// records (directors and admins of the centre; the worker themself).
pub fn time_entry(
    conn: &mut DbConnection,
    actor: Actor,
    id: TimeEntryId,
    action: Action,
) -> Result<(TimeEntry, User), ApiError> {
    credential(actor, action)?;
    let not_found = || ApiError::not_found("time entry");
    let entry = time_entries::find(conn, id)?.ok_or_else(not_found)?;
    let worker = worker(conn, actor, entry.worker_id, action)
        .map_err(|refused| if refused.code() == ErrorCode::NotFound { not_found() } else { refused })?;
    Ok((entry, worker))
}

/// How the caller stands to a team of their centre.
pub fn team_relation(conn: &mut DbConnection, actor: Actor, team: &Team) -> Result<Relation, StoreError> {
    if actor.tenant != Tenant::Center(team.center_id) {
        return Ok(Relation::Outsider);
    }
    if actor.role != Role::Worker {
        return Ok(Relation::Member);
    }
    Ok(team_tie(teams::role_of(conn, team.id, actor.user_id)?))
}

/// The team, if the caller may do `action` to it.
pub fn team(conn: &mut DbConnection, actor: Actor, id: TeamId, action: Action) -> Result<Team, ApiError> {
    credential(actor, action)?;
    let not_found = || ApiError::not_found("team");
    let Tenant::Center(center) = actor.tenant else { return Err(not_found()) };
    let team = teams::find(conn, center, id)?.ok_or_else(not_found)?;
    answer(decide(actor.role, team_relation(conn, actor, &team)?, action), "team", action)?;
    Ok(team)
}

/// Whether the caller may do `action` to `team` (for filtering lists).
pub fn may(conn: &mut DbConnection, actor: Actor, team: &Team, action: Action) -> Result<bool, ApiError> {
    if credential(actor, action).is_err() {
        return Ok(false);
    }
    Ok(decide(actor.role, team_relation(conn, actor, team)?, action) == Decision::Allowed)
}

/// Where a request names a worker.
#[derive(Clone, Copy, Debug)]
pub enum Named<'a> {
    /// In a body field: an unusable worker is invalid input (`422` on the field).
    Field(&'a str),
    /// In the path: an unusable worker is a resource that is not there (`404`).
    Path,
}

/// An active worker of `center` that a request names (to assign, cover or add to a
/// team). Unknown ids, another centre's people, non-workers and deactivated workers
/// get the same answer, which depends only on where the request named them.
pub fn active_worker(
    conn: &mut DbConnection,
    center: CenterId,
    id: UserId,
    named: Named<'_>,
) -> Result<User, ApiError> {
    users::find_in_tenant(conn, Tenant::Center(center), id)?
        .filter(|user| user.role == Role::Worker && user.active)
        .ok_or_else(|| match named {
            Named::Field(field) => {
                ApiError::invalid_field(field, "not_a_worker", "is not an active worker of this centre")
            }
            Named::Path => ApiError::not_found("worker"),
        })
}
