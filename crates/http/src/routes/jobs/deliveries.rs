//! Deliveries: a director bundles approved, undelivered tasks of a job into a
//! delivery (partial deliveries are fine); the client reads it with the delivered
//! results, accepts it, or rejects it with a reason, which sends its tasks back to
//! their workers as changes requested. When every non-cancelled task of a job is in
//! an accepted delivery, the job completes.
//!
//! Clients see results, never people: delivered results carry no author.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::flow::DeliveryAction;
use yui_domain::{DeliveryId, JobId, SubmissionId, TaskId};
use yui_store::deliveries::{self, Delivery};
use yui_store::{submissions, tasks};

use super::ReasonRequest;
use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::flow_views::DeliveryStatusName;
use crate::input;
use crate::pagination::{PageParams, Paginated};
use crate::routes::tags;
use crate::state::AppState;
use yui_domain::access::Action;
use yui_store::flow;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_delivery)
        .service(list_deliveries)
        .service(get_delivery)
        .service(accept_delivery)
        .service(reject_delivery);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryRequest {
    /// Approved, undelivered tasks of the job (1 to 5 000).
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_items = 1, max_items = 5000)]
    pub task_ids: Vec<Uuid>,
    /// A note for the client.
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000, pattern = "^[^\\x00]*$")]
    #[serde(default)]
    pub note: String,
}

/// A delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: Uuid,
    pub job_id: Uuid,
    pub note: String,
    pub status: DeliveryStatusName,
    /// The client's reason, when rejected.
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// How many tasks it delivers.
    pub task_count: usize,
    pub created_at: DateTime<Utc>,
}

/// One delivered result: the task and the version of its result delivered.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveredResult {
    pub task_id: Uuid,
    pub task_title: String,
    /// Which version of the result was delivered.
    pub version_number: i64,
    pub result_text: String,
    pub links: Vec<String>,
    /// The structured result (a JSON object), if given.
    #[schema(value_type = Option<std::collections::HashMap<String, serde_json::Value>>)]
    pub payload: Option<serde_json::Value>,
}

/// A delivery with its results.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryDetail {
    pub delivery: DeliveryView,
    pub results: Vec<DeliveredResult>,
}

fn view(delivery: Delivery, task_count: usize) -> DeliveryView {
    DeliveryView {
        id: delivery.id.as_uuid(),
        job_id: delivery.job_id.as_uuid(),
        note: delivery.note,
        status: delivery.status.into(),
        decision_reason: delivery.decision_reason,
        decided_at: delivery.decided_at,
        task_count,
        created_at: delivery.created_at,
    }
}

/// Deliver approved tasks of an active job to the client (directors).
#[utoipa::path(
    tag = tags::DELIVERIES,
    security(("bearer_token" = []), ("api_key" = ["deliveries:write"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    request_body = DeliveryRequest,
    responses(
        (status = 201, description = "The delivery, waiting for the client.", body = DeliveryView),
        (status = 409, description = "A task is not approved, or the job is not active (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/jobs/{id}/deliveries")]
async fn create_delivery(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<DeliveryRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = JobId::from(id.into_inner());
    let body = body.into_inner();
    let note = input::text("note", &body.note, 5000)?;
    let mut task_ids: Vec<TaskId> = body.task_ids.into_iter().map(TaskId::from).collect();
    task_ids.sort_unstable();
    task_ids.dedup();
    let created = state
        .write_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::Deliver)?;
            let found = tasks::find_many_in_job(conn, job.id, &task_ids)?;
            if found.len() != task_ids.len() {
                return Err(ApiError::invalid_field("task_ids", "unknown_task", "every task must belong to this job"));
            }
            let count = found.len();
            let delivery = flow::deliver(conn, actor.user_id, &job, found, &note)?;
            Ok(view(delivery, count))
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// List a job's deliveries (the client and the centre's directors).
#[utoipa::path(
    tag = tags::DELIVERIES,
    security(("bearer_token" = []), ("api_key" = ["jobs:read"])),
    params(("id" = Uuid, Path, description = "The job's id."), PageParams),
    responses((status = 200, description = "One page of deliveries, oldest first.", body = Paginated<DeliveryView>))
)]
#[get("/jobs/{id}/deliveries")]
async fn list_deliveries(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<DeliveryView>>, ApiError> {
    let id = JobId::from(id.into_inner());
    let page = page.parse()?;
    let listed = state
        .read_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::ViewJob)?;
            let found = deliveries::list_for_job(conn, job.id, page.after.map(DeliveryId::from), page.limit)?;
            let mut items = Vec::with_capacity(found.items.len());
            for delivery in found.items {
                let count = deliveries::items(conn, delivery.id)?.len();
                items.push(view(delivery, count));
            }
            Ok(yui_store::Page { items, next_after: found.next_after })
        })
        .await?;
    Ok(web::Json(Paginated::from_page(listed, |item| item)))
}

