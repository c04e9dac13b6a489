//! Conversions between stored text and domain values.
//!
//! Ids are kept as hyphenated UUID text and roles as their names, on both engines.
//! Reading back something that does not parse means the row is corrupt.

use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;
use yui_domain::{Role, Tenant};

use crate::StoreError;

pub(crate) fn parse_uuid(text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|e| StoreError::Corrupt(format!("id {text:?}: {e}")))
}

pub(crate) fn parse_role(text: &str) -> Result<Role, StoreError> {
    text.parse().map_err(|e| StoreError::Corrupt(format!("{e}")))
}

pub(crate) fn parse_locale(text: &str) -> Result<yui_domain::Locale, StoreError> {
    text.parse().map_err(|e| StoreError::Corrupt(format!("{e}")))
}

/// Reads the (centre, organisation) column pair back into a tenant.
pub(crate) fn parse_tenant(center_id: Option<&str>, organization_id: Option<&str>) -> Result<Tenant, StoreError> {
    match (center_id, organization_id) {
        (Some(center), None) => Ok(Tenant::Center(parse_uuid(center)?.into())),
        (None, Some(org)) => Ok(Tenant::Organization(parse_uuid(org)?.into())),
        _ => Err(StoreError::Corrupt("a row must belong to exactly one tenant".into())),
    }
}

/// Splits a tenant into the (centre, organisation) column pair.
pub(crate) fn tenant_columns(tenant: Tenant) -> (Option<String>, Option<String>) {
    match tenant {
        Tenant::Center(id) => (Some(id.to_string()), None),
        Tenant::Organization(id) => (None, Some(id.to_string())),
    }
}

/// Reads an IANA time zone name: an unknown name is a corrupt row, never silently
/// another zone.
pub(crate) fn parse_time_zone(text: &str) -> Result<chrono_tz::Tz, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(format!("unknown time zone {text:?}")))
}

pub(crate) fn to_db_time(time: DateTime<Utc>) -> NaiveDateTime {
    time.naive_utc()
}

pub(crate) fn from_db_time(time: NaiveDateTime) -> DateTime<Utc> {
    time.and_utc()
}

/// Reads a JSON text column.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("JSON column: {e}")))
}

/// Writes a JSON text column.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("JSON column: {e}")))
}

/// Reads a state-machine status column.
pub(crate) fn parse_status<T>(text: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, StoreError> {
    parse(text).ok_or_else(|| StoreError::Corrupt(format!("unknown status {text:?}")))
}
