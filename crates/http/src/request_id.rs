//! A request id on every request, in every log line and every problem body, and
//! the access log.
//!
//! The id is the `X-Request-Id` a trusted reverse proxy sent (when the server trusts
//! its proxy, `YUI_TRUST_FORWARDED_FOR`), or a fresh UUIDv7. It is answered in
//! `X-Request-Id`, carried by a tracing span around the whole request (so every log
//! line the request causes names it), and available to the error renderer through a
//! task-local, so problem+json bodies quote it: a user reporting an error gives the
//! operator the line to search for. The same layer writes one access-log line per
//! request and feeds the metrics (`crate::metrics`).

use std::time::Instant;

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use tracing::Instrument as _;

use crate::extract::TrustForwardedFor;
use crate::metrics::Metrics;

const HEADER: &str = "x-request-id";
const MAX_CHARS: usize = 128;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served, if any.
#[must_use]
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// A proxy's id, if it is one we keep: printable ASCII, not too long.
fn inbound(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(HEADER)?.to_str().ok()?.trim();
    let usable = !value.is_empty() && value.len() <= MAX_CHARS && value.bytes().all(|b| (0x21..0x7f).contains(&b));
    usable.then(|| value.to_owned())
}

/// Tags, logs and measures one request.
pub async fn tag(req: ServiceRequest, next: Next<BoxBody>) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let trusted = req.app_data::<TrustForwardedFor>().is_some_and(|t| t.0);
    let id = trusted.then(|| inbound(&req)).flatten().unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let span = tracing::info_span!("request", request_id = %id);
    let started = Instant::now();

    let served = REQUEST_ID.scope(id.clone(), next.call(req)).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = match &served {
        Ok(response) => response.status(),
        // An error no layer turned into an answer (the server's own faults): actix
        // answers it, without the id; it is still logged and counted with it.
        Err(error) => error.as_response_error().status_code(),
    }
    .as_u16();
    if let Some(metrics) = metrics {
        // Asked after routing, the pattern is the matched resource's (a look-up);
        // before, it would walk every route's pattern a second time.
        let route = served.as_ref().ok().and_then(|response| response.request().match_pattern());
        metrics.record(route.as_deref(), method.as_str(), status, elapsed);
    }
    let millis = elapsed.as_secs_f64() * 1000.0;
    span.in_scope(|| tracing::info!(method = %method, path = %path, status, millis, "served"));
    let mut response = served?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HeaderName::from_static(HEADER), value);
    }
    Ok(response)
}
