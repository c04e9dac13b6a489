//! The caller's account and tenant: sign-up, login and sessions, the caller
//! themself, the users of their centre or organisation, invitations.

mod auth;
mod invitations;
mod me;
mod users;

use utoipa_actix_web::service_config::ServiceConfig;
use yui_domain::Email;
use yui_store::DbConnection;
use yui_store::users::{NewUser, User};

use crate::error::{ApiError, ErrorCode};

pub fn configure(config: &mut ServiceConfig) {
    config
        .configure(auth::configure)
        .configure(me::configure)
        .configure(users::configure)
        .configure(invitations::configure);
}

/// `409 email_taken` when an account already uses `email`.
fn ensure_email_free(conn: &mut DbConnection, email: &Email) -> Result<(), ApiError> {
    if yui_store::users::email_taken(conn, email)? { Err(email_taken()) } else { Ok(()) }
}

/// Inserts a user, reporting a lost race on the e-mail address as `email_taken`.
fn insert_user(conn: &mut DbConnection, new: NewUser<'_>) -> Result<User, ApiError> {
    yui_store::users::insert(conn, new).map_err(|error| match error {
        yui_store::StoreError::Conflict { .. } => email_taken(),
        other => other.into(),
    })
}

fn email_taken() -> ApiError {
    ApiError::new(ErrorCode::EmailTaken, "An account with this e-mail address already exists.")
}
