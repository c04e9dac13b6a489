//! A worker's quality record and how each review changes it.
//!
//! The counters are kept per worker (summed for a team) and changed by deltas the
//! review flow computes here: what a review adds depends only on the verdicts the
//! task received before it, the new verdict, and whether it came by the due date.

use std::ops::AddAssign;

use crate::flow::Verdict;

/// A worker's (or, summed, a team's) quality record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QualityCounts {
    /// Results handed in (every version).
    pub submissions: i64,
    /// Tasks that received at least one review.
    pub reviewed_tasks: i64,
    /// Tasks approved at their first review.
    pub first_pass_approvals: i64,
    /// Reviews that asked for changes.
    pub changes_requested: i64,
    /// Tasks a director corrected.
    pub director_fixes: i64,
    /// Tasks approved (once each).
    pub approved_tasks: i64,
    /// Of those, approved by their due date.
    pub on_time_approvals: i64,
    /// Estimated minutes of the approved tasks.
    pub approved_minutes: i64,
}

impl AddAssign for QualityCounts {
    fn add_assign(&mut self, other: Self) {
        self.submissions += other.submissions;
        self.reviewed_tasks += other.reviewed_tasks;
        self.first_pass_approvals += other.first_pass_approvals;
        self.changes_requested += other.changes_requested;
        self.director_fixes += other.director_fixes;
        self.approved_tasks += other.approved_tasks;
        self.on_time_approvals += other.on_time_approvals;
        self.approved_minutes += other.approved_minutes;
    }
}

/// The review being recorded, with what the task had before it.
#[derive(Debug, Clone, Copy)]
pub struct ReviewFacts<'a> {
    /// Verdicts of the task's earlier reviews, oldest first.
    pub earlier: &'a [Verdict],
    pub verdict: Verdict,
    /// Whether the review comes by the task's due date.
    pub by_due_date: bool,
    pub estimated_minutes: i64,
}

impl QualityCounts {
    /// What one handed-in result adds.
    #[must_use]
    pub fn submission() -> Self {
        Self { submissions: 1, ..Self::default() }
    }

    /// What a review adds to the record of the task's worker. A task counts as
    /// reviewed at its first review, and as approved (with its minutes, on time or
    /// not) the first time it is approved or fixed.
    #[must_use]
    pub fn review(facts: ReviewFacts<'_>) -> Self {
        let first_review = facts.earlier.is_empty();
        let approved_before = facts.earlier.iter().any(|v| *v != Verdict::ChangesRequested);
        let newly_approved = facts.verdict != Verdict::ChangesRequested && !approved_before;
        Self {
            submissions: 0,
            reviewed_tasks: i64::from(first_review),
            first_pass_approvals: i64::from(first_review && facts.verdict == Verdict::Approved),
            changes_requested: i64::from(facts.verdict == Verdict::ChangesRequested),
            director_fixes: i64::from(facts.verdict == Verdict::Fixed),
            approved_tasks: i64::from(newly_approved),
            on_time_approvals: i64::from(newly_approved && facts.by_due_date),
            approved_minutes: if newly_approved { facts.estimated_minutes } else { 0 },
        }
    }

    /// First-pass approvals over reviewed tasks, once there is any review.
    #[must_use]
    pub fn first_pass_rate(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        (self.reviewed_tasks > 0).then(|| self.first_pass_approvals as f64 / self.reviewed_tasks as f64)
    }

    /// On-time approvals over approved tasks, once there is any.
    #[must_use]
    pub fn on_time_rate(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        (self.approved_tasks > 0).then(|| self.on_time_approvals as f64 / self.approved_tasks as f64)
    }
}

/// The fewest members a public team needs before its summed quality record is
/// shown publicly, so that no one person's record can be read from it.
pub const PUBLIC_TEAM_MINIMUM: usize = 3;

/// Whether a public team's summed quality record may be shown to anyone: with at
/// least [`PUBLIC_TEAM_MINIMUM`] members, or when every member opted in to being
/// shown publicly. A quality record is otherwise the worker's and their directors'.
#[must_use]
pub fn publishable(members: usize, opted_in: usize) -> bool {
    members >= PUBLIC_TEAM_MINIMUM || (members > 0 && opted_in == members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Verdict::{Approved, ChangesRequested, Fixed};

    fn delta(earlier: &[Verdict], verdict: Verdict, by_due_date: bool) -> QualityCounts {
        QualityCounts::review(ReviewFacts { earlier, verdict, by_due_date, estimated_minutes: 90 })
    }

    #[test]
    fn a_first_approval_on_time_counts_everywhere() {
        let counts = delta(&[], Approved, true);
        assert_eq!(
            counts,
            QualityCounts {
                reviewed_tasks: 1,
                first_pass_approvals: 1,
                approved_tasks: 1,
                on_time_approvals: 1,
                approved_minutes: 90,
                ..QualityCounts::default()
            }
        );
    }

    #[test]
    fn changes_then_approval_is_reviewed_once_and_not_first_pass() {
        let mut total = delta(&[], ChangesRequested, true);
        total += delta(&[ChangesRequested], Approved, false);
        assert_eq!(
            total,
            QualityCounts {
                reviewed_tasks: 1,
                changes_requested: 1,
                approved_tasks: 1,
                approved_minutes: 90,
                ..QualityCounts::default()
            }
        );
        assert_eq!(total.first_pass_rate(), Some(0.0));
        assert_eq!(total.on_time_rate(), Some(0.0));
    }

    #[test]
    fn a_fix_is_an_approval_but_never_first_pass() {
        let counts = delta(&[], Fixed, true);
        assert_eq!(counts.first_pass_approvals, 0);
        assert_eq!(counts.director_fixes, 1);
        assert_eq!(counts.approved_tasks, 1);
    }

    #[test]
    fn a_task_is_approved_only_once() {
        // Approved, then its delivery was rejected and it was approved again.
        let counts = delta(&[Approved, ChangesRequested], Approved, true);
        assert_eq!(counts.approved_tasks, 0);
        assert_eq!(counts.approved_minutes, 0);
        assert_eq!(counts.reviewed_tasks, 0);
    }

    #[test]
    fn small_teams_show_quality_only_with_everyones_consent() {
        assert!(!publishable(0, 0));
        assert!(!publishable(1, 0), "one person's record is theirs");
        assert!(publishable(1, 1), "unless they opted in");
        assert!(!publishable(2, 1));
        assert!(publishable(2, 2));
        assert!(publishable(3, 0));
        assert!(publishable(8, 2));
    }

    #[test]
    fn rates_need_history() {
        assert_eq!(QualityCounts::default().first_pass_rate(), None);
        assert_eq!(QualityCounts::default().on_time_rate(), None);
        assert_eq!(QualityCounts::submission().submissions, 1);
    }
}
