//! Centres: the tenants. Everything a centre owns carries its id.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
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
    pub minimum_hourly_rate: Money,
    pub created_at: DateTime<Utc>,
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
            minimum_hourly_rate: Money::new(row.minimum_hourly_rate, currency),
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
        minimum_hourly_rate: new.minimum_hourly_rate,
        created_at: crate::now(),
    };
    diesel::insert_into(centers::table)
        .values((
            centers::id.eq(center.id.to_string()),
            centers::slug.eq(&center.slug),
            centers::name.eq(&center.name),
            centers::description.eq(&center.description),
            centers::time_zone.eq(center.time_zone.name()),
            centers::currency.eq(center.minimum_hourly_rate.currency.as_str()),
            centers::minimum_hourly_rate.eq(center.minimum_hourly_rate.amount_minor),
            centers::created_at.eq(to_db_time(center.created_at)),
        ))
        .execute(conn)
        .map_err(|e| StoreError::from_write(e, "centers.slug"))?;
    Ok(center)
}

pub fn find(conn: &mut DbConnection, id: CenterId) -> Result<Option<Center>, StoreError> {
    centers::table
        .filter(centers::id.eq(id.to_string()))
        .select(CenterRow::as_select())
        .first(conn)
        .optional()?
        .map(Center::try_from)
        .transpose()
}

pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> Result<Option<Center>, StoreError> {
    centers::table
        .filter(centers::slug.eq(slug))
        .select(CenterRow::as_select())
        .first(conn)
        .optional()?
        .map(Center::try_from)
        .transpose()
}

/// All centres in creation order, one page after `after`.
pub fn list(conn: &mut DbConnection, after: Option<CenterId>, limit: PageLimit) -> Result<Page<Center>, StoreError> {
    let mut query = centers::table.select(CenterRow::as_select()).order(centers::id.asc()).into_boxed();
    if let Some(after) = after {
        query = query.filter(centers::id.gt(after.to_string()));
    }
    let rows =
        query.limit(overfetch(limit)).load(conn)?.into_iter().map(Center::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, limit.get(), |c| c.id.as_uuid()))
}
