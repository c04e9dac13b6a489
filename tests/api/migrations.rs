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
