//! Idempotency keys on `POST` (draft-ietf-httpapi-idempotency-key-header, with the
//! semantics Stripe made familiar), so retrying a create or an action over a flaky
//! network never does it twice.
//!
//! A `POST` with `Idempotency-Key: <key>` from an identified caller (a person or an
//! API key; keys are per caller) claims the key before the handler runs:
//! * the first request runs; a success (`2xx`) is stored for 24 hours and every
//!   retry gets it back byte for byte (status, headers, body), marked
//!   `Idempotent-Replayed: true`;
//! * an error answer changed nothing (handlers write in one transaction), so the
//!   key is released and a retry runs afresh;
//! * the same key with a different method, path or body is `422
//!   idempotency_key_reused`; a retry while the first is still running is `409
//!   idempotency_key_in_use`.
//!
//! An answer that shows a secret once (a new API key, a webhook signing secret) is
//! kept with that secret blanked (`"secret": ""`): a retry learns the request
//! succeeded and what it made, never the secret, which Yui stores nowhere.
//!
//! The claim is one atomic insert (`yui_store::idempotency`), so it holds across
//! instances. Requests without a credential (sign-up, login) ignore the header:
//! there is no caller to keep their answers for.

use actix_web::body::{BoxBody, MessageBody as _};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError as _, web};
use chrono::TimeDelta;
use sha2::{Digest, Sha256};
use yui_store::idempotency::{self, Claim, StoredResponse};

use crate::auth::to_hex;
use crate::caller::Caller;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

pub const HEADER: &str = "idempotency-key";
const REPLAYED: &str = "idempotent-replayed";
const MAX_KEY_CHARS: usize = 255;
/// How long a running request holds its key; a retry after that runs again (the
/// first one is presumed dead with its server).
const LEASE: TimeDelta = TimeDelta::minutes(2);

fn key_of(req: &ServiceRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(HEADER) else { return Ok(None) };
    let invalid = || {
        ApiError::bad_request(
            ErrorCode::InvalidIdempotencyKey,
            format!("`Idempotency-Key` must be 1 to {MAX_KEY_CHARS} printable ASCII characters."),
        )
    };
    let key = value.to_str().map_err(|_| invalid())?.trim();
    if key.is_empty() || key.len() > MAX_KEY_CHARS || !key.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(invalid());
    }
    Ok(Some(key.to_owned()))
}

/// What makes two requests "the same": method, path with query, and body.
fn fingerprint(req: &ServiceRequest, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str());
    hasher.update(b"\n");
    hasher.update(req.uri().path_and_query().map_or("", |p| p.as_str()));
    hasher.update(b"\n");
    hasher.update(body);
    to_hex(&hasher.finalize())
}

fn replay(stored: StoredResponse) -> Result<HttpResponse, ApiError> {
    let status = StatusCode::from_u16(stored.status).map_err(ApiError::internal)?;
    let headers: Vec<(String, String)> = serde_json::from_str(&stored.headers).map_err(ApiError::internal)?;
    let mut response = HttpResponse::build(status);
    for (name, value) in headers {
        response.append_header((name, value));
    }
    response.insert_header((HeaderName::from_static(REPLAYED), HeaderValue::from_static("true")));
    Ok(response.body(stored.body))
}

/// Marks an answer whose top-level `secret` is shown only this once: its stored copy
/// for replays has the secret blanked.
#[derive(Debug, Clone, Copy)]
pub struct ShownOnce;

/// Marks `response` as [`ShownOnce`].
pub fn shown_once(mut response: HttpResponse) -> HttpResponse {
    response.extensions_mut().insert(ShownOnce);
    response
}

/// The body to keep for replays: as sent, or with its `secret` blanked.
fn kept_body(bytes: &[u8], shown_once: bool) -> Result<Vec<u8>, ApiError> {
    if !shown_once {
        return Ok(bytes.to_vec());
    }
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(ApiError::internal)?;
    if let Some(secret) = value.get_mut("secret") {
        *secret = serde_json::Value::String(String::new());
    }
    serde_json::to_vec(&value).map_err(ApiError::internal)
}

/// Runs a keyed `POST` once per caller and key; see the module docs.
pub async fn once(mut req: ServiceRequest, next: Next<BoxBody>) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.method() != Method::POST {
        return next.call(req).await;
    }
    let key = match key_of(&req) {
        Ok(Some(key)) => key,
        Ok(None) => return next.call(req).await,
        Err(refusal) => return Ok(req.into_response(refusal.error_response())),
    };
    let caller = Caller::of(req.request());
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned().filter(|_| caller.is_identified()) else {
        return next.call(req).await;
    };
    let body = match req.extract::<web::Bytes>().await {
        Ok(body) => body,
        Err(error) => {
            let refusal = match error.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => {
                    ApiError::new(ErrorCode::PayloadTooLarge, "The body exceeds the server's limit.")
                }
                _ => ApiError::bad_request(ErrorCode::MalformedBody, format!("The body could not be read: {error}.")),
            };
            return Ok(req.into_response(refusal.error_response()));
        }
    };
    let fingerprint = fingerprint(&req, &body);
    req.set_payload(Payload::from(body));

    let caller = caller.storage_key();
    let claim = {
        let (caller, key) = (caller.clone(), key.clone());
        state.write(move |conn| Ok(idempotency::claim(conn, &caller, &key, &fingerprint, LEASE)?)).await
    };
    let refusal = match claim {
        Ok(Claim::Claimed) => None,
        Ok(Claim::Done(stored)) => {
            let response = replay(stored).unwrap_or_else(|error| error.error_response());
            return Ok(req.into_response(response));
        }
        Ok(Claim::Running) => Some(
            ApiError::new(
                ErrorCode::IdempotencyKeyInUse,
                "A request with this Idempotency-Key is still running; retry in a moment.",
            )
            .retry_after(1),
        ),
        Ok(Claim::Mismatch) => Some(ApiError::new(
            ErrorCode::IdempotencyKeyReused,
            "This Idempotency-Key was already used for a different request; use a new key for a new request.",
        )),
        Err(error) => Some(error),
    };
    if let Some(refusal) = refusal {
        return Ok(req.into_response(refusal.error_response()));
    }

    let response = next.call(req).await;
    let response = match response {
        Ok(response) if response.status().is_success() => response,
        other => {
            let (caller, key) = (caller.clone(), key.clone());
            if let Err(error) = state.write(move |conn| Ok(idempotency::release(conn, &caller, &key)?)).await {
                tracing::error!(%error, "an idempotency key could not be released");
            }
            return other;
        }
    };
    let (request, response) = response.into_parts();
    let status = response.status();
    let secret_shown = response.extensions().get::<ShownOnce>().is_some();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
        .collect();
    let (head, body) = response.into_parts();
    let bytes = match body.try_into_bytes() {
        Ok(bytes) => bytes,
        Err(body) => actix_web::body::to_bytes(body).await.map_err(|e| ApiError::internal(e.to_string()))?,
    };
    let stored = StoredResponse {
        status: status.as_u16(),
        headers: serde_json::to_string(&headers).map_err(ApiError::internal)?,
        body: kept_body(&bytes, secret_shown)?,
    };
    if let Err(error) = state.write(move |conn| Ok(idempotency::complete(conn, &caller, &key, &stored)?)).await {
        tracing::error!(%error, "an idempotent response could not be stored");
    }
    Ok(ServiceResponse::new(request, head.set_body(BoxBody::new(bytes))))
}
