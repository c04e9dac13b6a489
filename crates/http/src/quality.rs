//! The quality record as the API shows it (per worker, and summed per team).

use serde::Serialize;
use utoipa::ToSchema;
use yui_domain::workforce::QualityCounts;

/// Submissions and review outcomes.
#[derive(Debug, Serialize, ToSchema)]
pub struct QualityView {
    /// Results handed in (every version).
    pub submissions: i64,
    /// Tasks reviewed at least once.
    pub reviewed_tasks: i64,
    /// Tasks approved at their first review.
    pub first_pass_approvals: i64,
    /// Reviews that asked for changes.
    pub changes_requested: i64,
    /// Tasks a director corrected.
    pub director_fixes: i64,
    /// Tasks approved.
    pub approved_tasks: i64,
    /// First-pass approvals over reviewed tasks, 0–1; `null` before any review.
    pub first_pass_rate: Option<f64>,
    /// Share of approved tasks approved by their due date, 0–1; `null` before any.
    pub on_time_rate: Option<f64>,
    /// Hours of approved work (by the tasks' estimates).
    pub hours: f64,
}

impl From<QualityCounts> for QualityView {
    fn from(counts: QualityCounts) -> Self {
        let hours = yui_domain::workforce::hours(counts.approved_minutes);
        Self {
            submissions: counts.submissions,
            reviewed_tasks: counts.reviewed_tasks,
            first_pass_approvals: counts.first_pass_approvals,
            changes_requested: counts.changes_requested,
            director_fixes: counts.director_fixes,
            approved_tasks: counts.approved_tasks,
            first_pass_rate: counts.first_pass_rate().map(|r| (r * 1000.0).round() / 1000.0),
            on_time_rate: counts.on_time_rate().map(|r| (r * 1000.0).round() / 1000.0),
            hours,
        }
    }
}
