//! API keys through HTTP: created by a person, shown once, stored hashed, acting as
//! their creator narrowed to their scopes, and refused at once when revoked, expired
//! or when their creator is deactivated. Bad requests write nothing. (Every scope ×
//! every operation is in `authorization_keys`.)

use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use yui_domain::{Role, Tenant};

use crate::flow::{call, cast};
use crate::helpers::TestApp;
use crate::on_both_engines;

on_both_engines!(
    a_key_is_shown_once_and_acts_as_its_creator_within_its_scopes,
    revoked_expired_and_orphaned_keys_are_refused_at_once,
    bad_key_requests_are_refused_and_write_nothing,
    two_revocations_at_once_both_succeed_with_one_time,
);

async fn create(app: &TestApp, token: &str, body: serde_json::Value) -> serde_json::Value {
    call(app, Method::POST, "/v1/api-keys", token, Some(body), StatusCode::CREATED).await
}

async fn a_key_is_shown_once_and_acts_as_its_creator_within_its_scopes(app: TestApp) {
    let cast = cast(&app).await;
    let created = create(&app, &cast.client, json!({"name": "Portal", "scopes": ["jobs:read", "events:read"]})).await;
    let secret = created["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("yui_") && secret.len() == 47, "{secret}");
    let key = &created["api_key"];
    assert_eq!(key["scopes"], json!(["jobs:read", "events:read"]));
    assert_eq!(key["prefix"].as_str(), Some(&secret[..12]));
    assert!(key["last_used_at"].is_null());

    // Never shown again, and not stored: only its hash is.
    let id = key["id"].as_str().expect("id");
    let listed = app.get("/v1/api-keys", Some(&cast.client)).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert!(!listed.body.to_string().contains(&secret), "the list shows the secret");
    #[derive(QueryableByName)]
    struct Stored {
        #[diesel(sql_type = diesel::sql_types::Text)]
        secret_hash: String,
    }
    let stored: Vec<Stored> = {
        let mut conn = app.db.connection().expect("connection");
        diesel::sql_query("SELECT secret_hash FROM api_keys").load(&mut *conn).expect("hashes")
    };
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].secret_hash.contains(&secret[4..]) && stored[0].secret_hash.len() == 64);

    // It acts as the client: the client's jobs, nothing of the centre's.
    let me = app.get("/v1/me", Some(&secret)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert_eq!(me.body["user"]["role"], "client");
    assert_eq!(app.get("/v1/jobs", Some(&secret)).await.status, StatusCode::OK);
    assert_eq!(app.get("/v1/events", Some(&secret)).await.status, StatusCode::OK);
    // Its scopes stop it even where its creator may.
    let job = crate::flow::job_body(&cast.center_id);
    let refused = app.post("/v1/jobs", Some(&secret), job.clone()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.body["code"], "insufficient_scope");
    assert!(refused.body["detail"].as_str().unwrap_or_default().contains("jobs:write"));
    // And a key never manages keys.
    let minted = app.post("/v1/api-keys", Some(&secret), json!({"name": "More", "scopes": ["jobs:read"]})).await;
    assert_eq!((minted.status, minted.body["code"].as_str()), (StatusCode::FORBIDDEN, Some("person_only")));

    // Using it is noted (to the minute).
    let read = app.get(&format!("/v1/api-keys/{id}"), Some(&cast.client)).await;
    assert!(read.body["last_used_at"].is_string(), "{}", read.body);

    // A client key with `jobs:write` creates jobs as the client.
    let writer = create(&app, &cast.client, json!({"name": "Writer", "scopes": ["jobs:write", "jobs:read"]})).await;
    let writer = writer["secret"].as_str().expect("secret");
    let posted = app.post("/v1/jobs", Some(writer), job).await;
    assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.body);
    let mine = app.get("/v1/jobs", Some(&cast.client)).await;
    assert!(mine.body["items"].as_array().expect("items").iter().any(|j| j["id"] == posted.body["id"]));
}

