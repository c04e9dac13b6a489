//! A worker's profile, availability, available hours and quality record.
//!
//! Workers manage their own weekly windows and dated exceptions; directors read them.
//! Recording an absence immediately checks the worker's unfinished tasks: those that
//! can no longer be done in time are marked at risk (an event on each), so directors
//! see them on the at-risk list with substitutes.

use std::sync::Arc;

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::workforce::pay::{RateRefused, check_rate};
use yui_domain::workforce::risk::{self, AtRisk, Commitment};
use yui_domain::workforce::{DayException, ExceptionKind, WeeklyWindow};
use yui_domain::{Money, TaskId, UserId};
use yui_store::availability::{self, Exception};
use yui_store::pay_rates::{self, PayRate};
use yui_store::profiles::{self, Profile};
use yui_store::tasks::Task;
use yui_store::{flow, tasks, worker_stats, workload};

use crate::access;
use crate::auth::Bearer;
use crate::clock_time;
use crate::error::{ApiError, ErrorCode};
use crate::extract::ValidJson;
use crate::flow_views::MoneyInput;
use crate::input;
use crate::quality::QualityView;
use crate::routes::tags;
use crate::state::AppState;
use crate::views::MoneyView;
use yui_domain::access::Action;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(get_profile)
        .service(put_profile)
        .service(put_hourly_rate)
        .service(get_availability)
        .service(put_windows)
        .service(add_exception)
        .service(delete_exception)
        .service(available_hours)
        .service(worker_quality);
}

/// Where a worker works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkMode {
    Home,
    Office,
}

impl WorkMode {
    fn as_str(self) -> &'static str {
        match self {
            WorkMode::Home => "home",
            WorkMode::Office => "office",
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileRequest {
    /// `home`, `office`, or both.
    #[validate(length(min = 1, max = 2))]
    #[schema(min_items = 1, max_items = 2)]
    pub work_modes: Vec<WorkMode>,
    /// Most minutes a week (0–10080).
    #[validate(range(min = 0, max = 10080))]
    #[schema(minimum = 0, maximum = 10080)]
    pub weekly_cap_minutes: i64,
    /// Most minutes a day (0–1440).
    #[validate(range(min = 0, max = 1440))]
    #[schema(minimum = 0, maximum = 1440)]
    pub daily_cap_minutes: i64,
    /// IANA time zone of the availability windows; the centre's when omitted.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, example = "Asia/Tokyo")]
    pub time_zone: Option<String>,
    /// Private: seen only by the worker and the centre's directors.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000, pattern = "^[^\\x00]*$")]
    #[serde(default)]
    pub accommodations: String,
    /// The name shown on the public showcase; omit or `null` to stay private.
    #[validate(length(min = 1, max = 100))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*[^\\s\\x00-\\x1F\\x7F-\\x9F][^\\x00-\\x1F\\x7F-\\x9F]*$"
    )]
    pub public_name: Option<String>,
}

/// A worker's hourly rate from a day on, set by the centre's directors and admins.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HourlyRateRequest {
    /// In the centre's currency, and not below the minimum wage in force on any day
    /// the rate would hold (from `effective_from` to the worker's next dated rate).
    #[validate(nested)]
    pub hourly_rate: MoneyInput,
    /// The first day the rate holds, in the centre's calendar (2000–2100); today
    /// when omitted. A rate already dated that day is replaced.
    pub effective_from: Option<NaiveDate>,
}

/// A worker's profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileView {
    pub worker_id: Uuid,
    pub display_name: String,
    pub work_modes: Vec<String>,
    /// The rate in force today: the latest set by directors and admins (`PUT
    /// /v1/workers/{id}/hourly-rate`, history at `/v1/workers/{id}/pay-rates`), or
    /// the minimum wage in force without one.
    pub hourly_rate: MoneyView,
    pub weekly_cap_minutes: u32,
    pub daily_cap_minutes: u32,
    pub time_zone: String,
    /// Private: only the worker and the centre's directors see it.
    pub accommodations: String,
    /// Shown publicly only when set (opt-in).
    pub public_name: Option<String>,
    pub updated_at: DateTime<Utc>,
}

