//! Client invoices and credit notes.
//!
//! An invoice bills one completed job, or (monthly) a client organisation's jobs
//! completed in a month, a line each. `invoiced_jobs` holds the one invoice that
//! bills each job while it is not void: its primary key refuses a second, even when
//! two directors draft at the same moment; voiding frees the job.
//!
//! An invoice is a draft until a director issues it; issuing freezes in its row what
//! a qualified invoice must say (the issuer's name, address and registration number,
//! the recipient, the lines, the subtotal and tax per rate) and gives it the
//! centre's next number. Numbers come from one counter row per centre, advanced by
//! an upsert inside the issuing transaction: the row stays locked until commit, and
//! a transaction that fails gives its number back by rolling back, so numbers run
//! without gaps or duplicates even when two directors issue at once. Credit notes
//! are numbered in the same series.
//!
//! Every later change (paid, void, overdue) is a compare-and-set on the row's
//! version; writes that read other rows first (a credit note checks what earlier
//! ones took back, a payment what is still due) lock the invoice's row with
//! [`lock`] before reading.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::dsl::{Eq, Filter};
use diesel::prelude::*;
use yui_domain::flow::InvoiceStatus;
use yui_domain::invoicing::{self, Line, RateTotal, TaxRate, TaxRounding, Totals};
use yui_domain::{CenterId, Currency, InvoiceId, JobId, OrganizationId, PageLimit, Tenant, UserId};

use crate::ids::{from_db_time, parse_json, parse_status, parse_uuid, to_db_time, to_json};
use crate::minimum_wages::parse_day;
use crate::schema::{invoice_counters, invoice_lines, invoiced_jobs, invoices};
use crate::{DbConnection, Page, StoreError, overfetch};

/// An invoice, or a credit note correcting one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceKind {
    Invoice,
    CreditNote,
}

impl InvoiceKind {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            InvoiceKind::Invoice => "invoice",
            InvoiceKind::CreditNote => "credit_note",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [InvoiceKind::Invoice, InvoiceKind::CreditNote].into_iter().find(|k| k.as_str() == text)
    }
}

/// A line: an amount before tax at a rate; hourly work says its minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    pub description: String,
    /// The job the line bills, if any.
    pub job_id: Option<JobId>,
    pub minutes: Option<i64>,
    pub amount: i64,
    pub tax_rate: TaxRate,
}

impl InvoiceLine {
    #[must_use]
    pub fn priced(&self) -> Line {
        Line { amount: self.amount, rate: self.tax_rate }
    }
}

/// Who issued an invoice, as its qualified-invoice registration says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Issuer {
    pub name: String,
    pub address: String,
    pub registration_number: String,
}

/// A payment received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payment {
    pub amount: i64,
    pub paid_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub id: InvoiceId,
    pub center_id: CenterId,
    pub organization_id: OrganizationId,
    /// The job of a per-job invoice and its credit notes; `None` for a monthly one.
    pub job_id: Option<JobId>,
    /// The month (`YYYY-MM`) a monthly invoice bills.
    pub period: Option<String>,
    pub kind: InvoiceKind,
    /// The invoice a credit note corrects.
    pub credits: Option<InvoiceId>,
    pub status: InvoiceStatus,
    /// Set when issued.
    pub number: Option<i64>,
    pub currency: Currency,
    pub transaction_date: NaiveDate,
    pub issued_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    /// Frozen when issued.
    pub issuer: Option<Issuer>,
    pub recipient_name: String,
    pub tax_rounding: TaxRounding,
    pub totals: Totals,
    pub lines: Vec<InvoiceLine>,
    pub note: String,
    /// Why it was voided, or why a credit note was issued.
    pub reason: Option<String>,
    pub payment: Option<Payment>,
    /// When it was first found overdue.
    pub overdue_at: Option<DateTime<Utc>>,
    pub created_by: UserId,
    pub issued_by: Option<UserId>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = invoices)]
