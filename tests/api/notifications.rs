//! Notices by e-mail, through a real SMTP server: who is told what, in which
//! language, with text and HTML parts; preferences that turn a notice off or into a
//! daily digest; and a refused request that tells nobody anything.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yui_domain::{Role, Tenant};

use crate::flow::{Cast, call, cast, job_body, quote_body, tasks_body};
use crate::helpers::TestApp;
use crate::on_both_engines;
use crate::smtp::SinkOptions;

on_both_engines!(
    each_person_is_told_in_their_language,
    a_released_task_is_announced_to_the_rest_of_its_team,
    every_message_arrives_in_both_languages,
    preferences_turn_notices_off_or_into_a_daily_digest,
    a_refused_request_tells_nobody,
);

/// Checks one received e-mail: envelope and headers, both parts, the language.
pub fn assert_message(message: &Value, to: &str, lang: &str, in_subject: &[&str], in_body: &[&str]) {
    assert_eq!(message["rcpt_tos"], json!([to]), "{message:#}");
    assert!(message["from"].as_str().is_some_and(|f| f.contains("yui@kado.example")), "{message:#}");
    assert_eq!(message["content_type"], "multipart/alternative");
    assert_eq!(message["parts"], json!(["text/plain", "text/html"]));
    let id = message["message_id"].as_str().expect("a Message-ID");
    assert!(id.starts_with('<') && id.ends_with("@kado.example>"), "{id}");
    let subject = message["subject"].as_str().expect("subject");
    for needle in in_subject {
        assert!(subject.contains(needle), "subject {subject:?} lacks {needle:?}");
    }
    let (text, html) = (message["text"].as_str().expect("text"), message["html"].as_str().expect("html"));
    for needle in in_body {
        assert!(text.contains(needle), "text lacks {needle:?}:\n{text}");
        let escaped = needle.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        assert!(html.contains(&escaped), "html lacks {needle:?}:\n{html}");
    }
    assert!(html.contains(&format!("lang=\"{lang}\"")), "html is not in {lang}");
    if lang == "ja" {
        assert!(text.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)), "no kana in a Japanese message:\n{text}");
    } else {
        assert!(
            text.is_ascii() || !text.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
            "kana in English:\n{text}"
        );
    }
}

async fn email_of(app: &TestApp, token: &str) -> String {
    let me = call(app, Method::GET, "/v1/me", token, None, StatusCode::OK).await;
    me["user"]["email"].as_str().expect("email").to_owned()
}

