//! Password reset and e-mail verification, with the links read from real e-mails.
//!
//! A reset request answers the same for a known and an unknown address; the link
//! works once, for an hour, and signs out every session; requests are rate-limited
//! like logins. Sign-up mails a verification link; invitations verify on acceptance.

use reqwest::{Method, StatusCode};
use serde_json::json;
use yui_domain::{Role, Tenant};

use crate::helpers::{PASSWORD, TestApp};
use crate::notifications::assert_message;
use crate::on_both_engines;
use crate::smtp::{SinkOptions, token_in};

on_both_engines!(
    a_reset_link_works_once_and_signs_out_every_session,
    a_reset_request_never_tells_who_has_an_account,
    reset_links_expire,
    sign_up_and_invitations_verify_the_address,
);

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn a_reset_link_works_once_and_signs_out_every_session(app: TestApp) {
    let Some((sink, _dispatcher)) = app.with_mail(SinkOptions::default()) else { return };
    let center = app.create_center("kado");
    let worker = app.create_user(Tenant::Center(center.id), Role::Worker);
    let (access, refresh) = app.login(&worker.email).await;
    let (other_access, _) = app.login(&worker.email).await;

    let asked = app.post("/v1/auth/password-reset", None, json!({"email": worker.email.to_uppercase()})).await;
    assert_eq!(asked.status, StatusCode::ACCEPTED);
    let mail = sink.wait_to(&worker.email, "Reset your password").await;
    assert_message(&mail, &worker.email, "en", &[], &["https://app.yui.example/reset-password?token="]);
    let token = token_in(&mail);

    // Weak passwords and made-up tokens change nothing.
    let before = app.row_counts();
    app.post("/v1/auth/password-reset/confirm", None, json!({"token": token, "new_password": "short"}))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    app.post("/v1/auth/password-reset/confirm", None, json!({"token": "made-up", "new_password": NEW_PASSWORD}))
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "invalid_token");
    assert_eq!(app.row_counts(), before);
    assert_eq!(app.get("/v1/me", Some(&access)).await.status, StatusCode::OK, "sessions live until the reset");

    let done =
        app.post("/v1/auth/password-reset/confirm", None, json!({"token": token, "new_password": NEW_PASSWORD})).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.body);
    for session in [&access, &other_access] {
        app.get("/v1/me", Some(session)).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    app.post("/v1/auth/refresh", None, json!({"refresh_token": refresh}))
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "invalid_refresh_token");
    app.post("/v1/auth/login", None, json!({"email": worker.email, "password": PASSWORD}))
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "invalid_credentials");
    let login = app.post("/v1/auth/login", None, json!({"email": worker.email, "password": NEW_PASSWORD})).await;
    assert_eq!(login.status, StatusCode::OK);

    // Once only.
    app.post(
        "/v1/auth/password-reset/confirm",
        None,
        json!({"token": token, "new_password": "yet another passphrase"}),
    )
    .await
    .assert_problem(StatusCode::BAD_REQUEST, "invalid_token");

    // A newer link replaces an older one.
    app.post("/v1/auth/password-reset", None, json!({"email": worker.email})).await;
    app.post("/v1/auth/password-reset", None, json!({"email": worker.email})).await;
    let mails = {
        let started = std::time::Instant::now();
        loop {
            let mails = sink.to(&worker.email);
            if mails.len() >= 3 || started.elapsed().as_secs() > 20 {
                break mails;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    };
    assert_eq!(mails.len(), 3);
    let (older, newer) = (token_in(&mails[1]), token_in(&mails[2]));
    app.post("/v1/auth/password-reset/confirm", None, json!({"token": older, "new_password": NEW_PASSWORD}))
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "invalid_token");
    let reply =
        app.post("/v1/auth/password-reset/confirm", None, json!({"token": newer, "new_password": NEW_PASSWORD})).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
}

