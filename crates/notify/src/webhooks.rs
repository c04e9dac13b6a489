//! Sending webhook deliveries, signed as Standard Webhooks 1.0 says, so partners
//! verify them with an off-the-shelf library.
//!
//! Each request carries `webhook-id` (the delivery's id, the same on every retry),
//! `webhook-timestamp` (Unix seconds) and `webhook-signature`: `v1,<base64 of
//! HMAC-SHA256 over "id.timestamp.body">`, once per secret (two during a rotation's
//! overlap, space-separated). Safety: the host is resolved first and every address
//! must be public (unless the operator allows private ones), the request goes to
//! that checked address (no second lookup to rebind), redirects are not followed, a
//! response gets 10 s, and only its first KiB is kept for the log.
//!
//! A non-2xx answer or a network error is retried on a schedule that spans about
//! three days; after that the delivery fails. An endpoint whose deliveries have all
//! failed for `disable_after` is disabled and its owners are e-mailed.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{TimeDelta, Utc};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use yui_domain::{Role, Template, Tenant};
use yui_store::outbox::{self, NewMessage};
use yui_store::webhooks::{self, AttemptOutcome, Outgoing};
use yui_store::{Database, StoreError, users};

/// The waits between attempts: about three days in all.
pub const RETRY_SCHEDULE: [Duration; 8] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

/// How webhooks are sent.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Allow endpoints on loopback, private and link-local addresses (tests, local
    /// development). Off in production.
    pub allow_private: bool,
    /// The waits between attempts; `RETRY_SCHEDULE` by default.
    pub retry_schedule: Vec<Duration>,
    /// An endpoint failing this long is disabled.
    pub disable_after: Duration,
    /// How long a response may take.
    pub timeout: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            allow_private: false,
            retry_schedule: RETRY_SCHEDULE.to_vec(),
            disable_after: Duration::from_secs(3 * 24 * 3600),
            timeout: Duration::from_secs(10),
        }
    }
}

/// The most of a response body kept in the log.
const EXCERPT_BYTES: usize = 1024;

