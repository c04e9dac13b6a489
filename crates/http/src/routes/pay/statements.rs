//! Pay periods and earnings statements as JSON: a period's statements for
//! directors, a worker's own statement, and closing a period.
//!
//! An open period's statements are computed on each request; a closed one's are
//! read back frozen. Periods close in order, once they have ended; the first close
//! of a centre needs no approved time left unpaid before it.

use actix_web::{get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use yui_domain::access::Action;
use yui_domain::workforce::earnings::{Period, round_half_up};
use yui_domain::{Money, Template, UserId};
use yui_store::centers::Center;
use yui_store::outbox::NewMessage;
use yui_store::statements::{self, ClosedPeriod, FrozenLine, WorkerStatement};
use yui_store::{DbConnection, StoreError};

use crate::access;
use crate::auth::Bearer;
use crate::error::{ApiError, ErrorCode};
use crate::routes::tags;
use crate::state::AppState;
use crate::views::MoneyView;

pub fn configure(config: &mut ServiceConfig) {
    config.service(list_periods).service(get_period).service(close_period).service(worker_statement);
}

/// The rule every statement states.
pub const ROUNDING_RULE: &str =
    "Each line is exact (minutes × hourly rate ÷ 60); the total is rounded once per statement, to the yen, half up.";

/// Where a period stands: `open` (statements computed now), `closed` (frozen), or
/// `skipped` (before the centre's first closed period and never closed: its late
/// time is paid in the next open period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodStatus {
    Open,
    Closed,
    Skipped,
}

/// How a period stands, and for an open one whether earlier unpaid time is paid in
/// it (it is the one after the latest closed).
pub(super) enum Standing {
    Closed(ClosedPeriod),
    Open { earlier: bool },
    Skipped,
}

pub(super) fn parse_period(raw: &str) -> Result<Period, ApiError> {
    raw.parse().map_err(|e| ApiError::bad_request(ErrorCode::InvalidPathParameter, format!("`period`: {e}.")))
}

pub(super) fn standing(conn: &mut DbConnection, center: &Center, period: Period) -> Result<Standing, StoreError> {
    // The latest closed period first: a close committing between the two reads is
    // then seen by the second (the period itself), never half.
    let latest = statements::latest_closed(conn, center.id)?;
    Ok(match latest {
        Some(latest) if period <= latest.period => match statements::closed_period(conn, center.id, period)? {
            Some(closed) => Standing::Closed(closed),
            None => Standing::Skipped,
        },
        Some(latest) => Standing::Open { earlier: latest.period.next() == period },
        None => match statements::closed_period(conn, center.id, period)? {
            Some(closed) => Standing::Closed(closed),
            None => Standing::Open { earlier: false },
        },
    })
}

/// The statements of a period (one worker's, or everyone's).
pub(super) fn statements_of(
    conn: &mut DbConnection,
    center: &Center,
    period: Period,
    worker: Option<UserId>,
) -> Result<(PeriodStatus, Vec<WorkerStatement>), StoreError> {
    Ok(match standing(conn, center, period)? {
        Standing::Closed(_) => (PeriodStatus::Closed, statements::closed_statements(conn, center.id, period, worker)?),
        Standing::Skipped => (PeriodStatus::Skipped, Vec::new()),
        Standing::Open { earlier } => (
            PeriodStatus::Open,
            statements::compute_open(conn, center, period, worker, earlier)?.into_iter().map(|(s, _)| s).collect(),
        ),
    })
}

/// Sixtieths of the minor unit as a decimal with two places, half up (`25000` →
/// `"416.67"`).
#[must_use]
pub fn two_places(sixtieths: i64) -> String {
    let hundredths = round_half_up(sixtieths * 100);
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// One line of a statement.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementLineView {
    pub job_id: Uuid,
    pub job_title: String,
    pub task_id: Uuid,
    pub task_title: String,
    pub hourly_rate: MoneyView,
    pub minutes: i64,
    /// minutes × hourly rate: the exact amount in sixtieths of the minor unit.
    pub amount_sixtieths: i64,
    /// The exact amount to two decimals, for people (`"416.67"`).
    pub amount: String,
    /// Work of an earlier period, approved after it closed.
    pub adjustment: bool,
}

