//! A job's own history (not its tasks'), oldest first, for whoever may see the job.
//! Events are written in the same transaction as the change they record.

use actix_web::{get, web};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use yui_domain::JobId;
use yui_domain::access::Action;
use yui_store::events::{self, EventScope};

use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::flow_views::EventView;
use crate::pagination::{PageParams, Paginated};
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(job_events);
}

/// A job's own history (not its tasks'), oldest first.
#[utoipa::path(
    tag = tags::HISTORY,
    security(("bearer_token" = []), ("api_key" = ["jobs:read"])),
    params(("id" = Uuid, Path, description = "The job's id."), PageParams),
    responses((status = 200, description = "One page of events, oldest first.", body = Paginated<EventView>))
)]
#[get("/jobs/{id}/events")]
async fn job_events(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<EventView>>, ApiError> {
    let id = JobId::from(id.into_inner());
    let page = page.parse()?;
    let listed = state
        .read_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::ViewJob)?;
            Ok(events::list(conn, EventScope::Job(job.id), page.after, page.limit)?)
        })
        .await?;
    Ok(web::Json(Paginated::from_page(listed, EventView::from)))
}
