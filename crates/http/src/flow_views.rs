//! Request and response bodies shared by the team-job routes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;
use yui_domain::flow::{DeliveryStatus, JobStatus, Pricing, TaskStatus, Verdict};
use yui_domain::{Currency, Money};
use yui_store::comments::Comment;
use yui_store::events::Event;
use yui_store::jobs::Job;
use yui_store::submissions::Submission;
use yui_store::tasks::Task;

use crate::error::ApiError;
use crate::requirements::SkillRequirementView;
use crate::views::MoneyView;

/// An amount of money in a request.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyInput {
    /// The amount in the currency's minor unit (JPY has none: `950` is ¥950).
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub amount_minor: i64,
    /// ISO 4217 currency code; `JPY` when omitted.
    #[validate(length(min = 3, max = 3))]
    #[schema(min_length = 3, max_length = 3, example = "JPY")]
    pub currency: Option<String>,
}

impl MoneyInput {
    pub fn parse(&self, field: &str) -> Result<Money, ApiError> {
        let currency = match &self.currency {
            None => Currency::JPY,
            Some(code) => {
                code.parse().map_err(|e| ApiError::invalid_field(&format!("{field}.currency"), "currency", e))?
            }
        };
        Ok(Money::new(self.amount_minor, currency))
    }
}

/// A job's status: `draft` → `posted` → `quoted` → `active` → `completed`, or
/// `declined` / `cancelled`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum JobStatusName {
    Draft,
    Posted,
    Quoted,
    Active,
    Completed,
    Declined,
    Cancelled,
}

impl From<JobStatus> for JobStatusName {
    fn from(status: JobStatus) -> Self {
        match status {
            JobStatus::Draft => Self::Draft,
            JobStatus::Posted => Self::Posted,
            JobStatus::Quoted => Self::Quoted,
            JobStatus::Active => Self::Active,
            JobStatus::Completed => Self::Completed,
            JobStatus::Declined => Self::Declined,
            JobStatus::Cancelled => Self::Cancelled,
        }
    }
}

impl From<JobStatusName> for JobStatus {
    fn from(status: JobStatusName) -> Self {
        match status {
            JobStatusName::Draft => Self::Draft,
            JobStatusName::Posted => Self::Posted,
            JobStatusName::Quoted => Self::Quoted,
            JobStatusName::Active => Self::Active,
            JobStatusName::Completed => Self::Completed,
            JobStatusName::Declined => Self::Declined,
            JobStatusName::Cancelled => Self::Cancelled,
        }
    }
}

/// A task's status: `open` → `assigned` → `in_progress` → `submitted` →
/// `approved` (or `changes_requested` → `submitted` again) → `delivered` →
/// `accepted`; or `cancelled`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatusName {
    Open,
    Assigned,
    InProgress,
    Submitted,
    ChangesRequested,
    Approved,
    Delivered,
    Accepted,
    Cancelled,
}

impl From<TaskStatus> for TaskStatusName {
    fn from(status: TaskStatus) -> Self {
        match status {
            TaskStatus::Open => Self::Open,
            TaskStatus::Assigned => Self::Assigned,
            TaskStatus::InProgress => Self::InProgress,
            TaskStatus::Submitted => Self::Submitted,
            TaskStatus::ChangesRequested => Self::ChangesRequested,
            TaskStatus::Approved => Self::Approved,
            TaskStatus::Delivered => Self::Delivered,
            TaskStatus::Accepted => Self::Accepted,
            TaskStatus::Cancelled => Self::Cancelled,
        }
    }
}

impl From<TaskStatusName> for TaskStatus {
    fn from(status: TaskStatusName) -> Self {
        match status {
            TaskStatusName::Open => Self::Open,
            TaskStatusName::Assigned => Self::Assigned,
            TaskStatusName::InProgress => Self::InProgress,
            TaskStatusName::Submitted => Self::Submitted,
            TaskStatusName::ChangesRequested => Self::ChangesRequested,
            TaskStatusName::Approved => Self::Approved,
            TaskStatusName::Delivered => Self::Delivered,
            TaskStatusName::Accepted => Self::Accepted,
            TaskStatusName::Cancelled => Self::Cancelled,
        }
    }
}

/// How a job is priced.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PricingName {
    /// Billed by the hours worked.
    Hourly,
    /// One agreed price.
    Fixed,
}

impl From<Pricing> for PricingName {
    fn from(pricing: Pricing) -> Self {
        match pricing {
            Pricing::Hourly => Self::Hourly,
            Pricing::Fixed => Self::Fixed,
        }
    }
}

