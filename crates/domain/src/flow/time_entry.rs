//! A time entry: `running` while the worker's timer runs, then `pending` until a
//! director decides. A director may adjust a pending entry (with a reason, keeping
//! the worker's original times), approve it (locked from then on: pay is computed
//! from it) or reject it (it no longer counts). The worker may withdraw their own
//! entry while it is running or pending.

super::state_machine! {
    entity: "time entry",
    /// Where a time entry stands.
    status EntryStatus {
        Running = "running",
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
    /// What can happen to a time entry.
    action EntryAction {
        Stop = "stop",
        Adjust = "adjust",
        Approve = "approve",
        Reject = "reject",
        Withdraw = "withdraw",
    }
    transitions {
        // Withdrawing deletes the entry; the state it names is never stored.
        Running => { Stop => Pending, Withdraw => Running },
        Pending => { Adjust => Pending, Approve => Approved, Reject => Rejected, Withdraw => Pending },
        Approved => {},
        Rejected => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decided_entries_are_locked() {
        for action in EntryAction::ALL {
            assert!(EntryStatus::Approved.apply(*action).is_err(), "{action:?}");
            assert!(EntryStatus::Rejected.apply(*action).is_err(), "{action:?}");
        }
        assert_eq!(EntryStatus::Running.apply(EntryAction::Stop), Ok(EntryStatus::Pending));
        assert!(EntryStatus::Running.apply(EntryAction::Approve).is_err(), "a running timer is not decided");
        assert_eq!(EntryStatus::Pending.apply(EntryAction::Approve), Ok(EntryStatus::Approved));
    }
}
