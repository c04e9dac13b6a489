//! The `yui` binary itself: `serve --demo`, `migrate`, `openapi`, `bootstrap`.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Engine, TestDatabase, postgres_url};

const DEMO_PASSWORD: &str = "yui-demo-password";

/// A running `yui serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub address: String,
    /// Every line it has logged so far.
    pub logs: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Server {
    /// Sends `SIGTERM` (what `docker stop` and systemd send).
    pub fn terminate(&self) {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill");
        assert!(status.success(), "kill -TERM");
    }

    /// Waits up to `timeout` for the process to exit; its status, if it did.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + timeout;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Kills the process at once (`SIGKILL`): no shutdown code runs.
    pub fn kill_9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn yui(data_dir: &std::path::Path, database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_yui"));
    command.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    command.arg("--data-dir").arg(data_dir).env("YUI_LOG", "info");
    if !database_url.ends_with(".sqlite3") {
        command.env("DATABASE_URL", database_url);
    }
    command
}

/// Starts `yui serve --demo` on a random port and waits until it listens.
pub fn serve_demo(data_dir: &std::path::Path, database_url: &str) -> Server {
    serve_demo_with(data_dir, database_url, &[])
}

/// [`serve_demo`] with more options.
pub fn serve_demo_with(data_dir: &std::path::Path, database_url: &str, options: &[&str]) -> Server {
    let mut child = yui(data_dir, database_url)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--workers", "1"])
        .args(options)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start yui");
    let stderr = child.stderr.take().expect("stderr");
    let (sender, receiver) = std::sync::mpsc::channel();
    let logs = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = logs.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("listening on http://").nth(1) {
                let address = rest.split(|c: char| c.is_whitespace() || c == '"').next().unwrap_or_default().to_owned();
                let _ = sender.send(address);
            }
            kept.lock().expect("logs").push(line);
        }
    });
    let address = receiver.recv_timeout(Duration::from_secs(60)).expect("yui serve did not start listening");
    Server { child, address: format!("http://{address}"), logs }
}

