//! The event feed: what happened, for callers that poll instead of keeping their own
//! copy of every resource.
//!
//! Each entry is an envelope `{id, type, timestamp, data}` (the shape Standard
//! Webhooks uses for pushed events). `data` is thin, ids and states only: a consumer
//! reads the resource itself through the API with its own rights, so an event can
//! never carry more than its reader may see. Each caller sees what they may read: a
//! centre's directors and admins everything about their centre's work; a client
//! their organisation's jobs (no tasks, so no workers); a worker the tasks assigned
//! to them or queued in their teams.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use yui_domain::access::Action;
use yui_domain::{Role, Tenant};
use yui_store::events::{self, FeedScope, Published};

use super::EventTypeName;
use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::pagination::{PageParams, encode_cursor};
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(event_feed);
}

/// The ids and states an event is about; read the resources for the rest.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventData {
    /// The job; `null` for the centre's own events (`statement.closed`).
    pub job_id: Option<Uuid>,
    /// The task, for `task.*` events.
    pub task_id: Option<Uuid>,
    /// The delivery, for `delivery.*` events.
    pub delivery_id: Option<Uuid>,
    /// The invoice (or credit note), for `invoice.*` events.
    pub invoice_id: Option<Uuid>,
    /// The pay period (`YYYY-MM`), for `statement.closed`.
    pub period: Option<String>,
    /// The job's or task's status before, when the event changed it.
    pub from_state: Option<String>,
    /// The status after.
    pub to_state: Option<String>,
    /// Who acted (for a time-based `task.at_risk`, the task's worker); `null` in a
    /// client's feed.
    pub actor_id: Option<Uuid>,
}

/// One event, in the envelope webhooks use too.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventEnvelope {
    /// The event's id (UUIDv7): unique, and increasing in the order events happened.
    pub id: Uuid,
    #[serde(rename = "type")]
    pub event_type: EventTypeName,
    /// When it happened (RFC 3339, UTC).
    pub timestamp: DateTime<Utc>,
    pub data: EventData,
}

impl From<Published> for EventEnvelope {
    fn from(event: Published) -> Self {
        Self {
            id: event.id,
            event_type: event.event_type.into(),
            timestamp: event.timestamp,
            data: EventData {
                job_id: event.job_id.map(|j| j.as_uuid()),
                task_id: event.task_id.map(|t| t.as_uuid()),
                delivery_id: event.delivery_id,
                invoice_id: event.invoice_id,
                period: event.period,
                from_state: event.from_state,
                to_state: event.to_state,
                actor_id: event.actor_id.map(|a| a.as_uuid()),
            },
        }
    }
}

/// A page of the feed. Unlike other lists, its cursor is never dropped: keep it and
/// poll with it to get only what happened since.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventFeedPage {
    /// Events after the cursor, oldest first.
    pub items: Vec<EventEnvelope>,
    /// Where to continue: after the last event of this page, or the cursor you sent
    /// when nothing new happened (`null` only while you have never seen an event).
    #[schema(pattern = "^[A-Za-z0-9_-]{21}[AQgw]$")]
    pub next_cursor: Option<String>,
    /// Whether more events wait right now (fetch again at once) or you are up to date
    /// (poll again later).
    pub has_more: bool,
}

/// What happened to what you may see, oldest first.
///
/// Poll with the `next_cursor` of your last call to get only what is new; `has_more:
/// false` means you are up to date. Directors and admins see their centre's jobs and
/// tasks; clients their organisation's jobs (`job.*`, `quote.*`, `delivery.*`, no
/// task events, no actors); workers the tasks assigned to them or queued in their
/// teams.
#[utoipa::path(
    tag = tags::EVENTS,
    security(("bearer_token" = []), ("api_key" = ["events:read"])),
    params(PageParams),
    responses((status = 200, description = "Events after the cursor, oldest first.", body = EventFeedPage))
)]
#[get("/events")]
async fn event_feed(
    state: web::Data<AppState>,
    bearer: Bearer,
    page: web::Query<PageParams>,
) -> Result<web::Json<EventFeedPage>, ApiError> {
    let page = page.parse()?;
    let (listed, for_client) = state
        .read_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ReadEvents)?;
            let scope = match (actor.tenant, actor.role) {
                (Tenant::Organization(org), _) => FeedScope::Organization(org),
                (Tenant::Center(_), Role::Worker) => FeedScope::Worker(actor.user_id),
                (Tenant::Center(center), _) => FeedScope::Centre(center),
            };
            let page = events::feed(conn, scope, page.after, page.limit)?;
            Ok((page, matches!(scope, FeedScope::Organization(_))))
        })
        .await?;
    let has_more = listed.next_after.is_some();
    let last = listed.items.last().map(|e| e.id).or(page.after);
    let items = listed.items.iter().filter_map(|e| Published::of(e, for_client)).map(EventEnvelope::from).collect();
    Ok(web::Json(EventFeedPage { items, next_cursor: last.map(encode_cursor), has_more }))
}
