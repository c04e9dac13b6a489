//! Rate limits per caller through HTTP: every answer says where the caller stands
//! (`RateLimit-Policy`, `RateLimit`); a caller over budget gets `429` with
//! `Retry-After` while others are served; the budget is one across two API
//! instances on one database, even when both are hit at the same moment.
//!
//! The set-up goes through the main test server (no limit to speak of); the
//! measured requests go to neighbours on the same database with a small budget.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use yui_domain::{Role, Tenant};

use crate::flow::{call, cast};
use crate::helpers::{Neighbour, Reply, TestApp, test_settings};
use crate::on_both_engines;

on_both_engines!(
    a_caller_over_budget_is_refused_while_others_are_served,
    the_budget_holds_across_two_instances,
    reserved_chunks_never_let_a_large_budget_overflow,
);

const BUDGET: u32 = 10;

async fn limited(app: &TestApp) -> Neighbour {
    limited_to(app, BUDGET).await
}

async fn limited_to(app: &TestApp, budget: u32) -> Neighbour {
    let mut settings = test_settings();
    settings.requests_per_minute = budget;
    app.neighbour_with(settings).await
}

/// Waits, if needed, until at least `seconds` are left in the current minute, so
/// the requests that follow share one window.
async fn with_time_left(seconds: u64) {
    let into_minute = u64::try_from(chrono::Utc::now().timestamp().rem_euclid(60)).unwrap_or(0);
    if 60 - into_minute < seconds {
        tokio::time::sleep(Duration::from_secs(60 - into_minute + 1)).await;
    }
}

async fn get(app: &TestApp, server: &Neighbour, path: &str, token: &str) -> Reply {
    app.get_on(server, path, token).await
}

fn header<'a>(reply: &'a Reply, name: &str) -> &'a str {
    reply.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

/// `"per-caller";r=<remaining>;t=<seconds>` read back.
fn standing(reply: &Reply) -> (u32, u64) {
    let value = header(reply, "ratelimit");
    let part = |key: &str| {
        value
            .split(';')
            .find_map(|p| p.strip_prefix(key))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("no `{key}` in RateLimit: {value:?}"))
    };
    (u32::try_from(part("r=")).expect("small"), part("t="))
}

async fn a_caller_over_budget_is_refused_while_others_are_served(app: TestApp) {
    let cast = cast(&app).await;
    let key = call(
        &app,
        reqwest::Method::POST,
        "/v1/api-keys",
        &cast.client,
        Some(json!({"name": "Portal", "scopes": ["jobs:read"]})),
        StatusCode::CREATED,
    )
    .await["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let (first, second) = (limited(&app).await, limited(&app).await);
    with_time_left(15).await;

    for spent in 1..=BUDGET {
        let reply = get(&app, &first, "/v1/me", &cast.director).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(header(&reply, "ratelimit-policy"), format!("\"per-caller\";q={BUDGET};w=60"));
        let (remaining, reset) = standing(&reply);
        assert_eq!(remaining, BUDGET - spent);
        assert!((1..=60).contains(&reset), "t={reset}");
    }
    // Over budget, whichever instance is asked.
    let refused = get(&app, &second, "/v1/me", &cast.director).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.content_type, "application/problem+json");
    assert_eq!(refused.body["code"], "rate_limited");
    let (remaining, reset) = standing(&refused);
    assert_eq!(remaining, 0);
    assert_eq!(header(&refused, "retry-after"), reset.to_string());
    assert_eq!(header(&refused, "ratelimit-policy"), format!("\"per-caller\";q={BUDGET};w=60"));

    // Everyone else is served: another person, and an API key (a budget of its own,
    // apart from the person who made it).
    let colleague = get(&app, &first, "/v1/me", &cast.other_director).await;
    assert_eq!((colleague.status, standing(&colleague).0), (StatusCode::OK, BUDGET - 1));
    let machine = get(&app, &second, "/v1/jobs", &key).await;
    assert_eq!((machine.status, standing(&machine).0), (StatusCode::OK, BUDGET - 1));
    // Probes are not counted and carry no budget.
    let probe = app.client.get(format!("{}/healthz", first.address)).send().await.expect("probe");
    assert_eq!(probe.status(), StatusCode::OK);
    assert!(probe.headers().get("ratelimit").is_none());
}

async fn the_budget_holds_across_two_instances(app: TestApp) {
    let center = app.create_center("kado");
    let (first, second) = (limited(&app).await, limited(&app).await);
    for round in 0..5 {
        let worker = app.create_user(Tenant::Center(center.id), Role::Worker);
        let token = app.token(&worker).await;
        with_time_left(10).await;
        let sends = (0..2 * BUDGET).map(|i| {
            let server = if i % 2 == 0 { &first } else { &second };
            get(&app, server, "/v1/me", &token)
        });
        let replies = futures::future::join_all(sends).await;
        let served = replies.iter().filter(|r| r.status == StatusCode::OK).count();
        let refused = replies.iter().filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS).count();
        assert_eq!((served, refused), (BUDGET as usize, BUDGET as usize), "round {round}: {served} served");
        let mut remaining: Vec<u32> =
            replies.iter().filter(|r| r.status == StatusCode::OK).map(|r| standing(r).0).collect();
        remaining.sort_unstable();
        assert_eq!(remaining, (0..BUDGET).collect::<Vec<_>>(), "round {round}: each count once");
    }
}

/// With a large budget each instance reserves tokens in chunks (one write per chunk);
/// two instances hammered at once still serve exactly the budget, each hit number
/// once, because every token is reserved in the database before it is used.
async fn reserved_chunks_never_let_a_large_budget_overflow(app: TestApp) {
    const LARGE: u32 = 120;
    let center = app.create_center("kado");
    let worker = app.create_user(Tenant::Center(center.id), Role::Worker);
    let token = app.token(&worker).await;
    let (first, second) = (limited_to(&app, LARGE).await, limited_to(&app, LARGE).await);
    with_time_left(15).await;
    let sends = (0..LARGE + LARGE / 2).map(|i| {
        let server = if i % 2 == 0 { &first } else { &second };
        get(&app, server, "/v1/me", &token)
    });
    let replies = futures::future::join_all(sends).await;
    let mut hits: Vec<u32> =
        replies.iter().filter(|r| r.status == StatusCode::OK).map(|r| LARGE - standing(r).0).collect();
    hits.sort_unstable();
    assert_eq!(hits, (1..=LARGE).collect::<Vec<_>>(), "exactly the budget, each request counted once");
    assert!(replies.iter().all(|r| matches!(r.status, StatusCode::OK | StatusCode::TOO_MANY_REQUESTS)));
}
