//! Webhooks, received by a real HTTP server that verifies each signature with the
//! official `standardwebhooks` library: subscribed events reach a centre's and a
//! client's endpoints with what each may read; failures are retried and logged; an
//! endpoint failing for three days is disabled and its owners are e-mailed; a
//! rotated secret signs beside the old one for a day; redelivery keeps the
//! `webhook-id`; unusable URLs and bad types are refused with nothing written.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yui_domain::{Role, Tenant};

use crate::flow::{call, cast, job_body, quote_body, tasks_body};
use crate::helpers::{TestApp, test_settings, wait_until};
use crate::on_both_engines;
use crate::receiver::{Receiver, body};
use crate::smtp::{dispatcher, quick_settings, run};

on_both_engines!(
    subscribed_events_reach_each_owner_as_it_may_see_them,
    failures_are_retried_logged_and_redelivered,
    an_endpoint_failing_for_three_days_is_disabled_and_its_owners_told,
    a_rotated_secret_signs_beside_the_old_one,
    unusable_endpoints_are_refused_and_nothing_is_written,
    two_senders_never_deliver_one_message_twice,
    a_centre_endpoint_disabled_tells_its_admins_and_directors,
);

/// Registers an endpoint; returns (id, secret).
async fn endpoint(app: &TestApp, token: &str, url: &str, types: &[&str]) -> (String, String) {
    let created = call(
        app,
        Method::POST,
        "/v1/webhook-endpoints",
        token,
        Some(json!({"url": url, "event_types": types})),
        StatusCode::CREATED,
    )
    .await;
    assert!(created["secret"].as_str().is_some_and(|s| s.starts_with("whsec_")), "{created}");
    (created["endpoint"]["id"].as_str().expect("id").to_owned(), created["secret"].as_str().expect("secret").to_owned())
}

async fn admin_of(app: &TestApp, center_id: &str) -> String {
    let center = yui_domain::CenterId::from(uuid::Uuid::parse_str(center_id).expect("uuid"));
    let admin = app.create_user(Tenant::Center(center), Role::Admin);
    app.token(&admin).await
}

async fn subscribed_events_reach_each_owner_as_it_may_see_them(app: TestApp) {
    let Some(receiver) = Receiver::start() else { return };
    let _dispatcher = run(dispatcher(app.db.clone(), "smtp://127.0.0.1:9", quick_settings()));
    let cast = cast(&app).await;
    let admin = admin_of(&app, &cast.center_id).await;
    let (centre_hook, centre_secret) =
        endpoint(&app, &admin, &receiver.url("/centre"), &["job.posted", "task.assigned"]).await;
    let (_, client_secret) =
        endpoint(&app, &cast.client, &receiver.url("/client"), &["job.quoted", "task.assigned"]).await;
    receiver.set_secrets(&[&centre_secret, &client_secret]);

    let job =
        call(&app, Method::POST, "/v1/jobs", &cast.client, Some(job_body(&cast.center_id)), StatusCode::CREATED).await;
    let job_id = job["id"].as_str().expect("id").to_owned();
    call(&app, Method::POST, &format!("/v1/jobs/{job_id}/post"), &cast.client, None, StatusCode::OK).await;
    call(&app, Method::POST, &format!("/v1/jobs/{job_id}/quote"), &cast.director, Some(quote_body()), StatusCode::OK)
        .await;
    call(&app, Method::POST, &format!("/v1/jobs/{job_id}/quote/approve"), &cast.client, None, StatusCode::OK).await;
    let tasks = call(
        &app,
        Method::POST,
        &format!("/v1/jobs/{job_id}/tasks"),
        &cast.director,
        Some(tasks_body(1)),
        StatusCode::CREATED,
    )
    .await;
    let task = tasks[0]["id"].as_str().expect("id").to_owned();
    let worker = cast.workers[0].0.id.to_string();
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{task}/assign"),
        &cast.director,
        Some(json!({"worker_id": worker})),
        StatusCode::OK,
    )
    .await;

    let centre = receiver.wait_for("/centre", 2).await;
    let client = receiver.wait_for("/client", 1).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.to("/centre").len(), 2, "only the subscribed types");
    assert_eq!(receiver.to("/client").len(), 1, "a client's endpoint never gets task events");
    let types: Vec<Value> = centre.iter().map(|r| body(r)["type"].clone()).collect();
    assert_eq!(types, [json!("job.posted"), json!("task.assigned")]);
    for request in &centre {
        assert_eq!(request["verified_with"], json!([0]), "signed with the centre's secret: {request:#}");
        assert!(request["headers"]["webhook-id"].is_string() && request["headers"]["webhook-timestamp"].is_string());
        assert_eq!(request["headers"]["content-type"], "application/json");
    }
    assert_eq!(client[0]["verified_with"], json!([1]), "signed with the client's own secret");
    let quoted = body(&client[0]);
    assert_eq!(quoted["type"], "job.quoted");
    assert!(quoted["data"]["actor_id"].is_null(), "a client's endpoint learns no actor");
    assert!(!client[0]["body"].as_str().expect("body").contains(&worker));

    // Each body is the event as the owner's feed shows it.
    let feed = call(&app, Method::GET, "/v1/events", &cast.director, None, StatusCode::OK).await;
    let assigned = body(&centre[1]);
    let in_feed =
        feed["items"].as_array().expect("items").iter().find(|e| e["id"] == assigned["id"]).expect("in the feed");
    assert_eq!(&assigned, in_feed);
    let client_feed = call(&app, Method::GET, "/v1/events", &cast.client, None, StatusCode::OK).await;
    assert!(client_feed["items"].as_array().expect("items").contains(&quoted));

    let log = call(
        &app,
        Method::GET,
        &format!("/v1/webhook-endpoints/{centre_hook}/deliveries"),
        &admin,
        None,
        StatusCode::OK,
    )
    .await;
    let entries = log["items"].as_array().expect("items");
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|d| d["status"] == "delivered" && d["attempts"][0]["status_code"] == 204));
}

