//! The director's day in one call: jobs by state, the QC queue, overdue and at-risk
//! tasks, logged time waiting for approval, and each team's committed hours against
//! its available hours this week.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use actix_web::{get, web};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use yui_domain::UserId;
use yui_domain::workforce::risk;
use yui_store::workforce::week_start;
use yui_store::{jobs, submissions, tasks, teams, time_entries};

use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::routes::tags;
use crate::state::AppState;
use yui_domain::access::Action;

pub fn configure(config: &mut ServiceConfig) {
    config.service(dashboard);
}

/// Logged time waiting for a director.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimeToApprove {
    /// Minutes of stopped entries waiting for approval.
    pub pending_minutes: i64,
    /// Timers running now.
    pub running_timers: i64,
}

/// The QC queue at a glance.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueSummary {
    /// Submissions waiting for review.
    pub waiting: i64,
    /// When the oldest waiting submission was handed in.
    pub oldest_waiting_since: Option<DateTime<Utc>>,
}

/// One team's week.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamLoad {
    pub team_id: Uuid,
    pub name: String,
    pub members: usize,
    /// Hours of unfinished work assigned to the members.
    pub committed_hours: f64,
    /// Hours the members can work this week (Monday to Sunday in the centre's time zone).
    pub available_hours_this_week: f64,
}

/// The centre's day.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    /// Posted jobs by status (drafts are the clients' own).
    #[schema(value_type = std::collections::BTreeMap<String, i64>)]
    pub jobs_by_status: BTreeMap<String, i64>,
    /// Tasks by status.
    #[schema(value_type = std::collections::BTreeMap<String, i64>)]
    pub tasks_by_status: BTreeMap<String, i64>,
    pub review_queue: QueueSummary,
    /// Tasks past their due date and not yet approved or cancelled.
    pub overdue_tasks: i64,
    /// Tasks their worker can no longer finish in time (see `GET /v1/at-risk`).
    pub at_risk_tasks: usize,
    /// Logged time waiting for approval (`GET /v1/workers/{id}/time-entries?status=pending`).
    pub time_to_approve: TimeToApprove,
    pub teams: Vec<TeamLoad>,
    pub generated_at: DateTime<Utc>,
}

fn hours(minutes: u64) -> f64 {
    yui_domain::workforce::hours(i64::try_from(minutes).unwrap_or(i64::MAX))
}

/// The director's dashboard (directors).
#[utoipa::path(
    tag = tags::DASHBOARD,
    security(("bearer_token" = []), ("api_key" = ["tasks:read"])),
    responses((status = 200, description = "The centre's day.", body = DashboardView))
)]
#[get("/dashboard")]
async fn dashboard(state: web::Data<AppState>, bearer: Bearer) -> Result<web::Json<DashboardView>, ApiError> {
    let rosters = Arc::clone(&state.rosters);
    let view = state
        .read_as(bearer, move |conn, actor| {
            let center = access::own_centre_row(conn, actor, Action::ViewCentreWork)?;
            let now = Utc::now();
            let jobs_by_status =
                jobs::center_counts(conn, center.id)?.into_iter().map(|(s, n)| (s.as_str().to_owned(), n)).collect();
            let tasks_by_status =
                tasks::center_counts(conn, center.id)?.into_iter().map(|(s, n)| (s.as_str().to_owned(), n)).collect();
            let (waiting, oldest) = tasks::review_queue_summary(conn, center.id)?;
            let oldest_waiting_since = match oldest {
                Some(id) => submissions::find(conn, id)?.map(|s| s.created_at),
                None => None,
            };
            let overdue_tasks = tasks::count_overdue(conn, center.id, now)?;
            let time = time_entries::centre_time(conn, center.id)?;
            let week_from = week_start(now, center.time_zone);
            let week_to = week_from + Duration::days(7);
            let team_list = teams::list(conn, center.id, false)?;
            let roster = rosters.current(conn, &center, week_from.min(now))?;
            let commitments = tasks::commitments(conn, center.id)?;
            let mut committed_by_worker: HashMap<UserId, u64> = HashMap::new();
            for commitment in &commitments {
                *committed_by_worker.entry(commitment.worker).or_default() +=
                    u64::try_from(commitment.estimated_minutes).unwrap_or(0);
            }
            let at_risk_tasks = risk::at_risk(|w| roster.schedule(w), commitments, now).len();
            let teams = team_list
                .into_iter()
                .map(|team| {
                    let members = roster.team_members(team.id);
                    let committed: u64 =
                        members.iter().map(|m| committed_by_worker.get(&m.worker_id).copied().unwrap_or(0)).sum();
                    let available: u64 = members
                        .iter()
                        .filter_map(|m| roster.schedule(m.worker_id))
                        .map(|schedule| u64::from(schedule.available_minutes(week_from, week_to)))
                        .sum();
                    TeamLoad {
                        team_id: team.id.as_uuid(),
                        name: team.name,
                        members: members.len(),
                        committed_hours: hours(committed),
                        available_hours_this_week: hours(available),
                    }
                })
                .collect();
            Ok(DashboardView {
                jobs_by_status,
                tasks_by_status,
                review_queue: QueueSummary { waiting, oldest_waiting_since },
                overdue_tasks,
                at_risk_tasks,
                time_to_approve: TimeToApprove {
                    pending_minutes: time.pending_minutes,
                    running_timers: time.running_timers,
                },
                teams,
                generated_at: now,
            })
        })
        .await?;
    Ok(web::Json(view))
}