struct Row {
    id: String,
    center_id: String,
    organization_id: String,
    job_id: Option<String>,
    period: Option<String>,
    kind: String,
    credits_invoice_id: Option<String>,
    status: String,
    number: Option<i64>,
    currency: String,
    transaction_date: String,
    issued_on: Option<String>,
    due_on: Option<String>,
    issuer: Option<String>,
    recipient_name: String,
    tax_rounding: String,
    subtotal_standard: i64,
    tax_standard: i64,
    subtotal_reduced: i64,
    tax_reduced: i64,
    total: i64,
    note: String,
    reason: Option<String>,
    paid_amount: Option<i64>,
    paid_on: Option<String>,
    overdue_at: Option<NaiveDateTime>,
    created_by: String,
    issued_by: Option<String>,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = invoice_lines)]
struct LineRow {
    invoice_id: String,
    description: String,
    job_id: Option<String>,
    minutes: Option<i64>,
    amount: i64,
    tax_rate: i32,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("invoice: {what}"))
}

fn parse_line(row: LineRow) -> Result<(String, InvoiceLine), StoreError> {
    let tax_rate = TaxRate::from_percent(i64::from(row.tax_rate)).ok_or_else(|| corrupt("tax rate"))?;
    let job_id = row.job_id.as_deref().map(parse_uuid).transpose()?.map(Into::into);
    let line = InvoiceLine { description: row.description, job_id, minutes: row.minutes, amount: row.amount, tax_rate };
    Ok((row.invoice_id, line))
}

fn assemble(row: Row, lines: Vec<InvoiceLine>) -> Result<Invoice, StoreError> {
    let day = |text: Option<String>| text.as_deref().map(parse_day).transpose();
    let mut by_rate = Vec::new();
    for (rate, subtotal, tax) in [
        (TaxRate::Standard10, row.subtotal_standard, row.tax_standard),
        (TaxRate::Reduced8, row.subtotal_reduced, row.tax_reduced),
    ] {
        if lines.iter().any(|l| l.tax_rate == rate) {
            by_rate.push(RateTotal { rate, subtotal, tax });
        }
    }
    let issuer: Option<Issuer> = row.issuer.as_deref().map(parse_json).transpose()?;
    let payment = match (row.paid_amount, row.paid_on) {
        (Some(amount), Some(on)) => Some(Payment { amount, paid_on: parse_day(&on)? }),
        _ => None,
    };
    Ok(Invoice {
        id: parse_uuid(&row.id)?.into(),
        center_id: parse_uuid(&row.center_id)?.into(),
        organization_id: parse_uuid(&row.organization_id)?.into(),
        job_id: row.job_id.as_deref().map(parse_uuid).transpose()?.map(Into::into),
        period: row.period,
        kind: InvoiceKind::parse(&row.kind).ok_or_else(|| corrupt("kind"))?,
        credits: row.credits_invoice_id.as_deref().map(parse_uuid).transpose()?.map(Into::into),
        status: parse_status(&row.status, InvoiceStatus::parse)?,
        number: row.number,
        currency: row.currency.parse().map_err(|_| corrupt("currency"))?,
        transaction_date: parse_day(&row.transaction_date)?,
        issued_on: day(row.issued_on)?,
        due_on: day(row.due_on)?,
        issuer,
        recipient_name: row.recipient_name,
        tax_rounding: TaxRounding::parse(&row.tax_rounding).ok_or_else(|| corrupt("rounding"))?,
        totals: Totals {
            by_rate,
            subtotal: row.subtotal_standard + row.subtotal_reduced,
            tax: row.tax_standard + row.tax_reduced,
            total: row.total,
        },
        lines,
        note: row.note,
        reason: row.reason,
        payment,
        overdue_at: row.overdue_at.map(from_db_time),
        created_by: parse_uuid(&row.created_by)?.into(),
        issued_by: row.issued_by.as_deref().map(parse_uuid).transpose()?.map(Into::into),
        version: row.version,
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
    })
}

