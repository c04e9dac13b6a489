//! What happens to an invoice after its draft: issuing (the centre's next number,
//! the issuer and recipient frozen, `invoice.issued`), recording its payment (the
//! amount due, exactly; `invoice.paid`), voiding a draft or an unpaid invoice, and
//! correcting an issued one with a credit note (返還インボイス), numbered in the same
//! series and never taking back more than a rate was invoiced.
//!
//! Issued invoices are never edited. Writes that read other rows first (what credit
//! notes took back) lock the invoice's row before reading; the rest are
//! compare-and-set on its version.

use actix_web::{post, web};
use chrono::{NaiveDate, TimeDelta};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::access::Action;
use yui_domain::flow::InvoiceAction;
use yui_domain::invoicing::{self, Line};
use yui_domain::{Actor, InvoiceId};
use yui_store::billing::{self, BillingSettings};
use yui_store::invoices::{self, Invoice, InvoiceKind, InvoiceLine, Issuer, NewInvoice, Payment};
use yui_store::{DbConnection, StoreError, centers, flow, organizations};

use super::invoices::{InvoiceLineRequest, InvoiceView, parse_lines, view_of};
use crate::access;
use crate::auth::Bearer;
use crate::error::{ApiError, ErrorCode};
use crate::extract::ValidJson;
use crate::flow_views::MoneyInput;
use crate::input;
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(issue_invoice).service(pay_invoice).service(void_invoice).service(credit_invoice);
}

/// The invoice (never a credit note: those are final once issued), if `action` is
/// allowed from its status.
fn invoice_for(
    conn: &mut DbConnection,
    actor: Actor,
    id: InvoiceId,
    action: InvoiceAction,
) -> Result<Invoice, ApiError> {
    let invoice = access::invoice(conn, actor, id, Action::Bill)?;
    if invoice.kind == InvoiceKind::CreditNote {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            "A credit note is final once issued; nothing more is done to it.",
        ));
    }
    invoice.status.apply(action).map_err(ApiError::invalid_transition)?;
    Ok(invoice)
}

fn billing_settings(conn: &mut DbConnection, invoice: &Invoice) -> Result<BillingSettings, ApiError> {
    billing::find(conn, invoice.center_id)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::BillingNotConfigured,
            "The centre's admins have not saved its billing settings (legal name, address, registration number).",
        )
    })
}

fn issuer(settings: &BillingSettings) -> Issuer {
    Issuer {
        name: settings.legal_name.clone(),
        address: settings.address.clone(),
        registration_number: settings.registration_number.to_string(),
    }
}

/// The jobs a credit note's lines may name: those its invoice's lines bill.
fn credited_jobs(invoice: &Invoice) -> Vec<yui_domain::JobId> {
    let mut jobs: Vec<_> = invoice.lines.iter().filter_map(|l| l.job_id).chain(invoice.job_id).collect();
    jobs.sort_unstable();
    jobs.dedup();
    jobs
}

fn reread(conn: &mut DbConnection, id: InvoiceId) -> Result<InvoiceView, ApiError> {
    let invoice = invoices::find(conn, id)?.ok_or_else(|| ApiError::not_found("invoice"))?;
    view_of(conn, invoice)
}

/// Issue a draft (the centre's directors and admins): it takes the centre's next
/// number, today's date, a due date after the payment terms, and the issuer's and
/// recipient's names as they are now; from then on it is never edited.
#[utoipa::path(
    tag = tags::INVOICES,
    security(("bearer_token" = []), ("api_key" = ["invoices:write"])),
    params(("id" = Uuid, Path, description = "The invoice's id.")),
    responses(
        (status = 200, description = "The issued invoice.", body = InvoiceView),
        (status = 409, description = "Not a draft (`invalid_state`), changed at the same moment (`version_conflict`), or the centre's billing settings are missing (`billing_not_configured`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The draft bills nothing (a total of zero).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/invoices/{id}/issue")]
