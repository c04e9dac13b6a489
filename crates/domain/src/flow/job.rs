//! A job: what a client organisation asks a centre to do.
//!
//! `draft` (the client edits it) → `posted` (waiting for a director) → `quoted`
//! (waiting for the client) → `active` (work under way) → `completed`. A director may
//! decline a posted job; a client may reject a quote (back to `posted`, for a new
//! quote) or cancel before work starts (until the quote is approved).

super::state_machine! {
    entity: "job",
    /// Where a job stands.
    status JobStatus {
        Draft = "draft",
        Posted = "posted",
        Quoted = "quoted",
        Active = "active",
        Completed = "completed",
        Declined = "declined",
        Cancelled = "cancelled",
    }
    /// What can happen to a job.
    action JobAction {
        Edit = "edit",
        Post = "post",
        Quote = "quote",
        Decline = "decline",
        ApproveQuote = "approve_quote",
        RejectQuote = "reject_quote",
        Cancel = "cancel",
        Complete = "complete",
    }
    transitions {
        Draft => { Edit => Draft, Post => Posted, Cancel => Cancelled },
        Posted => { Quote => Quoted, Decline => Declined, Cancel => Cancelled },
        Quoted => { ApproveQuote => Active, RejectQuote => Posted, Cancel => Cancelled },
        Active => { Complete => Completed },
        Completed => {},
        Declined => {},
        Cancelled => {},
    }
}

impl JobAction {
    /// The name of the event this action records in a job's history.
    #[must_use]
    pub const fn event_kind(self) -> &'static str {
        match self {
            JobAction::Edit => "edited",
            JobAction::Post => "posted",
            JobAction::Quote => "quoted",
            JobAction::Decline => "declined",
            JobAction::ApproveQuote => "quote_approved",
            JobAction::RejectQuote => "quote_rejected",
            JobAction::Cancel => "cancelled",
            JobAction::Complete => "completed",
        }
    }
}

impl JobStatus {
    /// Whether directors may split the job into tasks and deliver work.
    #[must_use]
    pub fn accepts_work(self) -> bool {
        self == JobStatus::Active
    }

    /// Whether the centre sees the job (drafts are the client's alone).
    #[must_use]
    pub fn visible_to_center(self) -> bool {
        self != JobStatus::Draft
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use JobAction as A;
    use JobStatus as S;

    #[test]
    fn every_state_and_action() {
        crate::assert_transition_table!(
            JobStatus,
            JobAction,
            vec![
                (S::Draft, A::Edit, S::Draft),
                (S::Draft, A::Post, S::Posted),
                (S::Draft, A::Cancel, S::Cancelled),
                (S::Posted, A::Quote, S::Quoted),
                (S::Posted, A::Decline, S::Declined),
                (S::Posted, A::Cancel, S::Cancelled),
                (S::Quoted, A::ApproveQuote, S::Active),
                (S::Quoted, A::RejectQuote, S::Posted),
                (S::Quoted, A::Cancel, S::Cancelled),
                (S::Active, A::Complete, S::Completed),
            ]
        );
    }

    #[test]
    fn a_refusal_names_the_state_and_what_is_allowed() {
        let error = JobStatus::Posted.apply(JobAction::Complete).expect_err("refused");
        assert_eq!(error.to_string(), "cannot complete a job that is posted");
        assert_eq!(error.allowed, vec!["quote", "decline", "cancel"]);
        assert!(JobStatus::Completed.is_terminal());
    }
}
