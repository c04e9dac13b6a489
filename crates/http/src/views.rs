//! Response bodies shared by several routes, and the API's names for domain enums.
//!
//! These are the public contract (documented in the OpenAPI spec); domain types stay
//! free of serialisation concerns of the API.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use yui_domain::{Locale, Money, Role, Tenant};
use yui_store::centers::Center;
use yui_store::organizations::Organization;
use yui_store::users::User;

/// A user's role. `admin`, `director` and `worker` belong to a centre; `client`
/// belongs to a client organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    Admin,
    Director,
    Worker,
    Client,
}

impl From<Role> for RoleName {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => RoleName::Admin,
            Role::Director => RoleName::Director,
            Role::Worker => RoleName::Worker,
            Role::Client => RoleName::Client,
        }
    }
}

impl From<RoleName> for Role {
    fn from(role: RoleName) -> Self {
        match role {
            RoleName::Admin => Role::Admin,
            RoleName::Director => Role::Director,
            RoleName::Worker => Role::Worker,
            RoleName::Client => Role::Client,
        }
    }
}

/// The language of everything a person reads from Yui (e-mails): `ja` (the
/// default) or `en`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LocaleName {
    Ja,
    En,
}

impl From<Locale> for LocaleName {
    fn from(locale: Locale) -> Self {
        match locale {
            Locale::Ja => LocaleName::Ja,
            Locale::En => LocaleName::En,
        }
    }
}

impl From<LocaleName> for Locale {
    fn from(locale: LocaleName) -> Self {
        match locale {
            LocaleName::Ja => Locale::Ja,
            LocaleName::En => Locale::En,
        }
    }
}

/// An amount of money: an integer in the currency's minor unit (JPY has none, so
/// `950` is ¥950) and an ISO 4217 code.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MoneyView {
    /// The amount in minor units.
    pub amount_minor: i64,
    /// ISO 4217 currency code, e.g. `JPY`.
    #[schema(example = "JPY")]
    pub currency: String,
}

impl From<Money> for MoneyView {
    fn from(money: Money) -> Self {
        Self { amount_minor: money.amount_minor, currency: money.currency.to_string() }
    }
}

/// A user account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    /// The user's id (UUIDv7).
    pub id: Uuid,
    /// Login e-mail address, lower-cased.
    pub email: String,
    /// The name shown to colleagues.
    pub display_name: String,
    pub role: RoleName,
    /// The centre of an `admin`, `director` or `worker`; `null` for a `client`.
    pub center_id: Option<Uuid>,
    /// The organisation of a `client`; `null` for centre roles.
    pub organization_id: Option<Uuid>,
    /// Deactivated users cannot log in and their tokens stop working.
    pub active: bool,
    /// When the account was created (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// When the account last changed (RFC 3339, UTC).
    pub updated_at: DateTime<Utc>,
    /// The language of the user's e-mails.
    pub locale: LocaleName,
    /// Whether the user proved they read mail at `email` (a verification link, an
    /// accepted invitation or a password reset).
    pub email_verified: bool,
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        let (center_id, organization_id) = match user.tenant {
            Tenant::Center(id) => (Some(id.as_uuid()), None),
            Tenant::Organization(id) => (None, Some(id.as_uuid())),
        };
        Self {
            id: user.id.as_uuid(),
            email: user.email,
            display_name: user.display_name,
            role: user.role.into(),
            center_id,
            organization_id,
            active: user.active,
            created_at: user.created_at,
            updated_at: user.updated_at,
            locale: user.locale.into(),
            email_verified: user.email_verified_at.is_some(),
        }
    }
}

/// A telework centre, as anyone may see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CenterView {
    /// The centre's id (UUIDv7).
    pub id: Uuid,
    /// A short unique name used in URLs, e.g. `shiojiri-kado`.
    pub slug: String,
    /// The centre's name.
    pub name: String,
    /// What the centre does, for companies choosing one.
    pub description: String,
    /// IANA time zone of the centre, e.g. `Asia/Tokyo`.
    pub time_zone: String,
    /// The lowest hourly rate the centre pays its workers: the minimum wage in force today.
    pub minimum_hourly_rate: MoneyView,
    /// When the centre was registered (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
}

impl From<Center> for CenterView {
    fn from(center: Center) -> Self {
        let minimum_hourly_rate = center.minimum_hourly_rate().into();
        Self {
            id: center.id.as_uuid(),
            slug: center.slug,
            name: center.name,
            description: center.description,
            time_zone: center.time_zone.name().to_owned(),
            minimum_hourly_rate,
            created_at: center.created_at,
        }
    }
}

/// A client organisation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganizationView {
    /// The organisation's id (UUIDv7).
    pub id: Uuid,
    /// The organisation's name.
    pub name: String,
    /// When the organisation signed up (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
}

impl From<Organization> for OrganizationView {
    fn from(org: Organization) -> Self {
        Self { id: org.id.as_uuid(), name: org.name, created_at: org.created_at }
    }
}
