//! Who may do what, decided in one place.
//!
//! Every authorisation question of the API is `decide(role, relation, action)`: the
//! caller's role, how the caller stands to the resource (assignee of the task,
//! member of its team, the worker the record is about, of the same tenant, or an
//! outsider), and what they want to do. The HTTP layer works out the relation from
//! the database once per request and asks here; it holds no rules of its own.
//!
//! The answer is one of three:
//! * **Allowed**;
//! * **Hidden** (`404`): the caller may not even know the resource exists — another
//!   tenant's job, a task that is not theirs or their team's;
//! * **Denied** (`403`): the caller sees the resource but may not do this to it — a
//!   worker asking to assign their own task, a director asking to submit one.
//!
//! The table test at the bottom lists every action against every kind of caller.

use crate::Role;

/// How the caller stands to the resource an action is about, closest tie first:
/// a worker who holds a task is its `Assignee` even if they also review its team.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// Not of the resource's tenant (another centre or organisation), or a centre's
    /// people looking at a client's job that is still a draft: nothing to see.
    Outsider,
    /// Of the resource's tenant with no closer tie (the role decides): a director of
    /// the task's centre, a client of the job's organisation, a worker of the centre.
    Member,
    /// The worker the task is assigned to.
    Assignee,
    /// A reviewer of the task's (or the team's) team.
    TeamReviewer,
    /// A plain member of the task's (or the team's) team.
    Teammate,
    /// The worker the record (profile, levels, availability, quality) is about.
    Themself,
}

impl Relation {
    pub const ALL: [Relation; 6] = [
        Relation::Outsider,
        Relation::Member,
        Relation::Assignee,
        Relation::TeamReviewer,
        Relation::Teammate,
        Relation::Themself,
    ];
}

/// What an action is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    /// The caller's own centre or organisation (no resource id to hide).
    OwnTenant,
    Job,
    Task,
    /// A worker's records: profile, pay, levels, availability, quality.
    Worker,
    Team,
}

/// Everything the API lets someone do, grouped where the rule is the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    // The caller's own tenant.
    /// Read your own account and your own tasks.
    ReadOwnAccount,
    /// Change your own account: language, notification preferences, verification.
    ManageOwnAccount,
    /// Read the event feed: what happened to what you may see.
    ReadEvents,
    /// Create and manage your tenant's webhook endpoints.
    ManageWebhooks,
    /// Create, list and revoke your tenant's API keys.
    ManageApiKeys,
    /// List and read the users of your tenant.
    ListMembers,
    /// Deactivate or reactivate users of your tenant.
    ManageMembers,
    /// Invite people (which roles: [`crate::Actor::may_invite`]) and list invitations.
    ManageInvitations,
    /// Create a job for your organisation.
    CreateJob,
    /// List jobs: your organisation's, or those posted to your centre.
    ListJobs,
    /// Read your centre's skill catalogue.
    ViewCatalogue,
    /// Add skills to your centre's catalogue.
    EditCatalogue,
    /// The director's day: dashboard, at-risk list, QC queue.
    ViewCentreWork,
    /// List your centre's teams (staff: all; workers: theirs).
    ListTeams,
    /// Create a team.
    CreateTeam,
    /// Read the centre's minimum wages, pay settings and rates below the minimum.
    ViewCentrePay,
    /// Set the centre's minimum wages and pay settings.
    ManageCentreSettings,
    /// Close a pay period: freeze its earnings statements.
    ClosePayPeriod,
    /// List invoices: the centre's, or (issued ones) your organisation's.
    ListInvoices,
    /// Draft a client organisation's monthly invoice.
    BillMonthly,

    // A job.
    /// Read a job, its quotes, deliveries, comments and history.
    ViewJob,
    CommentOnJob,
    /// The posting client's decisions: edit, post, cancel, approve or reject a quote.
    DecideAsClient,
    /// The centre's work on a job: quote, decline, split into tasks, plan
    /// assignments, check capacity.
    RunJob,
    /// List a job's tasks (the centre's view of its progress).
    ViewJobTasks,
    /// Bundle approved work into a delivery for the client.
    Deliver,
    /// A job's margin: its price against the pay for its approved time.
    ViewJobMargin,
    /// Accept or reject a delivery.
    JudgeDelivery,
    /// Read a job's invoices and credit notes (clients: once issued).
    ViewInvoice,
    /// Draft, edit, issue, void, credit and mark paid a job's invoices.
    Bill,

    // A task.
    /// Read a task, its submissions, reviews, comments and history.
    ViewTask,
    CommentOnTask,
    /// Edit, cancel, assign, reassign, unassign, queue for a team, cover, rank
    /// candidates, fix a submission.
    ManageTask,
    /// Start, submit, release back to the team: the assignee's own work.
    WorkOnTask,
    /// Take a task from your team's queue.
    ClaimTask,
    /// Log time on a task you hold: an entry or a running timer.
    LogTime,
    /// Approve a submission or request changes.
    ReviewTask,

    // A worker's records.
    /// Read a worker's profile, pay, levels, availability, hours and quality.
    ViewWorker,
    /// Save a worker's profile (not their pay).
    EditProfile,
    /// Set a worker's hourly rate.
    SetPay,
    /// Replace weekly windows, add or remove dated exceptions.
    EditAvailability,
    /// Set a worker's level in a skill.
    AssessSkill,
    /// Stop your running timer, withdraw an entry not yet decided.
    KeepOwnTime,
    /// Approve, adjust or reject a worker's logged time.
    JudgeTime,

    // A team.
    /// Read a team, its members and its queue.
    ViewTeam,
    /// Add, change or remove members.
    ManageTeam,
    /// A team's summed quality record.
    ViewTeamQuality,
    /// The team's submitted work waiting for review (never the caller's own).
    ReviewTeamWork,
}

