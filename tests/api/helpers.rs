//! Test harness: spawning the app on a fresh database, typed HTTP helpers, and
//! direct store access for setting up data and counting rows.

use std::net::TcpListener;
use std::sync::OnceLock;
use std::time::Duration;

use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yui_domain::{Currency, Email, Money, OrganizationId, Role, Tenant, UserId};
use yui_http::{Application, HttpSettings};
use yui_store::centers::{self, NewCenter};
use yui_store::users::{self, NewUser};
use yui_store::{Database, PoolSettings, organizations};

pub const PASSWORD: &str = "correct horse battery";
pub const JWT_SECRET: &[u8] = b"test-secret-test-secret-test-secret-0123";
pub const ISSUER: &str = "yui";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Runs a scenario `async fn name(app: TestApp)` once per engine, as
/// `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::helpers::TestApp::spawn($crate::helpers::Engine::Sqlite).await;
                super::$name(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::helpers::TestApp::spawn_postgres().await {
                    super::$name(app).await;
                }
            }
        }
    )+};
}

/// The PostgreSQL server to test against, if any. In CI its absence is an error.
pub fn postgres_url() -> Option<String> {
    match std::env::var("YUI_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") => {
            panic!("CI is set but YUI_TEST_POSTGRES_URL is not: the PostgreSQL tests must run in CI")
        }
        _ => {
            eprintln!("YUI_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run of this test");
            None
        }
    }
}

/// A database of its own for one test, removed when dropped.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    pub fn create(engine: Engine) -> Self {
        let unique = uuid::Uuid::now_v7().simple().to_string();
        match engine {
            Engine::Sqlite => {
                let dir = std::env::temp_dir().join(format!("yui-test-{unique}"));
                std::fs::create_dir_all(&dir).expect("temp dir");
                let path = dir.join("yui.sqlite3");
                Self { url: path.to_string_lossy().into_owned(), cleanup: Cleanup::Sqlite(dir) }
            }
            Engine::Postgres => {
                let admin_url = postgres_url().expect("postgres URL");
                let name = format!("yui_test_{unique}");
                let mut conn = PgConnection::establish(&admin_url).expect("connect to the PostgreSQL test server");
                diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut conn).expect("create database");
                let url = with_database(&admin_url, &name);
                Self { url, cleanup: Cleanup::Postgres { admin_url, name } }
            }
        }
    }

    pub fn open(&self) -> Database {
        Database::connect(
            &self.url,
            PoolSettings { max_connections: 4, connect_timeout: Duration::from_secs(10), ..PoolSettings::default() },
        )
        .expect("open test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(mut conn) = PgConnection::establish(admin_url) {
                    let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut conn);
                }
            }
        }
    }
}

/// Replaces the database name in a PostgreSQL URL, keeping any query string.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{host_part}/{name}?{query}"),
        None => format!("{host_part}/{name}"),
    }
}

/// An account created for a test, with its password.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: UserId,
    pub email: String,
}

/// A running server on its own database.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Database,
    pub engine: Engine,
    handle: actix_web::dev::ServerHandle,
    _database: TestDatabase,
}

/// Another server on a [`TestApp`]'s database, stopped when dropped.
pub struct Neighbour {
    pub address: String,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Neighbour {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

impl Drop for TestApp {
    /// Stops the server, then checks (unless the test already failed) that the
    /// trigger-kept `worker_commitments` agree with the tasks the scenario left:
    /// every end-to-end scenario is also a test of those triggers on its engine.
    fn drop(&mut self) {
        drop(self.handle.stop(false));
        if !std::thread::panicking() {
            assert_eq!(commitment_mismatches(&self.db), Vec::<String>::new(), "worker_commitments disagree with tasks");
        }
    }
}

pub fn test_settings() -> HttpSettings {
    let mut settings = HttpSettings::with_secret(JWT_SECRET.to_vec());
    settings.workers = Some(2);
    settings.max_body_bytes = 1024 * 1024;
    // The tests' webhook receivers listen on 127.0.0.1.
    settings.webhook_allow_private = true;
    // Every answer carries the rate-limit fields; no test but the rate-limit tests
    // comes near the budget.
    settings.requests_per_minute = 1_000_000;
    settings
}

/// One argon2 hash of [`PASSWORD`] for all directly created accounts (hashing is slow).
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| yui_http::hash_password(PASSWORD).expect("hash"))
}

impl TestApp {
    pub async fn spawn(engine: Engine) -> Self {
        Self::spawn_with(engine, test_settings()).await
    }

    pub async fn spawn_postgres() -> Option<Self> {
        postgres_url()?;
        Some(Self::spawn(Engine::Postgres).await)
    }

