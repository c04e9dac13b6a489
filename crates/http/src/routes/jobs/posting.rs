//! Jobs, the client's side: create a draft, edit it, post it to a centre, read it
//! with its progress, cancel it before work starts. Directors list and read their
//! centre's posted jobs here too.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::flow::{JobAction, JobStatus};
use yui_domain::workforce::SkillRequirement;
use yui_domain::{Actor, CenterId, JobId, TeamId, Tenant};
use yui_store::flow::{advance_job, record_job_event};
use yui_store::jobs::{self, JobScope, JobSpec};
use yui_store::{DbConnection, centers, teams};

use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::flow_views::{JobProgress, JobStatusName, JobView, MoneyInput, PricingName};
use crate::input;
use crate::pagination::{PageParams, Paginated};
use crate::requirements::{self, SkillRequirementInput};
use crate::routes::tags;
use crate::state::AppState;
use yui_domain::access::Action;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_job)
        .service(list_jobs)
        .service(get_job)
        .service(edit_job)
        .service(post_job)
        .service(cancel_job);
}

/// A new job (created as a draft).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateJobRequest {
    /// The centre to post the job to (see `GET /v1/public/centers`).
    pub center_id: Uuid,
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "Annotate 1 000 street photos",
        pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*[^\\s\\x00-\\x1F\\x7F-\\x9F][^\\x00-\\x1F\\x7F-\\x9F]*$"
    )]
    pub title: String,
    #[validate(length(max = 10000))]
    #[schema(max_length = 10000, pattern = "^[^\\x00]*$")]
    pub description: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(
        min_length = 1,
        max_length = 100,
        example = "data-annotation",
        pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*[^\\s\\x00-\\x1F\\x7F-\\x9F][^\\x00-\\x1F\\x7F-\\x9F]*$"
    )]
    pub category: String,
    /// Skills from the centre's catalogue the work needs, with minimum levels (at most 20).
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub required_skills: Vec<SkillRequirementInput>,
    pub pricing: PricingName,
    #[validate(nested)]
    pub budget: MoneyInput,
    /// When the result is needed; must be in the future.
    pub due_at: DateTime<Utc>,
    /// What the delivered result must look like.
    #[validate(length(max = 10000))]
    #[schema(max_length = 10000, pattern = "^[^\\x00]*$")]
    pub deliverable_spec: String,
    /// A public team of the centre the client would like to do the work
    /// (see `GET /v1/public/centers/{id}/teams`).
    pub preferred_team_id: Option<Uuid>,
}

/// Changes to a draft job; omitted fields stay as they are.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditJobRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*[^\\s\\x00-\\x1F\\x7F-\\x9F][^\\x00-\\x1F\\x7F-\\x9F]*$"
    )]
    pub title: Option<String>,
    #[validate(length(max = 10000))]
    #[schema(max_length = 10000, pattern = "^[^\\x00]*$")]
    pub description: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*[^\\s\\x00-\\x1F\\x7F-\\x9F][^\\x00-\\x1F\\x7F-\\x9F]*$"
    )]
    pub category: Option<String>,
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub required_skills: Option<Vec<SkillRequirementInput>>,
    pub pricing: Option<PricingName>,
    #[validate(nested)]
    pub budget: Option<MoneyInput>,
    pub due_at: Option<DateTime<Utc>>,
    #[validate(length(max = 10000))]
    #[schema(max_length = 10000, pattern = "^[^\\x00]*$")]
    pub deliverable_spec: Option<String>,
    pub preferred_team_id: Option<Uuid>,
}

/// Filters for the job list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobFilterParams {
    /// Only jobs in this status.
    pub status: Option<JobStatusName>,
}

impl CreateJobRequest {
    fn parse(self) -> Result<(CenterId, JobSpec), ApiError> {
        let spec = JobSpec {
            title: input::name("title", &self.title, 200)?.into_string(),
            description: input::text("description", &self.description, 10_000)?,
            category: input::name("category", &self.category, 100)?.into_string(),
            required_skills: parse_requirements(&self.required_skills)?,
            pricing: self.pricing.into(),
            budget: self.budget.parse("budget")?,
            due_at: input::future("due_at", self.due_at)?,
            deliverable_spec: input::text("deliverable_spec", &self.deliverable_spec, 10_000)?,
            preferred_team_id: self.preferred_team_id,
        };
        Ok((CenterId::from(self.center_id), spec))
    }
}

