//! Time logs and pay rates over HTTP: a worker logs time on the task they hold
//! (entries and a timer), the rules refuse what cannot be right, directors adjust,
//! approve and reject; rates are dated and never below the minimum wage in force,
//! and a new minimum shows directors whose rates fall short.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Tokyo;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yui_domain::{Role, Tenant};

use crate::flow::{Cast, active_job, call, cast};
use crate::helpers::TestApp;
use crate::on_both_engines;
use crate::workforce::{always_available, task, tasks_for};

on_both_engines!(
    time_is_logged_checked_and_decided,
    a_timer_runs_alone_and_stops_into_an_entry,
    rates_are_dated_and_never_below_the_minimum,
    one_of_two_overlapping_entries_wins,
    one_decision_wins_on_an_entry,
    one_minimum_wage_per_day_even_at_once,
);

/// `hh:mm` on the centre's (Tokyo) calendar day `days_ago` days before today.
fn tokyo(days_ago: i64, hh: u32, mm: u32) -> DateTime<Utc> {
    let day = (Utc::now().with_timezone(&Tokyo).date_naive()) - TimeDelta::days(days_ago);
    Tokyo.from_local_datetime(&day.and_hms_opt(hh, mm, 0).expect("time")).single().expect("one instant").to_utc()
}

fn span(start: DateTime<Utc>, end: DateTime<Utc>) -> Value {
    json!({"started_at": start.to_rfc3339(), "ended_at": end.to_rfc3339(), "note": "Boxes drawn"})
}

/// The cast, an active job and one task assigned to the first worker.
async fn held_task(app: &TestApp) -> (Cast, String, String) {
    let cast = cast(app).await;
    let job = active_job(app, &cast).await;
    let (worker, token) = &cast.workers[0];
    always_available(app, token, worker, 480, 2400).await;
    let task = tasks_for(app, &cast.director, &job, vec![task("Photos 1–20", 90, 10, None)]).await.remove(0);
    let body = json!({"worker_id": worker.id.to_string()});
    call(app, Method::POST, &format!("/v1/tasks/{task}/assign"), &cast.director, Some(body), StatusCode::OK).await;
    (cast, job, task)
}

fn entries_of(app: &TestApp) -> i64 {
    app.row_counts().into_iter().find(|(t, _)| *t == "time_entries").map(|(_, n)| n).expect("time_entries")
}