/// A worker's earnings statement for a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementView {
    pub worker_id: Uuid,
    pub display_name: String,
    pub period: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub status: PeriodStatus,
    /// By job and task, adjustments last.
    pub lines: Vec<StatementLineView>,
    pub minutes: i64,
    /// The exact total to two decimals, before rounding.
    pub exact_total: String,
    /// The total, rounded once.
    pub gross: MoneyView,
    /// `0` unless the worker is paid with withholding and the centre turned it on.
    pub withholding: MoneyView,
    /// What the worker is paid: gross − withholding.
    pub net: MoneyView,
    pub rounding: String,
}

fn line_view(line: FrozenLine, currency: yui_domain::Currency) -> StatementLineView {
    StatementLineView {
        job_id: line.job_id.as_uuid(),
        job_title: line.job_title,
        task_id: line.task_id.as_uuid(),
        task_title: line.task_title,
        hourly_rate: Money::new(line.hourly_rate, currency).into(),
        minutes: line.minutes,
        amount_sixtieths: line.amount_sixtieths,
        amount: two_places(line.amount_sixtieths),
        adjustment: line.late,
    }
}

pub(super) fn statement_view(
    statement: WorkerStatement,
    period: Period,
    center: &Center,
    status: PeriodStatus,
) -> StatementView {
    let currency = statement.gross.currency;
    let mut lines: Vec<StatementLineView> = statement.lines.into_iter().map(|l| line_view(l, currency)).collect();
    lines.sort_by_key(|l| l.adjustment);
    StatementView {
        worker_id: statement.worker_id.as_uuid(),
        display_name: statement.display_name,
        period: period.to_string(),
        first_day: period.first_day(center.closing_day),
        last_day: period.last_day(center.closing_day),
        status,
        lines,
        minutes: statement.minutes,
        exact_total: two_places(statement.exact_sixtieths),
        gross: statement.gross.into(),
        withholding: statement.withholding.into(),
        net: statement.net.into(),
        rounding: ROUNDING_RULE.to_owned(),
    }
}

/// A worker's totals in a period's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementSummary {
    pub worker_id: Uuid,
    pub display_name: String,
    pub minutes: i64,
    pub gross: MoneyView,
    pub withholding: MoneyView,
    pub net: MoneyView,
}

/// A pay period and its statements.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayPeriodView {
    pub period: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub status: PeriodStatus,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<Uuid>,
    /// Every worker with approved time to be paid in the period, by name.
    pub statements: Vec<StatementSummary>,
    /// The sum of the statements' totals.
    pub gross: MoneyView,
    pub withholding: MoneyView,
    pub net: MoneyView,
}

fn period_view(conn: &mut DbConnection, center: &Center, period: Period) -> Result<PayPeriodView, ApiError> {
    let closed = statements::closed_period(conn, center.id, period)?;
    let (status, list) = statements_of(conn, center, period, None)?;
    let currency = center.currency();
    let sum = |f: fn(&WorkerStatement) -> i64| Money::new(list.iter().map(f).sum(), currency).into();
    let (gross, withholding, net) =
        (sum(|s| s.gross.amount_minor), sum(|s| s.withholding.amount_minor), sum(|s| s.net.amount_minor));
    Ok(PayPeriodView {
        period: period.to_string(),
        first_day: period.first_day(center.closing_day),
        last_day: period.last_day(center.closing_day),
        status,
        closed_at: closed.as_ref().map(|c| c.closed_at),
        closed_by: closed.as_ref().map(|c| c.closed_by.as_uuid()),
        statements: list
            .into_iter()
            .map(|s| StatementSummary {
                worker_id: s.worker_id.as_uuid(),
                display_name: s.display_name,
                minutes: s.minutes,
                gross: s.gross.into(),
                withholding: s.withholding.into(),
                net: s.net.into(),
            })
            .collect(),
        gross,
        withholding,
        net,
    })
}

/// A closed pay period.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedPeriodView {
    pub period: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub closed_at: DateTime<Utc>,
    pub closed_by: Uuid,
}

/// The centre's pay periods at a glance.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayPeriodsView {
    /// 1–28, or 31 for the month's end.
    pub closing_day: u32,
    /// The period today falls in.
    pub current: String,
    /// The period to close next, once it has ended: the one after the latest closed
    /// (`null` before the first close, when any ended period may be the first).
    pub next_to_close: Option<String>,
    /// Every closed period, the latest first (twelve a year).
    pub closed: Vec<ClosedPeriodView>,
}

