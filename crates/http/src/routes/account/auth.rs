//! Sign-up, login, token refresh and logout.
//!
//! Login is rate-limited per account and per client address, with failures counted
//! in the database. Password hashing (deliberately slow) runs outside the database
//! transaction so it never holds a connection or SQLite's write lock.

use actix_web::{HttpResponse, post, web};
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use yui_domain::{Locale, Role, Tenant};
use yui_store::account_tokens::Purpose;
use yui_store::sessions::Rotation;
use yui_store::users::NewUser;
use yui_store::{login_failures, organizations, sessions, users};

use super::{ensure_email_free, insert_user, mail_account_token};
use crate::auth::{SecretToken, hash_password, hash_token, verify_password};
use crate::error::{ApiError, ErrorCode};
use crate::extract::{ClientAddress, ValidJson};
use crate::input;
use crate::routes::tags;
use crate::state::AppState;
use crate::views::{LocaleName, OrganizationView, UserView};

pub fn configure(config: &mut ServiceConfig) {
    config.service(signup).service(login).service(refresh).service(logout);
}

/// A company signing itself up: the organisation and its first client user.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    /// The company's or municipality's name.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "Shiojiri Map Works",
        pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*[^\\s\\x00-\\x1F\\x7F-\\x9F][^\\x00-\\x1F\\x7F-\\x9F]*$"
    )]
    pub organization_name: String,
    /// The first user's name.
    #[validate(length(min = 1, max = 100))]
    #[schema(
        min_length = 1,
        max_length = 100,
        example = "Aiko Tanaka",
        pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*[^\\s\\x00-\\x1F\\x7F-\\x9F][^\\x00-\\x1F\\x7F-\\x9F]*$"
    )]
    pub display_name: String,
    /// The first user's login e-mail address.
    #[validate(length(min = 3, max = 254))]
    #[schema(min_length = 3, max_length = 254, format = Email, example = "aiko@mapworks.example")]
    pub email: String,
    /// At least 10 characters.
    #[validate(length(min = 10, max = 128))]
    #[schema(min_length = 10, max_length = 128, example = "a long passphrase")]
    pub password: String,
    /// The language of the user's e-mails (default `ja`).
    #[serde(default)]
    pub locale: Option<LocaleName>,
}

/// The new organisation and its first user.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignupResponse {
    pub organization: OrganizationView,
    pub user: UserView,
}

/// Sign up a client organisation.
///
/// Creates the organisation and its first `client` user, and e-mails a link to
/// verify the address (valid 48 hours; `POST /v1/auth/verify-email`). Log in
/// afterwards with the same e-mail and password.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = SignupRequest,
    responses(
        (status = 201, description = "The organisation and its first user were created.", body = SignupResponse),
        (status = 409, description = "The e-mail address already has an account (`email_taken`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/signup")]
async fn signup(state: web::Data<AppState>, body: ValidJson<SignupRequest>) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let organization_name = input::name("organization_name", &body.organization_name, 200)?;
    let display_name = input::name("display_name", &body.display_name, 100)?;
    let email = input::email("email", &body.email)?;
    let password = input::new_password("password", &body.password)?;
    let locale = body.locale.map_or(Locale::default(), Locale::from);
    let password_hash = web::block(move || hash_password(password.expose())).await??;

    let response = state
        .write(move |conn| {
            ensure_email_free(conn, &email)?;
            let organization = organizations::insert(conn, organization_name.as_str())?;
            let user = insert_user(
                conn,
                NewUser {
                    email: &email,
                    password_hash: &password_hash,
                    display_name: display_name.as_str(),
                    role: Role::Client,
                    tenant: Tenant::Organization(organization.id),
                    locale,
                    email_verified: false,
                },
            )?;
            mail_account_token(conn, &user, Purpose::VerifyEmail)?;
            Ok(SignupResponse { organization: organization.into(), user: user.into() })
        })
        .await?;
    Ok(HttpResponse::Created().json(response))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account's e-mail address.
    #[validate(length(min = 3, max = 254))]
    #[schema(min_length = 3, max_length = 254, format = Email, example = "admin@kado.example")]
    pub email: String,
    /// The account's password.
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub password: String,
}

/// A new access token and refresh token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Single-use: exchange it at `/v1/auth/refresh` for a new pair.
    pub refresh_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

