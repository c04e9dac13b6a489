//! Pay periods and earnings statements.
//!
//! An open period's statements are computed when asked (from approved time that no
//! statement paid yet). Closing a period writes its row, then each worker's
//! statement — lines and totals, frozen with the job and task titles of the day —
//! and marks the time entries it paid, all in one transaction. Two directors
//! closing the same period at once meet on the period's primary key: one closes it,
//! the other gets a conflict. Approved time a closed statement did not pay (approved
//! after closing) is paid by the next period's statement, as adjustment lines.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use yui_domain::flow::EntryStatus;
use yui_domain::workforce::earnings::{self, Line, Period, Statement, Worked};
use yui_domain::{CenterId, JobId, Money, TaskId, TimeEntryId, UserId};

use crate::centers::Center;
use crate::ids::{from_db_time, parse_json, parse_uuid, to_db_time, to_json};
use crate::locks::WorkerLocks;
use crate::minimum_wages::{parse_day, parse_money};
use crate::schema::{jobs, pay_periods, pay_statements, tasks, time_entries, worker_withholding};
use crate::{DbConnection, StoreError, pay_rates, users};

// ---- Withholding per worker ----

/// Whether a worker's fees are withheld on (when the centre turns withholding on).
pub fn is_withheld(conn: &mut DbConnection, worker: UserId) -> Result<bool, StoreError> {
    Ok(worker_withholding::table
        .filter(worker_withholding::worker_id.eq(worker.to_string()))
        .select(worker_withholding::withheld)
        .first(conn)
        .optional()?
        .unwrap_or(false))
}

/// Marks a worker as paid with (or without) withholding, in one upsert.
pub fn set_withheld(
    conn: &mut DbConnection,
    locks: &WorkerLocks,
    center: CenterId,
    worker: UserId,
    withheld: bool,
    by: UserId,
) -> Result<(), StoreError> {
    locks.check(worker)?;
    use diesel::upsert::excluded;
    use worker_withholding::dsl as w;
    let values = (
        w::worker_id.eq(worker.to_string()),
        w::center_id.eq(center.to_string()),
        w::withheld.eq(withheld),
        w::updated_by.eq(by.to_string()),
        w::updated_at.eq(to_db_time(crate::now())),
    );
    let replaced = (
        w::withheld.eq(excluded(w::withheld)),
        w::updated_by.eq(excluded(w::updated_by)),
        w::updated_at.eq(excluded(w::updated_at)),
    );
    crate::db::on_engine!(conn, |c| diesel::insert_into(worker_withholding::table)
        .values(values)
        .on_conflict(w::worker_id)
        .do_update()
        .set(replaced)
        .execute(c))?;
    Ok(())
}

// ---- Periods ----

/// A closed period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedPeriod {
    pub period: Period,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub closed_by: UserId,
    pub closed_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = pay_periods)]
struct PeriodRow {
    period: String,
    first_day: String,
    last_day: String,
    closed_by: String,
    closed_at: NaiveDateTime,
}

impl TryFrom<PeriodRow> for ClosedPeriod {
    type Error = StoreError;
    fn try_from(row: PeriodRow) -> Result<Self, StoreError> {
        Ok(ClosedPeriod {
            period: row.period.parse().map_err(|e| StoreError::Corrupt(format!("period: {e}")))?,
            first_day: parse_day(&row.first_day)?,
            last_day: parse_day(&row.last_day)?,
            closed_by: parse_uuid(&row.closed_by)?.into(),
            closed_at: from_db_time(row.closed_at),
        })
    }
}

/// The centre's closed period `period`, if it is closed.
pub fn closed_period(
    conn: &mut DbConnection,
    center: CenterId,
    period: Period,
) -> Result<Option<ClosedPeriod>, StoreError> {
    pay_periods::table
        .filter(pay_periods::center_id.eq(center.to_string()))
        .filter(pay_periods::period.eq(period.to_string()))
        .select(PeriodRow::as_select())
        .first(conn)
        .optional()?
        .map(ClosedPeriod::try_from)
        .transpose()
}

