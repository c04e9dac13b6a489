//! The event feed (`GET /v1/events`): each caller reads what happened to what they
//! may see, in the envelope webhooks use, and polls on from where they stopped.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yui_domain::{Role, Tenant};

use crate::flow::{call, cast, job_body, quote_body, tasks_body};
use crate::helpers::TestApp;
use crate::on_both_engines;

on_both_engines!(each_caller_reads_what_it_may_see, a_poller_continues_where_it_stopped);

/// Every event of the caller's feed, following the cursor.
async fn feed(app: &TestApp, token: &str) -> Vec<Value> {
    let (mut all, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/events?limit=3&cursor={c}"),
            None => "/v1/events?limit=3".to_owned(),
        };
        let page = call(app, Method::GET, &path, token, None, StatusCode::OK).await;
        all.extend(page["items"].as_array().expect("items").iter().cloned());
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if page["has_more"] == false {
            return all;
        }
    }
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().expect("type")).collect()
}

async fn each_caller_reads_what_it_may_see(app: TestApp) {
    let cast = cast(&app).await;
    // A draft cancelled before it was ever posted: the centre never hears of it.
    let draft =
        call(&app, Method::POST, "/v1/jobs", &cast.client, Some(job_body(&cast.center_id)), StatusCode::CREATED).await;
    let draft_id = draft["id"].as_str().expect("id");
    call(&app, Method::POST, &format!("/v1/jobs/{draft_id}/cancel"), &cast.client, None, StatusCode::OK).await;

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
        Some(tasks_body(2)),
        StatusCode::CREATED,
    )
    .await;
    let task = tasks[0]["id"].as_str().expect("id").to_owned();
    let (worker, worker_token) = (&cast.workers[0].0, cast.workers[0].1.clone());
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{task}/assign"),
        &cast.director,
        Some(json!({"worker_id": worker.id.to_string()})),
        StatusCode::OK,
    )
    .await;
    call(&app, Method::POST, &format!("/v1/tasks/{task}/start"), &worker_token, None, StatusCode::OK).await;
    let submitted = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{task}/submissions"),
        &worker_token,
        Some(json!({"result_text": "done"})),
        StatusCode::CREATED,
    )
    .await;
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{task}/review"),
        &cast.director,
        Some(json!({"submission_id": submitted["id"], "decision": "approve"})),
        StatusCode::OK,
    )
    .await;
    let delivery = call(
        &app,
        Method::POST,
        &format!("/v1/jobs/{job_id}/deliveries"),
        &cast.director,
        Some(json!({"task_ids": [task]})),
        StatusCode::CREATED,
    )
    .await;
    let delivery_id = delivery["id"].as_str().expect("id").to_owned();
    call(&app, Method::POST, &format!("/v1/deliveries/{delivery_id}/accept"), &cast.client, None, StatusCode::OK).await;

    let director = feed(&app, &cast.director).await;
    assert_eq!(
        types(&director),
        [
            "job.posted",
            "job.quoted",
            "quote.approved",
            "task.assigned",
            "task.started",
            "task.submitted",
            "task.approved",
            "delivery.created",
            "delivery.accepted"
        ]
    );
    assert!(director.iter().all(|e| e["data"]["job_id"] == job_id.as_str()), "no trace of the draft");
    let assigned = &director[3];
    assert_eq!(assigned["data"]["task_id"], task.as_str());
    assert_eq!(assigned["data"]["to_state"], "assigned");
    assert!(assigned["data"]["actor_id"].is_string());
    assert!(assigned["timestamp"].is_string() && assigned["id"].is_string());

    let client = feed(&app, &cast.client).await;
    assert_eq!(
        types(&client),
        ["job.cancelled", "job.posted", "job.quoted", "quote.approved", "delivery.created", "delivery.accepted"]
    );
    for event in &client {
        assert!(event["data"]["task_id"].is_null() && event["data"]["actor_id"].is_null(), "{event}");
        assert!(!event.to_string().contains(&worker.id.to_string()), "a client never sees a worker");
    }
    assert_eq!(client[4]["data"]["delivery_id"], delivery_id.as_str());

    let own = feed(&app, &worker_token).await;
    assert_eq!(types(&own), ["task.assigned", "task.started", "task.submitted", "task.approved"]);
    assert!(own.iter().all(|e| e["data"]["task_id"] == task.as_str()));
    assert!(feed(&app, &cast.workers[1].1).await.is_empty(), "another worker sees nothing of a task not theirs");

    // Other tenants see nothing of it.
    let other_org = app.create_organization("Elsewhere");
    let other_client = app.create_user(Tenant::Organization(other_org), Role::Client);
    assert!(feed(&app, &app.token(&other_client).await).await.is_empty());
    let other_centre = app.create_center("hoshi");
    let other_admin = app.create_user(Tenant::Center(other_centre.id), Role::Admin);
    assert!(feed(&app, &app.token(&other_admin).await).await.is_empty());
}

async fn a_poller_continues_where_it_stopped(app: TestApp) {
    let cast = cast(&app).await;
    let empty = call(&app, Method::GET, "/v1/events", &cast.director, None, StatusCode::OK).await;
    assert_eq!(empty, json!({"items": [], "next_cursor": null, "has_more": false}));

    let job = crate::flow::active_job(&app, &cast).await;
    let first = call(&app, Method::GET, "/v1/events", &cast.director, None, StatusCode::OK).await;
    assert_eq!(types(first["items"].as_array().expect("items")), ["job.posted", "job.quoted", "quote.approved"]);
    assert_eq!(first["has_more"], false);
    let cursor = first["next_cursor"].as_str().expect("a cursor to keep").to_owned();

    // Nothing new: the same cursor comes back.
    let idle =
        call(&app, Method::GET, &format!("/v1/events?cursor={cursor}"), &cast.director, None, StatusCode::OK).await;
    assert_eq!(idle, json!({"items": [], "next_cursor": cursor, "has_more": false}));

    let tasks = call(
        &app,
        Method::POST,
        &format!("/v1/jobs/{job}/tasks"),
        &cast.director,
        Some(tasks_body(1)),
        StatusCode::CREATED,
    )
    .await;
    let task = tasks[0]["id"].as_str().expect("id");
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
    call(&app, Method::POST, &format!("/v1/tasks/{task}/cancel"), &cast.director, None, StatusCode::OK).await;
    let next =
        call(&app, Method::GET, &format!("/v1/events?cursor={cursor}"), &cast.director, None, StatusCode::OK).await;
    assert_eq!(
        types(next["items"].as_array().expect("items")),
        ["task.assigned", "task.cancelled"],
        "only what is new"
    );

    app.get("/v1/events?cursor=not-a-cursor", Some(&cast.director))
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "invalid_query_parameter");
    app.get("/v1/events?limit=0", Some(&cast.director))
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "invalid_query_parameter");
    app.get("/v1/events", None).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}
