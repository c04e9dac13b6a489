//! A delivery: approved tasks of a job, bundled by a director for the client.
//!
//! `pending` until the client `accept`s it or `reject`s it (with a reason, which sends
//! its tasks back to their workers as changes requested).

super::state_machine! {
    entity: "delivery",
    /// Where a delivery stands.
    status DeliveryStatus {
        Pending = "pending",
        Accepted = "accepted",
        Rejected = "rejected",
    }
    /// What a client can do with a delivery.
    action DeliveryAction {
        Accept = "accept",
        Reject = "reject",
    }
    transitions {
        Pending => { Accept => Accepted, Reject => Rejected },
        Accepted => {},
        Rejected => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeliveryAction as A;
    use DeliveryStatus as S;

    #[test]
    fn every_state_and_action() {
        crate::assert_transition_table!(
            DeliveryStatus,
            DeliveryAction,
            vec![(S::Pending, A::Accept, S::Accepted), (S::Pending, A::Reject, S::Rejected)]
        );
    }
}
