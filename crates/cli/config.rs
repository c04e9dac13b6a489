//! Command-line options. Each is also read from an environment variable; the table
//! in `README.md` lists them all.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, Subcommand};
use yui_http::HttpSettings;
use yui_notify::{DispatchSettings, Dispatcher, HousekeepingSettings, Mailer, TransportSettings, WebhookSettings};
use yui_store::{Database, PoolSettings, SqliteDurability};

#[derive(Debug, Parser)]
#[command(name = "yui", version, about = "Yui: a REST API for local team-job crowdsourcing")]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Log filter (tracing `EnvFilter` syntax).
    #[arg(long, env = "YUI_LOG", default_value = "info", global = true)]
    pub log: String,
    /// Log lines as `text` (for people) or `json` (one object a line, for log
    /// collectors); each line of a request names its `request_id`.
    #[arg(long, env = "YUI_LOG_FORMAT", value_enum, default_value = "text", global = true)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document (JSON) and exit.
    Openapi,
    /// Create a centre and its first admin, for a real deployment.
    Bootstrap(crate::bootstrap::BootstrapArgs),
    /// Send outbox messages and run housekeeping, without serving HTTP (run it when
    /// `yui serve --dispatcher false`; several may run on one PostgreSQL).
    Worker(OutboundArgs),
    /// Inspect the outbox, or retry dead messages.
    Outbox(crate::outbox::OutboxArgs),
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Directory for the SQLite database and the generated JWT secret.
    #[arg(long, env = "YUI_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// `postgres://…` for PostgreSQL; a file path (or `sqlite://PATH`) for SQLite.
    /// Default: `<data-dir>/yui.sqlite3`.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Most database connections held open.
    #[arg(long, env = "YUI_DB_POOL_SIZE", default_value_t = 8, global = true)]
    pub db_pool_size: u32,
    /// SQLite durability: `normal` survives a killed process, `full` also a power
    /// loss (each commit waits for the disk). See docs/operations.md.
    #[arg(long, env = "YUI_SQLITE_SYNCHRONOUS", value_enum, default_value_t = Synchronous::Normal, global = true)]
    pub sqlite_synchronous: Synchronous,
}

/// `PRAGMA synchronous` for SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Synchronous {
    Normal,
    Full,
}

impl DatabaseArgs {
    /// Opens the configured database for a long-running process (`serve`, `worker`).
    pub fn open(&self) -> anyhow::Result<Database> {
        self.open_with_idle(1)
    }

    /// Opens the configured database for a command that runs and exits (`migrate`,
    /// `bootstrap`, `outbox`): no connection is reopened in the background, so none
    /// can be half-open when the process exits.
    pub fn open_for_command(&self) -> anyhow::Result<Database> {
        self.open_with_idle(0)
    }

    /// Opens the configured database (creating the data directory for SQLite).
    fn open_with_idle(&self, min_idle: u32) -> anyhow::Result<Database> {
        let url = match &self.database_url {
            Some(url) => url.clone(),
            None => {
                private_directory(&self.data_dir)?;
                self.data_dir.join("yui.sqlite3").to_string_lossy().into_owned()
            }
        };
        let sqlite_durability = match self.sqlite_synchronous {
            Synchronous::Normal => SqliteDurability::Normal,
            Synchronous::Full => SqliteDurability::Full,
        };
        let settings =
            PoolSettings { max_connections: self.db_pool_size, sqlite_durability, min_idle, ..PoolSettings::default() };
        Database::connect(&url, settings).context("connecting to the database")
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "YUI_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Seed the demo centre, users and organisation on first start (kept on later starts).
    #[arg(long, env = "YUI_DEMO", action = ArgAction::SetTrue, value_parser = BoolishValueParser::new())]
    pub demo: bool,
    /// HS256 key for access tokens (at least 32 bytes). Default: generated once and
    /// kept in `<data-dir>/jwt-secret`.
    #[arg(long, env = "YUI_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Access token lifetime in seconds.
    #[arg(long, env = "YUI_ACCESS_TOKEN_TTL", default_value_t = 900)]
    pub access_token_ttl: u64,
    /// Login session (refresh token) lifetime in seconds.
    #[arg(long, env = "YUI_SESSION_TTL", default_value_t = 30 * 24 * 3600)]
    pub session_ttl: u64,
    /// Largest accepted request body in bytes (a 5 000-task split is about 1–2 MiB).
    #[arg(long, env = "YUI_MAX_BODY_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Requests per minute each caller (person, API key, or address without either)
    /// may send, shared by every instance on the database; 0 turns the limit off.
    #[arg(long, env = "YUI_RATE_LIMIT_PER_MINUTE", default_value_t = 600)]
    pub rate_limit_per_minute: u32,
    /// The bearer token `GET /metrics` (Prometheus text) wants; unset, the endpoint is
    /// off. Never logged.
    #[arg(long, env = "YUI_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Seconds a stopping server (SIGTERM, Ctrl-C) lets requests in flight finish.
    #[arg(long, env = "YUI_SHUTDOWN_TIMEOUT", default_value_t = 30)]
    pub shutdown_timeout: u64,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    #[arg(long, env = "YUI_TRUST_FORWARDED_FOR", action = ArgAction::SetTrue, value_parser = BoolishValueParser::new())]
    pub trust_forwarded_for: bool,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "YUI_WORKERS")]
    pub workers: Option<usize>,
    /// Send outbox messages and run housekeeping inside this process. Turn it off
    /// when `yui worker` processes do it instead.
    #[arg(long, env = "YUI_DISPATCHER", default_value_t = true, action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub dispatcher: bool,
    #[command(flatten)]
    pub outbound: OutboundArgs,
}

