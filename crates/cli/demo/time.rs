//! The demo's time and pay: a month of logged time on the tasks workers hold, most of
//! it approved, some pending and one entry adjusted; and this autumn's new regional
//! minimum wage, which leaves one worker's rate short so directors see the list.
//!
//! Entries are written through the store as the API writes them: each worker's
//! entries go in their own slots (one a day, from yesterday back), so none overlap
//! and no day nears the daily maximum; approvals record `time_approved` events.

use chrono::{NaiveDate, TimeDelta, TimeZone};
use serde_json::json;
use yui_domain::flow::{EntryStatus, TaskStatus};
use yui_domain::{Currency, Money, PageLimit, UserId};
use yui_store::centers::Center;
use yui_store::tasks::{self, TaskFilter, TaskScope};
use yui_store::time_entries::{self, Adjustment, Decision, NewEntry, TimeEntry};
use yui_store::{DbConnection, StoreError, flow, locks, minimum_wages};

/// The new minimum: ¥1 061 from 60 days ago.
pub fn seed_minimum_wage(conn: &mut DbConnection, center: &Center, admin: UserId) -> Result<(), StoreError> {
    let day = center.today() - TimeDelta::days(60);
    minimum_wages::insert(conn, center.id, day, Money::new(1061, Currency::JPY), admin)?;
    Ok(())
}

/// 09:00 Tokyo (the centre's zone) on `day`, plus `minutes`.
fn at(center: &Center, day: NaiveDate, minutes: i64) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    let nine = day.and_hms_opt(9, 0, 0).ok_or_else(|| StoreError::Corrupt("09:00".into()))?;
    let local =
        center.time_zone.from_local_datetime(&nine).earliest().ok_or_else(|| StoreError::Corrupt("09:00".into()))?;
    Ok(local.to_utc() + TimeDelta::minutes(minutes))
}

/// Logs time on every task a worker holds that was started: 90 minutes on each of up
/// to two days; approved where the work is approved, pending otherwise.
pub fn seed_time(
    conn: &mut DbConnection,
    center: &Center,
    director: UserId,
    workers: &[UserId],
) -> Result<(), StoreError> {
    let limit = PageLimit::new(100).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut adjusted_one = false;
    for worker in workers {
        let held = locks::workers(conn, [*worker])?;
        let scope = TaskScope::Assignee(*worker);
        let worked = tasks::list(conn, scope, TaskFilter::default(), None, limit)?
            .items
            .into_iter()
            .filter(|t| !matches!(t.status, TaskStatus::Open | TaskStatus::Assigned | TaskStatus::Cancelled));
        let mut slot = 0_i64;
        for task in worked {
            let decided = matches!(task.status, TaskStatus::Approved | TaskStatus::Delivered | TaskStatus::Accepted);
            for _ in 0..2 {
                slot += 1;
                let day = center.today() - TimeDelta::days(slot);
                let new = NewEntry {
                    center_id: center.id,
                    worker_id: *worker,
                    job_id: task.job_id,
                    task_id: task.id,
                    started_at: at(center, day, 0)?,
                    ended_at: Some(at(center, day, 90)?),
                    note: format!("{} (demo)", task.spec.title),
                };
                let mut entry = time_entries::insert(conn, &held, new)?;
                if !adjusted_one {
                    entry = adjust(conn, director, entry)?;
                    adjusted_one = true;
                }
                if decided {
                    approve(conn, director, entry, &task)?;
                }
            }
        }
    }
    Ok(())
}

/// A director's correction: the last half hour was a break.
fn adjust(conn: &mut DbConnection, director: UserId, entry: TimeEntry) -> Result<TimeEntry, StoreError> {
    let ended = entry.ended_at.unwrap_or(entry.started_at);
    let adjustment = Adjustment {
        original_started_at: entry.started_at,
        original_ended_at: ended,
        reason: "The last half hour was a break (demo).".into(),
        adjusted_by: director,
    };
    let ended_at = Some(ended - TimeDelta::minutes(30));
    time_entries::save(conn, TimeEntry { ended_at, adjustment: Some(adjustment), ..entry })
}

fn approve(
    conn: &mut DbConnection,
    director: UserId,
    entry: TimeEntry,
    task: &yui_store::tasks::Task,
) -> Result<(), StoreError> {
    let decision = Decision { by: director, at: yui_store::now(), reason: None };
    let approved =
        time_entries::save(conn, TimeEntry { status: EntryStatus::Approved, decision: Some(decision), ..entry })?;
    let details = json!({"time_entry_id": approved.id, "worker_id": approved.worker_id, "minutes": approved.minutes()});
    flow::record_task_event(conn, director, task, "time_approved", details)
}
