//! The users of the caller's own tenant: listing, reading, deactivating.
//!
//! Admins, directors and clients may see their tenant's members; only a centre admin
//! may deactivate or reactivate them. Another tenant's user is `404`, exactly as if
//! it did not exist. Deactivation revokes every session of the user at once.

use actix_web::{get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use yui_domain::{Actor, UserId};
use yui_store::users::UserFilter;
use yui_store::{DbConnection, sessions, users};

use crate::access;
use crate::auth::Bearer;
use crate::error::{ApiError, ErrorCode};
use crate::pagination::{PageParams, Paginated};
use crate::routes::tags;
use crate::state::AppState;
use crate::views::{RoleName, UserView};
use yui_domain::access::Action;

pub fn configure(config: &mut ServiceConfig) {
    config.service(list_users).service(get_user).service(deactivate_user).service(reactivate_user);
}

/// Filters for the user list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilterParams {
    /// Only users with this role.
    pub role: Option<RoleName>,
    /// Only active (`true`) or deactivated (`false`) users.
    pub active: Option<bool>,
}

/// List the users of your centre or organisation.
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(UserFilterParams, PageParams),
    responses((status = 200, description = "One page of users, oldest first.", body = Paginated<UserView>))
)]
#[get("/users")]
async fn list_users(
    state: web::Data<AppState>,
    bearer: Bearer,
    filter: web::Query<UserFilterParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<UserView>>, ApiError> {
    let page = page.parse()?;
    let filter = UserFilter { role: filter.role.map(Into::into), active: filter.active };
    let users = state
        .read_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ListMembers)?;
            Ok(users::list_in_tenant(conn, actor.tenant, filter, page.after.map(UserId::from), page.limit)?)
        })
        .await?;
    Ok(web::Json(Paginated::from_page(users, UserView::from)))
}

/// Read one user of your centre or organisation.
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(("id" = Uuid, Path, description = "The user's id.")),
    responses((status = 200, description = "The user.", body = UserView))
)]
#[get("/users/{id}")]
async fn get_user(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<UserView>, ApiError> {
    let id = UserId::from(id.into_inner());
    let user = state
        .read_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ListMembers)?;
            users::find_in_tenant(conn, actor.tenant, id)?.ok_or_else(|| ApiError::not_found("user"))
        })
        .await?;
    Ok(web::Json(user.into()))
}

/// Deactivate a user of your centre.
///
/// The user can no longer log in, and every token they hold stops working at once.
/// Admins cannot deactivate themselves (so a centre is never locked out by mistake).
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer_token" = [])),
    params(("id" = Uuid, Path, description = "The user's id.")),
    responses(
        (status = 200, description = "The user, now inactive.", body = UserView),
        (status = 409, description = "Admins cannot deactivate themselves (`cannot_deactivate_self`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/deactivate")]
async fn deactivate_user(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<UserView>, ApiError> {
    let id = UserId::from(id.into_inner());
    let user = state
        .write_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageMembers)?;
            if actor.user_id == id {
                return Err(ApiError::new(ErrorCode::CannotDeactivateSelf, "You cannot deactivate your own account."));
            }
            let user = set_active(conn, actor, id, false)?;
            sessions::revoke_all_of(conn, id)?;
            Ok(user)
        })
        .await?;
    Ok(web::Json(user.into()))
}

/// Reactivate a user of your centre.
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer_token" = [])),
    params(("id" = Uuid, Path, description = "The user's id.")),
    responses((status = 200, description = "The user, active again.", body = UserView))
)]
#[post("/users/{id}/reactivate")]
async fn reactivate_user(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<UserView>, ApiError> {
    let id = UserId::from(id.into_inner());
    let user = state
        .write_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageMembers)?;
            set_active(conn, actor, id, true)
        })
        .await?;
    Ok(web::Json(user.into()))
}

fn set_active(
    conn: &mut DbConnection,
    actor: Actor,
    id: UserId,
    active: bool,
) -> Result<yui_store::users::User, ApiError> {
    users::set_active(conn, actor.tenant, id, active)?.ok_or_else(|| ApiError::not_found("user"))
}
