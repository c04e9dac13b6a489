//! Logging time and deciding on it.
//!
//! A worker logs time on a task they hold: a finished span, or a timer they start
//! and later stop. Directors approve, adjust (with a reason; the worker's original
//! times are kept) or reject what was logged; an approved entry is locked. Every
//! write that checks a worker's other entries holds the worker's lock, so two
//! requests of one worker never both pass the overlap or daily check.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::access::Action;
use yui_domain::flow::{EntryAction, InvalidTransition, TaskStatus};
use yui_domain::workforce::timesheet::{self, EntryRefused, Limits, Span, to_the_minute};
use yui_domain::{TaskId, TimeEntryId, UserId};
use yui_store::centers::Center;
use yui_store::tasks::{self, Task};
use yui_store::time_entries::{self, Adjustment, Decision, NewEntry, TimeEntry};
use yui_store::{DbConnection, StoreError, flow};

use super::TimeEntryView;
use crate::access;
use crate::auth::Bearer;
use crate::error::{ApiError, ErrorCode};
use crate::extract::ValidJson;
use crate::input;
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(log_time)
        .service(start_timer)
        .service(stop_timer)
        .service(get_entry)
        .service(withdraw_entry)
        .service(approve_entry)
        .service(adjust_entry)
        .service(reject_entry);
}

/// A finished span of work on the task.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogTimeRequest {
    /// Kept to the minute (seconds are dropped); within the last 31 days.
    pub started_at: DateTime<Utc>,
    /// At least a minute after `started_at`, and not in the future.
    pub ended_at: DateTime<Utc>,
    /// What was done (at most 1 000 characters).
    pub note: Option<String>,
}

/// A timer to start now on the task.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartTimerRequest {
    /// What is being done (at most 1 000 characters).
    pub note: Option<String>,
}

/// Stopping a running timer.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StopTimerRequest {
    /// When the work ended, if not now (e.g. a timer left running): at least a
    /// minute after the start, and not in the future.
    pub ended_at: Option<DateTime<Utc>>,
    /// Replaces the note, if given (at most 1 000 characters).
    pub note: Option<String>,
}

/// A director's correction of an entry's times.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustTimeRequest {
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    /// Why (required, at most 1 000 characters); the worker sees it.
    pub reason: String,
}

/// Why an entry is rejected.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectTimeRequest {
    /// Required, at most 1 000 characters; the worker sees it.
    pub reason: String,
}

fn note(raw: Option<&str>) -> Result<String, ApiError> {
    input::text("note", raw.unwrap_or_default(), 1000)
}

/// A refused span as the error to send.
fn refused(refusal: EntryRefused) -> ApiError {
    match refusal {
        EntryRefused::NotAfterStart => ApiError::invalid_field("ended_at", "not_after_start", refusal),
        EntryRefused::InTheFuture => ApiError::invalid_field("ended_at", "in_the_future", refusal),
        EntryRefused::TooLongAgo => ApiError::invalid_field("started_at", "too_long_ago", refusal),
        EntryRefused::OverDailyMaximum { .. } => ApiError::invalid_field("ended_at", "over_daily_maximum", refusal),
        EntryRefused::Overlaps => ApiError::new(
            ErrorCode::TimeOverlap,
            "This time overlaps time the worker already logged; change or withdraw that entry first.",
        ),
    }
}

/// Checks `span` for `worker` against their other entries (except `except`).
fn checked(
    conn: &mut DbConnection,
    center: &Center,
    worker: UserId,
    span: Span,
    except: Option<TimeEntryId>,
) -> Result<Span, ApiError> {
    let now = yui_store::now();
    let limits = Limits { now, max_daily_minutes: center.max_daily_minutes, time_zone: center.time_zone };
    // The span on its own first: within the last 31 days and not in the future, so
    // looking around it stays within the calendar.
    timesheet::check(span, &[], &limits).map_err(refused)?;
    let others = time_entries::spans_near(conn, worker, span, except, now)?;
    timesheet::check(span, &others, &limits).map_err(refused)
}