async fn revoked_expired_and_orphaned_keys_are_refused_at_once(app: TestApp) {
    let cast = cast(&app).await;
    let center = app.db.read(|conn| yui_store::centers::find_by_slug(conn, "kado")).expect("centre").expect("kado");
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let admin_token = app.token(&admin).await;
    let other_admin = app.token(&app.create_user(Tenant::Center(center.id), Role::Admin)).await;
    let scopes = json!(["tasks:read", "workforce:read"]);

    // Revoked: refused on the very next request; revoking again changes nothing.
    let revoked = create(&app, &admin_token, json!({"name": "Revoked", "scopes": scopes})).await;
    let (secret, id) = (revoked["secret"].as_str().expect("secret"), revoked["api_key"]["id"].as_str().expect("id"));
    assert_eq!(app.get("/v1/dashboard", Some(secret)).await.status, StatusCode::OK);
    let done = call(&app, Method::POST, &format!("/v1/api-keys/{id}/revoke"), &other_admin, None, StatusCode::OK).await;
    let when = done["revoked_at"].clone();
    assert!(when.is_string());
    let refused = app.get("/v1/dashboard", Some(secret)).await;
    assert_eq!((refused.status, refused.body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));
    let again =
        call(&app, Method::POST, &format!("/v1/api-keys/{id}/revoke"), &admin_token, None, StatusCode::OK).await;
    assert_eq!(again["revoked_at"], when);
    // Another tenant's people do not see it.
    let outsider = app.get(&format!("/v1/api-keys/{id}"), Some(&cast.client)).await;
    assert_eq!(outsider.status, StatusCode::NOT_FOUND);

    // Expired: refused the moment its time passes.
    let soon = (chrono::Utc::now() + chrono::TimeDelta::seconds(2)).to_rfc3339();
    let expiring = create(&app, &admin_token, json!({"name": "Short", "scopes": scopes, "expires_at": soon})).await;
    let secret = expiring["secret"].as_str().expect("secret");
    assert_eq!(app.get("/v1/dashboard", Some(secret)).await.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(app.get("/v1/dashboard", Some(secret)).await.status, StatusCode::UNAUTHORIZED);

    // Orphaned: its creator deactivated, it stops; reactivated, it works again.
    let live = create(&app, &admin_token, json!({"name": "Live", "scopes": scopes})).await;
    let secret = live["secret"].as_str().expect("secret");
    assert_eq!(app.get("/v1/dashboard", Some(secret)).await.status, StatusCode::OK);
    let path = format!("/v1/users/{}/deactivate", admin.id);
    call(&app, Method::POST, &path, &other_admin, None, StatusCode::OK).await;
    assert_eq!(app.get("/v1/dashboard", Some(secret)).await.status, StatusCode::UNAUTHORIZED);
    let path = format!("/v1/users/{}/reactivate", admin.id);
    call(&app, Method::POST, &path, &other_admin, None, StatusCode::OK).await;
    assert_eq!(app.get("/v1/dashboard", Some(secret)).await.status, StatusCode::OK);

    // A key that was never issued is refused like a bad token.
    let forged = format!("yui_{}", "A".repeat(43));
    assert_eq!(app.get("/v1/me", Some(&forged)).await.status, StatusCode::UNAUTHORIZED);
}

async fn bad_key_requests_are_refused_and_write_nothing(app: TestApp) {
    let cast = cast(&app).await;
    let past = (chrono::Utc::now() - chrono::TimeDelta::hours(1)).to_rfc3339();
    let cases = [
        (json!({"name": "X", "scopes": ["jobs:delete"]}), StatusCode::BAD_REQUEST, "malformed_body", None),
        (json!({"name": "X", "scopes": []}), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", Some("scopes")),
        (
            json!({"name": "X", "scopes": ["jobs:read", "jobs:read"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("scopes.1"),
        ),
        (
            json!({"name": "X", "scopes": ["tasks:write"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("scopes.0"),
        ),
        (
            json!({"name": "X", "scopes": ["jobs:read"], "expires_at": past}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("expires_at"),
        ),
        (
            json!({"name": "   ", "scopes": ["jobs:read"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("name"),
        ),
        (json!({"scopes": ["jobs:read"]}), StatusCode::BAD_REQUEST, "malformed_body", None),
    ];
    let before = app.row_counts();
    for (body, status, code, field) in cases {
        let reply = app.post("/v1/api-keys", Some(&cast.client), body.clone()).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        assert_eq!(reply.content_type, "application/problem+json");
        assert_eq!(reply.body["code"], code, "{body}");
        if let Some(field) = field {
            let fields: Vec<&str> =
                reply.body["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
            assert!(fields.contains(&field), "{body}: {fields:?}");
        }
    }
    assert_eq!(app.row_counts(), before, "a refused request wrote rows");
}

/// Two people revoke one key at the same moment (10 times): no `5xx`, both see it
/// revoked at the one time that was recorded, and the key is refused.
async fn two_revocations_at_once_both_succeed_with_one_time(app: TestApp) {
    let cast = cast(&app).await;
    for round in 0..10 {
        let created =
            create(&app, &cast.client, json!({"name": format!("Key {round}"), "scopes": ["jobs:read"]})).await;
        let (secret, id) =
            (created["secret"].as_str().expect("secret"), created["api_key"]["id"].as_str().expect("id"));
        let path = format!("/v1/api-keys/{id}/revoke");
        let (a, b) = futures::future::join(
            app.request(Method::POST, &path, Some(&cast.client), None),
            app.request(Method::POST, &path, Some(&cast.client), None),
        )
        .await;
        assert_eq!((a.status, b.status), (StatusCode::OK, StatusCode::OK), "round {round}: {} {}", a.body, b.body);
        assert!(a.body["revoked_at"].is_string());
        assert_eq!(a.body["revoked_at"], b.body["revoked_at"], "round {round}: one revocation time");
        assert_eq!(app.get("/v1/me", Some(secret)).await.status, StatusCode::UNAUTHORIZED);
    }
}
