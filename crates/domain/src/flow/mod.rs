//! The state machines of the team-job flow: jobs, tasks and deliveries, and of the
//! money around it: time entries and invoices.
//!
//! Each machine is a status enum with `apply(action) -> Result<next, InvalidTransition>`
//! and `allowed_actions()`. They are pure: who may perform an action (client or
//! director) and guards that need data (e.g. "every task is accepted") are checked by
//! the HTTP layer, which maps an [`InvalidTransition`] to `409` naming the current
//! state and the actions allowed from it.

mod delivery;
mod invoice;
mod job;
mod progress;
mod task;
mod time_entry;

pub use delivery::{DeliveryAction, DeliveryStatus};
pub use invoice::{InvoiceAction, InvoiceStatus};
pub use job::{JobAction, JobStatus};
pub use progress::Progress;
pub use task::{TaskAction, TaskStatus};
pub use time_entry::{EntryAction, EntryStatus};

/// How a job is priced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pricing {
    /// Billed by the hours worked.
    Hourly,
    /// One agreed price.
    Fixed,
}

impl Pricing {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Pricing::Hourly => "hourly",
            Pricing::Fixed => "fixed",
        }
    }

    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        [Pricing::Hourly, Pricing::Fixed].into_iter().find(|p| p.as_str() == text)
    }
}

/// A director's verdict on a submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The worker's result is accepted as it is.
    Approved,
    /// The worker must revise and submit again.
    ChangesRequested,
    /// The director corrected the result (a new version by the director) and approved it.
    Fixed,
}

impl Verdict {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Verdict::Approved => "approved",
            Verdict::ChangesRequested => "changes_requested",
            Verdict::Fixed => "fixed",
        }
    }

    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        [Verdict::Approved, Verdict::ChangesRequested, Verdict::Fixed].into_iter().find(|v| v.as_str() == text)
    }
}

/// An action that the current state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} a {entity} that is {state}")]
pub struct InvalidTransition {
    pub entity: &'static str,
    pub state: &'static str,
    pub action: &'static str,
    /// The actions the current state does allow.
    pub allowed: Vec<&'static str>,
}

/// Defines a status enum, its action enum, and the transition table between them.
/// Each row `State => { Action => Next, … }` lists everything a state allows; every
/// other pair is an [`InvalidTransition`].
macro_rules! state_machine {
    (
        entity: $entity:literal,
        $(#[$status_doc:meta])* status $Status:ident { $($state:ident = $state_name:literal),+ $(,)? }
        $(#[$action_doc:meta])* action $Action:ident { $($action:ident = $action_name:literal),+ $(,)? }
        transitions { $($from:ident => { $($act:ident => $to:ident),* $(,)? }),+ $(,)? }
    ) => {
        $(#[$status_doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $Status { $($state),+ }

        $(#[$action_doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $Action { $($action),+ }

        impl $Status {
            pub const ALL: &'static [$Status] = &[$($Status::$state),+];

            /// The stable text form, used in storage and the API.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $($Status::$state => $state_name),+ }
            }

            /// Parses the text form.
            #[must_use]
            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|s| s.as_str() == text)
            }

            /// The state `action` leads to, or why it is refused.
            pub fn apply(self, action: $Action) -> Result<Self, $crate::flow::InvalidTransition> {
                #[allow(unreachable_patterns)]
                let next = match (self, action) {
                    $($(($Status::$from, $Action::$act) => Some($Status::$to),)*)+
                    _ => None,
                };
                next.ok_or_else(|| $crate::flow::InvalidTransition {
                    entity: $entity,
                    state: self.as_str(),
                    action: action.as_str(),
                    allowed: self.allowed_actions().iter().map(|a| a.as_str()).collect(),
                })
            }

            /// Every action this state allows, in declaration order.
            #[must_use]
            pub fn allowed_actions(self) -> Vec<$Action> {
                $Action::ALL.iter().copied().filter(|action| {
                    #[allow(unreachable_patterns)]
                    match (self, *action) {
                        $($(($Status::$from, $Action::$act) => true,)*)+
                        _ => false,
                    }
                }).collect()
            }

            /// Whether no action leads anywhere from here.
            #[must_use]
            pub fn is_terminal(self) -> bool {
                self.allowed_actions().is_empty()
            }
        }

        impl $Action {
            pub const ALL: &'static [$Action] = &[$($Action::$action),+];

            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $($Action::$action => $action_name),+ }
            }
        }

        impl std::fmt::Display for $Status {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use state_machine;

#[cfg(test)]
pub(crate) mod table_test {
    /// Checks every (state, action) pair against `expected`, which lists exactly the
    /// allowed pairs and where they lead; everything else must be refused with the
    /// state's allowed actions.
    #[macro_export]
    macro_rules! assert_transition_table {
        ($Status:ty, $Action:ty, $expected:expr) => {{
            let expected: Vec<($Status, $Action, $Status)> = $expected;
            let mut checked = 0;
            for &state in <$Status>::ALL {
                for &action in <$Action>::ALL {
                    let want = expected.iter().find(|(s, a, _)| *s == state && *a == action).map(|(_, _, to)| *to);
                    match (state.apply(action), want) {
                        (Ok(next), Some(to)) => assert_eq!(next, to, "{state} --{}--> ", action.as_str()),
                        (Err(error), None) => {
                            assert_eq!(error.state, state.as_str());
                            assert_eq!(error.action, action.as_str());
                            let allowed: Vec<_> =
                                expected.iter().filter(|(s, _, _)| *s == state).map(|(_, a, _)| a.as_str()).collect();
                            let mut got = error.allowed.clone();
                            got.sort_unstable();
                            let mut want_allowed = allowed.clone();
                            want_allowed.sort_unstable();
                            assert_eq!(got, want_allowed, "allowed actions from {state}");
                        }
                        (got, want) => panic!("{state} + {}: got {got:?}, expected {want:?}", action.as_str()),
                    }
                    checked += 1;
                }
            }
            assert_eq!(checked, <$Status>::ALL.len() * <$Action>::ALL.len());
            for &state in <$Status>::ALL {
                assert_eq!(<$Status>::parse(state.as_str()), Some(state));
            }
        }};
    }
}
