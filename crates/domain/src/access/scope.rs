//! API-key scopes: what a machine client's key may do, on top of what its creator's
//! role allows.
//!
//! A person signed in acts with their role alone. A key acts as the person who
//! created it, narrowed to its scopes: every [`Action`] needs one scope
//! ([`Action::key_use`]), or none (reading your own account), or a person
//! (managing people and keys: a leaked key must not bring people in, lock them out or
//! mint more keys). The scope is checked before the resource is even looked up, so a
//! key's refusal says nothing about what exists.

use std::fmt;
use std::str::FromStr;

use super::rules::{Action, Decision, Relation, decide};
use crate::Role;

/// One permission a key can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Read jobs, their quotes, deliveries, comments and history.
    JobsRead,
    /// Create, edit, post and cancel jobs; quote and decline; approve or reject a
    /// quote; split a job, plan and check capacity; comment on jobs.
    JobsWrite,
    /// Deliver approved work (a centre) and accept or reject deliveries (a client).
    DeliveriesWrite,
    /// Read tasks, a job's task list, the dashboard, at-risk and review queues.
    TasksRead,
    /// Assign, edit, cancel, review, fix and comment on tasks.
    TasksWrite,
    /// Read people, skills, teams and workers' records.
    WorkforceRead,
    /// Change skills, teams, workers' profiles, pay and levels.
    WorkforceWrite,
    /// Read the event feed.
    EventsRead,
    /// Manage webhook endpoints.
    WebhooksManage,
    /// Read invoices and credit notes, as JSON, CSV or a printable page.
    InvoicesRead,
    /// Draft, issue, void and credit invoices; record payments.
    InvoicesWrite,
}

impl Scope {
    pub const ALL: [Scope; 11] = [
        Scope::JobsRead,
        Scope::JobsWrite,
        Scope::DeliveriesWrite,
        Scope::TasksRead,
        Scope::TasksWrite,
        Scope::WorkforceRead,
        Scope::WorkforceWrite,
        Scope::EventsRead,
        Scope::WebhooksManage,
        Scope::InvoicesRead,
        Scope::InvoicesWrite,
    ];

    /// The name used in the API, e.g. `jobs:read`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Scope::JobsRead => "jobs:read",
            Scope::JobsWrite => "jobs:write",
            Scope::DeliveriesWrite => "deliveries:write",
            Scope::TasksRead => "tasks:read",
            Scope::TasksWrite => "tasks:write",
            Scope::WorkforceRead => "workforce:read",
            Scope::WorkforceWrite => "workforce:write",
            Scope::EventsRead => "events:read",
            Scope::WebhooksManage => "webhooks:manage",
            Scope::InvoicesRead => "invoices:read",
            Scope::InvoicesWrite => "invoices:write",
        }
    }

    const fn bit(self) -> u16 {
        1 << self as u16
    }

    /// Whether a key created by someone of `role` could ever use this scope: some
    /// action it covers is allowed to that role in their own tenant.
    #[must_use]
    pub fn available_to(self, role: Role) -> bool {
        Action::ALL.into_iter().any(|action| {
            action.key_use() == KeyUse::Scope(self)
                && Relation::ALL.into_iter().any(|relation| decide(role, relation, action) == Decision::Allowed)
        })
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not a scope's name.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown scope `{0}`")]
pub struct UnknownScope(pub String);

impl FromStr for Scope {
    type Err = UnknownScope;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == s).ok_or_else(|| UnknownScope(s.to_owned()))
    }
}

/// A set of scopes (small and `Copy`, so an [`crate::Actor`] stays `Copy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Scopes(u16);

impl Scopes {
    #[must_use]
    pub fn contains(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    /// The scopes in their canonical order.
    pub fn iter(self) -> impl Iterator<Item = Scope> {
        Scope::ALL.into_iter().filter(move |scope| self.contains(*scope))
    }

    #[must_use]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl FromIterator<Scope> for Scopes {
    fn from_iter<I: IntoIterator<Item = Scope>>(scopes: I) -> Self {
        Scopes(scopes.into_iter().fold(0, |bits, scope| bits | scope.bit()))
    }
}

/// What an action needs from an API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyUse {
    /// Any key may (reading your own account).
    AnyKey,
    /// A key carrying this scope may.
    Scope(Scope),
    /// Only a person signed in may.
    PersonOnly,
}

