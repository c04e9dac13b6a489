//! Client invoices, read and drafted: a draft from a completed job (a fixed price
//! from the approved quote; an hourly job's approved minutes at the quoted price per
//! minute), or a monthly draft for a client organisation (a line per job completed
//! in the month and not billed yet), its lines edited while it is a draft, and the invoices a centre or a
//! client organisation reads. Issuing, payments, voiding and credit notes are in
//! `invoice_actions`; the documents in `invoice_documents`.

use std::collections::HashMap;

use actix_web::{get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::access::Action;
use yui_domain::flow::{InvoiceAction, InvoiceStatus, JobStatus, Pricing};
use yui_domain::invoicing::TaxRate;
use yui_domain::workforce::earnings::hourly_revenue;
use yui_domain::workforce::earnings::{ClosingDay, Period};
use yui_domain::{Currency, InvoiceId, JobId, Money, OrganizationId};
use yui_store::invoices::{self, Invoice, InvoiceFilter, InvoiceKind, InvoiceLine, NewInvoice};
use yui_store::jobs::Job;
use yui_store::quotes::{self, QuoteStatus};
use yui_store::time_entries::ApprovedScope;
use yui_store::{DbConnection, StoreError, billing, centers, jobs, organizations, time_entries};

use super::billing::TaxRoundingName;
use crate::access;
use crate::auth::Bearer;
use crate::error::{ApiError, ErrorCode};
use crate::extract::ValidJson;
use crate::flow_views::MoneyInput;
use crate::input;
use crate::pagination::{PageParams, Paginated};
use crate::routes::tags;
use crate::state::AppState;
use crate::views::MoneyView;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(draft_invoice)
        .service(draft_monthly_invoice)
        .service(edit_invoice)
        .service(read_invoice)
        .service(list_invoices);
}

/// An invoice, or a credit note (返還インボイス) correcting one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKindName {
    Invoice,
    CreditNote,
}

impl From<InvoiceKind> for InvoiceKindName {
    fn from(kind: InvoiceKind) -> Self {
        match kind {
            InvoiceKind::Invoice => Self::Invoice,
            InvoiceKind::CreditNote => Self::CreditNote,
        }
    }
}

impl From<InvoiceKindName> for InvoiceKind {
    fn from(kind: InvoiceKindName) -> Self {
        match kind {
            InvoiceKindName::Invoice => Self::Invoice,
            InvoiceKindName::CreditNote => Self::CreditNote,
        }
    }
}

/// `draft` (the centre edits it; clients do not see it), `issued` (numbered and
/// frozen), `paid` or `void`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatusName {
    Draft,
    Issued,
    Paid,
    Void,
}

impl From<InvoiceStatus> for InvoiceStatusName {
    fn from(status: InvoiceStatus) -> Self {
        match status {
            InvoiceStatus::Draft => Self::Draft,
            InvoiceStatus::Issued => Self::Issued,
            InvoiceStatus::Paid => Self::Paid,
            InvoiceStatus::Void => Self::Void,
        }
    }
}

impl From<InvoiceStatusName> for InvoiceStatus {
    fn from(status: InvoiceStatusName) -> Self {
        match status {
            InvoiceStatusName::Draft => Self::Draft,
            InvoiceStatusName::Issued => Self::Issued,
            InvoiceStatusName::Paid => Self::Paid,
            InvoiceStatusName::Void => Self::Void,
        }
    }
}

/// One line of an invoice.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceLineView {
    pub description: String,
    /// The job the line bills, if it names one.
    pub job_id: Option<Uuid>,
    /// For hourly work: the minutes billed.
    pub minutes: Option<i64>,
    /// Before tax.
    pub amount: MoneyView,
    /// 10 (standard) or 8 (reduced).
    pub tax_rate: i64,
}

/// The subtotal and consumption tax of one rate (tax computed once, on the subtotal).
#[derive(Debug, Serialize, ToSchema)]
pub struct RateTotalView {
    pub tax_rate: i64,
    pub subtotal: MoneyView,
    pub tax: MoneyView,
}

/// Who issued the invoice, as registered for qualified invoices.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuerView {
    pub legal_name: String,
    pub address: String,
    /// `T` + 13 digits.
    pub registration_number: String,
}