impl EditJobRequest {
    fn apply(self, mut spec: JobSpec) -> Result<JobSpec, ApiError> {
        if let Some(title) = self.title {
            spec.title = input::name("title", &title, 200)?.into_string();
        }
        if let Some(description) = self.description {
            spec.description = input::text("description", &description, 10_000)?;
        }
        if let Some(category) = self.category {
            spec.category = input::name("category", &category, 100)?.into_string();
        }
        if let Some(skills) = self.required_skills {
            spec.required_skills = parse_requirements(&skills)?;
        }
        if let Some(pricing) = self.pricing {
            spec.pricing = pricing.into();
        }
        if let Some(budget) = self.budget {
            spec.budget = budget.parse("budget")?;
        }
        if let Some(due_at) = self.due_at {
            spec.due_at = input::future("due_at", due_at)?;
        }
        if let Some(deliverable_spec) = self.deliverable_spec {
            spec.deliverable_spec = input::text("deliverable_spec", &deliverable_spec, 10_000)?;
        }
        if let Some(team) = self.preferred_team_id {
            spec.preferred_team_id = Some(team);
        }
        Ok(spec)
    }
}

fn parse_requirements(inputs: &[SkillRequirementInput]) -> Result<Vec<SkillRequirement>, ApiError> {
    let mut parsed: Vec<SkillRequirement> = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.iter().enumerate() {
        let requirement = requirements::parse(&format!("required_skills[{index}]"), &input.skill, input.min_level)?;
        if !parsed.iter().any(|r| r.skill == requirement.skill) {
            parsed.push(requirement);
        }
    }
    Ok(parsed)
}

/// Checks that the job's skills are in its centre's catalogue and its preferred team
/// is one of the centre's public teams.
fn ensure_known_to_center(conn: &mut DbConnection, center: CenterId, spec: &JobSpec) -> Result<(), ApiError> {
    let named = spec.required_skills.iter().enumerate().map(|(i, r)| (format!("required_skills[{i}]"), r));
    requirements::ensure_known(conn, center, named)?;
    if let Some(team) = spec.preferred_team_id {
        let public = teams::find(conn, center, TeamId::from(team))?.is_some_and(|t| t.public);
        if !public {
            return Err(ApiError::invalid_field(
                "preferred_team_id",
                "unknown_team",
                "is not a public team of the centre",
            ));
        }
    }
    Ok(())
}

/// The caller's organisation, for creating a job in it.
fn organization_of(actor: Actor) -> Result<yui_domain::OrganizationId, ApiError> {
    access::own_tenant(actor, Action::CreateJob)?;
    match actor.tenant {
        Tenant::Organization(org) => Ok(org),
        Tenant::Center(_) => Err(ApiError::forbidden(format!("Only {} may do this.", Action::CreateJob.who_may()))),
    }
}

/// Create a job (as a draft).
#[utoipa::path(
    tag = tags::JOBS,
    security(("bearer_token" = []), ("api_key" = ["jobs:write"])),
    request_body = CreateJobRequest,
    responses((status = 201, description = "The draft job.", body = JobView))
)]
#[post("/jobs")]
async fn create_job(
    state: web::Data<AppState>,
    bearer: Bearer,
    body: ValidJson<CreateJobRequest>,
) -> Result<HttpResponse, ApiError> {
    let (center, spec) = body.into_inner().parse()?;
    let job = state
        .write_as(bearer, move |conn, actor| {
            let organization = organization_of(actor)?;
            if centers::find(conn, center)?.is_none() {
                return Err(ApiError::invalid_field("center_id", "unknown_center", "no centre has this id"));
            }
            ensure_known_to_center(conn, center, &spec)?;
            let job = jobs::insert(conn, center, organization, actor.user_id, spec.clone())?;
            record_job_event(conn, actor.user_id, &job, "created", None, json!({}))?;
            Ok(job)
        })
        .await?;
    Ok(HttpResponse::Created().json(JobView::new(job, None)))
}