fn profile_view(profile: Profile, display_name: String, hourly_rate: Money) -> ProfileView {
    ProfileView {
        worker_id: profile.worker_id.as_uuid(),
        display_name,
        work_modes: profile.work_modes,
        hourly_rate: hourly_rate.into(),
        weekly_cap_minutes: profile.weekly_cap_minutes,
        daily_cap_minutes: profile.daily_cap_minutes,
        time_zone: profile.time_zone.name().to_owned(),
        accommodations: profile.accommodations,
        public_name: profile.public_name,
        updated_at: profile.updated_at,
    }
}

/// A weekly window.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowInput {
    /// 0 = Monday … 6 = Sunday.
    #[validate(range(min = 0, max = 6))]
    #[schema(minimum = 0, maximum = 6)]
    pub weekday: i64,
    /// Start, `HH:MM` in the worker's time zone.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$", example = "09:30")]
    pub start: String,
    /// End, `HH:MM` (after the start; `24:00` for midnight).
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$", example = "14:00")]
    pub end: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowsRequest {
    /// The whole week's windows (replacing the previous ones); at most 50.
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub windows: Vec<WindowInput>,
}

/// Whether an exception removes or adds time.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKindName {
    /// Not working: the whole day, or `start`–`end`.
    Absent,
    /// Working `start`–`end` that day in addition to the usual windows.
    Extra,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionRequest {
    /// The date, in the worker's time zone.
    pub day: NaiveDate,
    pub kind: ExceptionKindName,
    /// Start of the span; omit both for a whole-day absence.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$")]
    pub start: Option<String>,
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$")]
    pub end: Option<String>,
    #[validate(length(max = 500))]
    #[schema(max_length = 500, pattern = "^[^\\x00]*$")]
    #[serde(default)]
    pub note: String,
}

/// A weekly window.
#[derive(Debug, Serialize, ToSchema)]
pub struct WindowView {
    pub weekday: u8,
    pub start: String,
    pub end: String,
}

/// A dated exception.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExceptionView {
    pub id: Uuid,
    pub day: NaiveDate,
    pub kind: ExceptionKindName,
    pub start: Option<String>,
    pub end: Option<String>,
    pub note: String,
}

impl From<Exception> for ExceptionView {
    fn from(e: Exception) -> Self {
        Self {
            id: e.id,
            day: e.exception.day,
            kind: match e.exception.kind {
                ExceptionKind::Absent => ExceptionKindName::Absent,
                ExceptionKind::Extra => ExceptionKindName::Extra,
            },
            start: e.exception.span.map(|(s, _)| clock_time::format(s)),
            end: e.exception.span.map(|(_, e)| clock_time::format(e)),
            note: e.note,
        }
    }
}

/// A worker's availability.
#[derive(Debug, Serialize, ToSchema)]
pub struct AvailabilityView {
    pub time_zone: String,
    pub windows: Vec<WindowView>,
    /// Exceptions from `from` to `to`.
    pub exceptions: Vec<ExceptionView>,
}

/// A recorded exception, and the tasks it put at risk.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExceptionOutcome {
    pub exception: ExceptionView,
    /// The worker's tasks that this exception put at risk (they can no longer be done
    /// in time; each gets an `at_risk` event and shows on `GET /v1/at-risk`).
    pub tasks_at_risk: Vec<Uuid>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    /// Start (RFC 3339); now when omitted.
    pub from: Option<DateTime<Utc>>,
    /// End (RFC 3339); 7 days after `from` when omitted; at most 366 days after it.
    pub to: Option<DateTime<Utc>>,
}

impl RangeParams {
    fn parse(&self) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
        let from = self.from.unwrap_or_else(Utc::now);
        let to = self.to.unwrap_or(from + Duration::days(7));
        if to <= from || to - from > Duration::days(366) {
            return Err(ApiError::bad_request(
                ErrorCode::InvalidQueryParameter,
                "`to` must be after `from`, and at most 366 days after it.",
            ));
        }
        Ok((from, to))
    }
}

