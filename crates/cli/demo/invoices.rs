//! The demo's billing: the centre's billing settings (a registration number with a
//! valid check digit), and the completed pilot job's invoice, issued as number
//! 000001 with a reduced-rate line for the snacks at its review, so the client sees a
//! qualified invoice with both tax rates. Written through the store as the API writes
//! it, the `invoice_issued` event included.

use chrono::TimeDelta;
use serde_json::json;
use yui_domain::flow::JobStatus;
use yui_domain::invoicing::{TaxRate, TaxRounding};
use yui_domain::{PageLimit, UserId};
use yui_store::billing::{self, BillingSettings};
use yui_store::centers::Center;
use yui_store::invoices::{self, InvoiceKind, InvoiceLine, Issuer, NewInvoice};
use yui_store::jobs::{self, JobScope};
use yui_store::quotes::{self, QuoteStatus};
use yui_store::{DbConnection, StoreError, flow, organizations};

pub fn seed(conn: &mut DbConnection, center: &Center, admin: UserId, director: UserId) -> Result<(), StoreError> {
    let settings = BillingSettings {
        legal_name: "一般社団法人 塩尻テレワークセンター KADO".into(),
        address: "長野県塩尻市大門八番町1-28".into(),
        registration_number: "T7000012050002".parse().map_err(|_| StoreError::Corrupt("demo registration".into()))?,
        default_tax_rate: TaxRate::Standard10,
        tax_rounding: TaxRounding::Down,
        payment_terms_days: 30,
        updated_by: admin,
        updated_at: yui_store::now(),
    };
    billing::save(conn, center.id, &settings)?;
    let completed =
        jobs::list(conn, JobScope::Center(center.id), Some(JobStatus::Completed), None, PageLimit::DEFAULT)?;
    let Some(pilot) = completed.items.into_iter().next() else { return Ok(()) };
    let Some(quote) = quotes::list_for_job(conn, pilot.id)?.into_iter().find(|q| q.status == QuoteStatus::Approved)
    else {
        return Ok(());
    };
    let recipient = organizations::find(conn, pilot.organization_id)?
        .ok_or_else(|| StoreError::Corrupt("the pilot's organisation".into()))?;
    let lines = [
        InvoiceLine {
            description: pilot.spec.title.clone(),
            job_id: Some(pilot.id),
            minutes: None,
            amount: quote.terms.price.amount_minor,
            tax_rate: TaxRate::Standard10,
        },
        InvoiceLine {
            description: "Snacks for the review meeting".into(),
            job_id: Some(pilot.id),
            minutes: None,
            amount: 1_255,
            tax_rate: TaxRate::Reduced8,
        },
    ];
    let today = center.today();
    let draft = NewInvoice {
        center_id: center.id,
        organization_id: pilot.organization_id,
        job_id: Some(pilot.id),
        period: None,
        bills: &[pilot.id],
        kind: InvoiceKind::Invoice,
        credits: None,
        currency: quote.terms.price.currency,
        transaction_date: pilot.updated_at.with_timezone(&center.time_zone).date_naive(),
        recipient_name: &recipient.name,
        tax_rounding: settings.tax_rounding,
        lines: &lines,
        note: "Thank you for the pilot.",
        reason: None,
        created_by: director,
        issued: None,
    };
    let id = invoices::insert(conn, &draft)?;
    let invoice = invoices::find(conn, id)?.ok_or_else(|| StoreError::Corrupt("the demo invoice".into()))?;
    let number = invoices::next_number(conn, center.id)?;
    let issuer = Issuer {
        name: settings.legal_name.clone(),
        address: settings.address.clone(),
        registration_number: settings.registration_number.to_string(),
    };
    let issue = invoices::Issue {
        number,
        issued_on: today,
        due_on: today + TimeDelta::days(i64::from(settings.payment_terms_days)),
        issuer: &issuer,
        recipient_name: &recipient.name,
        tax_rounding: settings.tax_rounding,
        by: director,
    };
    invoices::issue(conn, &invoice, &issue)?;
    let issued = invoices::find(conn, id)?.ok_or_else(|| StoreError::Corrupt("the demo invoice".into()))?;
    let details = json!({
        "invoice_id": id.to_string(), "number": number, "kind": "invoice", "total": issued.totals.total,
        "currency": issued.currency.as_str(), "due_on": issue.due_on.to_string(), "period": issued.period,
    });
    flow::record_invoice_event(conn, director, &issued, "invoice_issued", details)
}
