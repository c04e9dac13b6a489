//! Teams and team queues.
//!
//! Directors create teams and manage members (`member` or `reviewer`; a worker can be
//! in several teams). A task can be given to a team instead of a person: it waits in
//! the team's queue until a member claims it (of two members claiming at once, exactly
//! one wins). A member can release a claimed task back to the queue with a hand-off
//! note, which stays with the task (as a comment and in its history). Reviewers may
//! check their team's submissions, never their own.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::flow::TaskAction;
use yui_domain::{TaskId, TeamId, UserId};
use yui_store::comments::{self, Thread};
use yui_store::tasks::{self, TaskFilter, TaskScope};
use yui_store::teams::{self, Membership, Team, TeamRole};
use yui_store::{DbConnection, flow, users, worker_stats};

use crate::access::{self, Named};
use crate::auth::Bearer;
use crate::error::{ApiError, ErrorCode};
use crate::extract::ValidJson;
use crate::flow::{act_on_task, task_views};
use crate::flow_views::TaskView;
use crate::input;
use crate::pagination::{PageParams, Paginated};
use crate::quality::QualityView;
use crate::routes::tags;
use crate::state::AppState;
use yui_domain::access::Action;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_team)
        .service(list_teams)
        .service(get_team)
        .service(set_member)
        .service(remove_member)
        .service(team_queue)
        .service(team_quality)
        .service(queue_for_team)
        .service(claim_task)
        .service(release_task);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamRequest {
    #[validate(length(min = 1, max = 100))]
    #[schema(
        min_length = 1,
        max_length = 100,
        example = "Map team",
        pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*[^\\s\\x00-\\x1F\\x7F-\\x9F][^\\x00-\\x1F\\x7F-\\x9F]*$"
    )]
    pub name: String,
    /// Shown on the public showcase when the team is public.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000, pattern = "^[^\\x00]*$")]
    #[serde(default)]
    pub description: String,
    /// List the team on the centre's public showcase.
    #[serde(default)]
    pub public: bool,
}

/// A member's role in a team.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TeamRoleName {
    /// Claims and does the team's tasks.
    Member,
    /// Also reviews the team's submissions (never their own).
    Reviewer,
}

