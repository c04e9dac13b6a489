//! A real SMTP server for the e-mail tests (`tests/support/smtp_sink.py`, Python's
//! `aiosmtpd`), and dispatchers that send to it.
//!
//! The sink writes each message it accepts as JSON (envelope, decoded headers, the
//! text and HTML parts) so the tests read exactly what a mail client would. Without
//! `aiosmtpd` the e-mail tests are skipped locally with a notice; in CI (`CI` set)
//! that is an error, like a missing PostgreSQL.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use yui_notify::{DispatchSettings, Dispatcher, HousekeepingSettings, Mailer, TransportSettings};

use crate::helpers::TestApp;

/// A running SMTP sink, stopped when dropped.
pub struct SmtpSink {
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

/// Options of the sink.
#[derive(Default, Clone)]
pub struct SinkOptions {
    /// Require AUTH with these credentials.
    pub auth: Option<(&'static str, &'static str)>,
    /// Answer the first N messages with a temporary failure (451).
    pub fail_first: u32,
}

fn aiosmtpd_present() -> bool {
    Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl SmtpSink {
    /// Starts a sink, or `None` (outside CI) when `aiosmtpd` is not installed.
    pub fn start(options: SinkOptions) -> Option<Self> {
        if !aiosmtpd_present() {
            if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
                panic!(
                    "CI is set but Python's aiosmtpd is missing: the e-mail tests must run in CI (.ci/run installs it)"
                );
            }
            eprintln!("aiosmtpd is not installed (pip install aiosmtpd): skipping this e-mail test");
            return None;
        }
        let dir = std::env::temp_dir().join(format!("yui-smtp-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("sink dir");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
        let mut command = Command::new("python3");
        command.arg(script).arg("--out").arg(&dir).args(["--host", "127.0.0.1", "--port", "0"]);
        if let Some((user, password)) = options.auth {
            command.args(["--auth", &format!("{user}:{password}")]);
        }
        if options.fail_first > 0 {
            command.args(["--fail-first", &options.fail_first.to_string()]);
        }
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("start the SMTP sink");
        let stdout = child.stdout.take().expect("sink stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("the sink reports its port");
        let port = line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok()).unwrap_or_else(|| {
            panic!("the SMTP sink did not report its port: {line:?}");
        });
        Some(Self { port, dir, child })
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, in arrival order.
    pub fn messages(&self) -> Vec<Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .expect("sink dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| serde_json::from_str(&std::fs::read_to_string(f).expect("message file")).expect("message JSON"))
            .collect()
    }

    /// How many messages the sink refused with a temporary failure.
    pub fn failures(&self) -> u32 {
        std::fs::read_to_string(self.dir.join("failures.txt")).ok().and_then(|t| t.trim().parse().ok()).unwrap_or(0)
    }

    /// Waits until at least `count` messages arrived (at most 20 s), then returns all.
    pub async fn wait_for(&self, count: usize) -> Vec<Value> {
        let started = Instant::now();
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "expected {count} messages, got {}: {:#?}",
                messages.len(),
                messages.iter().map(|m| m["subject"].clone()).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The messages received for `address`.
    pub fn to(&self, address: &str) -> Vec<Value> {
        self.messages()
            .into_iter()
            .filter(|m| m["rcpt_tos"].as_array().is_some_and(|r| r.iter().any(|a| a == address)))
            .collect()
    }

    /// Waits for a message to `address` whose subject contains `needle`.
    pub async fn wait_to(&self, address: &str, needle: &str) -> Value {
        let started = Instant::now();
        loop {
            if let Some(found) =
                self.to(address).into_iter().find(|m| m["subject"].as_str().is_some_and(|s| s.contains(needle)))
            {
                return found;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no message to {address} with `{needle}` in its subject; received: {:#?}",
                self.messages().iter().map(|m| (m["rcpt_tos"].clone(), m["subject"].clone())).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The token in a message's link (`…?token=…`), as the recipient would click it.
pub fn token_in(message: &Value) -> String {
    let text = message["text"].as_str().expect("a text part");
    let start = text.find("?token=").expect("a link with a token") + "?token=".len();
    text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

/// Settings for a fast dispatcher in tests: short polls and retries.
pub fn quick_settings() -> DispatchSettings {
    DispatchSettings {
        app_url: "https://app.yui.example".into(),
        poll_interval: Duration::from_millis(50),
        first_retry: Duration::from_millis(100),
        longest_retry: Duration::from_millis(400),
        webhooks: yui_notify::WebhookSettings {
            allow_private: true,
            retry_schedule: vec![Duration::from_millis(100); 4],
            ..yui_notify::WebhookSettings::default()
        },
        ..DispatchSettings::default()
    }
}

/// A dispatcher sending through `url`, built as `yui serve` builds its own.
pub fn dispatcher(db: yui_store::Database, url: &str, settings: DispatchSettings) -> Dispatcher {
    let mailer = Mailer::new(&TransportSettings::Smtp { url: url.into() }, "Yui <yui@kado.example>").expect("mailer");
    Dispatcher::new(db, Arc::new(mailer), settings)
}

/// A background dispatcher, stopped when dropped.
pub struct Running(tokio::task::JoinHandle<()>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `dispatcher` the way `yui serve` does (with housekeeping checks far apart,
/// so tests call housekeeping themselves).
pub fn run(dispatcher: Dispatcher) -> Running {
    let housekeeping =
        HousekeepingSettings { check_every: Duration::from_secs(3600), ..HousekeepingSettings::default() };
    Running(tokio::spawn(yui_notify::run(dispatcher, housekeeping)))
}

impl TestApp {
    /// Starts a sink and a dispatcher sending this app's outbox to it.
    pub fn with_mail(&self, options: SinkOptions) -> Option<(SmtpSink, Running)> {
        let sink = SmtpSink::start(options)?;
        let running = run(dispatcher(self.db.clone(), &sink.url(), quick_settings()));
        Some((sink, running))
    }
}
