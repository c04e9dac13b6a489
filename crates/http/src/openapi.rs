//! The OpenAPI 3.1 document, generated from the code.
//!
//! Paths come from the same `routes::configure` that builds the router, so a route
//! cannot exist without its documentation. [`document`] then adds what every
//! operation shares: the bearer security scheme and the problem+json error
//! responses that the extractors and the auth layer can produce (bad input, missing
//! or invalid token, not found, server faults). The committed `openapi/openapi.json`
//! is this document; a test fails when they differ.

use actix_web::App;
use utoipa::OpenApi;
use utoipa::openapi::header::Header;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ArrayItems, Schema};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response, ResponseBuilder};
use utoipa_actix_web::AppExt;

use crate::error::{FieldError, PROBLEM_CONTENT_TYPE, Problem};
use crate::routes;

pub const BEARER_SCHEME: &str = "bearer_token";
pub const API_KEY_SCHEME: &str = "api_key";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Yui API",
        description = "Yui is the back end of a local team-job crowdsourcing centre: client \
            organisations post jobs, crowd directors split them into tasks for worker teams, \
            check quality and deliver. All bodies are JSON; errors are RFC 9457 \
            `application/problem+json` with a stable `code`. Authenticate with \
            `Authorization: Bearer <access_token>` from `POST /v1/auth/login`, or with an API key \
            (`Authorization: Bearer yui_…`, scoped). Every answer carries `RateLimit-Policy` and `RateLimit` \
            headers; every `POST` accepts an `Idempotency-Key` header for safe retries.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    tags(
        (name = "auth", description = "Sign-up, login, token refresh and logout; password reset and e-mail verification."),
        (name = "account", description = "The caller's own account: language, notification preferences, e-mail verification."),
        (name = "users", description = "Users of the caller's centre or organisation."),
        (name = "invitations", description = "Inviting people into a centre or organisation."),
        (name = "public", description = "Public information, no authentication."),
        (name = "jobs", description = "Jobs: a client's draft, posting, progress and cancellation."),
        (name = "intake", description = "Directors quote or decline posted jobs; clients approve or reject quotes."),
        (name = "tasks", description = "Splitting a job into tasks; task lists, editing and cancelling."),
        (name = "work", description = "Assignment, starting and submitting results."),
        (name = "review", description = "Quality checks: approve, request changes, fix; the QC queue."),
        (name = "deliveries", description = "Bundling approved work for the client; acceptance or rejection."),
        (name = "comments", description = "Comment threads on jobs (client ↔ directors) and tasks (directors ↔ worker)."),
        (name = "history", description = "The event history of jobs and tasks."),
        (name = "skills", description = "The centre's skill catalogue and workers' assessed levels (with history)."),
        (name = "workers", description = "Worker profiles, weekly availability, exceptions, available hours, quality records."),
        (name = "teams", description = "Teams, members, team queues: claim and release with hand-off."),
        (name = "matching", description = "Ranked candidates with reasons, assignment plans, capacity checks."),
        (name = "dashboard", description = "The director's day: dashboard, at-risk tasks and team cover."),
        (name = "health", description = "Liveness and readiness probes."),
        (name = "events", description = "The event feed: what happened to what the caller may see, for partners that poll."),
        (name = "webhooks", description = "Webhook endpoints: published events pushed to partners, signed as Standard Webhooks says."),
        (name = "api-keys", description = "API keys for machine clients: scoped, shown once, revocable; managed by people signed in."),
    ),
    servers((url = "/", description = "The server that serves this document.")),
    components(schemas(Problem, FieldError)),
)]
struct ApiDoc;

/// The complete API description, exactly as served at `/openapi.json`.
#[must_use]
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut api) =
        App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(routes::configure).split_for_parts();
    api.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER_SCHEME,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some("An access token from `POST /v1/auth/login` or `POST /v1/auth/refresh`."))
                .build(),
        ),
    );
    components.add_security_scheme(
        API_KEY_SCHEME,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("yui_ API key")
                .description(Some(
                    "An API key (`yui_…`) from `POST /v1/api-keys`, in the same `Authorization: Bearer` header. \
                     An operation that accepts keys names the scope it needs; one without this scheme needs a \
                     person signed in.",
                ))
                .build(),
        ),
    );
    // Bearer by default; the public operations say so with an empty list.
    api.security = Some(vec![SecurityRequirement::new(BEARER_SCHEME, Vec::<String>::new())]);
    for (path, item) in &mut api.paths.paths {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            operation.security.get_or_insert_with(Vec::new);
            add_problem_responses(path, operation);
        }
    }
    reference_page_items(&mut api);
    add_webhooks(&mut api);
    api
}

