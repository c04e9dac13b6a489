//! Concurrent writes through real HTTP: no 5xx, no lost count, no replace turned
//! into a merge, exactly one winner where one is expected.
//!
//! PostgreSQL is where these races show (SQLite serialises writers); each scenario
//! runs on both engines and repeats its race [`ROUNDS`] times, so a failure that
//! happens one time in ten cannot pass by luck.

use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::flow::{Cast, active_job, call, cast};
use crate::helpers::{Reply, TestApp};
use crate::on_both_engines;
use crate::workforce::{task, tasks_for};

const ROUNDS: usize = 50;

on_both_engines!(
    approvals_of_one_workers_tasks_all_count,
    racing_approvals_of_one_submission_have_one_winner,
    a_submission_and_a_send_back_of_one_worker_do_not_deadlock,
    profile_saves_at_once_both_land,
    level_assessments_at_once_are_both_kept,
    membership_changes_at_once_keep_one_membership,
    window_replacements_at_once_replace,
    a_reset_link_used_twice_at_once_works_once,
    notice_preference_saves_at_once_both_land,
    edits_of_different_fields_of_one_task_at_once_lose_nothing,
);

/// Sends the requests at the same moment; every answer, in order.
async fn at_once(app: &TestApp, requests: Vec<(Method, String, String, Option<Value>)>) -> Vec<Reply> {
    join_all(
        requests
            .into_iter()
            .map(|(method, path, token, body)| async move { app.request(method, &path, Some(&token), body).await }),
    )
    .await
}

#[track_caller]
fn assert_no_server_error(replies: &[Reply], round: usize) {
    for reply in replies {
        assert!(reply.status.as_u16() < 500, "round {round}: {} {}", reply.status, reply.body);
    }
}

/// `count` tasks of a new job, assigned to the cast's first worker and started.
async fn started_tasks(app: &TestApp, cast: &Cast, count: usize) -> Vec<String> {
    let job = active_job(app, cast).await;
    let specs = (0..count).map(|i| task(&format!("Part {i}"), 30, 10, None)).collect();
    let ids = tasks_for(app, &cast.director, &job, specs).await;
    let (worker, token) = &cast.workers[0];
    for id in &ids {
        let body = json!({"worker_id": worker.id.to_string()});
        call(app, Method::POST, &format!("/v1/tasks/{id}/assign"), &cast.director, Some(body), StatusCode::OK).await;
        call(app, Method::POST, &format!("/v1/tasks/{id}/start"), token, None, StatusCode::OK).await;
    }
    ids
}

/// Submits the task as the cast's first worker; returns the submission's id.
async fn submit(app: &TestApp, cast: &Cast, task: &str) -> String {
    let body = json!({"result_text": "done"});
    let path = format!("/v1/tasks/{task}/submissions");
    let submission = call(app, Method::POST, &path, &cast.workers[0].1, Some(body), StatusCode::CREATED).await;
    submission["id"].as_str().expect("id").to_owned()
}

async fn quality(app: &TestApp, cast: &Cast) -> Value {
    let path = format!("/v1/workers/{}/quality", cast.workers[0].0.id);
    call(app, Method::GET, &path, &cast.director, None, StatusCode::OK).await
}

/// Six approvals of six tasks of one worker, by two directors at once: all succeed
/// and all six count (before the fix: 500s from the counters' delete-and-insert, and
/// lost counts).
async fn approvals_of_one_workers_tasks_all_count(app: TestApp) {
    let cast = cast(&app).await;
    let ids = started_tasks(&app, &cast, ROUNDS * 6).await;
    for chunk in ids.chunks(6) {
        for id in chunk {
            submit(&app, &cast, id).await;
        }
    }
    for (round, chunk) in ids.chunks(6).enumerate() {
        let before = quality(&app, &cast).await["approved_tasks"].as_i64().expect("count");
        let mut requests = Vec::new();
        for (i, id) in chunk.iter().enumerate() {
            let submissions =
                call(&app, Method::GET, &format!("/v1/tasks/{id}/submissions"), &cast.director, None, StatusCode::OK)
                    .await;
            let submission = submissions[0]["id"].clone();
            let director = if i % 2 == 0 { &cast.director } else { &cast.other_director };
            let body = json!({"submission_id": submission, "decision": "approve"});
            requests.push((Method::POST, format!("/v1/tasks/{id}/review"), director.clone(), Some(body)));
        }
        let replies = at_once(&app, requests).await;
        assert_no_server_error(&replies, round);
        assert!(replies.iter().all(|r| r.status == StatusCode::OK), "round {round}: {replies:?}");
        let after = quality(&app, &cast).await["approved_tasks"].as_i64().expect("count");
        assert_eq!(after - before, 6, "round {round}: every approval counts once");
    }
}

