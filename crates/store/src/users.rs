//! User accounts. Every lookup that serves a request is scoped to a tenant, so a
//! user of one centre or organisation can never reach another's accounts.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use yui_domain::{CenterId, Email, Locale, PageLimit, Role, Tenant, UserId};

use crate::ids::{from_db_time, parse_locale, parse_role, parse_tenant, parse_uuid, tenant_columns, to_db_time};
use crate::roster::Workers;
use crate::schema::users;
use crate::{DbConnection, Page, StoreError, overfetch};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub tenant: Tenant,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The language of every message the user receives.
    pub locale: Locale,
    /// When the user proved they read mail at `email`; `None` until then.
    pub email_verified_at: Option<DateTime<Utc>>,
}

/// A new account. The password arrives already hashed.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub tenant: Tenant,
    pub locale: Locale,
    /// Set when the address is already proven (an accepted invitation was sent to it).
    pub email_verified: bool,
}

/// Optional filters for listing a tenant's users.
#[derive(Debug, Clone, Copy, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub active: Option<bool>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    id: String,
    email: String,
    display_name: String,
    role: String,
    center_id: Option<String>,
    organization_id: Option<String>,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    locale: String,
    email_verified_at: Option<NaiveDateTime>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        Ok(User {
            id: parse_uuid(&row.id)?.into(),
            email: row.email,
            display_name: row.display_name,
            role: parse_role(&row.role)?,
            tenant: parse_tenant(row.center_id.as_deref(), row.organization_id.as_deref())?,
            active: row.active,
            created_at: from_db_time(row.created_at),
            updated_at: from_db_time(row.updated_at),
            locale: parse_locale(&row.locale)?,
            email_verified_at: row.email_verified_at.map(from_db_time),
        })
    }
}

/// Creates an account. An e-mail address already in use is a
/// [`StoreError::Conflict`] on `users.email`.
pub fn insert(conn: &mut DbConnection, new: NewUser<'_>) -> Result<User, StoreError> {
    let now = crate::now();
    let user = User {
        id: UserId::generate(),
        email: new.email.as_str().to_owned(),
        display_name: new.display_name.to_owned(),
        role: new.role,
        tenant: new.tenant,
        active: true,
        created_at: now,
        updated_at: now,
        locale: new.locale,
        email_verified_at: new.email_verified.then_some(now),
    };
    let (center_id, organization_id) = tenant_columns(user.tenant);
    diesel::insert_into(users::table)
        .values((
            users::id.eq(user.id.to_string()),
            users::email.eq(&user.email),
            users::password_hash.eq(new.password_hash),
            users::display_name.eq(&user.display_name),
            users::role.eq(user.role.as_str()),
            users::center_id.eq(center_id),
            users::organization_id.eq(organization_id),
            users::active.eq(true),
            users::created_at.eq(to_db_time(now)),
            users::updated_at.eq(to_db_time(now)),
            users::locale.eq(user.locale.as_str()),
            users::email_verified_at.eq(user.email_verified_at.map(to_db_time)),
        ))
        .execute(conn)
        .map_err(|e| StoreError::from_write(e, "users.email"))?;
    Ok(user)
}

/// Whether an account with this address exists (in any tenant).
pub fn email_taken(conn: &mut DbConnection, email: &Email) -> Result<bool, StoreError> {
    let count: i64 = users::table.filter(users::email.eq(email.as_str())).count().get_result(conn)?;
    Ok(count > 0)
}

/// The account and its password hash, for checking a login.
pub fn find_for_login(conn: &mut DbConnection, email: &Email) -> Result<Option<(User, String)>, StoreError> {
    users::table
        .filter(users::email.eq(email.as_str()))
        .select((UserRow::as_select(), users::password_hash))
        .first::<(UserRow, String)>(conn)
        .optional()?
        .map(|(row, hash)| Ok((User::try_from(row)?, hash)))
        .transpose()
}