/// A payment received.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentView {
    pub amount: MoneyView,
    pub paid_on: NaiveDate,
}

/// An invoice or a credit note. Once issued, everything but its status is frozen.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceView {
    pub id: Uuid,
    pub kind: InvoiceKindName,
    /// For a credit note: the invoice it corrects.
    pub credits_invoice_id: Option<Uuid>,
    /// The job of a per-job invoice (and of its credit notes); `null` for a monthly
    /// invoice, whose lines name their jobs.
    pub job_id: Option<Uuid>,
    /// The month (`YYYY-MM`) a monthly invoice bills.
    pub period: Option<String>,
    pub organization_id: Uuid,
    pub status: InvoiceStatusName,
    /// Issued and unpaid after its due date (in the centre's calendar).
    pub overdue: bool,
    /// The centre's sequential number, shared by invoices and credit notes; `null`
    /// for a draft (and for a draft that was voided).
    pub number: Option<i64>,
    /// The day of the work billed (取引年月日): the day the job was completed.
    pub transaction_date: NaiveDate,
    pub issued_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    /// Set when issued.
    pub issuer: Option<IssuerView>,
    /// The client organisation, by name.
    pub recipient_name: String,
    pub tax_rounding: TaxRoundingName,
    pub lines: Vec<InvoiceLineView>,
    /// Per tax rate, standard first: the subtotal and its tax, rounded once.
    pub by_rate: Vec<RateTotalView>,
    pub subtotal: MoneyView,
    pub tax: MoneyView,
    /// Subtotal + tax.
    pub total: MoneyView,
    /// For an invoice: the totals of its credit notes (tax included).
    pub credited: Option<MoneyView>,
    /// For an issued invoice: what is still to be paid (total − credited).
    pub amount_due: Option<MoneyView>,
    pub payment: Option<PaymentView>,
    pub note: String,
    /// Why it was voided, or why a credit note was issued.
    pub reason: Option<String>,
    /// What may be done now: `edit`, `issue`, `pay`, `void`, `credit`.
    pub allowed_actions: Vec<String>,
    /// Increases with every change.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a view needs besides the invoice: the centre's today and what its credit
/// notes took back.
pub struct ViewContext {
    pub today: NaiveDate,
    pub credited: i64,
}

impl InvoiceView {
    #[must_use]
    pub fn new(invoice: Invoice, context: &ViewContext) -> Self {
        let currency = invoice.currency;
        let money = |amount: i64| MoneyView::from(Money::new(amount, currency));
        let is_invoice = invoice.kind == InvoiceKind::Invoice;
        let allowed_actions = if is_invoice {
            invoice.status.allowed_actions().iter().map(|a| a.as_str().to_owned()).collect()
        } else {
            Vec::new()
        };
        let unpaid = is_invoice && invoice.status == InvoiceStatus::Issued;
        Self {
            id: invoice.id.as_uuid(),
            kind: invoice.kind.into(),
            credits_invoice_id: invoice.credits.map(|c| c.as_uuid()),
            job_id: invoice.job_id.map(|j| j.as_uuid()),
            period: invoice.period,
            organization_id: invoice.organization_id.as_uuid(),
            status: invoice.status.into(),
            overdue: unpaid && invoice.due_on.is_some_and(|due| due < context.today),
            number: invoice.number,
            transaction_date: invoice.transaction_date,
            issued_on: invoice.issued_on,
            due_on: invoice.due_on,
            issuer: invoice.issuer.map(|i| IssuerView {
                legal_name: i.name,
                address: i.address,
                registration_number: i.registration_number,
            }),
            recipient_name: invoice.recipient_name,
            tax_rounding: invoice.tax_rounding.into(),
            lines: invoice
                .lines
                .into_iter()
                .map(|l| InvoiceLineView {
                    description: l.description,
                    job_id: l.job_id.map(|j| j.as_uuid()),
                    minutes: l.minutes,
                    amount: money(l.amount),
                    tax_rate: l.tax_rate.percent(),
                })
                .collect(),
            by_rate: invoice
                .totals
                .by_rate
                .iter()
                .map(|r| RateTotalView { tax_rate: r.rate.percent(), subtotal: money(r.subtotal), tax: money(r.tax) })
                .collect(),
            subtotal: money(invoice.totals.subtotal),
            tax: money(invoice.totals.tax),
            total: money(invoice.totals.total),
            credited: is_invoice.then(|| money(context.credited)),
            amount_due: unpaid.then(|| money(invoice.totals.total - context.credited)),
            payment: invoice.payment.map(|p| PaymentView { amount: money(p.amount), paid_on: p.paid_on }),
            note: invoice.note,
            reason: invoice.reason,
            allowed_actions,
            version: invoice.version,
            created_at: invoice.created_at,
            updated_at: invoice.updated_at,
        }
    }
}