impl Action {
    pub const ALL: [Action; 48] = [
        Action::ReadOwnAccount,
        Action::ManageOwnAccount,
        Action::ReadEvents,
        Action::ManageWebhooks,
        Action::ManageApiKeys,
        Action::ListMembers,
        Action::ManageMembers,
        Action::ManageInvitations,
        Action::CreateJob,
        Action::ListJobs,
        Action::ViewCatalogue,
        Action::EditCatalogue,
        Action::ViewCentreWork,
        Action::ListTeams,
        Action::CreateTeam,
        Action::ViewCentrePay,
        Action::ManageCentreSettings,
        Action::ClosePayPeriod,
        Action::ListInvoices,
        Action::BillMonthly,
        Action::ViewJob,
        Action::CommentOnJob,
        Action::DecideAsClient,
        Action::RunJob,
        Action::ViewJobTasks,
        Action::Deliver,
        Action::ViewJobMargin,
        Action::JudgeDelivery,
        Action::ViewInvoice,
        Action::Bill,
        Action::ViewTask,
        Action::CommentOnTask,
        Action::ManageTask,
        Action::WorkOnTask,
        Action::ClaimTask,
        Action::LogTime,
        Action::ReviewTask,
        Action::ViewWorker,
        Action::EditProfile,
        Action::SetPay,
        Action::EditAvailability,
        Action::AssessSkill,
        Action::KeepOwnTime,
        Action::JudgeTime,
        Action::ViewTeam,
        Action::ManageTeam,
        Action::ViewTeamQuality,
        Action::ReviewTeamWork,
    ];

    /// What the action is about.
    #[must_use]
    pub const fn resource(self) -> Resource {
        use Action::*;
        match self {
            ReadOwnAccount | ManageOwnAccount | ReadEvents | ManageWebhooks | ManageApiKeys | ListMembers
            | ManageMembers | ManageInvitations | CreateJob | ListJobs | ViewCatalogue | EditCatalogue
            | ViewCentreWork | ListTeams | CreateTeam | ViewCentrePay | ManageCentreSettings | ClosePayPeriod
            | ListInvoices | BillMonthly => Resource::OwnTenant,
            ViewJob | CommentOnJob | DecideAsClient | RunJob | ViewJobTasks | Deliver | ViewJobMargin
            | JudgeDelivery | ViewInvoice | Bill => Resource::Job,
            ViewTask | CommentOnTask | ManageTask | WorkOnTask | ClaimTask | LogTime | ReviewTask => Resource::Task,
            ViewWorker | EditProfile | SetPay | EditAvailability | AssessSkill | KeepOwnTime | JudgeTime => {
                Resource::Worker
            }
            ViewTeam | ManageTeam | ViewTeamQuality | ReviewTeamWork => Resource::Team,
        }
    }

