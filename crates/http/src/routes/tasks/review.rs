//! Quality checks: directors approve a submission, request changes (with a required
//! comment; the task goes back to the same worker), or fix the result themselves (a
//! new version marked as the director's, then approved). Each review records the
//! verdict, comment, reviewer, time and the version it judged. The QC queue lists
//! the centre's submissions waiting for review, oldest first.

use actix_web::{get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::flow::Verdict;
use yui_domain::{SubmissionId, TaskId, TeamId};
use yui_store::reviews::{self, Review};
use yui_store::submissions;
use yui_store::tasks::{self, ReviewScope};

use super::SubmitRequest;
use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::flow::task_views;
use crate::flow_views::{SubmissionView, TaskView, VerdictName};
use crate::input;
use crate::pagination::{PageParams, Paginated};
use crate::routes::tags;
use crate::state::AppState;
use yui_domain::access::Action;
use yui_store::flow;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(review_task)
        .service(fix_task)
        .service(list_reviews)
        .service(review_queue)
        .service(team_review_queue);
}

/// What a reviewer decides.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// Accept the result as it is.
    Approve,
    /// Send it back to the worker; a comment is required.
    RequestChanges,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// The submission being judged: it must be the one waiting for review.
    pub submission_id: Uuid,
    pub decision: ReviewDecision,
    /// Required when requesting changes.
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000, pattern = "^[^\\x00]*$")]
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixRequest {
    /// The submission being corrected: it must be the one waiting for review.
    pub submission_id: Uuid,
    /// The corrected result.
    #[validate(nested)]
    pub result: SubmitRequest,
    /// What was fixed, for the worker.
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000, pattern = "^[^\\x00]*$")]
    #[serde(default)]
    pub comment: String,
}

/// A recorded review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewView {
    pub id: Uuid,
    pub task_id: Uuid,
    /// The submission version judged (for a fix: the director's new version).
    pub submission_id: Uuid,
    pub reviewer_id: Uuid,
    pub verdict: VerdictName,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

impl From<Review> for ReviewView {
    fn from(review: Review) -> Self {
        Self {
            id: review.id.as_uuid(),
            task_id: review.task_id.as_uuid(),
            submission_id: review.submission_id.as_uuid(),
            reviewer_id: review.reviewer_id.as_uuid(),
            verdict: review.verdict.into(),
            comment: review.comment,
            created_at: review.created_at,
        }
    }
}

/// The outcome of a review: the review and the task after it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewOutcome {
    pub review: ReviewView,
    pub task: TaskView,
}

/// A submission waiting for review.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    pub task: TaskView,
    pub submission: SubmissionView,
}

