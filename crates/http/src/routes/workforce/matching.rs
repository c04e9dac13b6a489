//! Matching people to work: ranked candidates for a task (with the reasons for each
//! rank, and who was excluded and why), an assignment plan for a whole job (a dry run
//! first, then applied in one transaction), and a capacity check before quoting.
//! The rules themselves are in `yui_domain::workforce`; `docs/workforce.md` explains
//! them in a director's words.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::{get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::flow::{TaskAction, TaskStatus};
use yui_domain::workforce::capacity;
use yui_domain::workforce::planning::{self, Placement, PlanTask};
use yui_domain::workforce::ranking::{CandidateFacts, Exclusion};
use yui_domain::{JobId, TaskId, TeamId, UserId};
use yui_store::tasks::{self, Task, TaskFilter, TaskScope};
use yui_store::workforce::Snapshot;
use yui_store::{DbConnection, flow};

use super::candidates::{CandidateView, candidate_views, name_of, needs_of, rank_task};
use crate::access;
use crate::auth::Bearer;
use crate::error::{ApiError, ErrorCode};
use crate::extract::ValidJson;
use crate::input;
use crate::requirements::{self, SkillRequirementView};
use crate::routes::tags;
use crate::state::AppState;
use yui_domain::access::Action;

pub fn configure(config: &mut ServiceConfig) {
    config.service(task_candidates).service(assignment_plan).service(capacity_check);
}

/// A worker who cannot take the task.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExcludedView {
    pub worker_id: Uuid,
    pub display_name: String,
    /// `inactive`, `below_minimum_level` or `not_enough_time`.
    pub reason: String,
    pub detail: String,
}

/// The candidates for a task.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidatesView {
    pub task_id: Uuid,
    pub due_at: DateTime<Utc>,
    pub estimated_minutes: i64,
    pub requirement: Option<SkillRequirementView>,
    /// `centre` (every worker) or `team` (the members of the task's team queue).
    pub pool: String,
    pub candidates: Vec<CandidateView>,
    /// Present when asked for with `include_excluded=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded: Option<Vec<ExcludedView>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidateParams {
    /// How many candidates to return, 1–100 (default 10).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// Also list the workers who cannot take the task, with the reason.
    pub include_excluded: Option<bool>,
}

fn exclusion_code(exclusion: &Exclusion) -> &'static str {
    match exclusion {
        Exclusion::Inactive => "inactive",
        Exclusion::BelowMinimumLevel { .. } => "below_minimum_level",
        Exclusion::NotEnoughTime { .. } => "not_enough_time",
    }
}

/// The workers ranked for a task, with the reasons for each rank (directors).
#[utoipa::path(
    tag = tags::MATCHING,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id."), CandidateParams),
    responses((status = 200, description = "Candidates, best first.", body = CandidatesView))
)]
#[get("/tasks/{id}/candidates")]
async fn task_candidates(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    params: web::Query<CandidateParams>,
) -> Result<web::Json<CandidatesView>, ApiError> {
    let id = TaskId::from(id.into_inner());
    let limit = match params.limit {
        None => 10,
        Some(l @ 1..=100) => usize::try_from(l).unwrap_or(10),
        Some(_) => {
            return Err(ApiError::bad_request(ErrorCode::InvalidQueryParameter, "`limit` must be between 1 and 100."));
        }
    };
    let include_excluded = params.include_excluded.unwrap_or(false);
    let rosters = Arc::clone(&state.rosters);
    let view = state
        .read_as(bearer, move |conn, actor| {
            let (task, job) = access::task(conn, actor, id, Action::ManageTask)?;
            let center = access::actor_centre(conn, actor)?;
            let now = Utc::now();
            let roster = rosters.current(conn, &center, now)?;
            // Only qualified workers can be candidates; everyone is loaded only when the
            // excluded workers are asked for too.
            let qualified = if include_excluded { None } else { task.spec.requirement.as_ref() };
            let snapshot = Snapshot::load(conn, roster, now, qualified)?;
            let (ranked, excluded) = rank_task(&snapshot, &task, &job, None);
            Ok(CandidatesView {
                task_id: task.id.as_uuid(),
                due_at: task.spec.due_at,
                estimated_minutes: task.spec.estimated_minutes,
                requirement: task.spec.requirement.clone().map(Into::into),
                pool: if task.team_id.is_some() { "team" } else { "centre" }.into(),
                candidates: candidate_views(&snapshot.roster, &task, ranked, limit),
                excluded: include_excluded.then(|| {
                    excluded
                        .into_iter()
                        .map(|(worker, why)| ExcludedView {
                            worker_id: worker.as_uuid(),
                            display_name: name_of(&snapshot.roster, worker),
                            reason: exclusion_code(&why).into(),
                            detail: why.describe(),
                        })
                        .collect()
                }),
            })
        })
        .await?;
    Ok(web::Json(view))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// `false` (the default) only proposes; `true` assigns as proposed.
    #[serde(default)]
    pub apply: bool,
}

/// One proposed assignment.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlannedAssignment {
    pub task_id: Uuid,
    pub task_title: String,
    pub worker_id: Uuid,
    pub display_name: String,
    pub score: f64,
}

