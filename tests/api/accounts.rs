//! Sign-up, login, `/v1/me`, deactivation and the public centre list.

use reqwest::StatusCode;
use serde_json::json;
use yui_domain::{Role, Tenant};

use crate::helpers::{PASSWORD, TestApp};
use crate::on_both_engines;

on_both_engines!(
    a_company_signs_up_logs_in_and_sees_itself,
    signing_up_twice_with_one_email_is_a_conflict_that_writes_nothing,
    wrong_passwords_are_refused_then_rate_limited,
    parallel_password_guesses_are_all_counted,
    deactivated_users_lose_access_at_once,
    the_public_centre_list_pages_through_every_centre,
    user_lists_page_and_filter,
    probes_answer,
);

async fn a_company_signs_up_logs_in_and_sees_itself(app: TestApp) {
    let signup = app
        .post(
            "/v1/auth/signup",
            None,
            json!({"organization_name": "  Shiojiri Map Works ", "display_name": "Aiko Tanaka",
                   "email": "Aiko@MapWorks.Example", "password": PASSWORD}),
        )
        .await;
    assert_eq!(signup.status, StatusCode::CREATED, "{}", signup.body);
    assert_eq!(signup.body["organization"]["name"], "Shiojiri Map Works");
    assert_eq!(signup.body["user"]["email"], "aiko@mapworks.example");
    assert_eq!(signup.body["user"]["role"], "client");
    assert_eq!(signup.body["user"]["organization_id"], signup.body["organization"]["id"]);
    assert!(signup.body["user"].get("password_hash").is_none());

    let login = app.post("/v1/auth/login", None, json!({"email": "aiko@mapworks.example", "password": PASSWORD})).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    assert_eq!(login.body["token_type"], "Bearer");
    assert_eq!(login.body["expires_in"], 900);

    let me = app.get("/v1/me", Some(&login.str("access_token"))).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["user"]["id"], signup.body["user"]["id"]);
    assert_eq!(me.body["organization"]["id"], signup.body["organization"]["id"]);
    assert!(me.body["center"].is_null());
}

async fn signing_up_twice_with_one_email_is_a_conflict_that_writes_nothing(app: TestApp) {
    let body = json!({"organization_name": "First", "display_name": "A", "email": "a@b.example", "password": PASSWORD});
    assert_eq!(app.post("/v1/auth/signup", None, body).await.status, StatusCode::CREATED);
    let before = app.row_counts();
    let again =
        json!({"organization_name": "Second", "display_name": "B", "email": "A@B.example", "password": PASSWORD});
    app.post("/v1/auth/signup", None, again).await.assert_problem(StatusCode::CONFLICT, "email_taken");
    assert_eq!(app.row_counts(), before, "the refused sign-up must not leave an organisation behind");
}

