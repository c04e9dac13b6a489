//! The skill catalogue and workers' levels.
//!
//! Each centre keeps a catalogue of skills (data annotation, HD-map editing,
//! bookkeeping…). Directors set a worker's level in a skill (1–5) with an evidence
//! note; every assessment is kept and readable. Clients read the catalogue publicly
//! to say which skills a job needs.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::text::Slug;
use yui_domain::workforce::Level;
use yui_domain::{CenterId, UserId};
use yui_store::skills::{self, Assessment, NewAssessment, Skill};
use yui_store::{DbConnection, centers};

use crate::access;
use crate::auth::Bearer;
use crate::error::{ApiError, ErrorCode};
use crate::extract::ValidJson;
use crate::input;
use crate::routes::tags;
use crate::state::AppState;
use yui_domain::access::Action;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_skill)
        .service(list_skills)
        .service(public_skills)
        .service(assess_worker)
        .service(worker_levels)
        .service(worker_level_history);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillRequest {
    /// A short unique name: 2–50 of `a-z`, `0-9`, `-`, not starting or ending with `-`.
    #[validate(length(min = 2, max = 50))]
    #[schema(
        min_length = 2,
        max_length = 50,
        pattern = "^[a-z0-9][a-z0-9-]{0,48}[a-z0-9]$",
        example = "hd-map-editing"
    )]
    pub slug: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(
        min_length = 1,
        max_length = 100,
        example = "HD-map editing",
        pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*[^\\s\\x00-\\x1F\\x7F-\\x9F][^\\x00-\\x1F\\x7F-\\x9F]*$"
    )]
    pub name: String,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000, pattern = "^[^\\x00]*$")]
    #[serde(default)]
    pub description: String,
}

/// A skill of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkillView {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