/// Ten approvals of the same submission at once: one wins, nine are `409`, and the
/// worker's record counts it once.
async fn racing_approvals_of_one_submission_have_one_winner(app: TestApp) {
    let cast = cast(&app).await;
    let ids = started_tasks(&app, &cast, ROUNDS).await;
    for (round, id) in ids.iter().enumerate() {
        let submission = submit(&app, &cast, id).await;
        let before = quality(&app, &cast).await;
        let requests = (0..10)
            .map(|i| {
                let director = if i % 2 == 0 { &cast.director } else { &cast.other_director };
                let body = json!({"submission_id": submission, "decision": "approve"});
                (Method::POST, format!("/v1/tasks/{id}/review"), director.clone(), Some(body))
            })
            .collect();
        let replies = at_once(&app, requests).await;
        assert_no_server_error(&replies, round);
        let winners = replies.iter().filter(|r| r.status == StatusCode::OK).count();
        assert_eq!(winners, 1, "round {round}: {replies:?}");
        for loser in replies.iter().filter(|r| r.status != StatusCode::OK) {
            assert_eq!(loser.status, StatusCode::CONFLICT, "round {round}: {}", loser.body);
            let code = loser.body["code"].as_str().unwrap_or_default();
            assert!(["invalid_state", "version_conflict"].contains(&code), "round {round}: {}", loser.body);
        }
        let after = quality(&app, &cast).await;
        for counter in ["approved_tasks", "reviewed_tasks", "first_pass_approvals"] {
            let delta = after[counter].as_i64().expect("count") - before[counter].as_i64().expect("count");
            assert_eq!(delta, 1, "round {round}: {counter}");
        }
        let reviews =
            call(&app, Method::GET, &format!("/v1/tasks/{id}/reviews"), &cast.director, None, StatusCode::OK).await;
        assert_eq!(reviews.as_array().map(Vec::len), Some(1), "round {round}: one review is recorded");
    }
}

/// The worker submits one task while a director sends another of theirs back: the
/// two touch the same worker's commitments and counters, and must not deadlock.
async fn a_submission_and_a_send_back_of_one_worker_do_not_deadlock(app: TestApp) {
    let cast = cast(&app).await;
    let ids = started_tasks(&app, &cast, ROUNDS * 2).await;
    for (round, pair) in ids.chunks(2).enumerate() {
        let (to_submit, to_send_back) = (&pair[0], &pair[1]);
        let submission = submit(&app, &cast, to_send_back).await;
        let before = quality(&app, &cast).await;
        let requests = vec![
            (
                Method::POST,
                format!("/v1/tasks/{to_submit}/submissions"),
                cast.workers[0].1.clone(),
                Some(json!({"result_text": "done"})),
            ),
            (
                Method::POST,
                format!("/v1/tasks/{to_send_back}/review"),
                cast.director.clone(),
                Some(
                    json!({"submission_id": submission, "decision": "request_changes", "comment": "Redo the left lane"}),
                ),
            ),
        ];
        let replies = at_once(&app, requests).await;
        assert_no_server_error(&replies, round);
        assert_eq!(replies[0].status, StatusCode::CREATED, "round {round}: {}", replies[0].body);
        assert_eq!(replies[1].status, StatusCode::OK, "round {round}: {}", replies[1].body);
        let after = quality(&app, &cast).await;
        assert_eq!(after["submissions"].as_i64().expect("n") - before["submissions"].as_i64().expect("n"), 1);
        assert_eq!(
            after["changes_requested"].as_i64().expect("n") - before["changes_requested"].as_i64().expect("n"),
            1
        );
    }
}

