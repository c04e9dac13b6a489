//! The flow's rules: refused transitions are `409` naming the state and the allowed
//! actions; other parties' jobs, tasks and deliveries are `404`; of two directors
//! assigning one task at once exactly one wins; workers never see budgets.

use reqwest::{Method, StatusCode};
use serde_json::json;
use yui_domain::{Role, Tenant};

use crate::flow::{active_job, call, cast, job_body, quote_body, tasks_body};
use crate::helpers::TestApp;
use crate::on_both_engines;

on_both_engines!(
    refused_transitions_name_the_state_and_the_allowed_actions,
    other_parties_get_not_found,
    two_directors_assigning_one_task_have_one_winner,
    workers_never_see_the_budget_and_bad_splits_write_nothing,
);

async fn refused_transitions_name_the_state_and_the_allowed_actions(app: TestApp) {
    let cast = cast(&app).await;
    let (client, director) = (cast.client.as_str(), cast.director.as_str());
    let job = call(&app, Method::POST, "/v1/jobs", client, Some(job_body(&cast.center_id)), StatusCode::CREATED).await;
    let job_path = format!("/v1/jobs/{}", job["id"].as_str().expect("id"));
    call(&app, Method::POST, &format!("{job_path}/post"), client, None, StatusCode::OK).await;

    let active_id = active_job(&app, &cast).await;
    let active_path = format!("/v1/jobs/{active_id}");
    let tasks =
        call(&app, Method::POST, &format!("{active_path}/tasks"), director, Some(tasks_body(2)), StatusCode::CREATED)
            .await;
    let task = tasks[0]["id"].as_str().expect("id").to_owned();
    let worker = cast.workers[0].0.id.to_string();
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{task}/assign"),
        director,
        Some(json!({"worker_id": worker})),
        StatusCode::OK,
    )
    .await;

    // (caller, method, path, body, current state, allowed actions)
    let table = vec![
        (client, Method::POST, format!("{job_path}/quote/approve"), None, "posted", vec!["quote", "decline", "cancel"]),
        (
            client,
            Method::PATCH,
            job_path.clone(),
            Some(json!({"title": "late edit"})),
            "posted",
            vec!["quote", "decline", "cancel"],
        ),
        (client, Method::POST, format!("{job_path}/post"), None, "posted", vec!["quote", "decline", "cancel"]),
        (client, Method::POST, format!("{active_path}/cancel"), None, "active", vec!["complete"]),
        (director, Method::POST, format!("{active_path}/quote"), Some(quote_body()), "active", vec!["complete"]),
        (
            director,
            Method::POST,
            format!("{job_path}/tasks"),
            Some(tasks_body(1)),
            "posted",
            vec!["quote", "decline", "cancel"],
        ),
        (
            director,
            Method::POST,
            format!("{active_path}/deliveries"),
            Some(json!({"task_ids": [task]})),
            "assigned",
            vec!["edit", "reassign", "unassign", "start", "cancel", "release"],
        ),
        (
            director,
            Method::POST,
            format!("/v1/tasks/{task}/assign"),
            Some(json!({"worker_id": worker})),
            "assigned",
            vec!["edit", "reassign", "unassign", "start", "cancel", "release"],
        ),
        (
            cast.workers[0].1.as_str(),
            Method::POST,
            format!("/v1/tasks/{task}/submissions"),
            Some(json!({"result_text": "too early"})),
            "assigned",
            vec!["edit", "reassign", "unassign", "start", "cancel", "release"],
        ),
        (
            director,
            Method::POST,
            format!("/v1/tasks/{task}/review"),
            Some(json!({"submission_id": uuid::Uuid::now_v7(), "decision": "approve"})),
            "assigned",
            vec!["edit", "reassign", "unassign", "start", "cancel", "release"],
        ),
    ];
    for (token, method, path, body, state, allowed) in table {
        let before = app.row_counts();
        let reply = app.request(method.clone(), &path, Some(token), body).await;
        reply.assert_problem(StatusCode::CONFLICT, "invalid_state");
        assert_eq!(reply.body["current_state"], state, "{method} {path}");
        assert_eq!(reply.body["allowed_actions"], json!(allowed), "{method} {path}");
        assert_eq!(app.row_counts(), before, "{method} {path} wrote something");
    }

    // Reviewing a version other than the one waiting is refused too.
    let worker_token = cast.workers[0].1.as_str();
    call(&app, Method::POST, &format!("/v1/tasks/{task}/start"), worker_token, None, StatusCode::OK).await;
    let first = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{task}/submissions"),
        worker_token,
        Some(json!({"result_text": "v1"})),
        StatusCode::CREATED,
    )
    .await;
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{task}/review"),
        director,
        Some(json!({"submission_id": first["id"], "decision": "request_changes", "comment": "again"})),
        StatusCode::OK,
    )
    .await;
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{task}/submissions"),
        worker_token,
        Some(json!({"result_text": "v2"})),
        StatusCode::CREATED,
    )
    .await;
    app.request(
        Method::POST,
        &format!("/v1/tasks/{task}/review"),
        Some(director),
        Some(json!({"submission_id": first["id"], "decision": "approve"})),
    )
    .await
    .assert_problem(StatusCode::CONFLICT, "stale_submission");
    app.request(
        Method::POST,
        &format!("/v1/tasks/{task}/review"),
        Some(director),
        Some(json!({"submission_id": first["id"], "decision": "request_changes", "comment": "  "})),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

async fn other_parties_get_not_found(app: TestApp) {
    let cast = cast(&app).await;
    let job_id = active_job(&app, &cast).await;
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
    let (assignee, assignee_token) = (&cast.workers[0].0, cast.workers[0].1.as_str());
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{task}/assign"),
        &cast.director,
        Some(json!({"worker_id": assignee.id.to_string()})),
        StatusCode::OK,
    )
    .await;
    let draft =
        call(&app, Method::POST, "/v1/jobs", &cast.client, Some(job_body(&cast.center_id)), StatusCode::CREATED).await;
    let draft_path = format!("/v1/jobs/{}", draft["id"].as_str().expect("id"));

    // Strangers: another organisation's client, another centre's director.
    let other_org = app.create_organization("Elsewhere Ltd");
    let stranger_client = app.create_user(Tenant::Organization(other_org), Role::Client);
    let other_center = app.create_center("elsewhere");
    let stranger_director = app.create_user(Tenant::Center(other_center.id), Role::Director);
    let stranger_client = app.token(&stranger_client).await;
    let stranger_director = app.token(&stranger_director).await;
    let other_worker = cast.workers[1].1.as_str();

    let job_path = format!("/v1/jobs/{job_id}");
    let task_path = format!("/v1/tasks/{task}");
    let table: Vec<(&str, &str, String)> = vec![
        ("another organisation's client", stranger_client.as_str(), job_path.clone()),
        ("another organisation's client", stranger_client.as_str(), format!("{job_path}/events")),
        ("another centre's director", stranger_director.as_str(), job_path.clone()),
        ("another centre's director", stranger_director.as_str(), task_path.clone()),
        ("the centre's director, on a draft", cast.director.as_str(), draft_path.clone()),
        ("a worker, on a job", assignee_token, job_path.clone()),
        ("a worker, on another's task", other_worker, task_path.clone()),
        ("a worker, on another's task comments", other_worker, format!("{task_path}/comments")),
        ("the client, on a task", cast.client.as_str(), task_path.clone()),
        ("the client, on task comments", cast.client.as_str(), format!("{task_path}/comments")),
        ("the client, on task events", cast.client.as_str(), format!("{task_path}/events")),
        ("a worker, on job comments", assignee_token, format!("{job_path}/comments")),
    ];
    for (who, token, path) in table {
        let reply = app.get(&path, Some(token)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{who}: GET {path}: {}", reply.body);
    }
    assert_eq!(app.get(&task_path, Some(assignee_token)).await.status, StatusCode::OK);

    // Each side sees only its own thread.
    call(
        &app,
        Method::POST,
        &format!("{job_path}/comments"),
        &cast.client,
        Some(json!({"body": "Any questions?"})),
        StatusCode::CREATED,
    )
    .await;
    call(
        &app,
        Method::POST,
        &format!("{task_path}/comments"),
        assignee_token,
        Some(json!({"body": "Hidden signs too?"})),
        StatusCode::CREATED,
    )
    .await;
    let job_thread =
        call(&app, Method::GET, &format!("{job_path}/comments"), &cast.director, None, StatusCode::OK).await;
    assert_eq!(job_thread["items"].as_array().expect("items").len(), 1);
    let task_thread =
        call(&app, Method::GET, &format!("{task_path}/comments"), &cast.director, None, StatusCode::OK).await;
    assert_eq!(task_thread["items"][0]["body"], "Hidden signs too?");

    // Roles that may never act are refused outright.
    app.get("/v1/jobs", Some(assignee_token)).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    app.get("/v1/review-queue", Some(&cast.client)).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
}

async fn two_directors_assigning_one_task_have_one_winner(app: TestApp) {
    let cast = cast(&app).await;
    let job_id = active_job(&app, &cast).await;
    let tasks = call(
        &app,
        Method::POST,
        &format!("/v1/jobs/{job_id}/tasks"),
        &cast.director,
        Some(tasks_body(3)),
        StatusCode::CREATED,
    )
    .await;
    for task in tasks.as_array().expect("tasks") {
        let path = format!("/v1/tasks/{}/assign", task["id"].as_str().expect("id"));
        let attempts = [
            (&cast.director, &cast.workers[0].0),
            (&cast.other_director, &cast.workers[1].0),
            (&cast.director, &cast.workers[2].0),
            (&cast.other_director, &cast.workers[0].0),
        ]
        .map(|(token, worker)| {
            app.request(Method::POST, &path, Some(token), Some(json!({"worker_id": worker.id.to_string()})))
        });
        let replies = futures::future::join_all(attempts).await;
        let winners: Vec<_> = replies.iter().filter(|r| r.status == StatusCode::OK).collect();
        assert_eq!(winners.len(), 1, "{replies:?}");
        for loser in replies.iter().filter(|r| r.status != StatusCode::OK) {
            assert_eq!(loser.status, StatusCode::CONFLICT, "{}", loser.body);
            assert!(["invalid_state", "version_conflict"].contains(&loser.body["code"].as_str().unwrap_or_default()));
        }
        let events_path = format!("/v1/tasks/{}/events", task["id"].as_str().expect("id"));
        let history = call(&app, Method::GET, &events_path, &cast.director, None, StatusCode::OK).await;
        let assigned = history["items"].as_array().expect("items").iter().filter(|e| e["kind"] == "assigned").count();
        assert_eq!(assigned, 1, "exactly one assignment happened");
        let task = call(
            &app,
            Method::GET,
            &format!("/v1/tasks/{}", task["id"].as_str().expect("id")),
            &cast.director,
            None,
            StatusCode::OK,
        )
        .await;
        assert_eq!(task["assignee_id"], winners[0].body["assignee_id"]);
    }
}

async fn workers_never_see_the_budget_and_bad_splits_write_nothing(app: TestApp) {
    let cast = cast(&app).await;
    let job_id = active_job(&app, &cast).await;
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
    let (worker, token) = (&cast.workers[0].0, cast.workers[0].1.as_str());
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{task}/assign"),
        &cast.director,
        Some(json!({"worker_id": worker.id.to_string()})),
        StatusCode::OK,
    )
    .await;
    let seen = call(&app, Method::GET, &format!("/v1/tasks/{task}"), token, None, StatusCode::OK).await;
    assert_eq!(seen["job"]["title"], "Annotate street photos");
    let text = seen.to_string();
    assert!(!text.contains("budget") && !text.contains("480000"), "a worker sees no billing details: {text}");

    // One bad task among 50 rejects the whole split, naming it.
    let mut body = tasks_body(50);
    body["tasks"][37]["due_at"] = json!(crate::flow::in_days(365));
    let before = app.row_counts();
    let reply = app.request(Method::POST, &format!("/v1/jobs/{job_id}/tasks"), Some(&cast.director), Some(body)).await;
    reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(reply.body["errors"][0]["field"], "tasks[37].due_at");
    body = tasks_body(2);
    body["tasks"][1]["title"] = json!("");
    let reply = app.request(Method::POST, &format!("/v1/jobs/{job_id}/tasks"), Some(&cast.director), Some(body)).await;
    assert_eq!(reply.body["errors"][0]["field"], "tasks[1].title", "{}", reply.body);
    let too_many = app
        .request(Method::POST, &format!("/v1/jobs/{job_id}/tasks"), Some(&cast.director), Some(tasks_body(5001)))
        .await;
    too_many.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(app.row_counts(), before, "nothing of a refused split is written");
}
