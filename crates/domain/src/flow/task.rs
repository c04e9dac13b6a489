//! A task: one piece of a job, done by one worker.
//!
//! `open` → `assigned` (a director picks a worker) → `in_progress` (the worker starts)
//! → `submitted` → reviewed: `approved` (directly or after a director's fix) or
//! `changes_requested` (the worker revises and submits again) → `delivered` (in a
//! delivery to the client) → `accepted`, or back to `changes_requested` when the
//! client rejects the delivery. Open and assigned tasks can be edited or cancelled;
//! assignment can change until the work is submitted.
//!
//! A task can also be queued for a team instead of a person: it stays `open` in the
//! team's queue until a member `claim`s it; the member can `release` it back to the
//! queue (with a hand-off note) until they submit.
//!
//! `assign` is only for an open task: two directors assigning the same task at once
//! cannot both win, because the loser finds it `assigned` (changing the worker is
//! the separate `reassign`).

super::state_machine! {
    entity: "task",
    /// Where a task stands.
    status TaskStatus {
        Open = "open",
        Assigned = "assigned",
        InProgress = "in_progress",
        Submitted = "submitted",
        ChangesRequested = "changes_requested",
        Approved = "approved",
        Delivered = "delivered",
        Accepted = "accepted",
        Cancelled = "cancelled",
    }
    /// What can happen to a task.
    action TaskAction {
        Edit = "edit",
        Assign = "assign",
        Reassign = "reassign",
        Unassign = "unassign",
        Start = "start",
        Submit = "submit",
        Approve = "approve",
        RequestChanges = "request_changes",
        Fix = "fix",
        Deliver = "deliver",
        AcceptDelivery = "accept_delivery",
        RejectDelivery = "reject_delivery",
        Cancel = "cancel",
        QueueForTeam = "queue_for_team",
        Claim = "claim",
        Release = "release",
    }
    transitions {
        Open => { Edit => Open, Assign => Assigned, Cancel => Cancelled, QueueForTeam => Open, Claim => Assigned },
        Assigned => {
            Edit => Assigned, Reassign => Assigned, Unassign => Open, Start => InProgress, Cancel => Cancelled,
            Release => Open,
        },
        InProgress => { Reassign => Assigned, Unassign => Open, Submit => Submitted, Release => Open },
        Submitted => { Approve => Approved, RequestChanges => ChangesRequested, Fix => Approved },
        ChangesRequested => { Submit => Submitted },
        Approved => { Deliver => Delivered },
        Delivered => { AcceptDelivery => Accepted, RejectDelivery => ChangesRequested },
        Accepted => {},
        Cancelled => {},
    }
}

impl TaskAction {
    /// The name of the event this action records in a task's history.
    #[must_use]
    pub const fn event_kind(self) -> &'static str {
        match self {
            TaskAction::Edit => "edited",
            TaskAction::Assign => "assigned",
            TaskAction::Reassign => "reassigned",
            TaskAction::Unassign => "unassigned",
            TaskAction::Start => "started",
            TaskAction::Submit => "submitted",
            TaskAction::Approve => "approved",
            TaskAction::RequestChanges => "changes_requested",
            TaskAction::Fix => "fixed",
            TaskAction::Deliver => "delivered",
            TaskAction::AcceptDelivery => "delivery_accepted",
            TaskAction::RejectDelivery => "delivery_rejected",
            TaskAction::Cancel => "cancelled",
            TaskAction::QueueForTeam => "queued_for_team",
            TaskAction::Claim => "claimed",
            TaskAction::Release => "released",
        }
    }
}

impl TaskStatus {
    /// Whether the task counts as approved work (approved, or beyond).
    #[must_use]
    pub fn is_approved(self) -> bool {
        matches!(self, TaskStatus::Approved | TaskStatus::Delivered | TaskStatus::Accepted)
    }

    /// Whether the task is in a delivery (pending or accepted).
    #[must_use]
    pub fn is_delivered(self) -> bool {
        matches!(self, TaskStatus::Delivered | TaskStatus::Accepted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TaskAction as A;
    use TaskStatus as S;

    #[test]
    fn every_state_and_action() {
        crate::assert_transition_table!(
            TaskStatus,
            TaskAction,
            vec![
                (S::Open, A::Edit, S::Open),
                (S::Open, A::Assign, S::Assigned),
                (S::Open, A::Cancel, S::Cancelled),
                (S::Open, A::QueueForTeam, S::Open),
                (S::Open, A::Claim, S::Assigned),
                (S::Assigned, A::Release, S::Open),
                (S::InProgress, A::Release, S::Open),
                (S::Assigned, A::Edit, S::Assigned),
                (S::Assigned, A::Reassign, S::Assigned),
                (S::Assigned, A::Unassign, S::Open),
                (S::Assigned, A::Start, S::InProgress),
                (S::Assigned, A::Cancel, S::Cancelled),
                (S::InProgress, A::Reassign, S::Assigned),
                (S::InProgress, A::Unassign, S::Open),
                (S::InProgress, A::Submit, S::Submitted),
                (S::Submitted, A::Approve, S::Approved),
                (S::Submitted, A::RequestChanges, S::ChangesRequested),
                (S::Submitted, A::Fix, S::Approved),
                (S::ChangesRequested, A::Submit, S::Submitted),
                (S::Approved, A::Deliver, S::Delivered),
                (S::Delivered, A::AcceptDelivery, S::Accepted),
                (S::Delivered, A::RejectDelivery, S::ChangesRequested),
            ]
        );
    }

    #[test]
    fn a_second_assignment_of_the_same_task_is_refused() {
        let assigned = TaskStatus::Open.apply(TaskAction::Assign).expect("first wins");
        let error = assigned.apply(TaskAction::Assign).expect_err("second loses");
        assert_eq!(error.state, "assigned");
        assert!(error.allowed.contains(&"reassign"));
    }
}
