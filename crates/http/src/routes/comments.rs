//! Comment threads: one on each job (the posting client and the centre's directors
//! and admins) and one on each task (the centre's directors and admins, the task's
//! worker and their team). Each party sees only the threads it belongs to.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::{CommentId, JobId, TaskId};
use yui_store::comments::{self, Comment, Thread};

use super::tags;
use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::input;
use crate::pagination::{PageParams, Paginated};
use crate::state::AppState;
use yui_domain::access::Action;

pub fn configure(config: &mut ServiceConfig) {
    config.service(list_job_comments).service(add_job_comment).service(list_task_comments).service(add_task_comment);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    #[validate(length(min = 1, max = 5000))]
    #[schema(
        min_length = 1,
        max_length = 5000,
        example = "Should hidden signs be marked too?",
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub body: String,
}

/// A comment.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentView {
    pub id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl From<Comment> for CommentView {
    fn from(comment: Comment) -> Self {
        Self {
            id: comment.id.as_uuid(),
            author_id: comment.author_id.as_uuid(),
            body: comment.body,
            created_at: comment.created_at,
        }
    }
}

fn job_thread(job: &yui_store::jobs::Job) -> Thread {
    Thread { center_id: job.center_id, job_id: job.id, task_id: None }
}

fn task_thread(task: &yui_store::tasks::Task) -> Thread {
    Thread { center_id: task.center_id, job_id: task.job_id, task_id: Some(task.id) }
}

/// A job's comment thread (the client and the centre's directors).
#[utoipa::path(
    tag = tags::COMMENTS,
    security(("bearer_token" = [])),
    params(("id" = Uuid, Path, description = "The job's id."), PageParams),
    responses((status = 200, description = "One page of comments, oldest first.", body = Paginated<CommentView>))
)]
#[get("/jobs/{id}/comments")]
async fn list_job_comments(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<CommentView>>, ApiError> {
    let id = JobId::from(id.into_inner());
    let page = page.parse()?;
    let listed = state
        .read_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::ViewJob)?;
            Ok(comments::list(conn, job_thread(&job), page.after.map(CommentId::from), page.limit)?)
        })
        .await?;
    Ok(web::Json(Paginated::from_page(listed, CommentView::from)))
}

/// Comment on a job.
#[utoipa::path(
    tag = tags::COMMENTS,
    security(("bearer_token" = [])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    request_body = CommentRequest,
    responses((status = 201, description = "The new comment.", body = CommentView))
)]
#[post("/jobs/{id}/comments")]
async fn add_job_comment(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<CommentRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = JobId::from(id.into_inner());
    let text = input::required_text("body", &body.into_inner().body, 5000)?;
    let comment = state
        .write_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::CommentOnJob)?;
            Ok(comments::insert(conn, job_thread(&job), actor.user_id, &text)?)
        })
        .await?;
    Ok(HttpResponse::Created().json(CommentView::from(comment)))
}

/// A task's comment thread (the centre's directors and admins, the task's worker and their team).
#[utoipa::path(
    tag = tags::COMMENTS,
    security(("bearer_token" = [])),
    params(("id" = Uuid, Path, description = "The task's id."), PageParams),
    responses((status = 200, description = "One page of comments, oldest first.", body = Paginated<CommentView>))
)]
#[get("/tasks/{id}/comments")]
async fn list_task_comments(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<CommentView>>, ApiError> {
    let id = TaskId::from(id.into_inner());
    let page = page.parse()?;
    let listed = state
        .read_as(bearer, move |conn, actor| {
            let (task, _) = access::task(conn, actor, id, Action::ViewTask)?;
            Ok(comments::list(conn, task_thread(&task), page.after.map(CommentId::from), page.limit)?)
        })
        .await?;
    Ok(web::Json(Paginated::from_page(listed, CommentView::from)))
}

/// Comment on a task.
#[utoipa::path(
    tag = tags::COMMENTS,
    security(("bearer_token" = [])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    request_body = CommentRequest,
    responses((status = 201, description = "The new comment.", body = CommentView))
)]
#[post("/tasks/{id}/comments")]
async fn add_task_comment(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<CommentRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = TaskId::from(id.into_inner());
    let text = input::required_text("body", &body.into_inner().body, 5000)?;
    let comment = state
        .write_as(bearer, move |conn, actor| {
            let (task, _) = access::task(conn, actor, id, Action::CommentOnTask)?;
            Ok(comments::insert(conn, task_thread(&task), actor.user_id, &text)?)
        })
        .await?;
    Ok(HttpResponse::Created().json(CommentView::from(comment)))
}