/// The centre's pay periods: the current one, the next to close, the closed ones
/// (the centre's directors and admins).
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    responses((status = 200, description = "The periods.", body = PayPeriodsView))
)]
#[get("/pay-periods")]
async fn list_periods(state: web::Data<AppState>, bearer: Bearer) -> Result<web::Json<PayPeriodsView>, ApiError> {
    let view = state
        .read_as(bearer, move |conn, actor| {
            let center = access::own_centre_row(conn, actor, Action::ViewCentrePay)?;
            let closed = statements::closed_periods(conn, center.id)?;
            Ok(PayPeriodsView {
                closing_day: center.closing_day.number(),
                current: Period::of(center.today(), center.closing_day).to_string(),
                next_to_close: closed.first().map(|latest| latest.period.next().to_string()),
                closed: closed
                    .into_iter()
                    .map(|c| ClosedPeriodView {
                        period: c.period.to_string(),
                        first_day: c.first_day,
                        last_day: c.last_day,
                        closed_at: c.closed_at,
                        closed_by: c.closed_by.as_uuid(),
                    })
                    .collect(),
            })
        })
        .await?;
    Ok(web::Json(view))
}

/// A pay period with every worker's statement totals (the centre's directors and
/// admins). An open period's are computed now; a closed one's are frozen.
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("period" = String, Path, description = "The month the period closes in, `YYYY-MM`.", pattern = r"^\d{4}-\d{2}$")),
    responses((status = 200, description = "The period and its statements.", body = PayPeriodView))
)]
#[get("/pay-periods/{period}")]
async fn get_period(
    state: web::Data<AppState>,
    bearer: Bearer,
    period: web::Path<String>,
) -> Result<web::Json<PayPeriodView>, ApiError> {
    let period = parse_period(&period)?;
    let view = state
        .read_as(bearer, move |conn, actor| {
            let center = access::own_centre_row(conn, actor, Action::ViewCentrePay)?;
            period_view(conn, &center, period)
        })
        .await?;
    Ok(web::Json(view))
}

fn refused(detail: String) -> ApiError {
    ApiError::new(ErrorCode::Conflict, detail)
}

/// Close a pay period (the centre's directors and admins): every worker's statement
/// is frozen with the time it pays. Periods close in order, after their last day.
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    params(("period" = String, Path, description = "The month the period closes in, `YYYY-MM`.", pattern = r"^\d{4}-\d{2}$")),
    responses(
        (status = 200, description = "The closed period and its statements.", body = PayPeriodView),
        (status = 409, description = "The period has not ended, an earlier one must close first (`conflict`), or it is closed already (`period_closed`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/pay-periods/{period}/close")]
async fn close_period(
    state: web::Data<AppState>,
    bearer: Bearer,
    period: web::Path<String>,
) -> Result<web::Json<PayPeriodView>, ApiError> {
    let period = parse_period(&period)?;
    let view = state
        .write_as(bearer, move |conn, actor| {
            let center = access::own_centre_row(conn, actor, Action::ClosePayPeriod)?;
            yui_store::locks::centre_pay(conn, center.id)?;
            let (first, last) = (period.first_day(center.closing_day), period.last_day(center.closing_day));
            if last >= center.today() {
                return Err(refused(format!(
                    "The period {period} ends on {last}: it can be closed from the day after."
                )));
            }
            // The unpaid approved time up to the period's end, read once: for the check
            // that nothing older waits, the workers to lock, and the statements.
            let unpaid = statements::unpaid(conn, center.id, None, statements::loading_bound(last))?;
            let earlier = match standing(conn, &center, period)? {
                Standing::Closed(closed) => return Err(ApiError::period_closed("period", closed.last_day)),
                Standing::Skipped => {
                    return Err(refused(format!("The period {period} comes before the centre's closed periods.")));
                }
                Standing::Open { earlier: true } => true,
                Standing::Open { earlier: false } => {
                    if let Some(latest) = statements::latest_closed(conn, center.id)? {
                        return Err(refused(format!("Close {} first: periods close in order.", latest.period.next())));
                    }
                    let tz = center.time_zone;
                    if let Some(day) =
                        unpaid.iter().map(|u| u.started_at.with_timezone(&tz).date_naive()).filter(|d| *d < first).min()
                    {
                        let owner = Period::of(day, center.closing_day);
                        return Err(refused(format!("Close {owner} first: it has approved time not yet paid.")));
                    }
                    false
                }
            };
            // Lock every worker paid, then read their rates: a rate change dated into
            // this period either lands before (and is paid) or is refused after. Time
            // approved after the read above is not paid now: it lands in the next
            // period as an adjustment.
            let _locks = yui_store::locks::workers(conn, unpaid.iter().map(|u| u.worker_id))?;
            let closed = ClosedPeriod {
                period,
                first_day: first,
                last_day: last,
                closed_by: actor.user_id,
                closed_at: yui_store::now(),
            };
            statements::insert_closed(conn, center.id, &closed).map_err(|e| match e {
                StoreError::Conflict { .. } => ApiError::period_closed("period", last),
                other => other.into(),
            })?;
            let (mut mails, mut frozen) = (Vec::new(), 0);
            for (statement, paid) in statements::statements_of(conn, &center, period, unpaid, earlier)? {
                statements::insert_statement(conn, &center, period, &statement, &paid)?;
                mails.extend(closed_mail(conn, &center, period, &statement)?);
                frozen += 1;
            }
            let details = serde_json::json!({
                "period": period.to_string(), "first_day": first.to_string(), "last_day": last.to_string(),
                "statements": frozen,
            });
            yui_store::flow::record_centre_event(conn, actor.user_id, center.id, "statement_closed", details)?;
            yui_store::outbox::enqueue(conn, &mails)?;
            period_view(conn, &center, period)
        })
        .await?;
    Ok(web::Json(view))
}