/// The invoice as its view, with the centre's today and its credit notes.
pub fn view_of(conn: &mut DbConnection, invoice: Invoice) -> Result<InvoiceView, ApiError> {
    let center = centers::find(conn, invoice.center_id)?.ok_or_else(|| ApiError::not_found("centre"))?;
    let credited = invoices::credited_totals(conn, &[invoice.id])?.get(&invoice.id).copied().unwrap_or(0);
    Ok(InvoiceView::new(invoice, &ViewContext { today: center.today(), credited }))
}

/// One line as sent.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceLineRequest {
    /// What was done (1–200 characters).
    pub description: String,
    /// The job the line bills: one of the jobs the invoice bills (optional).
    pub job_id: Option<Uuid>,
    /// For hourly work: the minutes billed (0–1 000 000).
    #[validate(range(min = 0, max = 1_000_000))]
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub minutes: Option<i64>,
    /// Before tax, in the invoice's currency.
    #[validate(nested)]
    pub amount: MoneyInput,
    /// 10 (standard) or 8 (reduced); the centre's default when omitted.
    #[validate(range(min = 8, max = 10))]
    #[schema(minimum = 8, maximum = 10, example = 10)]
    pub tax_rate: Option<i64>,
}

/// The lines as the store keeps them: each checked, in the invoice's currency.
pub fn parse_lines(
    lines: &[InvoiceLineRequest],
    currency: Currency,
    default_rate: TaxRate,
    billed_jobs: &[JobId],
) -> Result<Vec<InvoiceLine>, ApiError> {
    if lines.is_empty() || lines.len() > 100 {
        return Err(ApiError::invalid_field("lines", "length", "must hold 1 to 100 lines"));
    }
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let field = |name: &str| format!("lines[{i}].{name}");
            let amount = line.amount.parse(&field("amount"))?;
            if amount.currency != currency {
                return Err(ApiError::invalid_field(
                    &field("amount.currency"),
                    "currency",
                    format!("must be the invoice's currency, {currency}"),
                ));
            }
            let tax_rate = match line.tax_rate {
                None => default_rate,
                Some(percent) => TaxRate::from_percent(percent)
                    .ok_or_else(|| ApiError::invalid_field(&field("tax_rate"), "tax_rate", "must be 10 or 8"))?,
            };
            let job_id = line.job_id.map(JobId::from);
            if job_id.is_some_and(|job| !billed_jobs.contains(&job)) {
                return Err(ApiError::invalid_field(&field("job_id"), "not_billed", "is not a job this invoice bills"));
            }
            Ok(InvoiceLine {
                description: input::required_text(&field("description"), &line.description, 200)?,
                job_id,
                minutes: line.minutes,
                amount: amount.amount_minor,
                tax_rate,
            })
        })
        .collect()
}

/// The one line of a completed job: its approved quote's price, or for an hourly
/// job its approved minutes at the quoted price per minute (rounded once, half up).
fn job_line(conn: &mut DbConnection, job: &Job, tax_rate: TaxRate) -> Result<(InvoiceLine, Currency), ApiError> {
    let quote = quotes::list_for_job(conn, job.id)?
        .into_iter()
        .find(|q| q.status == QuoteStatus::Approved)
        .ok_or_else(|| ApiError::new(ErrorCode::Conflict, "The job has no approved quote to invoice."))?;
    let price = quote.terms.price;
    let (minutes, amount) = match job.spec.pricing {
        Pricing::Fixed => (None, price.amount_minor),
        Pricing::Hourly => {
            let approved: i64 =
                time_entries::approved(conn, ApprovedScope::Job(job.id))?.iter().map(|p| p.minutes).sum();
            (Some(approved), hourly_revenue(approved, price.amount_minor, quote.terms.estimated_minutes))
        }
    };
    let line = InvoiceLine { description: job.spec.title.clone(), job_id: Some(job.id), minutes, amount, tax_rate };
    Ok((line, price.currency))
}

