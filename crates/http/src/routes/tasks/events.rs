//! A task's history, oldest first, for whoever may see the task. Events are written
//! in the same transaction as the change they record.

use actix_web::{get, web};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use yui_domain::TaskId;
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
    config.service(task_events);
}

/// A task's history, oldest first (the centre's directors and admins, the task's worker and their team).
#[utoipa::path(
    tag = tags::HISTORY,
    security(("bearer_token" = []), ("api_key" = ["tasks:read"])),
    params(("id" = Uuid, Path, description = "The task's id."), PageParams),
    responses((status = 200, description = "One page of events, oldest first.", body = Paginated<EventView>))
)]
#[get("/tasks/{id}/events")]
async fn task_events(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<EventView>>, ApiError> {
    let id = TaskId::from(id.into_inner());
    let page = page.parse()?;
    let listed = state
        .read_as(bearer, move |conn, actor| {
            let (task, _) = access::task(conn, actor, id, Action::ViewTask)?;
            Ok(events::list(conn, EventScope::Task(task.id), page.after, page.limit)?)
        })
        .await?;
    Ok(web::Json(Paginated::from_page(listed, EventView::from)))
}
