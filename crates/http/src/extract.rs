//! Request extractors that turn every malformed input into a 4xx problem.
//!
//! * [`ValidJson`] reads a JSON body (only `application/json`, bounded size),
//!   checks its shape against the OpenAPI schema (`body_shape`: objects are objects,
//!   never arrays), deserialises it strictly (unknown fields are refused by the DTOs)
//!   and runs the DTO's `validator` rules, before the handler sees it.
//! * [`configure_extractors`] installs problem+json error handlers for actix's own
//!   path and query extractors, so a bad UUID in a path or a bad query value is a
//!   `400` like everything else.
//! * [`ClientAddress`] is the caller's network address, for rate limiting.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use utoipa::ToSchema;
use validator::Validate;

use crate::body_shape::BodySchemas;
use crate::error::{ApiError, ErrorCode};

/// A JSON body that has been deserialised and validated.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T> ValidJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + Validate + ToSchema + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<serde_json::Value>::from_request(req, payload);
        let schemas = req.app_data::<web::Data<BodySchemas>>().cloned();
        Box::pin(async move {
            let mut value = json
                .await
                .map_err(|error| match error.as_error::<ApiError>() {
                    Some(api_error) => api_error.clone(),
                    None => ApiError::bad_request(ErrorCode::MalformedBody, error.to_string()),
                })?
                .into_inner();
            if let Some(schemas) = schemas {
                schemas
                    .conform(&T::name(), &mut value)
                    .map_err(|shape| ApiError::bad_request(ErrorCode::MalformedBody, format!("{shape}.")))?;
            }
            let body: T = serde_json::from_value(value).map_err(|cause| {
                ApiError::bad_request(
                    ErrorCode::MalformedBody,
                    format!("The JSON body does not match the schema: {cause}."),
                )
            })?;
            body.validate()?;
            Ok(ValidJson(body))
        })
    }
}

fn json_error(error: JsonPayloadError) -> ApiError {
    match error {
        JsonPayloadError::ContentType => ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "The body must be JSON, sent with `Content-Type: application/json`.",
        ),
        JsonPayloadError::Overflow { limit } | JsonPayloadError::OverflowKnownLength { limit, .. } => {
            ApiError::new(ErrorCode::PayloadTooLarge, format!("The body exceeds {limit} bytes."))
        }
        JsonPayloadError::Deserialize(cause) => ApiError::bad_request(
            ErrorCode::MalformedBody,
            format!("The JSON body does not match the schema: {cause}."),
        ),
        JsonPayloadError::Serialize(cause) => ApiError::internal(cause),
        other => ApiError::bad_request(ErrorCode::MalformedBody, format!("The body could not be read: {other}.")),
    }
}

/// Installs the error handlers and limits of actix's extractors.
pub fn configure_extractors(max_body_bytes: usize) -> (web::JsonConfig, web::PathConfig, web::QueryConfig) {
    let json = web::JsonConfig::default()
        .limit(max_body_bytes)
        .content_type_required(true)
        .error_handler(|error, _req| json_error(error).into());
    let path = web::PathConfig::default().error_handler(|error: PathError, _req| {
        ApiError::bad_request(ErrorCode::InvalidPathParameter, format!("A path parameter is malformed: {error}."))
            .into()
    });
    let query = web::QueryConfig::default().error_handler(|error: QueryPayloadError, _req| {
        ApiError::bad_request(ErrorCode::InvalidQueryParameter, format!("A query parameter is malformed: {error}."))
            .into()
    });
    (json, path, query)
}

/// The caller's address: the socket peer, or, when the server is configured to trust
/// its reverse proxy, the last `X-Forwarded-For` hop: the one that proxy appended.
/// (Earlier hops are whatever the client sent, so they cannot be trusted.)
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

/// Whether `X-Forwarded-For` is trusted; set once at start-up as app data.
#[derive(Debug, Clone, Copy)]
pub struct TrustForwardedFor(pub bool);

impl FromRequest for ClientAddress {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        std::future::ready(Ok(ClientAddress(client_address(req))))
    }
}

/// The caller's address (see [`ClientAddress`]).
pub fn client_address(req: &HttpRequest) -> String {
    let trusted = req.app_data::<TrustForwardedFor>().is_some_and(|t| t.0);
    let forwarded = trusted
        .then(|| req.headers().get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(|v| v.trim().chars().take(64).collect::<String>())
        .filter(|v| !v.is_empty());
    forwarded.or_else(|| req.peer_addr().map(|addr| addr.ip().to_string())).unwrap_or_else(|| "unknown".into())
}