/// Draft a completed job's invoice (the centre's directors and admins).
#[utoipa::path(
    tag = tags::INVOICES,
    security(("bearer_token" = []), ("api_key" = ["invoices:write"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    responses(
        (status = 201, description = "The draft: one line from the approved quote (fixed) or the approved hours (hourly).", body = InvoiceView),
        (status = 409, description = "The job is not completed (`invalid_state`), or already has an invoice that is not void (`already_invoiced`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/jobs/{id}/invoices")]
async fn draft_invoice(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<(web::Json<InvoiceView>, actix_web::http::StatusCode), ApiError> {
    let id = JobId::from(id.into_inner());
    let view = state
        .write_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::Bill)?;
            if job.status != JobStatus::Completed {
                return Err(ApiError::new(
                    ErrorCode::InvalidState,
                    format!("A job is invoiced once it is completed; this one is {}.", job.status.as_str()),
                ));
            }
            // A job already billed is refused by the insert itself (`invoiced_jobs`).
            let center = centers::find(conn, job.center_id)?.ok_or_else(|| ApiError::not_found("centre"))?;
            let settings = billing::find(conn, job.center_id)?;
            let (default_rate, rounding) = settings
                .as_ref()
                .map_or((TaxRate::Standard10, Default::default()), |s| (s.default_tax_rate, s.tax_rounding));
            let (line, currency) = job_line(conn, &job, default_rate)?;
            let recipient =
                organizations::find(conn, job.organization_id)?.ok_or_else(|| ApiError::not_found("organisation"))?;
            let new = NewInvoice {
                center_id: job.center_id,
                organization_id: job.organization_id,
                job_id: Some(job.id),
                period: None,
                bills: &[job.id],
                kind: InvoiceKind::Invoice,
                credits: None,
                currency,
                transaction_date: job.updated_at.with_timezone(&center.time_zone).date_naive(),
                recipient_name: &recipient.name,
                tax_rounding: rounding,
                lines: &[line],
                note: "",
                reason: None,
                created_by: actor.user_id,
                issued: None,
            };
            let id = invoices::insert(conn, &new).map_err(|e| match e {
                StoreError::Conflict { .. } => already_invoiced(),
                other => other.into(),
            })?;
            let invoice = invoices::find(conn, id)?.ok_or_else(|| ApiError::not_found("invoice"))?;
            view_of(conn, invoice)
        })
        .await?;
    Ok((web::Json(view), actix_web::http::StatusCode::CREATED))
}

/// The month a monthly invoice bills.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonthlyInvoiceRequest {
    /// `YYYY-MM` (2000–2100): the month the jobs were completed in, in the centre's
    /// calendar.
    #[schema(pattern = r"^\d{4}-\d{2}$", example = "2026-11")]
    pub month: String,
}

/// Draft a client organisation's invoice for a month (the centre's directors and
/// admins): one line per job of theirs completed in that month that no invoice bills
/// yet, priced like a per-job draft.
#[utoipa::path(
    tag = tags::INVOICES,
    security(("bearer_token" = []), ("api_key" = ["invoices:write"])),
    params(("id" = Uuid, Path, description = "The client organisation's id.")),
    request_body = MonthlyInvoiceRequest,
    responses(
        (status = 201, description = "The draft, a line per job.", body = InvoiceView),
        (status = 409, description = "No completed job of theirs in that month awaits an invoice (`conflict`), or one was invoiced at the same moment (`already_invoiced`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organizations/{id}/invoices")]