/// The worker and a director save the worker's profile at the same moment: both
/// succeed, and the profile is one of the two, whole.
async fn profile_saves_at_once_both_land(app: TestApp) {
    let cast = cast(&app).await;
    let (worker, token) = &cast.workers[0];
    let path = format!("/v1/workers/{}/profile", worker.id);
    for round in 0..ROUNDS {
        let mine = json!({"work_modes": ["home"], "weekly_cap_minutes": 600 + round, "daily_cap_minutes": 120,
                          "accommodations": format!("worker {round}")});
        let directors = json!({"work_modes": ["office"], "weekly_cap_minutes": 900 + round, "daily_cap_minutes": 240,
                               "accommodations": format!("director {round}")});
        let replies = at_once(
            &app,
            vec![
                (Method::PUT, path.clone(), token.clone(), Some(mine)),
                (Method::PUT, path.clone(), cast.director.clone(), Some(directors)),
            ],
        )
        .await;
        assert_no_server_error(&replies, round);
        assert!(replies.iter().all(|r| r.status == StatusCode::OK), "round {round}: {replies:?}");
        let saved = call(&app, Method::GET, &path, &cast.director, None, StatusCode::OK).await;
        let whole = (saved["work_modes"] == json!(["home"]) && saved["accommodations"] == format!("worker {round}"))
            || (saved["work_modes"] == json!(["office"]) && saved["accommodations"] == format!("director {round}"));
        assert!(whole, "round {round}: a mix of two saves: {saved}");
    }
}