/// Work can be logged on a task the worker holds unless it was cancelled.
fn loggable(task: &Task) -> Result<(), ApiError> {
    if task.status == TaskStatus::Cancelled {
        return Err(ApiError::invalid_transition(InvalidTransition {
            entity: "task",
            state: task.status.as_str(),
            action: "log_time",
            allowed: Vec::new(),
        }));
    }
    Ok(())
}

fn timer_running() -> ApiError {
    ApiError::new(ErrorCode::TimerRunning, "Your timer is already running; stop it before starting another.")
}

/// Log a finished span of work on a task you hold.
#[utoipa::path(
    tag = tags::TIME,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    request_body = LogTimeRequest,
    responses(
        (status = 201, description = "The entry, pending a director's decision.", body = TimeEntryView),
        (status = 409, description = "It overlaps the worker's other time (`time_overlap`), or the task is cancelled (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/time-entries")]
async fn log_time(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<LogTimeRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = TaskId::from(id.into_inner());
    let body = body.into_inner();
    let note = note(body.note.as_deref())?;
    let span = Span::new(body.started_at, body.ended_at).map_err(refused)?;
    let entry = state
        .write_as(bearer, move |conn, actor| {
            let (task, _) = access::task(conn, actor, id, Action::LogTime)?;
            loggable(&task)?;
            let center = access::actor_centre(conn, actor)?;
            let locks = yui_store::locks::workers(conn, [actor.user_id])?;
            let span = checked(conn, &center, actor.user_id, span, None)?;
            let new = NewEntry {
                center_id: task.center_id,
                worker_id: actor.user_id,
                job_id: task.job_id,
                task_id: task.id,
                started_at: span.start,
                ended_at: Some(span.end),
                note: note.clone(),
            };
            Ok(time_entries::insert(conn, &locks, new)?)
        })
        .await?;
    Ok(HttpResponse::Created().json(TimeEntryView::from(entry)))
}

/// Start a timer on a task you hold (one timer at a time).
#[utoipa::path(
    tag = tags::TIME,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    request_body = StartTimerRequest,
    responses(
        (status = 201, description = "The running entry.", body = TimeEntryView),
        (status = 409, description = "A timer already runs (`timer_running`), it would overlap logged time (`time_overlap`), or the task is cancelled (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/timer")]
