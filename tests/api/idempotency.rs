//! Idempotency keys through HTTP: a create or an action retried with the same key
//! runs once and answers the same bytes; a changed request under the key is `422`;
//! a retry while the first still runs is `409`; an error answer releases the key;
//! parallel retries of a create and of an action (on PostgreSQL, really in parallel)
//! still run once.

use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::flow::{Cast, active_job, call, cast, job_body, quote_body};
use crate::helpers::{Engine, TestApp};
use crate::on_both_engines;

on_both_engines!(
    a_retried_create_runs_once_and_answers_the_same_bytes,
    a_retried_action_runs_once_and_an_error_releases_the_key,
    parallel_retries_run_once,
    a_secret_is_never_kept_for_replays,
    a_retry_while_the_first_runs_is_a_conflict,
);

/// The raw answer: status, headers and exact body bytes.
struct Raw {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Raw {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn replayed(&self) -> bool {
        self.headers.get("idempotent-replayed").is_some_and(|v| v == "true")
    }
}

async fn keyed(app: &TestApp, path: &str, token: &str, key: &str, body: Option<&Value>) -> Raw {
    let mut request = app
        .client
        .request(Method::POST, format!("{}{path}", app.address))
        .bearer_auth(token)
        .header("Idempotency-Key", key);
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    let response = request.send().await.expect("request sent");
    let (status, headers) = (response.status(), response.headers().clone());
    Raw { status, headers, body: response.bytes().await.expect("body").to_vec() }
}

async fn job_count(app: &TestApp, cast: &Cast) -> usize {
    let jobs = app.get("/v1/jobs?limit=100", Some(&cast.client)).await;
    jobs.body["items"].as_array().expect("items").len()
}

fn events_of_type(app: &TestApp, kind: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.db.connection().expect("connection");
    let count: Count = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM events WHERE kind = '{kind}'"))
        .get_result(&mut *conn)
        .expect("count");
    count.n
}

async fn a_retried_create_runs_once_and_answers_the_same_bytes(app: TestApp) {
    let cast = cast(&app).await;
    let body = job_body(&cast.center_id);
    let first = keyed(&app, "/v1/jobs", &cast.client, "order-2026-11-30-001", Some(&body)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.json());
    assert!(!first.replayed());
    let again = keyed(&app, "/v1/jobs", &cast.client, "order-2026-11-30-001", Some(&body)).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert!(again.replayed());
    assert_eq!(again.body, first.body, "replayed byte for byte");
    for name in ["content-type", "location", "etag"] {
        assert_eq!(again.headers.get(name), first.headers.get(name), "{name}");
    }
    assert_eq!(job_count(&app, &cast).await, 1);

    // The same key for another request: refused, nothing done.
    let mut changed = body.clone();
    changed["title"] = json!("Another job");
    let reused = keyed(&app, "/v1/jobs", &cast.client, "order-2026-11-30-001", Some(&changed)).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.headers.get("content-type").map(|v| v.as_bytes()), Some(&b"application/problem+json"[..]));
    assert_eq!(reused.json()["code"], "idempotency_key_reused");
    let elsewhere = keyed(&app, "/v1/jobs?x=1", &cast.client, "order-2026-11-30-001", Some(&body)).await;
    assert_eq!(elsewhere.json()["code"], "idempotency_key_reused");
    assert_eq!(job_count(&app, &cast).await, 1);

    // Keys are per caller: another person's same key is their own.
    let director_body = quote_body();
    let job = first.json()["id"].as_str().expect("id").to_owned();
    call(&app, Method::POST, &format!("/v1/jobs/{job}/post"), &cast.client, None, StatusCode::OK).await;
    let theirs =
        keyed(&app, &format!("/v1/jobs/{job}/quote"), &cast.director, "order-2026-11-30-001", Some(&director_body))
            .await;
    assert_eq!(theirs.status, StatusCode::OK, "{:?}", theirs.json());
    assert!(!theirs.replayed());

