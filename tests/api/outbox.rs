//! The outbox's promises, against a real SMTP server: a temporary failure is
//! retried with backoff, a message that keeps failing goes `dead` and an operator
//! can retry it, a dispatcher that dies mid-send loses nothing (the repeat carries
//! the same `Message-ID`), a `kill -9` of the server with messages pending loses
//! nothing, two dispatchers never send one message twice, bad mail settings stop
//! the server at start-up with a clear error.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chrono::TimeDelta;
use reqwest::StatusCode;
use serde_json::{Value, json};
use yui_domain::{Locale, Template};
use yui_store::outbox::{self, NewMessage, Status};

use crate::binary::{login, serve_demo_with, yui};
use crate::helpers::{Engine, TestApp, TestDatabase, all_outbox, postgres_url, wait_until};
use crate::on_both_engines;
use crate::smtp::{SinkOptions, SmtpSink, dispatcher, quick_settings, run};

on_both_engines!(
    a_temporary_failure_is_retried_until_it_is_sent,
    a_message_that_keeps_failing_goes_dead_until_an_operator_retries_it,
    a_dispatcher_that_dies_mid_send_loses_nothing,
    two_dispatchers_never_send_one_message_twice,
    smtp_with_a_password,
    the_file_and_off_transports,
    yui_worker_sends_what_the_api_wrote,
);

/// `count` password-reset style messages written straight to the outbox.
fn enqueue(app: &TestApp, count: usize) -> Vec<String> {
    let addresses: Vec<String> = (0..count).map(|i| format!("person{i}@test.example")).collect();
    let messages: Vec<NewMessage> = addresses
        .iter()
        .map(|address| NewMessage {
            recipient_user: None,
            recipient: address.clone(),
            locale: Locale::En,
            template: Template::PasswordReset,
            data: json!({"recipient_name": address, "path": "/reset-password", "token": "t0ken",
                         "expires_at": "2026-12-01T08:00:00+00:00"}),
            held: false,
        })
        .collect();
    app.db.write(|conn| outbox::enqueue(conn, &messages)).expect("enqueue");
    addresses
}

fn all_messages(app: &TestApp) -> Vec<outbox::Message> {
    all_outbox(&app.db)
}

async fn a_temporary_failure_is_retried_until_it_is_sent(app: TestApp) {
    let Some((sink, _dispatcher)) = app.with_mail(SinkOptions { fail_first: 2, ..SinkOptions::default() }) else {
        return;
    };
    enqueue(&app, 1);
    let received = sink.wait_for(1).await;
    assert_eq!(sink.failures(), 2, "the server refused twice before accepting");
    wait_until("the message is marked sent", async || all_messages(&app)[0].status == Status::Sent).await;
    let message = &all_messages(&app)[0];
    assert_eq!(message.attempts, 3);
    assert_eq!(received[0]["message_id"], format!("<{}@kado.example>", message.id));
    assert_eq!(all_messages(&app)[0].data["token"], "(erased after sending)", "secrets do not outlive sending");
}

