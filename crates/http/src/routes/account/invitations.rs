//! Invitations: how people join a centre or a client organisation.
//!
//! A centre admin invites admins, directors and workers; a client invites
//! colleagues. The invitee gets an e-mail (in the invitation's language) with a
//! one-time link; the token in it is stored only as a hash and never returned by
//! the API, so only the person who reads that mailbox can accept. They accept with
//! it, choosing their own name and password; the address then counts as verified.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::{Actor, InvitationId, Locale, Role, Template, Tenant};
use yui_store::invitations::{self, Invitation, NewInvitation};
use yui_store::outbox::{self, NewMessage};
use yui_store::users::NewUser;
use yui_store::{DbConnection, centers, organizations, users};

use super::{ensure_email_free, insert_user};
use crate::access;
use crate::auth::{Bearer, SecretToken, hash_password, hash_token};
use crate::error::{ApiError, ErrorCode};
use crate::extract::ValidJson;
use crate::input;
use crate::pagination::{PageParams, Paginated};
use crate::routes::tags;
use crate::state::AppState;
use crate::views::{LocaleName, RoleName, UserView};
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
    /// The language of the invitation e-mail and of the new account (default `ja`).
    #[serde(default)]
    pub locale: Option<LocaleName>,
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
    /// The language of the invitation e-mail and of the account it makes.
    pub locale: LocaleName,
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
            locale: invitation.locale.into(),
        }
    }
}

/// Invite someone into your centre or organisation.
///
/// The invitee is e-mailed a link with a one-time token, valid for 7 days; the
/// token is never returned here.
#[utoipa::path(
    tag = tags::INVITATIONS,
    security(("bearer_token" = [])),
    request_body = InvitationRequest,
    responses(
        (status = 201, description = "The invitation; its link is on its way to the invitee.", body = InvitationView),
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
    let locale = body.locale.map_or(Locale::default(), Locale::from);
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
                    locale,
                },
            )?;
            mail_invitation(conn, actor, &invitation, &token.secret)?;
            Ok(InvitationView::from(invitation))
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Writes the invitation e-mail to the outbox, in the inviting transaction.
fn mail_invitation(
    conn: &mut DbConnection,
    actor: Actor,
    invitation: &Invitation,
    token: &str,
) -> Result<(), ApiError> {
    let inviter = users::find(conn, actor.user_id)?.map(|u| u.display_name).unwrap_or_default();
    let (tenant_name, time_zone) = match actor.tenant {
        Tenant::Center(id) => {
            let center = centers::find(conn, id)?.ok_or_else(|| ApiError::not_found("centre"))?;
            (center.name, center.time_zone.name().to_owned())
        }
        Tenant::Organization(id) => {
            let organization = organizations::find(conn, id)?.ok_or_else(|| ApiError::not_found("organisation"))?;
            (organization.name, "Asia/Tokyo".to_owned())
        }
    };
    outbox::enqueue(
        conn,
        &[NewMessage {
            recipient_user: None,
            recipient: invitation.email.clone(),
            locale: invitation.locale,
            template: Template::Invitation,
            data: json!({
                "inviter_name": inviter,
                "tenant_name": tenant_name,
                "role": invitation.role.as_str(),
                "time_zone": time_zone,
                "expires_at": invitation.expires_at.to_rfc3339(),
                "path": "/accept-invitation",
                "token": token,
            }),
            held: false,
        }],
    )?;
    Ok(())
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
    /// The language of your e-mails (default: the invitation's).
    #[serde(default)]
    pub locale: Option<LocaleName>,
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
    let chosen_locale = body.locale.map(Locale::from);
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
                    locale: chosen_locale.unwrap_or(invitation.locale),
                    email_verified: true,
                },
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(UserView::from(user)))
}