async fn draft_monthly_invoice(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<MonthlyInvoiceRequest>,
) -> Result<(web::Json<InvoiceView>, actix_web::http::StatusCode), ApiError> {
    let organization = OrganizationId::from(id.into_inner());
    let month: Period =
        body.into_inner().month.parse().map_err(|refused| ApiError::invalid_field("month", "month", refused))?;
    let (first, last) = (month.first_day(ClosingDay::MonthEnd), month.last_day(ClosingDay::MonthEnd));
    let view = state
        .write_as(bearer, move |conn, actor| {
            let center = access::own_centre_row(conn, actor, Action::BillMonthly)?;
            // An organisation that never posted to this centre is not its client.
            if !invoices::is_client_of(conn, center.id, organization)? {
                return Err(ApiError::not_found("organisation"));
            }
            let recipient =
                organizations::find(conn, organization)?.ok_or_else(|| ApiError::not_found("organisation"))?;
            let settings = billing::find(conn, center.id)?;
            let (default_rate, rounding) = settings
                .as_ref()
                .map_or((TaxRate::Standard10, Default::default()), |s| (s.default_tax_rate, s.tax_rounding));
            let (mut lines, mut billed, mut latest) = (Vec::new(), Vec::new(), first);
            for job in invoices::unbilled_completed_jobs(conn, center.id, organization)? {
                let Some(job) = jobs::find(conn, job)? else { continue };
                let completed_on = job.updated_at.with_timezone(&center.time_zone).date_naive();
                if completed_on < first || completed_on > last {
                    continue;
                }
                let (line, currency) = job_line(conn, &job, default_rate)?;
                if currency != center.currency() {
                    return Err(ApiError::new(ErrorCode::Conflict, "A job was quoted in another currency."));
                }
                lines.push(line);
                billed.push(job.id);
                latest = latest.max(completed_on);
            }
            if lines.is_empty() {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!("No completed job of {} in {month} awaits an invoice.", recipient.name),
                ));
            }
            let period = month.to_string();
            let new = NewInvoice {
                center_id: center.id,
                organization_id: organization,
                job_id: None,
                period: Some(&period),
                bills: &billed,
                kind: InvoiceKind::Invoice,
                credits: None,
                currency: center.currency(),
                transaction_date: latest,
                recipient_name: &recipient.name,
                tax_rounding: rounding,
                lines: &lines,
                note: "",
                reason: None,
                created_by: actor.user_id,
                issued: None,
            };
            let id = invoices::insert(conn, &new).map_err(|e| match e {
                StoreError::Conflict { .. } => already_invoiced(),
                other => other.into(),
            })?;
            let invoice = invoices::find(conn, id)?.ok_or_else(|| ApiError::not_found("invoice"))?;
            view_of(conn, invoice)
        })
        .await?;
    Ok((web::Json(view), actix_web::http::StatusCode::CREATED))
}

fn already_invoiced() -> ApiError {
    ApiError::new(
        ErrorCode::AlreadyInvoiced,
        "The job already has an invoice that is not void: void the draft or the unpaid invoice first, or correct it with a credit note.",
    )
}

/// A draft's new lines and note.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditInvoiceRequest {
    /// Replace every line (1–100).
    #[validate(nested)]
    pub lines: Vec<InvoiceLineRequest>,
    /// Shown on the invoice (up to 1 000 characters).
    pub note: Option<String>,
    /// The version you read: a draft changed since is not overwritten (`409 version_conflict`).
    pub version: i64,
}

/// Edit a draft's lines and note (the centre's directors and admins).
#[utoipa::path(
    tag = tags::INVOICES,
    security(("bearer_token" = []), ("api_key" = ["invoices:write"])),
    params(("id" = Uuid, Path, description = "The invoice's id.")),
    request_body = EditInvoiceRequest,
    responses(
        (status = 200, description = "The draft, with its totals computed again.", body = InvoiceView),
        (status = 409, description = "It is no longer a draft (`invalid_state`: issued invoices are corrected with credit notes), or changed since `version` (`version_conflict`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/invoices/{id}")]
