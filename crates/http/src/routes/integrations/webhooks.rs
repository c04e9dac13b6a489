//! Webhook endpoints: a centre's admins or a client organisation's users register
//! URLs to be sent the published events they choose, signed as Standard Webhooks
//! says. The secret is shown once (on creation and rotation); rotation keeps the old
//! secret signing beside the new one for 24 hours. Each endpoint keeps a delivery log
//! (every attempt's status, latency and the start of the answer); a delivery can be
//! sent again, and a test event sent on demand.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::access::Action;
use yui_store::webhooks::{self, DeliveryRecord, Endpoint, EndpointChanges, NewEndpoint};

use super::EventTypeName;
use crate::access;
use crate::auth::{Bearer, SecretToken};
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::idempotency::shown_once;
use crate::input;
use crate::pagination::{PageParams, Paginated};
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_webhook_endpoint)
        .service(list_webhook_endpoints)
        .service(read_webhook_endpoint)
        .service(update_webhook_endpoint)
        .service(delete_webhook_endpoint)
        .service(rotate_webhook_secret)
        .service(send_webhook_test)
        .service(list_webhook_deliveries)
        .service(redeliver_webhook);
}

/// How long a rotated-out secret still signs.
const ROTATION_OVERLAP: TimeDelta = TimeDelta::hours(24);

/// A webhook endpoint (its secret is never shown again).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEndpointView {
    pub id: Uuid,
    /// Where events are sent (`POST`, JSON).
    pub url: String,
    pub description: String,
    /// The event types sent to it.
    pub event_types: Vec<String>,
    /// Disabled endpoints are sent nothing.
    pub enabled: bool,
    /// Why it was disabled (by its owner, or after failing for three days).
    pub disabled_reason: Option<String>,
    /// Since when every delivery has failed, if they do.
    pub failing_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Endpoint> for WebhookEndpointView {
    fn from(endpoint: Endpoint) -> Self {
        Self {
            id: endpoint.id,
            url: endpoint.url,
            description: endpoint.description,
            event_types: endpoint.event_types,
            enabled: endpoint.enabled,
            disabled_reason: endpoint.disabled_reason,
            failing_since: endpoint.failing_since,
            created_at: endpoint.created_at,
            updated_at: endpoint.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookEndpointRequest {
    /// An `https://` (or `http://`) URL that resolves to a public address.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, format = "uri", example = "https://portal.example/yui/webhooks")]
    pub url: String,
    /// A note for people (what receives it).
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub description: String,
    /// The event types to send, each once.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub event_types: Vec<EventTypeName>,
}

/// A new endpoint and its signing secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEndpointCreated {
    pub endpoint: WebhookEndpointView,
    /// `whsec_…`: verify signatures with it. Shown only now.
    pub secret: String,
}

/// A new signing secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookSecretRotated {
    /// The new `whsec_…` secret. Shown only now.
    pub secret: String,
    /// Until then, each request is signed with the old secret too.
    pub previous_secret_valid_until: DateTime<Utc>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookEndpointUpdate {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, format = "uri")]
    pub url: Option<String>,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub description: Option<String>,
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub event_types: Option<Vec<EventTypeName>>,
    /// `true` turns it back on (and forgets its failures); `false` stops it.
    pub enabled: Option<bool>,
}

/// A test delivery on its way.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookTestSent {
    /// The delivery (its `webhook-id`); follow it in the delivery log.
    pub delivery_id: Uuid,
}

/// One attempt to deliver.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAttemptView {
    pub attempted_at: DateTime<Utc>,
    /// The HTTP status the receiver answered; `null` when there was no answer.
    pub status_code: Option<i32>,
    pub latency_ms: i64,
    /// The first KiB of the answer.
    pub response_excerpt: String,
    /// Why there was no answer (refused address, timeout, connection error).
    pub error: Option<String>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookDeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

/// A delivery of one event to the endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryView {
    /// The delivery's id: its `webhook-id` header, the same on every attempt.
    pub id: Uuid,
    /// The event delivered (its `id` in the body and in the event feed).
    pub event_id: Uuid,
    /// Its type, e.g. `task.assigned` or `webhook.test`.
    pub event_type: String,
    pub status: WebhookDeliveryStatus,
    /// The next attempt, while pending.
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    pub attempts: Vec<WebhookAttemptView>,
}

impl From<DeliveryRecord> for WebhookDeliveryView {
    fn from(record: DeliveryRecord) -> Self {
        Self {
            id: record.id,
            event_id: record.event_id,
            event_type: record.event_type,
            status: match record.status.as_str() {
                "delivered" => WebhookDeliveryStatus::Delivered,
                "failed" => WebhookDeliveryStatus::Failed,
                _ => WebhookDeliveryStatus::Pending,
            },
            next_attempt_at: record.next_attempt_at,
            created_at: record.created_at,
            delivered_at: record.delivered_at,
            attempts: record
                .tries
                .into_iter()
                .map(|t| WebhookAttemptView {
                    attempted_at: t.attempted_at,
                    status_code: t.status_code,
                    latency_ms: t.latency_ms,
                    response_excerpt: t.response_excerpt,
                    error: t.error,
                })
                .collect(),
        }
    }
}

