//! Proving an e-mail address: the link mailed at sign-up (or again on request)
//! marks the account's address verified. Invited accounts are verified when they
//! accept (the invitation reached the address), and a password reset verifies too.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use yui_store::account_tokens::{self, Purpose};
use yui_store::users;

use super::mail_account_token;
use yui_domain::access::Action;

use crate::access;
use crate::auth::{Bearer, hash_token};
use crate::error::{ApiError, ErrorCode};
use crate::extract::ValidJson;
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(verify_email).service(resend_verification);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyEmailRequest {
    /// The token from the e-mailed link.
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub token: String,
}

/// Verify your e-mail address with the token from the e-mailed link (no
/// authentication: the token is the credential). It works once, for 48 hours.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = VerifyEmailRequest,
    responses(
        (status = 204, description = "The address is verified."),
        (status = 400, description = "The token is unknown, used or expired (`invalid_token`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/verify-email")]
async fn verify_email(
    state: web::Data<AppState>,
    body: ValidJson<VerifyEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let token_hash = hash_token(&body.into_inner().token);
    state
        .write(move |conn| {
            let user = account_tokens::spend(conn, Purpose::VerifyEmail, &token_hash)?.ok_or_else(|| {
                ApiError::new(ErrorCode::InvalidToken, "This verification link is unknown, already used or expired.")
            })?;
            users::mark_email_verified(conn, user)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// E-mail yourself a new verification link (an earlier one stops working).
#[utoipa::path(
    tag = tags::ACCOUNT,
    security(("bearer_token" = [])),
    responses(
        (status = 202, description = "A new link is on its way."),
        (status = 409, description = "The address is already verified (`email_already_verified`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/verification-email")]
async fn resend_verification(state: web::Data<AppState>, bearer: Bearer) -> Result<HttpResponse, ApiError> {
    state
        .write_as(bearer, |conn, actor| {
            access::own_tenant(actor, Action::ManageOwnAccount)?;
            let user = users::find(conn, actor.user_id)?.ok_or_else(ApiError::unauthorized)?;
            if user.email_verified_at.is_some() {
                return Err(ApiError::new(ErrorCode::EmailAlreadyVerified, "Your e-mail address is already verified."));
            }
            mail_account_token(conn, &user, Purpose::VerifyEmail)
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}
