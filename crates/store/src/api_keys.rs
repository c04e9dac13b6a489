//! API keys: machine credentials of a centre or a client organisation.
//!
//! A key acts as the person who created it, narrowed to its scopes. Only the SHA-256
//! of its secret is stored (like refresh tokens: the secret has 256 bits of entropy,
//! so a fast hash is right). Resolving a key checks, in the request's own
//! transaction, that it is not revoked or expired and that its creator is still
//! active: revoking a key or deactivating its creator stops it on the next request.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use uuid::Uuid;
use yui_domain::access::{Credential, Scope, Scopes};
use yui_domain::{Actor, PageLimit, Tenant, UserId};

use crate::ids::{from_db_time, parse_tenant, parse_uuid, tenant_columns, to_db_time};
use crate::schema::{api_keys, users};
use crate::users::{User, UserRow};
use crate::{DbConnection, Page, StoreError, overfetch};

/// A key as its tenant's people see it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: Uuid,
    pub tenant: Tenant,
    pub name: String,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = api_keys)]
struct ApiKeyRow {
    id: String,
    center_id: Option<String>,
    organization_id: Option<String>,
    name: String,
    prefix: String,
    scopes: String,
    created_by: String,
    created_at: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
    last_used_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
}

fn parse_scopes(text: &str) -> Result<Vec<Scope>, StoreError> {
    text.split_whitespace()
        .map(|name| name.parse().map_err(|e| StoreError::Corrupt(format!("api key scopes: {e}"))))
        .collect()
}

impl TryFrom<ApiKeyRow> for ApiKey {
    type Error = StoreError;
    fn try_from(row: ApiKeyRow) -> Result<Self, StoreError> {
        Ok(ApiKey {
            id: parse_uuid(&row.id)?,
            tenant: parse_tenant(row.center_id.as_deref(), row.organization_id.as_deref())?,
            name: row.name,
            prefix: row.prefix,
            scopes: parse_scopes(&row.scopes)?,
            created_by: parse_uuid(&row.created_by)?.into(),
            created_at: from_db_time(row.created_at),
            expires_at: row.expires_at.map(from_db_time),
            last_used_at: row.last_used_at.map(from_db_time),
            revoked_at: row.revoked_at.map(from_db_time),
        })
    }
}

/// A new key; its secret arrives already hashed.
#[derive(Debug, Clone)]
pub struct NewApiKey<'a> {
    pub tenant: Tenant,
    pub name: &'a str,
    pub prefix: &'a str,
    pub secret_hash: &'a str,
    pub scopes: &'a [Scope],
    pub created_by: UserId,
    pub expires_at: Option<DateTime<Utc>>,
}

pub fn insert(conn: &mut DbConnection, new: NewApiKey<'_>) -> Result<ApiKey, StoreError> {
    let id = Uuid::now_v7();
    let (center_id, organization_id) = tenant_columns(new.tenant);
    let scopes: Vec<&str> = new.scopes.iter().map(|scope| scope.as_str()).collect();
    diesel::insert_into(api_keys::table)
        .values((
            api_keys::id.eq(id.to_string()),
            api_keys::center_id.eq(center_id),
            api_keys::organization_id.eq(organization_id),
            api_keys::name.eq(new.name),
            api_keys::prefix.eq(new.prefix),
            api_keys::secret_hash.eq(new.secret_hash),
            api_keys::scopes.eq(scopes.join(" ")),
            api_keys::created_by.eq(new.created_by.to_string()),
            api_keys::created_at.eq(to_db_time(crate::now())),
            api_keys::expires_at.eq(new.expires_at.map(to_db_time)),
        ))
        .execute(conn)?;
    find_in_tenant(conn, new.tenant, id)?.ok_or_else(|| StoreError::Corrupt("the new api key vanished".into()))
}

fn of_tenant(tenant: Tenant) -> api_keys::BoxedQuery<'static, crate::db::MultiBackend> {
    let query = api_keys::table.into_boxed();
    match tenant {
        Tenant::Center(center) => query.filter(api_keys::center_id.eq(center.to_string())),
        Tenant::Organization(org) => query.filter(api_keys::organization_id.eq(org.to_string())),
    }
}

/// A key of `tenant`; another tenant's key is `None`, as if it did not exist.
pub fn find_in_tenant(conn: &mut DbConnection, tenant: Tenant, id: Uuid) -> Result<Option<ApiKey>, StoreError> {
    of_tenant(tenant)
        .filter(api_keys::id.eq(id.to_string()))
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?
        .map(ApiKey::try_from)
        .transpose()
}

/// The tenant's keys (revoked ones too), oldest first.
pub fn list_in_tenant(
    conn: &mut DbConnection,
    tenant: Tenant,
    after: Option<Uuid>,
    limit: PageLimit,
) -> Result<Page<ApiKey>, StoreError> {
    let mut query = of_tenant(tenant).order(api_keys::id.asc());
    if let Some(after) = after {
        query = query.filter(api_keys::id.gt(after.to_string()));
    }
    let rows = query
        .select(ApiKeyRow::as_select())
        .limit(overfetch(limit))
        .load(conn)?
        .into_iter()
        .map(ApiKey::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, limit.get(), |key| key.id))
}

/// Revokes a key of `tenant` (revoking twice keeps the first time). `None` if the
/// tenant has no such key.
pub fn revoke(conn: &mut DbConnection, tenant: Tenant, id: Uuid) -> Result<Option<ApiKey>, StoreError> {
    let Some(key) = find_in_tenant(conn, tenant, id)? else { return Ok(None) };
    diesel::update(api_keys::table.filter(api_keys::id.eq(id.to_string())).filter(api_keys::revoked_at.is_null()))
        .set(api_keys::revoked_at.eq(to_db_time(crate::now())))
        .execute(conn)?;
    find_in_tenant(conn, key.tenant, id)
}

/// The actor a presented key stands for: `None` unless the key exists, is neither
/// revoked nor expired, and its creator is active.
pub fn load_actor(conn: &mut DbConnection, secret_hash: &str) -> Result<Option<Actor>, StoreError> {
    let now = to_db_time(crate::now());
    let found: Option<(String, UserRow)> = api_keys::table
        .inner_join(users::table)
        .filter(api_keys::secret_hash.eq(secret_hash))
        .filter(api_keys::revoked_at.is_null())
        .filter(api_keys::expires_at.is_null().or(api_keys::expires_at.gt(now)))
        .filter(users::active.eq(true))
        .select((api_keys::scopes, UserRow::as_select()))
        .first(conn)
        .optional()?;
    let Some((scopes, user)) = found else { return Ok(None) };
    let user = User::try_from(user)?;
    let scopes: Scopes = parse_scopes(&scopes)?.into_iter().collect();
    Ok(Some(Actor { user_id: user.id, role: user.role, tenant: user.tenant, credential: Credential::Key(scopes) }))
}

/// Notes that a key was used now, at most once a minute per key (so a busy key does
/// not write on every request). Unknown or revoked keys are left alone.
pub fn touch(conn: &mut DbConnection, secret_hash: &str) -> Result<(), StoreError> {
    let now = crate::now();
    let stale = to_db_time(now - TimeDelta::minutes(1));
    diesel::update(
        api_keys::table
            .filter(api_keys::secret_hash.eq(secret_hash))
            .filter(api_keys::revoked_at.is_null())
            .filter(api_keys::last_used_at.is_null().or(api_keys::last_used_at.lt(stale))),
    )
    .set(api_keys::last_used_at.eq(to_db_time(now)))
    .execute(conn)?;
    Ok(())
}
