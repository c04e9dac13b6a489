//! The caller's own account: who they are, and the language of their e-mails.

use actix_web::{get, patch, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use yui_domain::Tenant;
use yui_store::{DbConnection, centers, organizations, users};

use yui_domain::access::Action;

use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::routes::tags;
use crate::state::AppState;
use crate::views::{CenterView, LocaleName, OrganizationView, UserView};

pub fn configure(config: &mut ServiceConfig) {
    config.service(me).service(update_me);
}

/// The caller, with the centre or organisation they belong to.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub user: UserView,
    /// The caller's centre (centre roles); `null` for clients.
    pub center: Option<CenterView>,
    /// The caller's organisation (clients); `null` for centre roles.
    pub organization: Option<OrganizationView>,
}

/// Who am I?
#[utoipa::path(
    tag = tags::ACCOUNT,
    security(("bearer_token" = []), ("api_key" = [])),
    responses((status = 200, description = "The caller's account.", body = MeResponse))
)]
#[get("/me")]
async fn me(state: web::Data<AppState>, bearer: Bearer) -> Result<web::Json<MeResponse>, ApiError> {
    let response = state.read_as(bearer, me_response).await?;
    Ok(web::Json(response))
}

fn me_response(conn: &mut DbConnection, actor: yui_domain::Actor) -> Result<MeResponse, ApiError> {
    access::own_tenant(actor, Action::ReadOwnAccount)?;
    let user = users::find(conn, actor.user_id)?.ok_or_else(ApiError::unauthorized)?;
    let (center, organization) = match actor.tenant {
        Tenant::Center(id) => (centers::find(conn, id)?.map(Into::into), None),
        Tenant::Organization(id) => (None, organizations::find(conn, id)?.map(Into::into)),
    };
    Ok(MeResponse { user: user.into(), center, organization })
}

/// Changes to your own account; fields left out stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    /// The language of your e-mails: `ja` or `en`.
    #[serde(default)]
    pub locale: Option<LocaleName>,
}

/// Change your own account (the language of your e-mails).
#[utoipa::path(
    tag = tags::ACCOUNT,
    security(("bearer_token" = [])),
    request_body = UpdateMeRequest,
    responses((status = 200, description = "The caller's account, changed.", body = MeResponse))
)]
#[patch("/me")]
async fn update_me(
    state: web::Data<AppState>,
    bearer: Bearer,
    body: ValidJson<UpdateMeRequest>,
) -> Result<web::Json<MeResponse>, ApiError> {
    let body = body.into_inner();
    let response = state
        .write_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageOwnAccount)?;
            if let Some(locale) = body.locale {
                users::set_locale(conn, actor.user_id, locale.into())?;
            }
            me_response(conn, actor)
        })
        .await?;
    Ok(web::Json(response))
}
