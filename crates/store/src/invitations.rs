//! Invitations into a centre or a client organisation.
//!
//! An admin invites directors and workers, a client invites colleagues. The invitee
//! chooses their own password when accepting, so nobody else ever knows it. Only a
//! hash of the invitation token is stored; accepting is compare-and-set, so one
//! invitation makes at most one account.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use yui_domain::{Email, InvitationId, Locale, PageLimit, Role, Tenant, UserId};

use crate::ids::{from_db_time, parse_locale, parse_role, parse_tenant, parse_uuid, tenant_columns, to_db_time};
use crate::schema::invitations;
use crate::{DbConnection, Page, StoreError, overfetch};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: InvitationId,
    pub email: String,
    pub role: Role,
    pub tenant: Tenant,
    pub invited_by: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    /// The language of the invitation e-mail and of the account it makes.
    pub locale: Locale,
}

#[derive(Debug, Clone)]
pub struct NewInvitation<'a> {
    pub email: &'a Email,
    pub role: Role,
    pub tenant: Tenant,
    pub invited_by: UserId,
    pub token_hash: &'a str,
    pub expires_at: DateTime<Utc>,
    pub locale: Locale,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = invitations)]
struct InvitationRow {
    id: String,
    email: String,
    role: String,
    center_id: Option<String>,
    organization_id: Option<String>,
    invited_by: String,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    accepted_at: Option<NaiveDateTime>,
    locale: String,
}

impl TryFrom<InvitationRow> for Invitation {
    type Error = StoreError;
    fn try_from(row: InvitationRow) -> Result<Self, StoreError> {
        Ok(Invitation {
            id: parse_uuid(&row.id)?.into(),
            email: row.email,
            role: parse_role(&row.role)?,
            tenant: parse_tenant(row.center_id.as_deref(), row.organization_id.as_deref())?,
            invited_by: parse_uuid(&row.invited_by)?.into(),
            created_at: from_db_time(row.created_at),
            expires_at: from_db_time(row.expires_at),
            accepted_at: row.accepted_at.map(from_db_time),
            locale: parse_locale(&row.locale)?,
        })
    }
}

pub fn insert(conn: &mut DbConnection, new: NewInvitation<'_>) -> Result<Invitation, StoreError> {
    let invitation = Invitation {
        id: InvitationId::generate(),
        email: new.email.as_str().to_owned(),
        role: new.role,
        tenant: new.tenant,
        invited_by: new.invited_by,
        created_at: crate::now(),
        expires_at: new.expires_at,
        accepted_at: None,
        locale: new.locale,
    };
    let (center_id, organization_id) = tenant_columns(invitation.tenant);
    diesel::insert_into(invitations::table)
        .values((
            invitations::id.eq(invitation.id.to_string()),
            invitations::token_hash.eq(new.token_hash),
            invitations::email.eq(&invitation.email),
            invitations::role.eq(invitation.role.as_str()),
            invitations::center_id.eq(center_id),
            invitations::organization_id.eq(organization_id),
            invitations::invited_by.eq(invitation.invited_by.to_string()),
            invitations::created_at.eq(to_db_time(invitation.created_at)),
            invitations::expires_at.eq(to_db_time(invitation.expires_at)),
            invitations::locale.eq(invitation.locale.as_str()),
        ))
        .execute(conn)?;
    Ok(invitation)
}

/// The invitation a token stands for, if it is still open (not accepted, not expired).
pub fn find_open_by_token(conn: &mut DbConnection, token_hash: &str) -> Result<Option<Invitation>, StoreError> {
    invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::expires_at.gt(to_db_time(crate::now())))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()?
        .map(Invitation::try_from)
        .transpose()
}

/// Marks an invitation accepted. `false` when someone else accepted it first.
pub fn mark_accepted(conn: &mut DbConnection, id: InvitationId) -> Result<bool, StoreError> {
    let updated = diesel::update(
        invitations::table.filter(invitations::id.eq(id.to_string())).filter(invitations::accepted_at.is_null()),
    )
    .set(invitations::accepted_at.eq(to_db_time(crate::now())))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Deletes invitations that expired unaccepted more than `grace` ago. Returns how many.
pub fn prune_expired(conn: &mut DbConnection, grace: chrono::TimeDelta) -> Result<usize, StoreError> {
    let before = to_db_time(crate::now() - grace);
    Ok(diesel::delete(
        invitations::table.filter(invitations::accepted_at.is_null()).filter(invitations::expires_at.lt(before)),
    )
    .execute(conn)?)
}

/// A tenant's invitations, newest last, one page after `after`.
pub fn list_in_tenant(
    conn: &mut DbConnection,
    tenant: Tenant,
    after: Option<InvitationId>,
    limit: PageLimit,
) -> Result<Page<Invitation>, StoreError> {
    let mut query = invitations::table.select(InvitationRow::as_select()).order(invitations::id.asc()).into_boxed();
    query = match tenant {
        Tenant::Center(center) => query.filter(invitations::center_id.eq(center.to_string())),
        Tenant::Organization(org) => query.filter(invitations::organization_id.eq(org.to_string())),
    };
    if let Some(after) = after {
        query = query.filter(invitations::id.gt(after.to_string()));
    }
    let rows = query
        .limit(overfetch(limit))
        .load(conn)?
        .into_iter()
        .map(Invitation::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, limit.get(), |i| i.id.as_uuid()))
}
