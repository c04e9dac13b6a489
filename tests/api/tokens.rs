//! Forged, expired and malformed access tokens are all `401`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use serde_json::json;
use yui_domain::{Role, SessionId, Tenant};

use crate::helpers::{ISSUER, JWT_SECRET, TestApp, sign};
use crate::on_both_engines;

on_both_engines!(tampered_tokens_are_refused, resource_reads_check_the_session_they_read_with);

async fn tampered_tokens_are_refused(app: TestApp) {
    let center = app.create_center("kado");
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let (genuine, _) = app.login(&admin.email).await;
    assert_eq!(app.get("/v1/me", Some(&genuine)).await.status, StatusCode::OK);

    // The genuine token's own claims, to forge variations of it.
    let payload = genuine.split('.').nth(1).expect("payload");
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64")).expect("json");
    let now = chrono::Utc::now().timestamp();
    let with = |changes: serde_json::Value| {
        let mut forged = claims.clone();
        for (k, v) in changes.as_object().expect("object") {
            forged[k] = v.clone();
        }
        forged
    };

    let unsigned = {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).expect("json"));
        format!("{header}.{body}.")
    };
    let mut flipped = genuine.clone();
    let last = flipped.pop().expect("char");
    flipped.push(if last == 'A' { 'B' } else { 'A' });

    let forged: Vec<(&str, String)> = vec![
        ("expired", sign(&with(json!({"iat": now - 7200, "exp": now - 3600})), JWT_SECRET)),
        ("wrong signature key", sign(&claims, b"another-secret-another-secret-another-s")),
        ("alg none", unsigned),
        ("wrong issuer", sign(&with(json!({"iss": "not-yui"})), JWT_SECRET)),
        ("wrong audience", sign(&with(json!({"aud": "someone-else"})), JWT_SECRET)),
        (
            "no expiry",
            sign(&json!({"iss": ISSUER, "aud": "yui-api", "sub": claims["sub"], "sid": claims["sid"]}), JWT_SECRET),
        ),
        ("unknown session", sign(&with(json!({"sid": SessionId::generate().to_string()})), JWT_SECRET)),
        ("other user's session", sign(&with(json!({"sub": uuid::Uuid::now_v7().to_string()})), JWT_SECRET)),
        ("flipped signature", flipped),
        ("garbage", "not-a-token".into()),
        ("empty", String::new()),
    ];
    for (what, token) in forged {
        let reply = app.get("/v1/me", Some(&token)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{what}: {}", reply.body);
        reply.assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
        assert_eq!(reply.headers["www-authenticate"], "Bearer", "{what}");
    }

    let basic = app
        .client
        .get(format!("{}/v1/me", app.address))
        .header("authorization", format!("Basic {genuine}"))
        .send()
        .await
        .expect("sent");
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED, "only the Bearer scheme is accepted");
}

/// A task, a job and a job's tasks are read in one statement with the caller's
/// session (`access::task_as`, `access::job_as`): that statement must refuse what
/// `/v1/me` refuses: another user's session, an unknown one, and one logged out.
async fn resource_reads_check_the_session_they_read_with(app: TestApp) {
    let cast = crate::flow::cast(&app).await;
    let job = crate::flow::active_job(&app, &cast).await;
    let task =
        crate::workforce::tasks_for(&app, &cast.director, &job, vec![crate::workforce::task("One", 30, 5, None)])
            .await
            .remove(0);
    let reads = [format!("/v1/tasks/{task}"), format!("/v1/jobs/{job}"), format!("/v1/jobs/{job}/tasks")];
    let center = yui_domain::CenterId::from(uuid::Uuid::parse_str(&cast.center_id).expect("uuid"));
    let director = app.create_user(Tenant::Center(center), Role::Director);
    let (genuine, refresh) = app.login(&director.email).await;
    for path in &reads {
        assert_eq!(app.get(path, Some(&genuine)).await.status, StatusCode::OK, "{path}");
    }

    let payload = genuine.split('.').nth(1).expect("payload");
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64")).expect("json");
    let with = |key: &str, value: String| {
        let mut forged = claims.clone();
        forged[key] = json!(value);
        sign(&forged, JWT_SECRET)
    };
    let forged = [
        ("unknown session", with("sid", SessionId::generate().to_string())),
        ("other user's session", with("sub", uuid::Uuid::now_v7().to_string())),
    ];
    for (what, token) in &forged {
        for path in &reads {
            let reply = app.get(path, Some(token)).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{what}: {path}: {}", reply.body);
            reply.assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
        }
    }

    let out = app.post("/v1/auth/logout", None, json!({"refresh_token": refresh})).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    for path in &reads {
        app.get(path, Some(&genuine)).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
}