/// Log in with e-mail and password.
///
/// Returns a short-lived access token and a single-use refresh token. After 5
/// failed attempts for one account (or 50 from one address) within 15 minutes,
/// further attempts get `429` until the window passes.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in.", body = TokenResponse),
        (status = 401, description = "Wrong e-mail or password (`invalid_credentials`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is deactivated (`account_deactivated`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts (`rate_limited`); see `Retry-After`.",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    address: ClientAddress,
    body: ValidJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let email = input::email("email", &body.email)?;
    let settings = state.settings.clone();
    let window = TimeDelta::from_std(settings.login_window).unwrap_or(TimeDelta::minutes(15));

    // The attempt is recorded as a failure in the same transaction that checks the
    // limit, before the (slow) password check, so parallel guesses count too; a
    // successful login then clears the account's record.
    let (email_key, address_key) = (email.as_str().to_owned(), address.0);
    let account = state
        .write(move |conn| {
            login_failures::lock_account(conn, &email_key)?;
            let limits = (settings.login_max_failures_per_account, settings.login_max_failures_per_address);
            if let Some(until) = login_failures::blocked_until(conn, &email_key, &address_key, limits, window)? {
                let seconds = (until - yui_store::now()).num_seconds().saturating_add(1).max(1);
                return Err(ApiError::too_many_requests(u64::try_from(seconds).unwrap_or(1)));
            }
            login_failures::record(conn, &email_key, &address_key)?;
            Ok(users::find_for_login(conn, &email)?)
        })
        .await?;

    let password = body.password;
    let (user, verified) = web::block(move || {
        let verified = verify_password(&password, account.as_ref().map(|(_, hash)| hash.as_str()));
        (account.map(|(user, _)| user), verified)
    })
    .await?;

    match user.filter(|_| verified) {
        Some(user) if !user.active => Err(ApiError::new(
            ErrorCode::AccountDeactivated,
            "This account has been deactivated; ask your centre's admin.",
        )),
        Some(user) => {
            let session_ttl = state.settings.session_ttl;
            let keys = state.keys.clone();
            let tokens = state
                .write(move |conn| {
                    login_failures::clear_for_email(conn, user.email.as_str())?;
                    let refresh_token = SecretToken::generate()?;
                    let expires_at = yui_store::now() + TimeDelta::from_std(session_ttl).unwrap_or(TimeDelta::days(30));
                    let session = sessions::open(conn, user.id, &refresh_token.hash, expires_at)?;
                    let access = keys.issue(user.id, session, user.role)?;
                    Ok(token_response(access, refresh_token))
                })
                .await?;
            Ok(HttpResponse::Ok().json(tokens))
        }
        None => Err(ApiError::new(ErrorCode::InvalidCredentials, "The e-mail address or password is wrong.")),
    }
}

fn token_response(access: crate::auth::IssuedAccessToken, refresh_token: SecretToken) -> TokenResponse {
    TokenResponse {
        access_token: access.token,
        refresh_token: refresh_token.secret,
        token_type: "Bearer".into(),
        expires_in: access.expires_in.as_secs(),
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh.
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub refresh_token: String,
}

/// Exchange a refresh token for a new token pair.
///
/// Each refresh token works once. Presenting one that was already used revokes the
/// whole session (it may have been stolen): log in again.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair; the old refresh token is spent.", body = TokenResponse),
        (status = 401, description = "Unknown, spent, expired or revoked refresh token.",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
async fn refresh(state: web::Data<AppState>, body: ValidJson<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    let presented = hash_token(&body.into_inner().refresh_token);
    let keys = state.keys.clone();
    // The transaction commits whatever it decided (including revoking a session on
    // reuse); refusals are turned into errors after the commit.
    let outcome = state
        .write(move |conn| {
            let next = SecretToken::generate()?;
            match sessions::rotate(conn, &presented, &next.hash)? {
                Rotation::Rotated { session, user } if user.active => {
                    Ok(Some(token_response(keys.issue(user.id, session, user.role)?, next)))
                }
                Rotation::Rotated { session, .. } => {
                    sessions::revoke(conn, session)?;
                    Ok(None)
                }
                Rotation::Reused | Rotation::Refused => Ok(None),
            }
        })
        .await?;
    outcome.map(|tokens| HttpResponse::Ok().json(tokens)).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidRefreshToken,
            "The refresh token is unknown, already used, expired or revoked; log in again.",
        )
    })
}

/// End a session.
///
/// Revokes the session the refresh token belongs to: its refresh token and every
/// access token issued in it stop working at once. Unknown tokens are accepted
/// silently, so the answer never reveals whether a token existed.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = RefreshRequest,
    responses((status = 204, description = "The session is over."))
)]
#[post("/auth/logout")]
async fn logout(state: web::Data<AppState>, body: ValidJson<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    let presented = hash_token(&body.into_inner().refresh_token);
    state.write(move |conn| Ok(sessions::revoke_by_token(conn, &presented)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