/// The centre's latest closed period, if any ("YYYY-MM" sorts as text).
pub fn latest_closed(conn: &mut DbConnection, center: CenterId) -> Result<Option<ClosedPeriod>, StoreError> {
    pay_periods::table
        .filter(pay_periods::center_id.eq(center.to_string()))
        .order(pay_periods::period.desc())
        .select(PeriodRow::as_select())
        .first(conn)
        .optional()?
        .map(ClosedPeriod::try_from)
        .transpose()
}

/// Every closed period of the centre, the latest first.
pub fn closed_periods(conn: &mut DbConnection, center: CenterId) -> Result<Vec<ClosedPeriod>, StoreError> {
    pay_periods::table
        .filter(pay_periods::center_id.eq(center.to_string()))
        .order(pay_periods::period.desc())
        .select(PeriodRow::as_select())
        .load(conn)?
        .into_iter()
        .map(ClosedPeriod::try_from)
        .collect()
}

/// Records a period as closed; already closed is a [`StoreError::Conflict`].
pub fn insert_closed(conn: &mut DbConnection, center: CenterId, closed: &ClosedPeriod) -> Result<(), StoreError> {
    diesel::insert_into(pay_periods::table)
        .values((
            pay_periods::center_id.eq(center.to_string()),
            pay_periods::period.eq(closed.period.to_string()),
            pay_periods::first_day.eq(closed.first_day.to_string()),
            pay_periods::last_day.eq(closed.last_day.to_string()),
            pay_periods::closed_by.eq(closed.closed_by.to_string()),
            pay_periods::closed_at.eq(to_db_time(closed.closed_at)),
        ))
        .execute(conn)
        .map_err(|e| StoreError::from_write(e, "pay_periods.period"))?;
    Ok(())
}

// ---- Approved time not yet paid ----

/// A piece of approved time no statement paid yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpaid {
    pub entry_id: TimeEntryId,
    pub worker_id: UserId,
    pub job_id: JobId,
    pub task_id: TaskId,
    pub started_at: DateTime<Utc>,
    pub minutes: i64,
}

/// Approved, unpaid time of the centre (or one worker) that started before `before`.
pub fn unpaid(
    conn: &mut DbConnection,
    center: CenterId,
    worker: Option<UserId>,
    before: DateTime<Utc>,
) -> Result<Vec<Unpaid>, StoreError> {
    let mut query = time_entries::table
        .filter(time_entries::center_id.eq(center.to_string()))
        .filter(time_entries::status.eq(EntryStatus::Approved.as_str()))
        .filter(time_entries::statement_id.is_null())
        .filter(time_entries::started_at.lt(to_db_time(before)))
        .select((
            time_entries::id,
            time_entries::worker_id,
            time_entries::job_id,
            time_entries::task_id,
            time_entries::started_at,
            time_entries::minutes,
        ))
        .order(time_entries::id.asc())
        .into_boxed();
    if let Some(worker) = worker {
        query = query.filter(time_entries::worker_id.eq(worker.to_string()));
    }
    let rows: Vec<(String, String, String, String, NaiveDateTime, Option<i64>)> = query.load(conn)?;
    rows.into_iter()
        .map(|(id, worker, job, task, started, minutes)| {
            Ok(Unpaid {
                entry_id: parse_uuid(&id)?.into(),
                worker_id: parse_uuid(&worker)?.into(),
                job_id: parse_uuid(&job)?.into(),
                task_id: parse_uuid(&task)?.into(),
                started_at: from_db_time(started),
                minutes: minutes.ok_or_else(|| StoreError::Corrupt("an approved entry without minutes".into()))?,
            })
        })
        .collect()
}

/// The instant a centre's calendar day ends (the next day's midnight), with a day's
/// margin for loading: callers filter by the exact day.
#[must_use]
pub fn loading_bound(last_day: NaiveDate) -> DateTime<Utc> {
    (last_day + TimeDelta::days(2)).and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

// ---- Statements ----

/// A statement line as frozen: the line and the titles of the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrozenLine {
    pub job_id: JobId,
    pub job_title: String,
    pub task_id: TaskId,
    pub task_title: String,
    pub hourly_rate: i64,
    pub minutes: i64,
    pub amount_sixtieths: i64,
    /// Work from an earlier period, paid now.
    pub late: bool,
}