async fn start_timer(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<StartTimerRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = TaskId::from(id.into_inner());
    let note = note(body.into_inner().note.as_deref())?;
    let entry = state
        .write_as(bearer, move |conn, actor| {
            let (task, _) = access::task(conn, actor, id, Action::LogTime)?;
            loggable(&task)?;
            let locks = yui_store::locks::workers(conn, [actor.user_id])?;
            if time_entries::running_of(conn, actor.user_id)?.is_some() {
                return Err(timer_running());
            }
            let start = to_the_minute(yui_store::now());
            let overlapping = time_entries::spans_near(conn, actor.user_id, Span { start, end: start }, None, start)?
                .iter()
                .any(|span| span.end > start);
            if overlapping {
                return Err(refused(EntryRefused::Overlaps));
            }
            let new = NewEntry {
                center_id: task.center_id,
                worker_id: actor.user_id,
                job_id: task.job_id,
                task_id: task.id,
                started_at: start,
                ended_at: None,
                note: note.clone(),
            };
            time_entries::insert(conn, &locks, new).map_err(|e| match e {
                StoreError::Conflict { .. } => timer_running(),
                other => other.into(),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(TimeEntryView::from(entry)))
}

/// The entry after `action`, or why its state refuses it.
fn applied(entry: &TimeEntry, action: EntryAction) -> Result<yui_domain::flow::EntryStatus, ApiError> {
    entry.status.apply(action).map_err(ApiError::invalid_transition)
}

/// Stop your running timer.
#[utoipa::path(
    tag = tags::TIME,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The entry's id.")),
    request_body = StopTimerRequest,
    responses(
        (status = 200, description = "The stopped entry, pending a director's decision.", body = TimeEntryView),
        (status = 409, description = "It is not running (`invalid_state`), it would overlap logged time (`time_overlap`), or it changed at the same moment (`version_conflict`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/time-entries/{id}/stop")]
async fn stop_timer(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<StopTimerRequest>,
) -> Result<web::Json<TimeEntryView>, ApiError> {
    let id = TimeEntryId::from(id.into_inner());
    let body = body.into_inner();
    let note = body.note.as_deref().map(|n| note(Some(n))).transpose()?;
    let entry = state
        .write_as(bearer, move |conn, actor| {
            let (entry, worker) = access::time_entry(conn, actor, id, Action::KeepOwnTime)?;
            let _serialised = yui_store::locks::workers(conn, [worker.id])?;
            let status = applied(&entry, EntryAction::Stop)?;
            let center = access::actor_centre(conn, actor)?;
            let end = body.ended_at.unwrap_or_else(yui_store::now);
            let span = Span::new(entry.started_at, end).map_err(refused)?;
            let span = checked(conn, &center, worker.id, span, Some(entry.id))?;
            let stopped = TimeEntry {
                ended_at: Some(span.end),
                status,
                note: note.clone().unwrap_or_else(|| entry.note.clone()),
                ..entry
            };
            Ok(time_entries::save(conn, stopped)?)
        })
        .await?;
    Ok(web::Json(entry.into()))
}

/// Read a time entry (the worker who logged it; the centre's directors and admins).
#[utoipa::path(
    tag = tags::TIME,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("id" = Uuid, Path, description = "The entry's id.")),
    responses((status = 200, description = "The entry.", body = TimeEntryView))
)]
#[get("/time-entries/{id}")]
async fn get_entry(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<TimeEntryView>, ApiError> {
    let id = TimeEntryId::from(id.into_inner());
    let entry = state
        .read_as(bearer, move |conn, actor| Ok(access::time_entry(conn, actor, id, Action::ViewWorker)?.0))
        .await?;
    Ok(web::Json(entry.into()))
}

/// Withdraw your entry while it runs or waits for a decision.
#[utoipa::path(
    tag = tags::TIME,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The entry's id.")),
    responses(
        (status = 204, description = "The entry is gone."),
        (status = 409, description = "It is already decided (`invalid_state`), or it changed at the same moment (`version_conflict`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/time-entries/{id}")]
async fn withdraw_entry(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = TimeEntryId::from(id.into_inner());
    state
        .write_as(bearer, move |conn, actor| {
            let (entry, _) = access::time_entry(conn, actor, id, Action::KeepOwnTime)?;
            applied(&entry, EntryAction::Withdraw)?;
            Ok(time_entries::delete(conn, &entry)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A decided entry and the task event that records it.
fn decide(
    conn: &mut DbConnection,
    actor: UserId,
    entry: TimeEntry,
    action: EntryAction,
    reason: Option<String>,
) -> Result<TimeEntry, ApiError> {
    let status = applied(&entry, action)?;
    let decision = Decision { by: actor, at: yui_store::now(), reason: reason.clone() };
    let decided = time_entries::save(conn, TimeEntry { status, decision: Some(decision), ..entry })?;
    let task = tasks::find(conn, decided.task_id)?.ok_or_else(|| ApiError::not_found("task"))?;
    let kind = if action == EntryAction::Approve { "time_approved" } else { "time_rejected" };
    let details = json!({
        "time_entry_id": decided.id, "worker_id": decided.worker_id, "minutes": decided.minutes(), "reason": reason,
    });
    flow::record_task_event(conn, actor, &task, kind, details)?;
    Ok(decided)
}

/// Approve an entry: it is locked and counts for pay (`time.approved`).
#[utoipa::path(
    tag = tags::TIME,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    params(("id" = Uuid, Path, description = "The entry's id.")),
    responses(
        (status = 200, description = "The approved entry.", body = TimeEntryView),
        (status = 409, description = "It is not pending (`invalid_state`), or it changed at the same moment (`version_conflict`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/time-entries/{id}/approve")]
async fn approve_entry(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<TimeEntryView>, ApiError> {
    let id = TimeEntryId::from(id.into_inner());
    let entry = state
        .write_as(bearer, move |conn, actor| {
            let (entry, _) = access::time_entry(conn, actor, id, Action::JudgeTime)?;
            decide(conn, actor.user_id, entry, EntryAction::Approve, None)
        })
        .await?;
    Ok(web::Json(entry.into()))
}

/// Reject an entry: it no longer counts, and the worker sees why.
#[utoipa::path(
    tag = tags::TIME,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    params(("id" = Uuid, Path, description = "The entry's id.")),
    request_body = RejectTimeRequest,
    responses(
        (status = 200, description = "The rejected entry.", body = TimeEntryView),
        (status = 409, description = "It is not pending (`invalid_state`), or it changed at the same moment (`version_conflict`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/time-entries/{id}/reject")]
async fn reject_entry(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<RejectTimeRequest>,
) -> Result<web::Json<TimeEntryView>, ApiError> {
    let id = TimeEntryId::from(id.into_inner());
    let reason = input::required_text("reason", &body.into_inner().reason, 1000)?;
    let entry = state
        .write_as(bearer, move |conn, actor| {
            let (entry, _) = access::time_entry(conn, actor, id, Action::JudgeTime)?;
            decide(conn, actor.user_id, entry, EntryAction::Reject, Some(reason.clone()))
        })
        .await?;
    Ok(web::Json(entry.into()))
}

/// Change a pending entry's times, with a reason; the worker's original times are
/// kept. It stays pending.
#[utoipa::path(
    tag = tags::TIME,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    params(("id" = Uuid, Path, description = "The entry's id.")),
    request_body = AdjustTimeRequest,
    responses(
        (status = 200, description = "The adjusted entry.", body = TimeEntryView),
        (status = 409, description = "It is not pending (`invalid_state`), the new times overlap other time (`time_overlap`), or it changed at the same moment (`version_conflict`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/time-entries/{id}/adjust")]
async fn adjust_entry(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<AdjustTimeRequest>,
) -> Result<web::Json<TimeEntryView>, ApiError> {
    let id = TimeEntryId::from(id.into_inner());
    let body = body.into_inner();
    let reason = input::required_text("reason", &body.reason, 1000)?;
    let span = Span::new(body.started_at, body.ended_at).map_err(refused)?;
    let entry = state
        .write_as(bearer, move |conn, actor| {
            let (entry, worker) = access::time_entry(conn, actor, id, Action::JudgeTime)?;
            let _serialised = yui_store::locks::workers(conn, [worker.id])?;
            let status = applied(&entry, EntryAction::Adjust)?;
            let task = tasks::find(conn, entry.task_id)?.ok_or_else(|| ApiError::not_found("task"))?;
            let center = access::actor_centre(conn, actor)?;
            let span = checked(conn, &center, worker.id, span, Some(entry.id))?;
            let original =
                entry.adjustment.as_ref().map_or((entry.started_at, entry.ended_at.unwrap_or(entry.started_at)), |a| {
                    (a.original_started_at, a.original_ended_at)
                });
            let adjustment = Adjustment {
                original_started_at: original.0,
                original_ended_at: original.1,
                reason: reason.clone(),
                adjusted_by: actor.user_id,
            };
            let before = entry.minutes();
            let adjusted = time_entries::save(
                conn,
                TimeEntry {
                    started_at: span.start,
                    ended_at: Some(span.end),
                    status,
                    adjustment: Some(adjustment),
                    ..entry
                },
            )?;
            let details = json!({
                "time_entry_id": adjusted.id, "worker_id": adjusted.worker_id,
                "minutes_before": before, "minutes": adjusted.minutes(), "reason": reason,
            });
            flow::record_task_event(conn, actor.user_id, &task, "time_adjusted", details)?;
            Ok(adjusted)
        })
        .await?;
    Ok(web::Json(entry.into()))
}
