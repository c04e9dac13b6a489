//! Invitations: how people join a centre or a client organisation.
//!
//! A centre admin invites admins, directors and workers; a client invites
//! colleagues. The response carries a one-time token (shown once, stored only as a
//! hash) for the inviter to pass on; the invitee accepts with it, choosing their own
//! name and password. E-mail delivery of the token is planned with notifications.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::{InvitationId, Role, Tenant};
use yui_store::invitations::{self, Invitation, NewInvitation};
use yui_store::users::NewUser;

use super::{ensure_email_free, insert_user};
use crate::access;
use crate::auth::{Bearer, SecretToken, hash_password, hash_token};
use crate::error::{ApiError, ErrorCode};
use crate::extract::ValidJson;
use crate::input;
use crate::pagination::{PageParams, Paginated};
use crate::routes::tags;
use crate::state::AppState;
use crate::views::{RoleName, UserView};
use yui_domain::access::Action;

pub fn configure(config: &mut ServiceConfig) {
    // `accept` is registered before nothing that could shadow it; paths are distinct.
    config.service(create_invitation).service(list_invitations).service(accept_invitation);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationRequest {
    /// The invitee's e-mail address; it becomes their login.
    #[validate(length(min = 3, max = 254))]
    #[schema(min_length = 3, max_length = 254, format = Email, example = "hana@kado.example")]
    pub email: String,
    /// The role the invitee will have. Admins invite `admin`, `director` or
    /// `worker`; clients invite `client`.
    pub role: RoleName,
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Expired,
}

/// An invitation (without its token).
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    /// The invitation's id (UUIDv7).
    pub id: Uuid,
    /// Who is invited.
    pub email: String,
    pub role: RoleName,
    pub status: InvitationStatus,
    /// The user who sent it.
    pub invited_by: Uuid,
    /// When it was sent (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// After this instant it can no longer be accepted.
    pub expires_at: DateTime<Utc>,
    /// When it was accepted, if it was.
    pub accepted_at: Option<DateTime<Utc>>,
}

impl From<Invitation> for InvitationView {
    fn from(invitation: Invitation) -> Self {
        let status = match invitation.accepted_at {
            Some(_) => InvitationStatus::Accepted,
            None if invitation.expires_at <= Utc::now() => InvitationStatus::Expired,
            None => InvitationStatus::Pending,
        };
        Self {
            id: invitation.id.as_uuid(),
            email: invitation.email,
            role: invitation.role.into(),
            status,
            invited_by: invitation.invited_by.as_uuid(),
            created_at: invitation.created_at,
            expires_at: invitation.expires_at,
            accepted_at: invitation.accepted_at,
        }
    }
}

/// A new invitation and its one-time token.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationCreated {
    pub invitation: InvitationView,
    /// Give this to the invitee; it is shown only once.
    pub token: String,
}

/// Invite someone into your centre or organisation.
#[utoipa::path(
    tag = tags::INVITATIONS,
    security(("bearer_token" = [])),
    request_body = InvitationRequest,
    responses(
        (status = 201, description = "The invitation and its one-time token.", body = InvitationCreated),
        (status = 409, description = "The e-mail address already has an account (`email_taken`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/invitations")]
async fn create_invitation(
    state: web::Data<AppState>,
    bearer: Bearer,
    body: ValidJson<InvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let email = input::email("email", &body.email)?;
    let role = Role::from(body.role);
    let ttl = TimeDelta::from_std(state.settings.invitation_ttl).unwrap_or(TimeDelta::days(7));
    let created = state
        .write_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageInvitations)?;
            if !actor.may_invite(role) {
                return Err(ApiError::forbidden(format!("A {} cannot invite a {}.", actor.role, role)));
            }
            ensure_email_free(conn, &email)?;
            let token = SecretToken::generate()?;
            let invitation = invitations::insert(
                conn,
                NewInvitation {
                    email: &email,
                    role,
                    tenant: actor.tenant,
                    invited_by: actor.user_id,
                    token_hash: &token.hash,
                    expires_at: yui_store::now() + ttl,
                },
            )?;
            Ok(InvitationCreated { invitation: invitation.into(), token: token.secret })
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// List the invitations of your centre or organisation.
#[utoipa::path(
    tag = tags::INVITATIONS,
    security(("bearer_token" = [])),
    params(PageParams),
    responses((status = 200, description = "One page of invitations, oldest first.", body = Paginated<InvitationView>))
)]
#[get("/invitations")]
async fn list_invitations(
    state: web::Data<AppState>,
    bearer: Bearer,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<InvitationView>>, ApiError> {
    let page = page.parse()?;
    let invitations = state
        .read_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageInvitations)?;
            Ok(invitations::list_in_tenant(conn, actor.tenant, page.after.map(InvitationId::from), page.limit)?)
        })
        .await?;
    Ok(web::Json(Paginated::from_page(invitations, InvitationView::from)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationRequest {
    /// The token from the invitation.
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub token: String,
    /// The name shown to colleagues.
    #[validate(length(min = 1, max = 100))]
    #[schema(
        min_length = 1,
        max_length = 100,
        example = "Hana Suzuki",
        pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*[^\\s\\x00-\\x1F\\x7F-\\x9F][^\\x00-\\x1F\\x7F-\\x9F]*$"
    )]
    pub display_name: String,
    /// The new account's password: at least 10 characters.
    #[validate(length(min = 10, max = 128))]
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
}

/// Accept an invitation and create your account (no authentication: the token is
/// the credential).
#[utoipa::path(
    tag = tags::INVITATIONS,
    request_body = AcceptInvitationRequest,
    responses(
        (status = 201, description = "The new account; log in with it.", body = UserView),
        (status = 404, description = "No open invitation has this token (`invitation_not_found`): \
            unknown, already accepted or expired.",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The e-mail address already has an account (`email_taken`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/invitations/accept")]
async fn accept_invitation(
    state: web::Data<AppState>,
    body: ValidJson<AcceptInvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let display_name = input::name("display_name", &body.display_name, 100)?;
    let password = input::new_password("password", &body.password)?;
    let token_hash = hash_token(&body.token);
    let password_hash = web::block(move || hash_password(password.expose())).await??;
    let user = state
        .write(move |conn| {
            let not_found = || {
                ApiError::new(
                    ErrorCode::InvitationNotFound,
                    "No open invitation has this token; it may have been used or have expired.",
                )
            };
            let invitation = invitations::find_open_by_token(conn, &token_hash)?.ok_or_else(not_found)?;
            if !invitations::mark_accepted(conn, invitation.id)? {
                return Err(not_found());
            }
            let email = input::email("email", &invitation.email)?;
            let tenant: Tenant = invitation.tenant;
            insert_user(
                conn,
                NewUser {
                    email: &email,
                    password_hash: &password_hash,
                    display_name: display_name.as_str(),
                    role: invitation.role,
                    tenant,
                },
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(UserView::from(user)))
}