/// A worker's statement: computed (open period) or frozen (closed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerStatement {
    pub worker_id: UserId,
    pub display_name: String,
    pub lines: Vec<FrozenLine>,
    pub minutes: i64,
    pub exact_sixtieths: i64,
    pub gross: Money,
    pub withholding: Money,
    pub net: Money,
}

/// The lines of a computed statement with the titles of their jobs and tasks.
pub fn titled(conn: &mut DbConnection, lines: &[Line]) -> Result<Vec<FrozenLine>, StoreError> {
    let task_ids: Vec<String> = lines.iter().map(|l| l.task_id.to_string()).collect();
    let titles: Vec<(String, String, String)> = tasks::table
        .inner_join(jobs::table)
        .filter(tasks::id.eq_any(&task_ids))
        .select((tasks::id, tasks::title, jobs::title))
        .load(conn)?;
    let title_of = |task: TaskId| {
        titles
            .iter()
            .find(|(id, _, _)| *id == task.to_string())
            .map(|(_, t, j)| (j.clone(), t.clone()))
            .unwrap_or_default()
    };
    Ok(lines
        .iter()
        .map(|line| {
            let (job_title, task_title) = title_of(line.task_id);
            FrozenLine {
                job_id: line.job_id,
                job_title,
                task_id: line.task_id,
                task_title,
                hourly_rate: line.hourly_rate.amount_minor,
                minutes: line.minutes,
                amount_sixtieths: line.amount_sixtieths,
                late: line.late,
            }
        })
        .collect())
}

/// A computed statement with its lines titled.
pub fn from_computed(
    conn: &mut DbConnection,
    worker: UserId,
    display_name: String,
    statement: &Statement,
) -> Result<WorkerStatement, StoreError> {
    Ok(WorkerStatement {
        worker_id: worker,
        display_name,
        lines: titled(conn, &statement.lines)?,
        minutes: statement.minutes,
        exact_sixtieths: statement.exact_sixtieths,
        gross: statement.gross,
        withholding: statement.withholding,
        net: statement.net,
    })
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = pay_statements)]
struct StatementRow {
    worker_id: String,
    display_name: String,
    minutes: i64,
    exact_sixtieths: i64,
    gross: i64,
    withholding: i64,
    net: i64,
    currency: String,
    lines: String,
}

impl TryFrom<StatementRow> for WorkerStatement {
    type Error = StoreError;
    fn try_from(row: StatementRow) -> Result<Self, StoreError> {
        let money = |amount: i64| parse_money(amount, &row.currency);
        Ok(WorkerStatement {
            worker_id: parse_uuid(&row.worker_id)?.into(),
            display_name: row.display_name.clone(),
            lines: parse_json(&row.lines)?,
            minutes: row.minutes,
            exact_sixtieths: row.exact_sixtieths,
            gross: money(row.gross)?,
            withholding: money(row.withholding)?,
            net: money(row.net)?,
        })
    }
}

/// Freezes a worker's statement of a closed period and marks the entries it paid.
/// An entry some other statement already paid is a [`StoreError::VersionConflict`]:
/// the close is refused rather than paying time twice.
pub fn insert_statement(
    conn: &mut DbConnection,
    center: &Center,
    period: Period,
    statement: &WorkerStatement,
    paid: &[TimeEntryId],
) -> Result<(), StoreError> {
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(pay_statements::table)
        .values((
            pay_statements::id.eq(&id),
            pay_statements::center_id.eq(center.id.to_string()),
            pay_statements::period.eq(period.to_string()),
            pay_statements::worker_id.eq(statement.worker_id.to_string()),
            pay_statements::display_name.eq(&statement.display_name),
            pay_statements::minutes.eq(statement.minutes),
            pay_statements::exact_sixtieths.eq(statement.exact_sixtieths),
            pay_statements::gross.eq(statement.gross.amount_minor),
            pay_statements::withholding.eq(statement.withholding.amount_minor),
            pay_statements::net.eq(statement.net.amount_minor),
            pay_statements::currency.eq(statement.gross.currency.as_str()),
            pay_statements::lines.eq(to_json(&statement.lines)?),
            pay_statements::created_at.eq(to_db_time(crate::now())),
        ))
        .execute(conn)?;
    for chunk in paid.chunks(500) {
        let ids: Vec<String> = chunk.iter().map(ToString::to_string).collect();
        let marked = diesel::update(
            time_entries::table.filter(time_entries::id.eq_any(&ids)).filter(time_entries::statement_id.is_null()),
        )
        .set(time_entries::statement_id.eq(&id))
        .execute(conn)?;
        if marked != chunk.len() {
            return Err(StoreError::VersionConflict);
        }
    }
    Ok(())
}

