//! API keys: a centre's admins or a client organisation's users create keys for
//! their machine clients. A key is shown once, stored hashed, acts as its creator
//! narrowed to its scopes, and stops at once when revoked, when it expires or when
//! its creator is deactivated. Only people signed in manage keys (a key cannot mint
//! or revoke keys).

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::access::{Action, Scope};
use yui_store::api_keys::{self, ApiKey, NewApiKey};

use crate::access;
use crate::auth::{Bearer, NewApiKeySecret};
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::idempotency::shown_once;
use crate::input;
use crate::pagination::{PageParams, Paginated};
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(create_api_key).service(list_api_keys).service(read_api_key).service(revoke_api_key);
}

/// A permission an API key carries (see `docs/integrations.md` for what each allows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum ApiKeyScope {
    #[serde(rename = "jobs:read")]
    JobsRead,
    #[serde(rename = "jobs:write")]
    JobsWrite,
    #[serde(rename = "deliveries:write")]
    DeliveriesWrite,
    #[serde(rename = "tasks:read")]
    TasksRead,
    #[serde(rename = "tasks:write")]
    TasksWrite,
    #[serde(rename = "workforce:read")]
    WorkforceRead,
    #[serde(rename = "workforce:write")]
    WorkforceWrite,
    #[serde(rename = "events:read")]
    EventsRead,
    #[serde(rename = "webhooks:manage")]
    WebhooksManage,
    #[serde(rename = "invoices:read")]
    InvoicesRead,
    #[serde(rename = "invoices:write")]
    InvoicesWrite,
}

impl From<ApiKeyScope> for Scope {
    fn from(scope: ApiKeyScope) -> Self {
        use ApiKeyScope as S;
        match scope {
            S::JobsRead => Scope::JobsRead,
            S::JobsWrite => Scope::JobsWrite,
            S::DeliveriesWrite => Scope::DeliveriesWrite,
            S::TasksRead => Scope::TasksRead,
            S::TasksWrite => Scope::TasksWrite,
            S::WorkforceRead => Scope::WorkforceRead,
            S::WorkforceWrite => Scope::WorkforceWrite,
            S::EventsRead => Scope::EventsRead,
            S::WebhooksManage => Scope::WebhooksManage,
            S::InvoicesRead => Scope::InvoicesRead,
            S::InvoicesWrite => Scope::InvoicesWrite,
        }
    }
}

impl From<Scope> for ApiKeyScope {
    fn from(scope: Scope) -> Self {
        use ApiKeyScope as S;
        match scope {
            Scope::JobsRead => S::JobsRead,
            Scope::JobsWrite => S::JobsWrite,
            Scope::DeliveriesWrite => S::DeliveriesWrite,
            Scope::TasksRead => S::TasksRead,
            Scope::TasksWrite => S::TasksWrite,
            Scope::WorkforceRead => S::WorkforceRead,
            Scope::WorkforceWrite => S::WorkforceWrite,
            Scope::EventsRead => S::EventsRead,
            Scope::WebhooksManage => S::WebhooksManage,
            Scope::InvoicesRead => S::InvoicesRead,
            Scope::InvoicesWrite => S::InvoicesWrite,
        }
    }
}