async fn failures_are_retried_logged_and_redelivered(app: TestApp) {
    let Some(receiver) = Receiver::start() else { return };
    let _dispatcher = run(dispatcher(app.db.clone(), "smtp://127.0.0.1:9", quick_settings()));
    let center = app.create_center("kado");
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let token = app.token(&admin).await;
    let (hook, secret) = endpoint(&app, &token, &receiver.url("/hook"), &["job.posted"]).await;
    receiver.set_secrets(&[&secret]);
    receiver.answer(Some(500));
    let test =
        call(&app, Method::POST, &format!("/v1/webhook-endpoints/{hook}/test"), &token, None, StatusCode::ACCEPTED)
            .await;
    let delivery = test["delivery_id"].as_str().expect("delivery").to_owned();
    receiver.wait_for("/hook", 2).await;
    receiver.answer(None);
    let log_path = format!("/v1/webhook-endpoints/{hook}/deliveries");
    wait_until("delivered", async || {
        let log = call(&app, Method::GET, &log_path, &token, None, StatusCode::OK).await;
        log["items"][0]["status"] == "delivered"
    })
    .await;
    let log = call(&app, Method::GET, &log_path, &token, None, StatusCode::OK).await;
    let entry = &log["items"][0];
    assert_eq!(entry["id"], delivery.as_str());
    assert_eq!(entry["event_type"], "webhook.test");
    let attempts = entry["attempts"].as_array().expect("attempts");
    assert!(attempts.len() >= 3, "{entry:#}");
    assert_eq!(attempts[0]["status_code"], 500);
    assert_eq!(attempts[0]["response_excerpt"], "receiver says no");
    assert_eq!(attempts.last().expect("last")["status_code"], 204);
    let requests = receiver.to("/hook");
    assert!(requests.iter().all(|r| r["headers"]["webhook-id"] == delivery.as_str()), "one id on every retry");
    assert!(requests.iter().all(|r| r["verified_with"] == json!([0])));
    assert_eq!(body(&requests[0])["data"]["endpoint_id"], hook.as_str());

    // Redelivery: the same message again, with the same id.
    let before = receiver.to("/hook").len();
    let path = format!("/v1/webhook-endpoints/{hook}/deliveries/{delivery}/redeliver");
    call(&app, Method::POST, &path, &token, None, StatusCode::ACCEPTED).await;
    let again = receiver.wait_for("/hook", before + 1).await;
    assert_eq!(again[before]["headers"]["webhook-id"], delivery.as_str());
    assert_eq!(again[before]["body"], again[0]["body"]);
    let missing = format!("/v1/webhook-endpoints/{hook}/deliveries/{}/redeliver", uuid::Uuid::now_v7());
    app.post(&missing, Some(&token), json!({})).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
}

