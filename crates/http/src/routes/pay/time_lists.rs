//! Reading logged time: a worker's entries, a job's entries (by task), and a job's
//! totals next to its estimate — what directors compare when a job runs over.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use yui_domain::access::Action;
use yui_domain::{JobId, TaskId, TimeEntryId, UserId};
use yui_store::tasks;
use yui_store::time_entries::{self, EntryFilter, EntryScope};

use super::{TimeEntryStatusName, TimeEntryView};
use crate::access;
use crate::auth::Bearer;
use crate::error::{ApiError, ErrorCode};
use crate::pagination::{PageParams, Paginated};
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(worker_entries).service(job_entries).service(job_time);
}

/// Narrows a list of time entries.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimeFilterParams {
    /// Only entries in this status.
    pub status: Option<TimeEntryStatusName>,
    /// Only entries on this task.
    pub task_id: Option<Uuid>,
    /// Only entries starting at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only entries starting before this instant.
    pub to: Option<DateTime<Utc>>,
}

impl TimeFilterParams {
    fn parse(&self) -> Result<EntryFilter, ApiError> {
        use chrono::Datelike;
        for (name, at) in [("from", self.from), ("to", self.to)] {
            if at.is_some_and(|at| !(1970..=9999).contains(&at.year())) {
                return Err(ApiError::bad_request(
                    ErrorCode::InvalidQueryParameter,
                    format!("`{name}` must lie between the years 1970 and 9999."),
                ));
            }
        }
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from >= to
        {
            return Err(ApiError::bad_request(ErrorCode::InvalidQueryParameter, "`from` must be before `to`."));
        }
        Ok(EntryFilter {
            status: self.status.map(Into::into),
            task: self.task_id.map(TaskId::from),
            from: self.from,
            to: self.to,
        })
    }
}

/// A worker's time entries, in the order they were logged (the worker; the
/// centre's directors and admins).
#[utoipa::path(
    tag = tags::TIME,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("id" = Uuid, Path, description = "The worker's id."), TimeFilterParams, PageParams),
    responses((status = 200, description = "One page of entries.", body = Paginated<TimeEntryView>))
)]
#[get("/workers/{id}/time-entries")]
async fn worker_entries(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    filter: web::Query<TimeFilterParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<TimeEntryView>>, ApiError> {
    let id = UserId::from(id.into_inner());
    let filter = filter.parse()?;
    let page = page.parse()?;
    let entries = state
        .read_as(bearer, move |conn, actor| {
            let worker = access::worker(conn, actor, id, Action::ViewWorker)?;
            let after = page.after.map(TimeEntryId::from);
            Ok(time_entries::list(conn, EntryScope::Worker(worker.id), filter, after, page.limit)?)
        })
        .await?;
    Ok(web::Json(Paginated::from_page(entries, TimeEntryView::from)))
}

/// A job's time entries, in the order they were logged (the centre's directors and
/// admins); `task_id` narrows them to one task.
#[utoipa::path(
    tag = tags::TIME,
    security(("bearer_token" = []), ("api_key" = ["tasks:read"])),
    params(("id" = Uuid, Path, description = "The job's id."), TimeFilterParams, PageParams),
    responses((status = 200, description = "One page of entries.", body = Paginated<TimeEntryView>))
)]
#[get("/jobs/{id}/time-entries")]
async fn job_entries(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    filter: web::Query<TimeFilterParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<TimeEntryView>>, ApiError> {
    let id = JobId::from(id.into_inner());
    let filter = filter.parse()?;
    let page = page.parse()?;
    let entries = state
        .read_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::ViewJobTasks)?;
            let after = page.after.map(TimeEntryId::from);
            Ok(time_entries::list(conn, EntryScope::Job(job.id), filter, after, page.limit)?)
        })
        .await?;
    Ok(web::Json(Paginated::from_page(entries, TimeEntryView::from)))
}

/// A job's time: estimated, logged and approved minutes.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobTimeView {
    pub job_id: Uuid,
    /// The estimates of the job's tasks that are not cancelled.
    pub estimated_minutes: i64,
    /// Stopped entries that count: pending and approved.
    pub logged_minutes: i64,
    /// Approved entries: what pay is computed from.
    pub approved_minutes: i64,
    /// Waiting for a director's decision.
    pub pending_minutes: i64,
    /// Rejected entries (not counted as logged).
    pub rejected_minutes: i64,
    /// Timers running on the job's tasks now.
    pub running_timers: i64,
}

/// A job's estimated, logged and approved time (the centre's directors and admins).
#[utoipa::path(
    tag = tags::TIME,
    security(("bearer_token" = []), ("api_key" = ["tasks:read"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    responses((status = 200, description = "The job's time.", body = JobTimeView))
)]
#[get("/jobs/{id}/time")]
async fn job_time(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<JobTimeView>, ApiError> {
    let id = JobId::from(id.into_inner());
    let view = state
        .read_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::ViewJobTasks)?;
            let time = time_entries::job_time(conn, job.id)?;
            Ok(JobTimeView {
                job_id: job.id.as_uuid(),
                estimated_minutes: tasks::estimated_minutes_of_job(conn, job.id)?,
                logged_minutes: time.pending_minutes + time.approved_minutes,
                approved_minutes: time.approved_minutes,
                pending_minutes: time.pending_minutes,
                rejected_minutes: time.rejected_minutes,
                running_timers: time.running_timers,
            })
        })
        .await?;
    Ok(web::Json(view))
}
