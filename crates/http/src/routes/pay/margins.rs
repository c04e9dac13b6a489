//! Margins for directors: a job's, and the centre's for a calendar month.
//!
//! A job's margin: what the client pays for it (the approved quote;
//! for an hourly job, its approved minutes at the quoted price per minute) against
//! the pay its approved time costs (each minute at its worker's rate of the day,
//! never below the minimum wage). The price is the quoted one, before any invoice.

use actix_web::{get, web};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use yui_domain::access::Action;
use yui_domain::flow::Pricing;
use yui_domain::workforce::earnings::{ClosingDay, Period, hourly_revenue, margin_per_mille, round_half_up};
use yui_domain::{JobId, Money};
use yui_store::quotes::{self, QuoteStatus};
use yui_store::time_entries::{self, ApprovedScope};
use yui_store::{invoices, jobs, labour};

use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::flow_views::PricingName;
use crate::routes::tags;
use crate::state::AppState;
use crate::views::MoneyView;

pub fn configure(config: &mut ServiceConfig) {
    config.service(job_margin).service(month_margin);
}

/// A job's price against the pay for its approved time.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarginView {
    pub job_id: Uuid,
    pub pricing: PricingName,
    /// The approved quote's price; `null` until a quote is approved.
    pub quoted_price: Option<MoneyView>,
    /// The approved quote's minutes.
    pub quoted_minutes: Option<i64>,
    pub approved_minutes: i64,
    /// What the client pays so far: a fixed price in full; for an hourly job, the
    /// approved minutes × quoted price ÷ quoted minutes, rounded once, half up.
    pub revenue: Option<MoneyView>,
    /// The approved time at each worker's rate of the day (at least the minimum
    /// wage), summed exactly and rounded once, half up.
    pub labour_cost: MoneyView,
    /// revenue − labour cost.
    pub margin: Option<MoneyView>,
    /// The margin as a percentage of the revenue, to one decimal.
    pub margin_percent: Option<f64>,
}

/// A job's margin (the centre's directors and admins).
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    responses((status = 200, description = "The job's margin.", body = MarginView))
)]
#[get("/jobs/{id}/margin")]
async fn job_margin(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<MarginView>, ApiError> {
    let id = JobId::from(id.into_inner());
    let view = state
        .read_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::ViewJobMargin)?;
            let center = access::actor_centre(conn, actor)?;
            let currency = center.currency();
            let quote = quotes::list_for_job(conn, job.id)?.into_iter().find(|q| q.status == QuoteStatus::Approved);
            let pieces = time_entries::approved(conn, ApprovedScope::Job(job.id))?;
            let labour = labour::cost_by_job(conn, &center, &pieces)?.remove(&job.id).unwrap_or_default();
            let (approved_minutes, labour_cost) = (labour.minutes, round_half_up(labour.cost_sixtieths));
            let revenue = quote.as_ref().map(|q| match job.spec.pricing {
                Pricing::Fixed => q.terms.price.amount_minor,
                Pricing::Hourly => {
                    hourly_revenue(approved_minutes, q.terms.price.amount_minor, q.terms.estimated_minutes)
                }
            });
            let money = |amount: i64| MoneyView::from(Money::new(amount, currency));
            #[allow(clippy::cast_precision_loss)]
            let percent = revenue.and_then(|r| margin_per_mille(r, labour_cost)).map(|m| m as f64 / 10.0);
            Ok(MarginView {
                job_id: job.id.as_uuid(),
                pricing: job.spec.pricing.into(),
                quoted_price: quote.as_ref().map(|q| q.terms.price.into()),
                quoted_minutes: quote.as_ref().map(|q| q.terms.estimated_minutes),
                approved_minutes,
                revenue: revenue.map(money),
                labour_cost: money(labour_cost),
                margin: revenue.map(|r| money(r - labour_cost)),
                margin_percent: percent,
            })
        })
        .await?;
    Ok(web::Json(view))
}

/// One job's share of a month.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobMonthView {
    /// `null` for credit-note lines of a monthly invoice that name no job.
    pub job_id: Option<Uuid>,
    pub title: String,
    /// Invoiced in the month before tax, less credit notes.
    pub revenue: MoneyView,
    pub approved_minutes: i64,
    /// Rounded once for the job, half up.
    pub labour_cost: MoneyView,
    pub margin: MoneyView,
}