async fn an_endpoint_failing_for_three_days_is_disabled_and_its_owners_told(app: TestApp) {
    let Some(receiver) = Receiver::start() else { return };
    let _dispatcher = run(dispatcher(app.db.clone(), "smtp://127.0.0.1:9", quick_settings()));
    let org = app.create_organization("Azumino Farms");
    let client = app.create_user(Tenant::Organization(org), Role::Client);
    let colleague = app.create_user(Tenant::Organization(org), Role::Client);
    let token = app.token(&client).await;
    let (hook, _) = endpoint(&app, &token, &receiver.url("/hook"), &["job.quoted"]).await;
    receiver.answer(Some(503));
    call(&app, Method::POST, &format!("/v1/webhook-endpoints/{hook}/test"), &token, None, StatusCode::ACCEPTED).await;
    let read = format!("/v1/webhook-endpoints/{hook}");
    wait_until("it is failing", async || {
        call(&app, Method::GET, &read, &token, None, StatusCode::OK).await["failing_since"].is_string()
    })
    .await;
    // Three days pass (the clock is moved by ageing the streak).
    let mut conn = app.db.connection().expect("connection");
    diesel::RunQueryDsl::execute(
        diesel::sql_query(
            "UPDATE webhook_endpoints SET failing_since = '2000-01-01 00:00:00' WHERE failing_since IS NOT NULL",
        ),
        &mut *conn,
    )
    .expect("age the failures");
    drop(conn);
    wait_until("it is disabled", async || {
        call(&app, Method::GET, &read, &token, None, StatusCode::OK).await["enabled"] == false
    })
    .await;
    let endpoint = call(&app, Method::GET, &read, &token, None, StatusCode::OK).await;
    assert!(endpoint["disabled_reason"].as_str().is_some_and(|r| r.contains("three days")), "{endpoint}");
    for owner in [&client, &colleague] {
        let mails = app.outbox_messages(&owner.email);
        assert!(mails.iter().any(|m| m.template.as_str() == "endpoint_disabled"), "{} is told", owner.email);
    }
    // Nothing more is sent while it is off; turning it on forgets the failures.
    receiver.answer(None);
    let count = receiver.to("/hook").len();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.to("/hook").len(), count);
    let on = call(&app, Method::PATCH, &read, &token, Some(json!({"enabled": true})), StatusCode::OK).await;
    assert_eq!(on["enabled"], true);
    assert!(on["failing_since"].is_null() && on["disabled_reason"].is_null());
}

async fn a_rotated_secret_signs_beside_the_old_one(app: TestApp) {
    let Some(receiver) = Receiver::start() else { return };
    let _dispatcher = run(dispatcher(app.db.clone(), "smtp://127.0.0.1:9", quick_settings()));
    let center = app.create_center("kado");
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let token = app.token(&admin).await;
    let (hook, old) = endpoint(&app, &token, &receiver.url("/hook"), &["job.posted"]).await;
    let rotated =
        call(&app, Method::POST, &format!("/v1/webhook-endpoints/{hook}/rotate-secret"), &token, None, StatusCode::OK)
            .await;
    let new = rotated["secret"].as_str().expect("secret").to_owned();
    assert_ne!(new, old);
    let until = chrono::DateTime::parse_from_rfc3339(rotated["previous_secret_valid_until"].as_str().expect("until"))
        .expect("time");
    let hours = (until.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes();
    assert!((23 * 60..=24 * 60).contains(&hours), "{hours} minutes of overlap");
    receiver.set_secrets(&[&old, &new]);
    call(&app, Method::POST, &format!("/v1/webhook-endpoints/{hook}/test"), &token, None, StatusCode::ACCEPTED).await;
    let request = &receiver.wait_for("/hook", 1).await[0];
    assert_eq!(request["verified_with"], json!([0, 1]), "both secrets verify during the overlap");
    assert_eq!(request["headers"]["webhook-signature"].as_str().expect("signature").split(' ').count(), 2);
    // After the overlap only the new secret signs.
    let mut conn = app.db.connection().expect("connection");
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE webhook_endpoints SET previous_secret_until = '2000-01-01 00:00:00'"),
        &mut *conn,
    )
    .expect("end the overlap");
    drop(conn);
    call(&app, Method::POST, &format!("/v1/webhook-endpoints/{hook}/test"), &token, None, StatusCode::ACCEPTED).await;
    let request = &receiver.wait_for("/hook", 2).await[1];
    assert_eq!(request["verified_with"], json!([1]));
}