/// Available time in a range.
#[derive(Debug, Serialize, ToSchema)]
pub struct AvailableHoursView {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Minutes the worker can work in the range (windows, exceptions, caps).
    pub capacity_minutes: u32,
    /// Minutes of unfinished tasks already assigned to the worker.
    pub committed_minutes: u32,
    /// `capacity_minutes` minus `committed_minutes` (not below zero).
    pub available_minutes: u32,
    /// Next to the estimates: minutes the worker logged in the range that count
    /// (pending and approved entries, by their start).
    pub logged_minutes: i64,
    /// Of those, approved by a director.
    pub approved_minutes: i64,
}

fn worker_id(id: web::Path<Uuid>) -> UserId {
    UserId::from(id.into_inner())
}

/// A worker's profile (the worker and the centre's directors).
#[utoipa::path(
    tag = tags::WORKERS,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("id" = Uuid, Path, description = "The worker's id.")),
    responses((status = 200, description = "The profile (the centre's defaults until saved).", body = ProfileView))
)]
#[get("/workers/{id}/profile")]
async fn get_profile(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<ProfileView>, ApiError> {
    let id = worker_id(id);
    let view = state
        .read_as(bearer, move |conn, actor| {
            let worker = access::worker(conn, actor, id, Action::ViewWorker)?;
            let center = access::actor_centre(conn, actor)?;
            let profile = profiles::find(conn, worker.id)?.unwrap_or_else(|| Profile::default_for(worker.id, &center));
            let rate = pay_rates::rate_today(conn, &center, worker.id)?;
            Ok(profile_view(profile, worker.display_name, rate))
        })
        .await?;
    Ok(web::Json(view))
}

/// Save a worker's profile (the worker, or the centre's directors). The hourly rate
/// is not part of it: directors set it with `PUT /v1/workers/{id}/hourly-rate`.
#[utoipa::path(
    tag = tags::WORKERS,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    params(("id" = Uuid, Path, description = "The worker's id.")),
    request_body = ProfileRequest,
    responses((status = 200, description = "The saved profile.", body = ProfileView))
)]
#[put("/workers/{id}/profile")]
async fn put_profile(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<ProfileRequest>,
) -> Result<web::Json<ProfileView>, ApiError> {
    let id = worker_id(id);
    let body = body.into_inner();
    let time_zone = body.time_zone.as_deref().map(|tz| input::time_zone("time_zone", tz)).transpose()?;
    let accommodations = input::text("accommodations", &body.accommodations, 2000)?;
    let public_name = body.public_name.as_deref().map(|n| input::name("public_name", n, 100)).transpose()?;
    let mut modes: Vec<String> = body.work_modes.iter().map(|m| m.as_str().to_owned()).collect();
    modes.sort_unstable();
    modes.dedup();
    let weekly = u32::try_from(body.weekly_cap_minutes)
        .map_err(|e| ApiError::invalid_field("weekly_cap_minutes", "range", e))?;
    let daily =
        u32::try_from(body.daily_cap_minutes).map_err(|e| ApiError::invalid_field("daily_cap_minutes", "range", e))?;
    let view = state
        .write_as(bearer, move |conn, actor| {
            let worker = access::worker(conn, actor, id, Action::EditProfile)?;
            let center = access::actor_centre(conn, actor)?;
            let locks = yui_store::locks::workers(conn, [worker.id])?;
            let current = profiles::find(conn, worker.id)?.unwrap_or_else(|| Profile::default_for(worker.id, &center));
            let profile = Profile {
                work_modes: modes.clone(),
                weekly_cap_minutes: weekly,
                daily_cap_minutes: daily,
                time_zone: time_zone.unwrap_or(center.time_zone),
                accommodations: accommodations.clone(),
                public_name: public_name.clone().map(yui_domain::text::Name::into_string),
                ..current
            };
            let saved = profiles::save(conn, &locks, center.id, profile)?;
            let rate = pay_rates::rate_today(conn, &center, worker.id)?;
            Ok(profile_view(saved, worker.display_name, rate))
        })
        .await?;
    Ok(web::Json(view))
}