/// How e-mail and webhooks leave Yui (see docs/notifications.md, docs/integrations.md).
#[derive(Debug, Args)]
pub struct OutboundArgs {
    /// `smtp`, `file` (`.eml` files in `<data-dir>/mail`) or `off`. Default: `smtp`
    /// when `--smtp-url` is given, else `file`.
    #[arg(long, env = "YUI_MAIL_TRANSPORT", value_enum)]
    pub mail_transport: Option<MailTransport>,
    /// `smtp://[user:password@]host:port` (add `?tls=required` for STARTTLS) or
    /// `smtps://…` for TLS from the start.
    #[arg(long, env = "YUI_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of every e-mail.
    #[arg(long, env = "YUI_MAIL_FROM", default_value = "Yui <yui@localhost>")]
    pub mail_from: String,
    /// The web app's address: links in e-mails start with it (it serves
    /// `/accept-invitation`, `/verify-email`, `/reset-password` and the API paths).
    #[arg(long, env = "YUI_APP_URL", default_value = "http://127.0.0.1:8080")]
    pub app_url: String,
    /// How often the dispatcher looks for new messages, in milliseconds.
    #[arg(long, env = "YUI_OUTBOX_POLL_MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub outbox_poll_ms: u64,
    /// The time of day (UTC, `HH:MM`) daily digests are sent; 23:00 UTC is 08:00 in Japan.
    #[arg(long, env = "YUI_DIGEST_AT", default_value = "23:00", value_parser = parse_time_of_day)]
    pub digest_at: chrono::NaiveTime,
    /// Allow webhook URLs on loopback, private and link-local addresses (tests and
    /// local development only: in production it lets tenants reach internal services).
    #[arg(long, env = "YUI_WEBHOOK_ALLOW_PRIVATE", action = ArgAction::SetTrue, value_parser = BoolishValueParser::new())]
    pub webhook_allow_private: bool,
}

/// Where e-mail goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MailTransport {
    Smtp,
    File,
    Off,
}

fn parse_time_of_day(text: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| format!("`{text}` is not a time of day such as 23:00"))
}

impl OutboundArgs {
    /// Checks the mail settings and builds the dispatcher: a clear error for bad
    /// settings, before anything else starts.
    pub fn dispatcher(&self, db: Database, data_dir: &std::path::Path) -> anyhow::Result<yui_notify::Dispatcher> {
        let kind = self.mail_transport.unwrap_or(if self.smtp_url.is_some() {
            MailTransport::Smtp
        } else {
            MailTransport::File
        });
        let transport = match (kind, &self.smtp_url) {
            (MailTransport::Smtp, Some(url)) => TransportSettings::Smtp { url: url.clone() },
            (MailTransport::Smtp, None) => {
                anyhow::bail!("YUI_MAIL_TRANSPORT=smtp needs YUI_SMTP_URL (smtp://host:port)")
            }
            (MailTransport::File, _) => TransportSettings::Files { directory: data_dir.join("mail") },
            (MailTransport::Off, _) => TransportSettings::Off,
        };
        let mailer = Mailer::new(&transport, &self.mail_from).context("mail settings")?;
        let app_url = self.app_url.trim_end_matches('/').to_owned();
        if !(app_url.starts_with("http://") || app_url.starts_with("https://")) {
            anyhow::bail!("YUI_APP_URL must start with http:// or https:// (got `{app_url}`)");
        }
        let settings = DispatchSettings {
            app_url,
            poll_interval: Duration::from_millis(self.outbox_poll_ms),
            webhooks: WebhookSettings { allow_private: self.webhook_allow_private, ..WebhookSettings::default() },
            ..DispatchSettings::default()
        };
        tracing::info!(?mailer, "e-mail transport ready");
        Ok(Dispatcher::new(db, std::sync::Arc::new(mailer), settings))
    }

    pub fn housekeeping(&self) -> HousekeepingSettings {
        HousekeepingSettings { digest_at: self.digest_at, ..HousekeepingSettings::default() }
    }
}

impl ServeArgs {
    pub fn http_settings(&self, jwt_secret: Vec<u8>) -> HttpSettings {
        let mut settings = HttpSettings::with_secret(jwt_secret);
        settings.access_token_ttl = Duration::from_secs(self.access_token_ttl);
        settings.session_ttl = Duration::from_secs(self.session_ttl);
        settings.max_body_bytes = self.max_body_bytes;
        settings.requests_per_minute = self.rate_limit_per_minute;
        settings.metrics_token = self.metrics_token.clone().filter(|token| !token.is_empty());
        settings.shutdown_timeout = Duration::from_secs(self.shutdown_timeout);
        settings.trust_forwarded_for = self.trust_forwarded_for;
        settings.workers = self.workers;
        settings.webhook_allow_private = self.outbound.webhook_allow_private;
        settings
    }
}

/// Creates the data directory readable by its owner only (`0700`): it holds the
/// database and the JWT secret. An existing directory is narrowed to `0700` too.
pub fn private_directory(path: &std::path::Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path).with_context(|| format!("creating data directory {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let permissions = std::fs::metadata(path)?.permissions();
        if permissions.mode() & 0o077 != 0 {
            tracing::info!(path = %path.display(), "narrowing the data directory to mode 0700");
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
                .with_context(|| format!("setting the mode of {}", path.display()))?;
        }
    }
    Ok(())
}
