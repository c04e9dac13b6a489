//! A task's comment thread: the centre's directors and admins, the task's worker and
//! their team.

use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use yui_domain::access::Action;
use yui_domain::{CommentId, TaskId};
use yui_store::comments::{self, Thread};

use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::flow_views::{CommentRequest, CommentView};
use crate::input;
use crate::pagination::{PageParams, Paginated};
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(list_task_comments).service(add_task_comment);
}

/// A task's comment thread (the centre's directors and admins, the task's worker and their team).
#[utoipa::path(
    tag = tags::COMMENTS,
    security(("bearer_token" = []), ("api_key" = ["tasks:read"])),
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
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
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

fn task_thread(task: &yui_store::tasks::Task) -> Thread {
    Thread { center_id: task.center_id, job_id: task.job_id, task_id: Some(task.id) }
}