/// A new `whsec_` secret: 32 random bytes, base64 (as Standard Webhooks libraries read it).
fn new_secret() -> Result<String, ApiError> {
    use base64::Engine as _;
    let token = SecretToken::generate()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&token.secret).map_err(ApiError::internal)?;
    Ok(format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(bytes)))
}

/// Checks a URL the caller gave, after checking the caller may manage webhooks at
/// all: nobody else can make Yui resolve names.
async fn checked_url(state: &AppState, bearer: &Bearer, url: &str) -> Result<String, ApiError> {
    state.read_as(*bearer, |_, actor| access::own_tenant(actor, Action::ManageWebhooks)).await?;
    let url = url.trim().to_owned();
    yui_notify::webhooks::check_url(&url, state.settings.webhook_allow_private)
        .await
        .map_err(|reason| ApiError::invalid_field("url", "unusable_url", reason))?;
    Ok(url)
}

fn event_types(types: &[EventTypeName]) -> Result<Vec<String>, ApiError> {
    let mut names: Vec<String> = Vec::with_capacity(types.len());
    for (index, event_type) in types.iter().enumerate() {
        let name = event_type.as_str().to_owned();
        if names.contains(&name) {
            return Err(ApiError::invalid_field(
                &format!("event_types.{index}"),
                "duplicate",
                "each type at most once",
            ));
        }
        names.push(name);
    }
    Ok(names)
}

fn not_found() -> ApiError {
    ApiError::not_found("webhook endpoint")
}

/// Register a webhook endpoint for your centre (admins) or organisation (clients).
///
/// Its URL must resolve to public addresses only. The answer carries the signing
/// secret, shown only this once.
#[utoipa::path(
    tag = tags::WEBHOOKS,
    security(("bearer_token" = []), ("api_key" = ["webhooks:manage"])),
    request_body = WebhookEndpointRequest,
    responses(
        (status = 201, description = "The endpoint and its secret.", body = WebhookEndpointCreated),
        (status = 422, description = "An unusable URL (`validation_failed`, field `url`) or a type listed twice.",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhook-endpoints")]
async fn create_webhook_endpoint(
    state: web::Data<AppState>,
    bearer: Bearer,
    body: ValidJson<WebhookEndpointRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let types = event_types(&body.event_types)?;
    let description = input::text("description", &body.description, 500)?;
    let url = checked_url(&state, &bearer, &body.url).await?;
    let secret = new_secret()?;
    let created = state
        .write_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageWebhooks)?;
            let endpoint = webhooks::insert(
                conn,
                NewEndpoint {
                    tenant: actor.tenant,
                    url: &url,
                    description: &description,
                    event_types: &types,
                    secret: &secret,
                    created_by: actor.user_id,
                },
            )?;
            Ok(WebhookEndpointCreated { endpoint: endpoint.into(), secret: secret.clone() })
        })
        .await?;
    Ok(shown_once(HttpResponse::Created().json(created)))
}

/// Your tenant's webhook endpoints, oldest first.
#[utoipa::path(
    tag = tags::WEBHOOKS,
    security(("bearer_token" = []), ("api_key" = ["webhooks:manage"])),
    params(PageParams),
    responses((status = 200, description = "One page of endpoints.", body = Paginated<WebhookEndpointView>))
)]
#[get("/webhook-endpoints")]
async fn list_webhook_endpoints(
    state: web::Data<AppState>,
    bearer: Bearer,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<WebhookEndpointView>>, ApiError> {
    let page = page.parse()?;
    let listed = state
        .read_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageWebhooks)?;
            Ok(webhooks::list_in_tenant(conn, actor.tenant, page.after, page.limit)?)
        })
        .await?;
    Ok(web::Json(Paginated::from_page(listed, WebhookEndpointView::from)))
}

/// One of your webhook endpoints.
#[utoipa::path(
    tag = tags::WEBHOOKS,
    security(("bearer_token" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "The endpoint's id.")),
    responses((status = 200, description = "The endpoint.", body = WebhookEndpointView))
)]
#[get("/webhook-endpoints/{id}")]
async fn read_webhook_endpoint(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<WebhookEndpointView>, ApiError> {
    let id = id.into_inner();
    let endpoint = state
        .read_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageWebhooks)?;
            webhooks::find_in_tenant(conn, actor.tenant, id)?.ok_or_else(not_found)
        })
        .await?;
    Ok(web::Json(endpoint.into()))
}

/// Change an endpoint: its URL, description, event types, or whether it is on.
#[utoipa::path(
    tag = tags::WEBHOOKS,
    security(("bearer_token" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "The endpoint's id.")),
    request_body = WebhookEndpointUpdate,
    responses(
        (status = 200, description = "The endpoint, changed.", body = WebhookEndpointView),
        (status = 422, description = "An unusable URL or a type listed twice (`validation_failed`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/webhook-endpoints/{id}")]