async fn time_is_logged_checked_and_decided(app: TestApp) {
    let (cast, job, task) = held_task(&app).await;
    let (worker, token) = &cast.workers[0];
    let log = format!("/v1/tasks/{task}/time-entries");

    // An hour on the morning ten days ago (seconds are dropped).
    let first = call(
        &app,
        Method::POST,
        &log,
        token,
        Some(span(tokyo(10, 9, 0) + TimeDelta::seconds(42), tokyo(10, 10, 0))),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(first["status"], "pending");
    assert_eq!(first["minutes"], 60);
    assert_eq!(first["started_at"].as_str().map(|s| s.parse::<DateTime<Utc>>().expect("time")), Some(tokyo(10, 9, 0)));
    assert_eq!(first["allowed_actions"], json!(["adjust", "approve", "reject", "withdraw"]));

    // What the rules refuse writes nothing.
    let before = entries_of(&app);
    let refused = [
        (span(tokyo(10, 9, 30), tokyo(10, 10, 30)), StatusCode::CONFLICT, "time_overlap", None),
        (
            span(tokyo(10, 11, 0), tokyo(10, 11, 0)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("ended_at"),
        ),
        (
            span(tokyo(10, 12, 0), tokyo(10, 11, 0)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("ended_at"),
        ),
        (
            span(Utc::now() - TimeDelta::minutes(30), Utc::now() + TimeDelta::minutes(30)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("ended_at"),
        ),
        (
            span(tokyo(40, 9, 0), tokyo(40, 10, 0)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("started_at"),
        ),
    ];
    for (body, status, code, field) in refused {
        let reply = app.post(&log, Some(token), body.clone()).await;
        reply.assert_problem(status, code);
        if let Some(field) = field {
            assert_eq!(reply.body["errors"][0]["field"], field, "{body}: {}", reply.body);
        }
    }
    // A task that is not theirs: another worker of the centre does not see it.
    let other = &cast.workers[1].1;
    app.post(&log, Some(other), span(tokyo(9, 9, 0), tokyo(9, 10, 0)))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    // Directors do not log time for workers.
    app.post(&log, Some(&cast.director), span(tokyo(9, 9, 0), tokyo(9, 10, 0)))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(entries_of(&app), before, "refused entries wrote nothing");

    // The centre's daily maximum counts its calendar day.
    let admin = app.create_user(Tenant::Center(cast.center_id.parse().expect("centre")), Role::Admin);
    let admin = app.token(&admin).await;
    call(
        &app,
        Method::PUT,
        "/v1/pay-settings",
        &cast.director,
        Some(json!({"max_daily_minutes": 120, "closing_day": 31, "withholding_enabled": false})),
        StatusCode::FORBIDDEN,
    )
    .await;
    call(
        &app,
        Method::PUT,
        "/v1/pay-settings",
        &admin,
        Some(json!({"max_daily_minutes": 120, "closing_day": 31, "withholding_enabled": false})),
        StatusCode::OK,
    )
    .await;
    let settings = call(&app, Method::GET, "/v1/pay-settings", &cast.director, None, StatusCode::OK).await;
    assert_eq!(settings, json!({"max_daily_minutes": 120, "closing_day": 31, "withholding_enabled": false}));
    let second =
        call(&app, Method::POST, &log, token, Some(span(tokyo(10, 10, 0), tokyo(10, 11, 0))), StatusCode::CREATED)
            .await;
    let over = app.post(&log, Some(token), span(tokyo(10, 11, 0), tokyo(10, 11, 1))).await;
    over.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(over.body["errors"][0]["code"], "over_daily_maximum");
    // The next day is another day.
    let third =
        call(&app, Method::POST, &log, token, Some(span(tokyo(9, 9, 0), tokyo(9, 9, 45))), StatusCode::CREATED).await;

    // Directors adjust with a reason (the original kept), approve (locked), reject.
    let first_id = first["id"].as_str().expect("id");
    let adjust = format!("/v1/time-entries/{first_id}/adjust");
    let no_reason = json!({"started_at": tokyo(10, 9, 0), "ended_at": tokyo(10, 9, 50), "reason": " "});
    app.post(&adjust, Some(&cast.director), no_reason)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    app.post(&adjust, Some(token), json!({"started_at": tokyo(10, 9, 0), "ended_at": tokyo(10, 9, 50), "reason": "x"}))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let adjusted = call(
        &app,
        Method::POST,
        &adjust,
        &cast.director,
        Some(json!({"started_at": tokyo(10, 9, 0), "ended_at": tokyo(10, 9, 50), "reason": "Lunch break at 09:50"})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(adjusted["minutes"], 50);
    assert_eq!(adjusted["status"], "pending");
    assert_eq!(adjusted["adjustment"]["reason"], "Lunch break at 09:50");
    assert_eq!(
        adjusted["adjustment"]["original_ended_at"].as_str().map(|s| s.parse::<DateTime<Utc>>().expect("time")),
        Some(tokyo(10, 10, 0))
    );
    let approve = format!("/v1/time-entries/{first_id}/approve");
    let approved = call(&app, Method::POST, &approve, &cast.director, None, StatusCode::OK).await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["allowed_actions"], json!([]));
    for (path, who, body) in [
        (
            adjust.clone(),
            &cast.director,
            Some(json!({"started_at": tokyo(10, 9, 0), "ended_at": tokyo(10, 9, 10), "reason": "x"})),
        ),
        (format!("/v1/time-entries/{first_id}/reject"), &cast.director, Some(json!({"reason": "x"}))),
        (approve.clone(), &cast.director, None),
    ] {
        let reply = app.request(Method::POST, &path, Some(who), body).await;
        reply.assert_problem(StatusCode::CONFLICT, "invalid_state");
        assert_eq!(reply.body["current_state"], "approved");
    }
    app.request(Method::DELETE, &format!("/v1/time-entries/{first_id}"), Some(token), None)
        .await
        .assert_problem(StatusCode::CONFLICT, "invalid_state");

    let second_id = second["id"].as_str().expect("id");
    let rejected = call(
        &app,
        Method::POST,
        &format!("/v1/time-entries/{second_id}/reject"),
        &cast.director,
        Some(json!({"reason": "Logged twice"})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(rejected["rejection_reason"], "Logged twice");
    // The worker is told of both decisions.
    let told: Vec<(String, serde_json::Value)> = app
        .outbox_messages(&worker.email)
        .into_iter()
        .filter(|m| m.template.as_str().starts_with("time_"))
        .map(|m| (m.template.as_str().to_owned(), m.data["minutes"].clone()))
        .collect();
    assert_eq!(told, vec![("time_approved".to_owned(), json!(50)), ("time_rejected".to_owned(), json!(60))]);
    // A rejected entry no longer counts: its time can be logged again.
    call(&app, Method::POST, &log, token, Some(span(tokyo(10, 10, 0), tokyo(10, 10, 30))), StatusCode::CREATED).await;
    // The worker withdraws a pending entry.
    let third_id = third["id"].as_str().expect("id");
    call(&app, Method::DELETE, &format!("/v1/time-entries/{third_id}"), token, None, StatusCode::NO_CONTENT).await;
    // The worker's hours that day: logged time next to the estimates (the approved
    // 50 minutes and the new pending 30; the rejected one does not count).
    let z = |at: DateTime<Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let day = format!("/v1/workers/{}/available-hours?from={}&to={}", worker.id, z(tokyo(10, 0, 0)), z(tokyo(9, 0, 0)));
    let hours = call(&app, Method::GET, &day, &cast.director, None, StatusCode::OK).await;
    assert_eq!((hours["logged_minutes"].clone(), hours["approved_minutes"].clone()), (json!(80), json!(50)), "{hours}");
    app.get(&format!("/v1/time-entries/{third_id}"), Some(token))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");

    // Estimated, logged and approved, per job.
    let time = call(&app, Method::GET, &format!("/v1/jobs/{job}/time"), &cast.director, None, StatusCode::OK).await;
    assert_eq!(
        time,
        json!({"job_id": job, "estimated_minutes": 90, "logged_minutes": 80, "approved_minutes": 50,
               "pending_minutes": 30, "rejected_minutes": 60, "running_timers": 0})
    );
    app.get(&format!("/v1/jobs/{job}/time"), Some(&cast.client))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let dashboard = call(&app, Method::GET, "/v1/dashboard", &cast.director, None, StatusCode::OK).await;
    assert_eq!(dashboard["time_to_approve"], json!({"pending_minutes": 30, "running_timers": 0}));

    // Lists: the worker's own, a job's by task and status.
    let mine =
        call(&app, Method::GET, &format!("/v1/workers/{}/time-entries", worker.id), token, None, StatusCode::OK).await;
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(3));
    let path = format!("/v1/jobs/{job}/time-entries?task_id={task}&status=approved");
    let approved_only = call(&app, Method::GET, &path, &cast.director, None, StatusCode::OK).await;
    let ids: Vec<&str> =
        approved_only["items"].as_array().expect("items").iter().map(|e| e["id"].as_str().expect("id")).collect();
    assert_eq!(ids, vec![first_id]);
    let other_id = cast.workers[1].0.id;
    app.get(&format!("/v1/workers/{other_id}/time-entries"), Some(token))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    let backwards = format!(
        "/v1/workers/{}/time-entries?from={}&to={}",
        worker.id,
        tokyo(1, 0, 0).to_rfc3339(),
        tokyo(2, 0, 0).to_rfc3339()
    );
    app.get(&backwards.replace('+', "%2B"), Some(token))
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "invalid_query_parameter");
    let ancient = format!("/v1/workers/{}/time-entries?from=0001-01-01T00:00:00Z", worker.id);
    app.get(&ancient, Some(token)).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_query_parameter");
    // The calendar's edges are refused like any other bad time, never a fault.
    let edges = json!({"started_at": "+262142-01-01T00:00:00Z", "ended_at": "+262142-12-31T00:00:00Z"});
    app.post(&log, Some(token), edges).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let edges = json!({"started_at": "-262143-01-01T00:00:00Z", "ended_at": "-262143-02-01T00:00:00Z"});
    app.post(&log, Some(token), edges).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    // The task's history records the decisions; partners hear `time.approved`.
    let history =
        call(&app, Method::GET, &format!("/v1/tasks/{task}/events?limit=100"), &cast.director, None, StatusCode::OK)
            .await;
    let kinds: Vec<&str> =
        history["items"].as_array().expect("items").iter().map(|e| e["kind"].as_str().expect("kind")).collect();
    for kind in ["time_adjusted", "time_approved", "time_rejected"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let feed = call(&app, Method::GET, "/v1/events?limit=100", &cast.director, None, StatusCode::OK).await;
    let approved_events: Vec<&Value> =
        feed["items"].as_array().expect("items").iter().filter(|e| e["type"] == "time.approved").collect();
    assert_eq!(approved_events.len(), 1, "{feed}");
    let client_feed = call(&app, Method::GET, "/v1/events?limit=100", &cast.client, None, StatusCode::OK).await;
    assert!(client_feed["items"].as_array().expect("items").iter().all(|e| e["type"] != "time.approved"));
}

async fn a_timer_runs_alone_and_stops_into_an_entry(app: TestApp) {
    let (cast, job, task) = held_task(&app).await;
    let (_, token) = &cast.workers[0];
    let started = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{task}/timer"),
        token,
        Some(json!({"note": "Signs"})),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(started["status"], "running");
    assert_eq!(started["ended_at"], Value::Null);
    assert_eq!(started["allowed_actions"], json!(["stop", "withdraw"]));
    let id = started["id"].as_str().expect("id");
    app.post(&format!("/v1/tasks/{task}/timer"), Some(token), json!({}))
        .await
        .assert_problem(StatusCode::CONFLICT, "timer_running");
    // Not decided while it runs; stopped only by the worker.
    app.request(Method::POST, &format!("/v1/time-entries/{id}/approve"), Some(&cast.director), None)
        .await
        .assert_problem(StatusCode::CONFLICT, "invalid_state");
    app.post(&format!("/v1/time-entries/{id}/stop"), Some(&cast.director), json!({}))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let time = call(&app, Method::GET, &format!("/v1/jobs/{job}/time"), &cast.director, None, StatusCode::OK).await;
    assert_eq!(time["running_timers"], 1);

    // A timer ends at least a minute after it starts.
    let start: DateTime<Utc> = started["started_at"].as_str().expect("start").parse().expect("time");
    if let Ok(wait) = (start + TimeDelta::minutes(1) - Utc::now()).to_std() {
        tokio::time::sleep(wait).await;
    }
    // A running timer counts as logged up to now.
    let now = Utc::now();
    app.post(&format!("/v1/tasks/{task}/time-entries"), Some(token), span(now - TimeDelta::hours(1), now))
        .await
        .assert_problem(StatusCode::CONFLICT, "time_overlap");
    let future = json!({"ended_at": (Utc::now() + TimeDelta::hours(1)).to_rfc3339()});
    app.post(&format!("/v1/time-entries/{id}/stop"), Some(token), future)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let stopped = call(
        &app,
        Method::POST,
        &format!("/v1/time-entries/{id}/stop"),
        token,
        Some(json!({"note": "Signs, 20 photos"})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(stopped["status"], "pending");
    assert_eq!(stopped["note"], "Signs, 20 photos");
    assert!(stopped["minutes"].as_i64().is_some_and(|m| m >= 1), "{stopped}");
    app.post(&format!("/v1/time-entries/{id}/stop"), Some(token), json!({}))
        .await
        .assert_problem(StatusCode::CONFLICT, "invalid_state");
    // Cancelled work takes no more time.
    call(&app, Method::POST, &format!("/v1/tasks/{task}/cancel"), &cast.director, None, StatusCode::OK).await;
    let reply = app.post(&format!("/v1/tasks/{task}/timer"), Some(token), json!({})).await;
    assert!(matches!(reply.status, StatusCode::CONFLICT | StatusCode::NOT_FOUND), "{}", reply.body);
}

async fn rates_are_dated_and_never_below_the_minimum(app: TestApp) {
    let cast = cast(&app).await;
    let (worker, token) = &cast.workers[0];
    let center: yui_domain::CenterId = cast.center_id.parse().expect("centre");
    let admin = app.create_user(Tenant::Center(center), Role::Admin);
    let admin = app.token(&admin).await;
    let rate_path = format!("/v1/workers/{}/hourly-rate", worker.id);
    let today = Utc::now().with_timezone(&Tokyo).date_naive();
    let day = |offset: i64| (today + TimeDelta::days(offset)).to_string();

    // Without a rate of their own, a worker earns the minimum in force.
    let profile =
        call(&app, Method::GET, &format!("/v1/workers/{}/profile", worker.id), token, None, StatusCode::OK).await;
    assert_eq!(profile["hourly_rate"], json!({"amount_minor": 950, "currency": "JPY"}));

    let set = |amount: i64, from: String| json!({"hourly_rate": {"amount_minor": amount}, "effective_from": from});
    let set_rate = call(&app, Method::PUT, &rate_path, &cast.director, Some(set(1000, day(-60))), StatusCode::OK).await;
    assert_eq!(set_rate["hourly_rate"]["amount_minor"], 1000);
    let below = app.request(Method::PUT, &rate_path, Some(&cast.director), Some(set(949, day(-10)))).await;
    below.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(below.body["errors"][0]["code"], "below_minimum_rate");
    app.request(Method::PUT, &rate_path, Some(&cast.director), Some(set(1000, "1999-12-31".into())))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    app.request(Method::PUT, &rate_path, Some(token), Some(set(5000, day(0))))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");

    // A new regional minimum from next month: the worker's ¥1 000 falls short.
    let minimum = json!({"effective_from": day(30), "hourly_minimum": {"amount_minor": 1061, "currency": "JPY"}});
    app.post("/v1/minimum-wages", Some(&cast.director), minimum.clone())
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let added = call(&app, Method::POST, "/v1/minimum-wages", &admin, Some(minimum.clone()), StatusCode::CREATED).await;
    assert_eq!(
        added["shortfalls"],
        json!([{"worker_id": worker.id.to_string(), "display_name": added["shortfalls"][0]["display_name"], "on": day(30),
                "hourly_rate": {"amount_minor": 1000, "currency": "JPY"},
                "hourly_minimum": {"amount_minor": 1061, "currency": "JPY"}}])
    );
    app.post("/v1/minimum-wages", Some(&admin), minimum).await.assert_problem(StatusCode::CONFLICT, "conflict");
    let eur = json!({"effective_from": day(31), "hourly_minimum": {"amount_minor": 1200, "currency": "EUR"}});
    app.post("/v1/minimum-wages", Some(&admin), eur)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let short = call(&app, Method::GET, "/v1/pay-rates/shortfalls", &cast.director, None, StatusCode::OK).await;
    assert_eq!(short["items"].as_array().map(Vec::len), Some(1));
    let wages = call(&app, Method::GET, "/v1/minimum-wages", &cast.director, None, StatusCode::OK).await;
    assert_eq!(wages["in_force_today"]["amount_minor"], 950, "the new minimum is not in force yet");
    assert_eq!(wages["changes"].as_array().map(Vec::len), Some(1));

    // A rate from today that would meet the new minimum below it is refused, naming the day.
    let meets = app.request(Method::PUT, &rate_path, Some(&cast.director), Some(set(1050, day(0)))).await;
    meets.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(meets.body["errors"][0]["message"].as_str().is_some_and(|m| m.contains(&day(30))), "{}", meets.body);
    // A raise from the minimum's day fixes it; today's rate is unchanged.
    call(&app, Method::PUT, &rate_path, &cast.director, Some(set(1100, day(30))), StatusCode::OK).await;
    let short = call(&app, Method::GET, "/v1/pay-rates/shortfalls", &cast.director, None, StatusCode::OK).await;
    assert_eq!(short["items"], json!([]));
    let rates =
        call(&app, Method::GET, &format!("/v1/workers/{}/pay-rates", worker.id), token, None, StatusCode::OK).await;
    assert_eq!(rates["hourly_rate"]["amount_minor"], 1000);
    let dates: Vec<NaiveDate> = rates["rates"]
        .as_array()
        .expect("rates")
        .iter()
        .map(|r| r["effective_from"].as_str().expect("day").parse().expect("day"))
        .collect();
    assert_eq!(dates, vec![today - TimeDelta::days(60), today + TimeDelta::days(30)]);
    // The same day again replaces that day's rate.
    call(&app, Method::PUT, &rate_path, &cast.director, Some(set(1150, day(30))), StatusCode::OK).await;
    let rates =
        call(&app, Method::GET, &format!("/v1/workers/{}/pay-rates", worker.id), &cast.director, None, StatusCode::OK)
            .await;
    assert_eq!(rates["rates"][1]["hourly_rate"]["amount_minor"], 1150);
    assert_eq!(rates["rates"].as_array().map(Vec::len), Some(2));
    // Other workers never see a worker's pay.
    app.get(&format!("/v1/workers/{}/pay-rates", worker.id), Some(&cast.workers[1].1))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
}

/// Two overlapping entries of one worker sent at once: one is logged, the other
/// refused — ten rounds, so a lost race cannot pass by luck.
async fn one_of_two_overlapping_entries_wins(app: TestApp) {
    let (cast, _, task) = held_task(&app).await;
    let token = cast.workers[0].1.clone();
    let path = format!("/v1/tasks/{task}/time-entries");
    for round in 0..10 {
        let start = tokyo(round + 1, 9, 0);
        let (a, b) = tokio::join!(
            app.post(&path, Some(&token), span(start, start + TimeDelta::minutes(30))),
            app.post(&path, Some(&token), span(start + TimeDelta::minutes(10), start + TimeDelta::minutes(40))),
        );
        let mut statuses = vec![a.status, b.status];
        statuses.sort();
        assert_eq!(statuses, vec![StatusCode::CREATED, StatusCode::CONFLICT], "round {round}: {} / {}", a.body, b.body);
    }
    assert_eq!(entries_of(&app), 10);
}

/// Two directors deciding one entry at once (approve against reject, approve against
/// adjust): exactly one decision lands — ten rounds.
async fn one_decision_wins_on_an_entry(app: TestApp) {
    let (cast, _, task) = held_task(&app).await;
    let token = cast.workers[0].1.clone();
    for round in 0..10 {
        let start = tokyo(round + 1, 14, 0);
        let path = format!("/v1/tasks/{task}/time-entries");
        let entry = call(
            &app,
            Method::POST,
            &path,
            &token,
            Some(span(start, start + TimeDelta::hours(1))),
            StatusCode::CREATED,
        )
        .await;
        let id = entry["id"].as_str().expect("id");
        let second = if round % 2 == 0 {
            (format!("/v1/time-entries/{id}/reject"), json!({"reason": "Not this task"}))
        } else {
            let body = json!({"started_at": start, "ended_at": start + TimeDelta::minutes(30), "reason": "Half"});
            (format!("/v1/time-entries/{id}/adjust"), body)
        };
        let approve = format!("/v1/time-entries/{id}/approve");
        let (a, b) = tokio::join!(
            app.request(Method::POST, &approve, Some(&cast.director), None),
            app.request(Method::POST, &second.0, Some(&cast.other_director), Some(second.1.clone())),
        );
        assert!(a.status.is_success() || b.status.is_success(), "round {round}: one lands");
        for reply in [&a, &b] {
            assert!(
                reply.status.is_success() || reply.status == StatusCode::CONFLICT,
                "round {round}: {} {}",
                reply.status,
                reply.body
            );
        }
        let after =
            call(&app, Method::GET, &format!("/v1/time-entries/{id}"), &cast.director, None, StatusCode::OK).await;
        match (a.status.is_success(), b.status.is_success()) {
            (true, false) => assert_eq!(after["status"], "approved"),
            (false, true) => assert_ne!(after["status"], "approved", "round {round}"),
            // Adjusted first, then approved: both land, in that order.
            (true, true) => {
                assert_eq!(after["status"], "approved");
                assert_eq!(after["minutes"], 30, "round {round}: approved what was adjusted");
            }
            (false, false) => unreachable!(),
        }
    }
}

/// Two admins recording a minimum wage for the same day at once: one is recorded,
/// the other refused — ten rounds.
async fn one_minimum_wage_per_day_even_at_once(app: TestApp) {
    let center = app.create_center("kado");
    let first = app.create_user(Tenant::Center(center.id), Role::Admin);
    let second = app.create_user(Tenant::Center(center.id), Role::Admin);
    let (first, second) = (app.token(&first).await, app.token(&second).await);
    for round in 0..10 {
        let day = NaiveDate::from_ymd_opt(2030, 10, 1).expect("day") + TimeDelta::days(round);
        let body = json!({"effective_from": day.to_string(), "hourly_minimum": {"amount_minor": 1061 + round}});
        let (a, b) = tokio::join!(
            app.post("/v1/minimum-wages", Some(&first), body.clone()),
            app.post("/v1/minimum-wages", Some(&second), body.clone()),
        );
        let mut statuses = vec![a.status, b.status];
        statuses.sort();
        assert_eq!(statuses, vec![StatusCode::CREATED, StatusCode::CONFLICT], "round {round}: {} / {}", a.body, b.body);
    }
    let wages = call(&app, Method::GET, "/v1/minimum-wages", &first, None, StatusCode::OK).await;
    assert_eq!(wages["changes"].as_array().map(Vec::len), Some(10));
}