async fn issue_invoice(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<InvoiceView>, ApiError> {
    let id = InvoiceId::from(id.into_inner());
    let view = state
        .write_as(bearer, move |conn, actor| {
            let invoice = invoice_for(conn, actor, id, InvoiceAction::Issue)?;
            let settings = billing_settings(conn, &invoice)?;
            if invoice.totals.total <= 0 {
                return Err(ApiError::invalid_field("lines", "zero_total", "the invoice bills nothing"));
            }
            let center = centers::find(conn, invoice.center_id)?.ok_or_else(|| ApiError::not_found("centre"))?;
            let recipient = organizations::find(conn, invoice.organization_id)?
                .ok_or_else(|| ApiError::not_found("organisation"))?;
            let today = center.today();
            // Taken last: the counter's row stays locked until this transaction ends.
            let number = invoices::next_number(conn, invoice.center_id)?;
            let issue = invoices::Issue {
                number,
                issued_on: today,
                due_on: today + TimeDelta::days(i64::from(settings.payment_terms_days)),
                issuer: &issuer(&settings),
                recipient_name: &recipient.name,
                tax_rounding: settings.tax_rounding,
                by: actor.user_id,
            };
            if !invoices::issue(conn, &invoice, &issue)? {
                return Err(StoreError::VersionConflict.into());
            }
            let issued = invoices::find(conn, id)?.ok_or_else(|| ApiError::not_found("invoice"))?;
            let details = json!({
                "invoice_id": id.to_string(), "number": number, "kind": "invoice", "total": issued.totals.total,
                "currency": issued.currency.as_str(), "due_on": issue.due_on.to_string(), "period": issued.period,
            });
            flow::record_invoice_event(conn, actor.user_id, &issued, "invoice_issued", details)?;
            view_of(conn, issued)
        })
        .await?;
    Ok(web::Json(view))
}

/// A payment received.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    /// Exactly the amount due (the total less what credit notes took back).
    #[validate(nested)]
    pub amount: MoneyInput,
    /// The day it arrived: not before the invoice was issued, not after today.
    pub paid_on: NaiveDate,
}

/// Record an issued invoice's payment (the centre's directors and admins).
#[utoipa::path(
    tag = tags::INVOICES,
    security(("bearer_token" = []), ("api_key" = ["invoices:write"])),
    params(("id" = Uuid, Path, description = "The invoice's id.")),
    request_body = PaymentRequest,
    responses(
        (status = 200, description = "The paid invoice.", body = InvoiceView),
        (status = 409, description = "Not an unpaid issued invoice (`invalid_state`), or changed at the same moment (`version_conflict`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/invoices/{id}/payments")]
async fn pay_invoice(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<PaymentRequest>,
) -> Result<web::Json<InvoiceView>, ApiError> {
    let id = InvoiceId::from(id.into_inner());
    let body = body.into_inner();
    let amount = body.amount.parse("amount")?;
    let paid_on = input::day("paid_on", body.paid_on)?;
    let view = state
        .write_as(bearer, move |conn, actor| {
            let invoice = invoice_for(conn, actor, id, InvoiceAction::Pay)?;
            invoices::lock(conn, id)?;
            let credited = invoices::credited_totals(conn, &[id])?.get(&id).copied().unwrap_or(0);
            let due = invoice.totals.total - credited;
            if amount.currency != invoice.currency || amount.amount_minor != due {
                return Err(ApiError::invalid_field(
                    "amount",
                    "amount_due",
                    format!("must be the amount due: {due} {}", invoice.currency),
                ));
            }
            let center = centers::find(conn, invoice.center_id)?.ok_or_else(|| ApiError::not_found("centre"))?;
            if paid_on > center.today() || invoice.issued_on.is_some_and(|issued| paid_on < issued) {
                return Err(ApiError::invalid_field(
                    "paid_on",
                    "out_of_range",
                    "must lie between the day the invoice was issued and today",
                ));
            }
            if !invoices::mark_paid(conn, &invoice, Payment { amount: due, paid_on })? {
                return Err(StoreError::VersionConflict.into());
            }
            let details = json!({
                "invoice_id": id.to_string(), "number": invoice.number, "total": due,
                "currency": invoice.currency.as_str(), "paid_on": paid_on.to_string(), "period": invoice.period,
            });
            flow::record_invoice_event(conn, actor.user_id, &invoice, "invoice_paid", details)?;
            reread(conn, id)
        })
        .await?;
    Ok(web::Json(view))
}

/// Why an invoice is voided, or a credit note issued.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidRequest {
    /// 1–500 characters.
    pub reason: String,
}

/// Void a draft, or an issued invoice that is unpaid and has no credit notes (the
/// centre's directors and admins). An issued invoice keeps its number, so the
/// series has no gap; the job may then be invoiced again.
#[utoipa::path(
    tag = tags::INVOICES,
    security(("bearer_token" = []), ("api_key" = ["invoices:write"])),
    params(("id" = Uuid, Path, description = "The invoice's id.")),
    request_body = VoidRequest,
    responses(
        (status = 200, description = "The void invoice.", body = InvoiceView),
        (status = 409, description = "Paid or void already (`invalid_state`), corrected by credit notes (`conflict`), or changed at the same moment (`version_conflict`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/invoices/{id}/void")]
