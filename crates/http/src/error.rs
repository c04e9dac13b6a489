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

/// Declares [`ErrorCode`]: each code with its HTTP status and when it is answered.
/// The list is the contract: the OpenAPI document lists the codes (`Problem.code`),
/// and a test checks the table in `docs/api.md` against [`ErrorCode::ALL`].
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = ($status:ident, $name:literal, $when:literal),)+) => {
        /// A stable, machine-readable error code: branch on it, not on `detail`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)+
        }

        impl ErrorCode {
            /// Every code, in the order of the table in `docs/api.md`.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The HTTP status this code is always answered with.
            #[must_use]
            pub const fn status(self) -> StatusCode {
                match self {
                    $(ErrorCode::$variant => StatusCode::$status,)+
                }
            }

            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)+
                }
            }

            /// When the code is answered, in a few words (the docs' table).
            #[must_use]
            pub const fn meaning(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $when,)+
                }
            }
        }
    };
}

error_codes! {
    MalformedBody = (BAD_REQUEST, "malformed_body",
        "the body is not a JSON object, has wrong types, unknown fields or unknown enum values"),
    InvalidPathParameter = (BAD_REQUEST, "invalid_path_parameter", "a path segment is malformed, e.g. an id that is not a UUID"),
    InvalidQueryParameter = (BAD_REQUEST, "invalid_query_parameter",
        "a query parameter is malformed or out of range, e.g. `limit=0`, a cursor this API did not issue"),
    InvalidIdempotencyKey = (BAD_REQUEST, "invalid_idempotency_key",
        "the `Idempotency-Key` header is empty, longer than 255 characters or not printable ASCII"),
    InvalidToken = (BAD_REQUEST, "invalid_token",
        "the e-mail verification or password reset token is unknown, already used or expired"),
    Unauthenticated = (UNAUTHORIZED, "unauthenticated", "no, malformed, expired, forged or revoked access token or API key"),
    InvalidCredentials = (UNAUTHORIZED, "invalid_credentials", "login refused: wrong e-mail address or password"),
    InvalidRefreshToken = (UNAUTHORIZED, "invalid_refresh_token", "refresh refused: the token is unknown, spent, expired or revoked"),
    Forbidden = (FORBIDDEN, "forbidden", "your role, or your relation to this resource, does not allow this"),
    AccountDeactivated = (FORBIDDEN, "account_deactivated", "the account is deactivated"),
    OwnWork = (FORBIDDEN, "own_work", "nobody reviews a task they hold themselves"),
    InsufficientScope = (FORBIDDEN, "insufficient_scope", "the API key lacks the scope this operation needs; `detail` names it"),
    PersonOnly = (FORBIDDEN, "person_only",
        "API keys may not do this: managing people, API keys and your own account needs a person signed in"),
    NotFound = (NOT_FOUND, "not_found", "no such resource in your tenant (or not yours: the same answer)"),
    InvitationNotFound = (NOT_FOUND, "invitation_not_found", "no open invitation has this token"),
    MethodNotAllowed = (METHOD_NOT_ALLOWED, "method_not_allowed", "the path exists but not with this method; `Allow` lists those it takes"),
    InvalidState = (CONFLICT, "invalid_state",
        "the resource's state does not allow this; `current_state` and `allowed_actions` say what does"),
    VersionConflict = (CONFLICT, "version_conflict", "someone changed it at the same moment; reload and try again"),
    StaleSubmission = (CONFLICT, "stale_submission", "the submission reviewed is not the one waiting for review"),
    EmailTaken = (CONFLICT, "email_taken", "an account already uses this e-mail address"),
    EmailAlreadyVerified = (CONFLICT, "email_already_verified", "the account's e-mail address is already verified"),
    CannotDeactivateSelf = (CONFLICT, "cannot_deactivate_self", "admins cannot deactivate their own account"),
    SkillExists = (CONFLICT, "skill_exists", "the centre already has a skill with this slug"),
    TeamExists = (CONFLICT, "team_exists", "the centre already has a team of this name"),
    TimeOverlap = (CONFLICT, "time_overlap", "the span overlaps time the worker already logged (not rejected)"),
    TimerRunning = (CONFLICT, "timer_running", "the worker's timer is already running; stop it first"),
    PeriodClosed = (CONFLICT, "period_closed",
        "the pay period is closed: its statements are frozen; corrections land in the next period"),
    AlreadyInvoiced = (CONFLICT, "already_invoiced",
        "the job already has an invoice that is not void; void it first, or correct it with a credit note"),
    BillingNotConfigured = (CONFLICT, "billing_not_configured",
        "the centre's admins have not saved its billing settings (PUT /v1/billing-settings), so nothing can be issued"),
    Conflict = (CONFLICT, "conflict", "the request conflicts with existing data"),
    IdempotencyKeyInUse = (CONFLICT, "idempotency_key_in_use",
        "the first request with this `Idempotency-Key` is still running; retry after `Retry-After`"),
    PayloadTooLarge = (PAYLOAD_TOO_LARGE, "payload_too_large", "the body exceeds the server's limit (4 MiB by default)"),
    UnsupportedMediaType = (UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "the body is not `application/json`"),
    ValidationFailed = (UNPROCESSABLE_ENTITY, "validation_failed", "well-formed, but fields break the rules; see `errors`"),
    IdempotencyKeyReused = (UNPROCESSABLE_ENTITY, "idempotency_key_reused",
        "this `Idempotency-Key` was already used for a different request (method, path or body)"),
    RateLimited = (TOO_MANY_REQUESTS, "rate_limited",
        "the caller's requests per minute are spent, or too many failed logins or password reset requests; `Retry-After` says when to try again"),
    InternalError = (INTERNAL_SERVER_ERROR, "internal_error", "a fault on our side (logged; no details are returned)"),
    Unavailable = (SERVICE_UNAVAILABLE, "unavailable", "the database is unreachable; try again shortly"),
    Contention = (SERVICE_UNAVAILABLE, "contention",
        "too many changes to the same records at once, even after retrying; try again after `Retry-After`"),
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    pub code: ErrorCode,
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
    /// The request's id (also in `X-Request-Id` and in the server's logs): quote it
    /// when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    code: ErrorCode,
    detail: String,
    errors: Vec<FieldError>,
    /// For `invalid_state`: the current state and the allowed actions (boxed: rare).
    state: Option<Box<(String, Vec<String>)>>,
    retry_after_seconds: Option<u64>,
    /// For `method_not_allowed`: the methods the path takes.
    allow: Option<String>,
}