async fn wrong_passwords_are_refused_then_rate_limited(app: TestApp) {
    let center = app.create_center("kado");
    let worker = app.create_user(Tenant::Center(center.id), Role::Worker);
    let wrong = json!({"email": worker.email, "password": "not the password"});
    for _ in 0..5 {
        app.post("/v1/auth/login", None, wrong.clone())
            .await
            .assert_problem(StatusCode::UNAUTHORIZED, "invalid_credentials");
    }
    let limited = app.post("/v1/auth/login", None, json!({"email": worker.email, "password": PASSWORD})).await;
    limited.assert_problem(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let retry_after = |reply: &crate::helpers::Reply| -> i64 {
        reply.headers["retry-after"].to_str().ok().and_then(|v| v.parse().ok()).expect("Retry-After seconds")
    };
    assert!((899..=901).contains(&retry_after(&limited)), "{:?}", limited.headers);
    // Retry-After says when the block ends: when the oldest of the five failures leaves
    // the 15-minute window, not a whole window from now.
    {
        use diesel::RunQueryDsl;
        let shift = match app.engine {
            crate::helpers::Engine::Sqlite => "datetime(failed_at, '-14 minutes')",
            crate::helpers::Engine::Postgres => "failed_at - INTERVAL '14 minutes'",
        };
        let oldest = "(SELECT id FROM login_failures ORDER BY failed_at, id LIMIT 1)";
        let mut conn = app.db.connection().expect("connection");
        diesel::sql_query(format!("UPDATE login_failures SET failed_at = {shift} WHERE id = {oldest}"))
            .execute(&mut *conn)
            .expect("backdate the first failure");
    }
    let limited = app.post("/v1/auth/login", None, json!({"email": worker.email, "password": PASSWORD})).await;
    limited.assert_problem(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!((58..=61).contains(&retry_after(&limited)), "{:?}", limited.headers);

    // Unknown accounts get the same answer as wrong passwords: no account enumeration.
    app.post("/v1/auth/login", None, json!({"email": "nobody@test.example", "password": PASSWORD}))
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "invalid_credentials");
    // Another account from the same address is not locked by the first one's failures.
    let other = app.create_user(Tenant::Center(center.id), Role::Worker);
    app.login(&other.email).await;
}

async fn parallel_password_guesses_are_all_counted(app: TestApp) {
    let center = app.create_center("kado");
    let worker = app.create_user(Tenant::Center(center.id), Role::Worker);
    let wrong = json!({"email": worker.email, "password": "not the password"});
    let guesses = (0..10).map(|_| app.post("/v1/auth/login", None, wrong.clone()));
    let replies = futures::future::join_all(guesses).await;
    let refused = replies.iter().filter(|r| r.status == StatusCode::UNAUTHORIZED).count();
    let limited = replies.iter().filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((refused, limited), (5, 5), "exactly the first five guesses are checked");
}

async fn deactivated_users_lose_access_at_once(app: TestApp) {
    let center = app.create_center("kado");
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let worker = app.create_user(Tenant::Center(center.id), Role::Worker);
    let admin_token = app.token(&admin).await;
    let (worker_token, worker_refresh) = app.login(&worker.email).await;
    assert_eq!(app.get("/v1/me", Some(&worker_token)).await.status, StatusCode::OK);

    let deactivated = app.post(&format!("/v1/users/{}/deactivate", worker.id), Some(&admin_token), json!({})).await;
    assert_eq!(deactivated.status, StatusCode::OK, "{}", deactivated.body);
    assert_eq!(deactivated.body["active"], false);

    app.get("/v1/me", Some(&worker_token)).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    app.post("/v1/auth/refresh", None, json!({"refresh_token": worker_refresh}))
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "invalid_refresh_token");
    app.post("/v1/auth/login", None, json!({"email": worker.email, "password": PASSWORD}))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "account_deactivated");

    let listed = app.get("/v1/users?active=false", Some(&admin_token)).await;
    let inactive: Vec<_> = listed.body["items"].as_array().expect("items").iter().map(|u| u["id"].clone()).collect();
    assert_eq!(inactive, vec![json!(worker.id.to_string())]);

    let reactivated = app.post(&format!("/v1/users/{}/reactivate", worker.id), Some(&admin_token), json!({})).await;
    assert_eq!(reactivated.body["active"], true);
    app.login(&worker.email).await;

    app.post(&format!("/v1/users/{}/deactivate", admin.id), Some(&admin_token), json!({}))
        .await
        .assert_problem(StatusCode::CONFLICT, "cannot_deactivate_self");
}

async fn the_public_centre_list_pages_through_every_centre(app: TestApp) {
    let slugs: Vec<String> = (0..5).map(|i| format!("centre-{i}")).collect();
    for slug in &slugs {
        app.create_center(slug);
    }
    let mut seen = Vec::new();
    let mut path = "/v1/public/centers?limit=2".to_owned();
    loop {
        let page = app.get(&path, None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let items = page.body["items"].as_array().expect("items");
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|c| c["slug"].as_str().expect("slug").to_owned()));
        assert_eq!(items[0]["minimum_hourly_rate"], json!({"amount_minor": 950, "currency": "JPY"}));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/public/centers?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, slugs, "every centre once, in creation order");
}

async fn user_lists_page_and_filter(app: TestApp) {
    let center = app.create_center("kado");
    let tenant = Tenant::Center(center.id);
    let admin = app.create_user(tenant, Role::Admin);
    let workers: Vec<_> = (0..5).map(|_| app.create_user(tenant, Role::Worker)).collect();
    let director = app.create_user(tenant, Role::Director);
    let token = app.token(&director).await;

    let first = app.get("/v1/users?limit=4", Some(&token)).await;
    assert_eq!(first.body["items"].as_array().expect("items").len(), 4);
    let cursor = first.str("next_cursor");
    let second = app.get(&format!("/v1/users?limit=4&cursor={cursor}"), Some(&token)).await;
    assert_eq!(second.body["items"].as_array().expect("items").len(), 3);
    assert!(second.body["next_cursor"].is_null());
    let ids: Vec<_> = first.body["items"]
        .as_array()
        .into_iter()
        .chain(second.body["items"].as_array())
        .flatten()
        .map(|u| u["id"].as_str().expect("id").to_owned())
        .collect();
    let mut expected = vec![admin.id.to_string()];
    expected.extend(workers.iter().map(|w| w.id.to_string()));
    expected.push(director.id.to_string());
    assert_eq!(ids, expected);

    let only_workers = app.get("/v1/users?role=worker", Some(&token)).await;
    let roles: Vec<_> =
        only_workers.body["items"].as_array().expect("items").iter().map(|u| u["role"].clone()).collect();
    assert_eq!(roles, vec![json!("worker"); 5]);
}

async fn probes_answer(app: TestApp) {
    let live = app.get("/healthz", None).await;
    assert_eq!((live.status, live.body["status"].as_str()), (StatusCode::OK, Some("ok")));
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status, StatusCode::OK);
    let engine = match app.engine {
        crate::helpers::Engine::Sqlite => "sqlite",
        crate::helpers::Engine::Postgres => "postgres",
    };
    assert_eq!(ready.body["database"], engine);
    app.get("/v1/nothing-here", None).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
}