    // Bad keys are refused before anything runs.
    for bad in ["", &"k".repeat(256), "naïve"] {
        let reply = keyed(&app, "/v1/jobs", &cast.client, bad, Some(&body)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad:?}");
        assert_eq!(reply.json()["code"], "invalid_idempotency_key");
    }
    // A keyed body over the server's limit is refused like any other.
    let mut huge = body.clone();
    huge["description"] = json!("x".repeat(1024 * 1024 + 1));
    let reply = keyed(&app, "/v1/jobs", &cast.client, "too-big", Some(&huge)).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.json()["code"], "payload_too_large");
    assert_eq!(job_count(&app, &cast).await, 1);
}

async fn a_retried_action_runs_once_and_an_error_releases_the_key(app: TestApp) {
    let cast = cast(&app).await;
    let job = call(&app, Method::POST, "/v1/jobs", &cast.client, Some(job_body(&cast.center_id)), StatusCode::CREATED)
        .await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let post = format!("/v1/jobs/{job}/post");
    let first = keyed(&app, &post, &cast.client, "post-once", None).await;
    let again = keyed(&app, &post, &cast.client, "post-once", None).await;
    assert_eq!((first.status, again.status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(again.body, first.body);
    assert!(again.replayed());
    assert_eq!(events_of_type(&app, "posted"), 1, "posted once");
    // Without the key, the retry really runs again (and is refused: already posted).
    let unkeyed = app.post(&post, Some(&cast.client), json!(null)).await;
    assert_eq!(unkeyed.status, StatusCode::CONFLICT);

    // An error answer changed nothing and keeps no answer: once the state allows
    // it, the same key runs.
    let approve = format!("/v1/jobs/{job}/quote/approve");
    let early = keyed(&app, &approve, &cast.client, "approve-1", None).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "no quote yet: {:?}", early.json());
    call(&app, Method::POST, &format!("/v1/jobs/{job}/quote"), &cast.director, Some(quote_body()), StatusCode::OK)
        .await;
    let later = keyed(&app, &approve, &cast.client, "approve-1", None).await;
    assert_eq!(later.status, StatusCode::OK, "{:?}", later.json());
    assert!(!later.replayed());
}

async fn parallel_retries_run_once(app: TestApp) {
    let cast = cast(&app).await;
    let body = job_body(&cast.center_id);
    for round in 0..10 {
        let key = format!("parallel-{round}");
        let sends = (0..6).map(|_| keyed(&app, "/v1/jobs", &cast.client, &key, Some(&body)));
        let replies = futures::future::join_all(sends).await;
        let fresh: Vec<&Raw> = replies.iter().filter(|r| r.status == StatusCode::CREATED && !r.replayed()).collect();
        assert_eq!(fresh.len(), 1, "round {round}: one request ran");
        for reply in &replies {
            match reply.status {
                StatusCode::CREATED => assert_eq!(reply.body, fresh[0].body, "round {round}: a replay differs"),
                StatusCode::CONFLICT => assert_eq!(reply.json()["code"], "idempotency_key_in_use"),
                other => panic!("round {round}: {other} {:?}", reply.json()),
            }
        }
        assert_eq!(job_count(&app, &cast).await, round + 1, "round {round}: one job more");
    }
    // An action retried in parallel: each job is posted once, with one event.
    for round in 0..5 {
        let job =
            call(&app, Method::POST, "/v1/jobs", &cast.client, Some(body.clone()), StatusCode::CREATED).await["id"]
                .as_str()
                .expect("id")
                .to_owned();
        let path = format!("/v1/jobs/{job}/post");
        let key = format!("post-{round}");
        let replies = futures::future::join_all((0..6).map(|_| keyed(&app, &path, &cast.client, &key, None))).await;
        let fresh: Vec<&Raw> = replies.iter().filter(|r| r.status == StatusCode::OK && !r.replayed()).collect();
        assert_eq!(fresh.len(), 1, "round {round}: one post ran");
        for reply in &replies {
            match reply.status {
                StatusCode::OK => assert_eq!(reply.body, fresh[0].body, "round {round}: a replay differs"),
                StatusCode::CONFLICT => assert_eq!(reply.json()["code"], "idempotency_key_in_use"),
                other => panic!("round {round}: {other} {:?}", reply.json()),
            }
        }
    }
    assert_eq!(events_of_type(&app, "posted"), 5, "each job posted once");
}

/// A request still running holds its key. On PostgreSQL the first request is held
/// inside its handler by a row lock the test takes, so it truly is running when the
/// retry arrives. SQLite runs one write at a time, so a retry waits for the first
/// to finish and is answered with its replay instead.
async fn a_retry_while_the_first_runs_is_a_conflict(app: TestApp) {
    let cast = cast(&app).await;
    let job = active_job(&app, &cast).await;
    let path = format!("/v1/jobs/{job}/comments");
    let body = json!({"body": "Is the tunnel section in scope?"});
    if app.engine != Engine::Postgres {
        let first = keyed(&app, &path, &cast.client, "comment-1", Some(&body)).await;
        let again = keyed(&app, &path, &cast.client, "comment-1", Some(&body)).await;
        assert_eq!((first.status, again.replayed(), again.body == first.body), (StatusCode::CREATED, true, true));
        return;
    }
    let locker = app.second_pool();
    let (locked, release) = std::sync::mpsc::channel::<()>();
    let (go, wait) = std::sync::mpsc::channel::<()>();
    let job_id = job.clone();
    let holder = std::thread::spawn(move || {
        locker
            .write(|conn| {
                diesel::sql_query(format!("SELECT id FROM jobs WHERE id = '{job_id}' FOR UPDATE")).execute(conn)?;
                go.send(()).ok();
                release.recv().ok();
                Ok::<_, yui_store::StoreError>(())
            })
            .expect("lock held");
    });
    wait.recv().expect("the lock is taken");
    let first = {
        let (app, path, token, body) = (&app, path.clone(), cast.client.clone(), body.clone());
        async move { keyed(app, &path, &token, "comment-1", Some(&body)).await }
    };
    let retry = async {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let reply = keyed(&app, &path, &cast.client, "comment-1", Some(&body)).await;
        locked.send(()).ok();
        reply
    };
    let (first, retry) = futures::future::join(first, retry).await;
    holder.join().expect("lock holder");
    assert_eq!(retry.status, StatusCode::CONFLICT, "{:?}", retry.json());
    assert_eq!(retry.json()["code"], "idempotency_key_in_use");
    assert_eq!(retry.headers.get("retry-after").map(|v| v.as_bytes()), Some(&b"1"[..]));
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.json());
    let after = keyed(&app, &path, &cast.client, "comment-1", Some(&body)).await;
    assert!(after.replayed() && after.body == first.body);
}

