//! Moving jobs and tasks through their state machines, the one way it is done.
//!
//! Each step applies the domain transition(s), saves the row with compare-and-set on its
//! version, and records the event, all in the caller's transaction: a change without
//! its event (or an event without its change) cannot exist. The HTTP handlers and the
//! demo seed both go through here.

use serde_json::{Value, json};
use yui_domain::flow::{DeliveryAction, InvalidTransition, JobAction, JobStatus, TaskAction, TaskStatus, Verdict};
use yui_domain::{JobId, SubmissionId, TaskId, UserId};

use crate::deliveries::{self, Delivery, DeliveryItem};
use crate::events::{self, NewEvent};
use crate::jobs::{self, Job};
use crate::locks;
use crate::quotes::{self, QuoteStatus, QuoteTerms};
use crate::reviews::{self, Review};
use crate::submissions::{self, Submission, SubmissionContent};
use crate::tasks::{self, Task};
use crate::worker_stats;
use crate::{DbConnection, StoreError};
use yui_domain::workforce::QualityCounts;
use yui_domain::workforce::quality::ReviewFacts;

/// Why a step did not happen.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// The current state does not allow the action.
    #[error(transparent)]
    Refused(#[from] InvalidTransition),
    /// The submission judged is not the one waiting for review.
    #[error("that is not the submission waiting for review")]
    Stale,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Work (tasks, deliveries) can be added only while the job is active; otherwise the
/// refusal names the job's state and what it allows, like any refused transition.
pub fn ensure_accepts_work(job: &Job, what: &'static str) -> Result<(), FlowError> {
    if job.status.accepts_work() {
        return Ok(());
    }
    Err(FlowError::Refused(InvalidTransition {
        entity: "job",
        state: job.status.as_str(),
        action: what,
        allowed: job.status.allowed_actions().iter().map(|a| a.as_str()).collect(),
    }))
}

/// Records one event on a job.
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
            job_id: Some(job.id),
            organization_id: None,
            task_id: None,
            actor_id: actor,
            kind,
            from_state: change.map(|(from, _)| from.as_str()),
            to_state: change.map(|(_, to)| to.as_str()),
            details,
        }],
    )
}

/// Records one event on an invoice (or credit note): on its job, and named for its
/// client organisation, whose feed and webhooks carry it.
pub fn record_invoice_event(
    conn: &mut DbConnection,
    actor: UserId,
    invoice: &crate::invoices::Invoice,
    kind: &str,
    details: Value,
) -> Result<(), StoreError> {
    events::record(
        conn,
        &[NewEvent {
            center_id: invoice.center_id,
            job_id: invoice.job_id,
            organization_id: Some(invoice.organization_id),
            task_id: None,
            actor_id: actor,
            kind,
            from_state: None,
            to_state: None,
            details,
        }],
    )
}