/// Rows with their lines, in the rows' order.
fn with_lines(conn: &mut DbConnection, rows: Vec<Row>) -> Result<Vec<Invoice>, StoreError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut lines: std::collections::HashMap<String, Vec<InvoiceLine>> = std::collections::HashMap::new();
    for row in invoice_lines::table
        .filter(invoice_lines::invoice_id.eq_any(&ids))
        .order((invoice_lines::invoice_id.asc(), invoice_lines::position.asc()))
        .select(LineRow::as_select())
        .load(conn)?
    {
        let (invoice, line) = parse_line(row)?;
        lines.entry(invoice).or_default().push(line);
    }
    rows.into_iter()
        .map(|row| {
            let own = lines.remove(&row.id).unwrap_or_default();
            assemble(row, own)
        })
        .collect()
}

/// The amounts of `lines` as the row stores them.
fn total_columns(totals: &Totals) -> (i64, i64, i64, i64) {
    let at = |rate: TaxRate| totals.by_rate.iter().find(|r| r.rate == rate).map_or((0, 0), |r| (r.subtotal, r.tax));
    let (standard, standard_tax) = at(TaxRate::Standard10);
    let (reduced, reduced_tax) = at(TaxRate::Reduced8);
    (standard, standard_tax, reduced, reduced_tax)
}

