//! What each worker has on their plate right now: unfinished work assigned to them,
//! work they handed in this week, and their quality counters. This half of the
//! workforce changes all day, so it is read fresh on every call, in one query that
//! visits each worker once instead of three bulk queries (`docs/benchmarks.md`):
//! their committed-minutes row, their hand-ins since the week began (one index
//! range) and their quality-counter row.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};
use yui_domain::workforce::SkillRequirement;
use yui_domain::{CenterId, IdMap, UserId};

use crate::db::MultiBackend;
use crate::ids::{parse_uuid, to_db_time};
use crate::{DbConnection, StoreError};
use yui_domain::workforce::QualityCounts;

/// One worker's current load.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Workload {
    /// Minutes of unfinished work assigned to them.
    pub committed_minutes: i64,
    /// Minutes of work whose first version they handed in since the week began.
    pub handed_in_minutes: i64,
    pub quality: QualityCounts,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    worker_id: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    committed_minutes: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    handed_in_minutes: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    submissions: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    reviewed_tasks: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    first_pass_approvals: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    changes_requested: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    director_fixes: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    approved_tasks: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    on_time_approvals: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    approved_minutes: Option<i64>,
}

/// Each parameter appears once, in bind order: `?` on SQLite, `$n` on PostgreSQL.
/// Committed minutes are one row per worker (`worker_commitments`, kept by triggers
/// on tasks); the hand-in columns are `submissions_author_week_idx`'s, so that seek
/// is answered from the index.
const QUERY: &str = "\
SELECT w.worker_id AS worker_id, wc.committed_minutes,
  (SELECT CAST(SUM(s.estimated_minutes) AS BIGINT) FROM submissions s
     WHERE s.author_id = w.worker_id AND s.created_at >= {} AND s.version_number = 1
       AND NOT s.by_director) AS handed_in_minutes,
  st.submissions, st.reviewed_tasks, st.first_pass_approvals, st.changes_requested,
  st.director_fixes, st.approved_tasks, st.on_time_approvals, st.approved_minutes
FROM ({}) w
LEFT JOIN worker_commitments wc ON wc.worker_id = w.worker_id
LEFT JOIN worker_stats st ON st.worker_id = w.worker_id";

const EVERY_WORKER: &str = "SELECT id AS worker_id FROM users WHERE center_id = {} AND role = 'worker'";
const QUALIFIED: &str = "SELECT worker_id FROM worker_skills WHERE center_id = {} AND skill = {} AND level >= {}";
/// Followed by one `{}` per id; `users_center_idx` is `(center_id, id)`, so these are
/// seeks into it.
const THESE_WORKERS: &str = "SELECT id AS worker_id FROM users WHERE center_id = {} AND role = 'worker' AND id IN ";

/// At most this many ids are bound in one query (both engines allow far more).
const IDS_PER_QUERY: usize = 1000;

/// Whose load [`of_workers`] reads.
#[derive(Clone, Copy, Debug)]
pub enum Among<'a> {
    /// Every worker of the centre.
    Everyone,
    /// The workers who meet the requirement.
    Qualified(&'a SkillRequirement),
    /// These workers (ids of anybody else, or of another centre's workers, are left
    /// out).
    Only(&'a [UserId]),
}

/// Writes the engine's placeholders into `sql`'s `{}` markers, numbered in order.
fn with_placeholders(sql: &str, conn: &DbConnection) -> String {
    let mut numbered = String::with_capacity(sql.len());
    let mut parts = sql.split("{}").peekable();
    let mut n = 0;
    while let Some(part) = parts.next() {
        numbered.push_str(part);
        if parts.peek().is_some() {
            n += 1;
            match conn {
                DbConnection::Sqlite(_) => numbered.push('?'),
                DbConnection::Postgresql(_) => numbered.push_str(&format!("${n}")),
            }
        }
    }
    numbered
}

/// The load of the centre's workers `among`; "this week" began at `week_start`.
pub fn of_workers(
    conn: &mut DbConnection,
    center: CenterId,
    week_start: DateTime<Utc>,
    among: Among<'_>,
) -> Result<IdMap<UserId, Workload>, StoreError> {
    let week: NaiveDateTime = to_db_time(week_start);
    let rows: Vec<Row> = match among {
        Among::Everyone => diesel::sql_query(with_placeholders(&query_over(EVERY_WORKER), conn))
            .bind::<Timestamp, _>(week)
            .bind::<Text, _>(center.to_string())
            .load(conn)?,
        Among::Qualified(requirement) => diesel::sql_query(with_placeholders(&query_over(QUALIFIED), conn))
            .bind::<Timestamp, _>(week)
            .bind::<Text, _>(center.to_string())
            .bind::<Text, _>(requirement.skill.clone())
            .bind::<Integer, _>(i32::from(requirement.min_level.get()))
            .load(conn)?,
        Among::Only(ids) => {
            let mut rows = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(IDS_PER_QUERY) {
                let driver = format!("{THESE_WORKERS}({})", vec!["{}"; chunk.len()].join(", "));
                let mut query = diesel::sql_query(with_placeholders(&query_over(&driver), conn))
                    .into_boxed::<MultiBackend>()
                    .bind::<Timestamp, _>(week)
                    .bind::<Text, _>(center.to_string());
                for id in chunk {
                    query = query.bind::<Text, _>(id.to_string());
                }
                rows.extend(query.load::<Row>(conn)?);
            }
            rows
        }
    };
    rows.into_iter()
        .map(|row| {
            let load = Workload {
                committed_minutes: row.committed_minutes.unwrap_or(0),
                handed_in_minutes: row.handed_in_minutes.unwrap_or(0),
                quality: QualityCounts {
                    submissions: row.submissions.unwrap_or(0),
                    reviewed_tasks: row.reviewed_tasks.unwrap_or(0),
                    first_pass_approvals: row.first_pass_approvals.unwrap_or(0),
                    changes_requested: row.changes_requested.unwrap_or(0),
                    director_fixes: row.director_fixes.unwrap_or(0),
                    approved_tasks: row.approved_tasks.unwrap_or(0),
                    on_time_approvals: row.on_time_approvals.unwrap_or(0),
                    approved_minutes: row.approved_minutes.unwrap_or(0),
                },
            };
            Ok((UserId::from(parse_uuid(&row.worker_id)?), load))
        })
        .collect()
}

/// [`QUERY`] over the workers `driver` selects.
fn query_over(driver: &str) -> String {
    QUERY.replacen("({})", &format!("({driver})"), 1)
}

/// One worker's committed minutes (unfinished work assigned to them), from the row
/// the triggers keep; 0 when they never had any.
pub fn committed_minutes(conn: &mut DbConnection, worker: UserId) -> Result<i64, StoreError> {
    use crate::schema::worker_commitments;

    Ok(worker_commitments::table
        .find(worker.to_string())
        .select(worker_commitments::committed_minutes)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}
