//! The caller's own account.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use yui_domain::Tenant;
use yui_store::{centers, organizations, users};

use crate::auth::Bearer;
use crate::error::ApiError;
use crate::routes::tags;
use crate::state::AppState;
use crate::views::{CenterView, OrganizationView, UserView};

pub fn configure(config: &mut ServiceConfig) {
    config.service(me);
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
    security(("bearer_token" = [])),
    responses((status = 200, description = "The caller's account.", body = MeResponse))
)]
#[get("/me")]
async fn me(state: web::Data<AppState>, bearer: Bearer) -> Result<web::Json<MeResponse>, ApiError> {
    let response = state
        .read_as(bearer, |conn, actor| {
            let user = users::find(conn, actor.user_id)?.ok_or_else(ApiError::unauthorized)?;
            let (center, organization) = match actor.tenant {
                Tenant::Center(id) => (centers::find(conn, id)?.map(Into::into), None),
                Tenant::Organization(id) => (None, organizations::find(conn, id)?.map(Into::into)),
            };
            Ok(MeResponse { user: user.into(), center, organization })
        })
        .await?;
    Ok(web::Json(response))
}
