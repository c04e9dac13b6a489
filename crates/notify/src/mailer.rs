//! Sending one rendered e-mail, through the transport the operator chose.
//!
//! * SMTP (`smtp://`, `smtps://`, STARTTLS with `?tls=required`, optional
//!   `user:password@`), what a real deployment and `docker-compose.yml`'s mail
//!   catcher speak;
//! * files: each message written as an `.eml` file into a directory (the default,
//!   `<data-dir>/mail`, so a newcomer loses nothing and can read what would have
//!   been sent);
//! * off: messages are marked `dropped`, never sent.
//!
//! Settings are checked when the process starts: a bad URL or sender is a clear
//! start-up error, never a failure at the first message.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::Error as SmtpError;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor};
use uuid::Uuid;

use crate::render::Rendered;

/// What the operator configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportSettings {
    Smtp { url: String },
    Files { directory: PathBuf },
    Off,
}

/// A start-up problem with the mail settings.
#[derive(Debug, thiserror::Error)]
pub enum MailSettingsError {
    #[error("YUI_SMTP_URL must start with smtp:// or smtps:// (got `{0}`)")]
    Scheme(String),
    #[error("YUI_SMTP_URL is not a valid SMTP URL: {0}")]
    Url(#[source] SmtpError),
    #[error("YUI_MAIL_FROM is not a valid mailbox such as `Yui <yui@example.jp>`: {0}")]
    From(String),
    #[error("cannot create the mail directory {path}: {source}")]
    Directory { path: PathBuf, source: std::io::Error },
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The server refused it for good (a 5xx answer): retrying will not help.
    #[error("refused permanently: {0}")]
    Permanent(String),
    /// Anything that may work later (a 4xx answer, a network error, a full disk).
    #[error("{0}")]
    Transient(String),
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
    Off,
}

/// Sends rendered messages from one sender.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// The right-hand side of every `Message-ID`, from the sender's domain.
    id_domain: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::Files(_) => "files",
            Transport::Off => "off",
        };
        f.debug_struct("Mailer").field("transport", &kind).field("from", &self.from.to_string()).finish()
    }
}

impl Mailer {
    /// Checks the settings and prepares the transport (no connection is made yet).
    pub fn new(settings: &TransportSettings, from: &str) -> Result<Self, MailSettingsError> {
        let from: Mailbox = from.parse().map_err(|e| MailSettingsError::From(format!("{e}")))?;
        let id_domain = from.email.domain().to_owned();
        let transport = match settings {
            TransportSettings::Smtp { url } => {
                if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                    let shown = url.split('@').next_back().unwrap_or_default();
                    return Err(MailSettingsError::Scheme(shown.to_owned()));
                }
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(MailSettingsError::Url)?
                    .timeout(Some(Duration::from_secs(20)))
                    .build();
                Transport::Smtp(transport)
            }
            TransportSettings::Files { directory } => {
                let mut builder = std::fs::DirBuilder::new();
                builder.recursive(true);
                #[cfg(unix)]
                std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
                builder
                    .create(directory)
                    .map_err(|source| MailSettingsError::Directory { path: directory.clone(), source })?;
                Transport::Files(AsyncFileTransport::new(directory))
            }
            TransportSettings::Off => Transport::Off,
        };
        Ok(Self { transport, from, id_domain })
    }

    /// Whether messages are really sent (not dropped).
    #[must_use]
    pub fn is_off(&self) -> bool {
        matches!(self.transport, Transport::Off)
    }

    /// The `Message-ID` of the outbox message `id`: the same on every attempt, so a
    /// repeat after a crash is recognisable as the same message.
    #[must_use]
    pub fn message_id(&self, id: Uuid) -> String {
        format!("<{id}@{}>", self.id_domain)
    }

    /// Sends one message to `to`.
    pub async fn send(&self, id: Uuid, to: &str, rendered: &Rendered) -> Result<(), SendError> {
        let to: Mailbox = to.parse().map_err(|e| SendError::Permanent(format!("bad recipient address: {e}")))?;
        let message = lettre::Message::builder()
            .message_id(Some(self.message_id(id)))
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject.clone())
            .multipart(MultiPart::alternative_plain_html(rendered.text.clone(), rendered.html.clone()))
            .map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(drop).map_err(|e| {
                if e.is_permanent() { SendError::Permanent(e.to_string()) } else { SendError::Transient(e.to_string()) }
            }),
            Transport::Files(files) => {
                files.send(message).await.map(drop).map_err(|e| SendError::Transient(e.to_string()))
            }
            Transport::Off => Ok(()),
        }
    }
}
