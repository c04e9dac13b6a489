//! The public names of what happens, for partners: the event feed (and the webhooks
//! to come) speak of `job.posted` and `task.assigned`, not of the internal event
//! kinds the history records.
//!
//! Not every recorded kind is published: edits and the creation of drafts or tasks
//! stay in the histories (`/v1/jobs/{id}/events`, `/v1/tasks/{id}/events`), and a task
//! being delivered is told once, as `delivery.created`.

/// A published kind of event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    JobPosted,
    JobQuoted,
    JobDeclined,
    QuoteApproved,
    QuoteRejected,
    JobCancelled,
    JobCompleted,
    DeliveryCreated,
    DeliveryAccepted,
    DeliveryRejected,
    TaskQueued,
    TaskAssigned,
    TaskReleased,
    TaskStarted,
    TaskSubmitted,
    TaskChangesRequested,
    TaskApproved,
    TaskCancelled,
    TaskAtRisk,
    TimeApproved,
    InvoiceIssued,
    InvoicePaid,
    InvoiceOverdue,
    StatementClosed,
}

/// The recorded kinds of job events each published type comes from.
const JOB_KINDS: [(&str, EventType); 14] = [
    ("posted", EventType::JobPosted),
    ("quoted", EventType::JobQuoted),
    ("declined", EventType::JobDeclined),
    ("quote_approved", EventType::QuoteApproved),
    ("quote_rejected", EventType::QuoteRejected),
    ("cancelled", EventType::JobCancelled),
    ("completed", EventType::JobCompleted),
    ("delivery_created", EventType::DeliveryCreated),
    ("delivery_accepted", EventType::DeliveryAccepted),
    ("delivery_rejected", EventType::DeliveryRejected),
    ("invoice_issued", EventType::InvoiceIssued),
    ("invoice_paid", EventType::InvoicePaid),
    ("invoice_overdue", EventType::InvoiceOverdue),
    // A centre's own event (no job): its staff and their webhooks only.
    ("statement_closed", EventType::StatementClosed),
];

/// The recorded kinds of task events each published type comes from.
const TASK_KINDS: [(&str, EventType); 13] = [
    ("queued_for_team", EventType::TaskQueued),
    ("assigned", EventType::TaskAssigned),
    ("reassigned", EventType::TaskAssigned),
    ("claimed", EventType::TaskAssigned),
    ("unassigned", EventType::TaskReleased),
    ("released", EventType::TaskReleased),
    ("started", EventType::TaskStarted),
    ("submitted", EventType::TaskSubmitted),
    ("changes_requested", EventType::TaskChangesRequested),
    ("approved", EventType::TaskApproved),
    ("cancelled", EventType::TaskCancelled),
    ("at_risk", EventType::TaskAtRisk),
    ("time_approved", EventType::TimeApproved),
];

impl EventType {
    /// Every published type.
    pub const ALL: [EventType; 24] = [
        EventType::JobPosted,
        EventType::JobQuoted,
        EventType::JobDeclined,
        EventType::QuoteApproved,
        EventType::QuoteRejected,
        EventType::JobCancelled,
        EventType::JobCompleted,
        EventType::DeliveryCreated,
        EventType::DeliveryAccepted,
        EventType::DeliveryRejected,
        EventType::TaskQueued,
        EventType::TaskAssigned,
        EventType::TaskReleased,
        EventType::TaskStarted,
        EventType::TaskSubmitted,
        EventType::TaskChangesRequested,
        EventType::TaskApproved,
        EventType::TaskCancelled,
        EventType::TaskAtRisk,
        EventType::TimeApproved,
        EventType::InvoiceIssued,
        EventType::InvoicePaid,
        EventType::InvoiceOverdue,
        EventType::StatementClosed,
    ];

    /// The published type of a recorded event, if it is published.
    #[must_use]
    pub fn of(kind: &str, on_task: bool) -> Option<EventType> {
        let table: &[(&str, EventType)] = if on_task { &TASK_KINDS } else { &JOB_KINDS };
        table.iter().find(|(k, _)| *k == kind).map(|(_, t)| *t)
    }

    /// The recorded job-event kinds that are published.
    #[must_use]
    pub fn job_kinds() -> Vec<&'static str> {
        JOB_KINDS.iter().map(|(k, _)| *k).collect()
    }

    /// The recorded task-event kinds that are published.
    #[must_use]
    pub fn task_kinds() -> Vec<&'static str> {
        TASK_KINDS.iter().map(|(k, _)| *k).collect()
    }

    /// Whether the event is about a task (and so never shown to clients).
    #[must_use]
    pub const fn is_about_a_task(self) -> bool {
        use EventType::*;
        matches!(
            self,
            TaskQueued
                | TaskAssigned
                | TaskReleased
                | TaskStarted
                | TaskSubmitted
                | TaskChangesRequested
                | TaskApproved
                | TaskCancelled
                | TaskAtRisk
                | TimeApproved
        )
    }

    /// The published name, e.g. `task.assigned`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        use EventType::*;
        match self {
            JobPosted => "job.posted",
            JobQuoted => "job.quoted",
            JobDeclined => "job.declined",
            QuoteApproved => "quote.approved",
            QuoteRejected => "quote.rejected",
            JobCancelled => "job.cancelled",
            JobCompleted => "job.completed",
            DeliveryCreated => "delivery.created",
            DeliveryAccepted => "delivery.accepted",
            DeliveryRejected => "delivery.rejected",
            TaskQueued => "task.queued",
            TaskAssigned => "task.assigned",
            TaskReleased => "task.released",
            TaskStarted => "task.started",
            TaskSubmitted => "task.submitted",
            TaskChangesRequested => "task.changes_requested",
            TaskApproved => "task.approved",
            TaskCancelled => "task.cancelled",
            TaskAtRisk => "task.at_risk",
            TimeApproved => "time.approved",
            InvoiceIssued => "invoice.issued",
            InvoicePaid => "invoice.paid",
            InvoiceOverdue => "invoice.overdue",
            StatementClosed => "statement.closed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_and_task_kinds_map_apart_and_names_are_unique() {
        assert_eq!(EventType::of("cancelled", false), Some(EventType::JobCancelled));
        assert_eq!(EventType::of("cancelled", true), Some(EventType::TaskCancelled));
        assert_eq!(EventType::of("edited", false), None);
        assert_eq!(EventType::of("created", true), None);
        assert_eq!(EventType::of("delivered", true), None, "told once, as delivery.created");
        for (_, t) in JOB_KINDS {
            assert!(!t.is_about_a_task(), "{t:?}");
        }
        for (_, t) in TASK_KINDS {
            assert!(t.is_about_a_task(), "{t:?}");
        }
        let mut names: Vec<&str> = JOB_KINDS.iter().chain(TASK_KINDS.iter()).map(|(_, t)| t.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 24);
    }
}
