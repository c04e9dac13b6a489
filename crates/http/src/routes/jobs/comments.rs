//! A job's comment thread: the posting client and the centre's directors and admins.

use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use yui_domain::access::Action;
use yui_domain::{CommentId, JobId};
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
    config.service(list_job_comments).service(add_job_comment);
}

/// A job's comment thread (the client and the centre's directors).
#[utoipa::path(
    tag = tags::COMMENTS,
    security(("bearer_token" = []), ("api_key" = ["jobs:read"])),
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
    security(("bearer_token" = []), ("api_key" = ["jobs:write"])),
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

fn job_thread(job: &yui_store::jobs::Job) -> Thread {
    Thread { center_id: job.center_id, job_id: job.id, task_id: None }
}