pub async fn login(client: &reqwest::Client, server: &Server, email: &str) -> String {
    let reply = client
        .post(format!("{}/v1/auth/login", server.address))
        .json(&json!({"email": email, "password": DEMO_PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(reply.status(), StatusCode::OK, "demo login {email}");
    let body: serde_json::Value = reply.json().await.expect("json");
    body["access_token"].as_str().expect("token").to_owned()
}

async fn get_json(client: &reqwest::Client, url: &str, token: &str) -> serde_json::Value {
    let reply = client.get(url).bearer_auth(token).send().await.expect("request");
    assert_eq!(reply.status(), StatusCode::OK, "GET {url}");
    reply.json().await.expect("json")
}

async fn demo_server_seeds_once_and_keeps_data(engine: Engine) {
    let database = TestDatabase::create(engine);
    let data_dir = std::env::temp_dir().join(format!("yui-bin-{}", uuid::Uuid::now_v7().simple()));
    let database_url = match engine {
        Engine::Sqlite => data_dir.join("yui.sqlite3").to_string_lossy().into_owned(),
        Engine::Postgres => database.url.clone(),
    };
    let client = reqwest::Client::new();

    let invited_email = {
        let server = serve_demo(&data_dir, &database_url);
        let admin = login(&client, &server, "admin@kado.example").await;
        let users: serde_json::Value = client
            .get(format!("{}/v1/users?limit=100", server.address))
            .bearer_auth(&admin)
            .send()
            .await
            .expect("users")
            .json()
            .await
            .expect("json");
        let roles: Vec<&str> =
            users["items"].as_array().expect("items").iter().filter_map(|u| u["role"].as_str()).collect();
        assert_eq!(roles.iter().filter(|r| **r == "admin").count(), 1);
        assert_eq!(roles.iter().filter(|r| **r == "director").count(), 2);
        assert!(roles.iter().filter(|r| **r == "worker").count() >= 8);
        let client_token = login(&client, &server, "client@mapworks.example").await;
        let director = login(&client, &server, "director1@kado.example").await;

        // A job in every state of the flow, and work waiting in the QC queue.
        let jobs = get_json(&client, &format!("{}/v1/jobs?limit=100", server.address), &client_token).await;
        let mut statuses: Vec<&str> =
            jobs["items"].as_array().expect("items").iter().filter_map(|j| j["status"].as_str()).collect();
        statuses.sort_unstable();
        statuses.dedup();
        assert_eq!(statuses, ["active", "cancelled", "completed", "declined", "draft", "posted", "quoted"]);
        let queue = get_json(&client, &format!("{}/v1/review-queue", server.address), &director).await;
        assert_eq!(queue["items"].as_array().expect("items").len(), 3);
        // The completed pilot's qualified invoice, issued with both tax rates.
        let invoices = get_json(&client, &format!("{}/v1/invoices", server.address), &client_token).await;
        let invoice = &invoices["items"][0];
        assert_eq!((invoice["number"].as_i64(), invoice["status"].as_str()), (Some(1), Some("issued")), "{invoices}");
        let rates: Vec<i64> =
            invoice["by_rate"].as_array().expect("rates").iter().filter_map(|r| r["tax_rate"].as_i64()).collect();
        assert_eq!(rates, [10, 8]);

        let invited = client
            .post(format!("{}/v1/invitations", server.address))
            .bearer_auth(&admin)
            .json(&json!({"email": "kept@kado.example", "role": "worker"}))
            .send()
            .await
            .expect("invite");
        assert_eq!(invited.status(), StatusCode::CREATED);
        "kept@kado.example"
    };

    // A second start keeps what the first one did, and the generated JWT secret.
    let secret_file = data_dir.join("jwt-secret");
    let secret_before = std::fs::read(&secret_file).expect("jwt-secret kept in the data directory");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&secret_file).expect("metadata").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let server = serve_demo(&data_dir, &database_url);
    let admin = login(&client, &server, "admin@kado.example").await;
    let invitations: serde_json::Value = client
        .get(format!("{}/v1/invitations", server.address))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("invitations")
        .json()
        .await
        .expect("json");
    assert_eq!(invitations["items"][0]["email"], invited_email);
    assert_eq!(std::fs::read(&secret_file).expect("secret"), secret_before);
    drop(server);
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[tokio::test]
async fn demo_server_on_sqlite() {
    demo_server_seeds_once_and_keeps_data(Engine::Sqlite).await;
}

#[tokio::test]
async fn demo_server_on_postgres() {
    if postgres_url().is_some() {
        demo_server_seeds_once_and_keeps_data(Engine::Postgres).await;
    }
}

#[test]
fn openapi_command_prints_the_committed_spec() {
    let output = Command::new(env!("CARGO_BIN_EXE_yui")).arg("openapi").output().expect("yui openapi");
    assert!(output.status.success());
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../../openapi/openapi.json")).expect("committed json");
    assert_eq!(printed, committed);
}

#[test]
fn migrate_then_bootstrap_a_real_centre() {
    let data_dir = std::env::temp_dir().join(format!("yui-boot-{}", uuid::Uuid::now_v7().simple()));
    let url = data_dir.join("yui.sqlite3").to_string_lossy().into_owned();
    let migrate = yui(&data_dir, &url).arg("migrate").output().expect("yui migrate");
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));
    assert!(String::from_utf8_lossy(&migrate.stdout).contains("migration(s) applied on sqlite"));

    let bootstrap = |slug: &str, password: &str| {
        yui(&data_dir, &url)
            .args(["bootstrap", "--center-name", "Azumino Centre", "--center-slug", slug])
            .args(["--admin-email", "boss@azumino.example", "--admin-name", "Boss"])
            .env("YUI_ADMIN_PASSWORD", password)
            .output()
            .expect("yui bootstrap")
    };
    let mars = yui(&data_dir, &url)
        .args(["bootstrap", "--center-name", "Mars Centre", "--center-slug", "mars", "--time-zone", "Mars/Base"])
        .args(["--admin-email", "boss@mars.example", "--admin-name", "Boss"])
        .env("YUI_ADMIN_PASSWORD", "a long admin password")
        .output()
        .expect("yui bootstrap");
    assert!(!mars.status.success(), "an unknown time zone is refused, never replaced");
    assert!(String::from_utf8_lossy(&mars.stderr).contains("--time-zone"), "{}", String::from_utf8_lossy(&mars.stderr));
    let weak = bootstrap("azumino", "short");
    assert!(!weak.status.success(), "a weak password is refused");
    let created = bootstrap("azumino", "a long admin password");
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    assert!(String::from_utf8_lossy(&created.stdout).contains("created centre azumino"));
    let again = bootstrap("azumino", "a long admin password");
    assert!(!again.status.success(), "the same slug twice is refused");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already taken"));
    let _ = std::fs::remove_dir_all(&data_dir);
}

/// The data directory and the SQLite files are the owner's only: the database holds
/// password hashes and the directory the JWT secret.
#[cfg(unix)]
#[test]
fn the_data_directory_and_database_are_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let data_dir = std::env::temp_dir().join(format!("yui-private-{}", uuid::Uuid::now_v7().simple()));
    let url = data_dir.join("yui.sqlite3").to_string_lossy().into_owned();
    let migrate = yui(&data_dir, &url).args(["migrate", "--sqlite-synchronous", "full"]).output().expect("yui migrate");
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));
    let mode = |path: &std::path::Path| std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&data_dir), 0o700);
    for entry in std::fs::read_dir(&data_dir).expect("data dir") {
        let path = entry.expect("entry").path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
    let server = serve_demo(&data_dir, &url);
    assert!(data_dir.join("yui.sqlite3-wal").exists(), "WAL is on");
    assert!(data_dir.join("mail").is_dir(), "the default mail transport writes into the data directory");
    for entry in std::fs::read_dir(&data_dir).expect("data dir") {
        let path = entry.expect("entry").path();
        let private = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&path), private, "{}", path.display());
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&data_dir);
}

/// A one-shot command on PostgreSQL exits cleanly every time: no connection is being
/// reopened in the background while the process tears down libpq's TLS library
/// (which used to crash about one run in three with a segmentation fault).
#[test]
fn one_shot_commands_exit_cleanly_on_postgres() {
    if postgres_url().is_none() {
        return;
    }
    let database = TestDatabase::create(Engine::Postgres);
    let data_dir = std::env::temp_dir().join(format!("yui-oneshot-{}", uuid::Uuid::now_v7().simple()));
    for round in 0..20 {
        for args in [&["migrate"][..], &["outbox", "status"][..]] {
            let output = yui(&data_dir, &database.url).args(args).output().expect("run yui");
            assert!(
                output.status.success(),
                "round {round}, yui {args:?}: {:?} {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}
