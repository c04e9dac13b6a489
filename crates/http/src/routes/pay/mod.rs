//! Time and pay: the time workers log on their tasks and directors' decisions on it
//! (`time_entries`), the lists and a job's totals (`time_lists`), dated hourly rates
//! and minimum wages (`rates`), the centre's pay settings and withholding
//! (`settings`), pay periods with each worker's earnings statement, as JSON, CSV and a
//! printable page (`statements`, `statement_documents`), and a job's margin
//! (`margins`), the billing settings of invoices (`billing`), and client invoices
//! with their credit notes (`invoices`, `invoice_actions`, `invoice_documents`; the
//! documents share `documents` with the statements).
//! `docs/money.md` states the rules in a director's words.

mod billing;
mod documents;
mod invoice_actions;
mod invoice_documents;
mod invoices;
mod margins;
mod rates;
mod settings;
mod statement_documents;
mod statements;
mod time_entries;
mod time_lists;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use yui_domain::flow::EntryStatus;
use yui_store::time_entries::TimeEntry;

pub fn configure(config: &mut ServiceConfig) {
    time_entries::configure(config);
    time_lists::configure(config);
    rates::configure(config);
    margins::configure(config);
    billing::configure(config);
    invoices::configure(config);
    invoice_actions::configure(config);
    invoice_documents::configure(config);
    settings::configure(config);
    statements::configure(config);
    statement_documents::configure(config);
}

/// Where a time entry stands: `running` (the timer runs), `pending` (waiting for a
/// director), `approved` (locked: pay is computed from it) or `rejected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimeEntryStatusName {
    Running,
    Pending,
    Approved,
    Rejected,
}

impl From<EntryStatus> for TimeEntryStatusName {
    fn from(status: EntryStatus) -> Self {
        match status {
            EntryStatus::Running => Self::Running,
            EntryStatus::Pending => Self::Pending,
            EntryStatus::Approved => Self::Approved,
            EntryStatus::Rejected => Self::Rejected,
        }
    }
}

impl From<TimeEntryStatusName> for EntryStatus {
    fn from(status: TimeEntryStatusName) -> Self {
        match status {
            TimeEntryStatusName::Running => Self::Running,
            TimeEntryStatusName::Pending => Self::Pending,
            TimeEntryStatusName::Approved => Self::Approved,
            TimeEntryStatusName::Rejected => Self::Rejected,
        }
    }
}

/// A director's change to an entry: the worker's original times and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdjustmentView {
    pub original_started_at: DateTime<Utc>,
    pub original_ended_at: DateTime<Utc>,
    pub reason: String,
    pub adjusted_by: Uuid,
}

/// A span of time a worker logged on a task, to the minute.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimeEntryView {
    pub id: Uuid,
    pub worker_id: Uuid,
    pub job_id: Uuid,
    pub task_id: Uuid,
    pub started_at: DateTime<Utc>,
    /// `null` while the timer runs.
    pub ended_at: Option<DateTime<Utc>>,
    /// Whole minutes; `null` while the timer runs.
    pub minutes: Option<i64>,
    pub note: String,
    pub status: TimeEntryStatusName,
    /// What may be done to it now: `stop`, `adjust`, `approve`, `reject`, `withdraw`.
    pub allowed_actions: Vec<String>,
    /// Set once a director changed the times.
    pub adjustment: Option<AdjustmentView>,
    /// The director who approved or rejected it.
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was rejected.
    pub rejection_reason: Option<String>,
    /// Increases with every change.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<TimeEntry> for TimeEntryView {
    fn from(entry: TimeEntry) -> Self {
        let minutes = entry.minutes();
        Self {
            id: entry.id.as_uuid(),
            worker_id: entry.worker_id.as_uuid(),
            job_id: entry.job_id.as_uuid(),
            task_id: entry.task_id.as_uuid(),
            started_at: entry.started_at,
            ended_at: entry.ended_at,
            minutes,
            note: entry.note,
            status: entry.status.into(),
            allowed_actions: entry.status.allowed_actions().iter().map(|a| a.as_str().to_owned()).collect(),
            adjustment: entry.adjustment.map(|a| AdjustmentView {
                original_started_at: a.original_started_at,
                original_ended_at: a.original_ended_at,
                reason: a.reason,
                adjusted_by: a.adjusted_by.as_uuid(),
            }),
            decided_by: entry.decision.as_ref().map(|d| d.by.as_uuid()),
            decided_at: entry.decision.as_ref().map(|d| d.at),
            rejection_reason: entry.decision.and_then(|d| d.reason),
            version: entry.version,
            created_at: entry.created_at,
            updated_at: entry.updated_at,
        }
    }
}
