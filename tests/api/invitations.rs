//! Invitations: admins bring in staff, clients bring in colleagues.

use reqwest::StatusCode;
use serde_json::json;
use yui_domain::{Role, Tenant};

use crate::helpers::{PASSWORD, TestApp};
use crate::on_both_engines;

on_both_engines!(an_invited_director_joins_the_centre, a_client_invites_a_colleague, invitations_cannot_be_reused);

async fn an_invited_director_joins_the_centre(app: TestApp) {
    let center = app.create_center("kado");
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let token = app.token(&admin).await;

    let invited =
        app.post("/v1/invitations", Some(&token), json!({"email": "Hana@Kado.example", "role": "director"})).await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.body);
    assert_eq!(invited.body["status"], "pending");
    assert_eq!(invited.body["email"], "hana@kado.example");
    assert!(invited.body.get("token").is_none(), "the token goes by e-mail only");
    let secret = app.mailed_token("hana@kado.example", "invitation");

    let accepted = app
        .post(
            "/v1/invitations/accept",
            None,
            json!({"token": secret, "display_name": "Hana Suzuki", "password": PASSWORD}),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.body);
    assert_eq!(accepted.body["role"], "director");
    assert_eq!(accepted.body["center_id"], center.id.to_string());

    let (director_token, _) = app.login("hana@kado.example").await;
    let me = app.get("/v1/me", Some(&director_token)).await;
    assert_eq!(me.body["center"]["slug"], "kado");

    let listed = app.get("/v1/invitations", Some(&token)).await;
    assert_eq!(listed.body["items"][0]["status"], "accepted");
    assert!(listed.body["items"][0].get("token").is_none(), "tokens are shown once, never listed");

    app.post("/v1/invitations", Some(&token), json!({"email": "hana@kado.example", "role": "worker"}))
        .await
        .assert_problem(StatusCode::CONFLICT, "email_taken");
}

async fn a_client_invites_a_colleague(app: TestApp) {
    let org = app.create_organization("Shiojiri Map Works");
    let client = app.create_user(Tenant::Organization(org), Role::Client);
    let token = app.token(&client).await;
    let invited =
        app.post("/v1/invitations", Some(&token), json!({"email": "ken@mapworks.example", "role": "client"})).await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.body);
    let accepted = app
        .post(
            "/v1/invitations/accept",
            None,
            json!({"token": app.mailed_token("ken@mapworks.example", "invitation"), "display_name": "Ken", "password": PASSWORD}),
        )
        .await;
    assert_eq!(accepted.body["organization_id"], org.to_string());
    let colleagues = app.get("/v1/users", Some(&token)).await;
    assert_eq!(colleagues.body["items"].as_array().expect("items").len(), 2);
}

async fn invitations_cannot_be_reused(app: TestApp) {
    let center = app.create_center("kado");
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let token = app.token(&admin).await;
    let invited = app.post("/v1/invitations", Some(&token), json!({"email": "w@kado.example", "role": "worker"})).await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.body);
    let accept =
        json!({"token": app.mailed_token("w@kado.example", "invitation"), "display_name": "W", "password": PASSWORD});
    assert_eq!(app.post("/v1/invitations/accept", None, accept.clone()).await.status, StatusCode::CREATED);
    let before = app.row_counts();
    app.post("/v1/invitations/accept", None, accept)
        .await
        .assert_problem(StatusCode::NOT_FOUND, "invitation_not_found");
    app.post("/v1/invitations/accept", None, json!({"token": "made-up", "display_name": "W", "password": PASSWORD}))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "invitation_not_found");
    assert_eq!(app.row_counts(), before);
}
