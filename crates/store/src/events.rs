//! The event history: every state change writes an event row in the same
//! transaction as the change itself, so a change without its event (or an event
//! without its change) cannot exist. The messages an event is worth (see
//! [`crate::notices`]) are written to the outbox in that transaction too.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;
use yui_domain::feed::EventType;
use yui_domain::{CenterId, JobId, OrganizationId, PageLimit, TaskId, UserId};

use crate::ids::{from_db_time, parse_json, parse_uuid, to_db_time, to_json};
use crate::schema::events;
use crate::{DbConnection, Page, StoreError, overfetch};

/// A change to record: on a job (`task_id: None`), on one of its tasks, or on the
/// centre itself (`job_id: None`, e.g. a pay period closed). `organization_id` names
/// the client organisation an event is for when it is theirs (their invoices), so
/// their feed and webhooks find it with or without a job.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent<'a> {
    pub center_id: CenterId,
    pub job_id: Option<JobId>,
    pub organization_id: Option<OrganizationId>,
    pub task_id: Option<TaskId>,
    pub actor_id: UserId,
    pub kind: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: Option<&'a str>,
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: Uuid,
    pub job_id: Option<JobId>,
    pub organization_id: Option<OrganizationId>,
    pub task_id: Option<TaskId>,
    pub actor_id: UserId,
    pub kind: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub details: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = events)]
struct EventRow {
    id: String,
    job_id: Option<String>,
    organization_id: Option<String>,
    task_id: Option<String>,
    actor_id: String,
    kind: String,
    from_state: Option<String>,
    to_state: Option<String>,
    details: String,
    created_at: NaiveDateTime,
}

impl TryFrom<EventRow> for Event {
    type Error = StoreError;
    fn try_from(row: EventRow) -> Result<Self, StoreError> {
        Ok(Event {
            id: parse_uuid(&row.id)?,
            job_id: row.job_id.as_deref().map(parse_uuid).transpose()?.map(Into::into),
            organization_id: row.organization_id.as_deref().map(parse_uuid).transpose()?.map(Into::into),
            task_id: row.task_id.as_deref().map(parse_uuid).transpose()?.map(Into::into),
            actor_id: parse_uuid(&row.actor_id)?.into(),
            kind: row.kind,
            from_state: row.from_state,
            to_state: row.to_state,
            details: parse_json(&row.details)?,
            created_at: from_db_time(row.created_at),
        })
    }
}

/// Rows per INSERT: 11 values a row, so 22 000 bound values, under SQLite's limit of
/// 32 766 (PostgreSQL's is 65 535).
const INSERT_CHUNK: usize = 2_000;

/// Records events (in the caller's transaction), in chunks for large splits, with
/// the e-mails and webhook deliveries they cause.
pub fn record(conn: &mut DbConnection, new_events: &[NewEvent<'_>]) -> Result<(), StoreError> {
    let at = crate::now();
    let now = to_db_time(at);
    let ids: Vec<Uuid> = new_events.iter().map(|_| Uuid::now_v7()).collect();
    for (chunk, chunk_ids) in new_events.chunks(INSERT_CHUNK).zip(ids.chunks(INSERT_CHUNK)) {
        let rows = chunk
            .iter()
            .zip(chunk_ids)
            .map(|(event, id)| {
                Ok((
                    events::id.eq(id.to_string()),
                    events::center_id.eq(event.center_id.to_string()),
                    events::job_id.eq(event.job_id.map(|j| j.to_string())),
                    events::organization_id.eq(event.organization_id.map(|o| o.to_string())),
                    events::task_id.eq(event.task_id.map(|t| t.to_string())),
                    events::actor_id.eq(event.actor_id.to_string()),
                    events::kind.eq(event.kind),
                    events::from_state.eq(event.from_state),
                    events::to_state.eq(event.to_state),
                    events::details.eq(to_json(&event.details)?),
                    events::created_at.eq(now),
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        crate::db::on_engine!(conn, |c| diesel::insert_into(events::table).values(rows).execute(c))?;
    }
    crate::notices::for_events(conn, new_events)?;
    // Only published kinds go to webhooks (a 5 000-task split publishes nothing).
    let published: Vec<(CenterId, Event)> = new_events
        .iter()
        .zip(ids)
        .filter(|(event, _)| EventType::of(event.kind, event.task_id.is_some()).is_some())
        .map(|(event, id)| {
            let recorded = Event {
                id,
                job_id: event.job_id,
                organization_id: event.organization_id,
                task_id: event.task_id,
                actor_id: event.actor_id,
                kind: event.kind.to_owned(),
                from_state: event.from_state.map(str::to_owned),
                to_state: event.to_state.map(str::to_owned),
                details: event.details.clone(),
                created_at: at,
            };
            (event.center_id, recorded)
        })
        .collect();
    crate::webhooks::for_events(conn, &published)
}

/// An event as partners see it (the feed, webhooks): its published type and thin
/// data. One shape for both, so a webhook body equals the feed's entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub id: Uuid,
    pub event_type: EventType,
    pub timestamp: DateTime<Utc>,
    /// `None` for a centre's own events (a pay period closed).
    pub job_id: Option<JobId>,
    pub task_id: Option<TaskId>,
    pub delivery_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    /// The pay period (`YYYY-MM`) of a `statement.closed`.
    pub period: Option<String>,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    /// `None` for a client's eyes: they never learn who acted.
    pub actor_id: Option<UserId>,
}

impl Published {
    /// The published form of `event`, if its kind is published.
    #[must_use]
    pub fn of(event: &Event, for_client: bool) -> Option<Self> {
        let event_type = EventType::of(&event.kind, event.task_id.is_some())?;
        let id_in_details = |field: &str| {
            event
                .details
                .get(field)
                .and_then(serde_json::Value::as_str)
                .and_then(|id| Uuid::parse_str(id).ok())
                .filter(|_| !event_type.is_about_a_task())
        };
        let (delivery_id, invoice_id) = (id_in_details("delivery_id"), id_in_details("invoice_id"));
        let period = (event_type == EventType::StatementClosed)
            .then(|| event.details.get("period").and_then(serde_json::Value::as_str).map(str::to_owned))
            .flatten();
        Some(Self {
            id: event.id,
            event_type,
            timestamp: event.created_at,
            job_id: event.job_id,
            task_id: event.task_id,
            delivery_id,
            invoice_id,
            period,
            from_state: event.from_state.clone(),
            to_state: event.to_state.clone(),
            actor_id: (!for_client).then_some(event.actor_id),
        })
    }

    /// The JSON body partners receive: `{id, type, timestamp, data}`.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "type": self.event_type.as_str(),
            "timestamp": self.timestamp,
            "data": {
                "job_id": self.job_id.map(|j| j.as_uuid()),
                "task_id": self.task_id.map(|t| t.as_uuid()),
                "delivery_id": self.delivery_id,
                "invoice_id": self.invoice_id,
                "period": self.period,
                "from_state": self.from_state,
                "to_state": self.to_state,
                "actor_id": self.actor_id.map(|a| a.as_uuid()),
            },
        })
    }
}

/// Whose history a list shows.
#[derive(Debug, Clone, Copy)]
pub enum EventScope {
    /// The job's own events (not those of its tasks).
    Job(JobId),
    Task(TaskId),
}

/// A page of history, oldest first.
pub fn list(
    conn: &mut DbConnection,
    scope: EventScope,
    after: Option<Uuid>,
    limit: PageLimit,
) -> Result<Page<Event>, StoreError> {
    let mut query = events::table.order(events::id.asc()).select(EventRow::as_select()).into_boxed();
    query = match scope {
        EventScope::Job(job) => query.filter(events::job_id.eq(job.to_string())).filter(events::task_id.is_null()),
        EventScope::Task(task) => query.filter(events::task_id.eq(task.to_string())),
    };
    if let Some(after) = after {
        query = query.filter(events::id.gt(after.to_string()));
    }
    let rows =
        query.limit(overfetch(limit)).load(conn)?.into_iter().map(Event::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, limit.get(), |e| e.id))
}

