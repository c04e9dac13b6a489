//! Conversion of validated request fields into domain types.
//!
//! `validator` on the DTOs checks shapes and lengths (mirrored in the OpenAPI
//! schema); these helpers then parse into the domain's types, naming the field in the
//! `422` when the domain refuses.

use yui_domain::text::Name;
use yui_domain::{Email, NewPassword};

use crate::error::ApiError;

pub fn email(field: &str, raw: &str) -> Result<Email, ApiError> {
    Email::parse(raw).map_err(|e| ApiError::invalid_field(field, "invalid_email", e))
}

pub fn new_password(field: &str, raw: &str) -> Result<NewPassword, ApiError> {
    NewPassword::parse(raw).map_err(|e| ApiError::invalid_field(field, "weak_password", e))
}

pub fn name(field: &str, raw: &str, max_chars: usize) -> Result<Name, ApiError> {
    Name::parse(raw, max_chars).map_err(|e| ApiError::invalid_field(field, "invalid_name", e))
}

/// Free text (descriptions, notes, comments): at most `max_chars` characters, and
/// no NUL character, which PostgreSQL cannot store. Line breaks are kept.
pub fn text(field: &str, raw: &str, max_chars: usize) -> Result<String, ApiError> {
    if raw.contains('\0') {
        return Err(ApiError::invalid_field(field, "invalid_text", "must not contain NUL characters"));
    }
    if raw.chars().count() > max_chars {
        return Err(ApiError::invalid_field(field, "length", format!("must be at most {max_chars} characters long")));
    }
    Ok(raw.trim().to_owned())
}

/// Required free text: like [`text`], and not blank.
pub fn required_text(field: &str, raw: &str, max_chars: usize) -> Result<String, ApiError> {
    let text = text(field, raw, max_chars)?;
    if text.is_empty() {
        return Err(ApiError::invalid_field(field, "blank", "must not be blank"));
    }
    Ok(text)
}

/// An instant that must lie in the future.
pub fn future(field: &str, at: chrono::DateTime<chrono::Utc>) -> Result<chrono::DateTime<chrono::Utc>, ApiError> {
    if at <= chrono::Utc::now() {
        return Err(ApiError::invalid_field(field, "not_in_future", "must be in the future"));
    }
    Ok(at)
}

/// An IANA time zone name (`Asia/Tokyo`); anything else is refused, never replaced.
pub fn time_zone(field: &str, raw: &str) -> Result<chrono_tz::Tz, ApiError> {
    raw.parse().map_err(|_| ApiError::invalid_field(field, "unknown_time_zone", "is not an IANA time zone"))
}

/// A calendar day for dated records (rates, minimums): from 2000 to 2100, so dates
/// stay four-digit and sort as text.
pub fn day(field: &str, day: chrono::NaiveDate) -> Result<chrono::NaiveDate, ApiError> {
    use chrono::Datelike;
    if (2000..=2100).contains(&day.year()) {
        Ok(day)
    } else {
        Err(ApiError::invalid_field(field, "out_of_range", "must be a day from 2000-01-01 to 2100-12-31"))
    }
}