/// Read a delivery with its results (the client and the centre's directors).
#[utoipa::path(
    tag = tags::DELIVERIES,
    security(("bearer_token" = []), ("api_key" = ["jobs:read"])),
    params(("id" = Uuid, Path, description = "The delivery's id.")),
    responses((status = 200, description = "The delivery and the delivered results.", body = DeliveryDetail))
)]
#[get("/deliveries/{id}")]
async fn get_delivery(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<DeliveryDetail>, ApiError> {
    let id = DeliveryId::from(id.into_inner());
    let detail = state
        .read_as(bearer, move |conn, actor| {
            let (delivery, job) = access::delivery(conn, actor, id, Action::ViewJob)?;
            let items = deliveries::items(conn, delivery.id)?;
            let task_ids: Vec<TaskId> = items.iter().map(|i| i.task_id).collect();
            let submission_ids: Vec<SubmissionId> = items.iter().map(|i| i.submission_id).collect();
            let found_tasks = tasks::find_many_in_job(conn, job.id, &task_ids)?;
            let found_submissions = submissions::find_many(conn, &submission_ids)?;
            let results = items
                .iter()
                .filter_map(|item| {
                    let task = found_tasks.iter().find(|t| t.id == item.task_id)?;
                    let submission = found_submissions.iter().find(|s| s.id == item.submission_id)?;
                    Some(DeliveredResult {
                        task_id: task.id.as_uuid(),
                        task_title: task.spec.title.clone(),
                        version_number: submission.version_number,
                        result_text: submission.content.result_text.clone(),
                        links: submission.content.links.clone(),
                        payload: submission.content.payload.clone(),
                    })
                })
                .collect();
            Ok(DeliveryDetail { delivery: view(delivery, items.len()), results })
        })
        .await?;
    Ok(web::Json(detail))
}

/// Accept a delivery (clients). The job completes when every non-cancelled task is
/// in an accepted delivery.
#[utoipa::path(
    tag = tags::DELIVERIES,
    security(("bearer_token" = []), ("api_key" = ["deliveries:write"])),
    params(("id" = Uuid, Path, description = "The delivery's id.")),
    responses(
        (status = 200, description = "The accepted delivery.", body = DeliveryView),
        (status = 409, description = "Already decided (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/deliveries/{id}/accept")]
async fn accept_delivery(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<DeliveryView>, ApiError> {
    let id = DeliveryId::from(id.into_inner());
    decide(state, bearer, id, DeliveryAction::Accept, None).await
}

/// Reject a delivery with a reason (clients): its tasks go back to their workers as
/// changes requested.
#[utoipa::path(
    tag = tags::DELIVERIES,
    security(("bearer_token" = []), ("api_key" = ["deliveries:write"])),
    params(("id" = Uuid, Path, description = "The delivery's id.")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "The rejected delivery.", body = DeliveryView),
        (status = 409, description = "Already decided (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/deliveries/{id}/reject")]
async fn reject_delivery(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<ReasonRequest>,
) -> Result<web::Json<DeliveryView>, ApiError> {
    let id = DeliveryId::from(id.into_inner());
    let reason = input::required_text("reason", &body.into_inner().reason, 2000)?;
    decide(state, bearer, id, DeliveryAction::Reject, Some(reason)).await
}

async fn decide(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: DeliveryId,
    action: DeliveryAction,
    reason: Option<String>,
) -> Result<web::Json<DeliveryView>, ApiError> {
    let decided = state
        .write_as(bearer, move |conn, actor| {
            let (delivery, job) = access::delivery(conn, actor, id, Action::JudgeDelivery)?;
            let delivery = flow::decide_delivery(conn, actor.user_id, delivery, &job, action, reason.as_deref())?;
            let count = deliveries::items(conn, delivery.id)?.len();
            Ok(view(delivery, count))
        })
        .await?;
    Ok(web::Json(decided))
}
