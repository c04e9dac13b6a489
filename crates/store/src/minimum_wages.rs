//! A centre's minimum hourly wages from a day on: Japan's regional minimums change
//! each autumn, and pay for work done on a day answers to the minimum of that day.
//! Before the first dated row, the minimum the centre was opened with holds.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use yui_domain::workforce::pay::Dated;
use yui_domain::{CenterId, Currency, Money, UserId};

use crate::ids::{from_db_time, parse_uuid, to_db_time};
use crate::schema::minimum_wages;
use crate::{DbConnection, StoreError};

/// A dated minimum as recorded: who set it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinimumWage {
    pub effective_from: NaiveDate,
    pub amount: Money,
    pub set_by: UserId,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = minimum_wages)]
struct MinimumWageRow {
    center_id: String,
    effective_from: String,
    amount_minor: i64,
    currency: String,
    set_by: String,
    created_at: NaiveDateTime,
}

pub(crate) fn parse_day(text: &str) -> Result<NaiveDate, StoreError> {
    text.parse().map_err(|e| StoreError::Corrupt(format!("date {text:?}: {e}")))
}

pub(crate) fn parse_money(amount: i64, currency: &str) -> Result<Money, StoreError> {
    let currency: Currency = currency.parse().map_err(|e| StoreError::Corrupt(format!("currency: {e}")))?;
    Ok(Money::new(amount, currency))
}

impl MinimumWageRow {
    fn into_record(self) -> Result<(CenterId, MinimumWage), StoreError> {
        Ok((
            parse_uuid(&self.center_id)?.into(),
            MinimumWage {
                effective_from: parse_day(&self.effective_from)?,
                amount: parse_money(self.amount_minor, &self.currency)?,
                set_by: parse_uuid(&self.set_by)?.into(),
                created_at: from_db_time(self.created_at),
            },
        ))
    }
}

/// The dated changes of each of these centres (for [`crate::centers`]).
pub(crate) fn changes_of(
    conn: &mut DbConnection,
    centers: impl Iterator<Item = CenterId>,
) -> Result<HashMap<CenterId, Vec<Dated<Money>>>, StoreError> {
    let ids: Vec<String> = centers.map(|c| c.to_string()).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut changes: HashMap<CenterId, Vec<Dated<Money>>> = HashMap::new();
    let rows = minimum_wages::table
        .filter(minimum_wages::center_id.eq_any(&ids))
        .order(minimum_wages::effective_from.asc())
        .select(MinimumWageRow::as_select())
        .load(conn)?;
    for row in rows {
        let (center, wage) = row.into_record()?;
        changes.entry(center).or_default().push(Dated { effective_from: wage.effective_from, value: wage.amount });
    }
    Ok(changes)
}

/// A centre's dated minimums, oldest first.
pub fn list(conn: &mut DbConnection, center: CenterId) -> Result<Vec<MinimumWage>, StoreError> {
    minimum_wages::table
        .filter(minimum_wages::center_id.eq(center.to_string()))
        .order(minimum_wages::effective_from.asc())
        .select(MinimumWageRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| row.into_record().map(|(_, wage)| wage))
        .collect()
}

/// Records a minimum from a day on; a minimum already dated that day is a
/// [`StoreError::Conflict`] (a recorded minimum is never rewritten).
pub fn insert(
    conn: &mut DbConnection,
    center: CenterId,
    effective_from: NaiveDate,
    amount: Money,
    set_by: UserId,
) -> Result<MinimumWage, StoreError> {
    let wage = MinimumWage { effective_from, amount, set_by, created_at: crate::now() };
    diesel::insert_into(minimum_wages::table)
        .values((
            minimum_wages::center_id.eq(center.to_string()),
            minimum_wages::effective_from.eq(effective_from.to_string()),
            minimum_wages::amount_minor.eq(amount.amount_minor),
            minimum_wages::currency.eq(amount.currency.as_str()),
            minimum_wages::set_by.eq(set_by.to_string()),
            minimum_wages::created_at.eq(to_db_time(wage.created_at)),
        ))
        .execute(conn)
        .map_err(|e| StoreError::from_write(e, "minimum_wages.effective_from"))?;
    Ok(wage)
}
