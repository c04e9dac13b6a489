//! Earnings statements over HTTP: a period at a centre — time logged and approved,
//! a rate changed mid-period, withholding — previewed, closed and frozen; time
//! approved after closing landing in the next period as an adjustment; nothing dated
//! into a closed period; CSV (with a byte-order mark) and a printable page in
//! Japanese and English; two directors closing at once.

use chrono::{Datelike, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Tokyo;
use reqwest::{Method, StatusCode};
use serde_json::json;
use yui_domain::{Role, Tenant};

use crate::flow::{active_job, call, cast};
use crate::helpers::TestApp;
use crate::on_both_engines;
use crate::workforce::{always_available, task, tasks_for};

on_both_engines!(a_period_is_previewed_closed_and_frozen, one_close_wins_when_two_directors_close);

fn today() -> NaiveDate {
    Utc::now().with_timezone(&Tokyo).date_naive()
}

/// `hh:mm` Tokyo on the day `days_ago` days before today, as RFC 3339.
fn at(days_ago: i64, hh: u32, mm: u32) -> String {
    let day = today() - TimeDelta::days(days_ago);
    Tokyo.from_local_datetime(&day.and_hms_opt(hh, mm, 0).expect("time")).single().expect("instant").to_rfc3339()
}

/// A closing day whose period holds the days 8 to 6 days ago and ended 3 to 5 days
/// ago, whatever today is: the day of 5 days ago, or the month's end after the 28th.
fn closing_day() -> (u32, String, String) {
    let five_ago = today() - TimeDelta::days(5);
    let closing = if five_ago.day() <= 28 { five_ago.day() } else { 31 };
    let this = format!("{:04}-{:02}", five_ago.year(), five_ago.month());
    let next_month = five_ago.with_day(1).expect("first").checked_add_months(chrono::Months::new(1)).expect("month");
    (closing, this, format!("{:04}-{:02}", next_month.year(), next_month.month()))
}

async fn a_period_is_previewed_closed_and_frozen(app: TestApp) {
    let cast = cast(&app).await;
    let center: yui_domain::CenterId = cast.center_id.parse().expect("centre");
    let admin = app.create_user(Tenant::Center(center), Role::Admin);
    let admin = app.token(&admin).await;
    let job = active_job(&app, &cast).await;
    let (worker, token) = &cast.workers[0];
    always_available(&app, token, worker, 480, 2400).await;
    let specs = vec![task("Signs, photos 1–20", 90, 10, None), task("Signs, photos 21–40", 300, 10, None)];
    let tasks = tasks_for(&app, &cast.director, &job, specs).await;
    for id in &tasks {
        let body = json!({"worker_id": worker.id.to_string()});
        call(&app, Method::POST, &format!("/v1/tasks/{id}/assign"), &cast.director, Some(body), StatusCode::OK).await;
    }

    let (closing, period, next) = closing_day();
    let settings = json!({"max_daily_minutes": 480, "closing_day": closing, "withholding_enabled": true});
    call(&app, Method::PUT, "/v1/pay-settings", &admin, Some(settings), StatusCode::OK).await;
    let rate = format!("/v1/workers/{}/hourly-rate", worker.id);
    for (amount, from) in [(1000, 40), (1100, 7)] {
        let body = json!({"hourly_rate": {"amount_minor": amount}, "effective_from": (today() - TimeDelta::days(from)).to_string()});
        call(&app, Method::PUT, &rate, &cast.director, Some(body), StatusCode::OK).await;
    }
    let withholding = format!("/v1/workers/{}/withholding", worker.id);
    call(&app, Method::PUT, &withholding, token, Some(json!({"withheld": true})), StatusCode::FORBIDDEN).await;
    call(&app, Method::PUT, &withholding, &cast.director, Some(json!({"withheld": true})), StatusCode::OK).await;

    // 25 minutes at ¥1 000, 200 at ¥1 100 in the period; 95 in the next; 60 left
    // pending until after closing.
    let mut ids = Vec::new();
    for (task, start, end) in [
        (&tasks[0], at(8, 9, 0), at(8, 9, 25)),
        (&tasks[1], at(7, 10, 0), at(7, 13, 20)),
        (&tasks[1], at(2, 9, 0), at(2, 10, 35)),
        (&tasks[1], at(6, 9, 0), at(6, 10, 0)),
    ] {
        let body = json!({"started_at": start, "ended_at": end});
        let entry =
            call(&app, Method::POST, &format!("/v1/tasks/{task}/time-entries"), token, Some(body), StatusCode::CREATED)
                .await;
        ids.push(entry["id"].as_str().expect("id").to_owned());
    }
    for id in &ids[..3] {
        call(&app, Method::POST, &format!("/v1/time-entries/{id}/approve"), &cast.director, None, StatusCode::OK).await;
    }

    // The open period: 25 × 1 000 + 200 × 1 100 = 245 000 sixtieths = ¥4 083.33 → ¥4 083;
    // withholding 10.21 % = 416.87 → ¥416.
    let preview =
        call(&app, Method::GET, &format!("/v1/pay-periods/{period}"), &cast.director, None, StatusCode::OK).await;
    assert_eq!(preview["status"], "open");
    assert_eq!(preview["statements"].as_array().map(Vec::len), Some(1), "{preview}");
    let mine = format!("/v1/workers/{}/statements/{period}", worker.id);
    let statement = call(&app, Method::GET, &mine, token, None, StatusCode::OK).await;
    assert_eq!(statement["minutes"], 225);
    assert_eq!(statement["exact_total"], "4083.33");
    assert_eq!(statement["gross"], json!({"amount_minor": 4083, "currency": "JPY"}));
    assert_eq!(statement["withholding"]["amount_minor"], 416);
    assert_eq!(statement["net"]["amount_minor"], 3667);
    let rates: Vec<i64> = statement["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["hourly_rate"]["amount_minor"].as_i64().expect("rate"))
        .collect();
    assert_eq!(rates.len(), 2);
    assert!(rates.contains(&1000) && rates.contains(&1100), "{statement}");
    let other = &cast.workers[1].1;
    app.get(&mine, Some(other)).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    app.get(&format!("/v1/pay-periods/{period}"), Some(token)).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    app.get("/v1/pay-periods/2026-13", Some(&cast.director))
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "invalid_path_parameter");

    // Closing: not before the period ends, not twice, not by a client.
    app.request(Method::POST, &format!("/v1/pay-periods/{next}/close"), Some(&cast.director), None)
        .await
        .assert_problem(StatusCode::CONFLICT, "conflict");
    app.request(Method::POST, &format!("/v1/pay-periods/{period}/close"), Some(&cast.client), None)
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let closed =
        call(&app, Method::POST, &format!("/v1/pay-periods/{period}/close"), &cast.director, None, StatusCode::OK)
            .await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["net"]["amount_minor"], 3667);
    app.request(Method::POST, &format!("/v1/pay-periods/{period}/close"), Some(&admin), None)
        .await
        .assert_problem(StatusCode::CONFLICT, "period_closed");
    let mails: Vec<_> =
        app.outbox_messages(&worker.email).into_iter().filter(|m| m.template.as_str() == "statement_closed").collect();
    assert_eq!(mails.len(), 1, "the worker is told once");
    assert_eq!(mails[0].data["period"], period.as_str());
    // Partners of the centre hear of it (a centre's event: no job); clients never do.
    let feed = call(&app, Method::GET, "/v1/events?limit=100", &admin, None, StatusCode::OK).await;
    let told: Vec<&serde_json::Value> =
        feed["items"].as_array().expect("items").iter().filter(|e| e["type"] == "statement.closed").collect();
    assert_eq!(told.len(), 1, "{feed}");
    assert_eq!(
        (told[0]["data"]["period"].as_str(), told[0]["data"]["job_id"].clone()),
        (Some(period.as_str()), json!(null))
    );
    let theirs = call(&app, Method::GET, "/v1/events?limit=100", &cast.client, None, StatusCode::OK).await;
    assert!(theirs["items"].as_array().expect("items").iter().all(|e| e["type"] != "statement.closed"), "{theirs}");
    assert_eq!(mails[0].data["amount_minor"], 3667);
    let periods = call(&app, Method::GET, "/v1/pay-periods", &cast.director, None, StatusCode::OK).await;
    assert_eq!(periods["closing_day"], closing);
    assert_eq!(periods["next_to_close"], next.as_str());
    assert_eq!(periods["closed"][0]["period"], period.as_str());
    let frozen = call(&app, Method::GET, &mine, token, None, StatusCode::OK).await;
    assert_eq!(frozen["status"], "closed");
    assert_eq!(frozen["lines"], statement["lines"]);

    // Nothing is dated into a closed period.
    let into_closed =
        json!({"hourly_rate": {"amount_minor": 1500}, "effective_from": (today() - TimeDelta::days(8)).to_string()});
    app.request(Method::PUT, &rate, Some(&cast.director), Some(into_closed))
        .await
        .assert_problem(StatusCode::CONFLICT, "period_closed");
    let minimum =
        json!({"effective_from": (today() - TimeDelta::days(8)).to_string(), "hourly_minimum": {"amount_minor": 1200}});
    app.post("/v1/minimum-wages", Some(&admin), minimum).await.assert_problem(StatusCode::CONFLICT, "period_closed");
    let moved =
        json!({"max_daily_minutes": 480, "closing_day": if closing == 1 { 2 } else { 1 }, "withholding_enabled": true});
    app.request(Method::PUT, "/v1/pay-settings", Some(&admin), Some(moved))
        .await
        .assert_problem(StatusCode::CONFLICT, "period_closed");

    // Time of the closed period approved now is paid next period, as an adjustment;
    // the closed statement does not move.
    call(&app, Method::POST, &format!("/v1/time-entries/{}/approve", ids[3]), &cast.director, None, StatusCode::OK)
        .await;
    let next_statement = call(
        &app,
        Method::GET,
        &format!("/v1/workers/{}/statements/{next}", worker.id),
        &cast.director,
        None,
        StatusCode::OK,
    )
    .await;
    let lines = next_statement["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 2, "{next_statement}");
    assert_eq!(lines[1]["adjustment"], true);
    assert_eq!(lines[1]["minutes"], 60);
    assert_eq!(next_statement["minutes"], 155);
    // 155 × 1 100 = 170 500 sixtieths = ¥2 841.67 → ¥2 842.
    assert_eq!(next_statement["gross"]["amount_minor"], 2842);
    assert_eq!(call(&app, Method::GET, &mine, token, None, StatusCode::OK).await, frozen);

    // The job's margin: the fixed ¥450 000 against 25 minutes at ¥1 000 and 355 at
    // ¥1 100 (415 500 sixtieths = ¥6 925): ¥443 075, 98.5 %.
    let margin = call(&app, Method::GET, &format!("/v1/jobs/{job}/margin"), &cast.director, None, StatusCode::OK).await;
    assert_eq!(margin["approved_minutes"], 380);
    assert_eq!(margin["revenue"]["amount_minor"], 450_000);
    assert_eq!(margin["labour_cost"]["amount_minor"], 6925);
    assert_eq!(margin["margin"]["amount_minor"], 443_075);
    assert_eq!(margin["margin_percent"], 98.5);
    app.get(&format!("/v1/jobs/{job}/margin"), Some(&cast.client))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");

    // Documents: CSV with a byte-order mark in Japanese, English; a printable page.
    let csv = app.get(&format!("{mine}/csv?bom=true"), Some(token)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type.starts_with("text/csv"), "{}", csv.content_type);
    let text = csv.body.as_str().expect("text");
    assert!(text.starts_with('\u{feff}'), "a byte-order mark first");
    assert!(
        text.contains("報酬明細書") && text.contains("源泉徴収税額,416,JPY") && text.contains("差引支給額,3667,JPY"),
        "{text}"
    );
    assert!(text.contains("\"Signs, photos 1–20\""), "a field with a comma is quoted: {text}");
    let english = app.get(&format!("{mine}/csv?lang=en"), Some(token)).await;
    let text = english.body.as_str().expect("text");
    assert!(!text.starts_with('\u{feff}') && text.contains("Net pay,3667,JPY") && text.contains("half up"), "{text}");
    let page = app.get(&format!("{mine}/html?lang=ja"), Some(&cast.director)).await;
    assert!(page.content_type.starts_with("text/html"), "{}", page.content_type);
    let html = page.body.as_str().expect("html");
    assert!(html.contains("<html lang=\"ja\">") && html.contains("¥3,667") && html.contains("四捨五入"), "{html}");
    app.get(&format!("{mine}/html?lang=fr"), Some(token))
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "invalid_query_parameter");
}

/// Two directors closing the same period at once: one closes it, the other is told
/// it is closed — ten periods, one after the other.
async fn one_close_wins_when_two_directors_close(app: TestApp) {
    let cast = cast(&app).await;
    let first_month = today().with_day(1).expect("first") - chrono::Months::new(24);
    for round in 0..10 {
        let month = first_month + chrono::Months::new(round);
        let period = format!("{:04}-{:02}", month.year(), month.month());
        let path = format!("/v1/pay-periods/{period}/close");
        let (a, b) = tokio::join!(
            app.request(Method::POST, &path, Some(&cast.director), None),
            app.request(Method::POST, &path, Some(&cast.other_director), None),
        );
        let mut statuses = vec![a.status, b.status];
        statuses.sort();
        assert_eq!(statuses, vec![StatusCode::OK, StatusCode::CONFLICT], "round {round}: {} / {}", a.body, b.body);
        let loser = if a.status == StatusCode::CONFLICT { &a } else { &b };
        assert_eq!(loser.body["code"], "period_closed", "{}", loser.body);
    }
}
