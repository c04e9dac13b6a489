//! The one error type of the API, rendered as RFC 9457 `application/problem+json`.
//!
//! Every failure a handler can produce is an [`ApiError`]: a status, a stable
//! machine-readable `code`, a human `detail`, and for invalid input the per-field
//! `errors`. Server faults are logged with their cause and answered with a generic
//! detail, so internals never leak to clients.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;
use yui_store::StoreError;

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// One invalid input field.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as a dotted path into the request (`email`, `limit`).
    pub field: String,
    /// A stable machine-readable reason, e.g. `length`, `invalid_email`.
    pub code: String,
    /// A sentence for humans.
    pub message: String,
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the `code` says what kind of problem this is.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// The HTTP status phrase.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// A stable machine-readable error code, e.g. `validation_failed`, `not_found`.
    pub code: String,
    /// What went wrong, for humans.
    pub detail: String,
    /// For invalid input: one entry per problem field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For `invalid_state`: the resource's current state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_state: Option<String>,
    /// For `invalid_state`: the actions the current state allows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_actions: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    /// For `invalid_state`: the current state and the allowed actions (boxed: rare).
    state: Option<Box<(String, Vec<String>)>>,
    retry_after_seconds: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self { status, code, detail: detail.into(), errors: Vec::new(), state: None, retry_after_seconds: None }
    }

    /// Malformed request syntax: bad JSON, wrong types, bad path or query values.
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    /// Well-formed input that breaks the rules; one entry per field.
    #[must_use]
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut error = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "The request has invalid fields; see `errors`.",
        );
        error.errors = errors;
        error
    }

    /// Shorthand for a validation failure on one field.
    pub fn invalid_field(field: &str, code: &str, message: impl fmt::Display) -> Self {
        Self::validation(vec![FieldError { field: field.into(), code: code.into(), message: message.to_string() }])
    }

    /// Missing, malformed, expired or revoked credentials.
    #[must_use]
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "A valid bearer access token is required (Authorization: Bearer <token>).",
        )
    }

    /// Authenticated, but the role may not do this.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// Renames fields that start with `prefix` (for messages built by a shared
    /// helper that does not know the request's field names).
    #[must_use]
    pub fn strip_field_prefix(mut self, prefix: &str) -> Self {
        for error in &mut self.errors {
            if let Some(rest) = error.field.strip_prefix(prefix) {
                error.field = rest.to_owned();
            }
        }
        self
    }

    /// Puts `prefix` before every field name (for a nested part of a request).
    #[must_use]
    pub fn prefix_fields(mut self, prefix: &str) -> Self {
        for error in &mut self.errors {
            error.field = format!("{prefix}{}", error.field);
        }
        self
    }

    /// Authenticated, but refused for a reason with its own code.
    pub fn forbidden_with(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, detail)
    }

    /// Absent, or belonging to someone else (the two are indistinguishable by design).
    #[must_use]
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("No such {what}."))
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    /// An action the resource's current state does not allow: `409 invalid_state`,
    /// naming the state and the actions it allows.
    #[must_use]
    pub fn invalid_transition(refused: yui_domain::flow::InvalidTransition) -> Self {
        let allowed =
            if refused.allowed.is_empty() { "none: it is final".to_owned() } else { refused.allowed.join(", ") };
        let mut error = Self::new(
            StatusCode::CONFLICT,
            "invalid_state",
            format!(
                "Cannot {} this {}: it is {}. Allowed now: {allowed}.",
                refused.action, refused.entity, refused.state
            ),
        );
        error.state =
            Some(Box::new((refused.state.to_owned(), refused.allowed.iter().map(|a| (*a).to_owned()).collect())));
        error
    }

    #[must_use]
    pub fn too_many_requests(retry_after_seconds: u64) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("Too many failed attempts; try again in {retry_after_seconds} seconds."),
        );
        error.retry_after_seconds = Some(retry_after_seconds);
        error
    }

    /// A server fault: the cause is logged, the client gets a generic detail.
    pub fn internal(cause: impl fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "Something went wrong on our side.")
    }

    pub fn unavailable(cause: impl fmt::Display) -> Self {
        tracing::warn!(error = %cause, "database unavailable");
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "The database is not reachable; try again shortly.")
    }

    #[must_use]
    pub fn code(&self) -> &'static str {
        self.code
    }

    fn problem(&self) -> Problem {
        Problem {
            problem_type: "about:blank".into(),
            title: self.status.canonical_reason().unwrap_or("Error").into(),
            status: self.status.as_u16(),
            code: self.code.into(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
            current_state: self.state.as_deref().map(|(state, _)| state.clone()),
            allowed_actions: self.state.as_deref().map(|(_, allowed)| allowed.clone()),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_CONTENT_TYPE)));
        if let Some(seconds) = self.retry_after_seconds {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict { constraint } => {
                Self::conflict("conflict", format!("This conflicts with an existing record ({constraint})."))
            }
            StoreError::VersionConflict => Self::conflict(
                "version_conflict",
                "Someone else changed this at the same moment; reload it and try again.",
            ),
            unreachable if unreachable.is_unavailable() => Self::unavailable(unreachable),
            other => Self::internal(other),
        }
    }
}

impl From<yui_store::flow::FlowError> for ApiError {
    fn from(error: yui_store::flow::FlowError) -> Self {
        match error {
            yui_store::flow::FlowError::Refused(refused) => Self::invalid_transition(refused),
            yui_store::flow::FlowError::Stale => Self::conflict(
                "stale_submission",
                "That is not the submission waiting for review; reload the task and judge its current submission.",
            ),
            yui_store::flow::FlowError::Store(store) => store.into(),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::internal(error)
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = Vec::new();
        flatten("", &errors, &mut fields);
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        Self::validation(fields)
    }
}

/// Walks nested `validator` errors, naming each field by its path (`tasks[3].title`).
fn flatten(prefix: &str, errors: &validator::ValidationErrors, out: &mut Vec<FieldError>) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
        match kind {
            ValidationErrorsKind::Field(errors) => out.extend(errors.iter().map(|error| FieldError {
                field: path.clone(),
                code: error.code.to_string(),
                message: error.message.as_ref().map_or_else(|| describe(error), ToString::to_string),
            })),
            ValidationErrorsKind::Struct(inner) => flatten(&path, inner, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    flatten(&format!("{path}[{index}]"), inner, out);
                }
            }
        }
    }
}

/// A readable sentence for a `validator` error that has no custom message.
fn describe(error: &validator::ValidationError) -> String {
    let param = |name: &str| error.params.get(name).map(ToString::to_string);
    match (error.code.as_ref(), param("min"), param("max")) {
        ("length", Some(min), Some(max)) => format!("must be {min} to {max} characters long"),
        ("length", None, Some(max)) => format!("must be at most {max} characters long"),
        ("length", Some(min), None) => format!("must be at least {min} characters long"),
        ("range", Some(min), Some(max)) => format!("must be between {min} and {max}"),
        (code, ..) => format!("is invalid ({code})"),
    }
}
