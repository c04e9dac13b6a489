//! Centres: the tenants. Everything a centre owns carries its id.
//!
//! A centre is loaded with its minimum wages over time (a handful of dated rows),
//! so every rule about pay has them at hand.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use yui_domain::workforce::earnings::ClosingDay;
use yui_domain::workforce::pay::MinimumWages;
use yui_domain::{CenterId, Currency, Money, PageLimit};

use crate::ids::{from_db_time, parse_uuid, to_db_time};
use crate::schema::centers;
use crate::{DbConnection, Page, StoreError, overfetch};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Center {
    pub id: CenterId,
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Where the centre is: its weeks and the default of its workers' windows.
    pub time_zone: Tz,
    /// The minimum it was opened with, then its dated changes.
    pub minimum_wages: MinimumWages,
    /// The most minutes a worker may log on one of the centre's calendar days.
    pub max_daily_minutes: u32,
    /// The day each pay period closes on.
    pub closing_day: ClosingDay,
    /// Whether fees of workers marked as contractors are withheld on.
    pub withholding_enabled: bool,
    pub created_at: DateTime<Utc>,
}

/// The most minutes a worker may log on one day, until the centre's admins change it.
pub const DEFAULT_MAX_DAILY_MINUTES: u32 = 8 * 60;

impl Center {
    /// Today's date in the centre's time zone.
    #[must_use]
    pub fn today(&self) -> NaiveDate {
        crate::now().with_timezone(&self.time_zone).date_naive()
    }

    /// The minimum hourly wage in force today.
    #[must_use]
    pub fn minimum_hourly_rate(&self) -> Money {
        self.minimum_wages.on(self.today())
    }

    /// The centre's currency.
    #[must_use]
    pub fn currency(&self) -> Currency {
        self.minimum_wages.starting.currency
    }
}

/// What it takes to open a centre.
#[derive(Debug, Clone)]
pub struct NewCenter {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub time_zone: Tz,
    pub minimum_hourly_rate: Money,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = centers)]
struct CenterRow {
    id: String,
    slug: String,
    name: String,
    description: String,
    time_zone: String,
    currency: String,
    minimum_hourly_rate: i64,
    created_at: NaiveDateTime,
    max_daily_minutes: i32,
    closing_day: i32,
    withholding_enabled: bool,
}

impl TryFrom<CenterRow> for Center {
    type Error = StoreError;
    fn try_from(row: CenterRow) -> Result<Self, StoreError> {
        let currency: Currency =
            row.currency.parse().map_err(|e| StoreError::Corrupt(format!("centre currency: {e}")))?;
        Ok(Center {
            id: parse_uuid(&row.id)?.into(),
            slug: row.slug,
            name: row.name,
            description: row.description,
            time_zone: crate::ids::parse_time_zone(&row.time_zone)?,
            minimum_wages: MinimumWages {
                starting: Money::new(row.minimum_hourly_rate, currency),
                changes: Vec::new(),
            },
            max_daily_minutes: u32::try_from(row.max_daily_minutes).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            closing_day: u32::try_from(row.closing_day)
                .ok()
                .and_then(ClosingDay::from_number)
                .ok_or_else(|| StoreError::Corrupt(format!("closing day {}", row.closing_day)))?,
            withholding_enabled: row.withholding_enabled,
            created_at: from_db_time(row.created_at),
        })
    }
}

/// Opens a centre. A taken slug is a [`StoreError::Conflict`].
pub fn insert(conn: &mut DbConnection, new: NewCenter) -> Result<Center, StoreError> {
    let center = Center {
        id: CenterId::generate(),
        slug: new.slug,
        name: new.name,
        description: new.description,
        time_zone: new.time_zone,
        minimum_wages: MinimumWages { starting: new.minimum_hourly_rate, changes: Vec::new() },
        max_daily_minutes: DEFAULT_MAX_DAILY_MINUTES,
        closing_day: ClosingDay::MonthEnd,
        withholding_enabled: false,
        created_at: crate::now(),
    };
    diesel::insert_into(centers::table)
        .values((
            centers::id.eq(center.id.to_string()),
            centers::slug.eq(&center.slug),
            centers::name.eq(&center.name),
            centers::description.eq(&center.description),
            centers::time_zone.eq(center.time_zone.name()),
            centers::currency.eq(new.minimum_hourly_rate.currency.as_str()),
            centers::minimum_hourly_rate.eq(new.minimum_hourly_rate.amount_minor),
            centers::created_at.eq(to_db_time(center.created_at)),
        ))
        .execute(conn)
        .map_err(|e| StoreError::from_write(e, "centers.slug"))?;
    Ok(center)
}

pub fn find(conn: &mut DbConnection, id: CenterId) -> Result<Option<Center>, StoreError> {
    let row =
        centers::table.filter(centers::id.eq(id.to_string())).select(CenterRow::as_select()).first(conn).optional()?;
    Ok(with_minimum_wages(conn, row.into_iter().collect())?.pop())
}

pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> Result<Option<Center>, StoreError> {
    let row = centers::table.filter(centers::slug.eq(slug)).select(CenterRow::as_select()).first(conn).optional()?;
    Ok(with_minimum_wages(conn, row.into_iter().collect())?.pop())
}

/// The centres of these rows, each with its dated minimum wages (one query).
fn with_minimum_wages(conn: &mut DbConnection, rows: Vec<CenterRow>) -> Result<Vec<Center>, StoreError> {
    let mut centers = rows.into_iter().map(Center::try_from).collect::<Result<Vec<_>, _>>()?;
    let mut changes = crate::minimum_wages::changes_of(conn, centers.iter().map(|c| c.id))?;
    for center in &mut centers {
        center.minimum_wages.changes = changes.remove(&center.id).unwrap_or_default();
    }
    Ok(centers)
}

/// A centre's pay settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaySettings {
    pub max_daily_minutes: u32,
    pub closing_day: ClosingDay,
    pub withholding_enabled: bool,
}

/// Saves the centre's pay settings.
pub fn set_pay_settings(conn: &mut DbConnection, id: CenterId, settings: PaySettings) -> Result<(), StoreError> {
    let number = |n: u32| i32::try_from(n).map_err(|e| StoreError::Corrupt(e.to_string()));
    diesel::update(centers::table.filter(centers::id.eq(id.to_string())))
        .set((
            centers::max_daily_minutes.eq(number(settings.max_daily_minutes)?),
            centers::closing_day.eq(number(settings.closing_day.number())?),
            centers::withholding_enabled.eq(settings.withholding_enabled),
        ))
        .execute(conn)?;
    Ok(())
}

/// All centres in creation order, one page after `after`.
pub fn list(conn: &mut DbConnection, after: Option<CenterId>, limit: PageLimit) -> Result<Page<Center>, StoreError> {
    let mut query = centers::table.select(CenterRow::as_select()).order(centers::id.asc()).into_boxed();
    if let Some(after) = after {
        query = query.filter(centers::id.gt(after.to_string()));
    }
    let rows = query.limit(overfetch(limit)).load(conn)?;
    Ok(Page::from_overfetch(with_minimum_wages(conn, rows)?, limit.get(), |c| c.id.as_uuid()))
}