async fn a_message_that_keeps_failing_goes_dead_until_an_operator_retries_it(app: TestApp) {
    let Some(failing) = SmtpSink::start(SinkOptions { fail_first: 1000, ..SinkOptions::default() }) else { return };
    let settings = yui_notify::DispatchSettings { max_attempts: 3, ..quick_settings() };
    let running = run(dispatcher(app.db.clone(), &failing.url(), settings));
    enqueue(&app, 1);
    wait_until("the message is dead", async || all_messages(&app)[0].status == Status::Dead).await;
    drop(running);
    let dead = &all_messages(&app)[0];
    assert_eq!(dead.attempts, 3);
    assert!(dead.last_error.as_deref().is_some_and(|e| e.contains("451")), "{:?}", dead.last_error);
    assert_eq!(failing.failures(), 3);

    // The operator fixes the mail server and retries, with the `yui` binary.
    let healthy = SmtpSink::start(SinkOptions::default()).expect("sink");
    let _running = run(dispatcher(app.db.clone(), &healthy.url(), quick_settings()));
    // On SQLite the binary finds the database in its data directory.
    let data_dir = match app.engine {
        Engine::Sqlite => std::path::Path::new(app.database_url()).parent().expect("dir").to_path_buf(),
        Engine::Postgres => std::env::temp_dir().join(format!("yui-outbox-{}", uuid::Uuid::now_v7().simple())),
    };
    let listed =
        yui(&data_dir, app.database_url()).args(["outbox", "list", "--status", "dead"]).output().expect("yui outbox");
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
    let stdout = String::from_utf8_lossy(&listed.stdout);
    assert!(
        stdout.contains(&dead.id.to_string()),
        "{} not in:\n{stdout}\n{}",
        dead.id,
        String::from_utf8_lossy(&listed.stderr)
    );
    let retried =
        yui(&data_dir, app.database_url()).args(["outbox", "retry", &dead.id.to_string()]).output().expect("retry");
    assert!(retried.status.success(), "{}", String::from_utf8_lossy(&retried.stderr));
    healthy.wait_for(1).await;
    wait_until("the retried message is sent", async || all_messages(&app)[0].status == Status::Sent).await;
    let again =
        yui(&data_dir, app.database_url()).args(["outbox", "retry", &dead.id.to_string()]).output().expect("retry");
    assert!(!again.status.success(), "retrying a message that is not dead is an error");
    if app.engine == Engine::Postgres {
        let _ = std::fs::remove_dir_all(&data_dir);
    }
}

/// A dispatcher claimed messages and died before recording the outcome: once its
/// claim runs out they are sent, with the Message-ID they always had.
async fn a_dispatcher_that_dies_mid_send_loses_nothing(app: TestApp) {
    let Some(sink) = SmtpSink::start(SinkOptions::default()) else { return };
    let addresses = enqueue(&app, 5);
    let claimed = app.db.write(|conn| outbox::claim(conn, 10, TimeDelta::milliseconds(700))).expect("claim");
    assert_eq!(claimed.len(), 5);
    let _running = run(dispatcher(app.db.clone(), &sink.url(), quick_settings()));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(sink.messages().is_empty(), "claimed messages wait for their claim to run out");
    let received = sink.wait_for(5).await;
    let by_address: BTreeMap<String, Value> = received
        .iter()
        .map(|m| (m["rcpt_tos"][0].as_str().expect("rcpt").to_owned(), m["message_id"].clone()))
        .collect();
    assert_eq!(by_address.keys().cloned().collect::<Vec<_>>(), {
        let mut a = addresses.clone();
        a.sort();
        a
    });
    for message in claimed {
        assert_eq!(by_address[&message.recipient], format!("<{}@kado.example>", message.id));
    }
    wait_until("all are sent", async || all_messages(&app).iter().all(|m| m.status == Status::Sent && m.attempts == 2))
        .await;
}

