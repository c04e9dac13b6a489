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
use yui_domain::feed::EventType;
use yui_domain::{Role, Tenant};
use yui_store::events::{self, Event, FeedScope};

use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::pagination::{PageParams, encode_cursor};
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(event_feed);
}

/// What happened.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum EventTypeName {
    #[serde(rename = "job.posted")]
    JobPosted,
    #[serde(rename = "job.quoted")]
    JobQuoted,
    #[serde(rename = "job.declined")]
    JobDeclined,
    #[serde(rename = "quote.approved")]
    QuoteApproved,
    #[serde(rename = "quote.rejected")]
    QuoteRejected,
    #[serde(rename = "job.cancelled")]
    JobCancelled,
    #[serde(rename = "job.completed")]
    JobCompleted,
    #[serde(rename = "delivery.created")]
    DeliveryCreated,
    #[serde(rename = "delivery.accepted")]
    DeliveryAccepted,
    #[serde(rename = "delivery.rejected")]
    DeliveryRejected,
    #[serde(rename = "task.queued")]
    TaskQueued,
    #[serde(rename = "task.assigned")]
    TaskAssigned,
    #[serde(rename = "task.released")]
    TaskReleased,
    #[serde(rename = "task.started")]
    TaskStarted,
    #[serde(rename = "task.submitted")]
    TaskSubmitted,
    #[serde(rename = "task.changes_requested")]
    TaskChangesRequested,
    #[serde(rename = "task.approved")]
    TaskApproved,
    #[serde(rename = "task.cancelled")]
    TaskCancelled,
    #[serde(rename = "task.at_risk")]
    TaskAtRisk,
}

impl From<EventType> for EventTypeName {
    fn from(event_type: EventType) -> Self {
        use EventType as T;
        match event_type {
            T::JobPosted => Self::JobPosted,
            T::JobQuoted => Self::JobQuoted,
            T::JobDeclined => Self::JobDeclined,
            T::QuoteApproved => Self::QuoteApproved,
            T::QuoteRejected => Self::QuoteRejected,
            T::JobCancelled => Self::JobCancelled,
            T::JobCompleted => Self::JobCompleted,
            T::DeliveryCreated => Self::DeliveryCreated,
            T::DeliveryAccepted => Self::DeliveryAccepted,
            T::DeliveryRejected => Self::DeliveryRejected,
            T::TaskQueued => Self::TaskQueued,
            T::TaskAssigned => Self::TaskAssigned,
            T::TaskReleased => Self::TaskReleased,
            T::TaskStarted => Self::TaskStarted,
            T::TaskSubmitted => Self::TaskSubmitted,
            T::TaskChangesRequested => Self::TaskChangesRequested,
            T::TaskApproved => Self::TaskApproved,
            T::TaskCancelled => Self::TaskCancelled,
            T::TaskAtRisk => Self::TaskAtRisk,
        }
    }
}

/// The ids and states an event is about; read the resources for the rest.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventData {
    pub job_id: Uuid,
    /// The task, for `task.*` events.
    pub task_id: Option<Uuid>,
    /// The delivery, for `delivery.*` events.
    pub delivery_id: Option<Uuid>,
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

fn envelope(event: Event, for_client: bool) -> Option<EventEnvelope> {
    let event_type = EventType::of(&event.kind, event.task_id.is_some())?;
    let delivery_id = event
        .details
        .get("delivery_id")
        .and_then(serde_json::Value::as_str)
        .and_then(|id| Uuid::parse_str(id).ok())
        .filter(|_| !event_type.is_about_a_task());
    Some(EventEnvelope {
        id: event.id,
        event_type: event_type.into(),
        timestamp: event.created_at,
        data: EventData {
            job_id: event.job_id.as_uuid(),
            task_id: event.task_id.map(|t| t.as_uuid()),
            delivery_id,
            from_state: event.from_state,
            to_state: event.to_state,
            actor_id: (!for_client).then(|| event.actor_id.as_uuid()),
        },
    })
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
    security(("bearer_token" = [])),
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
            let page =
                events::feed(conn, scope, &EventType::job_kinds(), &EventType::task_kinds(), page.after, page.limit)?;
            Ok((page, matches!(scope, FeedScope::Organization(_))))
        })
        .await?;
    let has_more = listed.next_after.is_some();
    let last = listed.items.last().map(|e| e.id).or(page.after);
    let items = listed.items.into_iter().filter_map(|e| envelope(e, for_client)).collect();
    Ok(web::Json(EventFeedPage { items, next_cursor: last.map(encode_cursor), has_more }))
}
