//! Each server caches its centres' workforce rosters (`yui_store::roster`). The
//! cache must never show an old roster: two servers share one database, both have
//! warm caches, and every kind of roster change written through one (a level, the
//! weekly windows, the caps, an account, a new worker, a team, an absence) shows at
//! once in the other's candidates and dashboard, on both engines.
//!
//! A cache brings itself up to date by reading only the workers the triggers noted
//! as changed. So beside the servers the test keeps a cache of its own, and after
//! every change checks that it took that path (or, after a change to a team, read
//! the whole roster) and that what it holds equals a roster loaded from scratch.

use std::sync::Arc;

use chrono::Utc;
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yui_domain::{Role, Tenant};
use yui_store::centers::Center;
use yui_store::roster::{Roster, RosterCache, RosterLoads};

use crate::flow::{active_job, call, cast};
use crate::helpers::{Neighbour, TestApp, test_settings};
use crate::observability::series;
use crate::on_both_engines;
use crate::workforce::{absent_until, always_available, assess, task, tasks_for};

on_both_engines!(a_second_server_sees_every_roster_change_at_once, racing_roster_changes_leave_every_cache_exact);

/// Rounds of [`racing_roster_changes_leave_every_cache_exact`]: a race lost one time
/// in ten cannot pass by luck.
const ROUNDS: usize = 30;

/// The candidates' worker ids, best first, as `server` ranks them.
async fn candidates_on(app: &TestApp, server: Option<&Neighbour>, task: &str, director: &str) -> Vec<String> {
    let path = format!("/v1/tasks/{task}/candidates");
    let reply = match server {
        Some(server) => app.get_on(server, &path, director).await,
        None => app.get(&path, Some(director)).await,
    };
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .map(|c| c["worker_id"].as_str().expect("worker id").to_owned())
        .collect()
}

/// Each team's member count on the dashboard of `server`.
async fn team_sizes_on(app: &TestApp, server: &Neighbour, director: &str) -> Vec<(String, u64)> {
    let reply = app.get_on(server, "/v1/dashboard", director).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .map(|t| (t["name"].as_str().expect("name").to_owned(), t["members"].as_u64().expect("members")))
        .collect()
}

/// The test's own roster cache, and how it should have read the roster so far.
struct Mirror {
    cache: RosterCache,
    center: Center,
    expected: RosterLoads,
}

impl Mirror {
    fn current(&self, app: &TestApp) -> Arc<Roster> {
        app.db.read(|conn| self.cache.current(conn, &self.center, Utc::now())).expect("roster")
    }

    /// After a change to some workers' rows: the cache read only those again, and
    /// holds what a fresh load reads.
    fn caught_up_by_changed_workers(&mut self, app: &TestApp) {
        self.expected.changed_workers += 1;
        self.check(app);
    }

    /// After a change to a team: the cache read the whole roster again.
    fn caught_up_by_whole_reload(&mut self, app: &TestApp) {
        self.expected.whole += 1;
        self.check(app);
    }

    fn check(&self, app: &TestApp) {
        let cached = self.current(app);
        assert_eq!(self.cache.loads(), self.expected, "how the cache caught up");
        let fresh =
            app.db.read(|conn| Roster::load(conn, &self.center, cached.exceptions_from())).expect("a fresh roster");
        assert_eq!(*cached, fresh, "a cache brought up to date holds what a fresh load reads");
        // Asked again, it is simply current.
        assert!(Arc::ptr_eq(&cached, &self.current(app)));
        assert_eq!(self.cache.loads(), self.expected);
    }
}

