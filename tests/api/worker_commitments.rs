//! `worker_commitments`: each worker's committed minutes, kept by triggers on tasks.
//! These tests write tasks straight in SQL, so no application code helps the
//! triggers; every end-to-end scenario also checks the rows when it ends
//! (`TestApp`'s drop).

use std::time::{Duration, Instant};

use diesel::sql_types::BigInt;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use yui_store::Database;

use crate::helpers::{Engine, TestDatabase, commitment_mismatches, postgres_url};

fn now_sql(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "CURRENT_TIMESTAMP",
        Engine::Postgres => "now()",
    }
}

/// A centre `c1` with a client's job `j1` and the given workers (ids are also names).
fn centre_with_workers(engine: Engine, workers: &[&str]) -> Vec<String> {
    let now = now_sql(engine);
    let user = |id: &str, role: &str| {
        format!(
            "INSERT INTO users (id, email, password_hash, display_name, role, center_id, organization_id, active, \
             created_at, updated_at) VALUES ('{id}', '{id}@x.example', 'h', '{id}', '{role}', \
             {center}, {org}, TRUE, {now}, {now})",
            center = if role == "client" { "NULL" } else { "'c1'" },
            org = if role == "client" { "'o1'" } else { "NULL" },
        )
    };
    let mut statements = vec![
        format!("INSERT INTO centers VALUES ('c1', 'kado', 'Kado', '', 'Asia/Tokyo', 'JPY', 950, {now})"),
        format!("INSERT INTO organizations VALUES ('o1', 'Org', {now})"),
        user("client", "client"),
    ];
    statements.extend(workers.iter().map(|w| user(w, "worker")));
    statements.push(format!(
        "INSERT INTO jobs (id, center_id, organization_id, created_by, title, description, category, required_skills, \
         pricing, budget_amount, currency, due_at, deliverable_spec, status, version, created_at, updated_at) \
         VALUES ('j1', 'c1', 'o1', 'client', 'T', '', 'x', '[]', 'fixed', 1, 'JPY', {now}, '', 'active', 1, {now}, {now})"
    ));
    statements
}

/// A task of job `j1`; an empty `assignee` means none.
fn task(engine: Engine, id: &str, minutes: i64, status: &str, assignee: &str) -> String {
    let now = now_sql(engine);
    let assignee = if assignee.is_empty() { "NULL".to_owned() } else { format!("'{assignee}'") };
    format!(
        "INSERT INTO tasks (id, job_id, center_id, title, instructions, estimated_minutes, due_at, status, \
         assignee_id, version, created_at, updated_at) VALUES ('{id}', 'j1', 'c1', 'T', '', {minutes}, {now}, \
         '{status}', {assignee}, 1, {now}, {now})"
    )
}

