//! Client invoices over HTTP: a fixed-price and an hourly job invoiced once they are
//! completed; a draft's lines edited (a reduced-rate line among them), then issued
//! with the centre's registration and frozen; a credit note; a payment; a voided
//! invoice replaced; the client's view (never drafts), CSV and printable page in
//! Japanese and English; `invoice.*` events; overdue found by housekeeping; and
//! directors issuing at the same moment getting consecutive numbers with no gap and
//! no duplicate.

use chrono::{TimeDelta, Utc};
use chrono_tz::Asia::Tokyo;
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yui_domain::{Role, Tenant};

use crate::flow::{Cast, active_job, call, cast, job_body, quote_body};
use crate::helpers::TestApp;
use crate::on_both_engines;
use crate::workforce::{always_available, task, tasks_for};

on_both_engines!(
    invoices_are_drafted_issued_credited_and_paid,
    directors_issuing_at_once_get_consecutive_numbers,
    simultaneous_drafts_credits_and_payments_apply_once,
    a_client_organisation_is_invoiced_for_a_month,
    a_monthly_and_a_per_job_draft_at_once_bill_the_job_once
);

const REGISTRATION: &str = "T7000012050002";

async fn admin(app: &TestApp, cast: &Cast) -> String {
    let center: yui_domain::CenterId = cast.center_id.parse().expect("centre");
    let admin = app.create_user(Tenant::Center(center), Role::Admin);
    app.token(&admin).await
}

pub(crate) async fn save_billing(app: &TestApp, admin: &str, terms_days: u32) {
    let body = json!({"legal_name": "Kado Telework Centre", "address": "1-1 Daimon, Shiojiri, Nagano",
                      "registration_number": REGISTRATION, "default_tax_rate": 10, "payment_terms_days": terms_days});
    call(app, Method::PUT, "/v1/billing-settings", admin, Some(body), StatusCode::OK).await;
}

/// A client's job taken to completion: one task worked by the first worker (with
/// `minutes` of approved time when more than zero), delivered and accepted.
pub(crate) async fn completed_job(app: &TestApp, cast: &Cast, pricing: &str, minutes: i64) -> String {
    let mut body = job_body(&cast.center_id);
    body["pricing"] = json!(pricing);
    let job = call(app, Method::POST, "/v1/jobs", &cast.client, Some(body), StatusCode::CREATED).await;
    let job = job["id"].as_str().expect("id").to_owned();
    call(app, Method::POST, &format!("/v1/jobs/{job}/post"), &cast.client, None, StatusCode::OK).await;
    call(app, Method::POST, &format!("/v1/jobs/{job}/quote"), &cast.director, Some(quote_body()), StatusCode::OK).await;
    call(app, Method::POST, &format!("/v1/jobs/{job}/quote/approve"), &cast.client, None, StatusCode::OK).await;
    let (worker, token) = &cast.workers[0];
    let tasks = tasks_for(app, &cast.director, &job, vec![task("Photos 1–20", 90, 10, None)]).await;
    let t = &tasks[0];
    let assign = json!({"worker_id": worker.id.to_string()});
    call(app, Method::POST, &format!("/v1/tasks/{t}/assign"), &cast.director, Some(assign), StatusCode::OK).await;
    call(app, Method::POST, &format!("/v1/tasks/{t}/start"), token, None, StatusCode::OK).await;
    if minutes > 0 {
        let start = (Utc::now() - TimeDelta::hours(5)).with_timezone(&Tokyo);
        let span =
            json!({"started_at": start.to_rfc3339(), "ended_at": (start + TimeDelta::minutes(minutes)).to_rfc3339()});
        let entry =
            call(app, Method::POST, &format!("/v1/tasks/{t}/time-entries"), token, Some(span), StatusCode::CREATED)
                .await;
        let entry = entry["id"].as_str().expect("id");
        call(app, Method::POST, &format!("/v1/time-entries/{entry}/approve"), &cast.director, None, StatusCode::OK)
            .await;
    }
    let result = json!({"result_text": "done", "links": [], "payload": {}, "note": ""});
    let submitted =
        call(app, Method::POST, &format!("/v1/tasks/{t}/submissions"), token, Some(result), StatusCode::CREATED).await;
    let review = json!({"submission_id": submitted["id"], "decision": "approve"});
    call(app, Method::POST, &format!("/v1/tasks/{t}/review"), &cast.director, Some(review), StatusCode::OK).await;
    let delivery = call(
        app,
        Method::POST,
        &format!("/v1/jobs/{job}/deliveries"),
        &cast.director,
        Some(json!({"task_ids": [t]})),
        StatusCode::CREATED,
    )
    .await;
    let delivery = delivery["id"].as_str().expect("id");
    call(app, Method::POST, &format!("/v1/deliveries/{delivery}/accept"), &cast.client, None, StatusCode::OK).await;
    job
}