/// Whether `task` has an `at_risk` event since it was last given to a worker
/// (assigned, reassigned or claimed), so the periodic sweep records each risk once.
pub fn at_risk_since_assignment(conn: &mut DbConnection, task: TaskId) -> Result<bool, StoreError> {
    let of_task = events::table.filter(events::task_id.eq(task.to_string()));
    let assigned: Option<String> = of_task
        .clone()
        .filter(events::kind.eq_any(["assigned", "reassigned", "claimed"]))
        .order(events::id.desc())
        .select(events::id)
        .first(conn)
        .optional()?;
    let mut at_risk = of_task.filter(events::kind.eq("at_risk")).into_boxed();
    if let Some(assigned) = assigned {
        at_risk = at_risk.filter(events::id.gt(assigned));
    }
    let count: i64 = at_risk.count().get_result(conn)?;
    Ok(count > 0)
}

/// Whose events a feed shows: what that caller may read through the API.
#[derive(Debug, Clone, Copy)]
pub enum FeedScope {
    /// A centre's directors and admins: everything about the centre's work, except
    /// a draft that was cancelled before the centre ever saw it.
    Centre(CenterId),
    /// A client organisation: its jobs' own events, never their tasks'.
    Organization(yui_domain::OrganizationId),
    /// A worker: the events of tasks assigned to them or queued in their teams.
    Worker(UserId),
}

/// A page of published events ([`EventType`]) within `scope`, oldest first.
pub fn feed(
    conn: &mut DbConnection,
    scope: FeedScope,
    after: Option<Uuid>,
    limit: PageLimit,
) -> Result<Page<Event>, StoreError> {
    use crate::schema::{jobs, tasks, team_members};
    let published = events::task_id
        .is_null()
        .and(events::kind.eq_any(EventType::job_kinds()))
        .or(events::task_id.is_not_null().and(events::kind.eq_any(EventType::task_kinds())));
    let mut query = events::table.filter(published).order(events::id.asc()).select(EventRow::as_select()).into_boxed();
    query = match scope {
        FeedScope::Centre(center) => query
            .filter(events::center_id.eq(center.to_string()))
            .filter(events::from_state.is_null().or(events::from_state.ne("draft")).or(events::kind.eq("posted"))),
        FeedScope::Organization(org) => {
            let their_jobs = jobs::table.filter(jobs::organization_id.eq(org.to_string())).select(jobs::id.nullable());
            query
                .filter(events::task_id.is_null())
                .filter(events::job_id.eq_any(their_jobs).or(events::organization_id.eq(org.to_string())))
        }
        FeedScope::Worker(worker) => {
            let teams = team_members::table
                .filter(team_members::worker_id.eq(worker.to_string()))
                .select(team_members::team_id);
            let visible = tasks::table
                .filter(tasks::assignee_id.eq(worker.to_string()).or(tasks::team_id.eq_any(teams.nullable())))
                .select(tasks::id.nullable());
            query.filter(events::task_id.eq_any(visible))
        }
    };
    if let Some(after) = after {
        query = query.filter(events::id.gt(after.to_string()));
    }
    let rows =
        query.limit(overfetch(limit)).load(conn)?.into_iter().map(Event::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, limit.get(), |e| e.id))
}
