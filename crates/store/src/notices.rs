//! Who is told about what: from a recorded event to outbox messages.
//!
//! [`crate::events::record`] calls [`for_events`] in the same transaction, so every
//! change that deserves a notice writes its messages atomically with itself, through
//! the one place every change already goes. Recipients are decided by relation, not
//! role: the task's assignee, the task's team, the job's organisation's clients, the
//! job's centre's directors; only active accounts, never the person who acted. Each
//! recipient's preferences decide whether the message is written, and whether it
//! waits for their daily digest.

use serde_json::{Map, Value, json};
use yui_domain::{Notice, NoticeDelivery, NoticePreference, Role, Tenant, UserId};

use crate::events::NewEvent;
use crate::jobs::{self, Job};
use crate::outbox::{self, NewMessage};
use crate::tasks::{self, Task};
use crate::users::{self, User};
use crate::{DbConnection, StoreError, centers, notice_preferences, organizations, teams};

/// The notice an event is worth, if any.
fn notice_of(event: &NewEvent<'_>) -> Option<Notice> {
    match (event.task_id.is_some(), event.kind) {
        (true, "assigned" | "reassigned") => Some(Notice::TaskAssigned),
        (true, "changes_requested" | "delivery_rejected") => Some(Notice::ChangesRequested),
        (true, "released") => Some(Notice::TaskReleased),
        (true, "at_risk") => Some(Notice::WorkAtRisk),
        (true, "time_approved") => Some(Notice::TimeApproved),
        (true, "time_rejected") => Some(Notice::TimeRejected),
        (false, "quoted") => Some(Notice::QuoteSent),
        (false, "delivery_created") => Some(Notice::DeliveryReady),
        (false, "completed") => Some(Notice::JobCompleted),
        (false, "posted") => Some(Notice::JobPosted),
        // Credit notes are told through the feed and webhooks only.
        (false, "invoice_issued") if event.details["kind"] == "invoice" => Some(Notice::InvoiceIssued),
        (false, "invoice_overdue") => Some(Notice::InvoiceOverdue),
        (false, "invoice_paid") => Some(Notice::InvoicePaid),
        _ => None,
    }
}