impl ApiError {
    /// An error with `code` (which decides the status) and a sentence for humans.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self { code, detail: detail.into(), errors: Vec::new(), state: None, retry_after_seconds: None, allow: None }
    }

    /// Malformed request syntax: bad JSON, wrong types, bad path or query values.
    pub fn bad_request(code: ErrorCode, detail: impl Into<String>) -> Self {
        debug_assert_eq!(code.status(), StatusCode::BAD_REQUEST);
        Self::new(code, detail)
    }

    /// Well-formed input that breaks the rules; one entry per field.
    #[must_use]
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut error = Self::new(ErrorCode::ValidationFailed, "The request has invalid fields; see `errors`.");
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
            ErrorCode::Unauthenticated,
            "A valid bearer access token is required (Authorization: Bearer <token>).",
        )
    }

    /// Authenticated, but the role (or the relation to the resource) may not do this.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, detail)
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

    /// Absent, or belonging to someone else (the two are indistinguishable by design).
    #[must_use]
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("No such {what}."))
    }

    /// The path exists, but not with this method.
    #[must_use]
    pub fn method_not_allowed(allowed: &[&str]) -> Self {
        let allow = allowed.join(", ");
        let mut error = Self::new(ErrorCode::MethodNotAllowed, format!("This path takes only: {allow}."));
        error.allow = Some(allow);
        error
    }

    /// An action the resource's current state does not allow: `409 invalid_state`,
    /// naming the state and the actions it allows.
    #[must_use]
    pub fn invalid_transition(refused: yui_domain::flow::InvalidTransition) -> Self {
        let allowed =
            if refused.allowed.is_empty() { "none: it is final".to_owned() } else { refused.allowed.join(", ") };
        let mut error = Self::new(
            ErrorCode::InvalidState,
            format!(
                "Cannot {} this {}: it is {}. Allowed now: {allowed}.",
                refused.action, refused.entity, refused.state
            ),
        );
        error.state =
            Some(Box::new((refused.state.to_owned(), refused.allowed.iter().map(|a| (*a).to_owned()).collect())));
        error
    }

    /// A change dated into a closed pay period (`field` names the date).
    pub fn period_closed(field: &str, last_closed_day: chrono::NaiveDate) -> Self {
        Self::new(
            ErrorCode::PeriodClosed,
            format!(
                "`{field}` falls in a closed pay period (closed up to {last_closed_day}): its statements are frozen. \
                 Date the change after that day."
            ),
        )
    }

    /// Too many failed logins; `retry_after_seconds` is when the block ends.
    #[must_use]
    pub fn too_many_requests(retry_after_seconds: u64) -> Self {
        Self::new(
            ErrorCode::RateLimited,
            format!("Too many failed attempts; try again in {retry_after_seconds} seconds."),
        )
        .retry_after(retry_after_seconds)
    }

    /// Sets the `Retry-After` header (whole seconds).
    #[must_use]
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after_seconds = Some(seconds);
        self
    }

    /// A server fault: the cause is logged, the client gets a generic detail.
    pub fn internal(cause: impl fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(ErrorCode::InternalError, "Something went wrong on our side.")
    }

    pub fn unavailable(cause: impl fmt::Display) -> Self {
        tracing::warn!(error = %cause, "database unavailable");
        let mut error = Self::new(ErrorCode::Unavailable, "The database is not reachable; try again shortly.");
        error.retry_after_seconds = Some(5);
        error
    }

    /// The transaction kept losing races the database detected (deadlocks,
    /// serialization failures); it was run again a few times already.
    fn contention(cause: impl fmt::Display) -> Self {
        tracing::warn!(error = %cause, "transaction lost a race");
        let mut error =
            Self::new(ErrorCode::Contention, "Too many changes to the same records at once; try again in a moment.");
        error.retry_after_seconds = Some(1);
        error
    }

    #[must_use]
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    fn problem(&self) -> Problem {
        let status = self.code.status();
        Problem {
            problem_type: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            code: self.code,
            detail: self.detail.clone(),
            errors: self.errors.clone(),
            current_state: self.state.as_deref().map(|(state, _)| state.clone()),
            allowed_actions: self.state.as_deref().map(|(_, allowed)| allowed.clone()),
            request_id: crate::request_id::current(),
        }
    }
}