    /// Who may, for the `403`'s sentence.
    #[must_use]
    pub const fn who_may(self) -> &'static str {
        use Action::*;
        match self {
            ReadOwnAccount | ManageOwnAccount | ReadEvents => "anyone signed in",
            ListMembers => "admins, directors and clients",
            ManageMembers | ManageCentreSettings => "a centre's admins",
            ManageInvitations => "admins and clients",
            ManageWebhooks | ManageApiKeys => "a centre's admins and a client organisation's users",
            CreateJob | DecideAsClient | JudgeDelivery => "the client organisation that posted the job",
            ListJobs => "clients and a centre's directors and admins (workers see their tasks at /v1/me/tasks)",
            ListInvoices => "clients and a centre's directors and admins",
            ViewInvoice => "the billed client organisation and the centre's directors and admins",
            ViewCatalogue | ListTeams => "a centre's people",
            EditCatalogue | ViewCentreWork | ViewCentrePay | ClosePayPeriod | ViewJobMargin | CreateTeam | RunJob
            | ViewJobTasks | Deliver | ManageTask | SetPay | AssessSkill | ManageTeam | ViewTeamQuality | JudgeTime
            | Bill | BillMonthly => "a centre's directors and admins",
            ViewJob | CommentOnJob => "the posting client and the centre's directors and admins",
            ViewTask | CommentOnTask => "the centre's directors and admins, the task's worker and their team",
            WorkOnTask | LogTime => "the worker the task is assigned to",
            ClaimTask => "members of the task's team",
            ReviewTask | ReviewTeamWork => "the centre's directors and admins, and the team's reviewers",
            ViewWorker | EditProfile => "the worker and the centre's directors and admins",
            EditAvailability => "the worker (directors and admins can read it)",
            KeepOwnTime => "the worker who logged the time",
            ViewTeam => "the team's members and the centre's directors and admins",
        }
    }
}

/// Why an allowed-to-see caller may not act.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The role or relation does not allow the action.
    NotPermitted,
    /// The worker holding a task asked to judge it: nobody reviews their own work.
    OwnWork,
}

/// The answer to "may this caller do this?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// Answer `404`: the caller may not know the resource exists.
    Hidden,
    /// Answer `403`: the caller sees the resource but may not do this.
    Denied(Refusal),
}

/// A caller as the rules see them: the role, narrowed by the relation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Standing {
    Admin,
    Director,
    Client,
    /// A worker of the tenant with no closer tie.
    Worker,
    Assignee,
    TeamReviewer,
    Teammate,
    Themself,
}

fn standing(role: Role, relation: Relation) -> Option<Standing> {
    match (role, relation) {
        (_, Relation::Outsider) => None,
        (Role::Admin, Relation::Member) => Some(Standing::Admin),
        (Role::Director, Relation::Member) => Some(Standing::Director),
        (Role::Client, Relation::Member) => Some(Standing::Client),
        (Role::Worker, Relation::Member) => Some(Standing::Worker),
        (Role::Worker, Relation::Assignee) => Some(Standing::Assignee),
        (Role::Worker, Relation::TeamReviewer) => Some(Standing::TeamReviewer),
        (Role::Worker, Relation::Teammate) => Some(Standing::Teammate),
        (Role::Worker, Relation::Themself) => Some(Standing::Themself),
        // Only workers hold tasks, join teams or have worker records.
        (Role::Admin | Role::Director | Role::Client, _) => None,
    }
}

/// Whether a caller of this standing may know the resource exists.
fn sees(standing: Standing, resource: Resource) -> bool {
    use Standing::*;
    match resource {
        Resource::OwnTenant => true,
        Resource::Job => matches!(standing, Admin | Director | Client),
        Resource::Task => matches!(standing, Admin | Director | Assignee | TeamReviewer | Teammate),
        Resource::Worker => matches!(standing, Admin | Director | Themself),
        Resource::Team => matches!(standing, Admin | Director | TeamReviewer | Teammate),
    }
}