fn write_lines(conn: &mut DbConnection, id: InvoiceId, lines: &[InvoiceLine]) -> Result<(), StoreError> {
    diesel::delete(invoice_lines::table.filter(invoice_lines::invoice_id.eq(id.to_string()))).execute(conn)?;
    let rows = lines
        .iter()
        .enumerate()
        .map(|(position, line)| {
            Ok((
                invoice_lines::invoice_id.eq(id.to_string()),
                invoice_lines::position.eq(i32::try_from(position).map_err(|_| corrupt("position"))?),
                invoice_lines::description.eq(&line.description),
                invoice_lines::job_id.eq(line.job_id.map(|j| j.to_string())),
                invoice_lines::minutes.eq(line.minutes),
                invoice_lines::amount.eq(line.amount),
                invoice_lines::tax_rate.eq(i32::try_from(line.tax_rate.percent()).map_err(|_| corrupt("rate"))?),
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    crate::db::on_engine!(conn, |c| diesel::insert_into(invoice_lines::table).values(rows).execute(c))?;
    Ok(())
}

/// What a new invoice (a draft) or credit note (issued at once) holds.
#[derive(Debug, Clone)]
pub struct NewInvoice<'a> {
    pub center_id: CenterId,
    pub organization_id: OrganizationId,
    pub job_id: Option<JobId>,
    pub period: Option<&'a str>,
    /// The jobs it bills (none for a credit note): each may be billed by one live
    /// invoice only (`StoreError::Conflict` otherwise).
    pub bills: &'a [JobId],
    pub kind: InvoiceKind,
    pub credits: Option<InvoiceId>,
    pub currency: Currency,
    pub transaction_date: NaiveDate,
    pub recipient_name: &'a str,
    pub tax_rounding: TaxRounding,
    pub lines: &'a [InvoiceLine],
    pub note: &'a str,
    pub reason: Option<&'a str>,
    pub created_by: UserId,
    /// A credit note is issued as it is created: its number, day and issuer.
    pub issued: Option<(i64, NaiveDate, &'a Issuer)>,
}

/// Inserts an invoice and its lines; its totals are computed here, once.
pub fn insert(conn: &mut DbConnection, new: &NewInvoice<'_>) -> Result<InvoiceId, StoreError> {
    let id = InvoiceId::generate();
    let now = to_db_time(crate::now());
    let totals = invoicing::totals(&new.lines.iter().map(InvoiceLine::priced).collect::<Vec<_>>(), new.tax_rounding);
    let (standard, standard_tax, reduced, reduced_tax) = total_columns(&totals);
    let status = if new.issued.is_some() { InvoiceStatus::Issued } else { InvoiceStatus::Draft };
    let row = (
        (
            invoices::id.eq(id.to_string()),
            invoices::center_id.eq(new.center_id.to_string()),
            invoices::organization_id.eq(new.organization_id.to_string()),
            invoices::job_id.eq(new.job_id.map(|j| j.to_string())),
            invoices::period.eq(new.period),
            invoices::kind.eq(new.kind.as_str()),
            invoices::credits_invoice_id.eq(new.credits.map(|c| c.to_string())),
            invoices::status.eq(status.as_str()),
            invoices::number.eq(new.issued.map(|(n, _, _)| n)),
            invoices::currency.eq(new.currency.as_str()),
            invoices::transaction_date.eq(new.transaction_date.to_string()),
            invoices::issued_on.eq(new.issued.map(|(_, on, _)| on.to_string())),
            invoices::issuer.eq(new.issued.map(|(_, _, i)| to_json(i)).transpose()?),
        ),
        (
            invoices::recipient_name.eq(new.recipient_name),
            invoices::tax_rounding.eq(new.tax_rounding.as_str()),
            invoices::subtotal_standard.eq(standard),
            invoices::tax_standard.eq(standard_tax),
            invoices::subtotal_reduced.eq(reduced),
            invoices::tax_reduced.eq(reduced_tax),
            invoices::total.eq(totals.total),
            invoices::note.eq(new.note),
            invoices::reason.eq(new.reason),
            invoices::created_by.eq(new.created_by.to_string()),
            invoices::issued_by.eq(new.issued.map(|_| new.created_by.to_string())),
            invoices::version.eq(1_i64),
            invoices::created_at.eq(now),
            invoices::updated_at.eq(now),
        ),
    );
    crate::db::on_engine!(conn, |c| diesel::insert_into(invoices::table).values(row).execute(c))?;
    write_lines(conn, id, new.lines)?;
    let billed: Vec<_> = new
        .bills
        .iter()
        .map(|job| (invoiced_jobs::job_id.eq(job.to_string()), invoiced_jobs::invoice_id.eq(id.to_string())))
        .collect();
    if !billed.is_empty() {
        crate::db::on_engine!(conn, |c| diesel::insert_into(invoiced_jobs::table).values(billed).execute(c))
            .map_err(|e| StoreError::from_write(e, "invoiced_jobs"))?;
    }
    Ok(id)
}

/// The invoice, with its lines.
pub fn find(conn: &mut DbConnection, id: InvoiceId) -> Result<Option<Invoice>, StoreError> {
    let rows = invoices::table.filter(invoices::id.eq(id.to_string())).select(Row::as_select()).load(conn)?;
    Ok(with_lines(conn, rows)?.pop())
}

/// The jobs an invoice bills while it is not void.
pub fn billed_jobs(conn: &mut DbConnection, invoice: InvoiceId) -> Result<Vec<JobId>, StoreError> {
    let ids: Vec<String> = invoiced_jobs::table
        .filter(invoiced_jobs::invoice_id.eq(invoice.to_string()))
        .order(invoiced_jobs::job_id.asc())
        .select(invoiced_jobs::job_id)
        .load(conn)?;
    ids.iter().map(|id| parse_uuid(id).map(Into::into)).collect()
}

/// Whether the organisation ever posted a job to the centre (is its client).
pub fn is_client_of(
    conn: &mut DbConnection,
    center: CenterId,
    organization: OrganizationId,
) -> Result<bool, StoreError> {
    use crate::schema::jobs;
    let found: Option<String> = jobs::table
        .filter(jobs::center_id.eq(center.to_string()))
        .filter(jobs::organization_id.eq(organization.to_string()))
        .select(jobs::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// The centre's completed jobs of an organisation that no live invoice bills.
pub fn unbilled_completed_jobs(
    conn: &mut DbConnection,
    center: CenterId,
    organization: OrganizationId,
) -> Result<Vec<JobId>, StoreError> {
    use crate::schema::jobs;
    let ids: Vec<String> = jobs::table
        .filter(jobs::center_id.eq(center.to_string()))
        .filter(jobs::organization_id.eq(organization.to_string()))
        .filter(jobs::status.eq(yui_domain::flow::JobStatus::Completed.as_str()))
        .filter(jobs::id.ne_all(invoiced_jobs::table.select(invoiced_jobs::job_id)))
        .order(jobs::id.asc())
        .select(jobs::id)
        .load(conn)?;
    ids.iter().map(|id| parse_uuid(id).map(Into::into)).collect()
}

/// The credit notes of an invoice, oldest first.
pub fn credit_notes_of(conn: &mut DbConnection, invoice: InvoiceId) -> Result<Vec<Invoice>, StoreError> {
    let rows = invoices::table
        .filter(invoices::credits_invoice_id.eq(invoice.to_string()))
        .order(invoices::id.asc())
        .select(Row::as_select())
        .load(conn)?;
    with_lines(conn, rows)
}

/// What credit notes took back from each of `ids` (tax included); invoices
/// without credit notes are absent.
pub fn credited_totals(
    conn: &mut DbConnection,
    ids: &[InvoiceId],
) -> Result<std::collections::HashMap<InvoiceId, i64>, StoreError> {
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows: Vec<(Option<String>, i64)> = invoices::table
        .filter(invoices::credits_invoice_id.eq_any(&ids))
        .filter(invoices::status.ne(InvoiceStatus::Void.as_str()))
        .select((invoices::credits_invoice_id, invoices::total))
        .load(conn)?;
    let mut totals = std::collections::HashMap::new();
    for (credited, total) in rows {
        let Some(credited) = credited else { continue };
        *totals.entry(parse_uuid(&credited)?.into()).or_insert(0) += total;
    }
    Ok(totals)
}

/// What a centre invoiced between two days (issue dates, inclusive), per job: the
/// amounts before tax of the lines of its invoices that are not void, less those of
/// its credit notes. A line names its job, or takes its invoice's; lines of a
/// monthly invoice's credit notes may name none (`None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invoiced {
    pub by_job: std::collections::BTreeMap<Option<JobId>, i64>,
    pub invoices: i64,
    pub credit_notes: i64,
}

pub fn invoiced_between(
    conn: &mut DbConnection,
    center: CenterId,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Invoiced, StoreError> {
    let rows = invoices::table
        .filter(invoices::center_id.eq(center.to_string()))
        .filter(invoices::status.eq_any([InvoiceStatus::Issued.as_str(), InvoiceStatus::Paid.as_str()]))
        .filter(invoices::issued_on.ge(first.to_string()))
        .filter(invoices::issued_on.le(last.to_string()))
        .select(Row::as_select())
        .load(conn)?;
    let mut invoiced = Invoiced::default();
    for invoice in with_lines(conn, rows)? {
        let sign = match invoice.kind {
            InvoiceKind::Invoice => {
                invoiced.invoices += 1;
                1
            }
            InvoiceKind::CreditNote => {
                invoiced.credit_notes += 1;
                -1
            }
        };
        for line in &invoice.lines {
            *invoiced.by_job.entry(line.job_id.or(invoice.job_id)).or_insert(0) += sign * line.amount;
        }
    }
    Ok(invoiced)
}

/// Which invoices a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct InvoiceFilter {
    pub status: Option<InvoiceStatus>,
    pub kind: Option<InvoiceKind>,
    pub job: Option<JobId>,
    /// Issued on or after this day.
    pub issued_from: Option<NaiveDate>,
    /// Issued on or before this day.
    pub issued_to: Option<NaiveDate>,
}

/// A page of a tenant's invoices, oldest first: a centre's all, an organisation's
/// those that were issued (never a draft, nor a draft voided).
pub fn list(
    conn: &mut DbConnection,
    tenant: Tenant,
    filter: InvoiceFilter,
    after: Option<InvoiceId>,
    limit: PageLimit,
) -> Result<Page<Invoice>, StoreError> {
    let mut query = invoices::table.select(Row::as_select()).order(invoices::id.asc()).into_boxed();
    query = match tenant {
        Tenant::Center(center) => query.filter(invoices::center_id.eq(center.to_string())),
        Tenant::Organization(org) => {
            query.filter(invoices::organization_id.eq(org.to_string())).filter(invoices::number.is_not_null())
        }
    };
    if let Some(status) = filter.status {
        query = query.filter(invoices::status.eq(status.as_str()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(invoices::kind.eq(kind.as_str()));
    }
    if let Some(job) = filter.job {
        let with_line =
            invoice_lines::table.filter(invoice_lines::job_id.eq(job.to_string())).select(invoice_lines::invoice_id);
        query = query.filter(invoices::job_id.eq(job.to_string()).or(invoices::id.eq_any(with_line)));
    }
    if let Some(from) = filter.issued_from {
        query = query.filter(invoices::issued_on.ge(from.to_string()));
    }
    if let Some(to) = filter.issued_to {
        query = query.filter(invoices::issued_on.le(to.to_string()));
    }
    if let Some(after) = after {
        query = query.filter(invoices::id.gt(after.to_string()));
    }
    let rows = query.limit(overfetch(limit)).load(conn)?;
    let items = with_lines(conn, rows)?;
    Ok(Page::from_overfetch(items, limit.get(), |i| i.id.as_uuid()))
}

/// Locks the invoice's row until the transaction ends (PostgreSQL; SQLite's
/// writers are serialised already), for the writes that read its credit notes or
/// what is due before writing.
pub fn lock(conn: &mut DbConnection, id: InvoiceId) -> Result<(), StoreError> {
    if let DbConnection::Postgresql(pg) = conn {
        invoices::table
            .filter(invoices::id.eq(id.to_string()))
            .select(invoices::id)
            .for_no_key_update()
            .load::<String>(pg)?;
    }
    Ok(())
}

/// The centre's next invoice number. The counter's row stays locked until the
/// transaction ends; if it rolls back, so does the number.
pub fn next_number(conn: &mut DbConnection, center: CenterId) -> Result<i64, StoreError> {
    use invoice_counters::dsl as n;
    crate::db::on_engine!(conn, |c| diesel::insert_into(invoice_counters::table)
        .values((n::center_id.eq(center.to_string()), n::last_number.eq(1_i64)))
        .on_conflict(n::center_id)
        .do_update()
        .set(n::last_number.eq(n::last_number + 1_i64))
        .execute(c))?;
    Ok(invoice_counters::table.filter(n::center_id.eq(center.to_string())).select(n::last_number).first(conn)?)
}

/// Replaces a draft's lines and note, if it is still the draft at `version`.
pub fn edit_draft(
    conn: &mut DbConnection,
    invoice: &Invoice,
    lines: &[InvoiceLine],
    note: &str,
) -> Result<bool, StoreError> {
    let totals = invoicing::totals(&lines.iter().map(InvoiceLine::priced).collect::<Vec<_>>(), invoice.tax_rounding);
    let (standard, standard_tax, reduced, reduced_tax) = total_columns(&totals);
    let changed = diesel::update(current(invoice, InvoiceStatus::Draft))
        .set((
            invoices::subtotal_standard.eq(standard),
            invoices::tax_standard.eq(standard_tax),
            invoices::subtotal_reduced.eq(reduced),
            invoices::tax_reduced.eq(reduced_tax),
            invoices::total.eq(totals.total),
            invoices::note.eq(note),
            invoices::version.eq(invoice.version + 1),
            invoices::updated_at.eq(to_db_time(crate::now())),
        ))
        .execute(conn)?;
    if changed == 1 {
        write_lines(conn, invoice.id, lines)?;
    }
    Ok(changed == 1)
}

/// The row as it was read: same status, same version.
type Current = Filter<
    Filter<Filter<invoices::table, Eq<invoices::id, String>>, Eq<invoices::status, &'static str>>,
    Eq<invoices::version, i64>,
>;

fn current(invoice: &Invoice, status: InvoiceStatus) -> Current {
    invoices::table
        .filter(invoices::id.eq(invoice.id.to_string()))
        .filter(invoices::status.eq(status.as_str()))
        .filter(invoices::version.eq(invoice.version))
}

/// What issuing writes.
#[derive(Debug, Clone)]
pub struct Issue<'a> {
    pub number: i64,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub issuer: &'a Issuer,
    pub recipient_name: &'a str,
    pub tax_rounding: TaxRounding,
    pub by: UserId,
}

/// Issues a draft still at its version: numbered, dated and frozen, its totals
/// computed once more with the rounding of the day.
pub fn issue(conn: &mut DbConnection, invoice: &Invoice, issue: &Issue<'_>) -> Result<bool, StoreError> {
    let priced: Vec<Line> = invoice.lines.iter().map(InvoiceLine::priced).collect();
    let totals = invoicing::totals(&priced, issue.tax_rounding);
    let (standard, standard_tax, reduced, reduced_tax) = total_columns(&totals);
    let changed = diesel::update(current(invoice, InvoiceStatus::Draft))
        .set((
            (
                invoices::status.eq(InvoiceStatus::Issued.as_str()),
                invoices::number.eq(issue.number),
                invoices::issued_on.eq(issue.issued_on.to_string()),
                invoices::due_on.eq(issue.due_on.to_string()),
                invoices::issuer.eq(to_json(issue.issuer)?),
                invoices::recipient_name.eq(issue.recipient_name),
                invoices::tax_rounding.eq(issue.tax_rounding.as_str()),
            ),
            (
                invoices::subtotal_standard.eq(standard),
                invoices::tax_standard.eq(standard_tax),
                invoices::subtotal_reduced.eq(reduced),
                invoices::tax_reduced.eq(reduced_tax),
                invoices::total.eq(totals.total),
                invoices::issued_by.eq(issue.by.to_string()),
                invoices::version.eq(invoice.version + 1),
                invoices::updated_at.eq(to_db_time(crate::now())),
            ),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Records the payment of an issued invoice still at its version.
pub fn mark_paid(conn: &mut DbConnection, invoice: &Invoice, payment: Payment) -> Result<bool, StoreError> {
    let changed = diesel::update(current(invoice, InvoiceStatus::Issued))
        .set((
            invoices::status.eq(InvoiceStatus::Paid.as_str()),
            invoices::paid_amount.eq(payment.amount),
            invoices::paid_on.eq(payment.paid_on.to_string()),
            invoices::version.eq(invoice.version + 1),
            invoices::updated_at.eq(to_db_time(crate::now())),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Voids a draft or an issued invoice still at its version (an issued one keeps
/// its number: the series has no gap), freeing the jobs it billed.
pub fn void(conn: &mut DbConnection, invoice: &Invoice, reason: &str) -> Result<bool, StoreError> {
    let changed = diesel::update(current(invoice, invoice.status))
        .set((
            invoices::status.eq(InvoiceStatus::Void.as_str()),
            invoices::reason.eq(reason),
            invoices::version.eq(invoice.version + 1),
            invoices::updated_at.eq(to_db_time(crate::now())),
        ))
        .execute(conn)?;
    if changed == 1 {
        diesel::delete(invoiced_jobs::table.filter(invoiced_jobs::invoice_id.eq(invoice.id.to_string())))
            .execute(conn)?;
    }
    Ok(changed == 1)
}

/// Issued invoices not yet found overdue whose due date is before `day` (the
/// latest "today" of any time zone; callers check each centre's own today).
pub fn possibly_overdue(conn: &mut DbConnection, day: NaiveDate, limit: i64) -> Result<Vec<Invoice>, StoreError> {
    let rows = invoices::table
        .filter(invoices::status.eq(InvoiceStatus::Issued.as_str()))
        .filter(invoices::kind.eq(InvoiceKind::Invoice.as_str()))
        .filter(invoices::overdue_at.is_null())
        .filter(invoices::due_on.lt(day.to_string()))
        .order(invoices::id.asc())
        .limit(limit)
        .select(Row::as_select())
        .load(conn)?;
    with_lines(conn, rows)
}

/// Marks the invoice overdue, once: `false` if something else did first or it
/// changed since it was read. Its version stays: nothing a caller edits changed.
pub fn mark_overdue(conn: &mut DbConnection, invoice: &Invoice, at: DateTime<Utc>) -> Result<bool, StoreError> {
    let changed = diesel::update(current(invoice, InvoiceStatus::Issued).filter(invoices::overdue_at.is_null()))
        .set(invoices::overdue_at.eq(to_db_time(at)))
        .execute(conn)?;
    Ok(changed == 1)
}