/// A new API key is shown once: a retry of its creation learns it was made (the same
/// key, the same id), never its secret, and the stored answer holds no secret.
async fn a_secret_is_never_kept_for_replays(app: TestApp) {
    let cast = cast(&app).await;
    let body = json!({"name": "Portal", "scopes": ["jobs:read"]});
    let first = keyed(&app, "/v1/api-keys", &cast.client, "new-key", Some(&body)).await;
    let again = keyed(&app, "/v1/api-keys", &cast.client, "new-key", Some(&body)).await;
    assert_eq!((first.status, again.status), (StatusCode::CREATED, StatusCode::CREATED));
    let secret = first.json()["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("yui_"));
    assert!(again.replayed());
    assert_eq!(again.json()["secret"], "");
    assert_eq!(again.json()["api_key"], first.json()["api_key"]);
    let keys = app.get("/v1/api-keys", Some(&cast.client)).await;
    assert_eq!(keys.body["items"].as_array().expect("items").len(), 1, "one key made");

    #[derive(QueryableByName)]
    struct Kept {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Binary>)]
        body: Option<Vec<u8>>,
    }
    let kept: Vec<Kept> = {
        let mut conn = app.db.connection().expect("connection");
        diesel::sql_query("SELECT body FROM idempotency_records").load(&mut *conn).expect("records")
    };
    assert_eq!(kept.len(), 1);
    let stored = String::from_utf8(kept[0].body.clone().expect("a body")).expect("text");
    assert!(!stored.contains(&secret[4..]), "the secret is kept: {stored}");
}