async fn unusable_endpoints_are_refused_and_nothing_is_written(app: TestApp) {
    // This server, like production, refuses private addresses.
    let mut settings = test_settings();
    settings.webhook_allow_private = false;
    let strict = TestApp::spawn_with(app.engine, settings).await;
    let center = strict.create_center("kado");
    let admin = strict.create_user(Tenant::Center(center.id), Role::Admin);
    let director = strict.create_user(Tenant::Center(center.id), Role::Director);
    let token = strict.token(&admin).await;
    let directors = strict.token(&director).await;
    let before = strict.row_counts();
    for (url, why) in [
        ("http://127.0.0.1:8080/hook", "loopback"),
        ("http://10.0.0.5/hook", "private"),
        ("http://169.254.169.254/latest/meta-data", "cloud metadata"),
        ("http://[::1]/hook", "IPv6 loopback"),
        ("http://localhost/hook", "a name for loopback"),
        ("ftp://partner.example/hook", "not HTTP"),
        ("https://user:pass@partner.example/hook", "credentials"),
        ("not a url", "not a URL"),
    ] {
        let reply = strict
            .post("/v1/webhook-endpoints", Some(&token), json!({"url": url, "event_types": ["job.posted"]}))
            .await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(reply.body["errors"][0]["field"], "url", "{why}: {}", reply.body);
    }
    strict
        .post(
            "/v1/webhook-endpoints",
            Some(&token),
            json!({"url": "https://partner.example/h", "event_types": ["job.eaten"]}),
        )
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "malformed_body");
    strict
        .post("/v1/webhook-endpoints", Some(&token), json!({"url": "https://partner.example/h", "event_types": []}))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let twice = json!({"url": "http://10.0.0.5/h", "event_types": ["job.posted", "job.posted"]});
    strict
        .post("/v1/webhook-endpoints", Some(&token), twice)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    strict
        .post(
            "/v1/webhook-endpoints",
            Some(&directors),
            json!({"url": "https://partner.example/h", "event_types": ["job.posted"]}),
        )
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(strict.row_counts(), before, "nothing written");

    // Another tenant's endpoint does not exist for you.
    let Some(receiver) = Receiver::start() else { return };
    let app_admin = app.create_user(Tenant::Center(app.create_center("hoshi").id), Role::Admin);
    let theirs = app.token(&app_admin).await;
    let (hook, _) = endpoint(&app, &theirs, &receiver.url("/h"), &["job.posted"]).await;
    let other_org = app.create_organization("Elsewhere");
    let stranger = app.token(&app.create_user(Tenant::Organization(other_org), Role::Client)).await;
    app.get(&format!("/v1/webhook-endpoints/{hook}"), Some(&stranger))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    let deleted = app.request(Method::DELETE, &format!("/v1/webhook-endpoints/{hook}"), Some(&stranger), None).await;
    deleted.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let gone = app.request(Method::DELETE, &format!("/v1/webhook-endpoints/{hook}"), Some(&theirs), None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
}