async fn update_webhook_endpoint(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<WebhookEndpointUpdate>,
) -> Result<web::Json<WebhookEndpointView>, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let event_types = body.event_types.as_deref().map(event_types).transpose()?;
    let description = body.description.as_deref().map(|d| input::text("description", d, 500)).transpose()?;
    let url = match &body.url {
        Some(url) => Some(checked_url(&state, &bearer, url).await?),
        None => None,
    };
    let changes = EndpointChanges { url, description, event_types, enabled: body.enabled };
    let endpoint = state
        .write_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageWebhooks)?;
            let endpoint = webhooks::find_in_tenant(conn, actor.tenant, id)?.ok_or_else(not_found)?;
            Ok(webhooks::update(conn, &endpoint, changes.clone())?)
        })
        .await?;
    Ok(web::Json(endpoint.into()))
}

/// Delete an endpoint with its delivery log.
#[utoipa::path(
    tag = tags::WEBHOOKS,
    security(("bearer_token" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "The endpoint's id.")),
    responses((status = 204, description = "Deleted."))
)]
#[delete("/webhook-endpoints/{id}")]
async fn delete_webhook_endpoint(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state
        .write_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageWebhooks)?;
            let endpoint = webhooks::find_in_tenant(conn, actor.tenant, id)?.ok_or_else(not_found)?;
            Ok(webhooks::delete(conn, &endpoint)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replace the endpoint's signing secret. For 24 hours every request is signed with
/// both the new and the old secret, so receivers can switch without losing events.
#[utoipa::path(
    tag = tags::WEBHOOKS,
    security(("bearer_token" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "The endpoint's id.")),
    responses((status = 200, description = "The new secret, shown only now.", body = WebhookSecretRotated))
)]
#[post("/webhook-endpoints/{id}/rotate-secret")]
async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let secret = new_secret()?;
    let rotated = state
        .write_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageWebhooks)?;
            let endpoint = webhooks::find_in_tenant(conn, actor.tenant, id)?.ok_or_else(not_found)?;
            webhooks::rotate_secret(conn, &endpoint, &secret, ROTATION_OVERLAP)?;
            Ok(WebhookSecretRotated {
                secret: secret.clone(),
                previous_secret_valid_until: yui_store::now() + ROTATION_OVERLAP,
            })
        })
        .await?;
    Ok(shown_once(HttpResponse::Ok().json(rotated)))
}

/// Send the endpoint a `webhook.test` event now (also when it is disabled).
#[utoipa::path(
    tag = tags::WEBHOOKS,
    security(("bearer_token" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "The endpoint's id.")),
    responses((status = 202, description = "The test delivery is on its way.", body = WebhookTestSent))
)]
#[post("/webhook-endpoints/{id}/test")]
async fn send_webhook_test(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let sent = state
        .write_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageWebhooks)?;
            let endpoint = webhooks::find_in_tenant(conn, actor.tenant, id)?.ok_or_else(not_found)?;
            let event = Uuid::now_v7();
            let body = json!({
                "id": event,
                "type": "webhook.test",
                "timestamp": yui_store::now(),
                "data": {"endpoint_id": endpoint.id},
            });
            let delivery_id = webhooks::enqueue(conn, endpoint.id, event, "webhook.test", &body)?;
            Ok(WebhookTestSent { delivery_id })
        })
        .await?;
    Ok(HttpResponse::Accepted().json(sent))
}

/// The endpoint's delivery log, newest first, with every attempt.
#[utoipa::path(
    tag = tags::WEBHOOKS,
    security(("bearer_token" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "The endpoint's id."), PageParams),
    responses((status = 200, description = "One page of deliveries, newest first.", body = Paginated<WebhookDeliveryView>))
)]
#[get("/webhook-endpoints/{id}/deliveries")]
async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<WebhookDeliveryView>>, ApiError> {
    let id = id.into_inner();
    let page = page.parse()?;
    let listed = state
        .read_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageWebhooks)?;
            let endpoint = webhooks::find_in_tenant(conn, actor.tenant, id)?.ok_or_else(not_found)?;
            Ok(webhooks::deliveries_of(conn, endpoint.id, page.after, page.limit)?)
        })
        .await?;
    Ok(web::Json(Paginated::from_page(listed, WebhookDeliveryView::from)))
}

/// Send a delivery again, now, with the same `webhook-id` (receivers that already
/// have it can recognise it).
#[utoipa::path(
    tag = tags::WEBHOOKS,
    security(("bearer_token" = []), ("api_key" = ["webhooks:manage"])),
    params(
        ("id" = Uuid, Path, description = "The endpoint's id."),
        ("delivery_id" = Uuid, Path, description = "The delivery's id."),
    ),
    responses((status = 202, description = "The delivery is queued again."))
)]
#[post("/webhook-endpoints/{id}/deliveries/{delivery_id}/redeliver")]
async fn redeliver_webhook(
    state: web::Data<AppState>,
    bearer: Bearer,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery) = path.into_inner();
    state
        .write_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageWebhooks)?;
            let endpoint = webhooks::find_in_tenant(conn, actor.tenant, id)?.ok_or_else(not_found)?;
            if webhooks::redeliver(conn, endpoint.id, delivery)? {
                Ok(())
            } else {
                Err(ApiError::not_found("delivery"))
            }
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}
