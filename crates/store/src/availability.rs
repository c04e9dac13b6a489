//! Workers' weekly availability windows and dated exceptions.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;
use yui_domain::workforce::{DayException, ExceptionKind, WeeklyWindow};
use yui_domain::{CenterId, UserId};

use crate::ids::{from_db_time, parse_uuid, to_db_time};
use crate::locks::WorkerLocks;
use crate::roster::Workers;
use crate::schema::{availability_exceptions, availability_windows};
use crate::{DbConnection, StoreError};

/// A stored exception, with its id and note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    pub id: Uuid,
    pub worker_id: UserId,
    pub exception: DayException,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

fn small(value: i32) -> Result<u16, StoreError> {
    u16::try_from(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn window(weekday: i32, start: i32, end: i32) -> Result<WeeklyWindow, StoreError> {
    Ok(WeeklyWindow {
        weekday: u8::try_from(weekday).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        start_minute: small(start)?,
        end_minute: small(end)?,
    })
}

/// A worker's weekly windows, by weekday and start.
pub fn windows_of(conn: &mut DbConnection, worker: UserId) -> Result<Vec<WeeklyWindow>, StoreError> {
    let rows: Vec<(i32, i32, i32)> = availability_windows::table
        .filter(availability_windows::worker_id.eq(worker.to_string()))
        .order((availability_windows::weekday.asc(), availability_windows::start_minute.asc()))
        .select((availability_windows::weekday, availability_windows::start_minute, availability_windows::end_minute))
        .load(conn)?;
    rows.into_iter().map(|(d, s, e)| window(d, s, e)).collect()
}

/// Replaces a worker's weekly windows. The worker's lock makes two replacements
/// queue, so the second replaces the first instead of merging with it.
pub fn replace_windows(
    conn: &mut DbConnection,
    locks: &WorkerLocks,
    center: CenterId,
    worker: UserId,
    windows: &[WeeklyWindow],
) -> Result<(), StoreError> {
    locks.check(worker)?;
    diesel::delete(availability_windows::table.filter(availability_windows::worker_id.eq(worker.to_string())))
        .execute(conn)?;
    for w in windows {
        diesel::insert_into(availability_windows::table)
            .values((
                availability_windows::id.eq(Uuid::now_v7().to_string()),
                availability_windows::center_id.eq(center.to_string()),
                availability_windows::worker_id.eq(worker.to_string()),
                availability_windows::weekday.eq(i32::from(w.weekday)),
                availability_windows::start_minute.eq(i32::from(w.start_minute)),
                availability_windows::end_minute.eq(i32::from(w.end_minute)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn kind_name(kind: ExceptionKind) -> &'static str {
    match kind {
        ExceptionKind::Absent => "absent",
        ExceptionKind::Extra => "extra",
    }
}

type ExceptionRow = (String, String, String, String, Option<i32>, Option<i32>, String, NaiveDateTime);

fn exception(row: ExceptionRow) -> Result<Exception, StoreError> {
    let (id, worker, day, kind, start, end, note, created_at) = row;
    let kind = match kind.as_str() {
        "absent" => ExceptionKind::Absent,
        "extra" => ExceptionKind::Extra,
        other => return Err(StoreError::Corrupt(format!("exception kind {other:?}"))),
    };
    let span = match (start, end) {
        (Some(start), Some(end)) => Some((small(start)?, small(end)?)),
        _ => None,
    };
    Ok(Exception {
        id: parse_uuid(&id)?,
        worker_id: parse_uuid(&worker)?.into(),
        exception: DayException {
            day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|e| StoreError::Corrupt(e.to_string()))?,
            kind,
            span,
        },
        note,
        created_at: from_db_time(created_at),
    })
}

/// Records an exception (an absence or an extra window) on one day.
pub fn add_exception(
    conn: &mut DbConnection,
    locks: &WorkerLocks,
    center: CenterId,
    worker: UserId,
    day_exception: DayException,
    note: &str,
) -> Result<Exception, StoreError> {
    locks.check(worker)?;
    let stored = Exception {
        id: Uuid::now_v7(),
        worker_id: worker,
        exception: day_exception,
        note: note.into(),
        created_at: crate::now(),
    };
    diesel::insert_into(availability_exceptions::table)
        .values((
            availability_exceptions::id.eq(stored.id.to_string()),
            availability_exceptions::center_id.eq(center.to_string()),
            availability_exceptions::worker_id.eq(worker.to_string()),
            availability_exceptions::day.eq(day_exception.day.format("%Y-%m-%d").to_string()),
            availability_exceptions::kind.eq(kind_name(day_exception.kind)),
            availability_exceptions::start_minute.eq(day_exception.span.map(|(s, _)| i32::from(s))),
            availability_exceptions::end_minute.eq(day_exception.span.map(|(_, e)| i32::from(e))),
            availability_exceptions::note.eq(note),
            availability_exceptions::created_at.eq(to_db_time(stored.created_at)),
        ))
        .execute(conn)?;
    Ok(stored)
}

/// Deletes one of a worker's exceptions; `false` if there was none with that id.
pub fn delete_exception(
    conn: &mut DbConnection,
    locks: &WorkerLocks,
    worker: UserId,
    id: Uuid,
) -> Result<bool, StoreError> {
    locks.check(worker)?;
    let deleted = diesel::delete(
        availability_exceptions::table
            .filter(availability_exceptions::id.eq(id.to_string()))
            .filter(availability_exceptions::worker_id.eq(worker.to_string())),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

fn exception_columns() -> (
    availability_exceptions::id,
    availability_exceptions::worker_id,
    availability_exceptions::day,
    availability_exceptions::kind,
    availability_exceptions::start_minute,
    availability_exceptions::end_minute,
    availability_exceptions::note,
    availability_exceptions::created_at,
) {
    (
        availability_exceptions::id,
        availability_exceptions::worker_id,
        availability_exceptions::day,
        availability_exceptions::kind,
        availability_exceptions::start_minute,
        availability_exceptions::end_minute,
        availability_exceptions::note,
        availability_exceptions::created_at,
    )
}

/// A worker's exceptions from `from` to `to` (inclusive), by day.
pub fn exceptions_of(
    conn: &mut DbConnection,
    worker: UserId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Exception>, StoreError> {
    let rows: Vec<ExceptionRow> = availability_exceptions::table
        .filter(availability_exceptions::worker_id.eq(worker.to_string()))
        .filter(availability_exceptions::day.ge(from.format("%Y-%m-%d").to_string()))
        .filter(availability_exceptions::day.le(to.format("%Y-%m-%d").to_string()))
        .order((availability_exceptions::day.asc(), availability_exceptions::id.asc()))
        .select(exception_columns())
        .load(conn)?;
    rows.into_iter().map(exception).collect()
}

/// The weekly windows of the centre's `workers`, by weekday and start.
pub fn all_windows(
    conn: &mut DbConnection,
    center: CenterId,
    workers: Workers<'_>,
) -> Result<HashMap<UserId, Vec<WeeklyWindow>>, StoreError> {
    let mut query = availability_windows::table
        .select((
            availability_windows::worker_id,
            availability_windows::weekday,
            availability_windows::start_minute,
            availability_windows::end_minute,
        ))
        .order((
            availability_windows::worker_id.asc(),
            availability_windows::weekday.asc(),
            availability_windows::start_minute.asc(),
            availability_windows::end_minute.asc(),
        ))
        .into_boxed();
    query = match workers.ids() {
        None => query.filter(availability_windows::center_id.eq(center.to_string())),
        Some(ids) => query.filter(availability_windows::worker_id.eq_any(ids)),
    };
    let rows: Vec<(String, i32, i32, i32)> = query.load(conn)?;
    let mut by_worker: HashMap<UserId, Vec<WeeklyWindow>> = HashMap::new();
    for (worker, d, s, e) in rows {
        by_worker.entry(parse_uuid(&worker)?.into()).or_default().push(window(d, s, e)?);
    }
    Ok(by_worker)
}

/// The exceptions of the centre's `workers` on `from` or later, by day.
pub fn all_exceptions_from(
    conn: &mut DbConnection,
    center: CenterId,
    from: NaiveDate,
    workers: Workers<'_>,
) -> Result<HashMap<UserId, Vec<DayException>>, StoreError> {
    let mut query = availability_exceptions::table
        .filter(availability_exceptions::day.ge(from.format("%Y-%m-%d").to_string()))
        .select(exception_columns())
        .order((
            availability_exceptions::worker_id.asc(),
            availability_exceptions::day.asc(),
            availability_exceptions::id.asc(),
        ))
        .into_boxed();
    query = match workers.ids() {
        None => query.filter(availability_exceptions::center_id.eq(center.to_string())),
        Some(ids) => query.filter(availability_exceptions::worker_id.eq_any(ids)),
    };
    let rows: Vec<ExceptionRow> = query.load(conn)?;
    let mut by_worker: HashMap<UserId, Vec<DayException>> = HashMap::new();
    for row in rows {
        let stored = exception(row)?;
        by_worker.entry(stored.worker_id).or_default().push(stored.exception);
    }
    Ok(by_worker)
}