/// Records one event on the centre itself, about no job (a pay period closed): its
/// directors, admins and their webhooks see it.
pub fn record_centre_event(
    conn: &mut DbConnection,
    actor: UserId,
    center: yui_domain::CenterId,
    kind: &str,
    details: Value,
) -> Result<(), StoreError> {
    events::record(
        conn,
        &[NewEvent {
            center_id: center,
            job_id: None,
            organization_id: None,
            task_id: None,
            actor_id: actor,
            kind,
            from_state: None,
            to_state: None,
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

/// Records an event on a task that does not change its state (e.g. `at_risk`).
pub fn record_task_event(
    conn: &mut DbConnection,
    actor: UserId,
    task: &Task,
    kind: &str,
    details: Value,
) -> Result<(), StoreError> {
    events::record(
        conn,
        &[NewEvent {
            center_id: task.center_id,
            job_id: Some(task.job_id),
            organization_id: None,
            task_id: Some(task.id),
            actor_id: actor,
            kind,
            from_state: Some(task.status.as_str()),
            to_state: Some(task.status.as_str()),
            details,
        }],
    )
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
        job_id: Some(task.job_id),
        organization_id: None,
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

/// A worker hands in a result: a new version, which now waits for review.
pub fn submit(
    conn: &mut DbConnection,
    actor: UserId,
    mut task: Task,
    content: SubmissionContent,
) -> Result<(Task, Submission), FlowError> {
    task.status.apply(TaskAction::Submit)?;
    let locks = locks::workers(conn, [actor])?;
    // The task is saved first: of two racing submissions, only the one whose
    // compare-and-set wins writes a version.
    let id = SubmissionId::generate();
    task.current_submission_id = Some(id);
    let task = advance_task(conn, actor, task, TaskAction::Submit, json!({"submission_id": id.to_string()}))?;
    let submission = submissions::insert(conn, id, &task, actor, false, content)?;
    worker_stats::add(conn, &locks, task.center_id, actor, QualityCounts::submission())?;
    Ok((task, submission))
}

/// Adds a review of `task` (already saved with its new state, still held by its
/// worker) to that worker's quality record; the review itself is stored after, so the
/// earlier reviews tell a first review from later ones.
fn record_quality(
    conn: &mut DbConnection,
    locks: &locks::WorkerLocks,
    task: &Task,
    verdict: Verdict,
) -> Result<(), StoreError> {
    let Some(worker) = task.assignee_id else { return Ok(()) };
    let earlier: Vec<Verdict> = reviews::list_for_task(conn, task.id)?.iter().map(|r| r.verdict).collect();
    let delta = QualityCounts::review(ReviewFacts {
        earlier: &earlier,
        verdict,
        by_due_date: crate::now() <= task.spec.due_at,
        estimated_minutes: task.spec.estimated_minutes,
    });
    worker_stats::add(conn, locks, task.center_id, worker, delta)
}

/// `Stale` unless `submission` is the one waiting for review.
fn ensure_current(task: &Task, submission: SubmissionId) -> Result<(), FlowError> {
    if task.current_submission_id == Some(submission) { Ok(()) } else { Err(FlowError::Stale) }
}

/// A reviewer approves the submission waiting for review, or sends it back
/// (`Verdict::ChangesRequested`); the review records the version judged. The
/// worker's quality record changes only once the task's compare-and-set has won, so
/// of racing reviews exactly one counts and the others are `409`s.
pub fn review(
    conn: &mut DbConnection,
    actor: UserId,
    task: Task,
    submission: SubmissionId,
    verdict: Verdict,
    comment: &str,
) -> Result<(Review, Task), FlowError> {
    let action = match verdict {
        Verdict::Approved => TaskAction::Approve,
        Verdict::ChangesRequested => TaskAction::RequestChanges,
        Verdict::Fixed => TaskAction::Fix,
    };
    task.status.apply(action)?;
    ensure_current(&task, submission)?;
    let locks = locks::workers(conn, task.assignee_id)?;
    let details = json!({"submission_id": submission.to_string(), "comment": comment});
    let task = advance_task(conn, actor, task, action, details)?;
    record_quality(conn, &locks, &task, verdict)?;
    let review = reviews::insert(conn, &task, submission, actor, verdict, comment)?;
    Ok((review, task))
}

/// A director corrects the submission waiting for review: the correction is a new
/// version marked as the director's, and it is approved (verdict `fixed`).
pub fn fix(
    conn: &mut DbConnection,
    actor: UserId,
    mut task: Task,
    fixed: SubmissionId,
    content: SubmissionContent,
    comment: &str,
) -> Result<(Review, Task), FlowError> {
    task.status.apply(TaskAction::Fix)?;
    ensure_current(&task, fixed)?;
    let locks = locks::workers(conn, task.assignee_id)?;
    let id = SubmissionId::generate();
    task.current_submission_id = Some(id);
    let details = json!({"fixed_submission_id": fixed.to_string(), "submission_id": id.to_string()});
    let task = advance_task(conn, actor, task, TaskAction::Fix, details)?;
    let version = submissions::insert(conn, id, &task, actor, true, content)?;
    record_quality(conn, &locks, &task, Verdict::Fixed)?;
    let review = reviews::insert(conn, &task, version.id, actor, Verdict::Fixed, comment)?;
    Ok((review, task))
}

/// Bundles approved tasks of an active job into a delivery for the client, each
/// pinned to its approved version.
pub fn deliver(
    conn: &mut DbConnection,
    actor: UserId,
    job: &Job,
    tasks_to_deliver: Vec<Task>,
    note: &str,
) -> Result<Delivery, FlowError> {
    ensure_accepts_work(job, "deliver work of")?;
    let mut items = Vec::with_capacity(tasks_to_deliver.len());
    for task in &tasks_to_deliver {
        task.status.apply(TaskAction::Deliver)?;
        let submission = task.current_submission_id.ok_or(FlowError::Stale)?;
        items.push(DeliveryItem { task_id: task.id, submission_id: submission });
    }
    let delivery = deliveries::insert(conn, job, actor, note, &items)?;
    let details = json!({"delivery_id": delivery.id.to_string()});
    for task in tasks_to_deliver {
        advance_task(conn, actor, task, TaskAction::Deliver, details.clone())?;
    }
    let job_details = json!({"delivery_id": delivery.id.to_string(), "task_count": items.len()});
    record_job_event(conn, actor, job, "delivery_created", None, job_details)?;
    Ok(delivery)
}

/// The client accepts a delivery (its tasks are accepted; the job completes when
/// nothing else is left) or rejects it with a reason (its tasks go back to their
/// workers as changes requested).
pub fn decide_delivery(
    conn: &mut DbConnection,
    actor: UserId,
    mut delivery: Delivery,
    job: &Job,
    action: DeliveryAction,
    reason: Option<&str>,
) -> Result<Delivery, FlowError> {
    let from = delivery.status;
    delivery.status = from.apply(action)?;
    delivery.decision_reason = reason.map(str::to_owned);
    let delivery = deliveries::save_decision(conn, delivery)?;
    let task_ids: Vec<TaskId> = deliveries::items(conn, delivery.id)?.iter().map(|i| i.task_id).collect();
    let (task_action, kind) = match action {
        DeliveryAction::Accept => (TaskAction::AcceptDelivery, "delivery_accepted"),
        DeliveryAction::Reject => (TaskAction::RejectDelivery, "delivery_rejected"),
    };
    let details = json!({"delivery_id": delivery.id.to_string(), "reason": reason});
    let delivered = tasks::find_many_in_job(conn, job.id, &task_ids)?;
    // Rejection puts work back on several workers: their rows are locked first, in
    // the one order (see `locks`).
    let _locks = locks::workers(conn, delivered.iter().filter_map(|task| task.assignee_id))?;
    for task in delivered {
        if task.status == TaskStatus::Delivered {
            advance_task(conn, actor, task, task_action, details.clone())?;
        }
    }
    record_job_event(conn, actor, job, kind, None, details)?;
    if action == DeliveryAction::Accept {
        complete_job_if_done(conn, actor, job.id)?;
    }
    Ok(delivery)
}

/// Adds open tasks to an active job, with a `created` event for each and one
/// `tasks_added` event on the job.
pub fn add_tasks(
    conn: &mut DbConnection,
    actor: UserId,
    job: &Job,
    specs: Vec<crate::tasks::TaskSpec>,
) -> Result<Vec<Task>, FlowError> {
    ensure_accepts_work(job, "add tasks to")?;
    let created = tasks::insert_many(conn, job, specs)?;
    let task_events: Vec<NewEvent<'_>> = created
        .iter()
        .map(|task| NewEvent {
            center_id: task.center_id,
            job_id: Some(task.job_id),
            organization_id: None,
            task_id: Some(task.id),
            actor_id: actor,
            kind: "created",
            from_state: None,
            to_state: Some(task.status.as_str()),
            details: json!({}),
        })
        .collect();
    events::record(conn, &task_events)?;
    record_job_event(conn, actor, job, "tasks_added", None, json!({"count": created.len()}))?;
    Ok(created)
}

/// A director quotes for a posted job (or re-quotes after a rejection).
pub fn quote(conn: &mut DbConnection, director: UserId, job: Job, terms: QuoteTerms) -> Result<Job, FlowError> {
    let details = json!({
        "estimated_minutes": terms.estimated_minutes,
        "price": {"amount_minor": terms.price.amount_minor, "currency": terms.price.currency.as_str()},
    });
    let job = advance_job(conn, director, job, JobAction::Quote, details)?;
    quotes::insert(conn, &job, director, terms)?;
    Ok(job)
}

/// The client approves the pending quote (the job becomes active) or rejects it
/// with a reason (the job waits for a new quote).
pub fn decide_quote(
    conn: &mut DbConnection,
    client: UserId,
    job: Job,
    rejection: Option<&str>,
) -> Result<Job, FlowError> {
    let (action, status) = match rejection {
        None => (JobAction::ApproveQuote, QuoteStatus::Approved),
        Some(_) => (JobAction::RejectQuote, QuoteStatus::Rejected),
    };
    let job = advance_job(conn, client, job, action, json!({"reason": rejection}))?;
    quotes::decide_pending(conn, job.id, status, rejection)?;
    Ok(job)
}

/// A director declines a posted job, with a reason the client sees.
pub fn decline(conn: &mut DbConnection, director: UserId, mut job: Job, reason: &str) -> Result<Job, FlowError> {
    job.decline_reason = Some(reason.to_owned());
    advance_job(conn, director, job, JobAction::Decline, json!({"reason": reason}))
}