impl Action {
    /// What a key needs to do this action.
    #[must_use]
    pub const fn key_use(self) -> KeyUse {
        use Action::*;
        let scope = match self {
            ReadOwnAccount => return KeyUse::AnyKey,
            ManageOwnAccount | ManageMembers | ManageInvitations | ManageApiKeys => return KeyUse::PersonOnly,
            ListJobs | ViewJob => Scope::JobsRead,
            CreateJob | CommentOnJob | DecideAsClient | RunJob => Scope::JobsWrite,
            Deliver | JudgeDelivery => Scope::DeliveriesWrite,
            ViewTask | ViewJobTasks | ViewCentreWork | ReviewTeamWork => Scope::TasksRead,
            CommentOnTask | ManageTask | WorkOnTask | ClaimTask | LogTime | KeepOwnTime | ReviewTask => {
                Scope::TasksWrite
            }
            ListMembers | ViewCatalogue | ListTeams | ViewWorker | ViewTeam | ViewTeamQuality | ViewCentrePay
            | ViewJobMargin => Scope::WorkforceRead,
            EditCatalogue | CreateTeam | EditProfile | SetPay | EditAvailability | AssessSkill | ManageTeam
            | JudgeTime | ManageCentreSettings | ClosePayPeriod => Scope::WorkforceWrite,
            ReadEvents => Scope::EventsRead,
            ManageWebhooks => Scope::WebhooksManage,
            ListInvoices | ViewInvoice => Scope::InvoicesRead,
            Bill | BillMonthly => Scope::InvoicesWrite,
        };
        KeyUse::Scope(scope)
    }
}

/// How the caller proved who they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    /// A person's login session.
    Person,
    /// An API key with these scopes, acting as the person who created it.
    Key(Scopes),
}

/// Why a key may not do an action, whatever its creator's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRefusal {
    /// The key lacks the scope the action needs.
    MissingScope(Scope),
    /// Only a person signed in may do this.
    PersonOnly,
}

impl Credential {
    /// Whether this credential may be used for `action` at all (the role and the
    /// relation are decided separately).
    pub fn permits(self, action: Action) -> Result<(), KeyRefusal> {
        let Credential::Key(scopes) = self else { return Ok(()) };
        match action.key_use() {
            KeyUse::AnyKey => Ok(()),
            KeyUse::PersonOnly => Err(KeyRefusal::PersonOnly),
            KeyUse::Scope(scope) if scopes.contains(scope) => Ok(()),
            KeyUse::Scope(scope) => Err(KeyRefusal::MissingScope(scope)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for scope in Scope::ALL {
            assert_eq!(scope.as_str().parse::<Scope>(), Ok(scope));
        }
        assert!("jobs:delete".parse::<Scope>().is_err());
        assert!("JOBS:READ".parse::<Scope>().is_err());
    }

    #[test]
    fn a_set_holds_exactly_what_it_was_made_of() {
        let set: Scopes = [Scope::JobsRead, Scope::EventsRead, Scope::JobsRead].into_iter().collect();
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![Scope::JobsRead, Scope::EventsRead]);
        assert!(!set.contains(Scope::JobsWrite));
        assert!(Scopes::default().is_empty());
    }

    #[test]
    fn a_person_may_use_every_action_and_a_key_only_its_scopes() {
        let jobs_read: Scopes = [Scope::JobsRead].into_iter().collect();
        for action in Action::ALL {
            assert_eq!(Credential::Person.permits(action), Ok(()));
            let expected = match action.key_use() {
                KeyUse::AnyKey => Ok(()),
                KeyUse::PersonOnly => Err(KeyRefusal::PersonOnly),
                KeyUse::Scope(Scope::JobsRead) => Ok(()),
                KeyUse::Scope(other) => Err(KeyRefusal::MissingScope(other)),
            };
            assert_eq!(Credential::Key(jobs_read).permits(action), expected, "{action:?}");
        }
        let all: Scopes = Scope::ALL.into_iter().collect();
        assert_eq!(Credential::Key(all).permits(Action::ManageApiKeys), Err(KeyRefusal::PersonOnly));
        assert_eq!(Credential::Key(Scopes::default()).permits(Action::ReadOwnAccount), Ok(()));
    }

    #[test]
    fn scopes_are_offered_to_the_roles_that_can_use_them() {
        use Scope::*;
        let offered = |role: Role| Scope::ALL.into_iter().filter(|s| s.available_to(role)).collect::<Vec<_>>();
        assert_eq!(offered(Role::Admin), Scope::ALL.to_vec());
        assert_eq!(
            offered(Role::Client),
            vec![JobsRead, JobsWrite, DeliveriesWrite, WorkforceRead, EventsRead, WebhooksManage, InvoicesRead]
        );
    }
}