/// An API key (its secret is never shown again).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyView {
    pub id: Uuid,
    /// What the key is for, for people.
    pub name: String,
    /// The key's first twelve characters (`yui_` and eight more), to recognise it.
    pub prefix: String,
    pub scopes: Vec<ApiKeyScope>,
    /// The person the key acts as.
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    /// When the key stops working by itself; `null`: never.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used (to the minute); `null`: never.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked; a revoked key is refused.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKey> for ApiKeyView {
    fn from(key: ApiKey) -> Self {
        Self {
            id: key.id,
            name: key.name,
            prefix: key.prefix,
            scopes: key.scopes.into_iter().map(Into::into).collect(),
            created_by: key.created_by.as_uuid(),
            created_at: key.created_at,
            expires_at: key.expires_at,
            last_used_at: key.last_used_at,
            revoked_at: key.revoked_at,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyRequest {
    /// What the key is for (e.g. the partner portal's name).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "Partner portal")]
    pub name: String,
    /// What the key may do, each scope once; only scopes your role can use.
    #[validate(length(min = 1, max = 9))]
    #[schema(min_items = 1, max_items = 9)]
    pub scopes: Vec<ApiKeyScope>,
    /// When the key stops working by itself (in the future); leave out for never.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// A new key and its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyCreated {
    pub api_key: ApiKeyView,
    /// `yui_…`: send it as `Authorization: Bearer yui_…`. Shown only now.
    pub secret: String,
}

fn not_found() -> ApiError {
    ApiError::not_found("API key")
}

/// The requested scopes, each once, checked against what the creator's role can use.
fn scopes(requested: &[ApiKeyScope], role: yui_domain::Role) -> Result<Vec<Scope>, ApiError> {
    let mut scopes: Vec<Scope> = Vec::with_capacity(requested.len());
    for (index, scope) in requested.iter().enumerate() {
        let scope = Scope::from(*scope);
        let field = format!("scopes.{index}");
        if scopes.contains(&scope) {
            return Err(ApiError::invalid_field(&field, "duplicate", "each scope at most once"));
        }
        if !scope.available_to(role) {
            return Err(ApiError::invalid_field(
                &field,
                "not_available",
                format!("`{scope}` allows nothing a {role} may do"),
            ));
        }
        scopes.push(scope);
    }
    scopes.sort();
    Ok(scopes)
}

/// Create an API key for your centre (admins) or organisation (clients).
///
/// The key acts as you, narrowed to its scopes. The answer carries the key itself,
/// shown only this once.
#[utoipa::path(
    tag = tags::API_KEYS,
    security(("bearer_token" = [])),
    request_body = ApiKeyRequest,
    responses(
        (status = 201, description = "The key and its secret.", body = ApiKeyCreated),
        (status = 422, description = "A scope listed twice or not usable by your role, an expiry in the past, \
            or a blank name (`validation_failed`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-keys")]
async fn create_api_key(
    state: web::Data<AppState>,
    bearer: Bearer,
    body: ValidJson<ApiKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let name = input::name("name", &body.name, 100)?;
    if body.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Err(ApiError::invalid_field("expires_at", "in_the_past", "must be in the future"));
    }
    let secret = NewApiKeySecret::generate()?;
    let created = state
        .write_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageApiKeys)?;
            let scopes = scopes(&body.scopes, actor.role)?;
            let key = api_keys::insert(
                conn,
                NewApiKey {
                    tenant: actor.tenant,
                    name: name.as_str(),
                    prefix: &secret.prefix,
                    secret_hash: &secret.hash,
                    scopes: &scopes,
                    created_by: actor.user_id,
                    expires_at: body.expires_at,
                },
            )?;
            Ok(ApiKeyCreated { api_key: key.into(), secret: secret.secret.clone() })
        })
        .await?;
    Ok(shown_once(HttpResponse::Created().json(created)))
}

/// Your tenant's API keys, revoked ones too, oldest first.
#[utoipa::path(
    tag = tags::API_KEYS,
    security(("bearer_token" = [])),
    params(PageParams),
    responses((status = 200, description = "One page of keys.", body = Paginated<ApiKeyView>))
)]
#[get("/api-keys")]
async fn list_api_keys(
    state: web::Data<AppState>,
    bearer: Bearer,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<ApiKeyView>>, ApiError> {
    let page = page.parse()?;
    let listed = state
        .read_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageApiKeys)?;
            Ok(api_keys::list_in_tenant(conn, actor.tenant, page.after, page.limit)?)
        })
        .await?;
    Ok(web::Json(Paginated::from_page(listed, ApiKeyView::from)))
}

/// One of your tenant's API keys.
#[utoipa::path(
    tag = tags::API_KEYS,
    security(("bearer_token" = [])),
    params(("id" = Uuid, Path, description = "The key's id.")),
    responses((status = 200, description = "The key.", body = ApiKeyView))
)]
#[get("/api-keys/{id}")]
async fn read_api_key(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<ApiKeyView>, ApiError> {
    let id = id.into_inner();
    let key = state
        .read_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageApiKeys)?;
            api_keys::find_in_tenant(conn, actor.tenant, id)?.ok_or_else(not_found)
        })
        .await?;
    Ok(web::Json(key.into()))
}

/// Revoke an API key: it is refused from the next request on. Revoking a revoked
/// key changes nothing.
#[utoipa::path(
    tag = tags::API_KEYS,
    security(("bearer_token" = [])),
    params(("id" = Uuid, Path, description = "The key's id.")),
    responses((status = 200, description = "The key, revoked.", body = ApiKeyView))
)]
#[post("/api-keys/{id}/revoke")]
async fn revoke_api_key(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<ApiKeyView>, ApiError> {
    let id = id.into_inner();
    let key = state
        .write_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageApiKeys)?;
            api_keys::revoke(conn, actor.tenant, id)?.ok_or_else(not_found)
        })
        .await?;
    Ok(web::Json(key.into()))
}
