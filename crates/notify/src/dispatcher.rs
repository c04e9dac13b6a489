//! The dispatcher: claims due outbox messages, renders and sends them, records the
//! outcome.
//!
//! At least once: a message is marked sent only after the transport accepted it, so
//! a crash between the two sends it again later, with the same `Message-ID`. A
//! failure is retried with exponential backoff and jitter (so many failing messages
//! do not retry in lock-step) until `max_attempts`, then the message is `dead`; a
//! permanent refusal (an SMTP 5xx, a malformed address, a template error) is `dead`
//! at once. Database work runs on the blocking pool; sending is async. Webhook
//! deliveries go through [`crate::webhooks`] on the same ticks.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use serde_json::Value;
use yui_domain::{Locale, Template};
use yui_store::outbox::{self, Message};
use yui_store::{Database, StoreError};

use crate::mailer::{Mailer, SendError};
use crate::render::{self, Rendered, Values};
use crate::webhooks::{WebhookSender, WebhookSettings};

/// How the dispatcher paces itself.
#[derive(Debug, Clone)]
pub struct DispatchSettings {
    /// The web app's address; links in messages start with it.
    pub app_url: String,
    /// How often to look for due messages when the queue was empty.
    pub poll_interval: Duration,
    /// Messages claimed at once.
    pub batch_size: i64,
    /// How long a claim lasts: longer than sending a batch can take (10 messages ×
    /// the 20 s SMTP timeout).
    pub lease: Duration,
    /// Attempts before a message is `dead`.
    pub max_attempts: i32,
    /// The wait before the first retry; each later wait doubles, up to `longest_retry`.
    pub first_retry: Duration,
    pub longest_retry: Duration,
    /// How webhook deliveries are sent.
    pub webhooks: WebhookSettings,
}

impl Default for DispatchSettings {
    fn default() -> Self {
        Self {
            app_url: "http://127.0.0.1:8080".into(),
            poll_interval: Duration::from_secs(1),
            batch_size: 10,
            lease: Duration::from_secs(300),
            max_attempts: 10,
            first_retry: Duration::from_secs(30),
            longest_retry: Duration::from_secs(3600),
            webhooks: WebhookSettings::default(),
        }
    }
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub failed: usize,
    pub dead: usize,
    pub dropped: usize,
}

impl Pass {
    #[must_use]
    pub fn handled(&self) -> usize {
        self.sent + self.failed + self.dead + self.dropped
    }
}

/// Sends outbox messages through one mailer.
#[derive(Clone)]
pub struct Dispatcher {
    db: Database,
    mailer: Arc<Mailer>,
    settings: DispatchSettings,
    webhooks: WebhookSender,
}

impl Dispatcher {
    #[must_use]
    pub fn new(db: Database, mailer: Arc<Mailer>, settings: DispatchSettings) -> Self {
        let webhooks = WebhookSender::new(db.clone(), settings.webhooks.clone());
        Self { db, mailer, settings, webhooks }
    }

    /// Claims one batch of due webhook deliveries and sends each; how many.
    pub async fn pass_webhooks(&self) -> Result<usize, StoreError> {
        self.webhooks.pass(self.settings.batch_size, to_delta(self.settings.lease)).await
    }

    #[must_use]
    pub fn settings(&self) -> &DispatchSettings {
        &self.settings
    }

    /// The database it works on (housekeeping runs beside it on the same).
    #[must_use]
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Claims one batch of due messages and sends each.
    pub async fn pass(&self) -> Result<Pass, StoreError> {
        let (limit, lease) = (self.settings.batch_size, to_delta(self.settings.lease));
        if !crate::on_blocking_pool(&self.db, |db| db.read(outbox::any_due)).await? {
            return Ok(Pass::default());
        }
        let claimed =
            crate::on_blocking_pool(&self.db, move |db| db.write(|conn| outbox::claim(conn, limit, lease))).await?;
        let mut pass = Pass::default();
        for message in claimed {
            let outcome = self.deliver(&message).await;
            let id = message.id;
            match outcome {
                Ok(()) if self.mailer.is_off() => {
                    crate::on_blocking_pool(&self.db, move |db| db.write(|conn| outbox::mark_dropped(conn, &message)))
                        .await?;
                    pass.dropped += 1;
                }
                Ok(()) => {
                    crate::on_blocking_pool(&self.db, move |db| db.write(|conn| outbox::mark_sent(conn, &message)))
                        .await?;
                    pass.sent += 1;
                }
                Err(error) => {
                    let retry_at = match &error {
                        SendError::Transient(_) if message.attempts < self.settings.max_attempts => {
                            Some(Utc::now() + self.backoff(message.attempts))
                        }
                        _ => None,
                    };
                    tracing::warn!(message = %id, attempt = message.attempts, retry_at = ?retry_at, %error, "e-mail not sent");
                    if retry_at.is_some() {
                        pass.failed += 1
                    } else {
                        pass.dead += 1
                    }
                    let text = error.to_string();
                    crate::on_blocking_pool(&self.db, move |db| {
                        db.write(|conn| outbox::mark_failed(conn, id, &text, retry_at))
                    })
                    .await?;
                }
            }
        }
        Ok(pass)
    }

    async fn deliver(&self, message: &Message) -> Result<(), SendError> {
        let rendered = prepare(message, &self.settings.app_url).map_err(|e| SendError::Permanent(e.to_string()))?;
        self.mailer.send(message.id, &message.recipient, &rendered).await
    }

    /// The wait after failed attempt `attempt` (1-based): doubling from
    /// `first_retry`, capped at `longest_retry`, then a random 50–100 % of it.
    fn backoff(&self, attempt: i32) -> TimeDelta {
        let doublings = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        let full =
            self.settings.first_retry.saturating_mul(2u32.saturating_pow(doublings)).min(self.settings.longest_retry);
        let mut byte = [0u8; 1];
        let jitter = if getrandom::fill(&mut byte).is_ok() { f64::from(byte[0]) / 255.0 } else { 1.0 };
        to_delta(full.mul_f64(0.5 + jitter / 2.0))
    }
}

/// Renders a stored message: a digest gathers its items' subjects and links.
pub fn prepare(message: &Message, app_url: &str) -> Result<Rendered, render::RenderError> {
    let mut values = render::values_of(&message.data, message.locale, app_url)?;
    if message.template == Template::Digest {
        let items = message.data.get("items").and_then(Value::as_array).cloned().unwrap_or_default();
        let (text, html) = digest_items(&items, message.locale, app_url)?;
        values.set("count", items.len().to_string());
        values.set("items", text);
        values.set_html("items", html);
    }
    render::render(message.template, message.locale, &values)
}

/// The digest's list, as text and as (escaped) HTML.
fn digest_items(items: &[Value], locale: Locale, app_url: &str) -> Result<(String, String), render::RenderError> {
    let mut text = String::new();
    let mut html = String::from("<ul>\n");
    for item in items {
        let Some(template) = item.get("template").and_then(Value::as_str).and_then(|t| t.parse::<Template>().ok())
        else {
            continue;
        };
        let data = item.get("data").cloned().unwrap_or(Value::Null);
        let values: Values = render::values_of(&data, locale, app_url)?;
        let rendered = render::render(template, locale, &values)?;
        let link = values.link().unwrap_or_default();
        text.push_str(&format!("- {}\n  {}\n", rendered.subject, link));
        html.push_str(&format!(
            "<li><a href=\"{}\">{}</a></li>\n",
            render::escape(link),
            render::escape(&rendered.subject)
        ));
    }
    html.push_str("</ul>");
    Ok((text, html))
}

fn to_delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}
