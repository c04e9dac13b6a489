//! The public directory of centres, so a company can choose one before signing up.

use actix_web::{get, web};
use utoipa_actix_web::service_config::ServiceConfig;
use yui_domain::CenterId;
use yui_store::centers;

use crate::error::ApiError;
use crate::pagination::{PageParams, Paginated};
use crate::routes::tags;
use crate::state::AppState;
use crate::views::CenterView;

pub fn configure(config: &mut ServiceConfig) {
    config.service(list_public_centers);
}

/// List the telework centres (public, no authentication).
#[utoipa::path(
    tag = tags::PUBLIC,
    params(PageParams),
    responses((status = 200, description = "One page of centres, oldest first.", body = Paginated<CenterView>))
)]
#[get("/public/centers")]
async fn list_public_centers(
    state: web::Data<AppState>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<CenterView>>, ApiError> {
    let page = page.parse()?;
    let centers = state.read(move |conn| Ok(centers::list(conn, page.after.map(CenterId::from), page.limit)?)).await?;
    Ok(web::Json(Paginated::from_page(centers, CenterView::from)))
}