/// Any account by id, regardless of tenant. Only for code paths that have already
/// established who the caller is (token refresh, `/v1/me`).
pub fn find(conn: &mut DbConnection, id: UserId) -> Result<Option<User>, StoreError> {
    users::table
        .filter(users::id.eq(id.to_string()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(User::try_from)
        .transpose()
}

/// An account of `tenant`; another tenant's account is `None`, as if it did not exist.
pub fn find_in_tenant(conn: &mut DbConnection, tenant: Tenant, id: UserId) -> Result<Option<User>, StoreError> {
    let mut query = users::table.filter(users::id.eq(id.to_string())).select(UserRow::as_select()).into_boxed();
    query = match tenant {
        Tenant::Center(center) => query.filter(users::center_id.eq(center.to_string())),
        Tenant::Organization(org) => query.filter(users::organization_id.eq(org.to_string())),
    };
    query.first(conn).optional()?.map(User::try_from).transpose()
}

/// A tenant's accounts in creation order, filtered, one page after `after`.
pub fn list_in_tenant(
    conn: &mut DbConnection,
    tenant: Tenant,
    filter: UserFilter,
    after: Option<UserId>,
    limit: PageLimit,
) -> Result<Page<User>, StoreError> {
    let mut query = users::table.select(UserRow::as_select()).order(users::id.asc()).into_boxed();
    query = match tenant {
        Tenant::Center(center) => query.filter(users::center_id.eq(center.to_string())),
        Tenant::Organization(org) => query.filter(users::organization_id.eq(org.to_string())),
    };
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role.as_str()));
    }
    if let Some(active) = filter.active {
        query = query.filter(users::active.eq(active));
    }
    if let Some(after) = after {
        query = query.filter(users::id.gt(after.to_string()));
    }
    let rows =
        query.limit(overfetch(limit)).load(conn)?.into_iter().map(User::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, limit.get(), |u| u.id.as_uuid()))
}

/// Every account of `tenant` with `role`, in id order, in one query: the same rows
/// as paging through [`list_in_tenant`].
pub fn all_in_tenant(conn: &mut DbConnection, tenant: Tenant, role: Role) -> Result<Vec<User>, StoreError> {
    in_tenant(conn, tenant, role, Workers::All)
}

/// The centre's worker accounts among `workers`, active or not, in id order. With
/// [`Workers::Only`] it still filters on the centre: this is where the roster checks
/// that the ids it is given are the centre's workers.
pub fn workers_in(conn: &mut DbConnection, center: CenterId, workers: Workers<'_>) -> Result<Vec<User>, StoreError> {
    in_tenant(conn, Tenant::Center(center), Role::Worker, workers)
}

fn in_tenant(conn: &mut DbConnection, tenant: Tenant, role: Role, among: Workers<'_>) -> Result<Vec<User>, StoreError> {
    let mut query = users::table
        .select(UserRow::as_select())
        .filter(users::role.eq(role.as_str()))
        .order(users::id.asc())
        .into_boxed();
    query = match tenant {
        Tenant::Center(center) => query.filter(users::center_id.eq(center.to_string())),
        Tenant::Organization(org) => query.filter(users::organization_id.eq(org.to_string())),
    };
    if let Some(ids) = among.ids() {
        query = query.filter(users::id.eq_any(ids));
    }
    query.load(conn)?.into_iter().map(User::try_from).collect()
}

/// Activates or deactivates an account of `tenant`. Returns the updated account, or
/// `None` when it is not in that tenant.
pub fn set_active(
    conn: &mut DbConnection,
    tenant: Tenant,
    id: UserId,
    active: bool,
) -> Result<Option<User>, StoreError> {
    if find_in_tenant(conn, tenant, id)?.is_none() {
        return Ok(None);
    }
    diesel::update(users::table.filter(users::id.eq(id.to_string())))
        .set((users::active.eq(active), users::updated_at.eq(to_db_time(crate::now()))))
        .execute(conn)?;
    find(conn, id)
}

/// Changes the language of the user's messages.
pub fn set_locale(conn: &mut DbConnection, id: UserId, locale: Locale) -> Result<(), StoreError> {
    diesel::update(users::table.filter(users::id.eq(id.to_string())))
        .set((users::locale.eq(locale.as_str()), users::updated_at.eq(to_db_time(crate::now()))))
        .execute(conn)?;
    Ok(())
}

/// Records that the user proved they read mail at their address. `false` when it
/// was already verified.
pub fn mark_email_verified(conn: &mut DbConnection, id: UserId) -> Result<bool, StoreError> {
    let now = to_db_time(crate::now());
    let updated =
        diesel::update(users::table.filter(users::id.eq(id.to_string())).filter(users::email_verified_at.is_null()))
            .set((users::email_verified_at.eq(now), users::updated_at.eq(now)))
            .execute(conn)?;
    Ok(updated == 1)
}

/// Replaces the user's password hash (after a password reset).
pub fn set_password_hash(conn: &mut DbConnection, id: UserId, password_hash: &str) -> Result<(), StoreError> {
    diesel::update(users::table.filter(users::id.eq(id.to_string())))
        .set((users::password_hash.eq(password_hash), users::updated_at.eq(to_db_time(crate::now()))))
        .execute(conn)?;
    Ok(())
}

/// Active accounts by login e-mail, in any tenant (for a password reset request).
pub fn find_active_by_email(conn: &mut DbConnection, email: &Email) -> Result<Option<User>, StoreError> {
    users::table
        .filter(users::email.eq(email.as_str()))
        .filter(users::active.eq(true))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(User::try_from)
        .transpose()
}

/// How many accounts exist in all (used by tests and the demo seeder).
pub fn count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(users::table.count().get_result(conn)?)
}
