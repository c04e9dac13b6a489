//! A budget of requests per minute for each caller, so one runaway client cannot
//! starve everyone else (a partner's loop does not slow a centre's directors).
//!
//! Each caller ([`Caller`]: a person, an API key, or an address with neither) gets
//! `requests_per_minute` per fixed one-minute window. Counting is one atomic upsert
//! in the database (`yui_store::rate_limits`), so the budget holds across every API
//! instance on it; each instance reserves tokens in chunks (`crate::rate_leases`),
//! so a busy caller does not cost a database write per request. Every answer says where the caller stands with the IETF
//! `RateLimit-Policy` and `RateLimit` fields (draft-ietf-httpapi-ratelimit-headers);
//! a caller over budget gets `429 rate_limited` with `Retry-After`. Health probes
//! and metrics scrapes are not counted. The same call notes when an API key was last used.

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{ResponseError as _, web};
use yui_store::{api_keys, rate_limits};

use crate::caller::Caller;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

const WINDOW_SECONDS: i64 = 60;

/// Where a caller stands in the current window.
struct Standing {
    limit: u32,
    remaining: u32,
    reset_seconds: i64,
}

impl Standing {
    fn add_headers(&self, headers: &mut HeaderMap) {
        let policy = format!("\"per-caller\";q={};w={WINDOW_SECONDS}", self.limit);
        let now = format!("\"per-caller\";r={};t={}", self.remaining, self.reset_seconds);
        for (name, value) in [("ratelimit-policy", policy), ("ratelimit", now)] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
    }
}

/// Counts the request against its caller's budget; answers `429` when it is spent.
pub async fn enforce(req: ServiceRequest, next: Next<BoxBody>) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let limit = state.as_ref().map_or(0, |s| s.settings.requests_per_minute);
    let Some(state) = state.filter(|_| limit > 0 && !matches!(req.path(), "/healthz" | "/readyz" | "/metrics")) else {
        return next.call(req).await;
    };
    let caller = Caller::of(req.request());
    let now = yui_store::now().timestamp();
    let window = now - now.rem_euclid(WINDOW_SECONDS);
    let bucket = caller.storage_key();
    let leases = state.rate_leases.clone();
    let mut held = leases.take(&bucket, window);
    // No token here: wait for a reservation in flight, or make one.
    let reserving = match held {
        Some(_) => None,
        None => {
            let guard = leases.reservation(&bucket, window).lock_owned().await;
            held = leases.take(&bucket, window);
            Some(guard)
        }
    };
    let hits = match held {
        Some(hit) => hit,
        None => {
            let chunk = leases.chunk(&bucket, window, limit);
            let key_hash = match &caller {
                Caller::Key(hash) => Some(hash.clone()),
                _ => None,
            };
            let db = state.db.clone();
            let counted_bucket = bucket.clone();
            let counted = web::block(move || {
                db.write(|conn| {
                    let total = rate_limits::add(conn, &counted_bucket, window, i32::try_from(chunk).unwrap_or(1))?;
                    if let Some(hash) = &key_hash {
                        api_keys::touch(conn, hash)?;
                    }
                    Ok::<_, ApiError>(total)
                })
            })
            .await;
            match counted {
                Ok(Ok(total)) => {
                    leases.granted(&bucket, window, limit, chunk, u32::try_from(total).unwrap_or(u32::MAX))
                }
                // The database is what the request needs anyway: let the handler answer.
                Ok(Err(error)) => {
                    tracing::warn!(%error, "rate limit not counted");
                    return next.call(req).await;
                }
                Err(error) => return Err(ApiError::internal(error).into()),
            }
        }
    };
    drop(reserving);
    let standing =
        Standing { limit, remaining: limit.saturating_sub(hits), reset_seconds: window + WINDOW_SECONDS - now };
    if hits > limit {
        let seconds = u64::try_from(standing.reset_seconds).unwrap_or(1).max(1);
        let refusal = ApiError::new(
            ErrorCode::RateLimited,
            format!("You sent more than {limit} requests this minute; try again in {seconds} seconds."),
        )
        .retry_after(seconds);
        let mut response = refusal.error_response();
        standing.add_headers(response.headers_mut());
        return Ok(req.into_response(response));
    }
    let mut response = next.call(req).await?;
    standing.add_headers(response.headers_mut());
    Ok(response)
}