/// Two dispatchers on two pools share one queue: every message once.
async fn two_dispatchers_never_send_one_message_twice(app: TestApp) {
    let Some(sink) = SmtpSink::start(SinkOptions::default()) else { return };
    let settings = yui_notify::DispatchSettings { batch_size: 5, ..quick_settings() };
    let _first = run(dispatcher(app.db.clone(), &sink.url(), settings.clone()));
    let _second = run(dispatcher(app.second_pool(), &sink.url(), settings));
    let mut expected = 0;
    for _round in 0..3 {
        expected += enqueue(&app, 100).len();
        sink.wait_for(expected).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = sink.messages();
    assert_eq!(received.len(), expected, "no message was sent twice");
    let ids: BTreeSet<&str> = received.iter().map(|m| m["message_id"].as_str().expect("id")).collect();
    assert_eq!(ids.len(), expected);
}

async fn smtp_with_a_password(app: TestApp) {
    let Some(sink) = SmtpSink::start(SinkOptions { auth: Some(("yui", "s3cret pass")), ..SinkOptions::default() })
    else {
        return;
    };
    let url = format!("smtp://yui:s3cret%20pass@127.0.0.1:{}", sink.port);
    let _running = run(dispatcher(app.db.clone(), &url, quick_settings()));
    enqueue(&app, 1);
    sink.wait_for(1).await;
}

/// `yui worker` (the dispatcher as its own process) sends the outbox of a database
/// whose API runs with `--dispatcher false`.
async fn yui_worker_sends_what_the_api_wrote(app: TestApp) {
    let Some(sink) = SmtpSink::start(SinkOptions::default()) else { return };
    let addresses = enqueue(&app, 3);
    // On SQLite the binary finds the database in its data directory.
    let data_dir = match app.engine {
        Engine::Sqlite => std::path::Path::new(app.database_url()).parent().expect("dir").to_path_buf(),
        Engine::Postgres => std::env::temp_dir().join(format!("yui-worker-{}", uuid::Uuid::now_v7().simple())),
    };
    let mut worker = yui(&data_dir, app.database_url())
        .args(["worker", "--smtp-url", &sink.url(), "--outbox-poll-ms", "100", "--mail-from", "Yui <yui@kado.example>"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start yui worker");
    let received = sink.wait_for(3).await;
    // The worker marks a message sent just after the SMTP server took it: stop it only
    // then (stopped in between, the message would wait for its lease to end).
    wait_until("all are marked sent", async || all_messages(&app).iter().all(|m| m.status == Status::Sent)).await;
    let _ = worker.kill();
    let _ = worker.wait();
    let mut to: Vec<String> = received.iter().map(|m| m["rcpt_tos"][0].as_str().expect("rcpt").to_owned()).collect();
    to.sort();
    assert_eq!(to, addresses);
}

/// The default transport writes each message as an `.eml` file a mail program opens;
/// with mail off, messages are `dropped` (and their secrets erased), never sent.
async fn the_file_and_off_transports(app: TestApp) {
    let directory = std::env::temp_dir().join(format!("yui-eml-{}", uuid::Uuid::now_v7().simple()));
    let files = yui_notify::Mailer::new(
        &yui_notify::TransportSettings::Files { directory: directory.clone() },
        "Yui <yui@kado.example>",
    )
    .expect("file mailer");
    let running = run(yui_notify::Dispatcher::new(app.db.clone(), std::sync::Arc::new(files), quick_settings()));
    enqueue(&app, 2);
    wait_until("both are sent", async || all_messages(&app).iter().all(|m| m.status == Status::Sent)).await;
    drop(running);
    let written: Vec<String> = std::fs::read_dir(&directory)
        .expect("mail directory")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("an .eml file"))
        .collect();
    assert_eq!(written.len(), 2);
    for message in all_messages(&app) {
        let eml = written.iter().find(|e| e.contains(&format!("To: {}", message.recipient))).expect("its file");
        assert!(eml.contains(&format!("Message-ID: <{}@kado.example>", message.id)), "{eml}");
        assert!(eml.contains("multipart/alternative"));
    }
    let _ = std::fs::remove_dir_all(&directory);

    let off = yui_notify::Mailer::new(&yui_notify::TransportSettings::Off, "Yui <yui@kado.example>").expect("mailer");
    let _running = run(yui_notify::Dispatcher::new(app.db.clone(), std::sync::Arc::new(off), quick_settings()));
    enqueue(&app, 1);
    wait_until("it is dropped", async || all_messages(&app).iter().any(|m| m.status == Status::Dropped)).await;
    let dropped = all_messages(&app).into_iter().find(|m| m.status == Status::Dropped).expect("dropped");
    assert_eq!(dropped.data["token"], "(erased after sending)");
}

/// `kill -9` of a server with messages pending; after a restart every one arrives.
async fn pending_messages_survive_kill_9(engine: Engine) {
    let Some(sink) = SmtpSink::start(SinkOptions::default()) else { return };
    let database = TestDatabase::create(engine);
    let data_dir = std::env::temp_dir().join(format!("yui-kill-{}", uuid::Uuid::now_v7().simple()));
    let url = match engine {
        Engine::Sqlite => data_dir.join("yui.sqlite3").to_string_lossy().into_owned(),
        Engine::Postgres => database.url.clone(),
    };
    let smtp = sink.url();
    // The first server only records (its dispatcher is off), so every message is surely
    // pending when it is killed; dying mid-send is `a_dispatcher_that_dies_mid_send…`.
    let server = serve_demo_with(&data_dir, &url, &["--smtp-url", &smtp, "--dispatcher", "false"]);
    let client = reqwest::Client::new();
    let admin = login(&client, &server, "admin@kado.example").await;
    let invited: Vec<String> = (0..10).map(|i| format!("new{i}@kado.example")).collect();
    for email in &invited {
        let reply = client
            .post(format!("{}/v1/invitations", server.address))
            .bearer_auth(&admin)
            .json(&json!({"email": email, "role": "worker"}))
            .send()
            .await
            .expect("invite");
        assert_eq!(reply.status(), StatusCode::CREATED);
    }
    server.kill_9();
    let invitations = || -> Vec<Value> {
        sink.messages().into_iter().filter(|m| invited.iter().any(|e| m["rcpt_tos"] == json!([e]))).collect()
    };
    assert!(invitations().is_empty(), "no invitation was sent before the kill");

    // (The demo's own notices, written when it was seeded, go out too; they are not counted.)
    let _server = serve_demo_with(&data_dir, &url, &["--smtp-url", &smtp, "--outbox-poll-ms", "100"]);
    wait_until("every invitation arrived", async || invitations().len() >= invited.len()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = invitations();
    assert_eq!(received.len(), invited.len(), "each invitation arrives once");
    let recipients: BTreeSet<String> =
        received.iter().map(|m| m["rcpt_tos"][0].as_str().expect("rcpt").to_owned()).collect();
    assert_eq!(recipients, invited.iter().cloned().collect::<BTreeSet<_>>());
    // Each arrived as recorded: the Message-ID is its outbox row's, and the row is sent.
    let db = yui_store::Database::connect(&url, yui_store::PoolSettings::default()).expect("open the database");
    let recorded = all_outbox(&db);
    for message in &received {
        let to = message["rcpt_tos"][0].as_str().expect("rcpt");
        let row = recorded.iter().find(|m| m.recipient == to).expect("a recorded message");
        assert_eq!(message["message_id"], format!("<{}@localhost>", row.id));
        assert_eq!(row.status, Status::Sent);
        assert!(message["subject"].as_str().is_some_and(|s| s.contains("Yui")), "{message}");
        assert!(message["text"].as_str().is_some_and(|t| t.contains("/accept-invitation?token=")));
    }
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_messages_survive_kill_9_on_sqlite() {
    pending_messages_survive_kill_9(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_messages_survive_kill_9_on_postgres() {
    if postgres_url().is_some() {
        pending_messages_survive_kill_9(Engine::Postgres).await;
    }
}

/// Bad mail settings stop `yui serve` and `yui worker` before anything starts, with
/// a sentence saying what is wrong (never a panic).
#[test]
fn bad_mail_settings_are_a_clear_start_up_error() {
    let data_dir = std::env::temp_dir().join(format!("yui-mail-{}", uuid::Uuid::now_v7().simple()));
    let url = data_dir.join("yui.sqlite3").to_string_lossy().into_owned();
    let cases: [(&[&str], &str); 5] = [
        (&["serve", "--smtp-url", "http://mail.example:25"], "YUI_SMTP_URL must start with smtp:// or smtps://"),
        (&["serve", "--smtp-url", "smtp://"], "YUI_SMTP_URL is not a valid SMTP URL"),
        (&["serve", "--mail-from", "not an address"], "YUI_MAIL_FROM is not a valid mailbox"),
        (&["worker", "--mail-transport", "smtp"], "YUI_MAIL_TRANSPORT=smtp needs YUI_SMTP_URL"),
        (&["serve", "--app-url", "ftp://x"], "YUI_APP_URL must start with http:// or https://"),
    ];
    for (args, expected) in cases {
        let mut command = yui(&data_dir, &url);
        command.args(args);
        if args[0] == "serve" {
            command.args(["--bind", "127.0.0.1:0"]);
        }
        let output = command.output();
        let output = match output {
            Ok(output) => output,
            Err(error) => panic!("yui {args:?}: {error}"),
        };
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "yui {args:?} started");
        assert!(stderr.contains(expected), "yui {args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "yui {args:?} panicked: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&data_dir);
}

/// The dispatchers poll "is any e-mail or webhook delivery due?" once a second. On
/// PostgreSQL that poll must use its index even when the statistics were taken while
/// every row was still pending and nothing is pending now (a freshly seeded or bulk-
/// assigned centre, before autovacuum gets round to the table): a generic plan that
/// scans the whole outbox once a second per server cost the open-loop benchmark at a
/// million tasks its tail latency.
#[test]
fn polls_use_their_index_on_stale_statistics() {
    use diesel::{Connection, RunQueryDsl};

    #[derive(diesel::QueryableByName)]
    struct Scans {
        #[diesel(sql_type = diesel::sql_types::Text)]
        relname: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        seq_scan: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        idx_scan: i64,
    }
    if postgres_url().is_none() {
        return;
    }
    let database = TestDatabase::create(Engine::Postgres);
    let db = database.open();
    db.migrate().expect("migrate");
    let rows = 5_000;
    let stale = [
        // Test rows only: the references they carry need not exist.
        "SET LOCAL session_replication_role = replica".to_owned(),
        format!(
            "INSERT INTO outbox (id, channel, recipient, locale, template, data, status, attempts, next_attempt_at, created_at) \
             SELECT 'm' || g, 'email', 'p' || g || '@test.example', 'en', 'password_reset', repeat('x', 300), 'pending', 0, \
                    now() - interval '1 hour', now() FROM generate_series(1, {rows}) g"
        ),
        format!(
            "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at) \
             SELECT 'd' || g, 'endpoint', 'e' || g, 'task.created', repeat('x', 300), 'pending', 0, \
                    now() - interval '1 hour', now() FROM generate_series(1, {rows}) g"
        ),
    ];
    db.write(|conn| {
        for statement in &stale {
            diesel::sql_query(statement).execute(&mut *conn)?;
        }
        Ok::<_, yui_store::StoreError>(())
    })
    .expect("pending rows");
    db.write(|conn| {
        // Statistics of an all-pending outbox, then nothing pending, then the dead rows
        // vacuumed away (so what is left to measure is the plan, not dead tuples).
        diesel::sql_query("ANALYZE outbox, webhook_deliveries").execute(&mut *conn)?;
        diesel::sql_query("UPDATE outbox SET status = 'dropped'").execute(&mut *conn)?;
        diesel::sql_query("UPDATE webhook_deliveries SET status = 'failed'").execute(&mut *conn)?;
        Ok::<_, yui_store::StoreError>(())
    })
    .expect("stale statistics");
    let mut conn = diesel::PgConnection::establish(&database.url).expect("connect");
    diesel::sql_query("VACUUM outbox, webhook_deliveries").execute(&mut conn).expect("vacuum");
    let (before, after) = db
        .read(|conn| {
            // The counts include this connection's earlier work not yet reported, so
            // what counts is the difference the two polls make.
            let scans = |conn: &mut yui_store::DbConnection| {
                diesel::sql_query(
                    "SELECT relname::text AS relname, seq_scan, COALESCE(idx_scan, 0) AS idx_scan \
                     FROM pg_stat_xact_user_tables WHERE relname IN ('outbox', 'webhook_deliveries') ORDER BY relname",
                )
                .load::<Scans>(conn)
            };
            let before = scans(conn)?;
            // What a long-running server ends up with: one plan for every parameter value.
            diesel::sql_query("SET LOCAL plan_cache_mode = force_generic_plan").execute(&mut *conn)?;
            assert!(!outbox::any_due(conn)?, "no e-mail is due");
            assert!(!yui_store::webhooks::any_due(conn)?, "no delivery is due");
            Ok::<_, yui_store::StoreError>((before, scans(conn)?))
        })
        .expect("poll");
    assert_eq!(after.len(), 2);
    for (before, after) in before.iter().zip(&after) {
        assert_eq!(after.seq_scan - before.seq_scan, 0, "{}: the poll scanned the whole table", after.relname);
        assert_eq!(after.idx_scan - before.idx_scan, 1, "{}: the poll did not use its index", after.relname);
    }
}
