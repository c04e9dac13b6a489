//! Periodic housekeeping: tasks that become late just because time passed are
//! reported once; what serves no one any more is pruned; each job runs once per
//! period however many dispatchers race for it.

use chrono::{TimeDelta, Utc};
use reqwest::{Method, StatusCode};
use serde_json::json;
use yui_domain::{Role, Tenant};
use yui_notify::housekeeping::{self, HousekeepingSettings};
use yui_store::roster::RosterCache;

use crate::flow::{active_job, call, cast};
use crate::helpers::TestApp;
use crate::notifications::assert_message;
use crate::on_both_engines;
use crate::smtp::SinkOptions;
use crate::workforce::{always_available, task, tasks_for};

on_both_engines!(
    work_that_time_makes_late_is_reported_once,
    housekeeping_prunes_what_serves_no_one,
    each_job_runs_once_per_period_however_many_race,
);

async fn work_that_time_makes_late_is_reported_once(app: TestApp) {
    let Some((sink, _dispatcher)) = app.with_mail(SinkOptions::default()) else { return };
    let cast = cast(&app).await;
    let (worker, worker_token) = (&cast.workers[0].0, cast.workers[0].1.clone());
    always_available(&app, &worker_token, worker, 120, 600).await;
    let job = active_job(&app, &cast).await;
    let ids = tasks_for(&app, &cast.director, &job, vec![task("Trace the river map", 100, 2, None)]).await;
    let id = &ids[0];
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{id}/assign"),
        &cast.director,
        Some(json!({"worker_id": worker.id.to_string()})),
        StatusCode::OK,
    )
    .await;
    let due = call(&app, Method::GET, &format!("/v1/tasks/{id}"), &cast.director, None, StatusCode::OK).await["due_at"]
        .as_str()
        .expect("due_at")
        .parse::<chrono::DateTime<Utc>>()
        .expect("RFC 3339");

    let rosters = RosterCache::default();
    assert_eq!(housekeeping::sweep_at_risk(&app.db, &rosters, Utc::now()).expect("sweep"), 0, "in time today");
    // Nobody changes anything; half an hour before it is due, 100 minutes no longer fit.
    let later = due - TimeDelta::minutes(30);
    assert_eq!(housekeeping::sweep_at_risk(&app.db, &rosters, later).expect("sweep"), 1);
    assert_eq!(housekeeping::sweep_at_risk(&app.db, &rosters, later).expect("sweep"), 0, "reported once");
    let events = call(&app, Method::GET, &format!("/v1/tasks/{id}/events"), &cast.director, None, StatusCode::OK).await;
    let at_risk: Vec<_> =
        events["items"].as_array().expect("items").iter().filter(|e| e["kind"] == "at_risk").collect();
    assert_eq!(at_risk.len(), 1);
    assert_eq!(at_risk[0]["details"]["reason"], "time");

    let director = call(&app, Method::GET, "/v1/me", &cast.director, None, StatusCode::OK).await["user"]["email"]
        .as_str()
        .expect("email")
        .to_owned();
    let mail = sink.wait_to(&director, "at risk").await;
    assert_message(&mail, &director, "en", &["Trace the river map"], &["Trace the river map", "Test User"]);
    assert!(sink.to(&worker.email).iter().all(|m| !m["subject"].as_str().unwrap_or_default().contains("at risk")));
}

async fn housekeeping_prunes_what_serves_no_one(app: TestApp) {
    let center = app.create_center("kado");
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let worker = app.create_user(Tenant::Center(center.id), Role::Worker);
    let (live, _) = app.login(&worker.email).await;
    let (_, ended) = app.login(&worker.email).await;
    app.post("/v1/auth/logout", None, json!({"refresh_token": ended})).await;
    let admin_token = app.token(&admin).await;
    app.post("/v1/invitations", Some(&admin_token), json!({"email": "late@kado.example", "role": "worker"})).await;
    app.post("/v1/auth/password-reset", None, json!({"email": worker.email})).await;
    app.post("/v1/auth/login", None, json!({"email": worker.email, "password": "wrong password"})).await;
    // Everything ended long ago: the clock is moved by ageing the rows.
    let mut conn = app.db.connection().expect("connection");
    for statement in [
        "UPDATE sessions SET revoked_at = '2000-01-01 00:00:00' WHERE revoked_at IS NOT NULL",
        "UPDATE invitations SET expires_at = '2000-01-01 00:00:00'",
        "UPDATE account_tokens SET expires_at = '2000-01-01 00:00:00'",
        "UPDATE login_failures SET failed_at = '2000-01-01 00:00:00'",
        "UPDATE outbox SET status = 'sent', created_at = '2000-01-01 00:00:00'",
    ] {
        diesel::RunQueryDsl::execute(diesel::sql_query(statement), &mut *conn).expect(statement);
    }
    drop(conn);
    let pruned = housekeeping::prune(&app.db, &HousekeepingSettings::default()).expect("prune");
    assert_eq!(pruned.sessions, 1);
    assert_eq!(pruned.invitations, 1);
    assert_eq!(pruned.account_tokens, 1);
    assert!(pruned.login_failures >= 1);
    assert_eq!(pruned.messages, 2, "the invitation and the reset e-mail");
    let counts: std::collections::HashMap<_, _> = app.row_counts().into_iter().collect();
    assert_eq!(counts["sessions"], 2, "the admin's and the worker's live session stay");
    assert_eq!(counts["outbox"], 0);
    assert_eq!(app.get("/v1/me", Some(&live)).await.status, StatusCode::OK, "live sessions are untouched");
    assert_eq!(housekeeping::prune(&app.db, &HousekeepingSettings::default()).expect("prune"), Default::default());
}

/// Ten dispatchers ask at once whether the daily digest is due: one runs it.
async fn each_job_runs_once_per_period_however_many_race(app: TestApp) {
    let now = Utc::now();
    let claim = |db: &yui_store::Database, due_before| {
        db.write(|conn| yui_store::housekeeping::claim_turn(conn, "test_job", due_before)).expect("claim")
    };
    assert!(claim(&app.db, now - TimeDelta::hours(1)), "the first run ever is due");
    assert!(!claim(&app.db, now - TimeDelta::hours(1)), "not again within the period");
    let pools: Vec<yui_store::Database> = (0..4).map(|_| app.second_pool()).collect();
    for round in 0..20 {
        // A new period: the last run was before this instant.
        std::thread::sleep(std::time::Duration::from_millis(2));
        let due_before = yui_store::now();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let winners: usize = std::thread::scope(|scope| {
            let handles: Vec<_> =
                pools.iter().map(|db| scope.spawn(move || usize::from(claim(db, due_before)))).collect();
            handles.into_iter().map(|h| h.join().expect("thread")).sum()
        });
        assert_eq!(winners, 1, "round {round}: exactly one dispatcher runs the job");
    }
    let last = app.db.read(|conn| yui_store::housekeeping::last_run(conn, "test_job")).expect("last run");
    assert!(last.is_some_and(|at| at >= now));
}