/// List jobs: a client's own, or a centre's posted jobs for its directors.
#[utoipa::path(
    tag = tags::JOBS,
    security(("bearer_token" = []), ("api_key" = ["jobs:read"])),
    params(JobFilterParams, PageParams),
    responses((status = 200, description = "One page of jobs, oldest first.", body = Paginated<JobView>))
)]
#[get("/jobs")]
async fn list_jobs(
    state: web::Data<AppState>,
    bearer: Bearer,
    filter: web::Query<JobFilterParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<JobView>>, ApiError> {
    let page = page.parse()?;
    let status = filter.status.map(JobStatus::from);
    let jobs = state
        .read_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ListJobs)?;
            let scope = match actor.tenant {
                Tenant::Organization(org) => JobScope::Organization(org),
                Tenant::Center(center) => JobScope::Center(center),
            };
            Ok(jobs::list(conn, scope, status, page.after.map(JobId::from), page.limit)?)
        })
        .await?;
    Ok(web::Json(Paginated::from_page(jobs, |job| JobView::new(job, None))))
}

/// Read a job with its progress.
#[utoipa::path(
    tag = tags::JOBS,
    security(("bearer_token" = []), ("api_key" = ["jobs:read"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    responses((status = 200, description = "The job, with task counts and completion.", body = JobView))
)]
#[get("/jobs/{id}")]
async fn get_job(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<JobView>, ApiError> {
    let id = JobId::from(id.into_inner());
    let view = state
        .read_latest(move |conn| {
            let job = access::job_as(conn, &bearer, id, Action::ViewJob)?;
            let counts = jobs::task_counts(conn, job.id)?;
            Ok(JobView::new(job, Some(JobProgress::from_counts(&counts))))
        })
        .await?;
    Ok(web::Json(view))
}

/// Edit a draft job.
#[utoipa::path(
    tag = tags::JOBS,
    security(("bearer_token" = []), ("api_key" = ["jobs:write"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    request_body = EditJobRequest,
    responses(
        (status = 200, description = "The edited job.", body = JobView),
        (status = 409, description = "The job is no longer a draft (`invalid_state`), or changed meanwhile \
            (`version_conflict`).", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/jobs/{id}")]
async fn edit_job(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<EditJobRequest>,
) -> Result<web::Json<JobView>, ApiError> {
    let id = JobId::from(id.into_inner());
    let changes = body.into_inner();
    let job = state
        .write_as(bearer, move |conn, actor| {
            let mut job = access::job(conn, actor, id, Action::DecideAsClient)?;
            job.spec = changes.clone().apply(job.spec)?;
            ensure_known_to_center(conn, job.center_id, &job.spec)?;
            Ok(advance_job(conn, actor.user_id, job, JobAction::Edit, json!({}))?)
        })
        .await?;
    Ok(web::Json(JobView::new(job, None)))
}

/// Post a draft job to its centre.
#[utoipa::path(
    tag = tags::JOBS,
    security(("bearer_token" = []), ("api_key" = ["jobs:write"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    responses(
        (status = 200, description = "The posted job, now visible to the centre's directors.", body = JobView),
        (status = 409, description = "Not a draft (`invalid_state`).", body = crate::error::Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/jobs/{id}/post")]
async fn post_job(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<JobView>, ApiError> {
    let id = JobId::from(id.into_inner());
    let job = state
        .write_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::DecideAsClient)?;
            if job.spec.due_at <= chrono::Utc::now() {
                return Err(ApiError::invalid_field(
                    "due_at",
                    "not_in_future",
                    "the due date has passed; edit it first",
                ));
            }
            Ok(advance_job(conn, actor.user_id, job, JobAction::Post, json!({}))?)
        })
        .await?;
    Ok(web::Json(JobView::new(job, None)))
}

/// Cancel a job before work starts (as a draft, posted, or quoted).
#[utoipa::path(
    tag = tags::JOBS,
    security(("bearer_token" = []), ("api_key" = ["jobs:write"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    responses(
        (status = 200, description = "The cancelled job.", body = JobView),
        (status = 409, description = "Work has started or the job is closed (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/jobs/{id}/cancel")]
async fn cancel_job(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<JobView>, ApiError> {
    let id = JobId::from(id.into_inner());
    let job = state
        .write_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::DecideAsClient)?;
            Ok(advance_job(conn, actor.user_id, job, JobAction::Cancel, json!({}))?)
        })
        .await?;
    Ok(web::Json(JobView::new(job, None)))
}