impl From<Skill> for SkillView {
    fn from(skill: Skill) -> Self {
        Self { slug: skill.slug, name: skill.name, description: skill.description, created_at: skill.created_at }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentRequest {
    /// 1 (beginner) to 5 (expert).
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub level: i64,
    /// What the level is based on (a test, a review of past work, an interview).
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "Passed the lane-marking test with 2 errors in 200.",
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub evidence: String,
}

/// One assessment of a worker's level.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentView {
    pub id: Uuid,
    pub worker_id: Uuid,
    pub skill: String,
    pub level: u8,
    pub evidence: String,
    /// The director who assessed.
    pub assessed_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl From<Assessment> for AssessmentView {
    fn from(a: Assessment) -> Self {
        Self {
            id: a.id,
            worker_id: a.worker_id.as_uuid(),
            skill: a.skill,
            level: a.level.get(),
            evidence: a.evidence,
            assessed_by: a.assessed_by.as_uuid(),
            created_at: a.created_at,
        }
    }
}

/// A worker's current level in one skill.
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelView {
    pub skill: String,
    pub level: u8,
    /// When it was last assessed.
    pub assessed_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// Only this skill's assessments.
    #[param(max_length = 50)]
    pub skill: Option<String>,
}

/// A skill slug from the path or the query string: malformed is `400`, like every
/// other bad path or query value.
fn slug_param(code: ErrorCode, raw: &str) -> Result<String, ApiError> {
    yui_domain::text::Name::parse(raw, 50)
        .map(yui_domain::text::Name::into_string)
        .map_err(|e| ApiError::bad_request(code, format!("`skill`: {e}.")))
}

fn ensure_skill(conn: &mut DbConnection, center: CenterId, skill: &str) -> Result<(), ApiError> {
    if skills::missing(conn, center, &[skill.to_owned()])?.is_empty() {
        Ok(())
    } else {
        Err(ApiError::not_found("skill"))
    }
}

/// Add a skill to your centre's catalogue (directors).
#[utoipa::path(
    tag = tags::SKILLS,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    request_body = SkillRequest,
    responses(
        (status = 201, description = "The new skill.", body = SkillView),
        (status = 409, description = "The slug is taken (`skill_exists`).", body = crate::error::Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/skills")]
async fn create_skill(
    state: web::Data<AppState>,
    bearer: Bearer,
    body: ValidJson<SkillRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let slug = Slug::parse(&body.slug).map_err(|e| ApiError::invalid_field("slug", "invalid_slug", e))?;
    let name = input::name("name", &body.name, 100)?;
    let description = input::text("description", &body.description, 2000)?;
    let skill = state
        .write_as(bearer, move |conn, actor| {
            let center = access::own_centre(actor, Action::EditCatalogue)?;
            skills::insert(conn, center, slug.as_str(), name.as_str(), &description).map_err(|e| match e {
                yui_store::StoreError::Conflict { .. } => {
                    ApiError::new(ErrorCode::SkillExists, "The catalogue already has this slug.")
                }
                other => other.into(),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(SkillView::from(skill)))
}

/// Your centre's skill catalogue (its people: admins, directors and workers).
#[utoipa::path(
    tag = tags::SKILLS,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    responses((status = 200, description = "Every skill, by slug.", body = Vec<SkillView>))
)]
#[get("/skills")]
async fn list_skills(state: web::Data<AppState>, bearer: Bearer) -> Result<web::Json<Vec<SkillView>>, ApiError> {
    let list = state
        .read_as(bearer, |conn, actor| Ok(skills::list(conn, access::own_centre(actor, Action::ViewCatalogue)?)?))
        .await?;
    Ok(web::Json(list.into_iter().map(SkillView::from).collect()))
}

/// A centre's skill catalogue (public, no authentication).
#[utoipa::path(
    tag = tags::PUBLIC,
    params(("id" = Uuid, Path, description = "The centre's id.")),
    responses((status = 200, description = "Every skill, by slug.", body = Vec<SkillView>))
)]
#[get("/public/centers/{id}/skills")]
async fn public_skills(state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<web::Json<Vec<SkillView>>, ApiError> {
    let center = CenterId::from(id.into_inner());
    let list = state
        .read(move |conn| {
            centers::find(conn, center)?.ok_or_else(|| ApiError::not_found("centre"))?;
            Ok(skills::list(conn, center)?)
        })
        .await?;
    Ok(web::Json(list.into_iter().map(SkillView::from).collect()))
}

/// Set a worker's level in a skill, with evidence (directors). The previous levels
/// stay in the history.
#[utoipa::path(
    tag = tags::SKILLS,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    params(
        ("id" = Uuid, Path, description = "The worker's id."),
        ("skill" = String, Path, description = "The skill's slug."),
    ),
    request_body = AssessmentRequest,
    responses((status = 200, description = "The recorded assessment, now the current level.", body = AssessmentView))
)]
#[put("/workers/{id}/skills/{skill}")]
async fn assess_worker(
    state: web::Data<AppState>,
    bearer: Bearer,
    path: web::Path<(Uuid, String)>,
    body: ValidJson<AssessmentRequest>,
) -> Result<web::Json<AssessmentView>, ApiError> {
    let (worker, skill) = path.into_inner();
    let skill = slug_param(ErrorCode::InvalidPathParameter, &skill)?;
    let body = body.into_inner();
    let level = Level::new(body.level).map_err(|e| ApiError::invalid_field("level", "range", e))?;
    let evidence = input::required_text("evidence", &body.evidence, 2000)?;
    let assessment = state
        .write_as(bearer, move |conn, actor| {
            let worker = access::worker(conn, actor, UserId::from(worker), Action::AssessSkill)?;
            let yui_domain::Tenant::Center(center) = worker.tenant else { return Err(ApiError::not_found("worker")) };
            ensure_skill(conn, center, &skill)?;
            let locks = yui_store::locks::workers(conn, [worker.id])?;
            Ok(skills::assess(
                conn,
                &locks,
                center,
                NewAssessment {
                    worker: worker.id,
                    skill: &skill,
                    level,
                    evidence: &evidence,
                    assessed_by: actor.user_id,
                },
            )?)
        })
        .await?;
    Ok(web::Json(assessment.into()))
}

/// A worker's current levels (the worker and the centre's directors).
#[utoipa::path(
    tag = tags::SKILLS,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("id" = Uuid, Path, description = "The worker's id.")),
    responses((status = 200, description = "Current levels, by skill.", body = Vec<LevelView>))
)]
#[get("/workers/{id}/skills")]
async fn worker_levels(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<LevelView>>, ApiError> {
    let id = UserId::from(id.into_inner());
    let levels = state
        .read_as(bearer, move |conn, actor| {
            let worker = access::worker(conn, actor, id, Action::ViewWorker)?;
            Ok(skills::current_levels(conn, worker.id)?)
        })
        .await?;
    Ok(web::Json(
        levels
            .into_iter()
            .map(|(skill, level, assessed_at)| LevelView { skill, level: level.get(), assessed_at })
            .collect(),
    ))
}

/// Every assessment of a worker, oldest first (the worker and the centre's directors).
#[utoipa::path(
    tag = tags::SKILLS,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("id" = Uuid, Path, description = "The worker's id."), HistoryParams),
    responses((status = 200, description = "The assessment history.", body = Vec<AssessmentView>))
)]
#[get("/workers/{id}/skills-history")]
async fn worker_level_history(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    params: web::Query<HistoryParams>,
) -> Result<web::Json<Vec<AssessmentView>>, ApiError> {
    let id = UserId::from(id.into_inner());
    let skill = params.into_inner().skill.map(|s| slug_param(ErrorCode::InvalidQueryParameter, &s)).transpose()?;
    let history = state
        .read_as(bearer, move |conn, actor| {
            let worker = access::worker(conn, actor, id, Action::ViewWorker)?;
            Ok(skills::history(conn, worker.id, skill.as_deref())?)
        })
        .await?;
    Ok(web::Json(history.into_iter().map(AssessmentView::from).collect()))
}