/// The flow of one job, from posting to completion, told to everyone it concerns.
async fn each_person_is_told_in_their_language(app: TestApp) {
    let Some((sink, _dispatcher)) = app.with_mail(SinkOptions::default()) else { return };
    let cast: Cast = cast(&app).await;
    let (client, director) = (email_of(&app, &cast.client).await, email_of(&app, &cast.director).await);
    let other_director = email_of(&app, &cast.other_director).await;
    let (worker, worker_token) = (&cast.workers[0].0, cast.workers[0].1.clone());
    // The worker reads Japanese; everyone else English.
    let me = call(&app, Method::PATCH, "/v1/me", &worker_token, Some(json!({"locale": "ja"})), StatusCode::OK).await;
    assert_eq!(me["user"]["locale"], "ja");

    let job =
        call(&app, Method::POST, "/v1/jobs", &cast.client, Some(job_body(&cast.center_id)), StatusCode::CREATED).await;
    let job_id = job["id"].as_str().expect("id").to_owned();
    call(&app, Method::POST, &format!("/v1/jobs/{job_id}/post"), &cast.client, None, StatusCode::OK).await;
    for to in [&director, &other_director] {
        let posted = sink.wait_to(to, "Annotate street photos").await;
        assert_message(
            &posted,
            to,
            "en",
            &["Annotate street photos"],
            &["Annotate street photos", &format!("https://app.yui.example/v1/jobs/{job_id}")],
        );
    }
    assert!(sink.to(&client).is_empty(), "the client who posted is not told of their own act");

    call(&app, Method::POST, &format!("/v1/jobs/{job_id}/quote"), &cast.director, Some(quote_body()), StatusCode::OK)
        .await;
    let quoted = sink.wait_to(&client, "Annotate street photos").await;
    assert_message(&quoted, &client, "en", &["Annotate street photos"], &["¥450,000"]);
    call(&app, Method::POST, &format!("/v1/jobs/{job_id}/quote/approve"), &cast.client, None, StatusCode::OK).await;

    let tasks = call(
        &app,
        Method::POST,
        &format!("/v1/jobs/{job_id}/tasks"),
        &cast.director,
        Some(tasks_body(2)),
        StatusCode::CREATED,
    )
    .await;
    let task = tasks[0]["id"].as_str().expect("task id").to_owned();
    let title = tasks[0]["title"].as_str().expect("title").to_owned();
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{task}/assign"),
        &cast.director,
        Some(json!({"worker_id": worker.id.to_string()})),
        StatusCode::OK,
    )
    .await;
    let assigned = sink.wait_to(&worker.email, &title).await;
    assert_message(
        &assigned,
        &worker.email,
        "ja",
        &["割り当て", &title],
        &[&title, "Annotate street photos", &format!("https://app.yui.example/v1/tasks/{task}")],
    );

    call(&app, Method::POST, &format!("/v1/tasks/{task}/start"), &worker_token, None, StatusCode::OK).await;
    let v1 = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{task}/submissions"),
        &worker_token,
        Some(json!({"result_text": "first try"})),
        StatusCode::CREATED,
    )
    .await;
    call(&app, Method::POST, &format!("/v1/tasks/{task}/review"), &cast.director,
        Some(json!({"submission_id": v1["id"], "decision": "request_changes", "comment": "Signs <behind> trees & poles are missing."})),
        StatusCode::OK).await;
    let changes = sink.wait_to(&worker.email, "修正").await;
    assert_message(&changes, &worker.email, "ja", &[&title], &["Signs <behind> trees & poles are missing."]);

    let v2 = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{task}/submissions"),
        &worker_token,
        Some(json!({"result_text": "second try"})),
        StatusCode::CREATED,
    )
    .await;
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{task}/review"),
        &cast.director,
        Some(json!({"submission_id": v2["id"], "decision": "approve"})),
        StatusCode::OK,
    )
    .await;
    let delivery = call(
        &app,
        Method::POST,
        &format!("/v1/jobs/{job_id}/deliveries"),
        &cast.director,
        Some(json!({"task_ids": [task], "note": "The first part"})),
        StatusCode::CREATED,
    )
    .await;
    let ready = sink.wait_to(&client, "Delivery ready").await;
    assert_message(&ready, &client, "en", &["Annotate street photos"], &["Annotate street photos"]);
    let delivery_id = delivery["id"].as_str().expect("id");
    call(&app, Method::POST, &format!("/v1/deliveries/{delivery_id}/accept"), &cast.client, None, StatusCode::OK).await;
    // The director cancels the last open task: the job completes, and its client is told.
    let other = tasks[1]["id"].as_str().expect("task id").to_owned();
    call(&app, Method::POST, &format!("/v1/tasks/{other}/cancel"), &cast.director, None, StatusCode::OK).await;
    let completed = sink.wait_to(&client, "Job complete").await;
    assert_message(&completed, &client, "en", &["Annotate street photos"], &["Annotate street photos"]);

    // Nothing reached anyone it does not concern: workers never get client mail and
    // the client never sees a worker's name.
    for message in sink.to(&client) {
        assert!(!message["text"].as_str().unwrap_or_default().contains(&worker.email));
    }
    for (other_worker, _) in &cast.workers[1..] {
        assert!(
            sink.to(&other_worker.email).is_empty(),
            "{} was told about work that is not theirs",
            other_worker.email
        );
    }
    let outbox = app.outbox_messages(&worker.email);
    assert!(outbox.iter().all(|m| m.status == yui_store::outbox::Status::Sent), "{outbox:#?}");
}