/// Two directors set one worker's level in one skill at the same moment: both
/// assessments are kept in the history, and the current level is one of them.
async fn level_assessments_at_once_are_both_kept(app: TestApp) {
    let cast = cast(&app).await;
    let worker = &cast.workers[0].0;
    let path = format!("/v1/workers/{}/skills/image-annotation", worker.id);
    for round in 0..ROUNDS {
        let replies = at_once(
            &app,
            vec![
                (Method::PUT, path.clone(), cast.director.clone(), Some(json!({"level": 2, "evidence": "review A"}))),
                (
                    Method::PUT,
                    path.clone(),
                    cast.other_director.clone(),
                    Some(json!({"level": 4, "evidence": "review B"})),
                ),
            ],
        )
        .await;
        assert_no_server_error(&replies, round);
        assert!(replies.iter().all(|r| r.status == StatusCode::OK), "round {round}: {replies:?}");
    }
    let history = call(
        &app,
        Method::GET,
        &format!("/v1/workers/{}/skills-history", worker.id),
        &cast.director,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(history.as_array().map(Vec::len), Some(ROUNDS * 2), "every assessment is kept");
    let levels =
        call(&app, Method::GET, &format!("/v1/workers/{}/skills", worker.id), &cast.director, None, StatusCode::OK)
            .await;
    let levels = levels.as_array().expect("levels");
    assert_eq!(levels.len(), 1, "one current level per skill: {levels:?}");
    assert!([2, 4].contains(&levels[0]["level"].as_i64().expect("level")));
}

/// Two directors put the same worker in a team at the same moment: both succeed
/// and the worker is in the team once.
async fn membership_changes_at_once_keep_one_membership(app: TestApp) {
    let cast = cast(&app).await;
    let worker = &cast.workers[0].0;
    let body = json!({"name": "Map team", "public": false});
    let team = call(&app, Method::POST, "/v1/teams", &cast.director, Some(body), StatusCode::CREATED).await;
    let team = team["id"].as_str().expect("id").to_owned();
    let path = format!("/v1/teams/{team}/members/{}", worker.id);
    for round in 0..ROUNDS {
        // Odd rounds race two inserts, even ones (after the first) two updates.
        if round % 2 == 1 {
            call(&app, Method::DELETE, &path, &cast.director, None, StatusCode::NO_CONTENT).await;
        }
        let replies = at_once(
            &app,
            vec![
                (Method::PUT, path.clone(), cast.director.clone(), Some(json!({"role": "member"}))),
                (Method::PUT, path.clone(), cast.other_director.clone(), Some(json!({"role": "reviewer"}))),
            ],
        )
        .await;
        assert_no_server_error(&replies, round);
        assert!(replies.iter().all(|r| r.status == StatusCode::OK), "round {round}: {replies:?}");
        let view = call(&app, Method::GET, &format!("/v1/teams/{team}"), &cast.director, None, StatusCode::OK).await;
        let members = view["members"].as_array().expect("members");
        assert_eq!(members.len(), 1, "round {round}: {members:?}");
    }
}

/// The worker replaces their weekly windows twice at the same moment, one window
/// each: the week has exactly one of the two windows, never both.
async fn window_replacements_at_once_replace(app: TestApp) {
    let cast = cast(&app).await;
    let (worker, token) = &cast.workers[0];
    let path = format!("/v1/workers/{}/availability/windows", worker.id);
    for round in 0..ROUNDS {
        let monday = json!({"windows": [{"weekday": 0, "start": "09:00", "end": "12:00"}]});
        let friday = json!({"windows": [{"weekday": 4, "start": "13:00", "end": "15:00"}]});
        let replies = at_once(
            &app,
            vec![
                (Method::PUT, path.clone(), token.clone(), Some(monday)),
                (Method::PUT, path.clone(), token.clone(), Some(friday)),
            ],
        )
        .await;
        assert_no_server_error(&replies, round);
        assert!(replies.iter().all(|r| r.status == StatusCode::NO_CONTENT), "round {round}: {replies:?}");
        let availability =
            call(&app, Method::GET, &format!("/v1/workers/{}/availability", worker.id), token, None, StatusCode::OK)
                .await;
        let windows = availability["windows"].as_array().expect("windows");
        assert_eq!(windows.len(), 1, "round {round}: a replace became a merge: {windows:?}");
    }
}

/// Two transactions that lock two rows in opposite orders deadlock on PostgreSQL;
/// the one the database picks as the victim is run again and both succeed, with no
/// error reaching the caller.
#[test]
fn a_deadlock_victim_is_run_again() {
    use std::sync::Barrier;
    use std::sync::atomic::{AtomicU32, Ordering};

    use diesel::RunQueryDsl;

    if crate::helpers::postgres_url().is_none() {
        return;
    }
    let database = crate::helpers::TestDatabase::create(crate::helpers::Engine::Postgres);
    let db = database.open();
    db.migrate().expect("migrate");
    let mut conn = db.connection().expect("connection");
    diesel::sql_query("INSERT INTO organizations VALUES ('a', 'A', now()), ('b', 'B', now())")
        .execute(&mut *conn)
        .expect("rows");
    drop(conn);
    let both_hold_one = Barrier::new(2);
    let attempts = [AtomicU32::new(0), AtomicU32::new(0)];
    std::thread::scope(|scope| {
        let runs: Vec<_> = [("a", "b"), ("b", "a")]
            .into_iter()
            .enumerate()
            .map(|(index, (first, second))| {
                let (db, both_hold_one, attempts) = (&db, &both_hold_one, &attempts);
                scope.spawn(move || {
                    db.write(|conn| {
                        let attempt = attempts[index].fetch_add(1, Ordering::SeqCst);
                        let touch = |id: &str| format!("UPDATE organizations SET name = name || '.' WHERE id = '{id}'");
                        diesel::sql_query(touch(first)).execute(conn)?;
                        if attempt == 0 {
                            both_hold_one.wait();
                        }
                        diesel::sql_query(touch(second)).execute(conn)?;
                        Ok::<_, yui_store::StoreError>(())
                    })
                })
            })
            .collect();
        for run in runs {
            run.join().expect("thread").expect("both transactions commit in the end");
        }
    });
    let tries: Vec<u32> = attempts.iter().map(|a| a.load(Ordering::SeqCst)).collect();
    assert_eq!(tries.iter().sum::<u32>(), 3, "one of the two ran twice: {tries:?}");
}

/// A read transaction cannot write, on either engine (PostgreSQL: `READ ONLY`;
/// SQLite: `query_only` connections), and it sees one snapshot.
#[test]
fn reads_cannot_write() {
    use diesel::RunQueryDsl;

    on_each_engine(|engine, db, now| {
        let insert = format!("INSERT INTO organizations VALUES ('r', 'Read', {now})");
        let refused = db.read(|conn| diesel::sql_query(&insert).execute(conn).map_err(yui_store::StoreError::from));
        assert!(refused.is_err(), "{engine:?}: a read wrote");
        if engine == crate::helpers::Engine::Sqlite {
            // PostgreSQL runs a latest read outside any transaction, where nothing
            // refuses a write; SQLite's readers still do, and every handler runs on both.
            let refused =
                db.read_latest(|conn| diesel::sql_query(&insert).execute(conn).map_err(yui_store::StoreError::from));
            assert!(refused.is_err(), "{engine:?}: a latest read wrote");
        }
        let written = db.write(|conn| diesel::sql_query(&insert).execute(conn).map_err(yui_store::StoreError::from));
        assert_eq!(written.expect("a write writes"), 1, "{engine:?}");
    });
}

/// Runs `check` with a migrated database on each engine this run has (PostgreSQL
/// when its URL is set), and the engine's SQL for the current time.
fn on_each_engine(mut check: impl FnMut(crate::helpers::Engine, &yui_store::Database, &str)) {
    for engine in [crate::helpers::Engine::Sqlite, crate::helpers::Engine::Postgres] {
        if engine == crate::helpers::Engine::Postgres && crate::helpers::postgres_url().is_none() {
            continue;
        }
        let database = crate::helpers::TestDatabase::create(engine);
        let db = database.open();
        db.migrate().expect("migrate");
        check(engine, &db, if engine == crate::helpers::Engine::Sqlite { "CURRENT_TIMESTAMP" } else { "now()" });
    }
}

/// A read sees one snapshot; a latest read on PostgreSQL sees each commit as it
/// lands (no transaction: two round trips fewer), and on SQLite is the same as a read.
#[test]
fn latest_reads_see_each_commit() {
    use diesel::RunQueryDsl;

    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let count = |conn: &mut yui_store::DbConnection| {
        diesel::sql_query("SELECT COUNT(*) AS n FROM organizations")
            .get_result::<Count>(conn)
            .map(|c| c.n)
            .map_err(yui_store::StoreError::from)
    };
    on_each_engine(|engine, db, now| {
        let mut added = 0;
        let mut add_one = || {
            added += 1;
            let insert = format!("INSERT INTO organizations VALUES ('o{added}', 'Org', {now})");
            db.write(|conn| diesel::sql_query(&insert).execute(conn).map_err(yui_store::StoreError::from))
                .expect("insert");
        };
        let (before, after) = db
            .read(|conn| {
                let before = count(conn)?;
                add_one();
                Ok::<_, yui_store::StoreError>((before, count(conn)?))
            })
            .expect("read");
        assert_eq!(after, before, "{engine:?}: a read sees one snapshot");
        let (before, after) = db
            .read_latest(|conn| {
                let before = count(conn)?;
                add_one();
                Ok::<_, yui_store::StoreError>((before, count(conn)?))
            })
            .expect("latest read");
        let expected = if engine == crate::helpers::Engine::Postgres { before + 1 } else { before };
        assert_eq!(after, expected, "{engine:?}: a latest read");
    });
}

/// The same reset link sent twice at the same moment: one new password is set, the
/// other request is `400 invalid_token`, never a 5xx.
async fn a_reset_link_used_twice_at_once_works_once(app: TestApp) {
    let center = app.create_center("kado");
    for round in 0..ROUNDS {
        let worker = app.create_user(yui_domain::Tenant::Center(center.id), yui_domain::Role::Worker);
        let asked = app.post("/v1/auth/password-reset", None, json!({"email": worker.email})).await;
        assert_eq!(asked.status, StatusCode::ACCEPTED, "round {round}: {}", asked.body);
        let token = app.mailed_token(&worker.email, "password_reset");
        let app = &app;
        let confirms = ["first new passphrase", "second new passphrase"].map(|password| {
            let body = json!({"token": token, "new_password": password});
            async move { app.post("/v1/auth/password-reset/confirm", None, body).await }
        });
        let replies = join_all(confirms).await;
        assert_no_server_error(&replies, round);
        let statuses: Vec<StatusCode> = replies.iter().map(|r| r.status).collect();
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::NO_CONTENT).count(), 1, "round {round}: {statuses:?}");
        assert!(replies.iter().any(|r| r.status == StatusCode::BAD_REQUEST && r.body["code"] == "invalid_token"));
    }
}