impl yui_store::TransactionError for ApiError {
    fn is_contention(&self) -> bool {
        self.code == ErrorCode::Contention
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.code.status().as_u16(), self.code, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.code.status();
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_CONTENT_TYPE)));
        if let Some(seconds) = self.retry_after_seconds {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if let Some(allow) = &self.allow
            && let Ok(value) = HeaderValue::from_str(allow)
        {
            response.insert_header((header::ALLOW, value));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict { constraint } => {
                Self::new(ErrorCode::Conflict, format!("This conflicts with an existing record ({constraint})."))
            }
            StoreError::VersionConflict => Self::new(
                ErrorCode::VersionConflict,
                "Someone else changed this at the same moment; reload it and try again.",
            ),
            unreachable if unreachable.is_unavailable() => Self::unavailable(unreachable),
            contended if contended.is_contention() => Self::contention(contended),
            other => Self::internal(other),
        }
    }
}

impl From<yui_store::flow::FlowError> for ApiError {
    fn from(error: yui_store::flow::FlowError) -> Self {
        match error {
            yui_store::flow::FlowError::Refused(refused) => Self::invalid_transition(refused),
            yui_store::flow::FlowError::Stale => Self::new(
                ErrorCode::StaleSubmission,
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

#[cfg(test)]
mod tests {
    use actix_web::body::MessageBody as _;
    use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error};

    use super::*;

    struct Message(&'static str);

    impl DatabaseErrorInformation for Message {
        fn message(&self) -> &str {
            self.0
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            None
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn database_error(kind: DatabaseErrorKind, message: &'static str) -> StoreError {
        StoreError::Database(Error::DatabaseError(kind, Box::new(Message(message))))
    }

    /// A race the database resolved by failing the transaction (after the retries in
    /// `Database::write`) is `503 contention` with `Retry-After`, never a 500.
    #[test]
    fn lost_races_are_503_with_retry_after() {
        for store in [
            database_error(DatabaseErrorKind::Unknown, "deadlock detected"),
            database_error(DatabaseErrorKind::SerializationFailure, "could not serialize access"),
            database_error(DatabaseErrorKind::Unknown, "database is locked"),
        ] {
            assert!(store.is_contention());
            let error = ApiError::from(store);
            assert!(yui_store::TransactionError::is_contention(&error));
            let response = error.error_response();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(response.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()), Some("1"));
            let body = response.into_body().try_into_bytes().unwrap_or_default();
            let problem: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            assert_eq!(problem["code"], "contention");
        }
        let other = ApiError::from(database_error(DatabaseErrorKind::Unknown, "syntax error"));
        assert_eq!(other.code(), ErrorCode::InternalError);
    }

    #[test]
    fn every_code_has_its_own_name() {
        let mut names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).ok(), Some(serde_json::Value::from(code.as_str())));
        }
    }
}
