//! Each server caches its centres' workforce rosters (`yui_store::roster`). The
//! cache must never show an old roster: two servers share one database, both have
//! warm caches, and every kind of roster change written through one (a level, the
//! weekly windows, the caps, an account, a team, an absence) shows at once in the
//! other's candidates and dashboard, on both engines.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yui_domain::{Role, Tenant};

use crate::flow::{active_job, call, cast};
use crate::helpers::{Neighbour, TestApp};
use crate::on_both_engines;
use crate::workforce::{absent_until, always_available, assess, task, tasks_for};

on_both_engines!(a_second_server_sees_every_roster_change_at_once);

/// The candidates' worker ids, best first, as `server` ranks them.
async fn candidates_on(app: &TestApp, server: Option<&Neighbour>, task: &str, director: &str) -> Vec<String> {
    let path = format!("/v1/tasks/{task}/candidates");
    let reply = match server {
        Some(server) => app.get_on(server, &path, director).await,
        None => app.get(&path, Some(director)).await,
    };
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .map(|c| c["worker_id"].as_str().expect("worker id").to_owned())
        .collect()
}

/// Each team's member count on the dashboard of `server`.
async fn team_sizes_on(app: &TestApp, server: &Neighbour, director: &str) -> Vec<(String, u64)> {
    let reply = app.get_on(server, "/v1/dashboard", director).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .map(|t| (t["name"].as_str().expect("name").to_owned(), t["members"].as_u64().expect("members")))
        .collect()
}

async fn a_second_server_sees_every_roster_change_at_once(app: TestApp) {
    let cast = cast(&app).await;
    let center = app.db.read(|conn| yui_store::centers::find_by_slug(conn, "kado")).expect("centre").expect("kado");
    let director = cast.director.clone();
    let skill = json!({"slug": "bookkeeping", "name": "Bookkeeping"});
    call(&app, Method::POST, "/v1/skills", &director, Some(skill), StatusCode::CREATED).await;
    let first = app.create_user(Tenant::Center(center.id), Role::Worker);
    let second = app.create_user(Tenant::Center(center.id), Role::Worker);
    let first_token = app.token(&first).await;
    let second_token = app.token(&second).await;
    always_available(&app, &first_token, &first, 480, 3000).await;
    always_available(&app, &second_token, &second, 480, 3000).await;
    assess(&app, &director, &first, "bookkeeping", 4).await;
    assess(&app, &director, &second, "bookkeeping", 3).await;
    let job = active_job(&app, &cast).await;
    let ids = tasks_for(&app, &director, &job, vec![task("Ledger", 60, 3, Some(("bookkeeping", 3)))]).await;
    let probe = &ids[0];
    let (first_id, second_id) = (first.id.to_string(), second.id.to_string());
    let both = vec![first_id.clone(), second_id.clone()];

    let other = app.neighbour().await;
    // Warm both servers' caches.
    assert_eq!(candidates_on(&app, None, probe, &director).await, both);
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, both);
    assert_eq!(team_sizes_on(&app, &other, &director).await, Vec::<(String, u64)>::new());

    // A level.
    assess(&app, &director, &first, "bookkeeping", 2).await;
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, [second_id.as_str()]);
    assess(&app, &director, &first, "bookkeeping", 5).await;
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, both);

    // The weekly windows.
    let windows = format!("/v1/workers/{}/availability/windows", first.id);
    let none = Some(json!({"windows": []}));
    call(&app, Method::PUT, &windows, &first_token, none, StatusCode::NO_CONTENT).await;
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, [second_id.as_str()]);
    always_available(&app, &first_token, &first, 480, 3000).await;
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, both);

    // The caps in the profile: 10 minutes a day, 20 a week cannot hold a one-hour
    // task due within four days (at most two weeks touched).
    always_available(&app, &first_token, &first, 10, 20).await;
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, [second_id.as_str()]);
    always_available(&app, &first_token, &first, 480, 3000).await;
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, both);

    // A team and its members.
    let team = call(
        &app,
        Method::POST,
        "/v1/teams",
        &director,
        Some(json!({"name": "Ledgers", "description": "Books", "public": false})),
        StatusCode::CREATED,
    )
    .await;
    let member = format!("/v1/teams/{}/members/{}", team["id"].as_str().expect("id"), first.id);
    call(&app, Method::PUT, &member, &director, Some(json!({"role": "member"})), StatusCode::OK).await;
    assert_eq!(team_sizes_on(&app, &other, &director).await, [("Ledgers".to_owned(), 1)]);
    call(&app, Method::DELETE, &member, &director, None, StatusCode::NO_CONTENT).await;
    assert_eq!(team_sizes_on(&app, &other, &director).await, [("Ledgers".to_owned(), 0)]);

    // An account.
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let admin = app.token(&admin).await;
    let deactivate = format!("/v1/users/{}/deactivate", second.id);
    call(&app, Method::POST, &deactivate, &admin, Some(json!({})), StatusCode::OK).await;
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, [first_id.as_str()]);

    // An absence through the due date.
    let at_risk: Vec<Value> = absent_until(&app, &first_token, &first, 4).await;
    assert!(at_risk.is_empty(), "nothing was assigned: {at_risk:?}");
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, Vec::<String>::new());
    // The writing server agrees.
    assert_eq!(candidates_on(&app, None, probe, &director).await, Vec::<String>::new());
}