    pub async fn spawn_with(engine: Engine, settings: HttpSettings) -> Self {
        let database = TestDatabase::create(engine);
        let db = database.open();
        db.migrate().expect("migrations apply");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a random port");
        let app = Application::build(listener, db.clone(), settings).expect("build app");
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
        Self { address, client, db, engine, handle, _database: database }
    }

    /// Another pool on this app's database (as a second process would have).
    pub fn second_pool(&self) -> Database {
        self._database.open()
    }

    /// This app's database URL (for running the `yui` binary on it).
    pub fn database_url(&self) -> &str {
        &self._database.url
    }

    /// A second server on this app's database, with its own pool and caches: what
    /// one instance writes, the other must see.
    pub async fn neighbour(&self) -> Neighbour {
        self.neighbour_with(test_settings()).await
    }

    /// [`Self::neighbour`] with its own settings.
    pub async fn neighbour_with(&self, settings: HttpSettings) -> Neighbour {
        let db = self._database.open();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a random port");
        let app = Application::build(listener, db, settings).expect("build app");
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        Neighbour { address, handle }
    }

    /// The same request sent to `server` instead of this app.
    pub async fn get_on(&self, server: &Neighbour, path: &str, token: &str) -> Reply {
        let request = self.client.get(format!("{}{path}", server.address)).bearer_auth(token);
        Reply::from(request.send().await.expect("request sent")).await
    }

    // ---- HTTP ----

