//! What the team-job routes share: who may see which job or task, recording events,
//! and turning refused transitions into `409`s.
//!
//! Visibility rules, in one place:
//! * a **client** sees its organisation's jobs (drafts included), their quotes,
//!   deliveries, job comments and job events; never tasks or workers;
//! * **centre staff** (admins and directors) see their centre's posted jobs and every
//!   task, submission, review, delivery, comment and event in them;
//! * a **worker** sees the tasks currently assigned to them, and the tasks of their
//!   teams' queues, with the job's title, description and deliverable specification,
//!   never its budget.
//!
//! Anything else is `404`, as if it did not exist.

use actix_web::web;
use yui_domain::{Actor, JobId, Role, TaskId, Tenant};
use yui_store::DbConnection;
use yui_store::jobs::{self, Job};
use yui_store::tasks::{self, Task};

use crate::auth::Bearer;
use crate::error::ApiError;
use crate::flow_views::TaskView;
use crate::state::AppState;

/// Admins and directors run the centre's work.
pub fn is_staff(actor: Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::Director)
}

pub fn require_staff(actor: Actor) -> Result<(), ApiError> {
    if is_staff(actor) { Ok(()) } else { Err(ApiError::forbidden("Only a centre's directors and admins may do this.")) }
}

pub fn require_client(actor: Actor) -> Result<(), ApiError> {
    if actor.role == Role::Client {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only the client organisation that posted the job may do this."))
    }
}

pub fn require_worker(actor: Actor) -> Result<(), ApiError> {
    if actor.role == Role::Worker { Ok(()) } else { Err(ApiError::forbidden("Only the assigned worker may do this.")) }
}

/// Whether `actor` may see `job`.
pub fn can_see_job(actor: Actor, job: &Job) -> bool {
    match actor.tenant {
        Tenant::Organization(org) => job.organization_id == org,
        Tenant::Center(center) => is_staff(actor) && job.center_id == center && job.status.visible_to_center(),
    }
}

/// The job, if `actor` may see it; otherwise `404`.
pub fn load_job(conn: &mut DbConnection, actor: Actor, id: JobId) -> Result<Job, ApiError> {
    jobs::find(conn, id)?.filter(|job| can_see_job(actor, job)).ok_or_else(|| ApiError::not_found("job"))
}

/// The task and its job, if `actor` may see the task; otherwise `404`.
pub fn load_task(conn: &mut DbConnection, actor: Actor, id: TaskId) -> Result<(Task, Job), ApiError> {
    let not_found = || ApiError::not_found("task");
    let task = tasks::find(conn, id)?.ok_or_else(not_found)?;
    let visible = match actor.tenant {
        Tenant::Center(center) if task.center_id == center => {
            is_staff(actor)
                || task.assignee_id == Some(actor.user_id)
                || match task.team_id {
                    Some(team) => yui_store::teams::role_of(conn, team, actor.user_id)?.is_some(),
                    None => false,
                }
        }
        _ => false,
    };
    if !visible {
        return Err(not_found());
    }
    let job = jobs::find(conn, task.job_id)?.ok_or_else(not_found)?;
    Ok((task, job))
}

/// The one shape of a task action: in one write transaction, check the caller's role
/// (`403`), load the task they may see (`404`), apply `change`, and answer with the task.
pub async fn act_on_task<F>(
    state: &AppState,
    bearer: Bearer,
    id: TaskId,
    require: fn(Actor) -> Result<(), ApiError>,
    mut change: F,
) -> Result<web::Json<TaskView>, ApiError>
where
    F: FnMut(&mut DbConnection, Actor, Task, &Job) -> Result<Task, ApiError> + Send + 'static,
{
    let (task, job) = state
        .write_as(bearer, move |conn, actor| {
            require(actor)?;
            let (task, job) = load_task(conn, actor, id)?;
            let task = change(conn, actor, task, &job)?;
            Ok((task, job))
        })
        .await?;
    Ok(web::Json(TaskView::new(task, &job)))
}

/// The views of `tasks`, each with its job's title and instructions; each job is
/// read once however many of its tasks are listed.
pub fn task_views(conn: &mut DbConnection, tasks: Vec<Task>) -> Result<Vec<TaskView>, ApiError> {
    let mut jobs: std::collections::HashMap<JobId, Job> = std::collections::HashMap::new();
    let mut views = Vec::with_capacity(tasks.len());
    for task in tasks {
        if !jobs.contains_key(&task.job_id) {
            let job = jobs::find(conn, task.job_id)?.ok_or_else(|| ApiError::not_found("job"))?;
            jobs.insert(job.id, job);
        }
        let job = &jobs[&task.job_id];
        views.push(TaskView::new(task, job));
    }
    Ok(views)
}
