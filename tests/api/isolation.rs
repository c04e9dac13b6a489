//! Who may call what: every role against every route, across two centres and two
//! client organisations. Another tenant's resource is `404`, never its data.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yui_domain::{Role, Tenant};

use crate::helpers::{Account, TestApp};
use crate::on_both_engines;

on_both_engines!(every_role_sees_only_its_own_tenant);

struct World {
    admin_a: Account,
    director_a: Account,
    worker_a: Account,
    admin_b: Account,
    worker_b: Account,
    client_x: Account,
    client_y: Account,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Anonymous,
    AdminA,
    DirectorA,
    WorkerA,
    AdminB,
    ClientX,
}

async fn every_role_sees_only_its_own_tenant(app: TestApp) {
    let (a, b) = (app.create_center("centre-a"), app.create_center("centre-b"));
    let (x, y) = (app.create_organization("Org X"), app.create_organization("Org Y"));
    let world = World {
        admin_a: app.create_user(Tenant::Center(a.id), Role::Admin),
        director_a: app.create_user(Tenant::Center(a.id), Role::Director),
        worker_a: app.create_user(Tenant::Center(a.id), Role::Worker),
        admin_b: app.create_user(Tenant::Center(b.id), Role::Admin),
        worker_b: app.create_user(Tenant::Center(b.id), Role::Worker),
        client_x: app.create_user(Tenant::Organization(x), Role::Client),
        client_y: app.create_user(Tenant::Organization(y), Role::Client),
    };
    let token = |account: &Account| {
        let app = &app;
        let account = account.clone();
        async move { app.token(&account).await }
    };
    let tokens = [
        (Caller::AdminA, token(&world.admin_a).await),
        (Caller::DirectorA, token(&world.director_a).await),
        (Caller::WorkerA, token(&world.worker_a).await),
        (Caller::AdminB, token(&world.admin_b).await),
        (Caller::ClientX, token(&world.client_x).await),
    ];
    let token_of = |caller: Caller| tokens.iter().find(|(c, _)| *c == caller).map(|(_, t)| t.clone());

    let user = |account: &Account| format!("/v1/users/{}", account.id);
    let deactivate = |account: &Account| format!("/v1/users/{}/deactivate", account.id);
    let invite =
        |role: &str| json!({"email": format!("new-{}@test.example", uuid::Uuid::now_v7().simple()), "role": role});

    use Caller::*;
    // (caller, method, path, body, expected status)
    let table: Vec<(Caller, Method, String, Option<Value>, StatusCode)> = vec![
        (Anonymous, Method::GET, "/v1/me".into(), None, StatusCode::UNAUTHORIZED),
        (Anonymous, Method::GET, "/v1/users".into(), None, StatusCode::UNAUTHORIZED),
        (Anonymous, Method::GET, user(&world.worker_a), None, StatusCode::UNAUTHORIZED),
        (Anonymous, Method::POST, "/v1/invitations".into(), Some(invite("worker")), StatusCode::UNAUTHORIZED),
        (Anonymous, Method::GET, "/v1/public/centers".into(), None, StatusCode::OK),
        (AdminA, Method::GET, "/v1/users".into(), None, StatusCode::OK),
        (DirectorA, Method::GET, "/v1/users".into(), None, StatusCode::OK),
        (WorkerA, Method::GET, "/v1/users".into(), None, StatusCode::FORBIDDEN),
        (ClientX, Method::GET, "/v1/users".into(), None, StatusCode::OK),
        (AdminA, Method::GET, user(&world.worker_a), None, StatusCode::OK),
        (DirectorA, Method::GET, user(&world.worker_a), None, StatusCode::OK),
        (WorkerA, Method::GET, user(&world.director_a), None, StatusCode::FORBIDDEN),
        (AdminB, Method::GET, user(&world.worker_a), None, StatusCode::NOT_FOUND),
        (ClientX, Method::GET, user(&world.worker_a), None, StatusCode::NOT_FOUND),
        (ClientX, Method::GET, user(&world.client_y), None, StatusCode::NOT_FOUND),
        (ClientX, Method::GET, user(&world.client_x), None, StatusCode::OK),
        (AdminA, Method::GET, user(&world.client_x), None, StatusCode::NOT_FOUND),
        (AdminA, Method::GET, user(&world.worker_b), None, StatusCode::NOT_FOUND),
        (DirectorA, Method::POST, deactivate(&world.worker_a), Some(json!({})), StatusCode::FORBIDDEN),
        (WorkerA, Method::POST, deactivate(&world.worker_a), Some(json!({})), StatusCode::FORBIDDEN),
        (ClientX, Method::POST, deactivate(&world.client_y), Some(json!({})), StatusCode::FORBIDDEN),
        (AdminB, Method::POST, deactivate(&world.worker_a), Some(json!({})), StatusCode::NOT_FOUND),
        (AdminA, Method::POST, deactivate(&world.worker_b), Some(json!({})), StatusCode::NOT_FOUND),
        (AdminA, Method::POST, "/v1/invitations".into(), Some(invite("worker")), StatusCode::CREATED),
        (AdminA, Method::POST, "/v1/invitations".into(), Some(invite("director")), StatusCode::CREATED),
        (AdminA, Method::POST, "/v1/invitations".into(), Some(invite("client")), StatusCode::FORBIDDEN),
        (DirectorA, Method::POST, "/v1/invitations".into(), Some(invite("worker")), StatusCode::FORBIDDEN),
        (WorkerA, Method::POST, "/v1/invitations".into(), Some(invite("worker")), StatusCode::FORBIDDEN),
        (ClientX, Method::POST, "/v1/invitations".into(), Some(invite("client")), StatusCode::CREATED),
        (ClientX, Method::POST, "/v1/invitations".into(), Some(invite("worker")), StatusCode::FORBIDDEN),
        (AdminA, Method::GET, "/v1/invitations".into(), None, StatusCode::OK),
        (DirectorA, Method::GET, "/v1/invitations".into(), None, StatusCode::FORBIDDEN),
        (WorkerA, Method::GET, "/v1/invitations".into(), None, StatusCode::FORBIDDEN),
        (ClientX, Method::GET, "/v1/invitations".into(), None, StatusCode::OK),
    ];

    for (caller, method, path, body, expected) in table {
        let token = token_of(caller);
        let reply = app.request(method.clone(), &path, token.as_deref(), body).await;
        assert_eq!(reply.status, expected, "{caller:?} {method} {path}: {}", reply.body);
        if !expected.is_success() {
            assert_eq!(reply.content_type, "application/problem+json", "{caller:?} {method} {path}");
        }
    }

    // Lists contain only the caller's tenant.
    let ids_in = |reply: &crate::helpers::Reply| -> Vec<String> {
        reply.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|u| u["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let a_users = ids_in(&app.get("/v1/users", token_of(AdminA).as_deref()).await);
    let mut expected_a: Vec<String> =
        [&world.admin_a, &world.director_a, &world.worker_a].iter().map(|u| u.id.to_string()).collect();
    expected_a.sort();
    let mut sorted = a_users.clone();
    sorted.sort();
    assert_eq!(sorted, expected_a);
    let x_users = ids_in(&app.get("/v1/users", token_of(ClientX).as_deref()).await);
    assert_eq!(x_users, vec![world.client_x.id.to_string()]);
    let x_invitations = app.get("/v1/invitations", token_of(ClientX).as_deref()).await;
    let roles: Vec<_> =
        x_invitations.body["items"].as_array().expect("items").iter().map(|i| i["role"].clone()).collect();
    assert_eq!(roles, vec![json!("client")], "client X sees only its own organisation's invitation");
}