async fn a_reset_request_never_tells_who_has_an_account(app: TestApp) {
    let Some((sink, _dispatcher)) = app.with_mail(SinkOptions::default()) else { return };
    let center = app.create_center("kado");
    let known = app.create_user(Tenant::Center(center.id), Role::Director);
    let gone = app.create_user(Tenant::Center(center.id), Role::Worker);
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let admin_token = app.token(&admin).await;
    let deactivated = app.post(&format!("/v1/users/{}/deactivate", gone.id), Some(&admin_token), json!({})).await;
    assert_eq!(deactivated.status, StatusCode::OK, "{}", deactivated.body);

    let answers = [
        app.post("/v1/auth/password-reset", None, json!({"email": known.email})).await,
        app.post("/v1/auth/password-reset", None, json!({"email": "nobody@kado.example"})).await,
        app.post("/v1/auth/password-reset", None, json!({"email": gone.email})).await,
    ];
    for answer in &answers {
        assert_eq!(answer.status, StatusCode::ACCEPTED);
        assert_eq!(answer.body, answers[0].body);
        assert_eq!(answer.content_type, answers[0].content_type);
    }
    sink.wait_to(&known.email, "Reset").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(sink.messages().len(), 1, "only the active account is mailed");

    // Bad input is refused and written nowhere.
    let before = app.row_counts();
    app.post("/v1/auth/password-reset", None, json!({"email": "not-an-address"}))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    app.post("/v1/auth/password-reset", None, json!({"email": known.email, "admin": true}))
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "malformed_body");
    assert_eq!(app.row_counts(), before);

    // Limited like logins: the 5th request in the window is the last one served.
    for _ in 1..5 {
        let reply = app.post("/v1/auth/password-reset", None, json!({"email": "nobody@kado.example"})).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED);
    }
    let limited = app.post("/v1/auth/password-reset", None, json!({"email": "nobody@kado.example"})).await;
    limited.assert_problem(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let retry_after: u64 = limited.headers["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let elsewhere = app.post("/v1/auth/password-reset", None, json!({"email": known.email})).await;
    assert_eq!(elsewhere.status, StatusCode::ACCEPTED, "another account is not blocked");
}

async fn reset_links_expire(app: TestApp) {
    let center = app.create_center("kado");
    let worker = app.create_user(Tenant::Center(center.id), Role::Worker);
    app.post("/v1/auth/password-reset", None, json!({"email": worker.email})).await;
    let token = app.mailed_token(&worker.email, "password_reset");
    let message = app.outbox_messages(&worker.email).pop().expect("message");
    let expires_at = chrono::DateTime::parse_from_rfc3339(message.data["expires_at"].as_str().expect("expires_at"))
        .expect("RFC 3339");
    let hour = expires_at.with_timezone(&chrono::Utc) - message.created_at;
    assert!((hour - chrono::TimeDelta::hours(1)).num_seconds().abs() <= 1, "valid for an hour, not {hour}");
    // Time passes (the token is aged in place): past its hour it no longer works.
    let mut conn = app.db.connection().expect("connection");
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE account_tokens SET expires_at = '2000-01-01 00:00:00'"),
        &mut *conn,
    )
    .expect("age the token");
    drop(conn);
    app.post("/v1/auth/password-reset/confirm", None, json!({"token": token, "new_password": NEW_PASSWORD}))
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "invalid_token");
    assert!(!app.login(&worker.email).await.0.is_empty(), "the old password still works");
}

async fn sign_up_and_invitations_verify_the_address(app: TestApp) {
    let Some((sink, _dispatcher)) = app.with_mail(SinkOptions::default()) else { return };
    let signup = json!({"organization_name": "Matsumoto Printing", "display_name": "Ren Kato",
        "email": "ren@printing.example", "password": PASSWORD, "locale": "ja"});
    let created = app.post("/v1/auth/signup", None, signup).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["user"]["email_verified"], false);
    assert_eq!(created.body["user"]["locale"], "ja");
    let mail = sink.wait_to("ren@printing.example", "メールアドレス").await;
    assert_message(
        &mail,
        "ren@printing.example",
        "ja",
        &[],
        &["Ren Kato", "https://app.yui.example/verify-email?token="],
    );
    let (access, _) = app.login("ren@printing.example").await;
    let again = app.request(Method::POST, "/v1/me/verification-email", Some(&access), None).await;
    assert_eq!(again.status, StatusCode::ACCEPTED);
    let resent = {
        let started = std::time::Instant::now();
        loop {
            let mails = sink.to("ren@printing.example");
            if mails.len() >= 2 || started.elapsed().as_secs() > 20 {
                break mails;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    };
    assert_eq!(resent.len(), 2);
    app.post("/v1/auth/verify-email", None, json!({"token": token_in(&mail)}))
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "invalid_token");
    let verified = app.post("/v1/auth/verify-email", None, json!({"token": token_in(&resent[1])})).await;
    assert_eq!(verified.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/v1/me", Some(&access)).await.body["user"]["email_verified"], true);
    app.request(Method::POST, "/v1/me/verification-email", Some(&access), None)
        .await
        .assert_problem(StatusCode::CONFLICT, "email_already_verified");

    // An invitation reaches the invitee in the language chosen for them; accepting
    // it proves the address.
    let center = app.create_center("kado");
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let admin_token = app.token(&admin).await;
    let invited = app
        .post(
            "/v1/invitations",
            Some(&admin_token),
            json!({"email": "aya@kado.example", "role": "worker", "locale": "ja"}),
        )
        .await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.body);
    assert_eq!(invited.body["locale"], "ja");
    let invitation = sink.wait_to("aya@kado.example", "招待").await;
    assert_message(
        &invitation,
        "aya@kado.example",
        "ja",
        &["Centre kado"],
        &["ワーカー", "Test User", "https://app.yui.example/accept-invitation?token="],
    );
    let accepted = app
        .post(
            "/v1/invitations/accept",
            None,
            json!({"token": token_in(&invitation), "display_name": "Aya", "password": PASSWORD}),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.body);
    assert_eq!(accepted.body["email_verified"], true);
    assert_eq!(accepted.body["locale"], "ja");
}