/// Approve a submission or request changes (directors, or a reviewer of the task's
/// team on a teammate's work).
#[utoipa::path(
    tag = tags::REVIEW,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "The review and the task after it.", body = ReviewOutcome),
        (status = 409, description = "Nothing is waiting for review (`invalid_state`), or the submission judged \
            is not the current one (`stale_submission`).", body = crate::error::Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/review")]
async fn review_task(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<ReviewRequest>,
) -> Result<web::Json<ReviewOutcome>, ApiError> {
    let id = TaskId::from(id.into_inner());
    let body = body.into_inner();
    let (verdict, comment) = match body.decision {
        ReviewDecision::Approve => (Verdict::Approved, input::text("comment", &body.comment, 5000)?),
        ReviewDecision::RequestChanges => {
            (Verdict::ChangesRequested, input::required_text("comment", &body.comment, 5000)?)
        }
    };
    let submission = SubmissionId::from(body.submission_id);
    let outcome = state
        .write_as(bearer, move |conn, actor| {
            let (task, job) = access::task(conn, actor, id, Action::ReviewTask)?;
            let (review, task) = flow::review(conn, actor.user_id, task, submission, verdict, &comment)?;
            Ok(ReviewOutcome { review: review.into(), task: TaskView::new(task, &job) })
        })
        .await?;
    Ok(web::Json(outcome))
}

/// Fix a submission directly and approve it (directors): the correction is a new
/// version, marked as the director's.
#[utoipa::path(
    tag = tags::REVIEW,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    request_body = FixRequest,
    responses(
        (status = 200, description = "The review (verdict `fixed`) and the approved task.", body = ReviewOutcome),
        (status = 409, description = "Nothing is waiting for review (`invalid_state`), or the submission fixed \
            is not the current one (`stale_submission`).", body = crate::error::Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/fix")]
async fn fix_task(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<FixRequest>,
) -> Result<web::Json<ReviewOutcome>, ApiError> {
    let id = TaskId::from(id.into_inner());
    let body = body.into_inner();
    let content = body.result.content().map_err(|e| e.prefix_fields("result."))?;
    let comment = input::text("comment", &body.comment, 5000)?;
    let outcome = state
        .write_as(bearer, move |conn, actor| {
            let (task, job) = access::task(conn, actor, id, Action::ManageTask)?;
            let fixed = SubmissionId::from(body.submission_id);
            let (review, task) = flow::fix(conn, actor.user_id, task, fixed, content.clone(), &comment)?;
            Ok(ReviewOutcome { review: review.into(), task: TaskView::new(task, &job) })
        })
        .await?;
    Ok(web::Json(outcome))
}

/// Every review of a task, oldest first (the centre's directors and admins, the task's worker and their team).
#[utoipa::path(
    tag = tags::REVIEW,
    security(("bearer_token" = []), ("api_key" = ["tasks:read"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    responses((status = 200, description = "The reviews, oldest first.", body = Vec<ReviewView>))
)]
#[get("/tasks/{id}/reviews")]
async fn list_reviews(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<ReviewView>>, ApiError> {
    let id = TaskId::from(id.into_inner());
    let list = state
        .read_as(bearer, move |conn, actor| {
            let (task, _) = access::task(conn, actor, id, Action::ViewTask)?;
            Ok(reviews::list_for_task(conn, task.id)?)
        })
        .await?;
    Ok(web::Json(list.into_iter().map(ReviewView::from).collect()))
}

/// The centre's QC queue: submissions waiting for review, oldest first (directors).
#[utoipa::path(
    tag = tags::REVIEW,
    security(("bearer_token" = []), ("api_key" = ["tasks:read"])),
    params(PageParams),
    responses((status = 200, description = "One page of the queue, oldest submission first.", body = Paginated<QueueItem>))
)]
#[get("/review-queue")]
async fn review_queue(
    state: web::Data<AppState>,
    bearer: Bearer,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<QueueItem>>, ApiError> {
    let page = page.parse()?;
    let response = state
        .read_as(bearer, move |conn, actor| {
            let center = access::own_centre(actor, Action::ViewCentreWork)?;
            queue_page(conn, ReviewScope::Center(center), page)
        })
        .await?;
    Ok(web::Json(Paginated::from_page(response, |item| item)))
}

/// A team's review queue: its members' submissions waiting for review, oldest first,
/// never the caller's own work (the team's reviewers, and directors).
#[utoipa::path(
    tag = tags::REVIEW,
    security(("bearer_token" = []), ("api_key" = ["tasks:read"])),
    params(("id" = Uuid, Path, description = "The team's id."), PageParams),
    responses((status = 200, description = "One page of the team's queue, oldest submission first.", body = Paginated<QueueItem>))
)]
#[get("/teams/{id}/review-queue")]
async fn team_review_queue(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<QueueItem>>, ApiError> {
    let id = TeamId::from(id.into_inner());
    let page = page.parse()?;
    let response = state
        .read_as(bearer, move |conn, actor| {
            let team = access::team(conn, actor, id, Action::ReviewTeamWork)?;
            queue_page(conn, ReviewScope::Team { team: team.id, except: actor.user_id }, page)
        })
        .await?;
    Ok(web::Json(Paginated::from_page(response, |item| item)))
}

/// One page of a review queue: each task with the submission waiting for review.
fn queue_page(
    conn: &mut yui_store::DbConnection,
    scope: ReviewScope,
    page: crate::pagination::PageRequest,
) -> Result<yui_store::Page<QueueItem>, ApiError> {
    let (queued, next) = tasks::review_queue(conn, scope, page.after.map(SubmissionId::from), page.limit)?;
    let ids: Vec<SubmissionId> = queued.iter().filter_map(|t| t.current_submission_id).collect();
    let mut found = submissions::find_many(conn, &ids)?;
    let mut items = Vec::with_capacity(queued.len());
    for task in task_views(conn, queued)? {
        let Some(position) = found.iter().position(|s| Some(s.id.as_uuid()) == task.current_submission_id) else {
            continue;
        };
        items.push(QueueItem { task, submission: found.swap_remove(position).into() });
    }
    Ok(yui_store::Page { items, next_after: next.map(|id| id.as_uuid()) })
}
