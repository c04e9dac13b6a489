//! What partner portals and API clients integrate with: API keys for machine
//! clients, the event feed and signed webhooks (which speak of the same published
//! event types).

mod api_keys;
mod events;
mod webhooks;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use yui_domain::feed::EventType;

pub fn configure(config: &mut ServiceConfig) {
    config.configure(api_keys::configure).configure(events::configure).configure(webhooks::configure);
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum EventTypeName {
    #[serde(rename = "job.posted")]
    JobPosted,
    #[serde(rename = "job.quoted")]
    JobQuoted,
    #[serde(rename = "job.declined")]
    JobDeclined,
    #[serde(rename = "quote.approved")]
    QuoteApproved,
    #[serde(rename = "quote.rejected")]
    QuoteRejected,
    #[serde(rename = "job.cancelled")]
    JobCancelled,
    #[serde(rename = "job.completed")]
    JobCompleted,
    #[serde(rename = "delivery.created")]
    DeliveryCreated,
    #[serde(rename = "delivery.accepted")]
    DeliveryAccepted,
    #[serde(rename = "delivery.rejected")]
    DeliveryRejected,
    #[serde(rename = "task.queued")]
    TaskQueued,
    #[serde(rename = "task.assigned")]
    TaskAssigned,
    #[serde(rename = "task.released")]
    TaskReleased,
    #[serde(rename = "task.started")]
    TaskStarted,
    #[serde(rename = "task.submitted")]
    TaskSubmitted,
    #[serde(rename = "task.changes_requested")]
    TaskChangesRequested,
    #[serde(rename = "task.approved")]
    TaskApproved,
    #[serde(rename = "task.cancelled")]
    TaskCancelled,
    #[serde(rename = "task.at_risk")]
    TaskAtRisk,
    #[serde(rename = "time.approved")]
    TimeApproved,
    #[serde(rename = "invoice.issued")]
    InvoiceIssued,
    #[serde(rename = "invoice.paid")]
    InvoicePaid,
    #[serde(rename = "invoice.overdue")]
    InvoiceOverdue,
    #[serde(rename = "statement.closed")]
    StatementClosed,
}

impl From<EventType> for EventTypeName {
    fn from(event_type: EventType) -> Self {
        use EventType as T;
        match event_type {
            T::JobPosted => Self::JobPosted,
            T::JobQuoted => Self::JobQuoted,
            T::JobDeclined => Self::JobDeclined,
            T::QuoteApproved => Self::QuoteApproved,
            T::QuoteRejected => Self::QuoteRejected,
            T::JobCancelled => Self::JobCancelled,
            T::JobCompleted => Self::JobCompleted,
            T::DeliveryCreated => Self::DeliveryCreated,
            T::DeliveryAccepted => Self::DeliveryAccepted,
            T::DeliveryRejected => Self::DeliveryRejected,
            T::TaskQueued => Self::TaskQueued,
            T::TaskAssigned => Self::TaskAssigned,
            T::TaskReleased => Self::TaskReleased,
            T::TaskStarted => Self::TaskStarted,
            T::TaskSubmitted => Self::TaskSubmitted,
            T::TaskChangesRequested => Self::TaskChangesRequested,
            T::TaskApproved => Self::TaskApproved,
            T::TaskCancelled => Self::TaskCancelled,
            T::TaskAtRisk => Self::TaskAtRisk,
            T::TimeApproved => Self::TimeApproved,
            T::InvoiceIssued => Self::InvoiceIssued,
            T::InvoicePaid => Self::InvoicePaid,
            T::InvoiceOverdue => Self::InvoiceOverdue,
            T::StatementClosed => Self::StatementClosed,
        }
    }
}

impl EventTypeName {
    /// The published name, e.g. `task.assigned`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        EventType::from(self).as_str()
    }
}

impl From<EventTypeName> for EventType {
    fn from(name: EventTypeName) -> Self {
        use EventTypeName as N;
        match name {
            N::JobPosted => Self::JobPosted,
            N::JobQuoted => Self::JobQuoted,
            N::JobDeclined => Self::JobDeclined,
            N::QuoteApproved => Self::QuoteApproved,
            N::QuoteRejected => Self::QuoteRejected,
            N::JobCancelled => Self::JobCancelled,
            N::JobCompleted => Self::JobCompleted,
            N::DeliveryCreated => Self::DeliveryCreated,
            N::DeliveryAccepted => Self::DeliveryAccepted,
            N::DeliveryRejected => Self::DeliveryRejected,
            N::TaskQueued => Self::TaskQueued,
            N::TaskAssigned => Self::TaskAssigned,
            N::TaskReleased => Self::TaskReleased,
            N::TaskStarted => Self::TaskStarted,
            N::TaskSubmitted => Self::TaskSubmitted,
            N::TaskChangesRequested => Self::TaskChangesRequested,
            N::TaskApproved => Self::TaskApproved,
            N::TaskCancelled => Self::TaskCancelled,
            N::TaskAtRisk => Self::TaskAtRisk,
            N::TimeApproved => Self::TimeApproved,
            N::InvoiceIssued => Self::InvoiceIssued,
            N::InvoicePaid => Self::InvoicePaid,
            N::InvoiceOverdue => Self::InvoiceOverdue,
            N::StatementClosed => Self::StatementClosed,
        }
    }
}
