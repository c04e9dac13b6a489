//! Dated hourly rates and minimum wages.
//!
//! A worker's rate history is read here (directors set rates with `PUT
//! /v1/workers/{id}/hourly-rate`). The centre's admins record each new regional
//! minimum wage from its day; the workers whose rates would fall below it are
//! answered at once and stay listed at `/v1/pay-rates/shortfalls` until fixed.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::access::Action;
use yui_domain::workforce::pay::{self, Dated, Shortfall};
use yui_domain::{Money, UserId};
use yui_store::centers::{self, Center};
use yui_store::{DbConnection, StoreError, minimum_wages, pay_rates, statements, users};

use crate::access;
use crate::auth::Bearer;
use crate::error::{ApiError, ErrorCode};
use crate::extract::ValidJson;
use crate::flow_views::MoneyInput;
use crate::input;
use crate::routes::tags;
use crate::state::AppState;
use crate::views::MoneyView;

pub fn configure(config: &mut ServiceConfig) {
    config.service(worker_rates).service(list_minimum_wages).service(add_minimum_wage).service(shortfalls);
}

/// A rate from a day on.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayRateView {
    /// The first day it holds (the centre's calendar).
    pub effective_from: NaiveDate,
    pub hourly_rate: MoneyView,
    /// Who set it; `null` for rates carried over from before rates were dated.
    pub set_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// A worker's rates over time.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayRatesView {
    pub worker_id: Uuid,
    /// The rate in force today: the latest dated rate, or the minimum wage in force.
    pub hourly_rate: MoneyView,
    /// Oldest first.
    pub rates: Vec<PayRateView>,
    /// Paid as a contractor, with withholding when the centre turns it on
    /// (`PUT /v1/workers/{id}/withholding`).
    pub withheld: bool,
}

/// A worker's hourly rates over time (the worker; the centre's directors and admins).
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("id" = Uuid, Path, description = "The worker's id.")),
    responses((status = 200, description = "The rate today and the dated rates.", body = PayRatesView))
)]
#[get("/workers/{id}/pay-rates")]
async fn worker_rates(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<PayRatesView>, ApiError> {
    let id = UserId::from(id.into_inner());
    let view = state
        .read_as(bearer, move |conn, actor| {
            let worker = access::worker(conn, actor, id, Action::ViewWorker)?;
            let center = access::actor_centre(conn, actor)?;
            let history = pay_rates::history(conn, worker.id)?;
            let dated: Vec<Dated<Money>> = history.iter().map(pay_rates::PayRate::dated).collect();
            Ok(PayRatesView {
                worker_id: worker.id.as_uuid(),
                hourly_rate: pay::rate_on(&dated, &center.minimum_wages, center.today()).into(),
                withheld: statements::is_withheld(conn, worker.id)?,
                rates: history
                    .into_iter()
                    .map(|r| PayRateView {
                        effective_from: r.effective_from,
                        hourly_rate: r.rate.into(),
                        set_by: r.set_by.map(|u| u.as_uuid()),
                        created_at: r.created_at,
                    })
                    .collect(),
            })
        })
        .await?;
    Ok(web::Json(view))
}

/// A minimum wage from a day on.
#[derive(Debug, Serialize, ToSchema)]
pub struct MinimumWageView {
    pub effective_from: NaiveDate,
    pub hourly_minimum: MoneyView,
    pub set_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// The centre's minimum wages over time.
#[derive(Debug, Serialize, ToSchema)]
pub struct MinimumWagesView {
    /// The minimum the centre was opened with, in force before the first dated one.
    pub starting_minimum: MoneyView,
    /// The minimum in force today.
    pub in_force_today: MoneyView,
    /// Oldest first.
    pub changes: Vec<MinimumWageView>,
}

fn minimum_wage_view(wage: minimum_wages::MinimumWage) -> MinimumWageView {
    MinimumWageView {
        effective_from: wage.effective_from,
        hourly_minimum: wage.amount.into(),
        set_by: wage.set_by.as_uuid(),
        created_at: wage.created_at,
    }
}

/// The centre's minimum wages over time (the centre's directors and admins).
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    responses((status = 200, description = "The minimum wages.", body = MinimumWagesView))
)]
#[get("/minimum-wages")]
async fn list_minimum_wages(
    state: web::Data<AppState>,
    bearer: Bearer,
) -> Result<web::Json<MinimumWagesView>, ApiError> {
    let view = state
        .read_as(bearer, move |conn, actor| {
            let center = access::own_centre_row(conn, actor, Action::ViewCentrePay)?;
            Ok(MinimumWagesView {
                starting_minimum: center.minimum_wages.starting.into(),
                in_force_today: center.minimum_hourly_rate().into(),
                changes: minimum_wages::list(conn, center.id)?.into_iter().map(minimum_wage_view).collect(),
            })
        })
        .await?;
    Ok(web::Json(view))
}