/// Set a worker's hourly rate from a day on (directors and admins; workers read
/// theirs in their profile and its history at `/v1/workers/{id}/pay-rates`). Never
/// below the minimum wage in force on a day it holds.
#[utoipa::path(
    tag = tags::WORKERS,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    params(("id" = Uuid, Path, description = "The worker's id.")),
    request_body = HourlyRateRequest,
    responses(
        (status = 200, description = "The profile with its new rate.", body = ProfileView),
        (status = 409, description = "The day falls in a closed pay period (`period_closed`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/workers/{id}/hourly-rate")]
async fn put_hourly_rate(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<HourlyRateRequest>,
) -> Result<web::Json<ProfileView>, ApiError> {
    let id = worker_id(id);
    let body = body.into_inner();
    let rate = body.hourly_rate.parse("hourly_rate")?;
    let effective_from = body.effective_from.map(|day| input::day("effective_from", day)).transpose()?;
    let view = state
        .write_as(bearer, move |conn, actor| {
            let worker = access::worker(conn, actor, id, Action::SetPay)?;
            let center = access::actor_centre(conn, actor)?;
            let from = effective_from.unwrap_or_else(|| center.today());
            if let Some(closed) = yui_store::statements::latest_closed(conn, center.id)?
                && from <= closed.last_day
            {
                return Err(ApiError::period_closed("effective_from", closed.last_day));
            }
            let locks = yui_store::locks::workers(conn, [worker.id])?;
            let next_rate =
                pay_rates::history(conn, worker.id)?.iter().map(|r| r.effective_from).find(|day| *day > from);
            let rate = check_rate(rate, from, next_rate, &center.minimum_wages).map_err(|refused| match refused {
                RateRefused::WrongCurrency(_) => ApiError::invalid_field("hourly_rate.currency", "currency", refused),
                RateRefused::BelowMinimum { .. } => {
                    ApiError::invalid_field("hourly_rate.amount_minor", "below_minimum_rate", refused)
                }
            })?;
            let dated = PayRate {
                worker_id: worker.id,
                effective_from: from,
                rate,
                set_by: Some(actor.user_id),
                created_at: yui_store::now(),
            };
            pay_rates::set(conn, &locks, center.id, dated)?;
            let profile = profiles::find(conn, worker.id)?.unwrap_or_else(|| Profile::default_for(worker.id, &center));
            let today = pay_rates::rate_today(conn, &center, worker.id)?;
            Ok(profile_view(profile, worker.display_name, today))
        })
        .await?;
    Ok(web::Json(view))
}

/// A worker's weekly windows and the exceptions in a range (the worker and directors).
#[utoipa::path(
    tag = tags::WORKERS,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("id" = Uuid, Path, description = "The worker's id."), RangeParams),
    responses((status = 200, description = "Windows and exceptions.", body = AvailabilityView))
)]
#[get("/workers/{id}/availability")]
async fn get_availability(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    range: web::Query<RangeParams>,
) -> Result<web::Json<AvailabilityView>, ApiError> {
    let id = worker_id(id);
    let (from, to) = range.parse()?;
    let view = state
        .read_as(bearer, move |conn, actor| {
            let worker = access::worker(conn, actor, id, Action::ViewWorker)?;
            let center = access::actor_centre(conn, actor)?;
            let profile = profiles::find(conn, worker.id)?.unwrap_or_else(|| Profile::default_for(worker.id, &center));
            let windows = availability::windows_of(conn, worker.id)?;
            let exceptions = availability::exceptions_of(conn, worker.id, from.date_naive(), to.date_naive())?;
            Ok(AvailabilityView {
                time_zone: profile.time_zone.name().to_owned(),
                windows: windows
                    .into_iter()
                    .map(|w| WindowView {
                        weekday: w.weekday,
                        start: clock_time::format(w.start_minute),
                        end: clock_time::format(w.end_minute),
                    })
                    .collect(),
                exceptions: exceptions.into_iter().map(Into::into).collect(),
            })
        })
        .await?;
    Ok(web::Json(view))
}