impl From<PricingName> for Pricing {
    fn from(pricing: PricingName) -> Self {
        match pricing {
            PricingName::Hourly => Self::Hourly,
            PricingName::Fixed => Self::Fixed,
        }
    }
}

/// A review's verdict.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum VerdictName {
    Approved,
    ChangesRequested,
    Fixed,
}

impl From<Verdict> for VerdictName {
    fn from(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Approved => Self::Approved,
            Verdict::ChangesRequested => Self::ChangesRequested,
            Verdict::Fixed => Self::Fixed,
        }
    }
}

/// A delivery's status.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatusName {
    Pending,
    Accepted,
    Rejected,
}

impl From<DeliveryStatus> for DeliveryStatusName {
    fn from(status: DeliveryStatus) -> Self {
        match status {
            DeliveryStatus::Pending => Self::Pending,
            DeliveryStatus::Accepted => Self::Accepted,
            DeliveryStatus::Rejected => Self::Rejected,
        }
    }
}

/// Task counts and completion of a job.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobProgress {
    /// Tasks that are not cancelled.
    pub total_tasks: i64,
    /// How many tasks are in each status (statuses with none are omitted).
    #[schema(value_type = std::collections::BTreeMap<String, i64>)]
    pub tasks_by_status: std::collections::BTreeMap<String, i64>,
    /// Share of non-cancelled tasks approved (or delivered, or accepted), 0–100.
    pub approved_percent: f64,
    /// Share of non-cancelled tasks delivered (or accepted), 0–100.
    pub delivered_percent: f64,
}

impl JobProgress {
    #[must_use]
    pub fn from_counts(counts: &[(TaskStatus, i64)]) -> Self {
        let progress = yui_domain::flow::Progress::from_counts(counts);
        Self {
            total_tasks: progress.total_tasks,
            tasks_by_status: counts.iter().map(|(s, n)| (s.as_str().to_owned(), *n)).collect(),
            approved_percent: progress.approved_percent,
            delivered_percent: progress.delivered_percent,
        }
    }
}

/// A job.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobView {
    /// The job's id (UUIDv7).
    pub id: Uuid,
    /// The centre the job is (or will be) posted to.
    pub center_id: Uuid,
    /// The client organisation that owns the job.
    pub organization_id: Uuid,
    pub title: String,
    pub description: String,
    /// A free category, e.g. `data-annotation`, `back-office`.
    pub category: String,
    /// Skills from the centre's catalogue the work needs, with minimum levels.
    pub required_skills: Vec<SkillRequirementView>,
    pub pricing: PricingName,
    /// The client's budget.
    pub budget: MoneyView,
    /// When the client needs the result (RFC 3339, UTC).
    pub due_at: DateTime<Utc>,
    /// What the delivered result must look like.
    pub deliverable_spec: String,
    /// The team the client would like to do the work, if any.
    pub preferred_team_id: Option<Uuid>,
    pub status: JobStatusName,
    /// Why the centre declined the job, when it did.
    pub decline_reason: Option<String>,
    /// Increases with every change.
    pub version: i64,
    /// What the caller's role may do next from this status.
    pub allowed_actions: Vec<String>,
    /// Task counts and completion; present when reading one job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<JobProgress>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl JobView {
    #[must_use]
    pub fn new(job: Job, progress: Option<JobProgress>) -> Self {
        Self {
            id: job.id.as_uuid(),
            center_id: job.center_id.as_uuid(),
            organization_id: job.organization_id.as_uuid(),
            title: job.spec.title,
            description: job.spec.description,
            category: job.spec.category,
            required_skills: job.spec.required_skills.into_iter().map(Into::into).collect(),
            pricing: job.spec.pricing.into(),
            budget: job.spec.budget.into(),
            due_at: job.spec.due_at,
            deliverable_spec: job.spec.deliverable_spec,
            preferred_team_id: job.spec.preferred_team_id,
            status: job.status.into(),
            decline_reason: job.decline_reason,
            version: job.version,
            allowed_actions: job.status.allowed_actions().iter().map(|a| a.as_str().to_owned()).collect(),
            progress,
            created_at: job.created_at,
            updated_at: job.updated_at,
        }
    }
}

/// What a worker sees of the job a task belongs to (never its budget).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskJobView {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub deliverable_spec: String,
}