/// The e-mail telling a worker their statement is final (none for an inactive account).
fn closed_mail(
    conn: &mut DbConnection,
    center: &Center,
    period: Period,
    statement: &WorkerStatement,
) -> Result<Option<NewMessage>, StoreError> {
    let Some(worker) = yui_store::users::find(conn, statement.worker_id)?.filter(|u| u.active) else { return Ok(None) };
    Ok(Some(NewMessage {
        recipient_user: Some(worker.id),
        recipient: worker.email,
        locale: worker.locale,
        template: Template::StatementClosed,
        data: serde_json::json!({
            "recipient_name": worker.display_name,
            "center_name": center.name,
            "period": period.to_string(),
            "amount_minor": statement.net.amount_minor,
            "currency": statement.net.currency.as_str(),
            "path": format!("/v1/workers/{}/statements/{period}", worker.id),
        }),
        held: false,
    }))
}

/// A worker's earnings statement for a period (the worker; the centre's directors
/// and admins). `/csv` and `/html` give the same statement for spreadsheets and print.
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(
        ("id" = Uuid, Path, description = "The worker's id."),
        ("period" = String, Path, description = "The month the period closes in, `YYYY-MM`.", pattern = r"^\d{4}-\d{2}$"),
    ),
    responses((status = 200, description = "The statement.", body = StatementView))
)]
#[get("/workers/{id}/statements/{period}")]
async fn worker_statement(
    state: web::Data<AppState>,
    bearer: Bearer,
    path: web::Path<(Uuid, String)>,
) -> Result<web::Json<StatementView>, ApiError> {
    let (id, period) = path.into_inner();
    let (id, period) = (UserId::from(id), parse_period(&period)?);
    let view = state.read_as(bearer, move |conn, actor| one_statement(conn, actor, id, period)).await?;
    Ok(web::Json(view))
}

/// One worker's statement view, for the JSON and the documents.
pub(super) fn one_statement(
    conn: &mut DbConnection,
    actor: yui_domain::Actor,
    id: UserId,
    period: Period,
) -> Result<StatementView, ApiError> {
    let worker = access::worker(conn, actor, id, Action::ViewWorker)?;
    let center = access::actor_centre(conn, actor)?;
    let (status, mut list) = statements_of(conn, &center, period, Some(worker.id))?;
    let statement = list.pop().unwrap_or_else(|| WorkerStatement {
        worker_id: worker.id,
        display_name: worker.display_name.clone(),
        lines: Vec::new(),
        minutes: 0,
        exact_sixtieths: 0,
        gross: Money::new(0, center.currency()),
        withholding: Money::new(0, center.currency()),
        net: Money::new(0, center.currency()),
    });
    Ok(statement_view(statement, period, &center, status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_show_two_places_half_up() {
        assert_eq!(two_places(25_000), "416.67");
        assert_eq!(two_places(60_000), "1000.00");
        assert_eq!(two_places(1), "0.02");
        assert_eq!(two_places(0), "0.00");
    }
}