/// `kill -9` of a server with deliveries pending; after a restart every one arrives,
/// signed, once.
async fn pending_deliveries_survive_kill_9(engine: crate::helpers::Engine) {
    let Some(receiver) = Receiver::start() else { return };
    let database = crate::helpers::TestDatabase::create(engine);
    let data_dir = std::env::temp_dir().join(format!("yui-hook-kill-{}", uuid::Uuid::now_v7().simple()));
    let url = match engine {
        crate::helpers::Engine::Sqlite => data_dir.join("yui.sqlite3").to_string_lossy().into_owned(),
        crate::helpers::Engine::Postgres => database.url.clone(),
    };
    // The first server only records (its dispatcher is off), so every delivery is
    // surely pending when it is killed; dying mid-send is the lease test's part.
    let first = ["--webhook-allow-private", "--mail-transport", "off", "--dispatcher", "false"];
    let server = crate::binary::serve_demo_with(&data_dir, &url, &first);
    let client = reqwest::Client::new();
    let admin = crate::binary::login(&client, &server, "admin@kado.example").await;
    let created = client
        .post(format!("{}/v1/webhook-endpoints", server.address))
        .bearer_auth(&admin)
        .json(&json!({"url": receiver.url("/hook"), "event_types": ["job.posted"]}))
        .send()
        .await
        .expect("create");
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.expect("json");
    let hook = created["endpoint"]["id"].as_str().expect("id").to_owned();
    receiver.set_secrets(&[created["secret"].as_str().expect("secret")]);
    let mut sent = Vec::new();
    for _ in 0..5 {
        let reply = client
            .post(format!("{}/v1/webhook-endpoints/{hook}/test", server.address))
            .bearer_auth(&admin)
            .send()
            .await
            .expect("test");
        assert_eq!(reply.status(), StatusCode::ACCEPTED);
        sent.push(reply.json::<Value>().await.expect("json")["delivery_id"].as_str().expect("id").to_owned());
    }
    server.kill_9();
    assert!(receiver.to("/hook").is_empty(), "nothing was sent before the kill");

    let second = ["--webhook-allow-private", "--mail-transport", "off", "--outbox-poll-ms", "100"];
    let _server = crate::binary::serve_demo_with(&data_dir, &url, &second);
    let received = receiver.wait_for("/hook", sent.len()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.to("/hook").len(), sent.len(), "each once");
    let mut ids: Vec<String> =
        received.iter().map(|r| r["headers"]["webhook-id"].as_str().expect("id").to_owned()).collect();
    ids.sort();
    sent.sort();
    assert_eq!(ids, sent, "the deliveries recorded before the kill");
    assert!(received.iter().all(|r| r["verified_with"] == json!([0])));
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_deliveries_survive_kill_9_on_sqlite() {
    pending_deliveries_survive_kill_9(crate::helpers::Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_deliveries_survive_kill_9_on_postgres() {
    if crate::helpers::postgres_url().is_some() {
        pending_deliveries_survive_kill_9(crate::helpers::Engine::Postgres).await;
    }
}

/// Two dispatchers on two pools share the webhook queue: every delivery once.
async fn two_senders_never_deliver_one_message_twice(app: TestApp) {
    let Some(receiver) = Receiver::start() else { return };
    let center = app.create_center("kado");
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let token = app.token(&admin).await;
    let (hook, secret) = endpoint(&app, &token, &receiver.url("/hook"), &["job.posted"]).await;
    receiver.set_secrets(&[&secret]);
    let settings = yui_notify::DispatchSettings { batch_size: 5, ..quick_settings() };
    let _first = run(dispatcher(app.db.clone(), "smtp://127.0.0.1:9", settings.clone()));
    let _second = run(dispatcher(app.second_pool(), "smtp://127.0.0.1:9", settings));
    for _ in 0..60 {
        call(&app, Method::POST, &format!("/v1/webhook-endpoints/{hook}/test"), &token, None, StatusCode::ACCEPTED)
            .await;
    }
    receiver.wait_for("/hook", 60).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = receiver.to("/hook");
    let mut ids: Vec<&str> = received.iter().map(|r| r["headers"]["webhook-id"].as_str().expect("id")).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((received.len(), ids.len()), (60, 60), "each delivery exactly once");
}

async fn a_centre_endpoint_disabled_tells_its_admins_and_directors(app: TestApp) {
    let Some(receiver) = Receiver::start() else { return };
    let _dispatcher = run(dispatcher(app.db.clone(), "smtp://127.0.0.1:9", quick_settings()));
    let center = app.create_center("kado");
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let director = app.create_user(Tenant::Center(center.id), Role::Director);
    let worker = app.create_user(Tenant::Center(center.id), Role::Worker);
    let token = app.token(&admin).await;
    let (hook, _) = endpoint(&app, &token, &receiver.url("/hook"), &["job.posted"]).await;
    receiver.answer(Some(500));
    // Failing for three days already (the clock is moved by ageing the streak).
    call(&app, Method::POST, &format!("/v1/webhook-endpoints/{hook}/test"), &token, None, StatusCode::ACCEPTED).await;
    receiver.wait_for("/hook", 1).await;
    let mut conn = app.db.connection().expect("connection");
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE webhook_endpoints SET failing_since = '2000-01-01 00:00:00'"),
        &mut *conn,
    )
    .expect("age the failures");
    drop(conn);
    let read = format!("/v1/webhook-endpoints/{hook}");
    wait_until("it is disabled", async || {
        call(&app, Method::GET, &read, &token, None, StatusCode::OK).await["enabled"] == false
    })
    .await;
    for staff in [&admin, &director] {
        assert!(
            app.outbox_messages(&staff.email).iter().any(|m| m.template.as_str() == "endpoint_disabled"),
            "{}",
            staff.email
        );
    }
    assert!(app.outbox_messages(&worker.email).is_empty(), "workers are not told");
}
