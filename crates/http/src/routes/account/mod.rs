//! The caller's account and tenant: sign-up, login and sessions, password reset
//! and e-mail verification, the caller themself and their notification
//! preferences, the users of their centre or organisation, invitations.

mod auth;
mod invitations;
mod me;
mod password_reset;
mod preferences;
mod users;
mod verification;

use chrono::TimeDelta;
use serde_json::json;
use utoipa_actix_web::service_config::ServiceConfig;
use yui_domain::{Email, Template};
use yui_store::DbConnection;
use yui_store::account_tokens::{self, Purpose};
use yui_store::outbox::{self, NewMessage};
use yui_store::users::{NewUser, User};

use crate::auth::SecretToken;
use crate::error::{ApiError, ErrorCode};

pub fn configure(config: &mut ServiceConfig) {
    config
        .configure(auth::configure)
        .configure(password_reset::configure)
        .configure(verification::configure)
        .configure(me::configure)
        .configure(preferences::configure)
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

/// How long a password reset link works.
const RESET_TTL: TimeDelta = TimeDelta::hours(1);
/// How long an e-mail verification link works.
const VERIFY_TTL: TimeDelta = TimeDelta::hours(48);

/// Issues a single-use token for `purpose` and writes the e-mail carrying its link
/// to the outbox, in the caller's transaction.
fn mail_account_token(conn: &mut DbConnection, user: &User, purpose: Purpose) -> Result<(), ApiError> {
    let (template, ttl, path) = match purpose {
        Purpose::VerifyEmail => (Template::VerifyEmail, VERIFY_TTL, "/verify-email"),
        Purpose::ResetPassword => (Template::PasswordReset, RESET_TTL, "/reset-password"),
    };
    let token = SecretToken::generate()?;
    let expires_at = yui_store::now() + ttl;
    account_tokens::issue(conn, user.id, purpose, &token.hash, expires_at)?;
    outbox::enqueue(
        conn,
        &[NewMessage {
            recipient_user: Some(user.id),
            recipient: user.email.clone(),
            locale: user.locale,
            template,
            data: json!({
                "recipient_name": user.display_name,
                "path": path,
                "token": token.secret,
                "expires_at": expires_at.to_rfc3339(),
            }),
            held: false,
        }],
    )?;
    Ok(())
}
