//! Every migration's `down.sql` restores exactly the schema before its `up.sql`.

use crate::helpers::{Engine, TestDatabase, postgres_url};

fn each_down_reverses_its_up(engine: Engine) {
    let database = TestDatabase::create(engine);
    let db = database.open();
    let mut applied = 0;
    loop {
        let before = db.schema_fingerprint().expect("fingerprint");
        let Some(version) = db.migrate_one().expect("migrate") else { break };
        let after = db.schema_fingerprint().expect("fingerprint");
        assert_ne!(before, after, "migration {version} changes nothing");
        let reverted = db.revert_last().expect("revert");
        assert_eq!(reverted, version);
        assert_eq!(db.schema_fingerprint().expect("fingerprint"), before, "down of {version} does not reverse its up");
        assert_eq!(db.migrate_one().expect("re-apply"), Some(version.clone()));
        assert_eq!(db.schema_fingerprint().expect("fingerprint"), after, "{version} re-applied differs");
        applied += 1;
    }
    assert!(applied > 0, "no migrations found");
}

#[test]
fn sqlite_migrations_reverse() {
    each_down_reverses_its_up(Engine::Sqlite);
}

#[test]
fn postgres_migrations_reverse() {
    if postgres_url().is_some() {
        each_down_reverses_its_up(Engine::Postgres);
    }
}

/// Existing data survives the workforce migration: free skill tags on jobs and tasks
/// become catalogue skills with minimum level 1, and reverting restores the tags.
fn free_tags_become_catalogue_skills(engine: Engine) {
    use diesel::{QueryableByName, RunQueryDsl, sql_types::Text};

    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = Text)]
        line: String,
    }

    let database = TestDatabase::create(engine);
    let db = database.open();
    db.migrate_one().expect("accounts");
    db.migrate_one().expect("team-job flow");
    let now = match engine {
        Engine::Sqlite => "CURRENT_TIMESTAMP",
        Engine::Postgres => "now()",
    };
    let setup = [
        format!("INSERT INTO centers VALUES ('c1', 'kado', 'Kado', '', 'Asia/Tokyo', 'JPY', 950, {now})"),
        format!("INSERT INTO organizations VALUES ('o1', 'Org', {now})"),
        format!("INSERT INTO users VALUES ('u1', 'c@x.example', 'h', 'C', 'client', NULL, 'o1', TRUE, {now}, {now})"),
        format!(
            "INSERT INTO jobs (id, center_id, organization_id, created_by, title, description, category, required_skills, \
             pricing, budget_amount, currency, due_at, deliverable_spec, status, version, created_at, updated_at) \
             VALUES ('j1', 'c1', 'o1', 'u1', 'T', '', 'x', '[\"hd-map\",\"writing\"]', 'fixed', 1, 'JPY', {now}, '', \
             'active', 1, {now}, {now})"
        ),
        format!(
            "INSERT INTO tasks (id, job_id, center_id, title, instructions, estimated_minutes, due_at, skill_tag, status, \
             version, created_at, updated_at) VALUES ('t1', 'j1', 'c1', 'T', '', 30, {now}, 'annotation', 'open', 1, {now}, {now})"
        ),
    ];
    let mut conn = db.connection().expect("connection");
    for statement in &setup {
        diesel::sql_query(statement).execute(&mut *conn).expect("set-up row");
    }
    drop(conn);
    db.migrate_one().expect("workforce");

    let query = |sql: &str| -> Vec<String> {
        let mut conn = db.connection().expect("connection");
        diesel::sql_query(sql).load::<Line>(&mut *conn).expect("query").into_iter().map(|l| l.line).collect()
    };
    assert_eq!(query("SELECT slug AS line FROM skills ORDER BY slug"), ["annotation", "hd-map", "writing"]);
    let skills: serde_json::Value =
        serde_json::from_str(&query("SELECT required_skills AS line FROM jobs")[0]).expect("json");
    assert_eq!(skills, serde_json::json!([{"skill": "hd-map", "min_level": 1}, {"skill": "writing", "min_level": 1}]));
    assert_eq!(query("SELECT skill || ':' || CAST(min_level AS TEXT) AS line FROM tasks"), ["annotation:1"]);

    db.revert_last().expect("revert workforce");
    let tags: serde_json::Value =
        serde_json::from_str(&query("SELECT required_skills AS line FROM jobs")[0]).expect("json");
    assert_eq!(tags, serde_json::json!(["hd-map", "writing"]));
    assert_eq!(query("SELECT skill_tag AS line FROM tasks"), ["annotation"]);
}

#[test]
fn sqlite_free_tags_become_catalogue_skills() {
    free_tags_become_catalogue_skills(Engine::Sqlite);
}

#[test]
fn postgres_free_tags_become_catalogue_skills() {
    if postgres_url().is_some() {
        free_tags_become_catalogue_skills(Engine::Postgres);
    }
}

/// Several `yui serve` processes starting at once on one PostgreSQL: each migrates
/// behind the advisory lock, so all succeed and the schema is applied once.
#[test]
fn instances_starting_at_once_migrate_once() {
    if postgres_url().is_none() {
        return;
    }
    for round in 0..5 {
        let database = TestDatabase::create(Engine::Postgres);
        let start = std::sync::Barrier::new(3);
        let applied: Vec<usize> = std::thread::scope(|scope| {
            let runs: Vec<_> = (0..3)
                .map(|_| {
                    scope.spawn(|| {
                        let db = database.open();
                        start.wait();
                        db.migrate().map(|versions| versions.len())
                    })
                })
                .collect();
            runs.into_iter()
                .map(|run| run.join().expect("thread").unwrap_or_else(|e| panic!("round {round}: {e}")))
                .collect()
        });
        let reference = TestDatabase::create(Engine::Postgres);
        let all = reference.open().migrate().expect("migrate").len();
        let mut sorted = applied.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![0, 0, all], "round {round}: exactly one instance applies the migrations");
        assert_eq!(
            database.open().schema_fingerprint().expect("fingerprint"),
            reference.open().schema_fingerprint().expect("fingerprint")
        );
    }
}

/// SQLite's durability is a setting: `synchronous` NORMAL by default, FULL on request.
#[test]
fn sqlite_durability_is_a_setting() {
    use diesel::{QueryableByName, RunQueryDsl, sql_types::Integer};

    #[derive(QueryableByName)]
    struct Synchronous {
        #[diesel(sql_type = Integer)]
        synchronous: i32,
    }
    for (durability, expected) in [(yui_store::SqliteDurability::Normal, 1), (yui_store::SqliteDurability::Full, 2)] {
        let database = TestDatabase::create(Engine::Sqlite);
        let settings = yui_store::PoolSettings { sqlite_durability: durability, ..yui_store::PoolSettings::default() };
        let db = yui_store::Database::connect(&database.url, settings).expect("open");
        let mut conn = db.connection().expect("connection");
        let level: Synchronous = diesel::sql_query("PRAGMA synchronous").get_result(&mut *conn).expect("pragma");
        assert_eq!(level.synchronous, expected, "{durability:?}");
    }
}
