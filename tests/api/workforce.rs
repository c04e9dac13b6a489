//! Workforce over HTTP on both engines: levels and their history, availability net of
//! commitments, team queues (claim race, release with hand-off), peer review, ranked
//! candidates for a constructed case, assignment plans that keep every cap and
//! window, absence → at risk → cover, the at-risk list in pages, substitutes equal to
//! the head of the full ranking, capacity checks, the dashboard against
//! independent counts, and a public showcase that names only who opted in.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, SecondsFormat, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yui_domain::{Role, Tenant};

use crate::flow::{active_job, call, cast, in_days};
use crate::helpers::{Account, TestApp};
use crate::on_both_engines;

on_both_engines!(
    levels_are_set_by_directors_and_keep_their_history,
    availability_is_net_of_commitments_and_exceptions,
    team_queues_have_one_claim_winner_and_hand_offs_stay,
    reviewers_check_teammates_but_never_themselves,
    candidates_rank_a_known_case_with_reasons,
    assignment_plans_never_break_a_cap_or_a_window,
    an_absence_puts_work_at_risk_and_one_call_covers_it,
    the_at_risk_list_pages_soonest_due_first,
    substitutes_are_the_head_of_the_full_ranking,
    capacity_checks_say_feasible_or_name_the_bottleneck,
    the_dashboard_matches_independent_counts,
    the_showcase_names_only_who_opted_in,
);

