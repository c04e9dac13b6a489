//! Team cover: when a worker can no longer finish a task in time (an absence, too
//! much work), the task is *at risk*. Directors see every at-risk task with
//! substitute candidates, and cover it in one call: reassign it to a substitute, or
//! send it back to its team's queue (or to open). Every step is an event; a task
//! never silently drops.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::{get, post, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::flow::TaskAction;
use yui_domain::workforce::risk;
use yui_domain::{TaskId, TeamId, UserId};
use yui_store::jobs::Job;
use yui_store::tasks::Task;
use yui_store::workforce::Opening;
use yui_store::{flow, substitutes, tasks};

use super::candidates::{CandidateView, candidate_views, needs_of};
use crate::access::{self, Named};
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::flow::act_on_task;
use crate::flow_views::TaskView;
use crate::input;
use crate::pagination::{Paginated, TimedPageParams, timed_cursor};
use crate::routes::tags;
use crate::state::AppState;
use yui_domain::access::Action;

pub fn configure(config: &mut ServiceConfig) {
    config.service(at_risk).service(cover_task);
}

/// How many substitutes an at-risk task shows.
const SUBSTITUTES: usize = 3;

/// A task its worker can no longer finish in time.
#[derive(Debug, Serialize, ToSchema)]
pub struct AtRiskView {
    pub task: TaskView,
    /// Minutes of the worker's work due by this task's due date (this task included).
    pub needed_minutes: u32,
    /// Minutes the worker can work before the due date.
    pub available_minutes: u32,
    /// The best three other workers who could take it.
    pub substitutes: Vec<CandidateView>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoverRequest {
    /// Give the task to this worker; omit to send it back to its team's queue (or
    /// to open, if it has no team).
    pub worker_id: Option<Uuid>,
    /// Why, for the history and the task's thread.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000, pattern = "^[^\\x00]*$")]
    #[serde(default)]
    pub note: String,
}

/// The centre's tasks at risk, soonest due first, with substitutes (directors).
/// Paged like every list; the cursor is the last task of the previous page, and the
/// next page starts after its due date and id.
#[utoipa::path(
    tag = tags::DASHBOARD,
    security(("bearer_token" = []), ("api_key" = ["tasks:read"])),
    params(TimedPageParams),
    responses((status = 200, description = "At-risk tasks, soonest due first.", body = Paginated<AtRiskView>))
)]
#[get("/at-risk")]
async fn at_risk(
    state: web::Data<AppState>,
    bearer: Bearer,
    page: web::Query<TimedPageParams>,
) -> Result<web::Json<Paginated<AtRiskView>>, ApiError> {
    let page = page.parse()?;
    let rosters = Arc::clone(&state.rosters);
    let views = state
        .read_as(bearer, move |conn, actor| {
            let center = access::own_centre_row(conn, actor, Action::ViewCentreWork)?;
            let after = page.after.map(|(due_at, id)| (due_at, TaskId::from(id)));
            let now = Utc::now();
            let roster = rosters.current(conn, &center, now)?;
            let commitments = tasks::commitments(conn, center.id)?;
            let committed = risk::committed_minutes(&commitments);
            let risky = risk::at_risk(|w| roster.schedule(w), commitments, now);
            let (items, next) = risk::page(risky, after, page.limit);
            if items.is_empty() {
                return Ok(Paginated { items: Vec::new(), next_cursor: None });
            }
            let ids: Vec<TaskId> = items.iter().map(|risk| risk.commitment.task_id).collect();
            let mut found: HashMap<TaskId, (Task, Job)> =
                tasks::find_many_with_jobs(conn, &ids)?.into_iter().map(|(task, job)| (task.id, (task, job))).collect();
            let mut page_tasks = Vec::with_capacity(items.len());
            for id in ids {
                let (task, job) = found.remove(&id).ok_or_else(|| ApiError::not_found("task"))?;
                page_tasks.push((needs_of(&task), task, job));
            }
            // Substitutes are ranked for this page's tasks only, reading the loads of
            // only the workers who could be among the best (yui_store::substitutes).
            let openings: Vec<Opening<'_>> = page_tasks
                .iter()
                .map(|(needs, task, job)| Opening {
                    needs,
                    due_at: task.spec.due_at,
                    pool: task.team_id,
                    preferred_team: job.spec.preferred_team_id.map(TeamId::from),
                    except: task.assignee_id,
                })
                .collect();
            let best = substitutes::best_for_each(conn, Arc::clone(&roster), &committed, now, &openings, SUBSTITUTES)?;
            let mut views = Vec::with_capacity(items.len());
            for ((risk, (_, task, job)), best) in items.into_iter().zip(page_tasks).zip(best) {
                views.push(AtRiskView {
                    substitutes: candidate_views(&roster, &task, best, SUBSTITUTES),
                    needed_minutes: risk.needed_minutes,
                    available_minutes: risk.available_minutes,
                    task: TaskView::new(task, &job),
                });
            }
            let next_cursor = next.map(|(due_at, id)| timed_cursor(due_at, id.as_uuid()));
            Ok(Paginated { items: views, next_cursor })
        })
        .await?;
    Ok(web::Json(views))
}

/// Cover a task in one call (directors): reassign it to a substitute, or send it
/// back to its team's queue.
#[utoipa::path(
    tag = tags::DASHBOARD,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    request_body = CoverRequest,
    responses(
        (status = 200, description = "The task, reassigned or back in the queue.", body = TaskView),
        (status = 409, description = "The task is not in work (`invalid_state`).", body = crate::error::Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/cover")]
async fn cover_task(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<CoverRequest>,
) -> Result<web::Json<TaskView>, ApiError> {
    let id = TaskId::from(id.into_inner());
    let body = body.into_inner();
    let note = input::text("note", &body.note, 2000)?;
    act_on_task(&state, bearer, id, Action::ManageTask, move |conn, actor, mut task, _| {
        let previous = task.assignee_id.map(|w| w.to_string());
        let task = match body.worker_id {
            Some(worker) => {
                let worker = access::active_worker(conn, task.center_id, UserId::from(worker), Named::Field("worker_id"))?;
                task.assignee_id = Some(worker.id);
                let details = json!({"cover": true, "assignee_id": worker.id.to_string(), "previous_assignee_id": previous, "note": note});
                flow::advance_task(conn, actor.user_id, task, TaskAction::Reassign, details)?
            }
            None => {
                let details = json!({"cover": true, "previous_assignee_id": previous, "to_team_queue": task.team_id.is_some(), "note": note});
                flow::advance_task(conn, actor.user_id, task, TaskAction::Unassign, details)?
            }
        };
        Ok(task)
    })
    .await
}