/// Writes the messages the given (just recorded) events are worth.
pub(crate) fn for_events(conn: &mut DbConnection, events: &[NewEvent<'_>]) -> Result<(), StoreError> {
    for event in events {
        if let Some(notice) = notice_of(event) {
            notify(conn, event, notice)?;
        }
    }
    Ok(())
}

fn notify(conn: &mut DbConnection, event: &NewEvent<'_>, notice: Notice) -> Result<(), StoreError> {
    let job = match event.job_id {
        Some(id) => jobs::find(conn, id)?,
        None => None,
    };
    let task = match event.task_id {
        Some(id) => tasks::find(conn, id)?,
        None => None,
    };
    let (recipients, data) = match (&job, event.organization_id) {
        (Some(job), _) => {
            (recipients(conn, notice, event, job, task.as_ref())?, facts(conn, event, job, task.as_ref())?)
        }
        // Without a job: an organisation's monthly invoice.
        (None, Some(organization))
            if matches!(notice, Notice::InvoiceIssued | Notice::InvoiceOverdue | Notice::InvoicePaid) =>
        {
            let clients = users::all_in_tenant(conn, Tenant::Organization(organization), Role::Client)?;
            (clients, organization_facts(conn, event, organization)?)
        }
        _ => return Ok(()),
    };
    let recipients: Vec<User> =
        recipients.into_iter().filter(|user| user.active && user.id != event.actor_id).collect();
    if recipients.is_empty() {
        return Ok(());
    }
    let ids: Vec<UserId> = recipients.iter().map(|u| u.id).collect();
    let choices = notice_preferences::stored_for(conn, &ids)?;
    let messages: Vec<NewMessage> = recipients
        .into_iter()
        .filter_map(|user| {
            let choice = choices.get(&(user.id, notice)).copied().unwrap_or(NoticePreference::default_for(notice));
            choice.enabled.then(|| {
                let mut data = data.clone();
                data.insert("recipient_name".into(), Value::String(user.display_name.clone()));
                NewMessage {
                    recipient_user: Some(user.id),
                    recipient: user.email,
                    locale: user.locale,
                    template: yui_domain::Template::Notice(notice),
                    data: Value::Object(data),
                    held: choice.delivery == NoticeDelivery::DailyDigest,
                }
            })
        })
        .collect();
    outbox::enqueue(conn, &messages)
}

fn recipients(
    conn: &mut DbConnection,
    notice: Notice,
    event: &NewEvent<'_>,
    job: &Job,
    task: Option<&Task>,
) -> Result<Vec<User>, StoreError> {
    let directors = |conn: &mut DbConnection| users::all_in_tenant(conn, Tenant::Center(job.center_id), Role::Director);
    match notice {
        Notice::TaskAssigned | Notice::ChangesRequested => match task.and_then(|t| t.assignee_id) {
            Some(worker) => Ok(users::find(conn, worker)?.into_iter().collect()),
            None => Ok(Vec::new()),
        },
        Notice::TaskReleased => {
            let Some(team) = task.and_then(|t| t.team_id) else { return Ok(Vec::new()) };
            let mut workers = Vec::new();
            for member in teams::members(conn, team)? {
                workers.extend(users::find(conn, member.worker_id)?);
            }
            Ok(workers)
        }
        Notice::QuoteSent
        | Notice::DeliveryReady
        | Notice::JobCompleted
        | Notice::InvoiceIssued
        | Notice::InvoiceOverdue
        | Notice::InvoicePaid => users::all_in_tenant(conn, Tenant::Organization(job.organization_id), Role::Client),
        Notice::JobPosted | Notice::WorkAtRisk => directors(conn),
        // The worker who logged the time (not necessarily who holds the task now).
        Notice::TimeApproved | Notice::TimeRejected => {
            let worker = event.details.get("worker_id").and_then(Value::as_str).and_then(|id| id.parse().ok());
            match worker {
                Some(worker) => Ok(users::find(conn, worker)?.into_iter().collect()),
                None => Ok(Vec::new()),
            }
        }
    }
}

/// What every recipient's message says about the event (their own name is added
/// per recipient). Times stay RFC 3339 with the centre's time zone beside them; the
/// dispatcher formats them for each locale.
fn facts(
    conn: &mut DbConnection,
    event: &NewEvent<'_>,
    job: &Job,
    task: Option<&Task>,
) -> Result<Map<String, Value>, StoreError> {
    let center = centers::find(conn, job.center_id)?;
    let organization = organizations::find(conn, job.organization_id)?;
    let actor = users::find(conn, event.actor_id)?;
    let text = |value: Option<&Value>| value.and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut data = json!({
        "job_id": job.id.to_string(),
        "job_title": job.spec.title,
        "job_due_at": job.spec.due_at.to_rfc3339(),
        "center_name": center.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
        "time_zone": center.as_ref().map_or("Asia/Tokyo", |c| c.time_zone.name()),
        "organization_name": organization.map(|o| o.name).unwrap_or_default(),
        "actor_name": actor.map(|a| a.display_name).unwrap_or_default(),
        "path": format!("/v1/jobs/{}", job.id),
    });
    let details = &event.details;
    if let Some(task) = task {
        let assignee = match task.assignee_id {
            Some(id) => users::find(conn, id)?.map(|u| u.display_name),
            None => None,
        };
        let extra = json!({
            "task_id": task.id.to_string(),
            "task_title": task.spec.title,
            "due_at": task.spec.due_at.to_rfc3339(),
            "assignee_name": assignee.unwrap_or_default(),
            "comment": text(details.get("comment").or_else(|| details.get("reason"))),
            "note": text(details.get("hand_off_note")),
            "reason": text(details.get("reason")),
            "path": format!("/v1/tasks/{}", task.id),
        });
        merge(&mut data, extra);
    }
    if let Some(price) = details.get("price") {
        merge(&mut data, json!({"amount_minor": price["amount_minor"], "currency": price["currency"]}));
    }
    if details.get("invoice_id").is_some() {
        merge(&mut data, invoice_facts(details, &job.spec.title));
    }
    if let Some(minutes) = details.get("minutes").filter(|m| m.is_i64()) {
        merge(&mut data, json!({"minutes": minutes}));
    }
    if let Some(count) = details.get("task_count") {
        merge(&mut data, json!({"task_count": count}));
    }
    match data {
        Value::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

/// What an invoice notice says: its number, total, due date and link; `billed_for`
/// is the job's title, or the month of a monthly invoice.
fn invoice_facts(details: &Value, job_title: &str) -> Value {
    let text = |field: &str| details.get(field).and_then(Value::as_str).unwrap_or_default().to_owned();
    let number = details.get("number").and_then(Value::as_i64).map(|n| format!("{n:06}")).unwrap_or_default();
    let billed_for = if job_title.is_empty() { text("period") } else { job_title.to_owned() };
    json!({
        "invoice_number": number,
        "billed_for": billed_for,
        "due_on": text("due_on"),
        "paid_on": text("paid_on"),
        "amount_minor": details["total"],
        "currency": details["currency"],
        "path": format!("/v1/invoices/{}", text("invoice_id")),
    })
}

/// The facts of an organisation's notice about no one job (a monthly invoice).
fn organization_facts(
    conn: &mut DbConnection,
    event: &NewEvent<'_>,
    organization: yui_domain::OrganizationId,
) -> Result<Map<String, Value>, StoreError> {
    let center = centers::find(conn, event.center_id)?;
    let organization = organizations::find(conn, organization)?;
    let actor = users::find(conn, event.actor_id)?;
    let mut data = json!({
        "job_title": "",
        "center_name": center.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
        "time_zone": center.as_ref().map_or("Asia/Tokyo", |c| c.time_zone.name()),
        "organization_name": organization.map(|o| o.name).unwrap_or_default(),
        "actor_name": actor.map(|a| a.display_name).unwrap_or_default(),
    });
    merge(&mut data, invoice_facts(&event.details, ""));
    match data {
        Value::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

fn merge(into: &mut Value, extra: Value) {
    if let (Value::Object(into), Value::Object(extra)) = (into, extra) {
        into.extend(extra);
    }
}
