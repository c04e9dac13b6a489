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
