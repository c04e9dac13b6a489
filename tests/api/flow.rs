//! The whole team-job flow as client, directors and workers, over HTTP: post → quote
//! → approve → split 1 000 tasks → assign → start → submit → changes requested →
//! resubmit → approve → director fix → partial delivery → client rejects → rework →
//! second delivery → accept → job completed, with the event history of every step.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yui_domain::{Role, Tenant};

use crate::helpers::{Account, TestApp};
use crate::on_both_engines;

on_both_engines!(the_whole_flow_from_post_to_completion);

/// The people of one centre and one client organisation, logged in.
pub struct Cast {
    pub center_id: String,
    pub client: String,
    pub director: String,
    pub other_director: String,
    pub workers: Vec<(Account, String)>,
}

pub async fn cast(app: &TestApp) -> Cast {
    let center = app.create_center("kado");
    app.create_skill(center.id, "image-annotation");
    let org = app.create_organization("Shiojiri Map Works");
    let tenant = Tenant::Center(center.id);
    let client = app.create_user(Tenant::Organization(org), Role::Client);
    let director = app.create_user(tenant, Role::Director);
    let other_director = app.create_user(tenant, Role::Director);
    let mut workers = Vec::new();
    for _ in 0..3 {
        let worker = app.create_user(tenant, Role::Worker);
        let token = app.token(&worker).await;
        workers.push((worker, token));
    }
    Cast {
        center_id: center.id.to_string(),
        client: app.token(&client).await,
        director: app.token(&director).await,
        other_director: app.token(&other_director).await,
        workers,
    }
}

pub fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::TimeDelta::days(days)).to_rfc3339()
}

/// Sends a request and asserts the status; returns the body.
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
    expect: StatusCode,
) -> Value {
    let reply = app.request(method.clone(), path, Some(token), body).await;
    assert_eq!(reply.status, expect, "{method} {path}: {}", reply.body);
    reply.body
}

/// A client's job, taken through quote approval: returns its id.
pub async fn active_job(app: &TestApp, cast: &Cast) -> String {
    let job =
        call(app, Method::POST, "/v1/jobs", &cast.client, Some(job_body(&cast.center_id)), StatusCode::CREATED).await;
    let id = job["id"].as_str().expect("id").to_owned();
    call(app, Method::POST, &format!("/v1/jobs/{id}/post"), &cast.client, None, StatusCode::OK).await;
    call(app, Method::POST, &format!("/v1/jobs/{id}/quote"), &cast.director, Some(quote_body()), StatusCode::OK).await;
    call(app, Method::POST, &format!("/v1/jobs/{id}/quote/approve"), &cast.client, None, StatusCode::OK).await;
    id
}

pub fn job_body(center_id: &str) -> Value {
    json!({
        "center_id": center_id,
        "title": "Annotate street photos",
        "description": "Mark every road sign in 20 000 photos of Shiojiri.",
        "category": "data-annotation",
        "required_skills": [{"skill": "image-annotation", "min_level": 1}],
        "pricing": "fixed",
        "budget": {"amount_minor": 480000, "currency": "JPY"},
        "due_at": in_days(30),
        "deliverable_spec": "One JSON file of bounding boxes per photo.",
    })
}

pub fn quote_body() -> Value {
    json!({"estimated_minutes": 30000, "price": {"amount_minor": 450000}, "planned_delivery_at": in_days(25), "note": "Two teams"})
}

pub fn tasks_body(count: usize) -> Value {
    let tasks: Vec<Value> = (0..count)
        .map(|i| {
            json!({"title": format!("Photos {}–{}", i * 20 + 1, i * 20 + 20), "instructions": "Box every sign.",
                   "estimated_minutes": 30, "due_at": in_days(20), "skill": "image-annotation"})
        })
        .collect();
    json!({"tasks": tasks})
}

fn submission(text: &str) -> Value {
    json!({"result_text": text, "links": ["https://files.example/result.json"], "payload": {"boxes": 12}, "note": "done"})
}