/// A new minimum wage.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinimumWageRequest {
    /// The first day it holds, in the centre's calendar (2000–2100); one minimum per day.
    pub effective_from: NaiveDate,
    /// In the centre's currency.
    #[validate(nested)]
    pub hourly_minimum: MoneyInput,
}

/// A worker whose rate falls below the minimum on some day.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShortfallView {
    pub worker_id: Uuid,
    pub display_name: String,
    /// The first day the rate is below the minimum.
    pub on: NaiveDate,
    pub hourly_rate: MoneyView,
    pub hourly_minimum: MoneyView,
}

/// A recorded minimum and the workers it leaves short.
#[derive(Debug, Serialize, ToSchema)]
pub struct MinimumWageAdded {
    pub minimum_wage: MinimumWageView,
    /// Workers whose rates fall below a minimum from its day on: set their rates.
    pub shortfalls: Vec<ShortfallView>,
}

/// Every worker of the centre whose rates fall below the minimum from `from` on,
/// soonest first.
fn shortfalls_from(
    conn: &mut DbConnection,
    center: &Center,
    from: NaiveDate,
) -> Result<Vec<ShortfallView>, StoreError> {
    let mut short: Vec<(UserId, Shortfall)> = pay_rates::histories_in(conn, center.id)?
        .into_iter()
        .filter_map(|(worker, history)| {
            let dated: Vec<Dated<Money>> = history.iter().map(pay_rates::PayRate::dated).collect();
            pay::first_shortfall(&dated, &center.minimum_wages, from).map(|s| (worker, s))
        })
        .collect();
    short.sort_by_key(|(worker, s)| (s.on, *worker));
    let mut views = Vec::with_capacity(short.len());
    for (worker, s) in short {
        let Some(user) = users::find(conn, worker)?.filter(|u| u.active) else { continue };
        views.push(ShortfallView {
            worker_id: worker.as_uuid(),
            display_name: user.display_name,
            on: s.on,
            hourly_rate: s.rate.into(),
            hourly_minimum: s.minimum.into(),
        });
    }
    Ok(views)
}

/// Record a new minimum wage from a day on (the centre's admins). The answer lists
/// the workers whose rates it leaves short.
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    request_body = MinimumWageRequest,
    responses(
        (status = 201, description = "The minimum and the workers it leaves short.", body = MinimumWageAdded),
        (status = 409, description = "A minimum from that day is already recorded (`conflict`), or the day falls in a closed pay period (`period_closed`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/minimum-wages")]
async fn add_minimum_wage(
    state: web::Data<AppState>,
    bearer: Bearer,
    body: ValidJson<MinimumWageRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let day = input::day("effective_from", body.effective_from)?;
    let amount = body.hourly_minimum.parse("hourly_minimum")?;
    let added = state
        .write_as(bearer, move |conn, actor| {
            let center = access::own_centre_row(conn, actor, Action::ManageCentreSettings)?;
            if amount.currency != center.currency() {
                return Err(ApiError::invalid_field(
                    "hourly_minimum.currency",
                    "currency",
                    format!("must be in the centre's currency ({})", center.currency()),
                ));
            }
            yui_store::locks::centre_pay(conn, center.id)?;
            if let Some(closed) = statements::latest_closed(conn, center.id)?
                && day <= closed.last_day
            {
                return Err(ApiError::period_closed("effective_from", closed.last_day));
            }
            let wage = minimum_wages::insert(conn, center.id, day, amount, actor.user_id).map_err(|e| match e {
                StoreError::Conflict { .. } => ApiError::new(
                    ErrorCode::Conflict,
                    format!("A minimum wage from {day} is already recorded; recorded minimums are never rewritten."),
                ),
                other => other.into(),
            })?;
            let center = centers::find(conn, center.id)?.ok_or_else(|| ApiError::not_found("centre"))?;
            Ok(MinimumWageAdded {
                minimum_wage: minimum_wage_view(wage),
                shortfalls: shortfalls_from(conn, &center, day)?,
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(added))
}

/// Workers whose rates fall below a minimum wage.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShortfallsView {
    /// Today, in the centre's calendar: rates are checked from this day on.
    pub from: NaiveDate,
    /// Soonest first.
    pub items: Vec<ShortfallView>,
}

/// Workers whose rates fall below the minimum wage today or on a later day (the
/// centre's directors and admins).
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    responses((status = 200, description = "The workers to give a new rate.", body = ShortfallsView))
)]
#[get("/pay-rates/shortfalls")]
async fn shortfalls(state: web::Data<AppState>, bearer: Bearer) -> Result<web::Json<ShortfallsView>, ApiError> {
    let view = state
        .read_as(bearer, move |conn, actor| {
            let center = access::own_centre_row(conn, actor, Action::ViewCentrePay)?;
            let from = center.today();
            Ok(ShortfallsView { from, items: shortfalls_from(conn, &center, from)? })
        })
        .await?;
    Ok(web::Json(view))
}