/// Whether a caller of this standing, who sees the resource, may act.
fn permits(standing: Standing, action: Action) -> bool {
    use Action::*;
    use Standing::*;
    let staff = matches!(standing, Admin | Director);
    let centre_person = staff || matches!(standing, Worker | Assignee | TeamReviewer | Teammate | Themself);
    match action {
        ReadOwnAccount | ManageOwnAccount | ReadEvents => true,
        ListMembers => staff || standing == Client,
        ManageMembers | ManageCentreSettings => standing == Admin,
        ManageInvitations | ManageWebhooks | ManageApiKeys => matches!(standing, Admin | Client),
        CreateJob | DecideAsClient | JudgeDelivery => standing == Client,
        ListJobs | ViewJob | CommentOnJob | ListInvoices | ViewInvoice => staff || standing == Client,
        ViewCatalogue | ListTeams => centre_person,
        EditCatalogue | ViewCentreWork | ViewCentrePay | ClosePayPeriod | ViewJobMargin | CreateTeam | RunJob
        | ViewJobTasks | Deliver | ManageTask | SetPay | AssessSkill | ManageTeam | ViewTeamQuality | JudgeTime
        | Bill | BillMonthly => staff,
        ViewTask | CommentOnTask | ViewTeam => true,
        WorkOnTask | LogTime => standing == Assignee,
        ClaimTask => matches!(standing, TeamReviewer | Teammate),
        ReviewTask | ReviewTeamWork => staff || standing == TeamReviewer,
        ViewWorker | EditProfile => staff || standing == Themself,
        EditAvailability | KeepOwnTime => standing == Themself,
    }
}