async fn edit_invoice(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<EditInvoiceRequest>,
) -> Result<web::Json<InvoiceView>, ApiError> {
    let id = InvoiceId::from(id.into_inner());
    let body = body.into_inner();
    let note = input::text("note", body.note.as_deref().unwrap_or(""), 1000)?;
    let view = state
        .write_as(bearer, move |conn, actor| {
            let invoice = access::invoice(conn, actor, id, Action::Bill)?;
            invoice.status.apply(InvoiceAction::Edit).map_err(ApiError::invalid_transition)?;
            if invoice.kind != InvoiceKind::Invoice || invoice.version != body.version {
                return Err(StoreError::VersionConflict.into());
            }
            let default_rate =
                billing::find(conn, invoice.center_id)?.map_or(TaxRate::Standard10, |s| s.default_tax_rate);
            let billed = invoices::billed_jobs(conn, invoice.id)?;
            let lines = parse_lines(&body.lines, invoice.currency, default_rate, &billed)?;
            if !invoices::edit_draft(conn, &invoice, &lines, &note)? {
                return Err(StoreError::VersionConflict.into());
            }
            let invoice = invoices::find(conn, id)?.ok_or_else(|| ApiError::not_found("invoice"))?;
            view_of(conn, invoice)
        })
        .await?;
    Ok(web::Json(view))
}

/// An invoice or credit note (the centre's directors and admins; the billed client
/// once it is issued).
#[utoipa::path(
    tag = tags::INVOICES,
    security(("bearer_token" = []), ("api_key" = ["invoices:read"])),
    params(("id" = Uuid, Path, description = "The invoice's id.")),
    responses((status = 200, description = "The invoice.", body = InvoiceView))
)]
#[get("/invoices/{id}")]
async fn read_invoice(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<InvoiceView>, ApiError> {
    let id = InvoiceId::from(id.into_inner());
    let view = state
        .read_as(bearer, move |conn, actor| {
            let invoice = access::invoice(conn, actor, id, Action::ViewInvoice)?;
            view_of(conn, invoice)
        })
        .await?;
    Ok(web::Json(view))
}

/// Narrows a list of invoices.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceFilterParams {
    /// Only invoices in this status.
    #[param(inline)]
    pub status: Option<InvoiceStatusName>,
    /// Only invoices, or only credit notes.
    #[param(inline)]
    pub kind: Option<InvoiceKindName>,
    /// Only this job's.
    pub job_id: Option<Uuid>,
    /// Only those issued on or after this day.
    pub issued_from: Option<NaiveDate>,
    /// Only those issued on or before this day.
    pub issued_to: Option<NaiveDate>,
}

/// Invoices and credit notes, oldest first: a centre's directors and admins see the
/// centre's, clients their organisation's (issued ones: never drafts).
#[utoipa::path(
    tag = tags::INVOICES,
    security(("bearer_token" = []), ("api_key" = ["invoices:read"])),
    params(InvoiceFilterParams, PageParams),
    responses((status = 200, description = "One page of invoices.", body = Paginated<InvoiceView>))
)]
#[get("/invoices")]
async fn list_invoices(
    state: web::Data<AppState>,
    bearer: Bearer,
    filter: web::Query<InvoiceFilterParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<InvoiceView>>, ApiError> {
    let filter = filter.into_inner();
    let page = page.parse()?;
    let filter = InvoiceFilter {
        status: filter.status.map(Into::into),
        kind: filter.kind.map(Into::into),
        job: filter.job_id.map(JobId::from),
        issued_from: filter.issued_from,
        issued_to: filter.issued_to,
    };
    let listed = state
        .read_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ListInvoices)?;
            let found = invoices::list(conn, actor.tenant, filter, page.after.map(InvoiceId::from), page.limit)?;
            let mut todays = HashMap::new();
            let mut views = Vec::with_capacity(found.items.len());
            for invoice in &found.items {
                if let std::collections::hash_map::Entry::Vacant(slot) = todays.entry(invoice.center_id) {
                    let center =
                        centers::find(conn, invoice.center_id)?.ok_or_else(|| ApiError::not_found("centre"))?;
                    slot.insert(center.today());
                }
            }
            let credited = invoices::credited_totals(conn, &found.items.iter().map(|i| i.id).collect::<Vec<_>>())?;
            for invoice in found.items.iter().cloned() {
                let context = ViewContext {
                    today: todays.get(&invoice.center_id).copied().unwrap_or_default(),
                    credited: credited.get(&invoice.id).copied().unwrap_or(0),
                };
                views.push(InvoiceView::new(invoice, &context));
            }
            Ok(Paginated { items: views, next_cursor: found.next_after.map(crate::pagination::encode_cursor) })
        })
        .await?;
    Ok(web::Json(listed))
}
