//! Quotes: a director's offer for a posted job (hours, price, delivery date). The
//! client approves one or rejects it; every quote is kept.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use yui_domain::{Currency, JobId, Money, QuoteId, UserId};

use crate::ids::{from_db_time, parse_uuid, to_db_time};
use crate::schema::quotes;
use crate::{DbConnection, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteStatus {
    Pending,
    Approved,
    Rejected,
}

impl QuoteStatus {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            QuoteStatus::Pending => "pending",
            QuoteStatus::Approved => "approved",
            QuoteStatus::Rejected => "rejected",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [QuoteStatus::Pending, QuoteStatus::Approved, QuoteStatus::Rejected].into_iter().find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteTerms {
    pub estimated_minutes: i64,
    pub price: Money,
    pub planned_delivery_at: DateTime<Utc>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub id: QuoteId,
    pub job_id: JobId,
    pub director_id: UserId,
    pub terms: QuoteTerms,
    pub status: QuoteStatus,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = quotes)]
struct QuoteRow {
    id: String,
    job_id: String,
    director_id: String,
    estimated_minutes: i64,
    price_amount: i64,
    currency: String,
    planned_delivery_at: NaiveDateTime,
    note: String,
    status: String,
    decision_reason: Option<String>,
    decided_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

impl TryFrom<QuoteRow> for Quote {
    type Error = StoreError;
    fn try_from(row: QuoteRow) -> Result<Self, StoreError> {
        let currency: Currency =
            row.currency.parse().map_err(|e| StoreError::Corrupt(format!("quote currency: {e}")))?;
        Ok(Quote {
            id: parse_uuid(&row.id)?.into(),
            job_id: parse_uuid(&row.job_id)?.into(),
            director_id: parse_uuid(&row.director_id)?.into(),
            terms: QuoteTerms {
                estimated_minutes: row.estimated_minutes,
                price: Money::new(row.price_amount, currency),
                planned_delivery_at: from_db_time(row.planned_delivery_at),
                note: row.note,
            },
            status: crate::ids::parse_status(&row.status, QuoteStatus::parse)?,
            decision_reason: row.decision_reason,
            decided_at: row.decided_at.map(from_db_time),
            created_at: from_db_time(row.created_at),
        })
    }
}

pub fn insert(
    conn: &mut DbConnection,
    job: &crate::jobs::Job,
    director: UserId,
    terms: QuoteTerms,
) -> Result<Quote, StoreError> {
    let quote = Quote {
        id: QuoteId::generate(),
        job_id: job.id,
        director_id: director,
        terms,
        status: QuoteStatus::Pending,
        decision_reason: None,
        decided_at: None,
        created_at: crate::now(),
    };
    diesel::insert_into(quotes::table)
        .values((
            quotes::id.eq(quote.id.to_string()),
            quotes::job_id.eq(job.id.to_string()),
            quotes::center_id.eq(job.center_id.to_string()),
            quotes::director_id.eq(director.to_string()),
            quotes::estimated_minutes.eq(quote.terms.estimated_minutes),
            quotes::price_amount.eq(quote.terms.price.amount_minor),
            quotes::currency.eq(quote.terms.price.currency.as_str()),
            quotes::planned_delivery_at.eq(to_db_time(quote.terms.planned_delivery_at)),
            quotes::note.eq(&quote.terms.note),
            quotes::status.eq(quote.status.as_str()),
            quotes::created_at.eq(to_db_time(quote.created_at)),
        ))
        .execute(conn)?;
    Ok(quote)
}

/// Every quote of a job, oldest first.
pub fn list_for_job(conn: &mut DbConnection, job: JobId) -> Result<Vec<Quote>, StoreError> {
    quotes::table
        .filter(quotes::job_id.eq(job.to_string()))
        .order(quotes::id.asc())
        .select(QuoteRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Quote::try_from)
        .collect()
}

/// Records the client's decision on the job's pending quote; returns it.
pub fn decide_pending(
    conn: &mut DbConnection,
    job: JobId,
    status: QuoteStatus,
    reason: Option<&str>,
) -> Result<Option<Quote>, StoreError> {
    let now = crate::now();
    let pending: Option<QuoteRow> = quotes::table
        .filter(quotes::job_id.eq(job.to_string()))
        .filter(quotes::status.eq(QuoteStatus::Pending.as_str()))
        .select(QuoteRow::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = pending else { return Ok(None) };
    diesel::update(quotes::table.filter(quotes::id.eq(&row.id)))
        .set((
            quotes::status.eq(status.as_str()),
            quotes::decision_reason.eq(reason),
            quotes::decided_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    let mut quote = Quote::try_from(row)?;
    quote.status = status;
    quote.decision_reason = reason.map(str::to_owned);
    quote.decided_at = Some(now);
    Ok(Some(quote))
}