    pub async fn request(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        Reply::from(request.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.request(Method::POST, path, token, Some(body)).await
    }

    /// Logs in and returns (access token, refresh token).
    pub async fn login(&self, email: &str) -> (String, String) {
        let reply = self.post("/v1/auth/login", None, json!({"email": email, "password": PASSWORD})).await;
        assert_eq!(reply.status, StatusCode::OK, "login of {email}: {}", reply.body);
        (reply.str("access_token"), reply.str("refresh_token"))
    }

    pub async fn token(&self, account: &Account) -> String {
        self.login(&account.email).await.0
    }

    // ---- direct set-up through the store ----

    pub fn create_center(&self, slug: &str) -> yui_store::centers::Center {
        self.db
            .write(|conn| {
                centers::insert(
                    conn,
                    NewCenter {
                        slug: slug.into(),
                        name: format!("Centre {slug}"),
                        description: String::new(),
                        time_zone: chrono_tz::Asia::Tokyo,
                        minimum_hourly_rate: Money::new(950, Currency::JPY),
                    },
                )
            })
            .expect("centre")
    }

    pub fn create_skill(&self, center: yui_domain::CenterId, slug: &str) {
        self.db.write(|conn| yui_store::skills::insert(conn, center, slug, slug, "")).expect("skill");
    }

    pub fn create_organization(&self, name: &str) -> OrganizationId {
        self.db.write(|conn| organizations::insert(conn, name)).expect("organisation").id
    }

    pub fn create_user(&self, tenant: Tenant, role: Role) -> Account {
        let email = format!("{}-{}@test.example", role, uuid::Uuid::now_v7().simple());
        let parsed = Email::parse(&email).expect("email");
        let hash = password_hash();
        let user = self
            .db
            .write(|conn| {
                users::insert(
                    conn,
                    NewUser {
                        email: &parsed,
                        password_hash: hash,
                        display_name: "Test User",
                        role,
                        tenant,
                        locale: yui_domain::Locale::En,
                        email_verified: true,
                    },
                )
            })
            .expect("user");
        Account { id: user.id, email }
    }

    /// The one-time token of the newest `template` e-mail (invitation,
    /// verify_email, password_reset) waiting in the outbox for `email`: what the
    /// recipient would click. The e-mail tests read it from a real SMTP server.
    pub fn mailed_token(&self, email: &str, template: &str) -> String {
        self.outbox_messages(email)
            .into_iter()
            .rev()
            .find(|m| m.template.as_str() == template)
            .and_then(|m| m.data["token"].as_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("no {template} e-mail with a token for {email} in the outbox"))
    }

    /// Marks the user's e-mail address unverified again (to test asking for a new link).
    pub fn unverify_email(&self, user_id: &str) {
        let id = uuid::Uuid::parse_str(user_id).expect("a user id");
        let mut conn = self.db.connection().expect("connection");
        diesel::sql_query(format!("UPDATE users SET email_verified_at = NULL WHERE id = '{id}'"))
            .execute(&mut *conn)
            .expect("unverify");
    }

    /// Every outbox message to `email`, oldest first.
    pub fn outbox_messages(&self, email: &str) -> Vec<yui_store::outbox::Message> {
        all_outbox(&self.db).into_iter().filter(|m| m.recipient == email).collect()
    }

    /// Counts the rows of every application table.
    pub fn row_counts(&self) -> Vec<(&'static str, i64)> {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        // Not counted: `rate_limit_counters` and `idempotency_records`, bookkeeping that
        // every request (refused or not) may touch.
        const TABLES: [&str; 45] = [
            "centers",
            "organizations",
            "users",
            "sessions",
            "refresh_tokens",
            "login_failures",
            "invitations",
            "jobs",
            "quotes",
            "tasks",
            "submissions",
            "reviews",
            "deliveries",
            "delivery_items",
            "comments",
            "events",
            "skills",
            "skill_assessments",
            "worker_skills",
            "worker_profiles",
            "availability_windows",
            "availability_exceptions",
            "teams",
            "team_members",
            "worker_stats",
            "worker_commitments",
            "account_tokens",
            "notice_preferences",
            "outbox",
            "housekeeping_runs",
            "webhook_endpoints",
            "webhook_deliveries",
            "webhook_attempts",
            "api_keys",
            "minimum_wages",
            "pay_rates",
            "time_entries",
            "worker_withholding",
            "pay_periods",
            "pay_statements",
            "billing_settings",
            "invoice_counters",
            "invoices",
            "invoice_lines",
            "invoiced_jobs",
        ];
        let mut conn = self.db.connection().expect("connection");
        TABLES
            .iter()
            .map(|table| {
                let count: Count = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
                    .get_result(&mut *conn)
                    .expect("count");
                (*table, count.n)
            })
            .collect()
    }
}

/// Every outbox message of a database, oldest first.
pub fn all_outbox(db: &Database) -> Vec<yui_store::outbox::Message> {
    let limit = yui_domain::PageLimit::new(100).expect("limit");
    let (mut messages, mut after) = (Vec::new(), None);
    loop {
        let page = db.read(|conn| yui_store::outbox::list(conn, None, after, limit)).expect("outbox");
        messages.extend(page.items);
        match page.next_after {
            Some(next) => after = Some(next),
            None => return messages,
        }
    }
}

/// Waits (at most 20 s) until `done` says so; fails the test with `what` otherwise.
pub async fn wait_until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let started = std::time::Instant::now();
    while !done().await {
        assert!(started.elapsed() < Duration::from_secs(20), "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Workers whose kept committed minutes differ from the sum of their unfinished
/// assigned tasks, computed here from the tasks themselves, as
/// "worker: kept ≠ actual".
pub fn commitment_mismatches(db: &Database) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Mismatch {
        #[diesel(sql_type = Text)]
        worker: String,
        #[diesel(sql_type = BigInt)]
        kept: i64,
        #[diesel(sql_type = BigInt)]
        actual: i64,
    }
    const QUERY: &str = "SELECT worker, kept, actual FROM (
        SELECT u.id AS worker, COALESCE(wc.committed_minutes, 0) AS kept,
          CAST(COALESCE((SELECT SUM(t.estimated_minutes) FROM tasks t WHERE t.assignee_id = u.id
            AND t.status IN ('assigned', 'in_progress', 'changes_requested')), 0) AS BIGINT) AS actual
        FROM users u LEFT JOIN worker_commitments wc ON wc.worker_id = u.id) AS sums
      WHERE kept <> actual";
    let mut conn = db.connection().expect("connection");
    let rows: Vec<Mismatch> = diesel::sql_query(QUERY).load(&mut *conn).expect("commitment sums");
    rows.into_iter().map(|m| format!("{}: {} ≠ {}", m.worker, m.kept, m.actual)).collect()
}

/// A response, read in full.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    async fn from(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let text = response.text().await.expect("body");
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Self { status, content_type, headers, body }
    }

    pub fn str(&self, field: &str) -> String {
        self.body[field].as_str().unwrap_or_else(|| panic!("no string `{field}` in {}", self.body)).to_owned()
    }

    /// Asserts a problem+json error with this status and code.
    #[track_caller]
    pub fn assert_problem(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(self.content_type, "application/problem+json", "body: {}", self.body);
        assert_eq!(self.body["code"], code, "body: {}", self.body);
        assert_eq!(self.body["status"], status.as_u16(), "body: {}", self.body);
    }
}

/// Signs arbitrary claims with the test secret (for tampering tests).
pub fn sign(claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .expect("sign")
}

#[test]
fn postgres_urls_get_their_database_replaced() {
    assert_eq!(with_database("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
    assert_eq!(with_database("postgres://u@h/test?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
    assert_eq!(with_database("postgresql://h", "x"), "postgresql://h/x");
}
