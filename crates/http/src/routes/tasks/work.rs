//! Doing the work: a director assigns a task to a worker of the centre (and may
//! reassign or unassign it until it is submitted); the worker starts it and submits
//! results. Every submission is a new version; nothing is overwritten.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::flow::TaskAction;
use yui_domain::{TaskId, UserId};
use yui_store::submissions::{self};

use super::SubmitRequest;
use crate::access::{self, Named};
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::flow::act_on_task;
use crate::flow_views::{SubmissionView, TaskView};
use crate::routes::tags;
use crate::state::AppState;
use yui_domain::access::Action;
use yui_store::flow::{self, advance_task};

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(assign_task)
        .service(reassign_task)
        .service(unassign_task)
        .service(start_task)
        .service(submit_task)
        .service(list_submissions);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// An active worker of the task's centre.
    pub worker_id: Uuid,
}

/// Assign an open task to a worker (directors). Of two directors assigning one task
/// at once, exactly one succeeds; the other gets `409`.
#[utoipa::path(
    tag = tags::WORK,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    request_body = AssignRequest,
    responses(
        (status = 200, description = "The task, now `assigned`.", body = TaskView),
        (status = 409, description = "The task is not open (`invalid_state`) or changed meanwhile (`version_conflict`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/assign")]
async fn assign_task(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<AssignRequest>,
) -> Result<web::Json<TaskView>, ApiError> {
    assign_with(state, bearer, id.into_inner(), body.into_inner().worker_id, TaskAction::Assign).await
}

/// Give an assigned or started task to another worker (directors).
#[utoipa::path(
    tag = tags::WORK,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    request_body = AssignRequest,
    responses(
        (status = 200, description = "The task, `assigned` to the new worker.", body = TaskView),
        (status = 409, description = "The task cannot be reassigned now (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/reassign")]
async fn reassign_task(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<AssignRequest>,
) -> Result<web::Json<TaskView>, ApiError> {
    assign_with(state, bearer, id.into_inner(), body.into_inner().worker_id, TaskAction::Reassign).await
}

async fn assign_with(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: Uuid,
    worker: Uuid,
    action: TaskAction,
) -> Result<web::Json<TaskView>, ApiError> {
    let id = TaskId::from(id);
    act_on_task(&state, bearer, id, Action::ManageTask, move |conn, actor, mut task, _| {
        let worker = access::active_worker(conn, task.center_id, UserId::from(worker), Named::Field("worker_id"))?.id;
        let previous = task.assignee_id.map(|w| w.to_string());
        task.assignee_id = Some(worker);
        let details = json!({"assignee_id": worker.to_string(), "previous_assignee_id": previous});
        Ok(advance_task(conn, actor.user_id, task, action, details)?)
    })
    .await
}

/// Take a task back from its worker; it becomes open again (directors).
#[utoipa::path(
    tag = tags::WORK,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    responses(
        (status = 200, description = "The task, `open` again.", body = TaskView),
        (status = 409, description = "The task cannot be unassigned now (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/unassign")]
async fn unassign_task(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<TaskView>, ApiError> {
    let id = TaskId::from(id.into_inner());
    act_on_task(&state, bearer, id, Action::ManageTask, move |conn, actor, task, _| {
        let details = json!({"previous_assignee_id": task.assignee_id.map(|w| w.to_string())});
        Ok(advance_task(conn, actor.user_id, task, TaskAction::Unassign, details)?)
    })
    .await
}

/// Start working on an assigned task (its worker).
#[utoipa::path(
    tag = tags::WORK,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    responses(
        (status = 200, description = "The task, now `in_progress`.", body = TaskView),
        (status = 409, description = "The task is not waiting to be started (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/start")]
async fn start_task(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<TaskView>, ApiError> {
    let id = TaskId::from(id.into_inner());
    act_on_task(&state, bearer, id, Action::WorkOnTask, move |conn, actor, task, _| {
        Ok(advance_task(conn, actor.user_id, task, TaskAction::Start, json!({}))?)
    })
    .await
}

/// Submit a result for review (its worker): a new version each time.
#[utoipa::path(
    tag = tags::WORK,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    request_body = SubmitRequest,
    responses(
        (status = 201, description = "The new submission; the task is now `submitted`.", body = SubmissionView),
        (status = 409, description = "The task is not being worked on (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/submissions")]
async fn submit_task(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<SubmitRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = TaskId::from(id.into_inner());
    let content = body.into_inner().content()?;
    let submission = state
        .write_as(bearer, move |conn, actor| {
            let (task, _) = access::task(conn, actor, id, Action::WorkOnTask)?;
            let (_, submission) = flow::submit(conn, actor.user_id, task, content.clone())?;
            Ok(submission)
        })
        .await?;
    Ok(HttpResponse::Created().json(SubmissionView::from(submission)))
}

/// Every version of a task's result, oldest first (the centre's directors and admins, the task's worker and their team).
#[utoipa::path(
    tag = tags::WORK,
    security(("bearer_token" = []), ("api_key" = ["tasks:read"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    responses((status = 200, description = "The submissions, oldest first.", body = Vec<SubmissionView>))
)]
#[get("/tasks/{id}/submissions")]
async fn list_submissions(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<SubmissionView>>, ApiError> {
    let id = TaskId::from(id.into_inner());
    let list = state
        .read_as(bearer, move |conn, actor| {
            let (task, _) = access::task(conn, actor, id, Action::ViewTask)?;
            Ok(submissions::list_for_task(conn, task.id)?)
        })
        .await?;
    Ok(web::Json(list.into_iter().map(SubmissionView::from).collect()))
}
