//! Client organisations: the companies and municipalities that post jobs.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use yui_domain::OrganizationId;

use crate::ids::{from_db_time, parse_uuid, to_db_time};
use crate::schema::organizations;
use crate::{DbConnection, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: OrganizationId,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = organizations)]
struct OrganizationRow {
    id: String,
    name: String,
    created_at: NaiveDateTime,
}

impl TryFrom<OrganizationRow> for Organization {
    type Error = StoreError;
    fn try_from(row: OrganizationRow) -> Result<Self, StoreError> {
        Ok(Organization { id: parse_uuid(&row.id)?.into(), name: row.name, created_at: from_db_time(row.created_at) })
    }
}

pub fn insert(conn: &mut DbConnection, name: &str) -> Result<Organization, StoreError> {
    let organization = Organization { id: OrganizationId::generate(), name: name.to_owned(), created_at: crate::now() };
    diesel::insert_into(organizations::table)
        .values((
            organizations::id.eq(organization.id.to_string()),
            organizations::name.eq(&organization.name),
            organizations::created_at.eq(to_db_time(organization.created_at)),
        ))
        .execute(conn)?;
    Ok(organization)
}

pub fn find(conn: &mut DbConnection, id: OrganizationId) -> Result<Option<Organization>, StoreError> {
    organizations::table
        .filter(organizations::id.eq(id.to_string()))
        .select(OrganizationRow::as_select())
        .first(conn)
        .optional()?
        .map(Organization::try_from)
        .transpose()
}