impl From<TeamRole> for TeamRoleName {
    fn from(role: TeamRole) -> Self {
        match role {
            TeamRole::Member => Self::Member,
            TeamRole::Reviewer => Self::Reviewer,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberRequest {
    pub role: TeamRoleName,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueRequest {
    /// A team of the task's centre.
    pub team_id: Uuid,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseRequest {
    /// What the next person needs to know: what is done, what is left.
    #[validate(length(min = 1, max = 5000))]
    #[schema(
        min_length = 1,
        max_length = 5000,
        example = "Photos 1–12 boxed; 13–20 left.",
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub note: String,
}

/// A team member.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub worker_id: Uuid,
    pub display_name: String,
    pub role: TeamRoleName,
    pub joined_at: DateTime<Utc>,
}

/// A team.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamView {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub public: bool,
    pub members: Vec<MemberView>,
    pub created_at: DateTime<Utc>,
}

fn team_view(conn: &mut DbConnection, team: Team) -> Result<TeamView, ApiError> {
    let members = teams::members(conn, team.id)?
        .into_iter()
        .map(|m: Membership| {
            let name = users::find(conn, m.worker_id)?.map(|u| u.display_name).unwrap_or_default();
            Ok(MemberView {
                worker_id: m.worker_id.as_uuid(),
                display_name: name,
                role: m.role.into(),
                joined_at: m.joined_at,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(TeamView {
        id: team.id.as_uuid(),
        name: team.name,
        description: team.description,
        public: team.public,
        members,
        created_at: team.created_at,
    })
}

/// Create a team (directors).
#[utoipa::path(
    tag = tags::TEAMS,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    request_body = TeamRequest,
    responses(
        (status = 201, description = "The new team.", body = TeamView),
        (status = 409, description = "The centre has a team of that name (`team_exists`).", body = crate::error::Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/teams")]
async fn create_team(
    state: web::Data<AppState>,
    bearer: Bearer,
    body: ValidJson<TeamRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let name = input::name("name", &body.name, 100)?;
    let description = input::text("description", &body.description, 2000)?;
    let view = state
        .write_as(bearer, move |conn, actor| {
            let center = access::own_centre(actor, Action::CreateTeam)?;
            let team = teams::insert(conn, center, name.as_str(), &description, body.public).map_err(|e| match e {
                yui_store::StoreError::Conflict { .. } => {
                    ApiError::new(ErrorCode::TeamExists, "The centre already has a team of that name.")
                }
                other => other.into(),
            })?;
            team_view(conn, team)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Your centre's teams (directors see all; workers see theirs).
#[utoipa::path(
    tag = tags::TEAMS,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    responses((status = 200, description = "Teams by name, with members.", body = Vec<TeamView>))
)]
#[get("/teams")]
async fn list_teams(state: web::Data<AppState>, bearer: Bearer) -> Result<web::Json<Vec<TeamView>>, ApiError> {
    let views = state
        .read_as(bearer, |conn, actor| {
            let center = access::own_centre(actor, Action::ListTeams)?;
            let mut views = Vec::new();
            for team in teams::list(conn, center, false)? {
                if access::may(conn, actor, &team, Action::ViewTeam)? {
                    views.push(team_view(conn, team)?);
                }
            }
            Ok(views)
        })
        .await?;
    Ok(web::Json(views))
}

/// A team with its members (its directors and members).
#[utoipa::path(
    tag = tags::TEAMS,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("id" = Uuid, Path, description = "The team's id.")),
    responses((status = 200, description = "The team.", body = TeamView))
)]
#[get("/teams/{id}")]
async fn get_team(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<TeamView>, ApiError> {
    let id = TeamId::from(id.into_inner());
    let view = state
        .read_as(bearer, move |conn, actor| {
            let team = access::team(conn, actor, id, Action::ViewTeam)?;
            team_view(conn, team)
        })
        .await?;
    Ok(web::Json(view))
}

/// Add a worker to a team, or change their role (directors).
#[utoipa::path(
    tag = tags::TEAMS,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    params(("id" = Uuid, Path, description = "The team's id."), ("worker_id" = Uuid, Path, description = "The worker's id.")),
    request_body = MemberRequest,
    responses((status = 200, description = "The team, with its members.", body = TeamView))
)]
#[put("/teams/{id}/members/{worker_id}")]
async fn set_member(
    state: web::Data<AppState>,
    bearer: Bearer,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<MemberRequest>,
) -> Result<web::Json<TeamView>, ApiError> {
    let (team, worker) = path.into_inner();
    let role = match body.into_inner().role {
        TeamRoleName::Member => TeamRole::Member,
        TeamRoleName::Reviewer => TeamRole::Reviewer,
    };
    let view = state
        .write_as(bearer, move |conn, actor| {
            let team = access::team(conn, actor, TeamId::from(team), Action::ManageTeam)?;
            let worker = access::active_worker(conn, team.center_id, UserId::from(worker), Named::Path)?;
            let locks = yui_store::locks::workers(conn, [worker.id])?;
            teams::set_member(conn, &locks, &team, worker.id, role)?;
            team_view(conn, team)
        })
        .await?;
    Ok(web::Json(view))
}

/// Remove a worker from a team (directors).
#[utoipa::path(
    tag = tags::TEAMS,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    params(("id" = Uuid, Path, description = "The team's id."), ("worker_id" = Uuid, Path, description = "The worker's id.")),
    responses((status = 204, description = "Removed."))
)]
#[delete("/teams/{id}/members/{worker_id}")]
async fn remove_member(
    state: web::Data<AppState>,
    bearer: Bearer,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (team, worker) = path.into_inner();
    state
        .write_as(bearer, move |conn, actor| {
            let team = access::team(conn, actor, TeamId::from(team), Action::ManageTeam)?;
            let worker = UserId::from(worker);
            let locks = yui_store::locks::workers(conn, [worker])?;
            if teams::remove_member(conn, &locks, team.id, worker)? {
                Ok(())
            } else {
                Err(ApiError::not_found("member"))
            }
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The team's queue: open tasks waiting for a member to claim them (its directors
/// and members).
#[utoipa::path(
    tag = tags::TEAMS,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("id" = Uuid, Path, description = "The team's id."), PageParams),
    responses((status = 200, description = "One page of queued tasks, oldest first.", body = Paginated<TaskView>))
)]
#[get("/teams/{id}/queue")]
async fn team_queue(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<TaskView>>, ApiError> {
    let id = TeamId::from(id.into_inner());
    let page = page.parse()?;
    let views = state
        .read_as(bearer, move |conn, actor| {
            let team = access::team(conn, actor, id, Action::ViewTeam)?;
            let queued = tasks::list(
                conn,
                TaskScope::TeamQueue(team.id),
                TaskFilter::default(),
                page.after.map(TaskId::from),
                page.limit,
            )?;
            Ok(yui_store::Page { items: task_views(conn, queued.items)?, next_after: queued.next_after })
        })
        .await?;
    Ok(web::Json(Paginated::from_page(views, |view| view)))
}

/// A team's quality record: its current members' records added up (directors).
#[utoipa::path(
    tag = tags::TEAMS,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("id" = Uuid, Path, description = "The team's id.")),
    responses((status = 200, description = "The team's quality record.", body = QualityView))
)]
#[get("/teams/{id}/quality")]
async fn team_quality(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<QualityView>, ApiError> {
    let id = TeamId::from(id.into_inner());
    let counts = state
        .read_as(bearer, move |conn, actor| {
            let team = access::team(conn, actor, id, Action::ViewTeamQuality)?;
            let mut total = yui_domain::workforce::QualityCounts::default();
            for member in teams::members(conn, team.id)? {
                total += worker_stats::of(conn, member.worker_id)?;
            }
            Ok(total)
        })
        .await?;
    Ok(web::Json(counts.into()))
}

/// Give an open task to a team's queue instead of a person (directors).
#[utoipa::path(
    tag = tags::TEAMS,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    request_body = QueueRequest,
    responses(
        (status = 200, description = "The task, in the team's queue.", body = TaskView),
        (status = 409, description = "The task is not open (`invalid_state`).", body = crate::error::Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/queue-for-team")]
async fn queue_for_team(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<QueueRequest>,
) -> Result<web::Json<TaskView>, ApiError> {
    let id = TaskId::from(id.into_inner());
    let team = TeamId::from(body.into_inner().team_id);
    act_on_task(&state, bearer, id, Action::ManageTask, move |conn, actor, mut task, _| {
        let team = teams::find(conn, task.center_id, team)?
            .ok_or_else(|| ApiError::invalid_field("team_id", "unknown_team", "is not a team of this centre"))?;
        task.team_id = Some(team.id);
        let task = flow::advance_task(
            conn,
            actor.user_id,
            task,
            TaskAction::QueueForTeam,
            json!({"team_id": team.id.to_string()}),
        )?;
        Ok(task)
    })
    .await
}

/// Claim a task from your team's queue (team members). Of two members claiming the
/// same task at once, exactly one succeeds; the other gets `409`.
#[utoipa::path(
    tag = tags::TEAMS,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    responses(
        (status = 200, description = "The task, now assigned to you.", body = TaskView),
        (status = 409, description = "Already claimed (`invalid_state` or `version_conflict`).", body = crate::error::Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/claim")]
async fn claim_task(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<TaskView>, ApiError> {
    let id = TaskId::from(id.into_inner());
    act_on_task(&state, bearer, id, Action::ClaimTask, move |conn, actor, mut task, _| {
        if task.team_id.is_none() {
            return Err(ApiError::new(ErrorCode::Conflict, "Only tasks in a team's queue can be claimed."));
        }
        task.assignee_id = Some(actor.user_id);
        let task = flow::advance_task(
            conn,
            actor.user_id,
            task,
            TaskAction::Claim,
            json!({"assignee_id": actor.user_id.to_string()}),
        )?;
        Ok(task)
    })
    .await
}

/// Hand a claimed task back to your team's queue, with a note for whoever takes it
/// next (its worker). The note stays with the task.
#[utoipa::path(
    tag = tags::TEAMS,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    request_body = ReleaseRequest,
    responses(
        (status = 200, description = "The task, back in the team's queue.", body = TaskView),
        (status = 409, description = "The task cannot be released now (`invalid_state`).", body = crate::error::Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/release")]
async fn release_task(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<ReleaseRequest>,
) -> Result<web::Json<TaskView>, ApiError> {
    let id = TaskId::from(id.into_inner());
    let note = input::required_text("note", &body.into_inner().note, 5000)?;
    act_on_task(&state, bearer, id, Action::WorkOnTask, move |conn, actor, task, _| {
        if task.team_id.is_none() {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "Only team tasks go back to a queue; ask a director to reassign it.",
            ));
        }
        let thread = Thread { center_id: task.center_id, job_id: task.job_id, task_id: Some(task.id) };
        comments::insert(conn, thread, actor.user_id, &format!("Hand-off: {note}"))?;
        let task = flow::advance_task(conn, actor.user_id, task, TaskAction::Release, json!({"hand_off_note": note}))?;
        Ok(task)
    })
    .await
}
