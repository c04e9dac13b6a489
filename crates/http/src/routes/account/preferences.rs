//! Which notices a person gets by e-mail, and when: each kind on or off, and
//! `immediately` or in a `daily_digest`. Account e-mails (invitations, verification,
//! password reset) are always sent and are not listed.

use actix_web::{get, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use yui_domain::{Notice, NoticeDelivery, NoticePreference};
use yui_store::notice_preferences;

use yui_domain::access::Action;

use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(read_preferences).service(save_preferences);
}

/// A kind of notice. Workers get `task_assigned`, `changes_requested` and
/// `task_released`, `time_approved` and `time_rejected`; clients `quote_sent`,
/// `delivery_ready`, `job_completed`, `invoice_issued`, `invoice_overdue` and
/// `invoice_paid`; directors `job_posted` and `work_at_risk`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    TaskAssigned,
    ChangesRequested,
    TaskReleased,
    QuoteSent,
    DeliveryReady,
    JobCompleted,
    JobPosted,
    WorkAtRisk,
    InvoiceIssued,
    InvoiceOverdue,
    InvoicePaid,
    TimeApproved,
    TimeRejected,
}

impl From<NoticeKind> for Notice {
    fn from(kind: NoticeKind) -> Self {
        match kind {
            NoticeKind::TaskAssigned => Notice::TaskAssigned,
            NoticeKind::ChangesRequested => Notice::ChangesRequested,
            NoticeKind::TaskReleased => Notice::TaskReleased,
            NoticeKind::QuoteSent => Notice::QuoteSent,
            NoticeKind::DeliveryReady => Notice::DeliveryReady,
            NoticeKind::JobCompleted => Notice::JobCompleted,
            NoticeKind::JobPosted => Notice::JobPosted,
            NoticeKind::WorkAtRisk => Notice::WorkAtRisk,
            NoticeKind::InvoiceIssued => Notice::InvoiceIssued,
            NoticeKind::InvoiceOverdue => Notice::InvoiceOverdue,
            NoticeKind::InvoicePaid => Notice::InvoicePaid,
            NoticeKind::TimeApproved => Notice::TimeApproved,
            NoticeKind::TimeRejected => Notice::TimeRejected,
        }
    }
}

impl From<Notice> for NoticeKind {
    fn from(notice: Notice) -> Self {
        match notice {
            Notice::TaskAssigned => NoticeKind::TaskAssigned,
            Notice::ChangesRequested => NoticeKind::ChangesRequested,
            Notice::TaskReleased => NoticeKind::TaskReleased,
            Notice::QuoteSent => NoticeKind::QuoteSent,
            Notice::DeliveryReady => NoticeKind::DeliveryReady,
            Notice::JobCompleted => NoticeKind::JobCompleted,
            Notice::JobPosted => NoticeKind::JobPosted,
            Notice::WorkAtRisk => NoticeKind::WorkAtRisk,
            Notice::InvoiceIssued => NoticeKind::InvoiceIssued,
            Notice::InvoiceOverdue => NoticeKind::InvoiceOverdue,
            Notice::InvoicePaid => NoticeKind::InvoicePaid,
            Notice::TimeApproved => NoticeKind::TimeApproved,
            Notice::TimeRejected => NoticeKind::TimeRejected,
        }
    }
}

/// When a notice that is on is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryName {
    /// One e-mail as soon as it happens.
    Immediately,
    /// Gathered into one e-mail a day (at 08:00 Japan time by default).
    DailyDigest,
}

/// Your choice for one kind of notice.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticePreferenceView {
    pub kind: NoticeKind,
    /// Whether you get this notice at all.
    pub enabled: bool,
    pub delivery: DeliveryName,
}

impl From<NoticePreference> for NoticePreferenceView {
    fn from(choice: NoticePreference) -> Self {
        Self {
            kind: choice.notice.into(),
            enabled: choice.enabled,
            delivery: match choice.delivery {
                NoticeDelivery::Immediately => DeliveryName::Immediately,
                NoticeDelivery::DailyDigest => DeliveryName::DailyDigest,
            },
        }
    }
}

/// Every kind of notice with your choice (on and immediate unless you changed it).
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticePreferences {
    pub items: Vec<NoticePreferenceView>,
}

/// Changes to some of your choices; kinds left out keep theirs.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticePreferencesUpdate {
    /// At most one entry per kind.
    #[validate(length(min = 1, max = 8))]
    #[schema(min_items = 1, max_items = 8)]
    pub items: Vec<NoticePreferenceView>,
}

/// Your notification preferences.
#[utoipa::path(
    tag = tags::ACCOUNT,
    security(("bearer_token" = [])),
    responses((status = 200, description = "Every notice kind with your choice.", body = NoticePreferences))
)]
#[get("/me/notification-preferences")]
async fn read_preferences(
    state: web::Data<AppState>,
    bearer: Bearer,
) -> Result<web::Json<NoticePreferences>, ApiError> {
    let choices = state
        .read_as(bearer, |conn, actor| {
            access::own_tenant(actor, Action::ManageOwnAccount)?;
            Ok(notice_preferences::of_user(conn, actor.user_id)?)
        })
        .await?;
    Ok(web::Json(NoticePreferences { items: choices.into_iter().map(Into::into).collect() }))
}

/// Change your notification preferences.
#[utoipa::path(
    tag = tags::ACCOUNT,
    security(("bearer_token" = [])),
    request_body = NoticePreferencesUpdate,
    responses(
        (status = 200, description = "Every notice kind with your choice, after the change.", body = NoticePreferences),
        (status = 422, description = "A kind is listed twice (`validation_failed`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/me/notification-preferences")]
async fn save_preferences(
    state: web::Data<AppState>,
    bearer: Bearer,
    body: ValidJson<NoticePreferencesUpdate>,
) -> Result<web::Json<NoticePreferences>, ApiError> {
    let items = body.into_inner().items;
    let mut choices: Vec<NoticePreference> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let notice = Notice::from(item.kind);
        if choices.iter().any(|c| c.notice == notice) {
            return Err(ApiError::invalid_field(&format!("items.{index}.kind"), "duplicate", "each kind at most once"));
        }
        let delivery = match item.delivery {
            DeliveryName::Immediately => NoticeDelivery::Immediately,
            DeliveryName::DailyDigest => NoticeDelivery::DailyDigest,
        };
        choices.push(NoticePreference { notice, enabled: item.enabled, delivery });
    }
    let saved = state
        .write_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ManageOwnAccount)?;
            notice_preferences::save(conn, actor.user_id, &choices)?;
            Ok(notice_preferences::of_user(conn, actor.user_id)?)
        })
        .await?;
    Ok(web::Json(NoticePreferences { items: saved.into_iter().map(Into::into).collect() }))
}