/// A closed period's statements, by worker name.
pub fn closed_statements(
    conn: &mut DbConnection,
    center: CenterId,
    period: Period,
    worker: Option<UserId>,
) -> Result<Vec<WorkerStatement>, StoreError> {
    let mut query = pay_statements::table
        .filter(pay_statements::center_id.eq(center.to_string()))
        .filter(pay_statements::period.eq(period.to_string()))
        .order((pay_statements::display_name.asc(), pay_statements::worker_id.asc()))
        .select(StatementRow::as_select())
        .into_boxed();
    if let Some(worker) = worker {
        query = query.filter(pay_statements::worker_id.eq(worker.to_string()));
    }
    query.load(conn)?.into_iter().map(WorkerStatement::try_from).collect()
}

/// The statements an open period would have now: each worker's approved, unpaid
/// time of the period's days (and, with `earlier`, of the days before it, as
/// adjustment lines), with the entries each would pay. By worker name.
pub fn compute_open(
    conn: &mut DbConnection,
    center: &Center,
    period: Period,
    worker: Option<UserId>,
    earlier: bool,
) -> Result<Vec<(WorkerStatement, Vec<TimeEntryId>)>, StoreError> {
    let pieces = unpaid(conn, center.id, worker, loading_bound(period.last_day(center.closing_day)))?;
    statements_of(conn, center, period, pieces, earlier)
}

/// The statements of `period` from unpaid approved time already read (at least up
/// to [`loading_bound`] of its last day), as [`compute_open`] makes them.
pub fn statements_of(
    conn: &mut DbConnection,
    center: &Center,
    period: Period,
    pieces: Vec<Unpaid>,
    earlier: bool,
) -> Result<Vec<(WorkerStatement, Vec<TimeEntryId>)>, StoreError> {
    let (first, last) = (period.first_day(center.closing_day), period.last_day(center.closing_day));
    let mut by_worker: BTreeMap<UserId, (Vec<Worked>, Vec<TimeEntryId>)> = BTreeMap::new();
    for piece in pieces {
        let day = piece.started_at.with_timezone(&center.time_zone).date_naive();
        if day > last || (day < first && !earlier) {
            continue;
        }
        let (worked, entries) = by_worker.entry(piece.worker_id).or_default();
        worked.push(Worked {
            job_id: piece.job_id,
            task_id: piece.task_id,
            day,
            minutes: piece.minutes,
            late: day < first,
        });
        entries.push(piece.entry_id);
    }
    let mut statements = Vec::with_capacity(by_worker.len());
    for (worker, (worked, entries)) in by_worker {
        let rates: Vec<_> = pay_rates::history(conn, worker)?.iter().map(pay_rates::PayRate::dated).collect();
        let withheld = center.withholding_enabled && is_withheld(conn, worker)?;
        let computed = earnings::statement(&worked, &rates, &center.minimum_wages, center.currency(), withheld);
        let name = users::find(conn, worker)?.map(|u| u.display_name).unwrap_or_default();
        statements.push((from_computed(conn, worker, name, &computed)?, entries));
    }
    statements.sort_by(|(a, _), (b, _)| (&a.display_name, a.worker_id).cmp(&(&b.display_name, b.worker_id)));
    Ok(statements)
}
