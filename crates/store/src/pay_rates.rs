//! Each worker's hourly rate from a day on. Earnings use the rate in force on the
//! day the work was done, so a rate is never edited in place: a change is a new
//! dated row (a row for the same day replaces that day's rate, for a mistake
//! caught before the day's work is paid). Without any row, a worker earns the
//! centre's minimum in force.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use yui_domain::workforce::pay::{Dated, rate_on};
use yui_domain::{CenterId, Money, UserId};

use crate::centers::Center;
use crate::ids::{from_db_time, parse_uuid, to_db_time};
use crate::locks::WorkerLocks;
use crate::minimum_wages::{parse_day, parse_money};
use crate::schema::pay_rates;
use crate::{DbConnection, StoreError};

/// A dated rate as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayRate {
    pub worker_id: UserId,
    pub effective_from: NaiveDate,
    pub rate: Money,
    /// `None` for the rates carried over from profiles when rates became dated.
    pub set_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

impl PayRate {
    #[must_use]
    pub fn dated(&self) -> Dated<Money> {
        Dated { effective_from: self.effective_from, value: self.rate }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = pay_rates)]
struct PayRateRow {
    worker_id: String,
    effective_from: String,
    amount_minor: i64,
    currency: String,
    set_by: Option<String>,
    created_at: NaiveDateTime,
}

impl TryFrom<PayRateRow> for PayRate {
    type Error = StoreError;
    fn try_from(row: PayRateRow) -> Result<Self, StoreError> {
        Ok(PayRate {
            worker_id: parse_uuid(&row.worker_id)?.into(),
            effective_from: parse_day(&row.effective_from)?,
            rate: parse_money(row.amount_minor, &row.currency)?,
            set_by: row.set_by.as_deref().map(parse_uuid).transpose()?.map(Into::into),
            created_at: from_db_time(row.created_at),
        })
    }
}

/// A worker's dated rates, oldest first.
pub fn history(conn: &mut DbConnection, worker: UserId) -> Result<Vec<PayRate>, StoreError> {
    pay_rates::table
        .filter(pay_rates::worker_id.eq(worker.to_string()))
        .order(pay_rates::effective_from.asc())
        .select(PayRateRow::as_select())
        .load(conn)?
        .into_iter()
        .map(PayRate::try_from)
        .collect()
}

/// A worker's rate in force today (the centre's calendar): their latest dated rate,
/// or the minimum in force.
pub fn rate_today(conn: &mut DbConnection, center: &Center, worker: UserId) -> Result<Money, StoreError> {
    let rates: Vec<Dated<Money>> = history(conn, worker)?.iter().map(PayRate::dated).collect();
    Ok(rate_on(&rates, &center.minimum_wages, center.today()))
}

/// Every worker's dated rates in a centre, oldest first.
pub fn histories_in(conn: &mut DbConnection, center: CenterId) -> Result<HashMap<UserId, Vec<PayRate>>, StoreError> {
    let mut histories: HashMap<UserId, Vec<PayRate>> = HashMap::new();
    let rows = pay_rates::table
        .filter(pay_rates::center_id.eq(center.to_string()))
        .order((pay_rates::worker_id.asc(), pay_rates::effective_from.asc()))
        .select(PayRateRow::as_select())
        .load(conn)?;
    for row in rows {
        let rate = PayRate::try_from(row)?;
        histories.entry(rate.worker_id).or_default().push(rate);
    }
    Ok(histories)
}

/// Records a worker's rate from a day on (replacing a rate dated the same day), in
/// one upsert, under the worker's lock.
pub fn set(
    conn: &mut DbConnection,
    locks: &WorkerLocks,
    center: CenterId,
    rate: PayRate,
) -> Result<PayRate, StoreError> {
    locks.check(rate.worker_id)?;
    use diesel::upsert::excluded;
    let values = (
        pay_rates::worker_id.eq(rate.worker_id.to_string()),
        pay_rates::effective_from.eq(rate.effective_from.to_string()),
        pay_rates::center_id.eq(center.to_string()),
        pay_rates::amount_minor.eq(rate.rate.amount_minor),
        pay_rates::currency.eq(rate.rate.currency.as_str()),
        pay_rates::set_by.eq(rate.set_by.map(|u| u.to_string())),
        pay_rates::created_at.eq(to_db_time(rate.created_at)),
    );
    let replaced = (
        pay_rates::amount_minor.eq(excluded(pay_rates::amount_minor)),
        pay_rates::currency.eq(excluded(pay_rates::currency)),
        pay_rates::set_by.eq(excluded(pay_rates::set_by)),
        pay_rates::created_at.eq(excluded(pay_rates::created_at)),
    );
    crate::db::on_engine!(conn, |c| diesel::insert_into(pay_rates::table)
        .values(values)
        .on_conflict((pay_rates::worker_id, pay_rates::effective_from))
        .do_update()
        .set(replaced)
        .execute(c))?;
    Ok(rate)
}
