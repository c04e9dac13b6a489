//! Probes for orchestrators: liveness (the process answers) and readiness (the
//! database answers).

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::tags;
use crate::error::ApiError;
use crate::state::AppState;

/// A probe's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthStatus {
    /// `ok` for liveness, `ready` for readiness.
    pub status: String,
    /// The database engine in use: `sqlite` or `postgres` (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

/// Liveness: the process is up and serving.
#[utoipa::path(tag = tags::HEALTH, responses((status = 200, description = "The process is alive.", body = HealthStatus)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus { status: "ok".into(), database: None })
}

/// Readiness: the database is reachable.
#[utoipa::path(
    tag = tags::HEALTH,
    responses(
        (status = 200, description = "The database answers.", body = HealthStatus),
        (status = 503, description = "The database does not answer.", body = crate::error::Problem,
            content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    web::block(move || db.ping()).await?.map_err(ApiError::unavailable)?;
    Ok(HttpResponse::Ok()
        .json(HealthStatus { status: "ready".into(), database: Some(state.db.engine().name().into()) }))
}