/// The `webhooks` section (OpenAPI 3.1): one entry per published event type, each a
/// signed `POST` of an `EventEnvelope` to the partner's endpoint. utoipa 5 has no
/// field for it, so it goes in as a top-level extension with the standard name.
fn add_webhooks(api: &mut utoipa::openapi::OpenApi) {
    let header = |name: &str, description: &str| {
        serde_json::json!({"name": name, "in": "header", "required": true, "description": description,
            "schema": {"type": "string"}})
    };
    let parameters = serde_json::json!([
        header("webhook-id", "The delivery's id, the same on every retry: process each id once."),
        header("webhook-timestamp", "When this attempt was signed (Unix seconds); refuse old ones."),
        header(
            "webhook-signature",
            "`v1,<base64 HMAC-SHA256 of \"id.timestamp.body\">` per secret, \
            space-separated (two during a secret rotation)."
        ),
    ]);
    let mut webhooks = serde_json::Map::new();
    for event_type in yui_domain::feed::EventType::ALL {
        let name = event_type.as_str();
        webhooks.insert(
            name.to_owned(),
            serde_json::json!({"post": {
                "operationId": format!("webhook_{}", name.replace('.', "_")),
                "summary": format!("`{name}`, pushed to a subscribed endpoint."),
                "tags": ["webhooks"],
                "security": [],
                "parameters": parameters,
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/EventEnvelope"}}}},
                "responses": {
                    "200": {"description": "Received (any 2xx). Anything else, or no answer in 10 s, is retried."},
                    "400": {"description": "Refused (e.g. a bad signature): retried like any failure."},
                },
            }}),
        );
    }
    api.extensions.get_or_insert_with(Default::default).insert("webhooks".into(), serde_json::Value::Object(webhooks));
}

/// Every `Paginated_X` lists `X` by reference, so generated clients get one `X` type
/// (utoipa inlines a generic's argument; the inlined copy becomes the component).
fn reference_page_items(api: &mut utoipa::openapi::OpenApi) {
    let Some(components) = api.components.as_mut() else { return };
    let pages: Vec<String> = components.schemas.keys().filter(|name| name.starts_with("Paginated_")).cloned().collect();
    for page in pages {
        let item = page.trim_start_matches("Paginated_").to_owned();
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(&page) else { continue };
        let Some(RefOr::T(Schema::Array(items))) = object.properties.get_mut("items") else { continue };
        let ArrayItems::RefOrSchema(inlined) = &mut items.items else { continue };
        let inlined = std::mem::replace(inlined.as_mut(), RefOr::Ref(Ref::from_schema_name(item.clone())));
        components.schemas.entry(item).or_insert(inlined);
    }
}

fn problem(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(PROBLEM_CONTENT_TYPE, Content::new(Some(Ref::from_schema_name("Problem"))))
            .build(),
    )
}

/// Declares `Retry-After` (whole seconds) on `429` and `503` answers, and the
/// rate-limit fields (IETF draft-ietf-httpapi-ratelimit-headers) on `429`.
fn add_retry_after(operation: &mut Operation) {
    let text = |description: &str| {
        let mut header = Header::new(ObjectBuilder::new().schema_type(Type::String).build());
        header.description = Some(description.into());
        header
    };
    for (status, response) in &mut operation.responses.responses {
        if let ("429" | "503", RefOr::T(response)) = (status.as_str(), response) {
            let seconds = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).build();
            let mut header = Header::new(seconds);
            header.description = Some("Seconds to wait before trying again.".into());
            response.headers.insert("Retry-After".into(), header);
            if status == "429" {
                response.headers.insert(
                    "RateLimit-Policy".into(),
                    text("The caller's budget, e.g. `\"per-caller\";q=600;w=60` (600 requests a minute). Sent on every answer."),
                );
                response.headers.insert(
                    "RateLimit".into(),
                    text("What is left and when it resets, e.g. `\"per-caller\";r=0;t=17`. Sent on every answer."),
                );
            }
        }
    }
}

/// Adds the error responses an operation can produce by its shape, keeping any the
/// handler documents itself.
fn add_problem_responses(path: &str, operation: &mut Operation) {
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has_path_params = parameters.iter().any(|p| p.parameter_in == ParameterIn::Path);
    let has_params = !parameters.is_empty();
    let has_body = operation.request_body.is_some();
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());

    let mut standard: Vec<(&str, &str)> = Vec::new();
    if has_body || has_params {
        standard.push(("400", "Malformed request: bad JSON, wrong types, or a bad path or query parameter."));
    }
    if has_body {
        standard.push(("413", "The body is larger than the server accepts (`payload_too_large`)."));
        standard.push(("415", "The body is not `application/json` (`unsupported_media_type`)."));
        standard.push(("422", "Well-formed but invalid fields (`validation_failed`); see `errors`."));
    }
    if secured {
        standard.push(("401", "Missing, invalid, expired or revoked access token (`unauthenticated`)."));
        standard.push((
            "403",
            "Your role may not do this (`forbidden`), or your API key lacks the scope (`insufficient_scope`) \
             or may not do this at all (`person_only`).",
        ));
    }
    if has_path_params {
        standard.push(("404", "No such resource in your centre or organisation (`not_found`)."));
    }
    if !matches!(path, "/healthz" | "/readyz") {
        standard.push((
            "429",
            "Your requests this minute are spent (`rate_limited`); see `Retry-After`, `RateLimit` and \
             `RateLimit-Policy`.",
        ));
    }
    if path != "/healthz" {
        standard.push(("500", "A fault on the server (`internal_error`)."));
        standard.push((
            "503",
            "The database is unreachable (`unavailable`), or the request kept losing races to concurrent \
             changes (`contention`); see `Retry-After`.",
        ));
    }
    for (status, description) in standard {
        operation.responses.responses.entry(status.to_owned()).or_insert_with(|| problem(description));
    }
    add_retry_after(operation);
}
