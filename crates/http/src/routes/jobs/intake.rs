//! Intake: a director quotes for a posted job or declines it; the client approves the
//! quote (the job becomes active) or rejects it (the job is posted again, for a new
//! quote). Every quote is kept.

use actix_web::{get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::JobId;
use yui_store::quotes::{self, Quote, QuoteStatus, QuoteTerms};

use super::ReasonRequest;
use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::flow_views::{JobView, MoneyInput};
use crate::input;
use crate::routes::tags;
use crate::state::AppState;
use crate::views::MoneyView;
use yui_domain::access::Action;
use yui_store::flow;

pub fn configure(config: &mut ServiceConfig) {
    config.service(send_quote).service(decline_job).service(approve_quote).service(reject_quote).service(list_quotes);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    /// The director's estimate of the total work, in minutes.
    #[validate(range(min = 1, max = 10_000_000))]
    #[schema(minimum = 1, maximum = 10_000_000)]
    pub estimated_minutes: i64,
    /// The price offered; in the job's currency.
    #[validate(nested)]
    pub price: MoneyInput,
    /// When the centre plans to deliver; in the future.
    pub planned_delivery_at: DateTime<Utc>,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000, pattern = "^[^\\x00]*$")]
    pub note: String,
}

/// Where a quote stands.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuoteStatusName {
    Pending,
    Approved,
    Rejected,
}

/// A director's quote for a job.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteView {
    pub id: Uuid,
    pub job_id: Uuid,
    /// The director who sent it.
    pub director_id: Uuid,
    pub estimated_minutes: i64,
    pub price: MoneyView,
    pub planned_delivery_at: DateTime<Utc>,
    pub note: String,
    pub status: QuoteStatusName,
    /// The client's reason, when rejected.
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<Quote> for QuoteView {
    fn from(quote: Quote) -> Self {
        Self {
            id: quote.id.as_uuid(),
            job_id: quote.job_id.as_uuid(),
            director_id: quote.director_id.as_uuid(),
            estimated_minutes: quote.terms.estimated_minutes,
            price: quote.terms.price.into(),
            planned_delivery_at: quote.terms.planned_delivery_at,
            note: quote.terms.note,
            status: match quote.status {
                QuoteStatus::Pending => QuoteStatusName::Pending,
                QuoteStatus::Approved => QuoteStatusName::Approved,
                QuoteStatus::Rejected => QuoteStatusName::Rejected,
            },
            decision_reason: quote.decision_reason,
            decided_at: quote.decided_at,
            created_at: quote.created_at,
        }
    }
}

fn id_param(id: web::Path<Uuid>) -> JobId {
    JobId::from(id.into_inner())
}

/// Send a quote for a posted job (directors).
#[utoipa::path(
    tag = tags::INTAKE,
    security(("bearer_token" = []), ("api_key" = ["jobs:write"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    request_body = QuoteRequest,
    responses(
        (status = 200, description = "The job, now `quoted`.", body = JobView),
        (status = 409, description = "The job is not waiting for a quote (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/jobs/{id}/quote")]
async fn send_quote(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<QuoteRequest>,
) -> Result<web::Json<JobView>, ApiError> {
    let id = id_param(id);
    let body = body.into_inner();
    let price = body.price.parse("price")?;
    let terms = QuoteTerms {
        estimated_minutes: body.estimated_minutes,
        price,
        planned_delivery_at: input::future("planned_delivery_at", body.planned_delivery_at)?,
        note: input::text("note", &body.note, 2000)?,
    };
    let job = state
        .write_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::RunJob)?;
            if terms.price.currency != job.spec.budget.currency {
                return Err(ApiError::invalid_field("price.currency", "currency", "must be the job's currency"));
            }
            Ok(flow::quote(conn, actor.user_id, job, terms.clone())?)
        })
        .await?;
    Ok(web::Json(JobView::new(job, None)))
}

/// Decline a posted job, with a reason (directors).
#[utoipa::path(
    tag = tags::INTAKE,
    security(("bearer_token" = []), ("api_key" = ["jobs:write"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "The job, now `declined`.", body = JobView),
        (status = 409, description = "The job is not waiting for intake (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/jobs/{id}/decline")]
async fn decline_job(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<ReasonRequest>,
) -> Result<web::Json<JobView>, ApiError> {
    let id = id_param(id);
    let reason = input::required_text("reason", &body.into_inner().reason, 2000)?;
    let job = state
        .write_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::RunJob)?;
            Ok(flow::decline(conn, actor.user_id, job, &reason)?)
        })
        .await?;
    Ok(web::Json(JobView::new(job, None)))
}

/// Approve the pending quote: the job becomes active (clients).
#[utoipa::path(
    tag = tags::INTAKE,
    security(("bearer_token" = []), ("api_key" = ["jobs:write"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    responses(
        (status = 200, description = "The job, now `active`.", body = JobView),
        (status = 409, description = "No quote is waiting (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/jobs/{id}/quote/approve")]
async fn approve_quote(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<JobView>, ApiError> {
    let id = id_param(id);
    let job = state
        .write_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::DecideAsClient)?;
            Ok(flow::decide_quote(conn, actor.user_id, job, None)?)
        })
        .await?;
    Ok(web::Json(JobView::new(job, None)))
}

/// Reject the pending quote, with a reason: the job waits for a new quote (clients).
#[utoipa::path(
    tag = tags::INTAKE,
    security(("bearer_token" = []), ("api_key" = ["jobs:write"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "The job, `posted` again.", body = JobView),
        (status = 409, description = "No quote is waiting (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/jobs/{id}/quote/reject")]
async fn reject_quote(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<ReasonRequest>,
) -> Result<web::Json<JobView>, ApiError> {
    let id = id_param(id);
    let reason = input::required_text("reason", &body.into_inner().reason, 2000)?;
    let job = state
        .write_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::DecideAsClient)?;
            Ok(flow::decide_quote(conn, actor.user_id, job, Some(&reason))?)
        })
        .await?;
    Ok(web::Json(JobView::new(job, None)))
}

/// Every quote of a job, oldest first.
#[utoipa::path(
    tag = tags::INTAKE,
    security(("bearer_token" = []), ("api_key" = ["jobs:read"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    responses((status = 200, description = "The job's quotes, oldest first.", body = Vec<QuoteView>))
)]
#[get("/jobs/{id}/quotes")]
async fn list_quotes(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<QuoteView>>, ApiError> {
    let id = id_param(id);
    let quotes = state
        .read_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::ViewJob)?;
            Ok(quotes::list_for_job(conn, job.id)?)
        })
        .await?;
    Ok(web::Json(quotes.into_iter().map(QuoteView::from).collect()))
}
