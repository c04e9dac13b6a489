//! Embedded migrations, one folder per engine with the same version names.
//!
//! Applied at start-up and by `yui migrate`. The schema fingerprint lets the test
//! suite prove that each migration's `down.sql` restores exactly the schema that
//! preceded its `up.sql`.

use diesel::migration::MigrationVersion;
use diesel::{QueryableByName, RunQueryDsl, sql_types::Text};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::{Database, DbConnection, StoreError};

const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// The advisory lock key that migrating instances queue on (any fixed number that
/// nothing else in the database uses: "yui" in ASCII).
const MIGRATION_LOCK: i64 = 0x0079_7569;

fn migration_error(error: impl std::fmt::Display) -> StoreError {
    StoreError::Migration(error.to_string())
}

fn versions(applied: Vec<MigrationVersion<'_>>) -> Vec<String> {
    applied.into_iter().map(|v| v.to_string()).collect()
}

#[derive(QueryableByName)]
struct FingerprintLine {
    #[diesel(sql_type = Text)]
    line: String,
}

impl Database {
    /// Applies every pending migration; returns the versions applied.
    ///
    /// Several API instances may start at once on one PostgreSQL: each takes a
    /// session advisory lock first, so one migrates while the others wait and then
    /// find nothing pending. (SQLite serves one process.)
    pub fn migrate(&self) -> Result<Vec<String>, StoreError> {
        let mut conn = self.connection()?;
        match &mut *conn {
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(versions).map_err(migration_error),
            DbConnection::Postgresql(c) => {
                diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).execute(c)?;
                let applied = c.run_pending_migrations(POSTGRES).map(versions).map_err(migration_error);
                let unlocked = diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).execute(c);
                let applied = applied?;
                unlocked?;
                Ok(applied)
            }
        }
    }

    /// Applies the next pending migration, if any; returns its version.
    pub fn migrate_one(&self) -> Result<Option<String>, StoreError> {
        let mut conn = self.connection()?;
        let has_pending = match &mut *conn {
            DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE),
            DbConnection::Postgresql(c) => c.has_pending_migration(POSTGRES),
        }
        .map_err(migration_error)?;
        if !has_pending {
            return Ok(None);
        }
        match &mut *conn {
            DbConnection::Sqlite(c) => c.run_next_migration(SQLITE).map(|v| v.to_string()),
            DbConnection::Postgresql(c) => c.run_next_migration(POSTGRES).map(|v| v.to_string()),
        }
        .map(Some)
        .map_err(migration_error)
    }

    /// Reverts the most recently applied migration; returns its version.
    pub fn revert_last(&self) -> Result<String, StoreError> {
        let mut conn = self.connection()?;
        match &mut *conn {
            DbConnection::Sqlite(c) => c.revert_last_migration(SQLITE).map(|v| v.to_string()),
            DbConnection::Postgresql(c) => c.revert_last_migration(POSTGRES).map(|v| v.to_string()),
        }
        .map_err(migration_error)
    }

    /// A text description of every table, column and index of the application's
    /// schema (not diesel's bookkeeping table), in a stable order.
    pub fn schema_fingerprint(&self) -> Result<Vec<String>, StoreError> {
        let query = match self.engine() {
            // Column lists rather than CREATE text: ALTER TABLE rewrites the stored text,
            // so a reverted migration can leave the same schema written differently.
            crate::Engine::Sqlite => {
                "SELECT line FROM ( \
                   SELECT 'column ' || m.name || '.' || p.name || ' ' || p.type || ' ' || p.\"notnull\" || ' ' \
                          || COALESCE(p.dflt_value, '') || ' ' || p.pk AS line \
                   FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                   WHERE m.type = 'table' AND m.name NOT LIKE '__diesel%' AND m.name NOT LIKE 'sqlite_%' \
                   UNION ALL \
                   SELECT 'index ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master \
                   WHERE type = 'index' AND tbl_name NOT LIKE '__diesel%' \
                   UNION ALL \
                   SELECT 'foreign key ' || m.name || '.' || f.\"from\" || ' -> ' || f.\"table\" || '.' || COALESCE(f.\"to\", '') \
                   FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
                   WHERE m.type = 'table' AND m.name NOT LIKE '__diesel%' \
                   UNION ALL \
                   SELECT 'trigger ' || name || ': ' || sql FROM sqlite_master WHERE type = 'trigger' \
                 ) AS fingerprint ORDER BY line"
            }
            crate::Engine::Postgres => {
                "SELECT line FROM ( \
                   SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable \
                          || ' ' || COALESCE(column_default, '') AS line \
                   FROM information_schema.columns WHERE table_schema = current_schema() \
                     AND table_name NOT LIKE '__diesel%' \
                   UNION ALL \
                   SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes \
                   WHERE schemaname = current_schema() AND tablename NOT LIKE '__diesel%' \
                   UNION ALL \
                   SELECT 'constraint ' || conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint \
                   WHERE connamespace = current_schema()::regnamespace \
                     AND conrelid::regclass::text NOT LIKE '__diesel%' \
                   UNION ALL \
                   SELECT 'trigger ' || tgname || ': ' || pg_get_triggerdef(oid) FROM pg_trigger \
                   WHERE NOT tgisinternal AND tgrelid IN \
                     (SELECT oid FROM pg_class WHERE relnamespace = current_schema()::regnamespace) \
                   UNION ALL \
                   SELECT 'function ' || proname || ': ' || md5(prosrc) FROM pg_proc \
                   WHERE pronamespace = current_schema()::regnamespace \
                 ) AS fingerprint ORDER BY line"
            }
        };
        let mut conn = self.connection()?;
        let lines: Vec<FingerprintLine> = diesel::sql_query(query).load(&mut *conn)?;
        Ok(lines.into_iter().map(|l| l.line).collect())
    }
}