async fn draft(app: &TestApp, cast: &Cast, job: &str) -> Value {
    call(app, Method::POST, &format!("/v1/jobs/{job}/invoices"), &cast.director, None, StatusCode::CREATED).await
}

fn id(value: &Value) -> String {
    value["id"].as_str().expect("id").to_owned()
}

fn yen(amount: i64) -> Value {
    json!({"amount_minor": amount, "currency": "JPY"})
}

async fn invoices_are_drafted_issued_credited_and_paid(app: TestApp) {
    let cast = cast(&app).await;
    let admin = admin(&app, &cast).await;
    let (worker, token) = &cast.workers[0];
    always_available(&app, token, worker, 480, 2400).await;

    // Only completed jobs are invoiced, once, and only by the centre.
    let running = active_job(&app, &cast).await;
    app.request(Method::POST, &format!("/v1/jobs/{running}/invoices"), Some(&cast.director), None)
        .await
        .assert_problem(StatusCode::CONFLICT, "invalid_state");
    let fixed = completed_job(&app, &cast, "fixed", 0).await;
    app.request(Method::POST, &format!("/v1/jobs/{fixed}/invoices"), Some(&cast.client), None)
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let invoice = draft(&app, &cast, &fixed).await;
    assert_eq!(invoice["status"], "draft");
    assert_eq!(invoice["number"], Value::Null);
    assert_eq!(invoice["recipient_name"], "Shiojiri Map Works");
    assert_eq!(invoice["lines"][0]["amount"], yen(450_000), "the approved quote");
    assert_eq!(invoice["total"], yen(495_000));
    app.request(Method::POST, &format!("/v1/jobs/{fixed}/invoices"), Some(&cast.director), None)
        .await
        .assert_problem(StatusCode::CONFLICT, "already_invoiced");
    let path = format!("/v1/invoices/{}", id(&invoice));

    // Clients never see drafts.
    app.get(&path, Some(&cast.client)).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let theirs = call(&app, Method::GET, "/v1/invoices", &cast.client, None, StatusCode::OK).await;
    assert_eq!(theirs["items"], json!([]));

    // Editing a draft: a reduced-rate line; tax once per rate. Bad input changes nothing.
    let lines = json!([
        {"description": "Annotate street photos", "amount": {"amount_minor": 450_000}},
        {"description": "Snacks for the review meeting", "amount": {"amount_minor": 1_255}, "tax_rate": 8},
    ]);
    let before = app.row_counts();
    for (body, status, code) in [
        (json!({"lines": lines, "version": 99}), StatusCode::CONFLICT, "version_conflict"),
        (
            json!({"lines": [{"description": "x", "amount": {"amount_minor": 5}, "tax_rate": 5}], "version": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (json!({"lines": [], "version": 1}), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        (
            json!({"lines": [{"description": "x", "amount": {"amount_minor": 5, "currency": "USD"}}], "version": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ] {
        app.request(Method::PUT, &path, Some(&cast.director), Some(body)).await.assert_problem(status, code);
    }
    assert_eq!(app.row_counts(), before, "nothing written");
    let edited = json!({"lines": lines, "note": "Thank you.", "version": 1});
    let edited = call(&app, Method::PUT, &path, &cast.director, Some(edited), StatusCode::OK).await;
    // 8 % of ¥1 255 is ¥100.4: ¥100, rounded down once.
    assert_eq!(
        edited["by_rate"],
        json!([{"tax_rate": 10, "subtotal": yen(450_000), "tax": yen(45_000)},
               {"tax_rate": 8, "subtotal": yen(1_255), "tax": yen(100)}])
    );
    assert_eq!(edited["total"], yen(496_355));

    // Issuing needs the centre's billing settings.
    let issue = format!("{path}/issue");
    app.request(Method::POST, &issue, Some(&cast.director), None)
        .await
        .assert_problem(StatusCode::CONFLICT, "billing_not_configured");
    save_billing(&app, &admin, 30).await;
    let issued = call(&app, Method::POST, &issue, &cast.director, None, StatusCode::OK).await;
    assert_eq!(issued["status"], "issued");
    assert_eq!(issued["number"], 1);
    assert_eq!(issued["issuer"]["registration_number"], REGISTRATION);
    let issued_on: chrono::NaiveDate = issued["issued_on"].as_str().expect("day").parse().expect("day");
    assert_eq!(issued["due_on"], (issued_on + TimeDelta::days(30)).to_string());
    assert_eq!(issued["amount_due"], yen(496_355));
    assert_eq!(issued["allowed_actions"], json!(["pay", "void", "credit"]));

    // Issued means frozen.
    let before = app.row_counts();
    app.request(Method::PUT, &path, Some(&cast.director), Some(json!({"lines": lines, "version": 2})))
        .await
        .assert_problem(StatusCode::CONFLICT, "invalid_state");
    app.request(Method::POST, &issue, Some(&cast.director), None)
        .await
        .assert_problem(StatusCode::CONFLICT, "invalid_state");
    assert_eq!(app.row_counts(), before);

    // The client reads it, as JSON, CSV and a page.
    let seen = call(&app, Method::GET, &path, &cast.client, None, StatusCode::OK).await;
    assert_eq!(seen["number"], 1);
    let csv = app.get(&format!("{path}/csv?bom=true"), Some(&cast.client)).await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = csv.body.as_str().expect("csv").to_owned();
    assert!(text.starts_with('\u{feff}'), "a byte-order mark first");
    for expected in
        ["適格請求書", REGISTRATION, "Snacks for the review meeting ※", "消費税 8%,,,100", "合計（税込）,,,496355"]
    {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let page = app.get(&format!("{path}/html?lang=en"), Some(&cast.client)).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = page.body.as_str().expect("page");
    assert!(page.contains("Qualified invoice") && page.contains("Kado Telework Centre"), "{page}");
    app.request(
        Method::POST,
        &format!("{path}/payments"),
        Some(&cast.client),
        Some(json!({"amount": {"amount_minor": 1}, "paid_on": issued_on})),
    )
    .await
    .assert_problem(StatusCode::FORBIDDEN, "forbidden");

    // A credit note: never more than a rate holds; numbered in the same series.
    let credit = format!("{path}/credit-notes");
    let before = app.row_counts();
    let too_much =
        json!({"lines": [{"description": "x", "amount": {"amount_minor": 1_256}, "tax_rate": 8}], "reason": "r"});
    app.request(Method::POST, &credit, Some(&cast.director), Some(too_much))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(app.row_counts(), before, "nothing written");
    let body = json!({"lines": [{"description": "Twenty photos done twice", "amount": {"amount_minor": 10_000}}],
                      "reason": "Photos 1–20 were billed twice."});
    let note = call(&app, Method::POST, &credit, &cast.director, Some(body), StatusCode::CREATED).await;
    assert_eq!((note["kind"].clone(), note["number"].clone()), (json!("credit_note"), json!(2)));
    assert_eq!(note["credits_invoice_id"], issued["id"]);
    assert_eq!(note["total"], yen(11_000));
    let note_csv = app.get(&format!("/v1/invoices/{}/csv", id(&note)), Some(&cast.client)).await;
    let note_csv = note_csv.body.as_str().expect("csv");
    assert!(note_csv.contains("適格返還請求書") && note_csv.contains("対象の請求書番号,000001"), "{note_csv}");
    let after = call(&app, Method::GET, &path, &cast.director, None, StatusCode::OK).await;
    assert_eq!((after["credited"].clone(), after["amount_due"].clone()), (yen(11_000), yen(485_355)));

    // The payment: exactly what is due, on a day that can be.
    let pay = format!("{path}/payments");
    let before = app.row_counts();
    let today = Utc::now().with_timezone(&Tokyo).date_naive();
    for body in [
        json!({"amount": {"amount_minor": 496_355}, "paid_on": today}),
        json!({"amount": {"amount_minor": 485_355}, "paid_on": today + TimeDelta::days(1)}),
        json!({"amount": {"amount_minor": 485_355}, "paid_on": issued_on - TimeDelta::days(1)}),
    ] {
        app.request(Method::POST, &pay, Some(&cast.director), Some(body))
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    assert_eq!(app.row_counts(), before, "nothing written");
    let paid = json!({"amount": {"amount_minor": 485_355}, "paid_on": today});
    let paid = call(&app, Method::POST, &pay, &cast.director, Some(paid), StatusCode::OK).await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["payment"], json!({"amount": yen(485_355), "paid_on": today.to_string()}));
    app.request(Method::POST, &format!("{path}/void"), Some(&cast.director), Some(json!({"reason": "late"})))
        .await
        .assert_problem(StatusCode::CONFLICT, "invalid_state");

    // An hourly job: 90 approved minutes at ¥450 000 / 30 000 min = ¥1 350.
    let hourly = completed_job(&app, &cast, "hourly", 90).await;
    // A draft voided was never issued: its client never sees it.
    let discarded = draft(&app, &cast, &hourly).await;
    let discarded_path = format!("/v1/invoices/{}", id(&discarded));
    let reason = json!({"reason": "Drafted too early."});
    call(&app, Method::POST, &format!("{discarded_path}/void"), &cast.director, Some(reason), StatusCode::OK).await;
    app.get(&discarded_path, Some(&cast.client)).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let first = draft(&app, &cast, &hourly).await;
    assert_eq!(first["lines"][0]["minutes"], 90);
    assert_eq!(first["lines"][0]["amount"], yen(1_350));
    let first_path = format!("/v1/invoices/{}", id(&first));
    let first = call(&app, Method::POST, &format!("{first_path}/issue"), &cast.director, None, StatusCode::OK).await;
    assert_eq!(first["number"], 3);
    // Voided when unpaid: it keeps its number, and the job may be invoiced again.
    let voided = json!({"reason": "Sent to the wrong department."});
    let voided =
        call(&app, Method::POST, &format!("{first_path}/void"), &cast.director, Some(voided), StatusCode::OK).await;
    assert_eq!((voided["status"].clone(), voided["number"].clone()), (json!("void"), json!(3)));
    let second = draft(&app, &cast, &hourly).await;
    let second =
        call(&app, Method::POST, &format!("/v1/invoices/{}/issue", id(&second)), &cast.director, None, StatusCode::OK)
            .await;
    assert_eq!(second["number"], 4);

    // Lists: the client sees all four issued documents, filters narrow them.
    let theirs = call(&app, Method::GET, "/v1/invoices", &cast.client, None, StatusCode::OK).await;
    let numbers: Vec<i64> =
        theirs["items"].as_array().expect("items").iter().map(|i| i["number"].as_i64().expect("n")).collect();
    assert_eq!(numbers, vec![1, 2, 3, 4]);
    let notes = call(&app, Method::GET, "/v1/invoices?kind=credit_note", &cast.director, None, StatusCode::OK).await;
    assert_eq!(notes["items"].as_array().map(Vec::len), Some(1));
    let of_job = call(
        &app,
        Method::GET,
        &format!("/v1/invoices?job_id={hourly}&status=issued"),
        &cast.client,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(of_job["items"][0]["number"], 4);
    let workers_list = app.get("/v1/invoices", Some(token)).await;
    workers_list.assert_problem(StatusCode::FORBIDDEN, "forbidden");

    // The centre's month: invoiced before tax (¥451 255 − ¥10 000 + ¥1 350; the void
    // one not counted) against what the month's approved time cost.
    let month = |day: chrono::NaiveDate| day.format("%Y-%m").to_string();
    let margin =
        call(&app, Method::GET, &format!("/v1/margins/{}", month(issued_on)), &cast.director, None, StatusCode::OK)
            .await;
    assert_eq!(margin["revenue"], yen(442_605), "{margin}");
    assert_eq!((margin["invoices"].as_i64(), margin["credit_notes"].as_i64()), (Some(2), Some(1)));
    let worked_on = (Utc::now() - TimeDelta::hours(5)).with_timezone(&Tokyo).date_naive();
    let worked =
        call(&app, Method::GET, &format!("/v1/margins/{}", month(worked_on)), &cast.director, None, StatusCode::OK)
            .await;
    assert_eq!(worked["approved_minutes"], 90);
    let cost = worked["labour_cost"]["amount_minor"].as_i64().expect("cost");
    assert!(cost > 0, "{worked}");
    let hourly_row = worked["jobs"].as_array().expect("jobs").iter().find(|j| j["job_id"] == hourly.as_str()).cloned();
    assert_eq!(hourly_row.map(|j| j["approved_minutes"].clone()), Some(json!(90)));
    if month(worked_on) == month(issued_on) {
        assert_eq!(worked["margin"], yen(442_605 - cost));
    }
    app.get(&format!("/v1/margins/{}", month(issued_on)), Some(&cast.client))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    app.get("/v1/margins/2026-13", Some(&cast.director))
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "invalid_path_parameter");

    // Overdue: found once by housekeeping after the due date.
    let later = Utc::now() + TimeDelta::days(32);
    assert_eq!(yui_notify::housekeeping::sweep_overdue(&app.db, Utc::now()).expect("sweep"), 0, "not due yet");
    assert_eq!(yui_notify::housekeeping::sweep_overdue(&app.db, later).expect("sweep"), 1, "only the unpaid one");
    assert_eq!(yui_notify::housekeeping::sweep_overdue(&app.db, later).expect("sweep"), 0, "reported once");

    // The client is e-mailed each issued invoice (not the credit note), the receipt of
    // the payment and the overdue one.
    let mailed: Vec<(String, String)> = crate::helpers::all_outbox(&app.db)
        .into_iter()
        .filter(|m| m.template.as_str().starts_with("invoice_"))
        .map(|m| (m.template.as_str().to_owned(), m.data["invoice_number"].as_str().unwrap_or_default().to_owned()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("invoice_issued", "000001"),
        ("invoice_paid", "000001"),
        ("invoice_issued", "000003"),
        ("invoice_issued", "000004"),
        ("invoice_overdue", "000004"),
    ]
    .iter()
    .map(|(t, n)| ((*t).to_owned(), (*n).to_owned()))
    .collect();
    assert_eq!(mailed, expected);

    // The client's feed tells of every issue, the payment and the overdue invoice.
    let feed = call(&app, Method::GET, "/v1/events?limit=100", &cast.client, None, StatusCode::OK).await;
    let invoice_events: Vec<(String, String)> = feed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["type"].as_str().is_some_and(|t| t.starts_with("invoice.")))
        .map(|e| {
            (
                e["type"].as_str().expect("type").to_owned(),
                e["data"]["invoice_id"].as_str().expect("invoice").to_owned(),
            )
        })
        .collect();
    let (invoice_id, note_id, first_id, second_id) = (id(&issued), id(&note), id(&first), id(&second));
    assert_eq!(
        invoice_events,
        vec![
            ("invoice.issued".to_owned(), invoice_id.clone()),
            ("invoice.issued".to_owned(), note_id),
            ("invoice.paid".to_owned(), invoice_id),
            ("invoice.issued".to_owned(), first_id),
            ("invoice.issued".to_owned(), second_id.clone()),
            ("invoice.overdue".to_owned(), second_id),
        ]
    );
}

/// Eight issue requests at once, two of them for a draft already being issued: the
/// six drafts get the next six numbers; the repeats are refused and take none. Ten
/// rounds (each voids what it issued, so the jobs are invoiced again): numbers
/// 1 to 60, no gap, no duplicate.
async fn directors_issuing_at_once_get_consecutive_numbers(app: TestApp) {
    let cast = cast(&app).await;
    let admin = admin(&app, &cast).await;
    save_billing(&app, &admin, 30).await;
    let (worker, token) = &cast.workers[0];
    always_available(&app, token, worker, 480, 2400).await;
    let mut jobs = Vec::new();
    for _ in 0..6 {
        jobs.push(completed_job(&app, &cast, "fixed", 0).await);
    }
    let mut numbers = Vec::new();
    let app = &app;
    for round in 0..10 {
        let mut drafts = Vec::new();
        for job in &jobs {
            drafts.push(id(&draft(app, &cast, job).await));
        }
        let requests: Vec<_> = drafts
            .iter()
            .chain(drafts.iter().take(2))
            .enumerate()
            .map(|(i, draft)| {
                let token = if i % 2 == 0 { &cast.director } else { &cast.other_director };
                let path = format!("/v1/invoices/{draft}/issue");
                async move { app.request(Method::POST, &path, Some(token), None).await }
            })
            .collect();
        let replies = join_all(requests).await;
        let mut refused = 0;
        for reply in &replies {
            match reply.status {
                StatusCode::OK => numbers.push(reply.body["number"].as_i64().expect("number")),
                StatusCode::CONFLICT => refused += 1,
                other => panic!("round {round}: {other} {}", reply.body),
            }
        }
        assert_eq!(refused, 2, "round {round}: each draft is issued once");
        for draft in &drafts {
            let body = json!({"reason": "round over"});
            call(app, Method::POST, &format!("/v1/invoices/{draft}/void"), &cast.director, Some(body), StatusCode::OK)
                .await;
        }
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=60).collect::<Vec<i64>>(), "consecutive: no gap, no duplicate");
}

/// Ten rounds, each on new completed jobs: two drafts of a job at once make one
/// invoice; two credit notes at once that together take back more than it holds
/// leave exactly one; a payment and a void of another invoice at once leave exactly
/// one of them.
async fn simultaneous_drafts_credits_and_payments_apply_once(app: TestApp) {
    let cast = cast(&app).await;
    let admin = admin(&app, &cast).await;
    save_billing(&app, &admin, 30).await;
    let (worker, token) = &cast.workers[0];
    always_available(&app, token, worker, 480, 2400).await;
    let app = &app;
    let today = Utc::now().with_timezone(&Tokyo).date_naive().to_string();
    let both = [&cast.director, &cast.other_director];
    for round in 0..10 {
        let job = completed_job(app, &cast, "fixed", 0).await;
        let path = format!("/v1/jobs/{job}/invoices");
        let drafts = join_all(both.map(|token| {
            let path = path.clone();
            async move { app.request(Method::POST, &path, Some(token), None).await }
        }))
        .await;
        let made: Vec<&crate::helpers::Reply> = drafts.iter().filter(|r| r.status == StatusCode::CREATED).collect();
        assert_eq!(made.len(), 1, "round {round}: one draft per job");
        assert!(drafts.iter().any(|r| r.status == StatusCode::CONFLICT && r.body["code"] == "already_invoiced"));
        let invoice = format!("/v1/invoices/{}", id(&made[0].body));
        call(app, Method::POST, &format!("{invoice}/issue"), &cast.director, None, StatusCode::OK).await;

        // ¥450 000 at 10 %: two credit notes of ¥300 000 cannot both fit.
        let credit = json!({"lines": [{"description": "Refund", "amount": {"amount_minor": 300_000}}], "reason": "r"});
        let credits = join_all(both.map(|token| {
            let (path, body) = (format!("{invoice}/credit-notes"), credit.clone());
            async move { app.request(Method::POST, &path, Some(token), Some(body)).await }
        }))
        .await;
        let statuses: Vec<StatusCode> = credits.iter().map(|r| r.status).collect();
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "round {round}: {statuses:?}");
        assert!(statuses.contains(&StatusCode::UNPROCESSABLE_ENTITY), "round {round}: {statuses:?}");
        let after = call(app, Method::GET, &invoice, &cast.director, None, StatusCode::OK).await;
        assert_eq!(after["credited"], yen(330_000));

        // Another invoice, paid and voided at once: one of the two lands.
        let other = completed_job(app, &cast, "fixed", 0).await;
        let other = format!("/v1/invoices/{}", id(&draft(app, &cast, &other).await));
        call(app, Method::POST, &format!("{other}/issue"), &cast.director, None, StatusCode::OK).await;
        let (pay_path, void_path) = (format!("{other}/payments"), format!("{other}/void"));
        let pay = json!({"amount": {"amount_minor": 495_000}, "paid_on": today});
        let (paid, voided) = futures::join!(
            app.request(Method::POST, &pay_path, Some(&cast.director), Some(pay)),
            app.request(Method::POST, &void_path, Some(&cast.other_director), Some(json!({"reason": "r"}))),
        );
        let statuses = (paid.status, voided.status);
        let after = call(app, Method::GET, &other, &cast.director, None, StatusCode::OK).await;
        match statuses {
            (StatusCode::OK, StatusCode::CONFLICT) => assert_eq!(after["status"], "paid"),
            (StatusCode::CONFLICT, StatusCode::OK) => assert_eq!(after["status"], "void"),
            other => panic!("round {round}: {other:?} {} {}", paid.body, voided.body),
        }
    }
}

/// A monthly invoice: every job of the organisation completed this month that no
/// invoice bills yet, a line each; the jobs it bills cannot be invoiced again until
/// it is voided; the client reads it, is e-mailed, and sees `invoice.issued` without
/// a job.
async fn a_client_organisation_is_invoiced_for_a_month(app: TestApp) {
    let cast = cast(&app).await;
    let admin = admin(&app, &cast).await;
    save_billing(&app, &admin, 30).await;
    let (worker, token) = &cast.workers[0];
    always_available(&app, token, worker, 480, 2400).await;
    let me = call(&app, Method::GET, "/v1/me", &cast.client, None, StatusCode::OK).await;
    let organization = me["organization"]["id"].as_str().expect("organisation").to_owned();
    let month = Utc::now().with_timezone(&Tokyo).format("%Y-%m").to_string();
    let monthly = format!("/v1/organizations/{organization}/invoices");

    let billed_alone = completed_job(&app, &cast, "fixed", 0).await;
    let fixed = completed_job(&app, &cast, "fixed", 0).await;
    let hourly = completed_job(&app, &cast, "hourly", 90).await;
    draft(&app, &cast, &billed_alone).await;

    // Refused, and nothing written: a client, a bad month, a month with nothing to
    // bill, an organisation that is not the centre's client.
    let stranger = app.create_organization("Not a client");
    let before = app.row_counts();
    let body = json!({"month": month});
    app.request(Method::POST, &monthly, Some(&cast.client), Some(body.clone()))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    app.request(Method::POST, &monthly, Some(&cast.director), Some(json!({"month": "2026-13"})))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    app.request(Method::POST, &monthly, Some(&cast.director), Some(json!({"month": "2030-01"})))
        .await
        .assert_problem(StatusCode::CONFLICT, "conflict");
    app.request(
        Method::POST,
        &format!("/v1/organizations/{stranger}/invoices"),
        Some(&cast.director),
        Some(body.clone()),
    )
    .await
    .assert_problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(app.row_counts(), before);

    let invoice = call(&app, Method::POST, &monthly, &cast.director, Some(body.clone()), StatusCode::CREATED).await;
    assert_eq!((invoice["job_id"].clone(), invoice["period"].as_str()), (json!(null), Some(month.as_str())));
    let lines: Vec<(String, i64)> = invoice["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| (l["job_id"].as_str().expect("job").to_owned(), l["amount"]["amount_minor"].as_i64().expect("amount")))
        .collect();
    assert_eq!(lines, vec![(fixed.clone(), 450_000), (hourly.clone(), 1_350)], "the jobs not billed yet");
    assert_eq!(invoice["total"], yen(496_485));
    app.request(Method::POST, &monthly, Some(&cast.director), Some(body.clone()))
        .await
        .assert_problem(StatusCode::CONFLICT, "conflict");
    app.request(Method::POST, &format!("/v1/jobs/{fixed}/invoices"), Some(&cast.director), None)
        .await
        .assert_problem(StatusCode::CONFLICT, "already_invoiced");

    // A line may name only a job the invoice bills.
    let path = format!("/v1/invoices/{}", id(&invoice));
    let stray =
        json!({"lines": [{"description": "x", "job_id": billed_alone, "amount": {"amount_minor": 1}}], "version": 1});
    app.request(Method::PUT, &path, Some(&cast.director), Some(stray))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let issued = call(&app, Method::POST, &format!("{path}/issue"), &cast.director, None, StatusCode::OK).await;
    let seen = call(&app, Method::GET, &path, &cast.client, None, StatusCode::OK).await;
    assert_eq!(seen["number"], issued["number"]);
    let csv = app.get(&format!("{path}/csv"), Some(&cast.client)).await;
    assert!(csv.body.as_str().expect("csv").contains(&format!("対象期間,{month}")), "{}", csv.body);
    let feed = call(&app, Method::GET, "/v1/events?limit=100", &cast.client, None, StatusCode::OK).await;
    let told =
        feed["items"].as_array().expect("items").iter().find(|e| e["data"]["invoice_id"] == issued["id"]).cloned();
    assert_eq!(
        told.map(|e| (e["type"].clone(), e["data"]["job_id"].clone())),
        Some((json!("invoice.issued"), json!(null)))
    );
    let mailed: Vec<String> = crate::helpers::all_outbox(&app.db)
        .into_iter()
        .filter(|m| m.template.as_str() == "invoice_issued")
        .map(|m| m.data["billed_for"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(mailed, vec![month.clone()]);

    // Voided, it frees its jobs.
    let voided = json!({"reason": "Billed per job instead."});
    call(&app, Method::POST, &format!("{path}/void"), &cast.director, Some(voided), StatusCode::OK).await;
    draft(&app, &cast, &fixed).await;
}

/// Ten rounds: a per-job draft and the organisation's monthly draft sent at once for
/// a newly completed job (the only one not billed yet): exactly one bills it, the
/// other is refused with `409`.
async fn a_monthly_and_a_per_job_draft_at_once_bill_the_job_once(app: TestApp) {
    let cast = cast(&app).await;
    let (worker, token) = &cast.workers[0];
    always_available(&app, token, worker, 480, 2400).await;
    let me = call(&app, Method::GET, "/v1/me", &cast.client, None, StatusCode::OK).await;
    let organization = me["organization"]["id"].as_str().expect("organisation").to_owned();
    let month = json!({"month": Utc::now().with_timezone(&Tokyo).format("%Y-%m").to_string()});
    let app = &app;
    for round in 0..10 {
        let job = completed_job(app, &cast, "fixed", 0).await;
        let (per_job, monthly) =
            (format!("/v1/jobs/{job}/invoices"), format!("/v1/organizations/{organization}/invoices"));
        let (one, all) = futures::join!(
            app.request(Method::POST, &per_job, Some(&cast.director), None),
            app.request(Method::POST, &monthly, Some(&cast.other_director), Some(month.clone())),
        );
        let winner = match (one.status, all.status) {
            (StatusCode::CREATED, StatusCode::CONFLICT) | (StatusCode::CONFLICT, StatusCode::CREATED) => {
                if one.status == StatusCode::CREATED { &one } else { &all }
            }
            other => panic!("round {round}: {other:?} {} {}", one.body, all.body),
        };
        let billing: Vec<Value> =
            winner.body["lines"].as_array().expect("lines").iter().map(|l| l["job_id"].clone()).collect();
        // Every earlier job stays billed: the monthly draft can only have wanted this one.
        assert_eq!(billing, vec![json!(job)], "round {round}: {}", winner.body);
    }
}