/// The centre's margin for a calendar month.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthMarginView {
    /// `YYYY-MM`.
    pub month: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// What was invoiced: the subtotals before tax of the invoices issued in the month
    /// (not void), less those of the credit notes issued in it. Consumption tax is
    /// not the centre's revenue.
    pub revenue: MoneyView,
    pub invoices: i64,
    pub credit_notes: i64,
    /// Approved time that started in the month (the centre's calendar).
    pub approved_minutes: i64,
    /// That time at each worker's rate of the day (at least the minimum wage), summed
    /// exactly and rounded once, half up (so the jobs' rounded costs may differ from it
    /// by a yen or two).
    pub labour_cost: MoneyView,
    /// revenue − labour cost.
    pub margin: MoneyView,
    /// The margin as a percentage of the revenue, to one decimal; `null` without revenue.
    pub margin_percent: Option<f64>,
    /// Every job with revenue or approved time in the month.
    pub jobs: Vec<JobMonthView>,
}

/// The start of `day` in the centre's time zone.
fn start_of(center: &yui_store::centers::Center, day: NaiveDate) -> Result<DateTime<Utc>, ApiError> {
    center
        .time_zone
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        .ok_or_else(|| ApiError::internal(format!("no midnight on {day}")))
}

/// The centre's margin for a month: what it invoiced against what the time worked
/// cost in pay (the centre's directors and admins).
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("month" = String, Path, description = "The calendar month, `YYYY-MM`.", pattern = r"^\d{4}-\d{2}$")),
    responses((status = 200, description = "The month's margin, in total and per job.", body = MonthMarginView))
)]
#[get("/margins/{month}")]
async fn month_margin(
    state: web::Data<AppState>,
    bearer: Bearer,
    month: web::Path<String>,
) -> Result<web::Json<MonthMarginView>, ApiError> {
    let month: Period = month
        .parse()
        .map_err(|e| ApiError::bad_request(crate::error::ErrorCode::InvalidPathParameter, format!("`month`: {e}.")))?;
    let (first_day, last_day) = (month.first_day(ClosingDay::MonthEnd), month.last_day(ClosingDay::MonthEnd));
    let view = state
        .read_as(bearer, move |conn, actor| {
            let center = access::own_centre_row(conn, actor, Action::ViewCentrePay)?;
            let currency = center.currency();
            let money = |amount: i64| MoneyView::from(Money::new(amount, currency));
            let (from, to) = (start_of(&center, first_day)?, start_of(&center, last_day + TimeDelta::days(1))?);
            let pieces = time_entries::approved(conn, ApprovedScope::Centre { center: center.id, from, to })?;
            let labour = labour::cost_by_job(conn, &center, &pieces)?;
            let invoiced = invoices::invoiced_between(conn, center.id, first_day, last_day)?;
            let mut ids: Vec<Option<JobId>> =
                labour.keys().copied().map(Some).chain(invoiced.by_job.keys().copied()).collect();
            ids.sort_unstable();
            ids.dedup();
            let mut job_views = Vec::with_capacity(ids.len());
            for id in ids {
                let title = match id {
                    Some(id) => jobs::find(conn, id)?.map(|j| j.spec.title).unwrap_or_default(),
                    None => String::new(),
                };
                let revenue = invoiced.by_job.get(&id).copied().unwrap_or(0);
                let time = id.and_then(|id| labour.get(&id).copied()).unwrap_or_default();
                let cost = round_half_up(time.cost_sixtieths);
                job_views.push(JobMonthView {
                    job_id: id.map(|j| j.as_uuid()),
                    title,
                    revenue: money(revenue),
                    approved_minutes: time.minutes,
                    labour_cost: money(cost),
                    margin: money(revenue - cost),
                });
            }
            let revenue: i64 = invoiced.by_job.values().sum();
            let labour_cost = round_half_up(labour.values().map(|l| l.cost_sixtieths).sum());
            #[allow(clippy::cast_precision_loss)]
            let margin_percent = margin_per_mille(revenue, labour_cost).map(|m| m as f64 / 10.0);
            Ok(MonthMarginView {
                month: month.to_string(),
                first_day,
                last_day,
                revenue: money(revenue),
                invoices: invoiced.invoices,
                credit_notes: invoiced.credit_notes,
                approved_minutes: labour.values().map(|l| l.minutes).sum(),
                labour_cost: money(labour_cost),
                margin: money(revenue - labour_cost),
                margin_percent,
                jobs: job_views,
            })
        })
        .await?;
    Ok(web::Json(view))
}