/// May a caller with `role`, standing in `relation` to the resource, do `action`?
#[must_use]
pub fn decide(role: Role, relation: Relation, action: Action) -> Decision {
    // In your own tenant, ties to particular tasks or teams do not matter.
    let relation = match (action.resource(), relation) {
        (Resource::OwnTenant, Relation::Outsider) => Relation::Outsider,
        (Resource::OwnTenant, _) => Relation::Member,
        (_, relation) => relation,
    };
    let Some(standing) = standing(role, relation) else { return Decision::Hidden };
    if !sees(standing, action.resource()) {
        return Decision::Hidden;
    }
    if permits(standing, action) {
        Decision::Allowed
    } else if action == Action::ReviewTask && standing == Standing::Assignee {
        Decision::Denied(Refusal::OwnWork)
    } else {
        Decision::Denied(Refusal::NotPermitted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The callers of the table's columns, in order.
    const CALLERS: [(Role, Relation); 9] = [
        (Role::Admin, Relation::Member),
        (Role::Director, Relation::Member),
        (Role::Client, Relation::Member),
        (Role::Worker, Relation::Member),
        (Role::Worker, Relation::Assignee),
        (Role::Worker, Relation::TeamReviewer),
        (Role::Worker, Relation::Teammate),
        (Role::Worker, Relation::Themself),
        (Role::Worker, Relation::Outsider),
    ];

    /// Every action against every kind of caller, written out by hand:
    /// `A` allowed, `F` forbidden (`403`), `O` own work (`403 own_work`), `H` hidden
    /// (`404`). Columns: admin, director, client, worker of the tenant, assignee, team
    /// reviewer, teammate, the worker themself, an outsider.
    const TABLE: [(Action, &str); 48] = [
        (Action::ReadOwnAccount, "AAAA....H"),
        (Action::ManageOwnAccount, "AAAA....H"),
        (Action::ReadEvents, "AAAA....H"),
        (Action::ManageWebhooks, "AFAF....H"),
        (Action::ManageApiKeys, "AFAF....H"),
        (Action::ListMembers, "AAAF....H"),
        (Action::ManageMembers, "AFFF....H"),
        (Action::ManageInvitations, "AFAF....H"),
        (Action::CreateJob, "FFAF....H"),
        (Action::ListJobs, "AAAF....H"),
        (Action::ViewCatalogue, "AAFA....H"),
        (Action::EditCatalogue, "AAFF....H"),
        (Action::ViewCentreWork, "AAFF....H"),
        (Action::ListTeams, "AAFA....H"),
        (Action::CreateTeam, "AAFF....H"),
        (Action::ViewCentrePay, "AAFF....H"),
        (Action::ManageCentreSettings, "AFFF....H"),
        (Action::ClosePayPeriod, "AAFF....H"),
        (Action::ListInvoices, "AAAF....H"),
        (Action::BillMonthly, "AAFF....H"),
        (Action::ViewJob, "AAAHHHHHH"),
        (Action::CommentOnJob, "AAAHHHHHH"),
        (Action::DecideAsClient, "FFAHHHHHH"),
        (Action::RunJob, "AAFHHHHHH"),
        (Action::ViewJobTasks, "AAFHHHHHH"),
        (Action::Deliver, "AAFHHHHHH"),
        (Action::ViewJobMargin, "AAFHHHHHH"),
        (Action::JudgeDelivery, "FFAHHHHHH"),
        (Action::ViewInvoice, "AAAHHHHHH"),
        (Action::Bill, "AAFHHHHHH"),
        (Action::ViewTask, "AAHHAAAHH"),
        (Action::CommentOnTask, "AAHHAAAHH"),
        (Action::ManageTask, "AAHHFFFHH"),
        (Action::WorkOnTask, "FFHHAFFHH"),
        (Action::ClaimTask, "FFHHFAAHH"),
        (Action::LogTime, "FFHHAFFHH"),
        (Action::ReviewTask, "AAHHOAFHH"),
        (Action::ViewWorker, "AAHHHHHAH"),
        (Action::EditProfile, "AAHHHHHAH"),
        (Action::SetPay, "AAHHHHHFH"),
        (Action::EditAvailability, "FFHHHHHAH"),
        (Action::AssessSkill, "AAHHHHHFH"),
        (Action::KeepOwnTime, "FFHHHHHAH"),
        (Action::JudgeTime, "AAHHHHHFH"),
        (Action::ViewTeam, "AAHHHAAHH"),
        (Action::ManageTeam, "AAHHHFFHH"),
        (Action::ViewTeamQuality, "AAHHHFFHH"),
        (Action::ReviewTeamWork, "AAHHHAFHH"),
    ];

    fn expected(mark: char) -> Option<Decision> {
        match mark {
            'A' => Some(Decision::Allowed),
            'F' => Some(Decision::Denied(Refusal::NotPermitted)),
            'O' => Some(Decision::Denied(Refusal::OwnWork)),
            'H' => Some(Decision::Hidden),
            _ => None,
        }
    }

    #[test]
    fn every_action_against_every_caller() {
        assert_eq!(TABLE.map(|(action, _)| action), Action::ALL, "the table lists every action once, in order");
        for (action, row) in TABLE {
            let marks: Vec<char> = row.chars().collect();
            assert_eq!(marks.len(), CALLERS.len(), "{action:?}");
            for ((role, relation), mark) in CALLERS.iter().zip(marks) {
                // `.`: a tie that cannot exist for this resource (no task, team or
                // worker record in a tenant-level action): checked below.
                let Some(want) = expected(mark) else { continue };
                assert_eq!(decide(*role, *relation, action), want, "{action:?} by {role} ({relation:?})");
            }
        }
    }

    #[test]
    fn tenant_actions_do_not_depend_on_ties_to_other_resources() {
        for action in Action::ALL.into_iter().filter(|a| a.resource() == Resource::OwnTenant) {
            for role in Role::ALL {
                for relation in [Relation::Assignee, Relation::TeamReviewer, Relation::Teammate, Relation::Themself] {
                    assert_eq!(
                        decide(role, relation, action),
                        decide(role, Relation::Member, action),
                        "{action:?} by {role} ({relation:?})"
                    );
                }
            }
        }
    }

    #[test]
    fn only_workers_have_worker_ties_and_outsiders_see_nothing() {
        for action in Action::ALL {
            for role in Role::ALL {
                assert_eq!(decide(role, Relation::Outsider, action), Decision::Hidden, "{action:?} {role}");
                if role == Role::Worker || action.resource() == Resource::OwnTenant {
                    continue;
                }
                for relation in [Relation::Assignee, Relation::TeamReviewer, Relation::Teammate, Relation::Themself] {
                    assert_eq!(decide(role, relation, action), Decision::Hidden, "{action:?} {role} {relation:?}");
                }
            }
        }
    }
}
