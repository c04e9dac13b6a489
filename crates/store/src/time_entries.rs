//! Time entries: spans of time a worker logged on a task they hold.
//!
//! An entry is `running` while its timer runs (no end yet), then `pending` until a
//! director approves it (locked from then on) or rejects it. A director's
//! adjustment keeps the worker's original times and the reason. Every change is a
//! compare-and-set on `version`; writes that check a worker's other entries (for
//! overlaps and the daily maximum) hold the worker's lock ([`crate::locks`]), so two
//! entries of one worker are never checked against each other's absence.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use yui_domain::flow::EntryStatus;
use yui_domain::workforce::timesheet::Span;
use yui_domain::{CenterId, JobId, PageLimit, TaskId, TimeEntryId, UserId};

use crate::ids::{from_db_time, parse_uuid, to_db_time};
use crate::locks::WorkerLocks;
use crate::schema::time_entries;
use crate::{DbConnection, Page, StoreError, overfetch};

/// A director's change to an entry: the worker's times before it, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    pub original_started_at: DateTime<Utc>,
    pub original_ended_at: DateTime<Utc>,
    pub reason: String,
    pub adjusted_by: UserId,
}

/// A director's decision on an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub by: UserId,
    pub at: DateTime<Utc>,
    /// Why, for a rejection.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeEntry {
    pub id: TimeEntryId,
    pub center_id: CenterId,
    pub worker_id: UserId,
    pub job_id: JobId,
    pub task_id: TaskId,
    pub started_at: DateTime<Utc>,
    /// `None` while the timer runs.
    pub ended_at: Option<DateTime<Utc>>,
    pub note: String,
    pub status: EntryStatus,
    pub adjustment: Option<Adjustment>,
    pub decision: Option<Decision>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TimeEntry {
    /// The logged span; a running timer's up to `now`.
    #[must_use]
    pub fn span(&self, now: DateTime<Utc>) -> Span {
        Span { start: self.started_at, end: self.ended_at.unwrap_or(now).max(self.started_at) }
    }

    /// Whole minutes logged, once the timer is stopped.
    #[must_use]
    pub fn minutes(&self) -> Option<i64> {
        self.ended_at.map(|end| (end - self.started_at).num_minutes())
    }
}

fn parse_status(text: &str) -> Result<EntryStatus, StoreError> {
    EntryStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("time entry status {text:?}")))
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = time_entries)]
struct EntryRow {
    id: String,
    center_id: String,
    worker_id: String,
    job_id: String,
    task_id: String,
    started_at: NaiveDateTime,
    ended_at: Option<NaiveDateTime>,
    note: String,
    status: String,
    original_started_at: Option<NaiveDateTime>,
    original_ended_at: Option<NaiveDateTime>,
    adjustment_reason: Option<String>,
    adjusted_by: Option<String>,
    rejection_reason: Option<String>,
    decided_by: Option<String>,
    decided_at: Option<NaiveDateTime>,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<EntryRow> for TimeEntry {
    type Error = StoreError;
    fn try_from(row: EntryRow) -> Result<Self, StoreError> {
        let adjustment = match (row.original_started_at, row.original_ended_at, row.adjustment_reason, row.adjusted_by)
        {
            (Some(start), Some(end), Some(reason), Some(by)) => Some(Adjustment {
                original_started_at: from_db_time(start),
                original_ended_at: from_db_time(end),
                reason,
                adjusted_by: parse_uuid(&by)?.into(),
            }),
            _ => None,
        };
        let decision = match (row.decided_by, row.decided_at) {
            (Some(by), Some(at)) => {
                Some(Decision { by: parse_uuid(&by)?.into(), at: from_db_time(at), reason: row.rejection_reason })
            }
            _ => None,
        };
        Ok(TimeEntry {
            id: parse_uuid(&row.id)?.into(),
            center_id: parse_uuid(&row.center_id)?.into(),
            worker_id: parse_uuid(&row.worker_id)?.into(),
            job_id: parse_uuid(&row.job_id)?.into(),
            task_id: parse_uuid(&row.task_id)?.into(),
            started_at: from_db_time(row.started_at),
            ended_at: row.ended_at.map(from_db_time),
            note: row.note,
            status: parse_status(&row.status)?,
            adjustment,
            decision,
            version: row.version,
            created_at: from_db_time(row.created_at),
            updated_at: from_db_time(row.updated_at),
        })
    }
}

/// A new entry: a finished span, or a timer started at `span.start` (`running`).
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub center_id: CenterId,
    pub worker_id: UserId,
    pub job_id: JobId,
    pub task_id: TaskId,
    pub started_at: DateTime<Utc>,
    /// `None` starts a timer.
    pub ended_at: Option<DateTime<Utc>>,
    pub note: String,
}