/// Two saves of different notice kinds at once both land (one upsert per kind).
async fn notice_preference_saves_at_once_both_land(app: TestApp) {
    let cast = cast(&app).await;
    let token = cast.workers[0].1.clone();
    let path = "/v1/me/notification-preferences".to_owned();
    for round in 0..ROUNDS {
        let (on, off) = if round % 2 == 0 { (true, false) } else { (false, true) };
        let replies = at_once(
            &app,
            vec![
                (
                    Method::PUT,
                    path.clone(),
                    token.clone(),
                    Some(json!({"items": [{"kind": "task_assigned", "enabled": on, "delivery": "daily_digest"}]})),
                ),
                (
                    Method::PUT,
                    path.clone(),
                    token.clone(),
                    Some(json!({"items": [{"kind": "task_released", "enabled": off, "delivery": "immediately"}]})),
                ),
            ],
        )
        .await;
        assert_no_server_error(&replies, round);
        let saved = call(&app, Method::GET, &path, &token, None, StatusCode::OK).await;
        let enabled = |kind: &str| {
            saved["items"].as_array().expect("items").iter().find(|p| p["kind"] == kind).expect("kind")["enabled"]
                .clone()
        };
        assert_eq!((enabled("task_assigned"), enabled("task_released")), (json!(on), json!(off)), "round {round}");
    }
}