async fn events(app: &TestApp, path: &str, token: &str) -> Vec<String> {
    let mut kinds = Vec::new();
    let mut next = format!("{path}?limit=100");
    loop {
        let page = call(app, Method::GET, &next, token, None, StatusCode::OK).await;
        kinds.extend(
            page["items"].as_array().expect("items").iter().map(|e| e["kind"].as_str().expect("kind").to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => next = format!("{path}?limit=100&cursor={cursor}"),
            None => return kinds,
        }
    }
}

async fn the_whole_flow_from_post_to_completion(app: TestApp) {
    let cast = cast(&app).await;
    let (client, director) = (cast.client.as_str(), cast.director.as_str());

    // The client drafts, edits and posts a job.
    let job = call(&app, Method::POST, "/v1/jobs", client, Some(job_body(&cast.center_id)), StatusCode::CREATED).await;
    assert_eq!(job["status"], "draft");
    let job_id = job["id"].as_str().expect("id").to_owned();
    let job_path = format!("/v1/jobs/{job_id}");
    let edited = call(
        &app,
        Method::PATCH,
        &job_path,
        client,
        Some(json!({"title": "Annotate 20 000 street photos"})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["title"], "Annotate 20 000 street photos");
    let posted = call(&app, Method::POST, &format!("{job_path}/post"), client, None, StatusCode::OK).await;
    assert_eq!(posted["status"], "posted");

    // A director sees it, quotes; the client rejects; a new quote; the client approves.
    let incoming = call(&app, Method::GET, "/v1/jobs?status=posted", director, None, StatusCode::OK).await;
    assert_eq!(incoming["items"][0]["id"], job_id.as_str());
    call(&app, Method::POST, &format!("{job_path}/quote"), director, Some(quote_body()), StatusCode::OK).await;
    let rejected = call(
        &app,
        Method::POST,
        &format!("{job_path}/quote/reject"),
        client,
        Some(json!({"reason": "Over budget by too much"})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(rejected["status"], "posted");
    call(&app, Method::POST, &format!("{job_path}/quote"), director, Some(quote_body()), StatusCode::OK).await;
    let active = call(&app, Method::POST, &format!("{job_path}/quote/approve"), client, None, StatusCode::OK).await;
    assert_eq!(active["status"], "active");
    let quotes = call(&app, Method::GET, &format!("{job_path}/quotes"), client, None, StatusCode::OK).await;
    let statuses: Vec<_> = quotes.as_array().expect("quotes").iter().map(|q| q["status"].clone()).collect();
    assert_eq!(statuses, vec![json!("rejected"), json!("approved")]);

    // The director splits it into 1 000 tasks in one request.
    let created =
        call(&app, Method::POST, &format!("{job_path}/tasks"), director, Some(tasks_body(1000)), StatusCode::CREATED)
            .await;
    let task_ids: Vec<String> =
        created.as_array().expect("tasks").iter().map(|t| t["id"].as_str().expect("id").to_owned()).collect();
    assert_eq!(task_ids.len(), 1000);
    let progress = call(&app, Method::GET, &job_path, client, None, StatusCode::OK).await["progress"].clone();
    assert_eq!(progress["total_tasks"], 1000);
    assert_eq!(progress["tasks_by_status"]["open"], 1000);

    let (t1, t2, t3) = (&task_ids[0], &task_ids[1], &task_ids[2]);
    let worker_token = |i: usize| cast.workers[i].1.as_str();
    for (i, task) in [t1, t2, t3].into_iter().enumerate() {
        let worker_id = cast.workers[i].0.id.to_string();
        let assigned = call(
            &app,
            Method::POST,
            &format!("/v1/tasks/{task}/assign"),
            director,
            Some(json!({"worker_id": worker_id})),
            StatusCode::OK,
        )
        .await;
        assert_eq!(assigned["assignee_id"], worker_id.as_str());
        call(&app, Method::POST, &format!("/v1/tasks/{task}/start"), worker_token(i), None, StatusCode::OK).await;
    }
    let mine = call(&app, Method::GET, "/v1/me/tasks", worker_token(0), None, StatusCode::OK).await;
    assert_eq!(mine["items"].as_array().expect("items").len(), 1);
    assert_eq!(mine["items"][0]["job"]["title"], "Annotate 20 000 street photos");

    // T1: submitted, changes requested, resubmitted, approved.
    let v1 = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{t1}/submissions"),
        worker_token(0),
        Some(submission("first try")),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(v1["version_number"], 1);
    let queue = call(&app, Method::GET, "/v1/review-queue", director, None, StatusCode::OK).await;
    assert_eq!(queue["items"][0]["submission"]["id"], v1["id"]);
    let sent_back = call(&app, Method::POST, &format!("/v1/tasks/{t1}/review"), director,
        Some(json!({"submission_id": v1["id"], "decision": "request_changes", "comment": "Signs behind trees are missing."})),
        StatusCode::OK).await;
    assert_eq!(sent_back["task"]["status"], "changes_requested");
    assert_eq!(sent_back["review"]["verdict"], "changes_requested");
    let v2 = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{t1}/submissions"),
        worker_token(0),
        Some(submission("second try")),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(v2["version_number"], 2);
    let approved = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{t1}/review"),
        director,
        Some(json!({"submission_id": v2["id"], "decision": "approve"})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(approved["task"]["status"], "approved");
    assert_eq!(approved["review"]["submission_id"], v2["id"], "the review records the version it judged");

    // T2: fixed by the director (a new version, marked as the director's).
    let t2v1 = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{t2}/submissions"),
        worker_token(1),
        Some(submission("almost")),
        StatusCode::CREATED,
    )
    .await;
    let fixed = call(&app, Method::POST, &format!("/v1/tasks/{t2}/fix"), director,
        Some(json!({"submission_id": t2v1["id"], "result": submission("corrected by the director"), "comment": "Fixed two boxes."})),
        StatusCode::OK).await;
    assert_eq!(fixed["task"]["status"], "approved");
    assert_eq!(fixed["review"]["verdict"], "fixed");
    let versions =
        call(&app, Method::GET, &format!("/v1/tasks/{t2}/submissions"), director, None, StatusCode::OK).await;
    let by_director: Vec<_> = versions.as_array().expect("versions").iter().map(|v| v["by_director"].clone()).collect();
    assert_eq!(by_director, vec![json!(false), json!(true)], "nothing is overwritten");

    // T3: approved at once.
    let t3v1 = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{t3}/submissions"),
        worker_token(2),
        Some(submission("fine")),
        StatusCode::CREATED,
    )
    .await;
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{t3}/review"),
        director,
        Some(json!({"submission_id": t3v1["id"], "decision": "approve"})),
        StatusCode::OK,
    )
    .await;

    // The rest of the job is dropped.
    for task in &task_ids[3..] {
        call(&app, Method::POST, &format!("/v1/tasks/{task}/cancel"), director, None, StatusCode::OK).await;
    }

    // A partial delivery of T1 and T2; the client reads it and rejects it.
    let d1 = call(
        &app,
        Method::POST,
        &format!("{job_path}/deliveries"),
        director,
        Some(json!({"task_ids": [t1, t2], "note": "First half"})),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(d1["task_count"], 2);
    let d1_path = format!("/v1/deliveries/{}", d1["id"].as_str().expect("id"));
    let detail = call(&app, Method::GET, &d1_path, client, None, StatusCode::OK).await;
    assert_eq!(detail["results"].as_array().expect("results").len(), 2);
    let detail_text = detail.to_string();
    for (worker, _) in &cast.workers {
        assert!(!detail_text.contains(&worker.id.to_string()), "clients never see workers");
    }
    assert!(detail_text.contains("corrected by the director"), "the delivered version is the fixed one");
    let rejected = call(
        &app,
        Method::POST,
        &format!("{d1_path}/reject"),
        client,
        Some(json!({"reason": "Boxes are too loose."})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    let t1_now = call(&app, Method::GET, &format!("/v1/tasks/{t1}"), worker_token(0), None, StatusCode::OK).await;
    assert_eq!(t1_now["status"], "changes_requested");
    assert_eq!(t1_now["assignee_id"], cast.workers[0].0.id.to_string().as_str(), "back to the same worker");

    // Rework, then a second delivery of all three, which the client accepts.
    for (i, task) in [(0, t1), (1, t2)] {
        let again = call(
            &app,
            Method::POST,
            &format!("/v1/tasks/{task}/submissions"),
            worker_token(i),
            Some(submission("tightened")),
            StatusCode::CREATED,
        )
        .await;
        call(
            &app,
            Method::POST,
            &format!("/v1/tasks/{task}/review"),
            director,
            Some(json!({"submission_id": again["id"], "decision": "approve"})),
            StatusCode::OK,
        )
        .await;
    }
    let d2 = call(
        &app,
        Method::POST,
        &format!("{job_path}/deliveries"),
        director,
        Some(json!({"task_ids": [t1, t2, t3]})),
        StatusCode::CREATED,
    )
    .await;
    let accepted = call(
        &app,
        Method::POST,
        &format!("/v1/deliveries/{}/accept", d2["id"].as_str().expect("id")),
        client,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(accepted["status"], "accepted");

    let done = call(&app, Method::GET, &job_path, client, None, StatusCode::OK).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["progress"]["total_tasks"], 3);
    assert_eq!(done["progress"]["delivered_percent"], 100.0);
    assert_eq!(done["progress"]["tasks_by_status"]["cancelled"], 997);

    // The history matches every step.
    assert_eq!(
        events(&app, &format!("{job_path}/events"), client).await,
        [
            "created",
            "edited",
            "posted",
            "quoted",
            "quote_rejected",
            "quoted",
            "quote_approved",
            "tasks_added",
            "delivery_created",
            "delivery_rejected",
            "delivery_created",
            "delivery_accepted",
            "completed"
        ]
    );
    assert_eq!(
        events(&app, &format!("/v1/tasks/{t1}/events"), director).await,
        [
            "created",
            "assigned",
            "started",
            "submitted",
            "changes_requested",
            "submitted",
            "approved",
            "delivered",
            "delivery_rejected",
            "submitted",
            "approved",
            "delivered",
            "delivery_accepted"
        ]
    );
    assert_eq!(
        events(&app, &format!("/v1/tasks/{t2}/events"), worker_token(1)).await,
        [
            "created",
            "assigned",
            "started",
            "submitted",
            "fixed",
            "delivered",
            "delivery_rejected",
            "submitted",
            "approved",
            "delivered",
            "delivery_accepted"
        ]
    );
    assert_eq!(events(&app, &format!("/v1/tasks/{}/events", task_ids[500]), director).await, ["created", "cancelled"]);
}
