//! A job's margin for directors: what the client pays for it (the approved quote;
//! for an hourly job, its approved minutes at the quoted price per minute) against
//! the pay its approved time costs (each minute at its worker's rate of the day,
//! never below the minimum wage). Invoices are not issued yet, so the price is the
//! quoted one.

use std::collections::BTreeMap;

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use yui_domain::access::Action;
use yui_domain::flow::Pricing;
use yui_domain::workforce::earnings::{self, Worked, hourly_revenue, margin_per_mille, round_half_up};
use yui_domain::{JobId, Money, UserId};
use yui_store::quotes::{self, QuoteStatus};
use yui_store::{pay_rates, time_entries};

use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::flow_views::PricingName;
use crate::routes::tags;
use crate::state::AppState;
use crate::views::MoneyView;

pub fn configure(config: &mut ServiceConfig) {
    config.service(job_margin);
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
            let mut by_worker: BTreeMap<UserId, Vec<Worked>> = BTreeMap::new();
            let mut approved_minutes = 0;
            for piece in time_entries::approved_of_job(conn, job.id)? {
                approved_minutes += piece.minutes;
                let day = piece.started_at.with_timezone(&center.time_zone).date_naive();
                let worked =
                    Worked { job_id: job.id, task_id: piece.task_id, day, minutes: piece.minutes, late: false };
                by_worker.entry(piece.worker_id).or_default().push(worked);
            }
            let mut cost_sixtieths = 0_i64;
            for (worker, worked) in by_worker {
                let rates: Vec<_> = pay_rates::history(conn, worker)?.iter().map(pay_rates::PayRate::dated).collect();
                cost_sixtieths +=
                    earnings::statement(&worked, &rates, &center.minimum_wages, currency, false).exact_sixtieths;
            }
            let labour_cost = round_half_up(cost_sixtieths);
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