/// Two directors edit different fields of one task at the same moment (a save names
/// only the columns it changed, so a lost compare-and-set would silently merge the
/// two). Either both land one after the other, or one wins and the other is
/// `409 version_conflict` and left no trace; the version counts the edits that landed.
async fn edits_of_different_fields_of_one_task_at_once_lose_nothing(app: TestApp) {
    let cast = cast(&app).await;
    let job = active_job(&app, &cast).await;
    let specs = (0..ROUNDS).map(|i| task(&format!("Part {i}"), 30, 10, None)).collect();
    let ids = tasks_for(&app, &cast.director, &job, specs).await;
    for (round, id) in ids.iter().enumerate() {
        let path = format!("/v1/tasks/{id}");
        let before = call(&app, Method::GET, &path, &cast.director, None, StatusCode::OK).await;
        let title = format!("Renamed {round}");
        let minutes = 45 + i64::try_from(round).expect("small");
        let replies = at_once(
            &app,
            vec![
                (Method::PATCH, path.clone(), cast.director.clone(), Some(json!({"title": title}))),
                (Method::PATCH, path.clone(), cast.other_director.clone(), Some(json!({"estimated_minutes": minutes}))),
            ],
        )
        .await;
        assert_no_server_error(&replies, round);
        for loser in replies.iter().filter(|r| r.status != StatusCode::OK) {
            assert_eq!(loser.status, StatusCode::CONFLICT, "round {round}: {}", loser.body);
            assert_eq!(loser.body["code"], "version_conflict", "round {round}: {}", loser.body);
        }
        let (title_landed, minutes_landed) = (replies[0].status == StatusCode::OK, replies[1].status == StatusCode::OK);
        assert!(title_landed || minutes_landed, "round {round}: one edit must win: {replies:?}");
        let after = call(&app, Method::GET, &path, &cast.director, None, StatusCode::OK).await;
        let expected_title = if title_landed { json!(title) } else { before["title"].clone() };
        let expected_minutes = if minutes_landed { json!(minutes) } else { before["estimated_minutes"].clone() };
        assert_eq!(after["title"], expected_title, "round {round}: {replies:?}");
        assert_eq!(after["estimated_minutes"], expected_minutes, "round {round}: {replies:?}");
        let landed = i64::from(title_landed) + i64::from(minutes_landed);
        let version = |task: &Value| task["version"].as_i64().expect("version");
        assert_eq!(version(&after) - version(&before), landed, "round {round}: one version per edit that landed");
    }
}
