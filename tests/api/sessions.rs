//! Refresh-token rotation, reuse detection and logout.

use reqwest::StatusCode;
use serde_json::json;
use yui_domain::{Role, Tenant};

use crate::helpers::TestApp;
use crate::on_both_engines;

on_both_engines!(
    refresh_rotates_and_an_old_token_is_refused,
    reusing_a_spent_refresh_token_revokes_the_session,
    logout_ends_the_session_at_once,
    racing_refreshes_of_one_token_have_one_winner,
);

async fn refresh_rotates_and_an_old_token_is_refused(app: TestApp) {
    let center = app.create_center("kado");
    let worker = app.create_user(Tenant::Center(center.id), Role::Worker);
    let (_, first_refresh) = app.login(&worker.email).await;

    let rotated = app.post("/v1/auth/refresh", None, json!({"refresh_token": first_refresh})).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let second_refresh = rotated.str("refresh_token");
    assert_ne!(second_refresh, first_refresh);
    assert_eq!(app.get("/v1/me", Some(&rotated.str("access_token"))).await.status, StatusCode::OK);

    let third = app.post("/v1/auth/refresh", None, json!({"refresh_token": second_refresh})).await;
    assert_eq!(third.status, StatusCode::OK);

    app.post("/v1/auth/refresh", None, json!({"refresh_token": "never-issued"}))
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "invalid_refresh_token");
}

async fn reusing_a_spent_refresh_token_revokes_the_session(app: TestApp) {
    let center = app.create_center("kado");
    let worker = app.create_user(Tenant::Center(center.id), Role::Worker);
    let (_, stolen) = app.login(&worker.email).await;
    let legitimate = app.post("/v1/auth/refresh", None, json!({"refresh_token": stolen})).await;
    assert_eq!(legitimate.status, StatusCode::OK);

    // The spent token comes back: someone else has it. The whole session ends.
    app.post("/v1/auth/refresh", None, json!({"refresh_token": stolen}))
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "invalid_refresh_token");
    app.get("/v1/me", Some(&legitimate.str("access_token")))
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    app.post("/v1/auth/refresh", None, json!({"refresh_token": legitimate.str("refresh_token")}))
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "invalid_refresh_token");

    // Other sessions of the same user are untouched.
    app.login(&worker.email).await;
}

async fn logout_ends_the_session_at_once(app: TestApp) {
    let center = app.create_center("kado");
    let director = app.create_user(Tenant::Center(center.id), Role::Director);
    let (access, refresh) = app.login(&director.email).await;
    let (other_access, _) = app.login(&director.email).await;

    // Reads without a snapshot (`AppState::read_latest`) check the session too: unknown ids
    // are `404` while it lives, `401` once it has ended.
    let unknown = uuid::Uuid::now_v7();
    let latest_reads =
        [format!("/v1/tasks/{unknown}"), format!("/v1/jobs/{unknown}"), format!("/v1/jobs/{unknown}/tasks")];
    for path in &latest_reads {
        app.get(path, Some(&access)).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    }

    let out = app.post("/v1/auth/logout", None, json!({"refresh_token": refresh})).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    app.get("/v1/me", Some(&access)).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    for path in &latest_reads {
        app.get(path, Some(&access)).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    app.post("/v1/auth/refresh", None, json!({"refresh_token": refresh}))
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "invalid_refresh_token");
    assert_eq!(app.get("/v1/me", Some(&other_access)).await.status, StatusCode::OK, "only that session ends");

    // Logging out with an unknown token reveals nothing.
    let unknown = app.post("/v1/auth/logout", None, json!({"refresh_token": "whatever"})).await;
    assert_eq!(unknown.status, StatusCode::NO_CONTENT);
}

async fn racing_refreshes_of_one_token_have_one_winner(app: TestApp) {
    let center = app.create_center("kado");
    let worker = app.create_user(Tenant::Center(center.id), Role::Worker);
    let (_, refresh) = app.login(&worker.email).await;
    let attempts = (0..4).map(|_| app.post("/v1/auth/refresh", None, json!({"refresh_token": refresh})));
    let replies = futures::future::join_all(attempts).await;
    let winners = replies.iter().filter(|r| r.status == StatusCode::OK).count();
    let refused = replies.iter().filter(|r| r.status == StatusCode::UNAUTHORIZED).count();
    assert_eq!((winners, refused), (1, 3), "{replies:?}");
}