/// Records an entry under the worker's lock. A second running timer of the same
/// worker is a [`StoreError::Conflict`] (one timer per worker, kept by an index).
pub fn insert(conn: &mut DbConnection, locks: &WorkerLocks, new: NewEntry) -> Result<TimeEntry, StoreError> {
    locks.check(new.worker_id)?;
    let now = crate::now();
    let entry = TimeEntry {
        id: TimeEntryId::generate(),
        center_id: new.center_id,
        worker_id: new.worker_id,
        job_id: new.job_id,
        task_id: new.task_id,
        started_at: new.started_at,
        ended_at: new.ended_at,
        note: new.note,
        status: if new.ended_at.is_some() { EntryStatus::Pending } else { EntryStatus::Running },
        adjustment: None,
        decision: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(time_entries::table)
        .values((
            time_entries::id.eq(entry.id.to_string()),
            time_entries::center_id.eq(entry.center_id.to_string()),
            time_entries::worker_id.eq(entry.worker_id.to_string()),
            time_entries::job_id.eq(entry.job_id.to_string()),
            time_entries::task_id.eq(entry.task_id.to_string()),
            time_entries::started_at.eq(to_db_time(entry.started_at)),
            time_entries::ended_at.eq(entry.ended_at.map(to_db_time)),
            time_entries::minutes.eq(entry.minutes()),
            time_entries::note.eq(&entry.note),
            time_entries::status.eq(entry.status.as_str()),
            time_entries::version.eq(entry.version),
            time_entries::created_at.eq(to_db_time(now)),
            time_entries::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)
        .map_err(|e| StoreError::from_write(e, "time_entries.running"))?;
    Ok(entry)
}

pub fn find(conn: &mut DbConnection, id: TimeEntryId) -> Result<Option<TimeEntry>, StoreError> {
    time_entries::table
        .filter(time_entries::id.eq(id.to_string()))
        .select(EntryRow::as_select())
        .first(conn)
        .optional()?
        .map(TimeEntry::try_from)
        .transpose()
}

/// The worker's running timer, if any.
pub fn running_of(conn: &mut DbConnection, worker: UserId) -> Result<Option<TimeEntry>, StoreError> {
    time_entries::table
        .filter(time_entries::worker_id.eq(worker.to_string()))
        .filter(time_entries::status.eq(EntryStatus::Running.as_str()))
        .select(EntryRow::as_select())
        .first(conn)
        .optional()?
        .map(TimeEntry::try_from)
        .transpose()
}

/// The worker's logged spans (not rejected; a running timer up to `now`) that come
/// within two days of `around`, except `except`: everything that can overlap it or
/// share one of its calendar days.
pub fn spans_near(
    conn: &mut DbConnection,
    worker: UserId,
    around: Span,
    except: Option<TimeEntryId>,
    now: DateTime<Utc>,
) -> Result<Vec<Span>, StoreError> {
    let margin = TimeDelta::days(2);
    let mut query = time_entries::table
        .filter(time_entries::worker_id.eq(worker.to_string()))
        .filter(time_entries::status.ne(EntryStatus::Rejected.as_str()))
        .filter(time_entries::started_at.lt(to_db_time(around.end + margin)))
        .filter(time_entries::ended_at.is_null().or(time_entries::ended_at.gt(to_db_time(around.start - margin))))
        .select(EntryRow::as_select())
        .into_boxed();
    if let Some(except) = except {
        query = query.filter(time_entries::id.ne(except.to_string()));
    }
    query.load(conn)?.into_iter().map(|row| TimeEntry::try_from(row).map(|e| e.span(now))).collect()
}

/// Saves a changed entry if nobody changed it since it was read (its `version`):
/// otherwise [`StoreError::VersionConflict`].
pub fn save(conn: &mut DbConnection, mut entry: TimeEntry) -> Result<TimeEntry, StoreError> {
    let now = crate::now();
    let adjustment = entry.adjustment.as_ref();
    let decision = entry.decision.as_ref();
    let updated = diesel::update(
        time_entries::table
            .filter(time_entries::id.eq(entry.id.to_string()))
            .filter(time_entries::version.eq(entry.version)),
    )
    .set((
        (
            time_entries::started_at.eq(to_db_time(entry.started_at)),
            time_entries::ended_at.eq(entry.ended_at.map(to_db_time)),
            time_entries::minutes.eq(entry.minutes()),
            time_entries::status.eq(entry.status.as_str()),
            time_entries::original_started_at.eq(adjustment.map(|a| to_db_time(a.original_started_at))),
            time_entries::original_ended_at.eq(adjustment.map(|a| to_db_time(a.original_ended_at))),
            time_entries::adjustment_reason.eq(adjustment.map(|a| a.reason.clone())),
            time_entries::adjusted_by.eq(adjustment.map(|a| a.adjusted_by.to_string())),
        ),
        (
            time_entries::rejection_reason.eq(decision.and_then(|d| d.reason.clone())),
            time_entries::decided_by.eq(decision.map(|d| d.by.to_string())),
            time_entries::decided_at.eq(decision.map(|d| to_db_time(d.at))),
            time_entries::version.eq(entry.version + 1),
            time_entries::updated_at.eq(to_db_time(now)),
        ),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(StoreError::VersionConflict);
    }
    entry.version += 1;
    entry.updated_at = now;
    Ok(entry)
}

/// Withdraws an entry not yet decided, if unchanged since it was read.
pub fn delete(conn: &mut DbConnection, entry: &TimeEntry) -> Result<(), StoreError> {
    let deleted = diesel::delete(
        time_entries::table
            .filter(time_entries::id.eq(entry.id.to_string()))
            .filter(time_entries::version.eq(entry.version)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(StoreError::VersionConflict);
    }
    Ok(())
}

/// Whose entries a list shows.
#[derive(Debug, Clone, Copy)]
pub enum EntryScope {
    Worker(UserId),
    Job(JobId),
}

/// Narrows a list.
#[derive(Debug, Clone, Copy, Default)]
pub struct EntryFilter {
    pub status: Option<EntryStatus>,
    pub task: Option<TaskId>,
    /// Entries starting at or after.
    pub from: Option<DateTime<Utc>>,
    /// Entries starting before.
    pub to: Option<DateTime<Utc>>,
}

/// A page of entries in the order they were logged.
pub fn list(
    conn: &mut DbConnection,
    scope: EntryScope,
    filter: EntryFilter,
    after: Option<TimeEntryId>,
    limit: PageLimit,
) -> Result<Page<TimeEntry>, StoreError> {
    let mut query = time_entries::table.select(EntryRow::as_select()).order(time_entries::id.asc()).into_boxed();
    query = match scope {
        EntryScope::Worker(worker) => query.filter(time_entries::worker_id.eq(worker.to_string())),
        EntryScope::Job(job) => query.filter(time_entries::job_id.eq(job.to_string())),
    };
    if let Some(status) = filter.status {
        query = query.filter(time_entries::status.eq(status.as_str()));
    }
    if let Some(task) = filter.task {
        query = query.filter(time_entries::task_id.eq(task.to_string()));
    }
    if let Some(from) = filter.from {
        query = query.filter(time_entries::started_at.ge(to_db_time(from)));
    }
    if let Some(to) = filter.to {
        query = query.filter(time_entries::started_at.lt(to_db_time(to)));
    }
    if let Some(after) = after {
        query = query.filter(time_entries::id.gt(after.to_string()));
    }
    let rows = query
        .limit(overfetch(limit))
        .load(conn)?
        .into_iter()
        .map(TimeEntry::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, limit.get(), |e| e.id.as_uuid()))
}

/// A piece of approved time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApprovedTime {
    pub worker_id: UserId,
    pub job_id: JobId,
    pub task_id: TaskId,
    pub started_at: DateTime<Utc>,
    pub minutes: i64,
}

/// Which approved time to read.
#[derive(Debug, Clone, Copy)]
pub enum ApprovedScope {
    Job(JobId),
    /// A centre's time that started in `[from, to)`.
    Centre {
        center: CenterId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
}

/// Approved time of a job, or of a centre in a span.
pub fn approved(conn: &mut DbConnection, scope: ApprovedScope) -> Result<Vec<ApprovedTime>, StoreError> {
    let mut query = time_entries::table
        .filter(time_entries::status.eq(EntryStatus::Approved.as_str()))
        .select((
            time_entries::worker_id,
            time_entries::job_id,
            time_entries::task_id,
            time_entries::started_at,
            time_entries::minutes,
        ))
        .into_boxed();
    query = match scope {
        ApprovedScope::Job(job) => query.filter(time_entries::job_id.eq(job.to_string())),
        ApprovedScope::Centre { center, from, to } => query
            .filter(time_entries::center_id.eq(center.to_string()))
            .filter(time_entries::started_at.ge(to_db_time(from)))
            .filter(time_entries::started_at.lt(to_db_time(to))),
    };
    let rows: Vec<(String, String, String, NaiveDateTime, Option<i64>)> = query.load(conn)?;
    rows.into_iter()
        .map(|(worker, job, task, started, minutes)| {
            Ok(ApprovedTime {
                worker_id: parse_uuid(&worker)?.into(),
                job_id: parse_uuid(&job)?.into(),
                task_id: parse_uuid(&task)?.into(),
                started_at: from_db_time(started),
                minutes: minutes.unwrap_or(0),
            })
        })
        .collect()
}

/// Logged time (of a job, or a centre): minutes by status of the stopped entries,
/// and how many timers run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoggedTime {
    pub pending_minutes: i64,
    pub approved_minutes: i64,
    pub rejected_minutes: i64,
    pub running_timers: i64,
}

pub fn job_time(conn: &mut DbConnection, job: JobId) -> Result<LoggedTime, StoreError> {
    time_by_status(conn, TimeScope::Job(job))
}

/// A centre's logged time by status (the dashboard's time waiting for approval).
pub fn centre_time(conn: &mut DbConnection, center: CenterId) -> Result<LoggedTime, StoreError> {
    time_by_status(conn, TimeScope::Centre(center))
}

/// A worker's logged time that started in `[from, to)`, by status.
pub fn worker_time(
    conn: &mut DbConnection,
    worker: UserId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<LoggedTime, StoreError> {
    time_by_status(conn, TimeScope::Worker { worker, from, to })
}

enum TimeScope {
    Job(JobId),
    Centre(CenterId),
    Worker { worker: UserId, from: DateTime<Utc>, to: DateTime<Utc> },
}

/// `SUM(minutes)` as a BIGINT on both engines (PostgreSQL's SUM of a BIGINT is NUMERIC).
fn sum_minutes() -> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::BigInt>> {
    diesel::dsl::sql("CAST(SUM(time_entries.minutes) AS BIGINT)")
}

fn time_by_status(conn: &mut DbConnection, scope: TimeScope) -> Result<LoggedTime, StoreError> {
    let columns = (time_entries::status, sum_minutes(), diesel::dsl::count_star());
    let rows: Vec<(String, Option<i64>, i64)> = match scope {
        TimeScope::Job(job) => time_entries::table
            .filter(time_entries::job_id.eq(job.to_string()))
            .group_by(time_entries::status)
            .select(columns)
            .load(conn)?,
        TimeScope::Centre(center) => time_entries::table
            .filter(time_entries::center_id.eq(center.to_string()))
            .group_by(time_entries::status)
            .select(columns)
            .load(conn)?,
        TimeScope::Worker { worker, from, to } => time_entries::table
            .filter(time_entries::worker_id.eq(worker.to_string()))
            .filter(time_entries::started_at.ge(to_db_time(from)))
            .filter(time_entries::started_at.lt(to_db_time(to)))
            .group_by(time_entries::status)
            .select(columns)
            .load(conn)?,
    };
    let mut time = LoggedTime::default();
    for (status, minutes, count) in rows {
        let minutes = minutes.unwrap_or(0);
        match parse_status(&status)? {
            EntryStatus::Running => time.running_timers = count,
            EntryStatus::Pending => time.pending_minutes = minutes,
            EntryStatus::Approved => time.approved_minutes = minutes,
            EntryStatus::Rejected => time.rejected_minutes = minutes,
        }
    }
    Ok(time)
}