async fn void_invoice(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<VoidRequest>,
) -> Result<web::Json<InvoiceView>, ApiError> {
    let id = InvoiceId::from(id.into_inner());
    let reason = input::required_text("reason", &body.into_inner().reason, 500)?;
    let view = state
        .write_as(bearer, move |conn, actor| {
            let invoice = invoice_for(conn, actor, id, InvoiceAction::Void)?;
            invoices::lock(conn, id)?;
            if invoices::credited_totals(conn, &[id])?.contains_key(&id) {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    "Credit notes already correct this invoice; correct it further with another credit note.",
                ));
            }
            if !invoices::void(conn, &invoice, &reason)? {
                return Err(StoreError::VersionConflict.into());
            }
            let details = json!({"invoice_id": id.to_string(), "number": invoice.number, "reason": reason});
            flow::record_invoice_event(conn, actor.user_id, &invoice, "invoice_voided", details)?;
            reread(conn, id)
        })
        .await?;
    Ok(web::Json(view))
}

/// A credit note's lines: what is taken back, before tax, per rate.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditNoteRequest {
    /// 1–100 lines; at each rate, no more than the invoice still holds.
    #[validate(nested)]
    pub lines: Vec<InvoiceLineRequest>,
    /// Why (1–500 characters): shown on the credit note.
    pub reason: String,
}

/// Correct an issued or paid invoice with a credit note (返還インボイス), issued at
/// once with the centre's next number (the centre's directors and admins).
#[utoipa::path(
    tag = tags::INVOICES,
    security(("bearer_token" = []), ("api_key" = ["invoices:write"])),
    params(("id" = Uuid, Path, description = "The invoice's id.")),
    request_body = CreditNoteRequest,
    responses(
        (status = 201, description = "The credit note.", body = InvoiceView),
        (status = 409, description = "Not issued or paid (`invalid_state`), or the centre's billing settings are missing (`billing_not_configured`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/invoices/{id}/credit-notes")]
async fn credit_invoice(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<CreditNoteRequest>,
) -> Result<(web::Json<InvoiceView>, actix_web::http::StatusCode), ApiError> {
    let id = InvoiceId::from(id.into_inner());
    let body = body.into_inner();
    let reason = input::required_text("reason", &body.reason, 500)?;
    let view = state
        .write_as(bearer, move |conn, actor| {
            let invoice = invoice_for(conn, actor, id, InvoiceAction::Credit)?;
            let settings = billing_settings(conn, &invoice)?;
            let billed = credited_jobs(&invoice);
            let lines = parse_lines(&body.lines, invoice.currency, settings.default_tax_rate, &billed)?;
            invoices::lock(conn, id)?;
            let earlier: Vec<Line> = invoices::credit_notes_of(conn, id)?
                .iter()
                .filter(|c| c.status != yui_domain::flow::InvoiceStatus::Void)
                .flat_map(|c| c.lines.iter().map(InvoiceLine::priced))
                .collect();
            let invoiced: Vec<Line> = invoice.lines.iter().map(InvoiceLine::priced).collect();
            let asked: Vec<Line> = lines.iter().map(InvoiceLine::priced).collect();
            invoicing::check_credit(&invoiced, &earlier, &asked)
                .map_err(|refused| ApiError::invalid_field("lines", "exceeds_invoice", refused))?;
            if asked.iter().all(|l| l.amount == 0) {
                return Err(ApiError::invalid_field("lines", "zero_total", "the credit note takes nothing back"));
            }
            let center = centers::find(conn, invoice.center_id)?.ok_or_else(|| ApiError::not_found("centre"))?;
            let issuer = issuer(&settings);
            let number = invoices::next_number(conn, invoice.center_id)?;
            let new = NewInvoice {
                center_id: invoice.center_id,
                organization_id: invoice.organization_id,
                job_id: invoice.job_id,
                period: invoice.period.as_deref(),
                bills: &[],
                kind: InvoiceKind::CreditNote,
                credits: Some(id),
                currency: invoice.currency,
                transaction_date: invoice.transaction_date,
                recipient_name: &invoice.recipient_name,
                tax_rounding: invoice.tax_rounding,
                lines: &lines,
                note: "",
                reason: Some(&reason),
                created_by: actor.user_id,
                issued: Some((number, center.today(), &issuer)),
            };
            let credit_note = invoices::insert(conn, &new)?;
            let issued = invoices::find(conn, credit_note)?.ok_or_else(|| ApiError::not_found("invoice"))?;
            let details = json!({
                "invoice_id": credit_note.to_string(), "number": number, "kind": "credit_note",
                "credits_invoice_id": id.to_string(), "total": issued.totals.total,
                "currency": issued.currency.as_str(),
            });
            flow::record_invoice_event(conn, actor.user_id, &issued, "invoice_issued", details)?;
            view_of(conn, issued)
        })
        .await?;
    Ok((web::Json(view), actix_web::http::StatusCode::CREATED))
}