/// Replace your weekly windows (the worker).
#[utoipa::path(
    tag = tags::WORKERS,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    params(("id" = Uuid, Path, description = "The worker's id.")),
    request_body = WindowsRequest,
    responses((status = 204, description = "The windows are saved."))
)]
#[put("/workers/{id}/availability/windows")]
async fn put_windows(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<WindowsRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = worker_id(id);
    let windows = body
        .into_inner()
        .windows
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let start = clock_time::parse(&format!("windows[{i}].start"), &w.start)?;
            let end = clock_time::parse(&format!("windows[{i}].end"), &w.end)?;
            if start >= end {
                return Err(ApiError::invalid_field(
                    &format!("windows[{i}].end"),
                    "before_start",
                    "must be after the start",
                ));
            }
            let weekday = u8::try_from(w.weekday)
                .map_err(|e| ApiError::invalid_field(&format!("windows[{i}].weekday"), "range", e))?;
            Ok(WeeklyWindow { weekday, start_minute: start, end_minute: end })
        })
        .collect::<Result<Vec<_>, _>>()?;
    state
        .write_as(bearer, move |conn, actor| {
            let worker = access::worker(conn, actor, id, Action::EditAvailability)?;
            let center = access::actor_centre(conn, actor)?;
            let locks = yui_store::locks::workers(conn, [worker.id])?;
            Ok(availability::replace_windows(conn, &locks, center.id, worker.id, &windows)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Record an absence or an extra window on one day (the worker). Tasks that can no
/// longer be done in time become at risk.
#[utoipa::path(
    tag = tags::WORKERS,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    params(("id" = Uuid, Path, description = "The worker's id.")),
    request_body = ExceptionRequest,
    responses((status = 201, description = "The exception, and the tasks it put at risk.", body = ExceptionOutcome))
)]
#[post("/workers/{id}/availability/exceptions")]
async fn add_exception(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<ExceptionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = worker_id(id);
    let body = body.into_inner();
    let span = match (&body.start, &body.end) {
        (Some(start), Some(end)) => {
            let (start, end) = (clock_time::parse("start", start)?, clock_time::parse("end", end)?);
            if start >= end {
                return Err(ApiError::invalid_field("end", "before_start", "must be after the start"));
            }
            Some((start, end))
        }
        (None, None) if body.kind == ExceptionKindName::Absent => None,
        _ => {
            return Err(ApiError::invalid_field(
                "start",
                "span",
                "give both start and end (or neither, for a whole-day absence)",
            ));
        }
    };
    let kind = match body.kind {
        ExceptionKindName::Absent => ExceptionKind::Absent,
        ExceptionKindName::Extra => ExceptionKind::Extra,
    };
    let note = input::text("note", &body.note, 500)?;
    let exception = DayException { day: body.day, kind, span };
    let rosters = Arc::clone(&state.rosters);
    let outcome = state
        .write_as(bearer, move |conn, actor| {
            let worker = access::worker(conn, actor, id, Action::EditAvailability)?;
            let center = access::actor_centre(conn, actor)?;
            let now = Utc::now();
            // Read before anything is written (see RosterCache::current).
            let roster = rosters.current(conn, &center, now)?;
            let mut schedule = roster.schedule(worker.id).cloned().ok_or_else(|| ApiError::not_found("worker"))?;
            let mine = tasks::committed(conn, center.id, worker.id)?;
            let commitments: Vec<Commitment> = mine.iter().filter_map(tasks::commitment_of).collect();
            let before: Vec<TaskId> = risk::at_risk(|_| Some(&schedule), commitments.clone(), now)
                .into_iter()
                .map(|r| r.commitment.task_id)
                .collect();
            let locks = yui_store::locks::workers(conn, [worker.id])?;
            let stored = availability::add_exception(conn, &locks, center.id, worker.id, exception, &note)?;
            schedule.exceptions.push(exception);
            let newly_at_risk: Vec<(&Task, AtRisk)> = risk::at_risk(|_| Some(&schedule), commitments, now)
                .into_iter()
                .filter(|r| !before.contains(&r.commitment.task_id))
                .filter_map(|r| mine.iter().find(|t| t.id == r.commitment.task_id).map(|t| (t, r)))
                .collect();
            for (task, risk) in &newly_at_risk {
                let details = json!({
                    "reason": "absence",
                    "day": exception.day.to_string(),
                    "needed_minutes": risk.needed_minutes,
                    "available_minutes": risk.available_minutes,
                });
                flow::record_task_event(conn, actor.user_id, task, "at_risk", details)?;
            }
            Ok(ExceptionOutcome {
                exception: stored.into(),
                tasks_at_risk: newly_at_risk.iter().map(|(task, _)| task.id.as_uuid()).collect(),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(outcome))
}

/// Delete one of your exceptions (the worker).
#[utoipa::path(
    tag = tags::WORKERS,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    params(
        ("id" = Uuid, Path, description = "The worker's id."),
        ("exception_id" = Uuid, Path, description = "The exception's id."),
    ),
    responses((status = 204, description = "Deleted."))
)]
#[delete("/workers/{id}/availability/exceptions/{exception_id}")]
async fn delete_exception(
    state: web::Data<AppState>,
    bearer: Bearer,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, exception) = path.into_inner();
    state
        .write_as(bearer, move |conn, actor| {
            let worker = access::worker(conn, actor, UserId::from(id), Action::EditAvailability)?;
            let locks = yui_store::locks::workers(conn, [worker.id])?;
            if availability::delete_exception(conn, &locks, worker.id, exception)? {
                Ok(())
            } else {
                Err(ApiError::not_found("exception"))
            }
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A worker's available time in a range, net of the tasks already committed to.
#[utoipa::path(
    tag = tags::WORKERS,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("id" = Uuid, Path, description = "The worker's id."), RangeParams),
    responses((status = 200, description = "Capacity, commitments and what is left.", body = AvailableHoursView))
)]
#[get("/workers/{id}/available-hours")]
async fn available_hours(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    range: web::Query<RangeParams>,
) -> Result<web::Json<AvailableHoursView>, ApiError> {
    let id = worker_id(id);
    let (from, to) = range.parse()?;
    let rosters = Arc::clone(&state.rosters);
    let view = state
        .read_as(bearer, move |conn, actor| {
            let worker = access::worker(conn, actor, id, Action::ViewWorker)?;
            let center = access::actor_centre(conn, actor)?;
            let roster = rosters.current(conn, &center, from)?;
            let capacity = roster.schedule(worker.id).map_or(0, |schedule| schedule.available_minutes(from, to));
            let committed = u32::try_from(workload::committed_minutes(conn, worker.id)?).unwrap_or(u32::MAX);
            let logged = yui_store::time_entries::worker_time(conn, worker.id, from, to)?;
            Ok(AvailableHoursView {
                from,
                to,
                capacity_minutes: capacity,
                committed_minutes: committed,
                available_minutes: capacity.saturating_sub(committed),
                logged_minutes: logged.pending_minutes + logged.approved_minutes,
                approved_minutes: logged.approved_minutes,
            })
        })
        .await?;
    Ok(web::Json(view))
}

/// A worker's quality record (the worker and the centre's directors).
#[utoipa::path(
    tag = tags::WORKERS,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("id" = Uuid, Path, description = "The worker's id.")),
    responses((status = 200, description = "The quality record.", body = QualityView))
)]
#[get("/workers/{id}/quality")]
async fn worker_quality(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<QualityView>, ApiError> {
    let id = worker_id(id);
    let counts = state
        .read_as(bearer, move |conn, actor| {
            let worker = access::worker(conn, actor, id, Action::ViewWorker)?;
            Ok(worker_stats::of(conn, worker.id)?)
        })
        .await?;
    Ok(web::Json(counts.into()))
}
