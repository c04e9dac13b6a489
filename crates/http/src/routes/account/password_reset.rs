//! Password reset by e-mail.
//!
//! A request always answers `202` the same way, whether or not an account has the
//! address, so the API never tells a stranger who has an account. For an active
//! account it mails a single-use link valid for one hour (and spends any earlier
//! one). Requests are rate-limited like logins, per address and per client. Setting
//! the new password spends the token and revokes every session of the account:
//! whoever held one is signed out.

use actix_web::{HttpResponse, post, web};
use chrono::TimeDelta;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use yui_store::account_tokens::{self, Purpose};
use yui_store::{login_failures, sessions, users};

use super::mail_account_token;
use crate::auth::{hash_password, hash_token};
use crate::error::{ApiError, ErrorCode};
use crate::extract::{ClientAddress, ValidJson};
use crate::input;
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(request_reset).service(confirm_reset);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    /// The account's login e-mail address.
    #[validate(length(min = 3, max = 254))]
    #[schema(min_length = 3, max_length = 254, format = Email, example = "hana@kado.example")]
    pub email: String,
}

/// Ask for a password reset link by e-mail.
///
/// Always `202`: the answer is the same whether or not the address has an account.
/// If it has an active one, a link valid for one hour is e-mailed (in the account's
/// language); an earlier link stops working. Limited like logins: 5 requests per
/// address (50 per client) in 15 minutes, then `429`.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the address has an account, a reset link is on its way."),
        (status = 429, description = "Too many requests (`rate_limited`); see `Retry-After`.",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset")]
async fn request_reset(
    state: web::Data<AppState>,
    address: ClientAddress,
    body: ValidJson<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let email = input::email("email", &body.into_inner().email)?;
    let settings = state.settings.clone();
    let window = TimeDelta::from_std(settings.login_window).unwrap_or(TimeDelta::minutes(15));
    // Counted apart from failed logins (their own keys), under the same limits: a
    // flood of reset requests blocks neither the account's nor the address's logins.
    let key = format!("password-reset:{}", email.as_str());
    let address = format!("password-reset:{}", address.0);
    state
        .write(move |conn| {
            login_failures::lock_account(conn, &key)?;
            let limits = (settings.login_max_failures_per_account, settings.login_max_failures_per_address);
            if let Some(until) = login_failures::blocked_until(conn, &key, &address, limits, window)? {
                let seconds = (until - yui_store::now()).num_seconds().saturating_add(1).max(1);
                return Err(ApiError::too_many_requests(u64::try_from(seconds).unwrap_or(1)));
            }
            login_failures::record(conn, &key, &address)?;
            if let Some(user) = users::find_active_by_email(conn, &email)? {
                mail_account_token(conn, &user, Purpose::ResetPassword)?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirmation {
    /// The token from the e-mailed link.
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub token: String,
    /// The new password: at least 10 characters.
    #[validate(length(min = 10, max = 128))]
    #[schema(min_length = 10, max_length = 128)]
    pub new_password: String,
}

/// Set a new password with the token from a reset e-mail.
///
/// The token works once and for one hour. Every session of the account is revoked
/// (every device is signed out); log in with the new password. The address counts as
/// verified, since the link reached it.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = PasswordResetConfirmation,
    responses(
        (status = 204, description = "The password is changed and every session revoked."),
        (status = 400, description = "The token is unknown, used or expired (`invalid_token`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset/confirm")]
async fn confirm_reset(
    state: web::Data<AppState>,
    body: ValidJson<PasswordResetConfirmation>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let password = input::new_password("new_password", &body.new_password)?;
    let token_hash = hash_token(&body.token);
    let password_hash = web::block(move || hash_password(password.expose())).await??;
    state
        .write(move |conn| {
            let invalid =
                || ApiError::new(ErrorCode::InvalidToken, "This reset link is unknown, already used or expired.");
            let user_id = account_tokens::spend(conn, Purpose::ResetPassword, &token_hash)?.ok_or_else(invalid)?;
            let user = users::find(conn, user_id)?.filter(|u| u.active).ok_or_else(invalid)?;
            users::set_password_hash(conn, user.id, &password_hash)?;
            users::mark_email_verified(conn, user.id)?;
            sessions::revoke_all_of(conn, user.id)?;
            login_failures::clear_for_email(conn, &user.email)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