/// A task.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskView {
    /// The task's id (UUIDv7).
    pub id: Uuid,
    pub job_id: Uuid,
    pub title: String,
    pub instructions: String,
    /// The director's estimate of the work, in minutes.
    pub estimated_minutes: i64,
    /// When the task must be done (RFC 3339, UTC).
    pub due_at: DateTime<Utc>,
    /// The skill (and minimum level) the task needs, if any.
    pub requirement: Option<SkillRequirementView>,
    /// The team whose queue the task is in, if it was given to a team.
    pub team_id: Option<Uuid>,
    pub status: TaskStatusName,
    /// The worker doing the task.
    pub assignee_id: Option<Uuid>,
    /// The submission awaiting review, or the one last approved.
    pub current_submission_id: Option<Uuid>,
    /// Increases with every change.
    pub version: i64,
    /// Every action this status allows (each needs the right role).
    pub allowed_actions: Vec<String>,
    /// The job's title, description and deliverable specification.
    pub job: TaskJobView,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TaskView {
    #[must_use]
    pub fn new(task: Task, job: &Job) -> Self {
        Self {
            id: task.id.as_uuid(),
            job_id: task.job_id.as_uuid(),
            title: task.spec.title,
            instructions: task.spec.instructions,
            estimated_minutes: task.spec.estimated_minutes,
            due_at: task.spec.due_at,
            requirement: task.spec.requirement.map(Into::into),
            team_id: task.team_id.map(|t| t.as_uuid()),
            status: task.status.into(),
            assignee_id: task.assignee_id.map(|id| id.as_uuid()),
            current_submission_id: task.current_submission_id.map(|id| id.as_uuid()),
            version: task.version,
            allowed_actions: task.status.allowed_actions().iter().map(|a| a.as_str().to_owned()).collect(),
            job: TaskJobView {
                id: job.id.as_uuid(),
                title: job.spec.title.clone(),
                description: job.spec.description.clone(),
                deliverable_spec: job.spec.deliverable_spec.clone(),
            },
            created_at: task.created_at,
            updated_at: task.updated_at,
        }
    }
}

/// One version of a task's result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmissionView {
    pub id: Uuid,
    pub task_id: Uuid,
    /// 1 for the first submission, then 2, 3, … Nothing is overwritten.
    pub version_number: i64,
    /// Who wrote this version.
    pub author_id: Uuid,
    /// `true` for a director's corrected version.
    pub by_director: bool,
    pub result_text: String,
    pub links: Vec<String>,
    /// Structured result (a JSON object), if given.
    #[schema(value_type = Option<std::collections::HashMap<String, serde_json::Value>>)]
    pub payload: Option<serde_json::Value>,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

impl From<Submission> for SubmissionView {
    fn from(submission: Submission) -> Self {
        Self {
            id: submission.id.as_uuid(),
            task_id: submission.task_id.as_uuid(),
            version_number: submission.version_number,
            author_id: submission.author_id.as_uuid(),
            by_director: submission.by_director,
            result_text: submission.content.result_text,
            links: submission.content.links,
            payload: submission.content.payload,
            note: submission.content.note,
            created_at: submission.created_at,
        }
    }
}

/// One entry of a job's or a task's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    pub id: Uuid,
    /// The job (always set in a job's or a task's history).
    pub job_id: Option<Uuid>,
    /// The task, for task events.
    pub task_id: Option<Uuid>,
    /// Who made the change.
    pub actor_id: Uuid,
    /// What happened, e.g. `posted`, `assigned`, `submitted`, `approved`.
    pub kind: String,
    /// The status before the change, when it changed a status.
    pub from_state: Option<String>,
    /// The status after the change.
    pub to_state: Option<String>,
    /// Details of the change (e.g. the assignee, a reason).
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    pub details: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

impl From<Event> for EventView {
    fn from(event: Event) -> Self {
        Self {
            id: event.id,
            job_id: event.job_id.map(|j| j.as_uuid()),
            task_id: event.task_id.map(|t| t.as_uuid()),
            actor_id: event.actor_id.as_uuid(),
            kind: event.kind,
            from_state: event.from_state,
            to_state: event.to_state,
            details: event.details,
            created_at: event.created_at,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    #[validate(length(min = 1, max = 5000))]
    #[schema(
        min_length = 1,
        max_length = 5000,
        example = "Should hidden signs be marked too?",
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub body: String,
}

/// A comment on a job or task thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentView {
    pub id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl From<Comment> for CommentView {
    fn from(comment: Comment) -> Self {
        Self {
            id: comment.id.as_uuid(),
            author_id: comment.author_id.as_uuid(),
            body: comment.body,
            created_at: comment.created_at,
        }
    }
}