/// A worker turns `changes_requested` off and takes `task_assigned` as a daily
/// digest: assignments wait for the digest, sent-back work is not mailed at all.
async fn preferences_turn_notices_off_or_into_a_daily_digest(app: TestApp) {
    let Some((sink, _dispatcher)) = app.with_mail(SinkOptions::default()) else { return };
    let cast = cast(&app).await;
    let (worker, worker_token) = (&cast.workers[0].0, cast.workers[0].1.clone());
    let defaults =
        call(&app, Method::GET, "/v1/me/notification-preferences", &worker_token, None, StatusCode::OK).await;
    assert_eq!(defaults["items"].as_array().expect("items").len(), 13);
    assert!(
        defaults["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|p| p["enabled"] == true && p["delivery"] == "immediately")
    );

    // Bad input changes nothing.
    let before = app.row_counts();
    for (body, status) in [
        (
            json!({"items": [{"kind": "task_eaten", "enabled": true, "delivery": "immediately"}]}),
            StatusCode::BAD_REQUEST,
        ),
        (json!({"items": [{"kind": "task_assigned", "enabled": true, "delivery": "weekly"}]}), StatusCode::BAD_REQUEST),
        (json!({"items": []}), StatusCode::UNPROCESSABLE_ENTITY),
        (
            json!({"items": [{"kind": "task_assigned", "enabled": true, "delivery": "immediately"},
                          {"kind": "task_assigned", "enabled": false, "delivery": "immediately"}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let reply =
            app.request(Method::PUT, "/v1/me/notification-preferences", Some(&worker_token), Some(body.clone())).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        assert_eq!(reply.content_type, "application/problem+json");
    }
    let bad_locale = app.request(Method::PATCH, "/v1/me", Some(&worker_token), Some(json!({"locale": "fr"}))).await;
    assert_eq!(bad_locale.status, StatusCode::BAD_REQUEST, "{}", bad_locale.body);
    assert_eq!(app.row_counts(), before);

    let saved = call(
        &app,
        Method::PUT,
        "/v1/me/notification-preferences",
        &worker_token,
        Some(json!({"items": [
            {"kind": "task_assigned", "enabled": true, "delivery": "daily_digest"},
            {"kind": "changes_requested", "enabled": false, "delivery": "immediately"},
        ]})),
        StatusCode::OK,
    )
    .await;
    let choice = |kind: &str| {
        saved["items"].as_array().expect("items").iter().find(|p| p["kind"] == kind).cloned().expect("kind")
    };
    assert_eq!(choice("task_assigned")["delivery"], "daily_digest");
    assert_eq!(choice("changes_requested")["enabled"], false);
    assert_eq!(choice("task_released")["enabled"], true);

    let job = crate::flow::active_job(&app, &cast).await;
    let tasks = call(
        &app,
        Method::POST,
        &format!("/v1/jobs/{job}/tasks"),
        &cast.director,
        Some(tasks_body(2)),
        StatusCode::CREATED,
    )
    .await;
    let mut titles = Vec::new();
    for item in tasks.as_array().expect("items") {
        let id = item["id"].as_str().expect("id");
        titles.push(item["title"].as_str().expect("title").to_owned());
        call(
            &app,
            Method::POST,
            &format!("/v1/tasks/{id}/assign"),
            &cast.director,
            Some(json!({"worker_id": worker.id.to_string()})),
            StatusCode::OK,
        )
        .await;
    }
    let first = tasks[0]["id"].as_str().expect("id");
    call(&app, Method::POST, &format!("/v1/tasks/{first}/start"), &worker_token, None, StatusCode::OK).await;
    let v1 = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{first}/submissions"),
        &worker_token,
        Some(json!({"result_text": "done"})),
        StatusCode::CREATED,
    )
    .await;
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{first}/review"),
        &cast.director,
        Some(json!({"submission_id": v1["id"], "decision": "request_changes", "comment": "Again"})),
        StatusCode::OK,
    )
    .await;

    // Give the dispatcher time to send anything it (wrongly) would.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(sink.to(&worker.email).is_empty(), "nothing is mailed at once: {:#?}", sink.to(&worker.email));
    let held: Vec<_> = app.outbox_messages(&worker.email);
    assert_eq!(held.len(), 2, "two assignments held, no changes_requested written: {held:#?}");
    assert!(held.iter().all(|m| m.status == yui_store::outbox::Status::Held));

    assert_eq!(yui_notify::housekeeping::send_digests(&app.db).expect("digests"), 1);
    let digest = sink.wait_to(&worker.email, "").await;
    assert_message(&digest, &worker.email, "en", &[], &[&titles[0], &titles[1]]);
    assert_eq!(sink.to(&worker.email).len(), 1, "one digest, not one e-mail per notice");
    assert_eq!(yui_notify::housekeeping::send_digests(&app.db).expect("digests"), 0, "nothing left to digest");
}

/// A request that is refused writes no message, so nobody is told of a change that
/// did not happen.
async fn a_refused_request_tells_nobody(app: TestApp) {
    let Some((sink, _dispatcher)) = app.with_mail(SinkOptions::default()) else { return };
    let center = app.create_center("hoshi");
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let taken = app.create_user(Tenant::Center(center.id), Role::Worker);
    let token = app.token(&admin).await;
    let before = app.row_counts();
    app.post("/v1/invitations", Some(&token), json!({"email": taken.email, "role": "worker"}))
        .await
        .assert_problem(StatusCode::CONFLICT, "email_taken");
    app.post("/v1/invitations", Some(&token), json!({"email": "new@kado.example", "role": "client"}))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    app.post("/v1/invitations", Some(&token), json!({"email": "new@kado.example", "role": "worker", "locale": "de"}))
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "malformed_body");
    assert_eq!(app.row_counts(), before, "no outbox row for a refused request");

    let cast = cast(&app).await;
    let job =
        call(&app, Method::POST, "/v1/jobs", &cast.client, Some(job_body(&cast.center_id)), StatusCode::CREATED).await;
    let id = job["id"].as_str().expect("id");
    // Quoting a draft is refused: the directors hear nothing of it.
    let before = app.row_counts();
    let refused =
        app.request(Method::POST, &format!("/v1/jobs/{id}/quote"), Some(&cast.director), Some(quote_body())).await;
    assert!(refused.status.is_client_error(), "{}", refused.body);
    assert_eq!(app.row_counts(), before);

    // The one accepted invitation afterwards is the only message sent.
    app.post("/v1/invitations", Some(&token), json!({"email": "new@kado.example", "role": "worker"})).await;
    sink.wait_for(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let all = sink.messages();
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["rcpt_tos"], json!(["new@kado.example"]));
}

/// A worker hands a task back to the team's queue: the other members hear of it,
/// with the hand-off note; the worker who released it does not.
async fn a_released_task_is_announced_to_the_rest_of_its_team(app: TestApp) {
    let Some((sink, _dispatcher)) = app.with_mail(SinkOptions::default()) else { return };
    let cast = cast(&app).await;
    let team = crate::workforce::team_of_three(&app, &cast, false).await;
    let job = crate::flow::active_job(&app, &cast).await;
    let ids = crate::workforce::tasks_for(
        &app,
        &cast.director,
        &job,
        vec![crate::workforce::task("Route 19, km 1", 90, 10, None)],
    )
    .await;
    let id = &ids[0];
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{id}/queue-for-team"),
        &cast.director,
        Some(json!({"team_id": team})),
        StatusCode::OK,
    )
    .await;
    let (holder, holder_token) = (&cast.workers[0].0, &cast.workers[0].1);
    call(&app, Method::POST, &format!("/v1/tasks/{id}/claim"), holder_token, None, StatusCode::OK).await;
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{id}/release"),
        holder_token,
        Some(json!({"note": "km 1 half done; the tunnel is left"})),
        StatusCode::OK,
    )
    .await;
    for (teammate, _) in &cast.workers[1..] {
        let mail = sink.wait_to(&teammate.email, "Route 19, km 1").await;
        assert_message(
            &mail,
            &teammate.email,
            "en",
            &["Route 19, km 1"],
            &["km 1 half done; the tunnel is left", "Test User"],
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(sink.to(&holder.email).is_empty(), "the worker who released it is not told");
}

/// Every message, in Japanese and in English, through the real SMTP server: the
/// values a message carries are in its subject or body, both parts are there, and
/// each language reads as itself.
async fn every_message_arrives_in_both_languages(app: TestApp) {
    let Some((sink, _dispatcher)) = app.with_mail(SinkOptions::default()) else { return };
    let data = json!({
        "recipient_name": "Hana Suzuki", "inviter_name": "Keiko Ito", "tenant_name": "Shiojiri KADO",
        "role": "worker", "job_title": "Annotate street photos", "task_title": "Photos 1–20",
        "center_name": "Shiojiri KADO", "organization_name": "Shiojiri Map Works", "actor_name": "Daichi Mori",
        "assignee_name": "Aya Kobayashi", "comment": "Signs behind trees", "note": "Half done", "reason": "time",
        "amount_minor": 450_000, "currency": "JPY", "task_count": 3, "time_zone": "Asia/Tokyo",
        "due_at": "2026-12-01T08:00:00+00:00", "job_due_at": "2026-12-20T08:00:00+00:00",
        "expires_at": "2026-12-01T09:00:00+00:00", "path": "/v1/tasks/0193",
        "endpoint_url": "https://portal.example/hooks", "period": "2026-11",
        "items": [{"template": "task_assigned", "data": {"task_title": "Photos 1–20", "recipient_name": "Hana Suzuki",
            "job_title": "Annotate street photos", "center_name": "Shiojiri KADO", "organization_name": "",
            "actor_name": "", "assignee_name": "", "comment": "", "note": "", "reason": "",
            "due_at": "2026-12-01T08:00:00+00:00", "job_due_at": "2026-12-20T08:00:00+00:00", "path": "/v1/tasks/0193"}}],
    });
    let mut data = data;
    data["invoice_number"] = json!("000001");
    data["due_on"] = json!("2026-12-31");
    data["billed_for"] = json!("Annotate street photos");
    data["paid_on"] = json!("2026-12-20");
    data["minutes"] = json!(50);
    let mut expected = Vec::new();
    for template in yui_domain::Template::all() {
        for locale in yui_domain::Locale::ALL {
            let to = format!("{}-{}@test.example", template.as_str(), locale.as_str());
            expected.push((template, locale, to.clone()));
            let message = yui_store::outbox::NewMessage {
                recipient_user: None,
                recipient: to,
                locale,
                template,
                data: data.clone(),
                held: false,
            };
            app.db.write(|conn| yui_store::outbox::enqueue(conn, std::slice::from_ref(&message))).expect("enqueue");
        }
    }
    sink.wait_for(expected.len()).await;
    for (template, locale, to) in expected {
        let mail = sink.to(&to).pop().unwrap_or_else(|| panic!("nothing for {to}"));
        let lang = locale.as_str();
        let (subject, text) = (mail["subject"].as_str().expect("subject"), mail["text"].as_str().expect("text"));
        // A value the message is about shows in it: the task, the job, the inviter, the
        // recipient, the date in the recipient's language.
        let date = if locale == yui_domain::Locale::Ja { "2026年12月1日" } else { "1 December 2026" };
        let about: &[&str] = match template.as_str() {
            "invitation" => &["Keiko Ito", "Shiojiri KADO", date],
            "verify_email" | "password_reset" => &["Hana Suzuki", date],
            "digest" => &["Hana Suzuki", "Photos 1–20"],
            "quote_sent" => &["Annotate street photos", "¥450,000"],
            "delivery_ready" | "job_completed" | "job_posted" => &["Annotate street photos"],
            "endpoint_disabled" => &["https://portal.example/hooks", "Hana Suzuki"],
            "statement_closed" => &["2026-11", "¥450,000", "Hana Suzuki"],
            "invoice_issued" | "invoice_overdue" => &["000001", "Annotate street photos", "¥450,000", "2026-12-31"],
            "invoice_paid" => &["000001", "Annotate street photos", "¥450,000", "2026-12-20"],
            "time_approved" | "time_rejected" => &["Photos 1–20", "Annotate street photos", "50"],
            _ => &["Photos 1–20", "Annotate street photos"],
        };
        assert_message(&mail, &to, lang, &[], about);
        assert!(subject.contains("Yui"), "{subject}");
        assert!(text.contains("https://app.yui.example/"), "{to}: no link in\n{text}");
    }
}
