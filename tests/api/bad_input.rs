//! Malformed requests: each gets a 4xx problem+json, and nothing is written.

use reqwest::StatusCode;
use serde_json::json;
use yui_domain::{Role, Tenant};

use crate::helpers::{PASSWORD, TestApp};
use crate::on_both_engines;

on_both_engines!(malformed_requests_are_refused_and_write_nothing);

/// How a bad request is sent.
enum Body {
    None,
    Raw(&'static str, String),
    Json(serde_json::Value),
}

async fn malformed_requests_are_refused_and_write_nothing(app: TestApp) {
    let center = app.create_center("kado");
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let admin_token = app.token(&admin).await;
    let json_type = "application/json";
    let long = "x".repeat(300);
    let signup = |overrides: serde_json::Value| {
        let mut body = json!({"organization_name": "Org", "display_name": "Name", "email": "new@test.example", "password": PASSWORD});
        for (k, v) in overrides.as_object().expect("object") {
            body[k] = v.clone();
        }
        Body::Json(body)
    };

    // (method, path, authenticated, body, expected status, expected code)
    let table: Vec<(&str, String, bool, Body, StatusCode, &str)> = vec![
        (
            "POST",
            "/v1/auth/signup".into(),
            false,
            Body::Raw(json_type, "{not json".into()),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            "POST",
            "/v1/auth/signup".into(),
            false,
            Body::Raw(json_type, String::new()),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            "POST",
            "/v1/auth/signup".into(),
            false,
            Body::Raw(json_type, "[]".into()),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        // A body is a JSON object, never an array of its fields in declared order.
        (
            "POST",
            "/v1/auth/signup".into(),
            false,
            Body::Raw(json_type, r#"["Org", "Name", "new@test.example", "correct horse battery"]"#.into()),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            "POST",
            "/v1/teams".into(),
            true,
            Body::Raw(json_type, r#"["Array team"]"#.into()),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            "POST",
            "/v1/auth/logout".into(),
            false,
            Body::Raw(json_type, r#"["x"]"#.into()),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            "POST",
            "/v1/skills".into(),
            true,
            Body::Raw(json_type, r#"["juggling", "Juggling", ""]"#.into()),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            "POST",
            format!("/v1/jobs/{}/assignment-plan", uuid::Uuid::now_v7()),
            true,
            Body::Raw(json_type, "[]".into()),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        // A submission's payload is a JSON object (or null), as the spec says.
        (
            "POST",
            format!("/v1/tasks/{}/submissions", uuid::Uuid::now_v7()),
            true,
            Body::Json(json!({"result_text": "done", "payload": [1, 2, 3]})),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            "POST",
            format!("/v1/tasks/{}/submissions", uuid::Uuid::now_v7()),
            true,
            Body::Json(json!({"result_text": "done", "payload": "text"})),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        // A capacity check looks ahead: a due date in year -1 (or any past) is refused.
        (
            "POST",
            format!("/v1/jobs/{}/capacity-check", uuid::Uuid::now_v7()),
            true,
            Body::Json(json!({"needs": [{"skill": "writing", "hours": 2}], "due_at": "-0001-01-01T00:00:00Z"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        // Whole numbers written as floats are integers, as JSON Schema says (the admin
        // may not assess, so the body got past parsing to the 404 of an unknown worker).
        (
            "PUT",
            format!("/v1/workers/{}/skills/writing", uuid::Uuid::now_v7()),
            true,
            Body::Json(json!({"level": 3.0, "evidence": "test"})),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "POST",
            "/v1/auth/signup".into(),
            false,
            Body::Raw("text/plain", "hello".into()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "POST",
            "/v1/auth/signup".into(),
            false,
            Body::None,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "POST",
            "/v1/auth/signup".into(),
            false,
            signup(json!({"email": 42})),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            "POST",
            "/v1/auth/signup".into(),
            false,
            signup(json!({"password": null})),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            "POST",
            "/v1/auth/signup".into(),
            false,
            signup(json!({"is_admin": true})),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            "POST",
            "/v1/auth/signup".into(),
            false,
            signup(json!({"organization_name": long})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "POST",
            "/v1/auth/signup".into(),
            false,
            signup(json!({"organization_name": "   "})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "POST",
            "/v1/auth/signup".into(),
            false,
            signup(json!({"display_name": "a\u{0}b"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "POST",
            "/v1/auth/signup".into(),
            false,
            signup(json!({"email": "not-an-email"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "POST",
            "/v1/auth/signup".into(),
            false,
            signup(json!({"password": "short"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "POST",
            "/v1/auth/signup".into(),
            false,
            Body::Raw(json_type, format!("{{\"organization_name\": \"{}\"}}", "y".repeat(1_100_000))),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            "POST",
            "/v1/auth/login".into(),
            false,
            Body::Json(json!({"email": "a\u{0}@b.example", "password": "x"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "POST",
            "/v1/auth/login".into(),
            false,
            Body::Json(json!({"email": "a@b.example"})),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            "POST",
            "/v1/invitations".into(),
            true,
            Body::Json(json!({"email": "n@test.example", "role": "root"})),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            "POST",
            "/v1/invitations".into(),
            true,
            Body::Json(json!({"email": "n@test.example", "role": "Worker"})),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            "POST",
            "/v1/invitations/accept".into(),
            false,
            Body::Json(json!({"token": "t", "display_name": "N", "password": 12345678901_i64})),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        ("GET", "/v1/users/not-a-uuid".into(), true, Body::None, StatusCode::BAD_REQUEST, "invalid_path_parameter"),
        (
            "POST",
            "/v1/users/1234/deactivate".into(),
            true,
            Body::None,
            StatusCode::BAD_REQUEST,
            "invalid_path_parameter",
        ),
        ("GET", "/v1/users?limit=0".into(), true, Body::None, StatusCode::BAD_REQUEST, "invalid_query_parameter"),
        ("GET", "/v1/users?limit=101".into(), true, Body::None, StatusCode::BAD_REQUEST, "invalid_query_parameter"),
        ("GET", "/v1/users?limit=ten".into(), true, Body::None, StatusCode::BAD_REQUEST, "invalid_query_parameter"),
        ("GET", "/v1/users?cursor=%%%".into(), true, Body::None, StatusCode::BAD_REQUEST, "invalid_query_parameter"),
        (
            "GET",
            "/v1/users?cursor=bm90LWEtY3Vyc29y".into(),
            true,
            Body::None,
            StatusCode::BAD_REQUEST,
            "invalid_query_parameter",
        ),
        (
            "GET",
            "/v1/users?role=superuser".into(),
            true,
            Body::None,
            StatusCode::BAD_REQUEST,
            "invalid_query_parameter",
        ),
        ("GET", "/v1/users?active=maybe".into(), true, Body::None, StatusCode::BAD_REQUEST, "invalid_query_parameter"),
        (
            "GET",
            "/v1/public/centers?limit=-1".into(),
            false,
            Body::None,
            StatusCode::BAD_REQUEST,
            "invalid_query_parameter",
        ),
    ];

    let before = app.row_counts();
    for (method, path, authenticated, body, status, code) in table {
        let mut request = app.client.request(method.parse().expect("method"), format!("{}{path}", app.address));
        if authenticated {
            request = request.bearer_auth(&admin_token);
        }
        let description = match &body {
            Body::None => "no body".to_owned(),
            Body::Raw(content_type, raw) => format!("{content_type} {}", raw.chars().take(60).collect::<String>()),
            Body::Json(value) => value.to_string().chars().take(80).collect(),
        };
        request = match body {
            Body::None => request,
            Body::Raw(content_type, raw) => request.header("content-type", content_type).body(raw),
            Body::Json(value) => request.json(&value),
        };
        let response = request.send().await.expect("sent");
        let got_status = response.status();
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let problem: serde_json::Value = response.json().await.unwrap_or_default();
        assert_eq!(got_status, status, "{method} {path} with {description}: {problem}");
        assert_eq!(content_type, "application/problem+json", "{method} {path} with {description}");
        assert_eq!(problem["code"], code, "{method} {path} with {description}: {problem}");
        if code == "validation_failed" {
            assert!(!problem["errors"].as_array().expect("errors").is_empty(), "{problem}");
        }
    }
    assert_eq!(app.row_counts(), before, "refused requests must not write anything");

    // A validation failure names each bad field.
    let reply = app
        .post(
            "/v1/auth/signup",
            None,
            json!({"organization_name": "", "display_name": "N", "email": "x", "password": "short"}),
        )
        .await;
    reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<_> = reply.body["errors"].as_array().expect("errors").iter().map(|e| e["field"].clone()).collect();
    assert_eq!(fields, vec![json!("email"), json!("organization_name"), json!("password")]);
}