async fn a_second_server_sees_every_roster_change_at_once(app: TestApp) {
    let cast = cast(&app).await;
    let center = app.db.read(|conn| yui_store::centers::find_by_slug(conn, "kado")).expect("centre").expect("kado");
    let director = cast.director.clone();
    let skill = json!({"slug": "bookkeeping", "name": "Bookkeeping"});
    call(&app, Method::POST, "/v1/skills", &director, Some(skill), StatusCode::CREATED).await;
    let first = app.create_user(Tenant::Center(center.id), Role::Worker);
    let second = app.create_user(Tenant::Center(center.id), Role::Worker);
    let first_token = app.token(&first).await;
    let second_token = app.token(&second).await;
    always_available(&app, &first_token, &first, 480, 3000).await;
    always_available(&app, &second_token, &second, 480, 3000).await;
    assess(&app, &director, &first, "bookkeeping", 4).await;
    assess(&app, &director, &second, "bookkeeping", 3).await;
    let job = active_job(&app, &cast).await;
    let ids = tasks_for(&app, &director, &job, vec![task("Ledger", 60, 3, Some(("bookkeeping", 3)))]).await;
    let probe = &ids[0];
    let (first_id, second_id) = (first.id.to_string(), second.id.to_string());
    let both = vec![first_id.clone(), second_id.clone()];

    let mut settings = test_settings();
    settings.metrics_token = Some("scrape".into());
    let other = app.neighbour_with(settings).await;
    let mut mirror = Mirror { cache: RosterCache::default(), center: center.clone(), expected: RosterLoads::default() };
    mirror.caught_up_by_whole_reload(&app);
    // Warm both servers' caches.
    assert_eq!(candidates_on(&app, None, probe, &director).await, both);
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, both);
    assert_eq!(team_sizes_on(&app, &other, &director).await, Vec::<(String, u64)>::new());

    // A level.
    assess(&app, &director, &first, "bookkeeping", 2).await;
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, [second_id.as_str()]);
    mirror.caught_up_by_changed_workers(&app);
    assess(&app, &director, &first, "bookkeeping", 5).await;
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, both);
    mirror.caught_up_by_changed_workers(&app);

    // The weekly windows.
    let windows = format!("/v1/workers/{}/availability/windows", first.id);
    let none = Some(json!({"windows": []}));
    call(&app, Method::PUT, &windows, &first_token, none, StatusCode::NO_CONTENT).await;
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, [second_id.as_str()]);
    mirror.caught_up_by_changed_workers(&app);
    always_available(&app, &first_token, &first, 480, 3000).await;
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, both);
    mirror.caught_up_by_changed_workers(&app);

    // The caps in the profile: 10 minutes a day, 20 a week cannot hold a one-hour
    // task due within four days (at most two weeks touched).
    always_available(&app, &first_token, &first, 10, 20).await;
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, [second_id.as_str()]);
    mirror.caught_up_by_changed_workers(&app);
    always_available(&app, &first_token, &first, 480, 3000).await;
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, both);
    mirror.caught_up_by_changed_workers(&app);

    // A team and its members.
    let team = call(
        &app,
        Method::POST,
        "/v1/teams",
        &director,
        Some(json!({"name": "Ledgers", "description": "Books", "public": false})),
        StatusCode::CREATED,
    )
    .await;
    mirror.caught_up_by_whole_reload(&app);
    let member = format!("/v1/teams/{}/members/{}", team["id"].as_str().expect("id"), first.id);
    call(&app, Method::PUT, &member, &director, Some(json!({"role": "member"})), StatusCode::OK).await;
    assert_eq!(team_sizes_on(&app, &other, &director).await, [("Ledgers".to_owned(), 1)]);
    mirror.caught_up_by_changed_workers(&app);
    call(&app, Method::DELETE, &member, &director, None, StatusCode::NO_CONTENT).await;
    assert_eq!(team_sizes_on(&app, &other, &director).await, [("Ledgers".to_owned(), 0)]);
    mirror.caught_up_by_changed_workers(&app);

    // An account.
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let admin = app.token(&admin).await;
    let deactivate = format!("/v1/users/{}/deactivate", second.id);
    call(&app, Method::POST, &deactivate, &admin, Some(json!({})), StatusCode::OK).await;
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, [first_id.as_str()]);
    mirror.caught_up_by_changed_workers(&app);

    // A new worker, with hours and a level.
    let third = app.create_user(Tenant::Center(center.id), Role::Worker);
    let third_token = app.token(&third).await;
    always_available(&app, &third_token, &third, 480, 3000).await;
    assess(&app, &director, &third, "bookkeeping", 3).await;
    let mut ranked = candidates_on(&app, Some(&other), probe, &director).await;
    ranked.sort_unstable();
    let mut expected = vec![first_id.clone(), third.id.to_string()];
    expected.sort_unstable();
    assert_eq!(ranked, expected);
    mirror.caught_up_by_changed_workers(&app);

    // An absence through the due date.
    let at_risk: Vec<Value> = absent_until(&app, &first_token, &first, 4).await;
    assert!(at_risk.is_empty(), "nothing was assigned: {at_risk:?}");
    let only_third = [third.id.to_string()];
    assert_eq!(candidates_on(&app, Some(&other), probe, &director).await, only_third);
    mirror.caught_up_by_changed_workers(&app);
    // The writing server agrees, and so does a server that loads the roster afresh.
    assert_eq!(candidates_on(&app, None, probe, &director).await, only_third);
    let cold = app.neighbour().await;
    assert_eq!(candidates_on(&app, Some(&cold), probe, &director).await, only_third);

    // The second server, too, read the whole roster only when it first needed it
    // and after the team was created.
    let scrape = app.client.get(format!("{}/metrics", other.address)).bearer_auth("scrape").send().await;
    let scrape = scrape.expect("scraped").text().await.expect("text");
    assert_eq!(series(&scrape, r#"yui_roster_loads_total{kind="whole"}"#), Some(2.0), "{scrape}");
    let by_workers = series(&scrape, r#"yui_roster_loads_total{kind="changed_workers"}"#);
    assert!(by_workers.is_some_and(|n| n >= 10.0), "{scrape}");
}

/// Two servers keep warm caches while four workers' levels change at the same
/// moment through one of them, and the other answers candidates in between: each
/// answer is made while other changes commit, so a cache brought up to date from a
/// list of changed workers that missed one would show it. After every round the
/// second server's candidates are exactly the workers now at the level, and the
/// test's own cache equals a fresh load.
async fn racing_roster_changes_leave_every_cache_exact(app: TestApp) {
    let cast = cast(&app).await;
    let center = app.db.read(|conn| yui_store::centers::find_by_slug(conn, "kado")).expect("centre").expect("kado");
    let director = cast.director.clone();
    let skill = json!({"slug": "bookkeeping", "name": "Bookkeeping"});
    call(&app, Method::POST, "/v1/skills", &director, Some(skill), StatusCode::CREATED).await;
    let mut workers = Vec::new();
    for _ in 0..4 {
        let worker = app.create_user(Tenant::Center(center.id), Role::Worker);
        let token = app.token(&worker).await;
        always_available(&app, &token, &worker, 480, 3000).await;
        assess(&app, &director, &worker, "bookkeeping", 4).await;
        workers.push(worker);
    }
    let job = active_job(&app, &cast).await;
    let probe = tasks_for(&app, &director, &job, vec![task("Ledger", 60, 3, Some(("bookkeeping", 3)))]).await.remove(0);
    let other = app.neighbour().await;
    let mut mirror = Mirror { cache: RosterCache::default(), center: center.clone(), expected: RosterLoads::default() };
    mirror.caught_up_by_whole_reload(&app);
    assert_eq!(candidates_on(&app, Some(&other), &probe, &director).await.len(), 4);

    for round in 0..ROUNDS {
        // Worker i is qualified this round when bit i of the round number is set.
        let level = |i: usize| if round >> i & 1 == 1 { 4 } else { 2 };
        let changes = workers.iter().enumerate().map(|(i, worker)| {
            let path = format!("/v1/workers/{}/skills/bookkeeping", worker.id);
            let body = json!({"level": level(i), "evidence": format!("round {round}")});
            let (app, director) = (&app, &director);
            async move { app.request(Method::PUT, &path, Some(director), Some(body)).await }
        });
        let candidates = format!("/v1/tasks/{probe}/candidates");
        let reads = (0..4).map(|_| app.get_on(&other, &candidates, &director));
        let (changed, read) = futures::join!(join_all(changes), join_all(reads));
        for reply in changed.iter().chain(&read) {
            assert_eq!(reply.status, StatusCode::OK, "round {round}: {}", reply.body);
        }
        let mut expected: Vec<String> =
            workers.iter().enumerate().filter(|(i, _)| level(*i) == 4).map(|(_, w)| w.id.to_string()).collect();
        expected.sort_unstable();
        let mut shown = candidates_on(&app, Some(&other), &probe, &director).await;
        shown.sort_unstable();
        assert_eq!(shown, expected, "round {round}");
        mirror.caught_up_by_changed_workers(&app);
    }
}