fn execute(db: &Database, statements: &[String]) {
    let mut conn = db.connection().expect("connection");
    for statement in statements {
        diesel::sql_query(statement).execute(&mut *conn).unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
}

/// The kept committed minutes of `worker` (0 without a row).
fn kept(db: &Database, worker: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Kept {
        #[diesel(sql_type = BigInt)]
        committed_minutes: i64,
    }
    let mut conn = db.connection().expect("connection");
    diesel::sql_query(format!("SELECT committed_minutes FROM worker_commitments WHERE worker_id = '{worker}'"))
        .load::<Kept>(&mut *conn)
        .expect("query")
        .first()
        .map_or(0, |k| k.committed_minutes)
}

/// The migration fills each worker's row from the tasks already assigned, and its
/// triggers keep the row equal to the tasks through every kind of write: assignment,
/// status change, re-estimate, hand-over to another worker, release and deletion.
fn commitments_follow_tasks(engine: Engine) {
    let database = TestDatabase::create(engine);
    let db = database.open();
    for _ in 0..4 {
        db.migrate_one().expect("migrations before worker_commitments");
    }
    execute(&db, &centre_with_workers(engine, &["aiko", "ben", "chie"]));
    execute(
        &db,
        &[
            task(engine, "t1", 30, "assigned", "aiko"),
            task(engine, "t2", 45, "in_progress", "aiko"),
            task(engine, "t3", 60, "submitted", "aiko"),
            task(engine, "t4", 20, "changes_requested", "ben"),
            task(engine, "t5", 90, "open", ""),
        ],
    );
    assert_eq!(db.migrate_one().expect("worker_commitments").as_deref(), Some("20261121000005"));
    let all = |db: &Database| (kept(db, "aiko"), kept(db, "ben"), kept(db, "chie"));
    assert_eq!(all(&db), (75, 20, 0), "filled from the assigned tasks");

    let steps: [(&str, (i64, i64, i64)); 9] = [
        ("UPDATE tasks SET status = 'assigned', assignee_id = 'chie' WHERE id = 't5'", (75, 20, 90)),
        ("UPDATE tasks SET estimated_minutes = 50 WHERE id = 't1'", (95, 20, 90)),
        ("UPDATE tasks SET status = 'submitted' WHERE id = 't2'", (50, 20, 90)),
        ("UPDATE tasks SET status = 'changes_requested' WHERE id = 't3'", (110, 20, 90)),
        ("UPDATE tasks SET assignee_id = 'ben' WHERE id = 't1'", (60, 70, 90)),
        ("UPDATE tasks SET status = 'open', assignee_id = NULL WHERE id = 't5'", (60, 70, 0)),
        ("UPDATE tasks SET title = 'renamed', version = 2 WHERE id = 't4'", (60, 70, 0)),
        ("DELETE FROM tasks WHERE id = 't4'", (60, 50, 0)),
        ("UPDATE tasks SET status = 'approved' WHERE assignee_id IS NOT NULL", (0, 0, 0)),
    ];
    for (statement, expected) in steps {
        execute(&db, &[statement.to_owned()]);
        assert_eq!(all(&db), expected, "after {statement}");
        assert_eq!(commitment_mismatches(&db), Vec::<String>::new(), "after {statement}");
    }
    execute(&db, &[task(engine, "t6", 15, "in_progress", "chie")]);
    assert_eq!(kept(&db, "chie"), 15, "a task inserted already assigned counts");
}

#[test]
fn sqlite_commitments_follow_tasks() {
    commitments_follow_tasks(Engine::Sqlite);
}

#[test]
fn postgres_commitments_follow_tasks() {
    if postgres_url().is_some() {
        commitments_follow_tasks(Engine::Postgres);
    }
}

/// On PostgreSQL, workers' commitment rows are locked in ascending worker id. Here a
/// transaction gives work to `worker-a` and then to `worker-b` (that order), while
/// another hands a task over from `worker-b` to `worker-a`. Were the hand-over to
/// lock `worker-b` (taking the task off) before `worker-a` (putting it on), each
/// would wait for the other and PostgreSQL would abort one as a deadlock. Both must
/// commit. (SQLite runs one writer at a time, so it cannot deadlock.)
#[test]
fn postgres_handover_cannot_deadlock() {
    if postgres_url().is_none() {
        return;
    }
    let engine = Engine::Postgres;
    let database = TestDatabase::create(engine);
    let db = database.open();
    db.migrate().expect("migrations");
    execute(&db, &centre_with_workers(engine, &["worker-a", "worker-b"]));
    execute(
        &db,
        &[
            task(engine, "a-has", 10, "assigned", "worker-a"),
            task(engine, "b-has", 20, "assigned", "worker-b"),
            task(engine, "open-1", 30, "open", ""),
            task(engine, "open-2", 40, "open", ""),
        ],
    );

    let mut first = PgConnection::establish(&database.url).expect("connect");
    let mut observer = PgConnection::establish(&database.url).expect("connect");
    let url = database.url.clone();
    let outcome = first.transaction::<_, diesel::result::Error, _>(|first| {
        diesel::sql_query("UPDATE tasks SET status = 'assigned', assignee_id = 'worker-a' WHERE id = 'open-1'")
            .execute(first)?;
        let handover = std::thread::spawn(move || {
            let mut second = PgConnection::establish(&url).expect("connect");
            second.transaction::<_, diesel::result::Error, _>(|second| {
                diesel::sql_query("UPDATE tasks SET assignee_id = 'worker-a' WHERE id = 'b-has'").execute(second)
            })
        });
        wait_until_a_query_waits_for_a_lock(&mut observer);
        diesel::sql_query("UPDATE tasks SET status = 'assigned', assignee_id = 'worker-b' WHERE id = 'open-2'")
            .execute(first)?;
        Ok(handover)
    });
    let handover = outcome.expect("the transaction that locks a, then b, commits");
    handover.join().expect("thread").expect("the hand-over from b to a commits");
    assert_eq!((kept(&db, "worker-a"), kept(&db, "worker-b")), (10 + 30 + 20, 40));
    assert_eq!(commitment_mismatches(&db), Vec::<String>::new());
}

/// Returns once some session of this database waits for a lock (the hand-over,
/// blocked by the first transaction), so the test interleaves the two for sure.
fn wait_until_a_query_waits_for_a_lock(observer: &mut PgConnection) {
    #[derive(QueryableByName)]
    struct Waiting {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let waiting: Waiting = diesel::sql_query(
            "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .get_result(observer)
        .expect("pg_stat_activity");
        if waiting.n > 0 {
            return;
        }
        assert!(Instant::now() < deadline, "the hand-over never waited for the first transaction's lock");
        std::thread::sleep(Duration::from_millis(20));
    }
}