/// A task the plan could not place.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnplacedTask {
    pub task_id: Uuid,
    pub task_title: String,
    /// Why nobody fits, e.g. "3 below the minimum level, 2 without enough time".
    pub reason: String,
}

/// An assignment plan for a job's open tasks.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub job_id: Uuid,
    /// Whether the assignments were made (`apply: true`) or only proposed.
    pub applied: bool,
    pub assignments: Vec<PlannedAssignment>,
    pub unplaced: Vec<UnplacedTask>,
}

/// Candidate facts per (due date, team pool): tasks sharing both share the facts.
type FactsByDueDate = HashMap<(DateTime<Utc>, Option<TeamId>), Vec<CandidateFacts<UserId>>>;

fn summarise(excluded: &[(UserId, Exclusion)]) -> String {
    if excluded.is_empty() {
        return "no workers in the pool".into();
    }
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for (_, why) in excluded {
        let label = match why {
            Exclusion::Inactive => "deactivated",
            Exclusion::BelowMinimumLevel { .. } => "below the minimum level",
            Exclusion::NotEnoughTime { .. } => "without enough time before the due date",
        };
        match counts.iter_mut().find(|(l, _)| *l == label) {
            Some((_, n)) => *n += 1,
            None => counts.push((label, 1)),
        }
    }
    format!("nobody fits: {}", counts.iter().map(|(l, n)| format!("{n} {l}")).collect::<Vec<_>>().join(", "))
}

/// Plan the assignment of a job's open tasks (directors): soonest due first, each to
/// the best candidate whose windows and caps still have room after the tasks planned
/// before it. Dry run unless `apply` is `true`.
#[utoipa::path(
    tag = tags::MATCHING,
    security(("bearer_token" = []), ("api_key" = ["jobs:write"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    request_body = PlanRequest,
    responses((status = 200, description = "The plan (and whether it was applied).", body = PlanView))
)]
#[post("/jobs/{id}/assignment-plan")]
async fn assignment_plan(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<PlanRequest>,
) -> Result<web::Json<PlanView>, ApiError> {
    let id = JobId::from(id.into_inner());
    let apply = body.into_inner().apply;
    let rosters = Arc::clone(&state.rosters);
    let run = move |conn: &mut DbConnection, actor: yui_domain::Actor| -> Result<PlanView, ApiError> {
        let job = access::job(conn, actor, id, Action::RunJob)?;
        let mut open = Vec::new();
        let mut after = None;
        loop {
            let filter = TaskFilter { status: Some(TaskStatus::Open), ..TaskFilter::default() };
            let page = tasks::list(
                conn,
                TaskScope::Job(job.id),
                filter,
                after,
                yui_domain::PageLimit::new(100).unwrap_or(yui_domain::PageLimit::DEFAULT),
            )?;
            open.extend(page.items);
            match page.next_after {
                Some(next) => after = Some(TaskId::from(next)),
                None => break,
            }
        }
        let center = access::actor_centre(conn, actor)?;
        let now = Utc::now();
        // Nothing is written before the roster is read (see RosterCache::current).
        let roster = rosters.current(conn, &center, now)?;
        let snapshot = Snapshot::load(conn, roster, now, None)?;
        let preferred = job.spec.preferred_team_id.map(TeamId::from);
        let by_id: HashMap<TaskId, Task> = open.iter().map(|task| (task.id, task.clone())).collect();
        let to_plan =
            open.iter().map(|task| PlanTask { id: task.id, due_at: task.spec.due_at, needs: needs_of(task) }).collect();
        // Tasks with the same due date and pool share their facts but for the level.
        let mut facts_cache: FactsByDueDate = HashMap::new();
        let placements = planning::plan(to_plan, |planned| {
            let task = &by_id[&planned.id];
            let base = facts_cache
                .entry((task.spec.due_at, task.team_id))
                .or_insert_with(|| snapshot.candidate_facts(None, now, task.spec.due_at, task.team_id, preferred));
            let skill = task.spec.requirement.as_ref();
            base.iter()
                .cloned()
                .map(|mut facts| {
                    facts.level = skill.and_then(|r| snapshot.level(facts.worker, &r.skill));
                    facts
                })
                .collect()
        });
        let mut to_assign = Vec::new();
        let mut plan =
            PlanView { job_id: job.id.as_uuid(), applied: apply, assignments: Vec::new(), unplaced: Vec::new() };
        for (planned, placement) in placements {
            let task = &by_id[&planned.id];
            match placement {
                Placement::Placed(best) => {
                    plan.assignments.push(PlannedAssignment {
                        task_id: task.id.as_uuid(),
                        task_title: task.spec.title.clone(),
                        worker_id: best.worker.as_uuid(),
                        display_name: name_of(&snapshot.roster, best.worker),
                        score: best.score,
                    });
                    if apply {
                        let mut task = task.clone();
                        task.assignee_id = Some(best.worker);
                        to_assign.push((task, best.score));
                    }
                }
                Placement::Unplaced(excluded) => plan.unplaced.push(UnplacedTask {
                    task_id: task.id.as_uuid(),
                    task_title: task.spec.title.clone(),
                    reason: summarise(&excluded),
                }),
            }
        }
        // The plan's workers are locked first, in the one order (`yui_store::locks`),
        // so two plans applied at once cannot deadlock.
        let _locks = yui_store::locks::workers(conn, to_assign.iter().filter_map(|(task, _)| task.assignee_id))?;
        for (task, score) in to_assign {
            let worker = task.assignee_id.map(|w| w.to_string());
            let details = json!({"assignee_id": worker, "plan": true, "score": score});
            flow::advance_task(conn, actor.user_id, task, TaskAction::Assign, details)?;
        }
        Ok(plan)
    };
    let plan = if apply { state.write_as(bearer, run).await? } else { state.read_as(bearer, run).await? };
    Ok(web::Json(plan))
}

/// Hours needed in one skill.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillNeed {
    /// A skill's slug in the centre's catalogue.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, example = "hd-map-editing")]
    pub skill: String,
    /// The minimum level the work needs, 1–5; 1 when omitted.
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub min_level: Option<i64>,
    /// Hours of work needed in this skill (0.1 to 100 000).
    #[validate(range(min = 0.1, max = 100_000.0))]
    #[schema(minimum = 0.1, maximum = 100000)]
    pub hours: f64,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityRequest {
    /// The work the job needs, per skill (1 to 20 skills).
    #[validate(length(min = 1, max = 20), nested)]
    #[schema(min_items = 1, max_items = 20)]
    pub needs: Vec<SkillNeed>,
    /// Until when (in the future); the job's due date when omitted.
    pub due_at: Option<DateTime<Utc>>,
}

/// One skill's need against the qualified workers' free time.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkillCapacityView {
    pub skill: String,
    pub min_level: u8,
    pub needed_hours: f64,
    pub available_hours: f64,
    /// Active workers at or above the level.
    pub qualified_workers: u32,
    pub covered: bool,
}