fn iso(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// All-day windows every day, with the given caps: availability that does not depend
/// on when the test runs.
pub(crate) async fn always_available(
    app: &TestApp,
    token: &str,
    worker: &Account,
    daily_minutes: i64,
    weekly_minutes: i64,
) {
    let windows: Vec<Value> = (0..7).map(|d| json!({"weekday": d, "start": "00:00", "end": "24:00"})).collect();
    call(
        app,
        Method::PUT,
        &format!("/v1/workers/{}/availability/windows", worker.id),
        token,
        Some(json!({"windows": windows})),
        StatusCode::NO_CONTENT,
    )
    .await;
    let profile = json!({"work_modes": ["home"], "weekly_cap_minutes": weekly_minutes,
                         "daily_cap_minutes": daily_minutes});
    call(app, Method::PUT, &format!("/v1/workers/{}/profile", worker.id), token, Some(profile), StatusCode::OK).await;
}

/// `count` new workers of the centre, each with their token, available all day
/// every day up to `daily_minutes` a day and 3 000 minutes a week.
async fn available_workers(
    app: &TestApp,
    center: yui_domain::CenterId,
    count: usize,
    daily_minutes: i64,
) -> Vec<(Account, String)> {
    let mut people = Vec::with_capacity(count);
    for _ in 0..count {
        let worker = app.create_user(Tenant::Center(center), Role::Worker);
        let token = app.token(&worker).await;
        always_available(app, &token, &worker, daily_minutes, 3000).await;
        people.push((worker, token));
    }
    people
}

/// Records absences from yesterday until `days` from now; returns every task the
/// absences put at risk.
pub(crate) async fn absent_until(app: &TestApp, token: &str, worker: &Account, days: i64) -> Vec<Value> {
    let mut at_risk = Vec::new();
    for offset in -1..=days {
        let day = (Utc::now() + Duration::days(offset)).with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
        let path = format!("/v1/workers/{}/availability/exceptions", worker.id);
        let body = json!({"day": day.to_string(), "kind": "absent", "note": "away"});
        let recorded = call(app, Method::POST, &path, token, Some(body), StatusCode::CREATED).await;
        at_risk.extend(recorded["tasks_at_risk"].as_array().cloned().unwrap_or_default());
    }
    at_risk
}

pub(crate) async fn tasks_for(app: &TestApp, director: &str, job: &str, specs: Vec<Value>) -> Vec<String> {
    let created = call(
        app,
        Method::POST,
        &format!("/v1/jobs/{job}/tasks"),
        director,
        Some(json!({"tasks": specs})),
        StatusCode::CREATED,
    )
    .await;
    created.as_array().expect("tasks").iter().map(|t| t["id"].as_str().expect("id").to_owned()).collect()
}

pub(crate) fn task(title: &str, minutes: i64, due_in_days: i64, skill: Option<(&str, i64)>) -> Value {
    let mut spec =
        json!({"title": title, "instructions": "", "estimated_minutes": minutes, "due_at": in_days(due_in_days)});
    if let Some((skill, level)) = skill {
        spec["skill"] = json!(skill);
        spec["min_level"] = json!(level);
    }
    spec
}

pub(crate) async fn assess(app: &TestApp, director: &str, worker: &Account, skill: &str, level: i64) {
    call(
        app,
        Method::PUT,
        &format!("/v1/workers/{}/skills/{skill}", worker.id),
        director,
        Some(json!({"level": level, "evidence": "test"})),
        StatusCode::OK,
    )
    .await;
}

async fn levels_are_set_by_directors_and_keep_their_history(app: TestApp) {
    let cast = cast(&app).await;
    let (worker, token) = &cast.workers[0];
    let created = call(
        &app,
        Method::POST,
        "/v1/skills",
        &cast.director,
        Some(json!({"slug": "hd-map-editing", "name": "HD-map editing"})),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["slug"], "hd-map-editing");
    app.request(
        Method::POST,
        "/v1/skills",
        Some(&cast.director),
        Some(json!({"slug": "hd-map-editing", "name": "Again"})),
    )
    .await
    .assert_problem(StatusCode::CONFLICT, "skill_exists");

    for (level, evidence) in [(2, "Trial task: 9 errors in 200"), (4, "Second test: 2 errors in 200")] {
        call(
            &app,
            Method::PUT,
            &format!("/v1/workers/{}/skills/hd-map-editing", worker.id),
            &cast.director,
            Some(json!({"level": level, "evidence": evidence})),
            StatusCode::OK,
        )
        .await;
    }
    let current =
        call(&app, Method::GET, &format!("/v1/workers/{}/skills", worker.id), token, None, StatusCode::OK).await;
    let hd =
        current.as_array().expect("levels").iter().find(|l| l["skill"] == "hd-map-editing").expect("hd level").clone();
    assert_eq!(hd["level"], 4);
    let history = call(
        &app,
        Method::GET,
        &format!("/v1/workers/{}/skills-history?skill=hd-map-editing", worker.id),
        &cast.director,
        None,
        StatusCode::OK,
    )
    .await;
    let levels: Vec<_> =
        history.as_array().expect("history").iter().map(|a| (a["level"].clone(), a["evidence"].clone())).collect();
    assert_eq!(
        levels,
        vec![(json!(2), json!("Trial task: 9 errors in 200")), (json!(4), json!("Second test: 2 errors in 200"))]
    );

    let (other, other_token) = &cast.workers[1];
    app.get(&format!("/v1/workers/{}/skills", worker.id), Some(other_token))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    // Levels are the directors' to set: not by the worker themself (403), and another
    // worker's records are not even visible to a worker (404).
    app.request(
        Method::PUT,
        &format!("/v1/workers/{}/skills/hd-map-editing", worker.id),
        Some(token),
        Some(json!({"level": 5, "evidence": "me"})),
    )
    .await
    .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    app.request(
        Method::PUT,
        &format!("/v1/workers/{}/skills/hd-map-editing", other.id),
        Some(token),
        Some(json!({"level": 5, "evidence": "me"})),
    )
    .await
    .assert_problem(StatusCode::NOT_FOUND, "not_found");
    app.request(
        Method::PUT,
        &format!("/v1/workers/{}/skills/juggling", worker.id),
        Some(&cast.director),
        Some(json!({"level": 3, "evidence": "x"})),
    )
    .await
    .assert_problem(StatusCode::NOT_FOUND, "not_found");
}

async fn availability_is_net_of_commitments_and_exceptions(app: TestApp) {
    let cast = cast(&app).await;
    let (worker, token) = &cast.workers[0];
    // Mon–Fri 9:00–12:00, caps well above it.
    let windows: Vec<Value> = (0..5).map(|d| json!({"weekday": d, "start": "09:00", "end": "12:00"})).collect();
    call(
        &app,
        Method::PUT,
        &format!("/v1/workers/{}/availability/windows", worker.id),
        token,
        Some(json!({"windows": windows})),
        StatusCode::NO_CONTENT,
    )
    .await;
    let profile = json!({"work_modes": ["home", "office"], "weekly_cap_minutes": 3000,
                         "daily_cap_minutes": 600, "time_zone": "Asia/Tokyo", "accommodations": "needs short breaks"});
    call(&app, Method::PUT, &format!("/v1/workers/{}/profile", worker.id), token, Some(profile), StatusCode::OK).await;
    // Pay is the centre's to set, never below its minimum; the worker reads it.
    let rate_path = format!("/v1/workers/{}/hourly-rate", worker.id);
    app.request(Method::PUT, &rate_path, Some(token), Some(json!({"hourly_rate": {"amount_minor": 999_999}})))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    app.request(Method::PUT, &rate_path, Some(&cast.director), Some(json!({"hourly_rate": {"amount_minor": 800}})))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let paid = call(
        &app,
        Method::PUT,
        &rate_path,
        &cast.director,
        Some(json!({"hourly_rate": {"amount_minor": 1200}})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(paid["hourly_rate"], json!({"amount_minor": 1200, "currency": "JPY"}));
    let mine =
        call(&app, Method::GET, &format!("/v1/workers/{}/profile", worker.id), token, None, StatusCode::OK).await;
    assert_eq!(mine["hourly_rate"]["amount_minor"], 1200);
    assert_eq!(mine["accommodations"], "needs short breaks", "setting the rate keeps the rest of the profile");

    // Next week, Monday 00:00 to the following Monday 00:00 in Tokyo.
    let tokyo_today = Utc::now().with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
    let monday =
        tokyo_today + Duration::days(7 - i64::from(chrono::Datelike::weekday(&tokyo_today).num_days_from_monday()));
    let start = monday
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_local_timezone(chrono_tz::Asia::Tokyo)
        .single()
        .expect("tz")
        .with_timezone(&Utc);
    let range = format!("from={}&to={}", iso(start), iso(start + Duration::days(7)));
    let hours = |body: &Value| {
        (body["capacity_minutes"].clone(), body["committed_minutes"].clone(), body["available_minutes"].clone())
    };

    let path = format!("/v1/workers/{}/available-hours?{range}", worker.id);
    let free = call(&app, Method::GET, &path, &cast.director, None, StatusCode::OK).await;
    assert_eq!(hours(&free), (json!(900), json!(0), json!(900)));

    let job = active_job(&app, &cast).await;
    let ids = tasks_for(&app, &cast.director, &job, vec![task("Photos", 120, 20, None)]).await;
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{}/assign", ids[0]),
        &cast.director,
        Some(json!({"worker_id": worker.id.to_string()})),
        StatusCode::OK,
    )
    .await;
    let committed = call(&app, Method::GET, &path, token, None, StatusCode::OK).await;
    assert_eq!(hours(&committed), (json!(900), json!(120), json!(780)));

    let wednesday = monday + Duration::days(2);
    call(
        &app,
        Method::POST,
        &format!("/v1/workers/{}/availability/exceptions", worker.id),
        token,
        Some(json!({"day": wednesday.to_string(), "kind": "absent", "note": "school event"})),
        StatusCode::CREATED,
    )
    .await;
    let saturday = monday + Duration::days(5);
    call(
        &app,
        Method::POST,
        &format!("/v1/workers/{}/availability/exceptions", worker.id),
        token,
        Some(json!({"day": saturday.to_string(), "kind": "extra", "start": "10:00", "end": "11:30"})),
        StatusCode::CREATED,
    )
    .await;
    let after = call(&app, Method::GET, &path, token, None, StatusCode::OK).await;
    assert_eq!(hours(&after), (json!(900 - 180 + 90), json!(120), json!(900 - 180 + 90 - 120)));

    // Directors read availability; they do not edit it.
    let read = call(
        &app,
        Method::GET,
        &format!("/v1/workers/{}/availability?{range}", worker.id),
        &cast.director,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["windows"].as_array().expect("windows").len(), 5);
    assert_eq!(read["exceptions"].as_array().expect("exceptions").len(), 2);
    app.request(
        Method::PUT,
        &format!("/v1/workers/{}/availability/windows", worker.id),
        Some(&cast.director),
        Some(json!({"windows": []})),
    )
    .await
    .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let profile =
        call(&app, Method::GET, &format!("/v1/workers/{}/profile", worker.id), &cast.director, None, StatusCode::OK)
            .await;
    assert_eq!(profile["accommodations"], "needs short breaks", "directors see the accommodations note");
    app.get(&format!("/v1/workers/{}/profile", worker.id), Some(&cast.workers[1].1))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
}

/// A team with the cast's three workers; the first is a reviewer.
pub(crate) async fn team_of_three(app: &TestApp, cast: &crate::flow::Cast, public: bool) -> String {
    let team = call(
        app,
        Method::POST,
        "/v1/teams",
        &cast.director,
        Some(json!({"name": "Map team", "description": "Local roads", "public": public})),
        StatusCode::CREATED,
    )
    .await;
    let id = team["id"].as_str().expect("id").to_owned();
    for (index, (worker, _)) in cast.workers.iter().enumerate() {
        let role = if index == 0 { "reviewer" } else { "member" };
        call(
            app,
            Method::PUT,
            &format!("/v1/teams/{id}/members/{}", worker.id),
            &cast.director,
            Some(json!({"role": role})),
            StatusCode::OK,
        )
        .await;
    }
    id
}

async fn team_queues_have_one_claim_winner_and_hand_offs_stay(app: TestApp) {
    let cast = cast(&app).await;
    let team = team_of_three(&app, &cast, false).await;
    let job = active_job(&app, &cast).await;
    let ids = tasks_for(&app, &cast.director, &job, vec![task("Route 19, km 1", 90, 10, None)]).await;
    let queued = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{}/queue-for-team", ids[0]),
        &cast.director,
        Some(json!({"team_id": team})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(queued["team_id"], team.as_str());
    let queue =
        call(&app, Method::GET, &format!("/v1/teams/{team}/queue"), &cast.workers[1].1, None, StatusCode::OK).await;
    assert_eq!(queue["items"][0]["id"], ids[0].as_str());

    let claim_path = format!("/v1/tasks/{}/claim", ids[0]);
    let claims = cast.workers.iter().map(|(_, token)| app.request(Method::POST, &claim_path, Some(token), None));
    let replies = futures::future::join_all(claims).await;
    let winners: Vec<_> = replies.iter().filter(|r| r.status == StatusCode::OK).collect();
    assert_eq!(winners.len(), 1, "{replies:?}");
    assert!(replies.iter().filter(|r| r.status != StatusCode::OK).all(|r| r.status == StatusCode::CONFLICT));
    let winner_id = winners[0].body["assignee_id"].as_str().expect("assignee").to_owned();
    let winner_token = &cast.workers.iter().find(|(w, _)| w.id.to_string() == winner_id).expect("winner").1;

    call(&app, Method::POST, &format!("/v1/tasks/{}/start", ids[0]), winner_token, None, StatusCode::OK).await;
    let released = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{}/release", ids[0]),
        winner_token,
        Some(json!({"note": "km 1 half done; the tunnel section is left"})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(released["status"], "open");
    assert!(released["assignee_id"].is_null());
    let queue = call(&app, Method::GET, &format!("/v1/teams/{team}/queue"), &cast.director, None, StatusCode::OK).await;
    assert_eq!(queue["items"][0]["id"], ids[0].as_str(), "back in the queue");

    let other_token = &cast.workers.iter().find(|(w, _)| w.id.to_string() != winner_id).expect("other").1;
    let thread =
        call(&app, Method::GET, &format!("/v1/tasks/{}/comments", ids[0]), other_token, None, StatusCode::OK).await;
    assert_eq!(thread["items"][0]["body"], "Hand-off: km 1 half done; the tunnel section is left");
    let history =
        call(&app, Method::GET, &format!("/v1/tasks/{}/events", ids[0]), &cast.director, None, StatusCode::OK).await;
    let kinds: Vec<_> = history["items"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(kinds, ["created", "queued_for_team", "claimed", "started", "released"]);
    assert_eq!(history["items"][4]["details"]["hand_off_note"], "km 1 half done; the tunnel section is left");
    call(&app, Method::POST, &format!("/v1/tasks/{}/claim", ids[0]), other_token, None, StatusCode::OK).await;

    // A worker outside the team cannot see or claim its tasks.
    let center = app.db.read(|conn| yui_store::centers::find_by_slug(conn, "kado")).expect("centre").expect("kado");
    let outsider = app.create_user(Tenant::Center(center.id), Role::Worker);
    let outsider = app.token(&outsider).await;
    app.get(&format!("/v1/teams/{team}/queue"), Some(&outsider))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
}

async fn reviewers_check_teammates_but_never_themselves(app: TestApp) {
    let cast = cast(&app).await;
    let team = team_of_three(&app, &cast, false).await;
    let job = active_job(&app, &cast).await;
    let ids = tasks_for(&app, &cast.director, &job, vec![task("A", 60, 10, None), task("B", 60, 10, None)]).await;
    for id in &ids {
        call(
            &app,
            Method::POST,
            &format!("/v1/tasks/{id}/queue-for-team"),
            &cast.director,
            Some(json!({"team_id": team})),
            StatusCode::OK,
        )
        .await;
    }
    let (reviewer, member) = (&cast.workers[0].1, &cast.workers[1].1);
    let work = |token: String, task: String| {
        let app = &app;
        async move {
            call(app, Method::POST, &format!("/v1/tasks/{task}/claim"), &token, None, StatusCode::OK).await;
            call(app, Method::POST, &format!("/v1/tasks/{task}/start"), &token, None, StatusCode::OK).await;
            call(
                app,
                Method::POST,
                &format!("/v1/tasks/{task}/submissions"),
                &token,
                Some(json!({"result_text": "done"})),
                StatusCode::CREATED,
            )
            .await
        }
    };
    // Only the worker holding a task works on it: not a teammate, not the team's
    // reviewer, though both can see it in their team.
    let other_member = &cast.workers[2].1;
    call(&app, Method::POST, &format!("/v1/tasks/{}/claim", ids[0]), member, None, StatusCode::OK).await;
    for (who, token) in [("teammate", other_member), ("reviewer", reviewer)] {
        for (action, body) in [("start", None), ("submissions", Some(json!({"result_text": "not mine"})))] {
            let reply = app.request(Method::POST, &format!("/v1/tasks/{}/{action}", ids[0]), Some(token), body).await;
            reply.assert_problem(StatusCode::FORBIDDEN, "forbidden");
            assert!(reply.str("detail").contains("assigned"), "{who} {action}: {}", reply.body);
        }
        call(&app, Method::GET, &format!("/v1/tasks/{}", ids[0]), token, None, StatusCode::OK).await;
    }
    call(&app, Method::POST, &format!("/v1/tasks/{}/start", ids[0]), member, None, StatusCode::OK).await;
    let by_member = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{}/submissions", ids[0]),
        member,
        Some(json!({"result_text": "done"})),
        StatusCode::CREATED,
    )
    .await;
    let by_reviewer = work(reviewer.clone(), ids[1].clone()).await;

    // The reviewer's own queue: the team's submitted work, never their own.
    let queue_path = format!("/v1/teams/{team}/review-queue");
    let queued = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["task"]["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let theirs = call(&app, Method::GET, &queue_path, reviewer, None, StatusCode::OK).await;
    assert_eq!(queued(&theirs), vec![ids[0].clone()]);
    let directors = call(&app, Method::GET, &queue_path, &cast.director, None, StatusCode::OK).await;
    assert_eq!(queued(&directors), ids);
    app.get(&queue_path, Some(member)).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");

    let approve = |submission: &Value| json!({"submission_id": submission["id"], "decision": "approve"});
    app.request(Method::POST, &format!("/v1/tasks/{}/review", ids[1]), Some(reviewer), Some(approve(&by_reviewer)))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "own_work");
    app.request(
        Method::POST,
        &format!("/v1/tasks/{}/review", ids[1]),
        Some(&cast.workers[2].1),
        Some(approve(&by_reviewer)),
    )
    .await
    .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let peer = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{}/review", ids[0]),
        reviewer,
        Some(approve(&by_member)),
        StatusCode::OK,
    )
    .await;
    assert_eq!(peer["task"]["status"], "approved");
    assert_eq!(peer["review"]["reviewer_id"], cast.workers[0].0.id.to_string().as_str());
    let quality = call(
        &app,
        Method::GET,
        &format!("/v1/workers/{}/quality", cast.workers[1].0.id),
        &cast.director,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!((quality["submissions"].clone(), quality["first_pass_approvals"].clone()), (json!(1), json!(1)));
}

async fn candidates_rank_a_known_case_with_reasons(app: TestApp) {
    let cast = cast(&app).await;
    let center = app.db.read(|conn| yui_store::centers::find_by_slug(conn, "kado")).expect("centre").expect("kado");
    call(
        &app,
        Method::POST,
        "/v1/skills",
        &cast.director,
        Some(json!({"slug": "hd-map-editing", "name": "HD maps"})),
        StatusCode::CREATED,
    )
    .await;
    let people = available_workers(&app, center.id, 5, 480).await;
    let [expert, able, novice, away, gone] = [0, 1, 2, 3, 4].map(|i| people[i].clone());
    assess(&app, &cast.director, &expert.0, "hd-map-editing", 5).await;
    assess(&app, &cast.director, &able.0, "hd-map-editing", 3).await;
    assess(&app, &cast.director, &novice.0, "hd-map-editing", 2).await;
    assess(&app, &cast.director, &away.0, "hd-map-editing", 5).await;
    assess(&app, &cast.director, &gone.0, "hd-map-editing", 5).await;
    absent_until(&app, &away.1, &away.0, 4).await;
    let admin = app.create_user(Tenant::Center(center.id), Role::Admin);
    let admin = app.token(&admin).await;
    call(&app, Method::POST, &format!("/v1/users/{}/deactivate", gone.0.id), &admin, Some(json!({})), StatusCode::OK)
        .await;

    let job = active_job(&app, &cast).await;
    let ids =
        tasks_for(&app, &cast.director, &job, vec![task("Lane markings", 60, 3, Some(("hd-map-editing", 3)))]).await;
    let ranked = call(
        &app,
        Method::GET,
        &format!("/v1/tasks/{}/candidates?include_excluded=true", ids[0]),
        &cast.director,
        None,
        StatusCode::OK,
    )
    .await;
    let order: Vec<_> = ranked["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .map(|c| c["worker_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(order, [expert.0.id.to_string(), able.0.id.to_string()], "{ranked}");
    let best = &ranked["candidates"][0];
    assert_eq!(best["rank"], 1);
    assert_eq!(best["reasons"][0]["factor"], "skill");
    assert_eq!(best["reasons"][0]["detail"], "hd-map-editing level 5 (minimum 3)");
    let points: f64 = best["reasons"].as_array().expect("reasons").iter().filter_map(|r| r["points"].as_f64()).sum();
    assert!((points - best["score"].as_f64().expect("score")).abs() < 0.5);

    let excluded: std::collections::HashMap<String, String> = ranked["excluded"]
        .as_array()
        .expect("excluded")
        .iter()
        .map(|e| {
            (
                e["worker_id"].as_str().unwrap_or_default().to_owned(),
                e["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(excluded.get(&novice.0.id.to_string()).map(String::as_str), Some("below_minimum_level"));
    assert_eq!(excluded.get(&away.0.id.to_string()).map(String::as_str), Some("not_enough_time"));
    assert_eq!(excluded.get(&gone.0.id.to_string()).map(String::as_str), Some("inactive"));
    // The cast's own workers have no level in the skill.
    assert_eq!(excluded.get(&cast.workers[0].0.id.to_string()).map(String::as_str), Some("below_minimum_level"));
    let lean = call(
        &app,
        Method::GET,
        &format!("/v1/tasks/{}/candidates?limit=1", ids[0]),
        &cast.director,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(lean["candidates"].as_array().expect("candidates").len(), 1);
    assert!(lean.get("excluded").is_none());
}

async fn assignment_plans_never_break_a_cap_or_a_window(app: TestApp) {
    let cast = cast(&app).await;
    // Each worker: at most one hour a day. Everything is due tomorrow, so each can give
    // at most two hours (today's and tomorrow's) whatever the weekday: nine hours of
    // work cannot all fit.
    for (worker, token) in &cast.workers {
        always_available(&app, token, worker, 60, 120).await;
    }
    let job = active_job(&app, &cast).await;
    let specs: Vec<Value> = (0..9).map(|i| task(&format!("Part {i}"), 60, 1, None)).collect();
    let ids = tasks_for(&app, &cast.director, &job, specs).await;

    let dry = call(
        &app,
        Method::POST,
        &format!("/v1/jobs/{job}/assignment-plan"),
        &cast.director,
        Some(json!({})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(dry["applied"], false);
    let still_open =
        call(&app, Method::GET, &format!("/v1/jobs/{job}/tasks?status=open"), &cast.director, None, StatusCode::OK)
            .await;
    assert_eq!(still_open["items"].as_array().expect("items").len(), ids.len(), "a dry run assigns nothing");
    assert!(
        !dry["unplaced"].as_array().expect("unplaced").is_empty(),
        "nine hours do not fit in three people's caps: {dry}"
    );
    assert!(dry["unplaced"][0]["reason"].as_str().unwrap_or_default().contains("without enough time"));

    let applied = call(
        &app,
        Method::POST,
        &format!("/v1/jobs/{job}/assignment-plan"),
        &cast.director,
        Some(json!({"apply": true})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(applied["assignments"], dry["assignments"], "applying does what the dry run proposed");
    for (worker, _) in &cast.workers {
        let assigned = call(
            &app,
            Method::GET,
            &format!("/v1/jobs/{job}/tasks?assignee_id={}", worker.id),
            &cast.director,
            None,
            StatusCode::OK,
        )
        .await;
        let mut tasks: Vec<(String, i64)> = assigned["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|t| {
                (t["due_at"].as_str().unwrap_or_default().to_owned(), t["estimated_minutes"].as_i64().unwrap_or(0))
            })
            .collect();
        tasks.sort();
        let mut cumulative = 0;
        for (due, minutes) in tasks {
            cumulative += minutes;
            let due = chrono::DateTime::parse_from_rfc3339(&due).expect("due").with_timezone(&Utc);
            let path = format!(
                "/v1/workers/{}/available-hours?from={}&to={}",
                worker.id,
                iso(Utc::now()),
                iso(due + Duration::seconds(1))
            );
            let capacity =
                call(&app, Method::GET, &path, &cast.director, None, StatusCode::OK).await["capacity_minutes"]
                    .as_i64()
                    .unwrap_or(0);
            assert!(
                cumulative <= capacity,
                "{} minutes due by {due} exceed the {capacity} the windows and caps allow",
                cumulative
            );
        }
    }
}

async fn an_absence_puts_work_at_risk_and_one_call_covers_it(app: TestApp) {
    let cast = cast(&app).await;
    let ((worker, token), (substitute, sub_token)) = (&cast.workers[0], &cast.workers[1]);
    always_available(&app, token, worker, 300, 1200).await;
    always_available(&app, sub_token, substitute, 300, 1200).await;
    let job = active_job(&app, &cast).await;
    let ids = tasks_for(&app, &cast.director, &job, vec![task("Urgent", 120, 3, None)]).await;
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{}/assign", ids[0]),
        &cast.director,
        Some(json!({"worker_id": worker.id.to_string()})),
        StatusCode::OK,
    )
    .await;
    let none = call(&app, Method::GET, "/v1/at-risk", &cast.director, None, StatusCode::OK).await;
    assert_eq!(none, json!({"items": [], "next_cursor": null}));

    let recorded = absent_until(&app, token, worker, 4).await;
    assert_eq!(recorded, vec![json!(ids[0])], "the task is flagged once, when it becomes at risk");
    let risky = call(&app, Method::GET, "/v1/at-risk", &cast.director, None, StatusCode::OK).await["items"].clone();
    assert_eq!(risky.as_array().expect("list").len(), 1);
    assert_eq!(risky[0]["task"]["id"], ids[0].as_str());
    assert_eq!(risky[0]["available_minutes"], 0);
    let substitutes: Vec<_> =
        risky[0]["substitutes"].as_array().expect("subs").iter().map(|s| s["worker_id"].clone()).collect();
    assert!(substitutes.contains(&json!(substitute.id.to_string())));
    assert!(!substitutes.contains(&json!(worker.id.to_string())));

    let covered = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{}/cover", ids[0]),
        &cast.director,
        Some(json!({"worker_id": substitute.id.to_string(), "note": "Aya is away"})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(covered["assignee_id"], substitute.id.to_string().as_str());
    let after = call(&app, Method::GET, "/v1/at-risk", &cast.director, None, StatusCode::OK).await;
    assert_eq!(after["items"], json!([]));
    let history =
        call(&app, Method::GET, &format!("/v1/tasks/{}/events", ids[0]), &cast.director, None, StatusCode::OK).await;
    let kinds: Vec<_> = history["items"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(kinds, ["created", "assigned", "at_risk", "reassigned"]);
    assert_eq!(history["items"][3]["details"]["cover"], true);
}

/// Three of an absent worker's tasks are at risk: pages of two follow the due dates,
/// each page's cursor leads to the next, and a cursor that names no task of the
/// centre is refused.
async fn the_at_risk_list_pages_soonest_due_first(app: TestApp) {
    let cast = cast(&app).await;
    let (worker, token) = &cast.workers[0];
    always_available(&app, token, worker, 300, 1200).await;
    let job = active_job(&app, &cast).await;
    let specs = vec![task("Third", 60, 4, None), task("First", 60, 2, None), task("Second", 60, 3, None)];
    let ids = tasks_for(&app, &cast.director, &job, specs).await;
    for id in &ids {
        let body = json!({"worker_id": worker.id.to_string()});
        call(&app, Method::POST, &format!("/v1/tasks/{id}/assign"), &cast.director, Some(body), StatusCode::OK).await;
    }
    absent_until(&app, token, worker, 5).await;

    let titles = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|r| r["task"]["title"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let first = call(&app, Method::GET, "/v1/at-risk?limit=2", &cast.director, None, StatusCode::OK).await;
    assert_eq!(titles(&first), ["First", "Second"]);
    let cursor = first["next_cursor"].as_str().expect("a next page").to_owned();
    let path = format!("/v1/at-risk?limit=2&cursor={cursor}");
    let second = call(&app, Method::GET, &path, &cast.director, None, StatusCode::OK).await;
    assert_eq!(titles(&second), ["Third"]);
    assert_eq!(second["next_cursor"], Value::Null);
    assert!(second["items"][0]["substitutes"].is_array());

    // The cursor carries its place (due date and task), so a well-formed one is a
    // place in the list even if its task is gone; a malformed one is 400.
    let past_everything = "f".repeat(32);
    let empty =
        call(&app, Method::GET, &format!("/v1/at-risk?cursor={past_everything}"), &cast.director, None, StatusCode::OK)
            .await;
    assert_eq!(empty["items"], json!([]));
    let tasks_cursor = URL_SAFE_NO_PAD.encode(uuid::Uuid::now_v7().as_bytes());
    for cursor in [tasks_cursor.as_str(), "not-a-cursor"] {
        let reply = app.get(&format!("/v1/at-risk?cursor={cursor}"), Some(&cast.director)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{cursor}: {}", reply.body);
        assert_eq!(reply.content_type, "application/problem+json");
        assert_eq!(reply.body["code"], "invalid_query_parameter");
    }
}

/// An at-risk task's substitutes are read in rounds, the loads of the workers with
/// the best possible scores first (`yui_store::substitutes`). Here 52 workers have
/// the same free time, caps and (no) skills, so the same bound; the 49 with the
/// lowest ids handed in work this week, and the best are the three without: beyond
/// the first round's 48. Each task's substitutes must be exactly the head of the
/// full ranking (`/candidates`), scores included.
async fn substitutes_are_the_head_of_the_full_ranking(app: TestApp) {
    let cast = cast(&app).await;
    let center = app.db.read(|conn| yui_store::centers::find_by_slug(conn, "kado")).expect("centre").expect("kado");
    let mut people = available_workers(&app, center.id, 52, 600).await;
    people.sort_by_key(|(worker, _)| worker.id);
    let job = active_job(&app, &cast).await;
    let hand_ins: Vec<Value> = (0..49).map(|i| task(&format!("Done {i}"), 30 + 15 * (i % 5), 10, None)).collect();
    let done = tasks_for(&app, &cast.director, &job, hand_ins).await;
    for ((worker, token), id) in people.iter().zip(&done) {
        let body = json!({"worker_id": worker.id.to_string()});
        call(&app, Method::POST, &format!("/v1/tasks/{id}/assign"), &cast.director, Some(body), StatusCode::OK).await;
        call(&app, Method::POST, &format!("/v1/tasks/{id}/start"), token, None, StatusCode::OK).await;
        let result = Some(json!({"result_text": "done"}));
        call(&app, Method::POST, &format!("/v1/tasks/{id}/submissions"), token, result, StatusCode::CREATED).await;
    }
    let (absent, absent_token) = &cast.workers[0];
    always_available(&app, absent_token, absent, 600, 3000).await;
    let risky =
        tasks_for(&app, &cast.director, &job, (1..=3).map(|d| task(&format!("Soon {d}"), 60, d, None)).collect()).await;
    for id in &risky {
        let body = json!({"worker_id": absent.id.to_string()});
        call(&app, Method::POST, &format!("/v1/tasks/{id}/assign"), &cast.director, Some(body), StatusCode::OK).await;
    }
    absent_until(&app, absent_token, absent, 4).await;

    let page = call(&app, Method::GET, "/v1/at-risk", &cast.director, None, StatusCode::OK).await;
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 3, "{page}");
    let without_hand_ins: Vec<String> = people[49..].iter().map(|(worker, _)| worker.id.to_string()).collect();
    for item in items {
        let id = item["task"]["id"].as_str().expect("id");
        let ranked =
            call(&app, Method::GET, &format!("/v1/tasks/{id}/candidates"), &cast.director, None, StatusCode::OK).await;
        let head: Vec<(Value, Value)> = ranked["candidates"]
            .as_array()
            .expect("candidates")
            .iter()
            .take(3)
            .map(|c| (c["worker_id"].clone(), c["score"].clone()))
            .collect();
        let substitutes: Vec<(Value, Value)> = item["substitutes"]
            .as_array()
            .expect("substitutes")
            .iter()
            .map(|c| (c["worker_id"].clone(), c["score"].clone()))
            .collect();
        assert_eq!(substitutes, head, "{id}");
        let ids: Vec<&str> = substitutes.iter().filter_map(|(worker, _)| worker.as_str()).collect();
        assert_eq!(ids, without_hand_ins[..3].iter().map(String::as_str).collect::<Vec<_>>(), "{ranked}");
    }
}

async fn capacity_checks_say_feasible_or_name_the_bottleneck(app: TestApp) {
    let cast = cast(&app).await;
    for slug in ["bookkeeping", "translation"] {
        call(
            &app,
            Method::POST,
            "/v1/skills",
            &cast.director,
            Some(json!({"slug": slug, "name": slug})),
            StatusCode::CREATED,
        )
        .await;
    }
    for (worker, token) in &cast.workers[..2] {
        always_available(&app, token, worker, 300, 1200).await;
        assess(&app, &cast.director, worker, "bookkeeping", 4).await;
    }
    let job = active_job(&app, &cast).await;
    let check = |needs: Value| {
        let app = &app;
        let path = format!("/v1/jobs/{job}/capacity-check");
        let director = cast.director.clone();
        async move { call(app, Method::POST, &path, &director, Some(json!({"needs": needs})), StatusCode::OK).await }
    };
    let small = check(json!([{"skill": "bookkeeping", "min_level": 3, "hours": 10}])).await;
    assert_eq!(small["feasible"], true, "{small}");
    assert_eq!(small["skills"][0]["qualified_workers"], 2);
    let huge = check(json!([{"skill": "bookkeeping", "hours": 100000}])).await;
    assert_eq!(huge["feasible"], false);
    assert_eq!(huge["bottleneck"], "bookkeeping");
    let missing =
        check(json!([{"skill": "bookkeeping", "hours": 5}, {"skill": "translation", "min_level": 2, "hours": 5}]))
            .await;
    assert_eq!(missing["feasible"], false);
    assert_eq!(missing["bottleneck"], "translation");
    assert_eq!(missing["skills"][1]["qualified_workers"], 0);
    app.request(
        Method::POST,
        &format!("/v1/jobs/{job}/capacity-check"),
        Some(&cast.director),
        Some(json!({"needs": [{"skill": "juggling", "hours": 1}]})),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

async fn the_dashboard_matches_independent_counts(app: TestApp) {
    let cast = cast(&app).await;
    let team = team_of_three(&app, &cast, false).await;
    for (worker, token) in &cast.workers {
        always_available(&app, token, worker, 300, 1200).await;
    }
    let job = active_job(&app, &cast).await;
    let _posted = call(
        &app,
        Method::POST,
        "/v1/jobs",
        &cast.client,
        Some(crate::flow::job_body(&cast.center_id)),
        StatusCode::CREATED,
    )
    .await;
    let ids =
        tasks_for(&app, &cast.director, &job, (0..6).map(|i| task(&format!("T{i}"), 90, 5, None)).collect()).await;
    let (worker, token) = &cast.workers[0];
    for id in &ids[..3] {
        call(
            &app,
            Method::POST,
            &format!("/v1/tasks/{id}/assign"),
            &cast.director,
            Some(json!({"worker_id": worker.id.to_string()})),
            StatusCode::OK,
        )
        .await;
    }
    call(&app, Method::POST, &format!("/v1/tasks/{}/start", ids[0]), token, None, StatusCode::OK).await;
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{}/submissions", ids[0]),
        token,
        Some(json!({"result_text": "r"})),
        StatusCode::CREATED,
    )
    .await;
    // One task's due date has passed.
    let overdue_id = ids[5].clone();
    let backdate = match app.engine {
        crate::helpers::Engine::Sqlite => "datetime('now', '-1 day')",
        crate::helpers::Engine::Postgres => "now() - interval '1 day'",
    };
    let mut conn = app.db.connection().expect("connection");
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!("UPDATE tasks SET due_at = {backdate} WHERE id = '{overdue_id}'")),
        &mut *conn,
    )
    .expect("backdate");
    drop(conn);

    let dashboard = call(&app, Method::GET, "/v1/dashboard", &cast.director, None, StatusCode::OK).await;

    let jobs = call(&app, Method::GET, "/v1/jobs?limit=100", &cast.director, None, StatusCode::OK).await;
    let mut by_status = std::collections::BTreeMap::<String, i64>::new();
    for job in jobs["items"].as_array().expect("jobs") {
        *by_status.entry(job["status"].as_str().unwrap_or_default().to_owned()).or_default() += 1;
    }
    assert_eq!(dashboard["jobs_by_status"], json!(by_status));
    let tasks =
        call(&app, Method::GET, &format!("/v1/jobs/{job}/tasks?limit=100"), &cast.director, None, StatusCode::OK).await;
    let mut tasks_by_status = std::collections::BTreeMap::<String, i64>::new();
    for task in tasks["items"].as_array().expect("tasks") {
        *tasks_by_status.entry(task["status"].as_str().unwrap_or_default().to_owned()).or_default() += 1;
    }
    assert_eq!(dashboard["tasks_by_status"], json!(tasks_by_status));
    let queue = call(&app, Method::GET, "/v1/review-queue", &cast.director, None, StatusCode::OK).await;
    assert_eq!(dashboard["review_queue"]["waiting"], json!(queue["items"].as_array().expect("queue").len()));
    assert_eq!(dashboard["review_queue"]["oldest_waiting_since"], queue["items"][0]["submission"]["created_at"]);
    let overdue =
        call(&app, Method::GET, &format!("/v1/jobs/{job}/tasks?overdue=true"), &cast.director, None, StatusCode::OK)
            .await;
    assert_eq!(dashboard["overdue_tasks"], json!(overdue["items"].as_array().expect("overdue").len()));
    assert_eq!(dashboard["overdue_tasks"], 1);
    let at_risk = call(&app, Method::GET, "/v1/at-risk?limit=100", &cast.director, None, StatusCode::OK).await;
    assert_eq!(at_risk["next_cursor"], Value::Null, "one page holds them all");
    assert_eq!(dashboard["at_risk_tasks"], json!(at_risk["items"].as_array().expect("risk").len()));
    let committed: i64 = {
        let mut total = 0;
        for (member, _) in &cast.workers {
            let path = format!("/v1/workers/{}/available-hours", member.id);
            total += call(&app, Method::GET, &path, &cast.director, None, StatusCode::OK).await["committed_minutes"]
                .as_i64()
                .unwrap_or(0);
        }
        total
    };
    let team_row = dashboard["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .find(|t| t["team_id"] == team.as_str())
        .expect("team")
        .clone();
    #[allow(clippy::cast_precision_loss)]
    let committed_hours = committed as f64 / 60.0;
    assert_eq!(team_row["committed_hours"].as_f64(), Some((committed_hours * 10.0).round() / 10.0));
    assert_eq!(team_row["members"], 3);
    assert_eq!(
        team_row["available_hours_this_week"].as_f64(),
        Some(3.0 * 20.0),
        "three members, 20 h weekly caps, all-day windows"
    );
}

async fn the_showcase_names_only_who_opted_in(app: TestApp) {
    let cast = cast(&app).await;
    let team = team_of_three(&app, &cast, true).await;
    let _hidden = call(
        &app,
        Method::POST,
        "/v1/teams",
        &cast.director,
        Some(json!({"name": "Internal", "public": false})),
        StatusCode::CREATED,
    )
    .await;
    let (opted, opted_token) = &cast.workers[0];
    let profile = json!({"work_modes": ["home"], "weekly_cap_minutes": 600, "daily_cap_minutes": 300,
                         "public_name": "Aya K."});
    call(&app, Method::PUT, &format!("/v1/workers/{}/profile", opted.id), opted_token, Some(profile), StatusCode::OK)
        .await;

    // Real delivered work by a member: the track record counts it.
    let job = active_job(&app, &cast).await;
    let ids = tasks_for(&app, &cast.director, &job, vec![task("Only task", 90, 5, None)]).await;
    let (member, member_token) = &cast.workers[1];
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{}/assign", ids[0]),
        &cast.director,
        Some(json!({"worker_id": member.id.to_string()})),
        StatusCode::OK,
    )
    .await;
    call(&app, Method::POST, &format!("/v1/tasks/{}/start", ids[0]), member_token, None, StatusCode::OK).await;
    let sub = call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{}/submissions", ids[0]),
        member_token,
        Some(json!({"result_text": "r"})),
        StatusCode::CREATED,
    )
    .await;
    call(
        &app,
        Method::POST,
        &format!("/v1/tasks/{}/review", ids[0]),
        &cast.director,
        Some(json!({"submission_id": sub["id"], "decision": "approve"})),
        StatusCode::OK,
    )
    .await;
    let delivery = call(
        &app,
        Method::POST,
        &format!("/v1/jobs/{job}/deliveries"),
        &cast.director,
        Some(json!({"task_ids": [ids[0]]})),
        StatusCode::CREATED,
    )
    .await;
    call(
        &app,
        Method::POST,
        &format!("/v1/deliveries/{}/accept", delivery["id"].as_str().expect("id")),
        &cast.client,
        None,
        StatusCode::OK,
    )
    .await;

    let showcase = app.get(&format!("/v1/public/centers/{}/teams", cast.center_id), None).await;
    assert_eq!(showcase.status, StatusCode::OK);
    let teams = showcase.body.as_array().expect("teams");
    assert_eq!(teams.len(), 1, "only public teams: {}", showcase.body);
    assert_eq!(teams[0]["id"], team.as_str());
    assert_eq!(teams[0]["named_members"], json!(["Aya K."]));
    assert_eq!(teams[0]["member_count"], 3);
    assert_eq!(teams[0]["track_record"]["tasks_delivered"], 1);
    assert_eq!(teams[0]["track_record"]["jobs_completed"], 1);
    assert_eq!(teams[0]["track_record"]["hours_delivered"], 1.5);
    assert_eq!(teams[0]["track_record"]["first_pass_rate"], 1.0);
    let text = showcase.body.to_string();
    for (worker, _) in &cast.workers {
        assert!(!text.contains(&worker.id.to_string()), "no worker ids on the showcase");
        assert!(!text.contains(&worker.email), "no e-mail addresses on the showcase");
    }
    assert!(!text.contains("Test User"), "no display names of workers who did not opt in");
    assert_eq!(teams[0]["track_record"]["quality_published"], true, "three members");

    // A public team of one would publish that person's quality record: its rates are
    // withheld until the member opts in to being shown publicly.
    let solo = call(
        &app,
        Method::POST,
        "/v1/teams",
        &cast.director,
        Some(json!({"name": "Solo", "public": true})),
        StatusCode::CREATED,
    )
    .await;
    let solo = solo["id"].as_str().expect("id").to_owned();
    let member_path = format!("/v1/teams/{solo}/members/{}", member.id);
    call(&app, Method::PUT, &member_path, &cast.director, Some(json!({"role": "member"})), StatusCode::OK).await;
    let solo_record = |showcase: &crate::helpers::Reply| {
        showcase.body.as_array().expect("teams").iter().find(|t| t["id"] == solo.as_str()).expect("solo")["track_record"]
            .clone()
    };
    let public = app.get(&format!("/v1/public/centers/{}/teams", cast.center_id), None).await;
    let record = solo_record(&public);
    assert_eq!(record["quality_published"], false);
    assert_eq!((record["first_pass_rate"].clone(), record["on_time_rate"].clone()), (Value::Null, Value::Null));
    assert_eq!(record["tasks_delivered"], 1, "delivered work is still shown");
    let opt_in =
        json!({"work_modes": ["home"], "weekly_cap_minutes": 600, "daily_cap_minutes": 300, "public_name": "Ren M."});
    call(&app, Method::PUT, &format!("/v1/workers/{}/profile", member.id), member_token, Some(opt_in), StatusCode::OK)
        .await;
    let public = app.get(&format!("/v1/public/centers/{}/teams", cast.center_id), None).await;
    let record = solo_record(&public);
    assert_eq!(record["quality_published"], true);
    assert_eq!(record["first_pass_rate"], 1.0);

    // A client can address a job to that team; directors see the preference.
    let mut body = crate::flow::job_body(&cast.center_id);
    body["preferred_team_id"] = json!(team);
    let addressed = call(&app, Method::POST, "/v1/jobs", &cast.client, Some(body.clone()), StatusCode::CREATED).await;
    let id = addressed["id"].as_str().expect("id");
    call(&app, Method::POST, &format!("/v1/jobs/{id}/post"), &cast.client, None, StatusCode::OK).await;
    let seen = call(&app, Method::GET, &format!("/v1/jobs/{id}"), &cast.director, None, StatusCode::OK).await;
    assert_eq!(seen["preferred_team_id"], team.as_str());
    body["preferred_team_id"] = json!(_hidden["id"]);
    app.request(Method::POST, "/v1/jobs", Some(&cast.client), Some(body))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}
