//! Moving jobs and tasks through their state machines, the one way it is done.
//!
//! Each step applies the domain transition, saves the row with compare-and-set on its
//! version, and records the event, all in the caller's transaction: a change without
//! its event (or an event without its change) cannot exist. The HTTP handlers and the
//! demo seed both go through here.

use serde_json::{Value, json};
use yui_domain::flow::{InvalidTransition, JobAction, JobStatus, TaskAction, TaskStatus};
use yui_domain::{JobId, UserId};

use crate::events::{self, NewEvent};
use crate::jobs::{self, Job};
use crate::tasks::{self, Task};
use crate::{DbConnection, StoreError};

/// Why a step did not happen.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// The current state does not allow the action.
    #[error(transparent)]
    Refused(#[from] InvalidTransition),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Records one event on a job (`task: None`) or one of its tasks.
pub fn record_job_event(
    conn: &mut DbConnection,
    actor: UserId,
    job: &Job,
    kind: &str,
    change: Option<(JobStatus, JobStatus)>,
    details: Value,
) -> Result<(), StoreError> {
    events::record(
        conn,
        &[NewEvent {
            center_id: job.center_id,
            job_id: job.id,
            task_id: None,
            actor_id: actor,
            kind,
            from_state: change.map(|(from, _)| from.as_str()),
            to_state: change.map(|(_, to)| to.as_str()),
            details,
        }],
    )
}

/// Applies `action` to `job`, saves it and records the event.
pub fn advance_job(
    conn: &mut DbConnection,
    actor: UserId,
    mut job: Job,
    action: JobAction,
    details: Value,
) -> Result<Job, FlowError> {
    let from = job.status;
    job.status = from.apply(action)?;
    let job = jobs::save(conn, job)?;
    record_job_event(conn, actor, &job, action.event_kind(), Some((from, job.status)), details)?;
    Ok(job)
}

/// Applies `action` to `task`, saves it and records the event. A task that becomes
/// open again has no assignee.
pub fn advance_task(
    conn: &mut DbConnection,
    actor: UserId,
    mut task: Task,
    action: TaskAction,
    details: Value,
) -> Result<Task, FlowError> {
    let from = task.status;
    task.status = from.apply(action)?;
    if task.status == TaskStatus::Open {
        task.assignee_id = None;
    }
    let task = tasks::save(conn, task)?;
    let event = NewEvent {
        center_id: task.center_id,
        job_id: task.job_id,
        task_id: Some(task.id),
        actor_id: actor,
        kind: action.event_kind(),
        from_state: Some(from.as_str()),
        to_state: Some(task.status.as_str()),
        details,
    };
    events::record(conn, &[event])?;
    Ok(task)
}

/// Completes the job when every non-cancelled task is accepted and at least one is:
/// called after a delivery is accepted or a task cancelled.
pub fn complete_job_if_done(conn: &mut DbConnection, actor: UserId, job: JobId) -> Result<(), FlowError> {
    let Some(job) = jobs::find(conn, job)? else { return Ok(()) };
    if job.status != JobStatus::Active || tasks::count_unfinished(conn, job.id)? > 0 {
        return Ok(());
    }
    let any_accepted =
        jobs::task_counts(conn, job.id)?.iter().any(|(status, count)| *status == TaskStatus::Accepted && *count > 0);
    if any_accepted {
        advance_job(conn, actor, job, JobAction::Complete, json!({}))?;
    }
    Ok(())
}