/// Whether the centre can do the work in time.
#[derive(Debug, Serialize, ToSchema)]
pub struct CapacityView {
    pub feasible: bool,
    /// The skill with the least free time relative to its need.
    pub bottleneck: Option<String>,
    pub due_at: DateTime<Utc>,
    pub total_needed_hours: f64,
    /// Free time of everyone qualified for any needed skill, each counted once.
    pub total_available_hours: f64,
    pub skills: Vec<SkillCapacityView>,
}

fn hours(minutes: u32) -> f64 {
    yui_domain::workforce::hours(i64::from(minutes))
}

/// Can the centre do this work before the due date? (directors, before quoting)
#[utoipa::path(
    tag = tags::MATCHING,
    security(("bearer_token" = []), ("api_key" = ["jobs:write"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    request_body = CapacityRequest,
    responses((status = 200, description = "Feasible or not, and the bottleneck skill.", body = CapacityView))
)]
#[post("/jobs/{id}/capacity-check")]
async fn capacity_check(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<CapacityRequest>,
) -> Result<web::Json<CapacityView>, ApiError> {
    let id = JobId::from(id.into_inner());
    let body = body.into_inner();
    let needs = body
        .needs
        .iter()
        .enumerate()
        .map(|(i, need)| {
            let requirement = requirements::parse(&format!("needs[{i}]"), &need.skill, need.min_level)?;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let minutes = (need.hours * 60.0).round() as u32;
            Ok((requirement, minutes))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let due_at = body.due_at.map(|at| input::future("due_at", at)).transpose()?;
    let rosters = Arc::clone(&state.rosters);
    let view = state
        .read_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::RunJob)?;
            let due_at = due_at.unwrap_or(job.spec.due_at);
            let named = needs.iter().enumerate().map(|(i, (r, _))| (format!("needs[{i}]"), r));
            requirements::ensure_known(conn, job.center_id, named)?;
            let center = access::actor_centre(conn, actor)?;
            let now = Utc::now();
            let roster = rosters.current(conn, &center, now)?;
            let snapshot = Snapshot::load(conn, roster, now, None)?;
            let free: HashMap<UserId, u32> = snapshot
                .workers()
                .filter(|w| w.active)
                .map(|w| (w.id, snapshot.free_minutes(w.id, now, due_at)))
                .collect();
            let (skills, verdict) = capacity::check(&needs, &free, |worker, skill| snapshot.level(worker, skill));
            Ok(CapacityView {
                feasible: verdict.feasible,
                bottleneck: verdict.bottleneck,
                due_at,
                total_needed_hours: hours(verdict.total_needed_minutes),
                total_available_hours: hours(verdict.total_available_minutes),
                skills: skills
                    .into_iter()
                    .zip(&needs)
                    .map(|(s, (requirement, _))| SkillCapacityView {
                        covered: s.covered(),
                        skill: s.skill,
                        min_level: requirement.min_level.get(),
                        needed_hours: hours(s.needed_minutes),
                        available_hours: hours(s.available_minutes),
                        qualified_workers: s.qualified_workers,
                    })
                    .collect(),
            })
        })
        .await?;
    Ok(web::Json(view))
}