/// The `webhook-signature` header for `body` sent as message `id` at `timestamp`:
/// one `v1,…` signature per secret.
#[must_use]
pub fn signature(secrets: &[String], id: &str, timestamp: i64, body: &str) -> String {
    let signed = format!("{id}.{timestamp}.{body}");
    secrets
        .iter()
        .filter_map(|secret| {
            let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap_or(secret)).ok()?;
            let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
            mac.update(signed.as_bytes());
            Some(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks a webhook URL a tenant gave: `http` or `https`, a host, no user name or
/// password in it, at most 2 000 characters, and (unless `allow_private`) resolving
/// only to public addresses. The reason when it is refused.
pub async fn check_url(text: &str, allow_private: bool) -> Result<(), String> {
    if text.len() > 2000 {
        return Err("at most 2 000 characters".into());
    }
    let url = reqwest::Url::parse(text).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must start with https:// (or http://)".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password".into());
    }
    if url.fragment().is_some() {
        return Err("must not have a #fragment".into());
    }
    checked_address(&url, allow_private).await.map(drop)
}

/// Resolves `url`'s host and checks every address: the one to connect to, or why not.
pub async fn checked_address(url: &reqwest::Url, allow_private: bool) -> Result<SocketAddr, String> {
    let host = url.host_str().ok_or("the URL has no host")?.trim_start_matches('[').trim_end_matches(']').to_owned();
    let port = url.port_or_known_default().ok_or("the URL has no port")?;
    let lookup = tokio::time::timeout(Duration::from_secs(5), tokio::net::lookup_host((host.as_str(), port)));
    let addresses: Vec<SocketAddr> = match lookup.await {
        Ok(Ok(found)) => found.collect(),
        Ok(Err(error)) => return Err(format!("cannot resolve {host}: {error}")),
        Err(_) => return Err(format!("resolving {host} took too long")),
    };
    let first = *addresses.first().ok_or_else(|| format!("{host} has no address"))?;
    if !allow_private {
        // The address itself is not told: that would map a private network for strangers.
        if addresses.iter().any(|a| !yui_domain::net::is_public(a.ip())) {
            return Err(format!("{host} resolves to an address that is not public"));
        }
    }
    Ok(first)
}

/// Sends due webhook deliveries.
#[derive(Clone)]
pub struct WebhookSender {
    db: Database,
    settings: WebhookSettings,
}

impl WebhookSender {
    #[must_use]
    pub fn new(db: Database, settings: WebhookSettings) -> Self {
        Self { db, settings }
    }

    /// Claims a batch of due deliveries and sends each; how many were handled.
    pub async fn pass(&self, batch: i64, lease: TimeDelta) -> Result<usize, StoreError> {
        if !crate::on_blocking_pool(&self.db, |db| db.read(webhooks::any_due)).await? {
            return Ok(0);
        }
        let claimed =
            crate::on_blocking_pool(&self.db, move |db| db.write(|conn| webhooks::claim(conn, batch, lease))).await?;
        let handled = claimed.len();
        for delivery in claimed {
            let outcome = self.attempt(&delivery).await;
            let delivered = outcome.status_code.is_some_and(|code| (200..300).contains(&code));
            let index = usize::try_from(delivery.attempts.max(1) - 1).unwrap_or(usize::MAX);
            let retry_at = if delivered {
                None
            } else {
                self.settings
                    .retry_schedule
                    .get(index)
                    .map(|wait| Utc::now() + TimeDelta::from_std(*wait).unwrap_or(TimeDelta::MAX))
            };
            let failing_too_long = !delivered
                && delivery.failing_since.is_some_and(|since| {
                    Utc::now() - since >= TimeDelta::from_std(self.settings.disable_after).unwrap_or(TimeDelta::MAX)
                });
            if !delivered {
                tracing::warn!(delivery = %delivery.id, url = %delivery.url, status = ?outcome.status_code,
                    error = ?outcome.error, "webhook not delivered");
            }
            let record = delivery.clone();
            crate::on_blocking_pool(&self.db, move |db| {
                db.write(|conn| {
                    webhooks::record_attempt(conn, &record, &outcome, delivered, retry_at)?;
                    if failing_too_long {
                        disable_and_tell_owners(conn, record.endpoint_id)?;
                    }
                    Ok(())
                })
            })
            .await?;
        }
        Ok(handled)
    }

    async fn attempt(&self, delivery: &Outgoing) -> AttemptOutcome {
        let started = Instant::now();
        let failed = |error: String| AttemptOutcome {
            status_code: None,
            latency_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
            response_excerpt: String::new(),
            error: Some(error),
        };
        let url = match reqwest::Url::parse(&delivery.url) {
            Ok(url) => url,
            Err(error) => return failed(format!("bad URL: {error}")),
        };
        let address = match checked_address(&url, self.settings.allow_private).await {
            Ok(address) => address,
            Err(error) => return failed(error),
        };
        let host = url.host_str().unwrap_or_default().to_owned();
        let client = match reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.settings.timeout)
            .resolve(&host, address)
            .user_agent("Yui-Webhooks/1")
            .build()
        {
            Ok(client) => client,
            Err(error) => return failed(format!("cannot build the request: {error}")),
        };
        let id = delivery.id.to_string();
        let timestamp = Utc::now().timestamp();
        let response = client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature(&delivery.secrets, &id, timestamp, &delivery.payload))
            .body(delivery.payload.clone())
            .send()
            .await;
        let mut response = match response {
            Ok(response) => response,
            Err(error) => return failed(format!("{error}")),
        };
        let status = response.status().as_u16();
        let mut excerpt = Vec::new();
        while excerpt.len() < EXCERPT_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => excerpt.extend_from_slice(&chunk[..chunk.len().min(EXCERPT_BYTES - excerpt.len())]),
                _ => break,
            }
        }
        AttemptOutcome {
            status_code: Some(status),
            latency_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
            response_excerpt: String::from_utf8_lossy(&excerpt).into_owned(),
            error: None,
        }
    }
}

/// Disables the endpoint and e-mails its owners (a centre's admins and directors, an
/// organisation's clients), in one transaction; once, however many senders notice.
fn disable_and_tell_owners(conn: &mut yui_store::DbConnection, endpoint: uuid::Uuid) -> Result<(), StoreError> {
    let reason = "every delivery failed for three days";
    let Some(disabled) = webhooks::disable_for_failing(conn, endpoint, reason)? else { return Ok(()) };
    // A centre's endpoint: its admins, who own it, and its directors, who run the
    // work partners follow through it. An organisation's: its clients.
    let owners = match disabled.tenant {
        Tenant::Center(_) => {
            let mut staff = users::all_in_tenant(conn, disabled.tenant, Role::Admin)?;
            staff.extend(users::all_in_tenant(conn, disabled.tenant, Role::Director)?);
            staff
        }
        Tenant::Organization(_) => users::all_in_tenant(conn, disabled.tenant, Role::Client)?,
    };
    let messages: Vec<NewMessage> = owners
        .into_iter()
        .filter(|owner| owner.active)
        .map(|owner| NewMessage {
            recipient_user: Some(owner.id),
            recipient: owner.email,
            locale: owner.locale,
            template: Template::EndpointDisabled,
            data: json!({
                "recipient_name": owner.display_name,
                "endpoint_url": disabled.url,
                "reason": reason,
                "path": format!("/v1/webhook-endpoints/{}", disabled.id),
            }),
            held: false,
        })
        .collect();
    outbox::enqueue(conn, &messages)
}
