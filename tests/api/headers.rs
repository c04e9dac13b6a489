//! What responses say beyond their bodies: `405` with `Allow` for a method a path does
//! not take, security and cache headers on every kind of response.

use reqwest::{Method, StatusCode};
use serde_json::json;
use yui_domain::{Role, Tenant};

use crate::helpers::{Engine, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_method_a_path_does_not_take_is_405_with_allow() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let cases = [
        (Method::PUT, "/healthz", "GET"),
        (Method::TRACE, "/v1/me", "GET, PATCH"),
        (Method::DELETE, "/v1/jobs", "GET, POST"),
        (Method::GET, "/v1/tasks/0191a3c4-0000-7000-8000-000000000000/start", "POST"),
        (Method::POST, "/v1/workers/0191a3c4-0000-7000-8000-000000000000/profile", "GET, PUT"),
    ];
    for (method, path, allow) in cases {
        let reply = app.request(method.clone(), path, None, None).await;
        reply.assert_problem(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
        assert_eq!(reply.headers.get("allow").and_then(|v| v.to_str().ok()), Some(allow), "{method} {path}");
    }
    app.request(Method::GET, "/v1/nowhere", None, None).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    app.request(Method::PUT, "/v1/tasks//start", None, None).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_carry_security_and_cache_headers() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let center = app.create_center("kado");
    let worker = app.create_user(Tenant::Center(center.id), Role::Worker);
    let login =
        app.post("/v1/auth/login", None, json!({"email": worker.email, "password": crate::helpers::PASSWORD})).await;
    let token = login.str("access_token");
    let header = |reply: &crate::helpers::Reply, name: &str| {
        reply.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    };

    let me = app.get("/v1/me", Some(&token)).await;
    let refused = app.get("/v1/me", None).await;
    let public = app.get("/v1/public/centers", None).await;
    let docs = app.get("/docs/", None).await;
    for (what, reply) in [("login", &login), ("me", &me), ("401", &refused), ("public", &public), ("docs", &docs)] {
        assert_eq!(header(reply, "x-content-type-options").as_deref(), Some("nosniff"), "{what}");
    }
    for (what, reply) in [("login", &login), ("me", &me), ("401", &refused)] {
        assert_eq!(header(reply, "cache-control").as_deref(), Some("no-store"), "{what}: tokens and tenant data");
    }
    assert_eq!(header(&public, "cache-control"), None, "the public directory may be cached");
    let policy = header(&docs, "content-security-policy").expect("the docs page has a CSP");
    assert!(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"), "{policy}");
    assert_eq!(header(&docs, "x-frame-options").as_deref(), Some("DENY"));
    let config = app.get("/docs/swagger-initializer.js", None).await;
    let script = config.body.as_str().unwrap_or_default().to_owned();
    assert!(script.contains(r#""validatorUrl": "none""#), "Swagger UI never calls an outside validator: {script}");
}
