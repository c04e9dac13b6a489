//! The authorization matrix: every operation of the OpenAPI document, called by every
//! kind of caller, answers what the rules say (`yui_domain::access::decide`, applied
//! per handler by `yui_http::access`; summarised in `docs/api.md`, "Who may call
//! what").
//!
//! The rows are checked against the spec first: a route added without a row, or a row
//! left for a route that is gone, fails before anything is sent. Every call then
//! carries a valid body (bodies are parsed before authorisation, so a bad one would
//! hide the answer) and goes to a target in the state the operation needs: a caller
//! the rules allow gets a fresh target of its own for an operation that writes, and
//! the callers refused share one, which must not change — nor may any table gain or
//! lose a row — however many of them try.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yui_domain::{Role, Tenant};

use crate::flow::{Cast, active_job, call, cast, job_body, quote_body};
use crate::helpers::{Account, PASSWORD, Reply, TestApp};
use crate::on_both_engines;
use crate::workforce::{always_available, task, tasks_for};

on_both_engines!(every_operation_answers_every_caller_as_the_rules_say);

/// The kinds of caller, in the order of a row's marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Caller {
    /// An admin of centre A (every target lives in centre A).
    Admin,
    /// A director of centre A.
    Director,
    /// The worker of centre A holding the target task: a plain member of its team, who
    /// claimed it. For a task nobody holds yet (open), simply a member of the team.
    Assignee,
    /// A plain member of the task's team.
    Teammate,
    /// A reviewer of the task's team.
    Reviewer,
    /// Another worker of centre A, with no tie to the task, the team or the record.
    Worker,
    /// A client of the organisation that posted the job.
    Client,
    /// A client of another organisation.
    OtherClient,
    /// An admin of another centre (B).
    OtherStaff,
    /// No token.
    Anonymous,
}

pub(crate) const CALLERS: [Caller; 10] = [
    Caller::Admin,
    Caller::Director,
    Caller::Assignee,
    Caller::Teammate,
    Caller::Reviewer,
    Caller::Worker,
    Caller::Client,
    Caller::OtherClient,
    Caller::OtherStaff,
    Caller::Anonymous,
];

/// Every operation of the spec against every caller.
///
/// Columns, in groups (see [`Caller`]): admin director | assignee teammate reviewer |
/// worker | client other_client | other_staff | anonymous. Marks:
/// * `S` the operation's success: the one 2xx status the spec documents for it;
/// * `F` `403 forbidden`: the caller sees the resource, or it is their own tenant,
///   but may not do this;
/// * `O` `403 own_work`: the worker holding the task asked to review it (whatever
///   their role in the team: the holder's tie comes first);
/// * `H` `404 not_found`: the caller may not know the resource exists;
/// * `U` `401 unauthenticated`: no token.
///
/// Targets: one active job of the client's organisation posted to centre A; its task
/// held by the assignee in the team (assignee and teammate members, reviewer
/// reviewer); the assignee's worker records; that team. A mutating operation's
/// target is in the state it needs (noted where it decides the answer).
pub(crate) const MATRIX: &[(&str, &str)] = &[
    // Public: the token, if any, is not looked at.
    ("GET /healthz", "SS SSS S SS S S"),
    ("GET /readyz", "SS SSS S SS S S"),
    ("POST /v1/auth/signup", "SS SSS S SS S S"),
    ("POST /v1/auth/login", "SS SSS S SS S S"),
    ("POST /v1/auth/refresh", "SS SSS S SS S S"),
    ("POST /v1/auth/logout", "SS SSS S SS S S"),
    ("POST /v1/invitations/accept", "SS SSS S SS S S"),
    ("POST /v1/auth/password-reset", "SS SSS S SS S S"),
    ("POST /v1/auth/password-reset/confirm", "SS SSS S SS S S"),
    ("POST /v1/auth/verify-email", "SS SSS S SS S S"),
    ("GET /v1/public/centers", "SS SSS S SS S S"),
    ("GET /v1/public/centers/{id}/skills", "SS SSS S SS S S"),
    ("GET /v1/public/centers/{id}/teams", "SS SSS S SS S S"),
    // The caller's own account.
    ("GET /v1/me", "SS SSS S SS S U"),
    ("PATCH /v1/me", "SS SSS S SS S U"),
    ("POST /v1/me/verification-email", "SS SSS S SS S U"), // the caller's address unverified
    ("GET /v1/me/notification-preferences", "SS SSS S SS S U"),
    ("PUT /v1/me/notification-preferences", "SS SSS S SS S U"),
    ("GET /v1/me/tasks", "SS SSS S SS S U"),
    ("GET /v1/events", "SS SSS S SS S U"), // each caller's own view
    // Webhook endpoints: a centre's admins, an organisation's clients (each their own).
    ("POST /v1/webhook-endpoints", "SF FFF F SS S U"),
    ("GET /v1/webhook-endpoints", "SF FFF F SS S U"),
    ("GET /v1/webhook-endpoints/{id}", "SF FFF F SH H U"),
    ("PATCH /v1/webhook-endpoints/{id}", "SF FFF F SH H U"),
    ("DELETE /v1/webhook-endpoints/{id}", "SF FFF F SH H U"),
    ("POST /v1/webhook-endpoints/{id}/rotate-secret", "SF FFF F SH H U"),
    ("POST /v1/webhook-endpoints/{id}/test", "SF FFF F SH H U"),
    ("GET /v1/webhook-endpoints/{id}/deliveries", "SF FFF F SH H U"),
    ("POST /v1/webhook-endpoints/{id}/deliveries/{delivery_id}/redeliver", "SF FFF F SH H U"),
    // API keys: the same owners; a key of another tenant is not there.
    ("POST /v1/api-keys", "SF FFF F SS S U"),
    ("GET /v1/api-keys", "SF FFF F SS S U"),
    ("GET /v1/api-keys/{id}", "SF FFF F SH H U"),
    ("POST /v1/api-keys/{id}/revoke", "SF FFF F SH H U"),
    // The caller's own tenant (a user of centre A: not in the clients' or B's tenant).
    ("GET /v1/users", "SS FFF F SS S U"),
    ("GET /v1/users/{id}", "SS FFF F HH H U"),
    ("POST /v1/users/{id}/deactivate", "SF FFF F FF H U"),
    ("POST /v1/users/{id}/reactivate", "SF FFF F FF H U"),
    // Centre callers invite a worker, clients a client.
    ("POST /v1/invitations", "SF FFF F SS S U"),
    ("GET /v1/invitations", "SF FFF F SS S U"),
    ("GET /v1/skills", "SS SSS S FF S U"),
    ("POST /v1/skills", "SS FFF F FF S U"),
    ("GET /v1/teams", "SS SSS S FF S U"),
    ("POST /v1/teams", "SS FFF F FF S U"),
    ("GET /v1/review-queue", "SS FFF F FF S U"),
    ("GET /v1/at-risk", "SS FFF F FF S U"),
    ("GET /v1/dashboard", "SS FFF F FF S U"),
    // Jobs. A draft is the client's alone: the centre does not know it exists yet.
    ("POST /v1/jobs", "FF FFF F SS F U"),
    ("GET /v1/jobs", "SS FFF F SS S U"),
    ("GET /v1/jobs/{id}", "SS HHH H SH H U"),
    ("PATCH /v1/jobs/{id}", "HH HHH H SH H U"),
    ("POST /v1/jobs/{id}/post", "HH HHH H SH H U"),
    ("POST /v1/jobs/{id}/cancel", "FF HHH H SH H U"),        // posted
    ("POST /v1/jobs/{id}/quote", "SS HHH H FH H U"),         // posted
    ("POST /v1/jobs/{id}/decline", "SS HHH H FH H U"),       // posted
    ("POST /v1/jobs/{id}/quote/approve", "FF HHH H SH H U"), // quoted
    ("POST /v1/jobs/{id}/quote/reject", "FF HHH H SH H U"),  // quoted
    ("GET /v1/jobs/{id}/quotes", "SS HHH H SH H U"),
    ("GET /v1/jobs/{id}/comments", "SS HHH H SH H U"),
    ("POST /v1/jobs/{id}/comments", "SS HHH H SH H U"),
    ("GET /v1/jobs/{id}/events", "SS HHH H SH H U"),
    ("GET /v1/jobs/{id}/tasks", "SS HHH H FH H U"),
    ("POST /v1/jobs/{id}/tasks", "SS HHH H FH H U"),
    ("POST /v1/jobs/{id}/assignment-plan", "SS HHH H FH H U"),
    ("POST /v1/jobs/{id}/capacity-check", "SS HHH H FH H U"),
    ("GET /v1/jobs/{id}/deliveries", "SS HHH H SH H U"),
    ("POST /v1/jobs/{id}/deliveries", "SS HHH H FH H U"), // an approved task
    ("GET /v1/deliveries/{id}", "SS HHH H SH H U"),
    ("POST /v1/deliveries/{id}/accept", "FF HHH H SH H U"), // pending
    ("POST /v1/deliveries/{id}/reject", "FF HHH H SH H U"), // pending
    // Tasks.
    ("GET /v1/tasks/{id}", "SS SSS H HH H U"),
    ("PATCH /v1/tasks/{id}", "SS FFF H HH H U"),               // assigned
    ("POST /v1/tasks/{id}/queue-for-team", "SS HHH H HH H U"), // open, in no team yet: no team ties
    ("POST /v1/tasks/{id}/assign", "SS FFF H HH H U"),         // open, in the team's queue
    ("POST /v1/tasks/{id}/claim", "FF SSS H HH H U"),          // open, in the team's queue
    ("POST /v1/tasks/{id}/reassign", "SS FFF H HH H U"),       // in progress
    ("POST /v1/tasks/{id}/unassign", "SS FFF H HH H U"),       // assigned
    ("POST /v1/tasks/{id}/cancel", "SS FFF H HH H U"),         // assigned
    ("POST /v1/tasks/{id}/start", "FF SFF H HH H U"),          // assigned
    ("POST /v1/tasks/{id}/release", "FF SFF H HH H U"),        // assigned
    ("POST /v1/tasks/{id}/submissions", "FF SFF H HH H U"),    // in progress
    ("GET /v1/tasks/{id}/submissions", "SS SSS H HH H U"),
    ("POST /v1/tasks/{id}/review", "SS OFS H HH H U"), // submitted
    ("POST /v1/tasks/{id}/fix", "SS FFF H HH H U"),    // submitted
    ("GET /v1/tasks/{id}/reviews", "SS SSS H HH H U"),
    ("GET /v1/tasks/{id}/comments", "SS SSS H HH H U"),
    ("POST /v1/tasks/{id}/comments", "SS SSS H HH H U"),
    ("GET /v1/tasks/{id}/events", "SS SSS H HH H U"),
    ("GET /v1/tasks/{id}/candidates", "SS FFF H HH H U"),
    ("POST /v1/tasks/{id}/cover", "SS FFF H HH H U"), // in progress
    // The assignee's records.
    ("GET /v1/workers/{id}/profile", "SS SHH H HH H U"),
    ("PUT /v1/workers/{id}/profile", "SS SHH H HH H U"),
    ("PUT /v1/workers/{id}/hourly-rate", "SS FHH H HH H U"),
    ("GET /v1/workers/{id}/skills", "SS SHH H HH H U"),
    ("GET /v1/workers/{id}/skills-history", "SS SHH H HH H U"),
    ("PUT /v1/workers/{id}/skills/{skill}", "SS FHH H HH H U"),
    ("GET /v1/workers/{id}/availability", "SS SHH H HH H U"),
    ("PUT /v1/workers/{id}/availability/windows", "FF SHH H HH H U"),
    ("POST /v1/workers/{id}/availability/exceptions", "FF SHH H HH H U"),
    ("DELETE /v1/workers/{id}/availability/exceptions/{exception_id}", "FF SHH H HH H U"),
    ("GET /v1/workers/{id}/available-hours", "SS SHH H HH H U"),
    ("GET /v1/workers/{id}/quality", "SS SHH H HH H U"),
    // The team (a worker added or removed is a spare worker, no caller).
    ("GET /v1/teams/{id}", "SS SSS H HH H U"),
    ("PUT /v1/teams/{id}/members/{worker_id}", "SS FFF H HH H U"),
    ("DELETE /v1/teams/{id}/members/{worker_id}", "SS FFF H HH H U"),
    ("GET /v1/teams/{id}/queue", "SS SSS H HH H U"),
    ("GET /v1/teams/{id}/quality", "SS FFF H HH H U"),
    ("GET /v1/teams/{id}/review-queue", "SS FFS H HH H U"),
    // Time: the assignee logs on the held task; the assignee's entries are their
    // records (directors decide, the worker keeps their own).
    ("POST /v1/tasks/{id}/time-entries", "FF SFF H HH H U"),
    ("POST /v1/tasks/{id}/timer", "FF SFF H HH H U"),
    ("POST /v1/time-entries/{id}/stop", "FF SHH H HH H U"), // running
    ("GET /v1/time-entries/{id}", "SS SHH H HH H U"),
    ("DELETE /v1/time-entries/{id}", "FF SHH H HH H U"), // pending
    ("POST /v1/time-entries/{id}/approve", "SS FHH H HH H U"), // pending
    ("POST /v1/time-entries/{id}/adjust", "SS FHH H HH H U"), // pending
    ("POST /v1/time-entries/{id}/reject", "SS FHH H HH H U"), // pending
    ("GET /v1/workers/{id}/time-entries", "SS SHH H HH H U"),
    ("GET /v1/jobs/{id}/time-entries", "SS HHH H FH H U"),
    ("GET /v1/jobs/{id}/time", "SS HHH H FH H U"),
    ("GET /v1/jobs/{id}/margin", "SS HHH H FH H U"),
    ("GET /v1/margins/{month}", "SS FFF F FF S U"),
    // Pay: rates are the worker's records; minimums and settings the centre's.
    ("GET /v1/workers/{id}/pay-rates", "SS SHH H HH H U"),
    ("GET /v1/minimum-wages", "SS FFF F FF S U"),
    ("POST /v1/minimum-wages", "SF FFF F FF S U"),
    ("GET /v1/pay-rates/shortfalls", "SS FFF F FF S U"),
    ("GET /v1/pay-settings", "SS FFF F FF S U"),
    ("PUT /v1/pay-settings", "SF FFF F FF S U"),
    ("PUT /v1/workers/{id}/withholding", "SS FHH H HH H U"),
    ("GET /v1/billing-settings", "SS FFF F FF S U"),
    ("PUT /v1/billing-settings", "SF FFF F FF S U"),
    // Pay periods are the centre's; a statement is the worker's record.
    ("GET /v1/pay-periods", "SS FFF F FF S U"),
    ("GET /v1/pay-periods/{period}", "SS FFF F FF S U"),
    ("POST /v1/pay-periods/{period}/close", "SS FFF F FF S U"), // the next period to close
    ("GET /v1/workers/{id}/statements/{period}", "SS SHH H HH H U"),
    ("GET /v1/workers/{id}/statements/{period}/csv", "SS SHH H HH H U"),
    ("GET /v1/workers/{id}/statements/{period}/html", "SS SHH H HH H U"),
    // Invoices: drafted from a completed job; a draft is the centre's alone (its
    // client gets 404); issued ones are read by the billed client.
    ("GET /v1/invoices", "SS FFF F SS S U"),
    ("POST /v1/jobs/{id}/invoices", "SS HHH H FH H U"), // completed
    ("POST /v1/organizations/{id}/invoices", "SS FFF F FF H U"), // a completed job this month
    ("PUT /v1/invoices/{id}", "SS HHH H HH H U"),       // draft
    ("POST /v1/invoices/{id}/issue", "SS HHH H HH H U"), // draft
    ("GET /v1/invoices/{id}", "SS HHH H SH H U"),       // issued
    ("GET /v1/invoices/{id}/csv", "SS HHH H SH H U"),
    ("GET /v1/invoices/{id}/html", "SS HHH H SH H U"),
    ("POST /v1/invoices/{id}/payments", "SS HHH H FH H U"), // issued
    ("POST /v1/invoices/{id}/void", "SS HHH H FH H U"),     // issued
    ("POST /v1/invoices/{id}/credit-notes", "SS HHH H FH H U"), // issued
];

/// A row's marks, without the spaces between the groups.
pub(crate) fn marks_of(row: &str) -> impl Iterator<Item = char> + '_ {
    row.chars().filter(|c| *c != ' ')
}

/// The operations of the OpenAPI document as `METHOD /path/{template}`, each with its
/// one documented 2xx status and whether it is public (`security: []`).
fn spec_operations() -> BTreeMap<String, (StatusCode, bool)> {
    let json = yui_http::openapi_document().to_json().expect("serialise the spec");
    let spec: Value = serde_json::from_str(&json).expect("the spec is JSON");
    let mut operations = BTreeMap::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            if !["get", "put", "post", "delete", "patch", "head", "options", "trace"].contains(&method.as_str()) {
                continue;
            }
            let key = format!("{} {path}", method.to_uppercase());
            let successes: Vec<&String> =
                operation["responses"].as_object().expect("responses").keys().filter(|c| c.starts_with('2')).collect();
            assert_eq!(successes.len(), 1, "{key} documents one success status, not {successes:?}");
            let status = StatusCode::from_u16(successes[0].parse().expect("numeric status")).expect("status");
            let public = operation["security"].as_array().is_some_and(Vec::is_empty);
            operations.insert(key, (status, public));
        }
    }
    operations
}

/// The rows name exactly the spec's operations, once each, with a mark per caller;
/// exactly the public operations let anonymous callers in.
pub(crate) fn check_rows_against_the_spec() -> BTreeMap<String, (StatusCode, bool)> {
    let operations = spec_operations();
    let mut rows = BTreeSet::new();
    for (op, marks) in MATRIX {
        assert!(rows.insert(*op), "`{op}` has two rows");
        assert_eq!(marks_of(marks).count(), CALLERS.len(), "`{op}`: one mark per caller");
        assert!(marks_of(marks).all(|m| "SFOHU".contains(m)), "`{op}`: unknown mark in {marks}");
    }
    let spec: BTreeSet<&str> = operations.keys().map(String::as_str).collect();
    let missing: Vec<&&str> = spec.difference(&rows).collect();
    let stale: Vec<&&str> = rows.difference(&spec).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "the authorization matrix and the OpenAPI document disagree:\n  \
         operations without a row (add one to MATRIX in tests/api/authorization.rs): {missing:?}\n  \
         rows for operations the spec no longer has: {stale:?}"
    );
    for (op, marks) in MATRIX {
        let public = operations[*op].1;
        assert_eq!(marks.ends_with('S'), public, "`{op}`: anonymous callers get in exactly when the spec says public");
    }
    operations
}

#[test]
fn every_operation_of_the_spec_has_a_row() {
    check_rows_against_the_spec();
}

/// Where a task target stands, each state reached from the one before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum TaskState {
    /// Open, in no team's queue.
    Open,
    /// Open, in the team's queue.
    Queued,
    /// Claimed by the assignee: `assigned`.
    Held,
    /// `in_progress`.
    Started,
    /// `submitted`.
    Submitted,
    /// `approved`.
    Approved,
}

/// A target an operation acts on, built on demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Task(TaskState),
    /// A job of the client's organisation: `draft`, `posted` or `quoted`.
    Draft,
    Posted,
    Quoted,
    /// A pending delivery of the world's job.
    Delivery,
    /// A worker of centre A.
    ActiveUser,
    /// A deactivated worker of centre A.
    InactiveUser,
    /// A spare worker of centre A outside the team.
    NonMember,
    /// A spare worker of centre A in the team.
    Member,
    /// A dated exception of the assignee.
    Exception,
    /// A webhook endpoint of centre A (its admin's) or of the client's organisation.
    CentreEndpoint,
    ClientEndpoint,
    /// An API key of centre A (its admin's) or of the client's organisation.
    CentreKey,
    ClientKey,
    /// The assignee's time entry waiting for a decision, or their running timer.
    PendingEntry,
    RunningTimer,
    /// A completed job of the client's organisation, not invoiced yet.
    CompletedJob,
    /// An invoice of such a job: a draft, or issued.
    DraftInvoice,
    IssuedInvoice,
}

/// Everything shared: the people with their tokens, the team, the job, a task held
/// by the assignee (changes requested), a pending delivery.
pub(crate) struct World {
    pub(crate) cast: Cast,
    center: yui_domain::CenterId,
    pub(crate) admin: String,
    assignee: Account,
    worker: Account,
    /// A worker of centre A who is no caller: logs in for `login`/`refresh`/`logout`.
    spare: Account,
    tokens: HashMap<Caller, String>,
    team: String,
    job: String,
    held: String,
    delivery: String,
}

impl World {
    pub(crate) fn token(&self, caller: Caller) -> Option<&str> {
        self.tokens.get(&caller).map(String::as_str)
    }

    fn director(&self) -> &str {
        &self.cast.director
    }

    fn assignee_token(&self) -> &str {
        &self.cast.workers[0].1
    }
}

/// A request to send: the path's parameters, the body, and what to read before and
/// after a refused call to see that nothing moved.
#[derive(Default)]
pub(crate) struct Fill {
    id: Option<String>,
    second: Option<String>,
    body: Option<Value>,
    watch: Option<(String, String)>,
    /// A pay period, `YYYY-MM`.
    period: Option<String>,
}

impl Fill {
    fn id(id: impl Into<String>) -> Self {
        Self { id: Some(id.into()), ..Self::default() }
    }

    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    fn second(mut self, second: impl Into<String>) -> Self {
        self.second = Some(second.into());
        self
    }

    fn period(mut self, period: String) -> Self {
        self.period = Some(period);
        self
    }

    fn watch(mut self, path: String, token: &str) -> Self {
        self.watch = Some((path, token.to_owned()));
        self
    }
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::now_v7().simple())
}

fn email() -> String {
    format!("{}@test.example", unique("new"))
}

pub(crate) struct Runner<'a> {
    app: &'a TestApp,
    pub(crate) w: World,
    /// The one target each operation's refused callers share.
    shared: HashMap<(&'static str, Kind), String>,
    /// A submitted task's submission waiting for review.
    submissions: HashMap<String, String>,
    /// How many time entries were logged: each new one goes in its own slot.
    entries_logged: i64,
    /// How many pay periods were closed: each close takes the next month.
    periods_closed: u32,
}

impl<'a> Runner<'a> {
    pub(crate) fn new(app: &'a TestApp, w: World) -> Self {
        Self { app, w, shared: HashMap::new(), submissions: HashMap::new(), entries_logged: 0, periods_closed: 0 }
    }

    /// A target of `kind` for `op`: a fresh one, or the one its refused callers share.
    async fn target(&mut self, op: &'static str, kind: Kind, fresh: bool) -> String {
        if fresh {
            return self.build(kind).await;
        }
        if let Some(id) = self.shared.get(&(op, kind)) {
            return id.clone();
        }
        let id = self.build(kind).await;
        self.shared.insert((op, kind), id.clone());
        id
    }

    async fn build(&mut self, kind: Kind) -> String {
        let app = self.app;
        let w = &self.w;
        match kind {
            Kind::Task(state) => self.task_at(state).await,
            Kind::Draft | Kind::Posted | Kind::Quoted => {
                let job = call(
                    app,
                    Method::POST,
                    "/v1/jobs",
                    &w.cast.client,
                    Some(job_body(&w.cast.center_id)),
                    StatusCode::CREATED,
                )
                .await;
                let id = job["id"].as_str().expect("job id").to_owned();
                if kind != Kind::Draft {
                    call(app, Method::POST, &format!("/v1/jobs/{id}/post"), &w.cast.client, None, StatusCode::OK).await;
                }
                if kind == Kind::Quoted {
                    let path = format!("/v1/jobs/{id}/quote");
                    call(app, Method::POST, &path, w.director(), Some(quote_body()), StatusCode::OK).await;
                }
                id
            }
            Kind::Delivery => {
                let task = self.task_at(TaskState::Approved).await;
                let w = &self.w;
                let path = format!("/v1/jobs/{}/deliveries", w.job);
                let body = json!({"task_ids": [task], "note": "For the matrix"});
                let delivery = call(app, Method::POST, &path, w.director(), Some(body), StatusCode::CREATED).await;
                delivery["id"].as_str().expect("delivery id").to_owned()
            }
            Kind::ActiveUser | Kind::InactiveUser => {
                let user = app.create_user(Tenant::Center(w.center), Role::Worker);
                if kind == Kind::InactiveUser {
                    let path = format!("/v1/users/{}/deactivate", user.id);
                    call(app, Method::POST, &path, &w.admin, None, StatusCode::OK).await;
                }
                user.id.to_string()
            }
            Kind::NonMember => app.create_user(Tenant::Center(w.center), Role::Worker).id.to_string(),
            Kind::Member => {
                let user = app.create_user(Tenant::Center(w.center), Role::Worker);
                let path = format!("/v1/teams/{}/members/{}", w.team, user.id);
                call(app, Method::PUT, &path, w.director(), Some(json!({"role": "member"})), StatusCode::OK).await;
                user.id.to_string()
            }
            Kind::Exception => {
                let path = format!("/v1/workers/{}/availability/exceptions", w.assignee.id);
                let added =
                    call(app, Method::POST, &path, w.assignee_token(), Some(exception()), StatusCode::CREATED).await;
                added["exception"]["id"].as_str().expect("exception id").to_owned()
            }
            Kind::CentreEndpoint | Kind::ClientEndpoint => {
                let owner = if kind == Kind::CentreEndpoint { &w.admin } else { &w.cast.client };
                let body = json!({"url": "http://127.0.0.1:9/hook", "event_types": ["job.posted"]});
                let created =
                    call(app, Method::POST, "/v1/webhook-endpoints", owner, Some(body), StatusCode::CREATED).await;
                created["endpoint"]["id"].as_str().expect("endpoint id").to_owned()
            }
            Kind::PendingEntry => {
                let path = format!("/v1/tasks/{}/time-entries", w.held);
                let body = self.next_span();
                let w = &self.w;
                let logged = call(app, Method::POST, &path, w.assignee_token(), Some(body), StatusCode::CREATED).await;
                logged["id"].as_str().expect("entry id").to_owned()
            }
            Kind::RunningTimer => {
                self.stop_running_timer().await;
                let w = &self.w;
                let path = format!("/v1/tasks/{}/timer", w.held);
                let body = json!({"note": "Boxes"});
                let started = call(app, Method::POST, &path, w.assignee_token(), Some(body), StatusCode::CREATED).await;
                started["id"].as_str().expect("entry id").to_owned()
            }
            Kind::CompletedJob => crate::invoices::completed_job(app, &w.cast, "fixed", 0).await,
            Kind::DraftInvoice | Kind::IssuedInvoice => {
                crate::invoices::save_billing(app, &w.admin, 30).await;
                let job = crate::invoices::completed_job(app, &w.cast, "fixed", 0).await;
                let path = format!("/v1/jobs/{job}/invoices");
                let draft = call(app, Method::POST, &path, w.director(), None, StatusCode::CREATED).await;
                let id = draft["id"].as_str().expect("invoice id").to_owned();
                if kind == Kind::IssuedInvoice {
                    let path = format!("/v1/invoices/{id}/issue");
                    call(app, Method::POST, &path, w.director(), None, StatusCode::OK).await;
                }
                id
            }
            Kind::CentreKey | Kind::ClientKey => {
                let owner = if kind == Kind::CentreKey { &w.admin } else { &w.cast.client };
                let body = json!({"name": "A target", "scopes": ["jobs:read"]});
                let created = call(app, Method::POST, "/v1/api-keys", owner, Some(body), StatusCode::CREATED).await;
                created["api_key"]["id"].as_str().expect("key id").to_owned()
            }
        }
    }

    /// A span for the next time entry of the assignee: 5 minutes, each in its own
    /// half hour from 20 days ago, so no two overlap and no day nears the maximum.
    fn next_span(&mut self) -> Value {
        let base = chrono::Utc::now() - chrono::TimeDelta::days(20);
        let start = base + chrono::TimeDelta::minutes(30 * self.entries_logged);
        self.entries_logged += 1;
        json!({"started_at": start.to_rfc3339(), "ended_at": (start + chrono::TimeDelta::minutes(5)).to_rfc3339(),
               "note": "Boxes drawn"})
    }

    /// Stops the assignee's running timer, if any (one runs at a time).
    async fn stop_running_timer(&self) {
        let path = format!("/v1/workers/{}/time-entries?status=running", self.w.assignee.id);
        let running = call(self.app, Method::GET, &path, self.w.assignee_token(), None, StatusCode::OK).await;
        for entry in running["items"].as_array().expect("items") {
            let id = entry["id"].as_str().expect("entry id");
            // Started this minute: end it a minute later than it began is not possible
            // yet, so withdraw it instead.
            let path = format!("/v1/time-entries/{id}");
            call(self.app, Method::DELETE, &path, self.w.assignee_token(), None, StatusCode::NO_CONTENT).await;
        }
    }

    /// A new task of the world's job, taken to `state` the way work goes: queued for
    /// the team, claimed by the assignee, started, submitted, approved by a director.
    async fn task_at(&mut self, state: TaskState) -> String {
        let (app, w) = (self.app, &self.w);
        let director = w.director();
        let assignee = w.assignee_token();
        let id = tasks_for(app, director, &w.job, vec![task("A target", 30, 10, None)]).await.remove(0);
        let path = |action: &str| format!("/v1/tasks/{id}/{action}");
        let steps = [
            (TaskState::Queued, path("queue-for-team"), director, Some(json!({"team_id": w.team})), StatusCode::OK),
            (TaskState::Held, path("claim"), assignee, None, StatusCode::OK),
            (TaskState::Started, path("start"), assignee, None, StatusCode::OK),
            (
                TaskState::Submitted,
                path("submissions"),
                assignee,
                Some(json!({"result_text": "Done"})),
                StatusCode::CREATED,
            ),
        ];
        for (reached, path, token, body, status) in steps {
            if reached > state {
                return id;
            }
            let reply = call(app, Method::POST, &path, token, body, status).await;
            if reached == TaskState::Submitted {
                self.submissions.insert(id.clone(), reply["id"].as_str().expect("submission id").to_owned());
            }
        }
        if state == TaskState::Approved {
            let body = json!({"submission_id": self.submissions[&id], "decision": "approve"});
            call(app, Method::POST, &path("review"), director, Some(body), StatusCode::OK).await;
        }
        id
    }

    /// The request `caller` sends for `op` (`fresh`: on a target of its own).
    pub(crate) async fn fill(&mut self, op: &'static str, caller: Caller, fresh: bool) -> Fill {
        let task = |id: &str| format!("/v1/tasks/{id}");
        let job = |id: &str| format!("/v1/jobs/{id}");
        let worker = self.w.assignee.id.to_string();
        let team = self.w.team.clone();
        match op {
            "GET /healthz" | "GET /readyz" | "GET /v1/public/centers" | "GET /v1/me" | "GET /v1/me/tasks"
            | "GET /v1/users" | "GET /v1/invitations" | "GET /v1/skills" | "GET /v1/teams" | "GET /v1/review-queue"
            | "GET /v1/at-risk" | "GET /v1/dashboard" | "GET /v1/jobs" | "GET /v1/me/notification-preferences"
            | "GET /v1/events"
            | "GET /v1/api-keys"
            | "GET /v1/webhook-endpoints" => {
                Fill::default()
            }
            "PATCH /v1/me" => Fill::default().body(json!({"locale": "en"})),
            "POST /v1/webhook-endpoints" => {
                Fill::default().body(json!({"url": "http://127.0.0.1:9/hook", "event_types": ["task.assigned"]}))
            }
            "GET /v1/webhook-endpoints/{id}"
            | "PATCH /v1/webhook-endpoints/{id}"
            | "DELETE /v1/webhook-endpoints/{id}"
            | "POST /v1/webhook-endpoints/{id}/rotate-secret"
            | "POST /v1/webhook-endpoints/{id}/test"
            | "GET /v1/webhook-endpoints/{id}/deliveries"
            | "POST /v1/webhook-endpoints/{id}/deliveries/{delivery_id}/redeliver" => {
                let kind = if caller == Caller::Admin { Kind::CentreEndpoint } else { Kind::ClientEndpoint };
                let id = self.target(op, kind, fresh).await;
                let owner = if kind == Kind::CentreEndpoint { self.w.admin.clone() } else { self.w.cast.client.clone() };
                let mut fill = Fill::id(id.clone()).watch(format!("/v1/webhook-endpoints/{id}/deliveries"), &owner);
                if op.starts_with("PATCH") {
                    fill = fill.body(json!({"description": "Renamed"}));
                }
                if op.ends_with("redeliver") {
                    let path = format!("/v1/webhook-endpoints/{id}/test");
                    let sent = call(self.app, Method::POST, &path, &owner, None, StatusCode::ACCEPTED).await;
                    fill = fill.second(sent["delivery_id"].as_str().expect("delivery id").to_owned());
                }
                fill
            }
            "POST /v1/api-keys" => {
                Fill::default().body(json!({"name": unique("Portal"), "scopes": ["jobs:read", "events:read"]}))
            }
            "GET /v1/api-keys/{id}" | "POST /v1/api-keys/{id}/revoke" => {
                let kind = if caller == Caller::Admin { Kind::CentreKey } else { Kind::ClientKey };
                let id = self.target(op, kind, fresh).await;
                let owner = if kind == Kind::CentreKey { self.w.admin.clone() } else { self.w.cast.client.clone() };
                Fill::id(id.clone()).watch(format!("/v1/api-keys/{id}"), &owner)
            }
            "PUT /v1/me/notification-preferences" => Fill::default()
                .body(json!({"items": [{"kind": "task_assigned", "enabled": true, "delivery": "daily_digest"}]})),
            "POST /v1/me/verification-email" => {
                if let Some(token) = self.w.token(caller) {
                    let me = call(self.app, Method::GET, "/v1/me", token, None, StatusCode::OK).await;
                    let id = me["user"]["id"].as_str().expect("user id").to_owned();
                    self.app.unverify_email(&id);
                }
                Fill::default()
            }
            "POST /v1/auth/password-reset" => Fill::default().body(json!({"email": email()})),
            "POST /v1/auth/password-reset/confirm" => {
                let account = self.app.create_user(Tenant::Center(self.w.center), Role::Worker);
                let asked = self.app.post("/v1/auth/password-reset", None, json!({"email": account.email})).await;
                assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.body);
                let token = self.app.mailed_token(&account.email, "password_reset");
                Fill::default().body(json!({"token": token, "new_password": "another long passphrase"}))
            }
            "POST /v1/auth/verify-email" => {
                let address = email();
                let body = json!({"organization_name": unique("Org"), "display_name": "New Client",
                    "email": address, "password": PASSWORD});
                let signed_up = self.app.post("/v1/auth/signup", None, body).await;
                assert_eq!(signed_up.status, StatusCode::CREATED, "{}", signed_up.body);
                Fill::default().body(json!({"token": self.app.mailed_token(&address, "verify_email")}))
            }
            "GET /v1/public/centers/{id}/skills" | "GET /v1/public/centers/{id}/teams" => {
                Fill::id(self.w.cast.center_id.clone())
            }
            "POST /v1/auth/signup" => Fill::default().body(json!({"organization_name": unique("Org"),
                "display_name": "New Client", "email": email(), "password": PASSWORD})),
            "POST /v1/auth/login" => {
                Fill::default().body(json!({"email": self.w.spare.email, "password": PASSWORD}))
            }
            "POST /v1/auth/refresh" | "POST /v1/auth/logout" => {
                let (_, refresh) = self.app.login(&self.w.spare.email).await;
                Fill::default().body(json!({"refresh_token": refresh}))
            }
            "POST /v1/invitations/accept" => {
                let address = email();
                let invitation = json!({"email": address, "role": "worker"});
                call(self.app, Method::POST, "/v1/invitations", &self.w.admin, Some(invitation), StatusCode::CREATED).await;
                let token = self.app.mailed_token(&address, "invitation");
                Fill::default().body(json!({"token": token, "display_name": "New Worker", "password": PASSWORD}))
            }

            // The caller's tenant.
            "GET /v1/users/{id}" => Fill::id(self.w.worker.id.to_string()),
            "POST /v1/users/{id}/deactivate" | "POST /v1/users/{id}/reactivate" => {
                let kind = if op.ends_with("deactivate") { Kind::ActiveUser } else { Kind::InactiveUser };
                let user = self.target(op, kind, fresh).await;
                Fill::id(user.clone()).watch(format!("/v1/users/{user}"), &self.w.admin)
            }
            "POST /v1/invitations" => {
                let role = if matches!(caller, Caller::Client | Caller::OtherClient) { "client" } else { "worker" };
                Fill::default().body(json!({"email": email(), "role": role}))
            }
            "POST /v1/skills" => Fill::default().body(json!({"slug": unique("skill"), "name": "A skill"})),
            "POST /v1/teams" => Fill::default().body(json!({"name": unique("Team")})),

            // Jobs.
            "POST /v1/jobs" => Fill::default().body(job_body(&self.w.cast.center_id)),
            "GET /v1/jobs/{id}"
            | "GET /v1/jobs/{id}/quotes"
            | "GET /v1/jobs/{id}/comments"
            | "GET /v1/jobs/{id}/events"
            | "GET /v1/jobs/{id}/tasks"
            | "GET /v1/jobs/{id}/deliveries" => Fill::id(self.w.job.clone()),
            "POST /v1/jobs/{id}/comments" => Fill::id(self.w.job.clone()).body(json!({"body": "A question"})),
            "POST /v1/jobs/{id}/tasks" => {
                Fill::id(self.w.job.clone()).body(json!({"tasks": [task_spec()]})).watch(job(&self.w.job), &self.w.cast.client)
            }
            "POST /v1/jobs/{id}/assignment-plan" => Fill::id(self.w.job.clone()).body(json!({"apply": false})),
            "POST /v1/jobs/{id}/capacity-check" => {
                Fill::id(self.w.job.clone()).body(json!({"needs": [{"skill": "image-annotation", "hours": 2.0}]}))
            }
            "POST /v1/jobs/{id}/deliveries" => {
                let approved = self.target(op, Kind::Task(TaskState::Approved), fresh).await;
                Fill::id(self.w.job.clone())
                    .body(json!({"task_ids": [approved], "note": "Delivered"}))
                    .watch(task(&approved), self.w.director())
            }
            "PATCH /v1/jobs/{id}" | "POST /v1/jobs/{id}/post" => {
                let id = self.target(op, Kind::Draft, fresh).await;
                let body = op.starts_with("PATCH").then(|| json!({"title": "Renamed job"}));
                Fill { body, ..Fill::id(id.clone()) }.watch(job(&id), &self.w.cast.client)
            }
            "POST /v1/jobs/{id}/cancel" | "POST /v1/jobs/{id}/quote" | "POST /v1/jobs/{id}/decline" => {
                let id = self.target(op, Kind::Posted, fresh).await;
                let body = match op {
                    "POST /v1/jobs/{id}/quote" => Some(quote_body()),
                    "POST /v1/jobs/{id}/decline" => Some(json!({"reason": "Too busy this month"})),
                    _ => None,
                };
                Fill { body, ..Fill::id(id.clone()) }.watch(job(&id), &self.w.cast.client)
            }
            "POST /v1/jobs/{id}/quote/approve" | "POST /v1/jobs/{id}/quote/reject" => {
                let id = self.target(op, Kind::Quoted, fresh).await;
                let body = op.ends_with("reject").then(|| json!({"reason": "Too expensive"}));
                Fill { body, ..Fill::id(id.clone()) }.watch(job(&id), &self.w.cast.client)
            }
            "GET /v1/deliveries/{id}" => Fill::id(self.w.delivery.clone()),
            "POST /v1/deliveries/{id}/accept" | "POST /v1/deliveries/{id}/reject" => {
                let id = self.target(op, Kind::Delivery, fresh).await;
                let body = op.ends_with("reject").then(|| json!({"reason": "Boxes are too loose"}));
                Fill { body, ..Fill::id(id.clone()) }.watch(format!("/v1/deliveries/{id}"), &self.w.cast.client)
            }

            // Tasks.
            "GET /v1/tasks/{id}"
            | "GET /v1/tasks/{id}/submissions"
            | "GET /v1/tasks/{id}/reviews"
            | "GET /v1/tasks/{id}/comments"
            | "GET /v1/tasks/{id}/events"
            | "GET /v1/tasks/{id}/candidates" => Fill::id(self.w.held.clone()),
            "POST /v1/tasks/{id}/comments" => Fill::id(self.w.held.clone()).body(json!({"body": "A note"})),
            _ if op.starts_with("POST /v1/tasks/{id}/") || op == "PATCH /v1/tasks/{id}" => {
                let (state, body) = match op.rsplit('/').next().unwrap_or_default() {
                    "{id}" => (TaskState::Held, Some(json!({"title": "Renamed task"}))),
                    "queue-for-team" => (TaskState::Open, Some(json!({"team_id": team}))),
                    "assign" => (TaskState::Queued, Some(json!({"worker_id": worker}))),
                    "claim" => (TaskState::Queued, None),
                    "reassign" => (TaskState::Started, Some(json!({"worker_id": self.w.spare.id.to_string()}))),
                    "unassign" | "cancel" | "start" => (TaskState::Held, None),
                    "release" => (TaskState::Held, Some(json!({"note": "Half done; the rest is yours"}))),
                    "submissions" => (TaskState::Started, Some(json!({"result_text": "Boxes drawn"}))),
                    "review" | "fix" => (TaskState::Submitted, None),
                    "cover" => (TaskState::Started, Some(json!({"note": "Covering an absence"}))),
                    "time-entries" => (TaskState::Held, Some(self.next_span())),
                    "timer" => {
                        if fresh {
                            self.stop_running_timer().await;
                        }
                        (TaskState::Held, Some(json!({"note": "Boxes"})))
                    }
                    other => panic!("no target for the task operation `{other}`: add it to `fill`"),
                };
                let id = self.target(op, Kind::Task(state), fresh).await;
                let body = match op.rsplit('/').next().unwrap_or_default() {
                    "review" => Some(json!({"submission_id": self.submissions[&id], "decision": "approve"})),
                    "fix" => Some(json!({"submission_id": self.submissions[&id],
                        "result": {"result_text": "Boxes corrected"}, "comment": "Two boxes fixed"})),
                    _ => body,
                };
                Fill { body, ..Fill::id(id.clone()) }.watch(task(&id), self.w.director())
            }

            // The assignee's records.
            "GET /v1/workers/{id}/profile"
            | "GET /v1/workers/{id}/skills"
            | "GET /v1/workers/{id}/skills-history"
            | "GET /v1/workers/{id}/availability"
            | "GET /v1/workers/{id}/available-hours"
            | "GET /v1/workers/{id}/quality" => Fill::id(worker),
            "PUT /v1/workers/{id}/profile" => Fill::id(worker.clone())
                .body(json!({"work_modes": ["home"], "weekly_cap_minutes": 2400, "daily_cap_minutes": 480,
                             "accommodations": "Mornings only"}))
                .watch(format!("/v1/workers/{worker}/profile"), self.w.director()),
            "PUT /v1/workers/{id}/hourly-rate" => Fill::id(worker.clone())
                .body(json!({"hourly_rate": {"amount_minor": 1200, "currency": "JPY"}}))
                .watch(format!("/v1/workers/{worker}/profile"), self.w.director()),
            "PUT /v1/workers/{id}/skills/{skill}" => Fill::id(worker.clone())
                .second("image-annotation")
                .body(json!({"level": 3, "evidence": "Test batch: 2 errors in 200"}))
                .watch(format!("/v1/workers/{worker}/skills-history"), self.w.director()),
            "PUT /v1/workers/{id}/availability/windows" => Fill::id(worker.clone())
                .body(json!({"windows": (0..7).map(|d| json!({"weekday": d, "start": "00:00", "end": "24:00"})).collect::<Vec<_>>()}))
                .watch(format!("/v1/workers/{worker}/availability"), self.w.director()),
            "POST /v1/workers/{id}/availability/exceptions" => Fill::id(worker.clone())
                .body(exception())
                .watch(format!("/v1/workers/{worker}/availability"), self.w.director()),
            "DELETE /v1/workers/{id}/availability/exceptions/{exception_id}" => {
                let exception = self.target(op, Kind::Exception, fresh).await;
                Fill::id(worker.clone())
                    .second(exception)
                    .watch(format!("/v1/workers/{worker}/availability"), self.w.director())
            }

            // The team.
            "GET /v1/teams/{id}"
            | "GET /v1/teams/{id}/queue"
            | "GET /v1/teams/{id}/quality"
            | "GET /v1/teams/{id}/review-queue" => Fill::id(team),
            "PUT /v1/teams/{id}/members/{worker_id}" | "DELETE /v1/teams/{id}/members/{worker_id}" => {
                let kind = if op.starts_with("PUT") { Kind::NonMember } else { Kind::Member };
                let member = self.target(op, kind, fresh).await;
                let body = op.starts_with("PUT").then(|| json!({"role": "member"}));
                Fill { body, ..Fill::id(team.clone()) }.second(member).watch(format!("/v1/teams/{team}"), self.w.director())
            }
            // Time and pay.
            "GET /v1/time-entries/{id}"
            | "DELETE /v1/time-entries/{id}"
            | "POST /v1/time-entries/{id}/approve"
            | "POST /v1/time-entries/{id}/reject"
            | "POST /v1/time-entries/{id}/adjust" => {
                let id = self.target(op, Kind::PendingEntry, fresh).await;
                let body = match op.rsplit('/').next().unwrap_or_default() {
                    "reject" => Some(json!({"reason": "Not on this task"})),
                    "adjust" => {
                        let entry = call(self.app, Method::GET, &format!("/v1/time-entries/{id}"), self.w.director(), None, StatusCode::OK).await;
                        Some(json!({"started_at": entry["started_at"], "ended_at": entry["ended_at"], "reason": "Checked"}))
                    }
                    _ => None,
                };
                Fill { body, ..Fill::id(id.clone()) }.watch(format!("/v1/time-entries/{id}"), self.w.director())
            }
            "POST /v1/time-entries/{id}/stop" => {
                let id = self.target(op, Kind::RunningTimer, fresh).await;
                // Stopped a minute from its start: the earliest a timer can end.
                let entry = call(self.app, Method::GET, &format!("/v1/time-entries/{id}"), self.w.director(), None, StatusCode::OK).await;
                let start = chrono::DateTime::parse_from_rfc3339(entry["started_at"].as_str().expect("start")).expect("time");
                let wait = (start + chrono::TimeDelta::minutes(1)).with_timezone(&chrono::Utc) - chrono::Utc::now();
                if let (true, Ok(wait)) = (fresh, wait.to_std()) {
                    tokio::time::sleep(wait).await;
                }
                Fill::id(id.clone()).body(json!({})).watch(format!("/v1/time-entries/{id}"), self.w.director())
            }
            "GET /v1/workers/{id}/time-entries" | "GET /v1/workers/{id}/pay-rates" => Fill::id(worker),
            "GET /v1/jobs/{id}/time-entries" | "GET /v1/jobs/{id}/time" | "GET /v1/jobs/{id}/margin" => {
                Fill::id(self.w.job.clone())
            }
            "GET /v1/minimum-wages"
            | "GET /v1/pay-rates/shortfalls"
            | "GET /v1/pay-settings"
            | "GET /v1/billing-settings"
            | "GET /v1/pay-periods" => Fill::default(),
            "PUT /v1/billing-settings" => Fill::default()
                .body(json!({"legal_name": "Shiojiri KADO", "address": "Shiojiri, Nagano",
                             "registration_number": "T7000012050002", "default_tax_rate": 10, "payment_terms_days": 30}))
                .watch("/v1/billing-settings".into(), &self.w.admin),
            "POST /v1/minimum-wages" => {
                // One minimum per day: each call its own day.
                let day = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).expect("day")
                    + chrono::TimeDelta::days(self.entries_logged);
                self.entries_logged += 1;
                Fill::default()
                    .body(json!({"effective_from": day.to_string(), "hourly_minimum": {"amount_minor": 950}}))
                    .watch("/v1/minimum-wages".into(), &self.w.admin)
            }
            "PUT /v1/pay-settings" => Fill::default()
                .body(json!({"max_daily_minutes": 600, "closing_day": 31, "withholding_enabled": true}))
                .watch("/v1/pay-settings".into(), &self.w.admin),
            "PUT /v1/workers/{id}/withholding" => Fill::id(worker.clone())
                .body(json!({"withheld": true}))
                .watch(format!("/v1/workers/{worker}/pay-rates"), self.w.director()),
            "GET /v1/pay-periods/{period}" | "GET /v1/margins/{month}" => Fill::default().period(this_month()),
            "POST /v1/pay-periods/{period}/close" => {
                // Periods close in order, from one long before any logged time: each
                // success closes the next month (in its caller's centre).
                let period = month_before(13 - i64::from(self.periods_closed));
                if fresh {
                    self.periods_closed += 1;
                }
                Fill::default().period(period.clone()).watch(format!("/v1/pay-periods/{period}"), &self.w.admin)
            }
            "GET /v1/workers/{id}/statements/{period}"
            | "GET /v1/workers/{id}/statements/{period}/csv"
            | "GET /v1/workers/{id}/statements/{period}/html" => Fill::id(worker).period(this_month()),
            "GET /v1/invoices" => Fill::default(),
            "POST /v1/organizations/{id}/invoices" => {
                // Each success bills the month's unbilled completed jobs: a fresh one each.
                if fresh {
                    self.build(Kind::CompletedJob).await;
                }
                let me = call(self.app, Method::GET, "/v1/me", &self.w.cast.client, None, StatusCode::OK).await;
                let organization = me["organization"]["id"].as_str().expect("organisation").to_owned();
                let month = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Tokyo).format("%Y-%m").to_string();
                Fill::id(organization).body(json!({"month": month})).watch("/v1/invoices?status=draft".into(), self.w.director())
            }
            "POST /v1/jobs/{id}/invoices" => {
                let id = self.target(op, Kind::CompletedJob, fresh).await;
                Fill::id(id.clone()).watch(format!("/v1/invoices?job_id={id}"), self.w.director())
            }
            "PUT /v1/invoices/{id}" | "POST /v1/invoices/{id}/issue" => {
                let id = self.target(op, Kind::DraftInvoice, fresh).await;
                let body = op.starts_with("PUT").then(
                    || json!({"lines": [{"description": "Matrix", "amount": {"amount_minor": 1000}}], "version": 1}),
                );
                Fill { body, ..Fill::id(id.clone()) }.watch(format!("/v1/invoices/{id}"), self.w.director())
            }
            "GET /v1/invoices/{id}"
            | "GET /v1/invoices/{id}/csv"
            | "GET /v1/invoices/{id}/html"
            | "POST /v1/invoices/{id}/payments"
            | "POST /v1/invoices/{id}/void"
            | "POST /v1/invoices/{id}/credit-notes" => {
                let id = self.target(op, Kind::IssuedInvoice, fresh).await;
                let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
                let body = match op {
                    // The fixed job's ¥450 000 and 10 % tax.
                    "POST /v1/invoices/{id}/payments" => {
                        Some(json!({"amount": {"amount_minor": 495_000}, "paid_on": today.to_string()}))
                    }
                    "POST /v1/invoices/{id}/void" => Some(json!({"reason": "Matrix"})),
                    "POST /v1/invoices/{id}/credit-notes" => Some(json!({
                        "lines": [{"description": "Matrix", "amount": {"amount_minor": 1000}}], "reason": "Matrix"})),
                    _ => None,
                };
                Fill { body, ..Fill::id(id.clone()) }.watch(format!("/v1/invoices/{id}"), self.w.director())
            }
            other => panic!("no request for `{other}`: add one to `fill` in tests/api/authorization.rs"),
        }
    }
}

/// The month `months` before this one (Tokyo), `YYYY-MM`.
fn month_before(months: i64) -> String {
    use chrono::Datelike;
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
    let first = today.with_day(1).expect("first of the month");
    let back = first.checked_sub_months(chrono::Months::new(u32::try_from(months).expect("months"))).expect("month");
    back.format("%Y-%m").to_string()
}

fn this_month() -> String {
    month_before(0)
}

/// One task, due before the job.
fn task_spec() -> Value {
    task("Another batch", 30, 10, None)
}

/// An extra hour in three days: inside the default week read back, putting no work
/// at risk.
fn exception() -> Value {
    let day = (chrono::Utc::now() + chrono::TimeDelta::days(3)).with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
    json!({"day": day.to_string(), "kind": "extra", "start": "18:00", "end": "19:00", "note": "Catching up"})
}

/// The people, the team, the job and the shared targets.
pub(crate) async fn world(app: &TestApp) -> World {
    let cast = cast(app).await;
    let center = app.db.read(|conn| yui_store::centers::find_by_slug(conn, "kado")).expect("centre").expect("kado");
    let tenant = Tenant::Center(center.id);
    let admin = app.create_user(tenant, Role::Admin);
    let worker = app.create_user(tenant, Role::Worker);
    let spare = app.create_user(tenant, Role::Worker);
    let other_center = app.create_center("b");
    let other_staff = app.create_user(Tenant::Center(other_center.id), Role::Admin);
    let other_org = app.create_organization("Other Works");
    let other_client = app.create_user(Tenant::Organization(other_org), Role::Client);

    let admin = app.token(&admin).await;
    let mut tokens = HashMap::from([
        (Caller::Admin, admin.clone()),
        (Caller::Director, cast.director.clone()),
        (Caller::Client, cast.client.clone()),
        (Caller::Worker, app.token(&worker).await),
        (Caller::OtherClient, app.token(&other_client).await),
        (Caller::OtherStaff, app.token(&other_staff).await),
    ]);
    for (caller, (_, token)) in [Caller::Assignee, Caller::Teammate, Caller::Reviewer].into_iter().zip(&cast.workers) {
        tokens.insert(caller, token.clone());
    }

    let team =
        call(app, Method::POST, "/v1/teams", &cast.director, Some(json!({"name": "Map team"})), StatusCode::CREATED)
            .await["id"]
            .as_str()
            .expect("team id")
            .to_owned();
    for ((account, _), role) in cast.workers.iter().zip(["member", "member", "reviewer"]) {
        let path = format!("/v1/teams/{team}/members/{}", account.id);
        call(app, Method::PUT, &path, &cast.director, Some(json!({"role": role})), StatusCode::OK).await;
    }
    let assignee = cast.workers[0].0.clone();
    always_available(app, &cast.workers[0].1, &assignee, 480, 2400).await;
    let job = active_job(app, &cast).await;

    let w = World {
        cast,
        center: center.id,
        admin,
        assignee,
        worker,
        spare,
        tokens,
        team,
        job,
        held: String::new(),
        delivery: String::new(),
    };
    let mut runner = Runner::new(app, w);
    runner.w.delivery = runner.build(Kind::Delivery).await;
    // The task every read shares: submitted, sent back for changes (still the
    // assignee's), with a comment, so none of its lists is empty.
    let held = runner.build(Kind::Task(TaskState::Submitted)).await;
    let (w, director) = (&runner.w, runner.w.director());
    let review = json!({"submission_id": runner.submissions[&held], "decision": "request_changes",
                        "comment": "Signs behind trees are missing."});
    call(app, Method::POST, &format!("/v1/tasks/{held}/review"), director, Some(review), StatusCode::OK).await;
    let note = json!({"body": "Ask me about the tunnel section"});
    call(app, Method::POST, &format!("/v1/tasks/{held}/comments"), w.assignee_token(), Some(note), StatusCode::CREATED)
        .await;
    World { held, ..runner.w }
}

/// The status and problem code a mark stands for.
fn expected(mark: char, success: StatusCode) -> (StatusCode, Option<&'static str>) {
    match mark {
        'S' => (success, None),
        'F' => (StatusCode::FORBIDDEN, Some("forbidden")),
        'O' => (StatusCode::FORBIDDEN, Some("own_work")),
        'H' => (StatusCode::NOT_FOUND, Some("not_found")),
        'U' => (StatusCode::UNAUTHORIZED, Some("unauthenticated")),
        // API keys only (see `authorization_keys`).
        'K' => (StatusCode::FORBIDDEN, Some("insufficient_scope")),
        'P' => (StatusCode::FORBIDDEN, Some("person_only")),
        other => panic!("unknown mark {other}"),
    }
}

/// Sends the request for the operation `template` with `token`.
async fn send(app: &TestApp, method: &Method, template: &str, token: Option<&str>, fill: Fill) -> Reply {
    let second = fill.second.as_deref();
    let path = template
        .replace("{id}", fill.id.as_deref().unwrap_or("{id}"))
        .replace("{worker_id}", second.unwrap_or("{worker_id}"))
        .replace("{exception_id}", second.unwrap_or("{exception_id}"))
        .replace("{skill}", second.unwrap_or("{skill}"))
        .replace("{delivery_id}", second.unwrap_or("{delivery_id}"))
        .replace("{period}", fill.period.as_deref().unwrap_or("{period}"))
        .replace("{month}", fill.period.as_deref().unwrap_or("{month}"));
    assert!(!path.contains('{'), "{method} {template}: a path parameter is not filled in: {path}");
    app.request(method.clone(), &path, token, fill.body).await
}

/// What is wrong with `reply` for an expected mark, if anything.
fn mismatch(reply: &Reply, (status, code): (StatusCode, Option<&str>)) -> Option<String> {
    let problem_ok = code.is_none_or(|code| {
        reply.content_type == "application/problem+json"
            && reply.body["code"] == code
            && reply.body["status"] == status.as_u16()
    });
    if reply.status == status && problem_ok {
        return None;
    }
    let want = code.map_or_else(|| status.to_string(), |code| format!("{status} {code} (problem+json)"));
    let body: String = reply.body.to_string().chars().take(400).collect();
    Some(format!("expected {want}, got {} [{}] {body}", reply.status, reply.content_type))
}

/// One caller of a row: who they are to `fill` (the kind of person, or the person
/// whose key it is), the token they send, and the mark they should get.
pub(crate) struct Entry {
    pub(crate) label: String,
    pub(crate) caller: Caller,
    pub(crate) token: Option<String>,
    pub(crate) mark: char,
}

/// Calls `op` as every entry: the refused ones first, all on one shared target,
/// which must not move, with no table gaining or losing a row; then each allowed
/// one on a target of its own when the operation writes. Returns what differed.
pub(crate) async fn check_row(
    runner: &mut Runner<'_>,
    operations: &BTreeMap<String, (StatusCode, bool)>,
    op: &'static str,
    entries: Vec<Entry>,
) -> Vec<String> {
    let app = runner.app;
    let mut failures = Vec::new();
    let (method, template) = op.split_once(' ').expect("METHOD /path");
    let method = Method::from_bytes(method.as_bytes()).expect("method");
    let (success, writes) = (operations[op].0, method != Method::GET);
    let (allowed, refused): (Vec<_>, Vec<_>) = entries.into_iter().partition(|entry| entry.mark == 'S');

    let mut requests = Vec::new();
    for entry in refused {
        let fill = runner.fill(op, entry.caller, false).await;
        requests.push((entry, fill));
    }
    let counts = writes.then(|| app.row_counts());
    for (entry, fill) in requests {
        let watch = fill.watch.clone();
        let mut before = None;
        if let Some((path, token)) = &watch {
            let read = app.get(path, Some(token)).await;
            assert_eq!(read.status, StatusCode::OK, "{op}: reading {path}: {}", read.body);
            before = Some(read.body);
        }
        let reply = send(app, &method, template, entry.token.as_deref(), fill).await;
        if let Some(problem) = mismatch(&reply, expected(entry.mark, success)) {
            failures.push(format!("{op} as {}: {problem}", entry.label));
        }
        if let (Some((path, token)), Some(before)) = (&watch, before) {
            let after = app.get(path, Some(token)).await.body;
            if after != before {
                failures.push(format!(
                    "{op} as {}: refused, yet {path} changed:\n    before {before}\n    after  {after}",
                    entry.label
                ));
            }
        }
    }
    if let Some(counts) = counts {
        let changed: Vec<String> = counts
            .iter()
            .zip(app.row_counts())
            .filter(|(a, b)| a.1 != b.1)
            .map(|((table, a), (_, b))| format!("{table} {a} → {b}"))
            .collect();
        if !changed.is_empty() {
            failures.push(format!("{op}: the refused calls wrote rows: {}", changed.join(", ")));
        }
    }

    for entry in allowed {
        let fill = runner.fill(op, entry.caller, writes).await;
        let reply = send(app, &method, template, entry.token.as_deref(), fill).await;
        if let Some(problem) = mismatch(&reply, expected(entry.mark, success)) {
            failures.push(format!("{op} as {}: {problem}", entry.label));
        }
    }
    failures
}

async fn every_operation_answers_every_caller_as_the_rules_say(app: TestApp) {
    let operations = check_rows_against_the_spec();
    let w = world(&app).await;
    let mut runner = Runner::new(&app, w);
    let mut failures: Vec<String> = Vec::new();
    for (op, marks) in MATRIX {
        let entries = CALLERS
            .into_iter()
            .zip(marks_of(marks))
            .map(|(caller, mark)| Entry {
                label: format!("{caller:?}"),
                caller,
                token: runner.w.token(caller).map(str::to_owned),
                mark,
            })
            .collect();
        failures.extend(check_row(&mut runner, &operations, op, entries).await);
    }
    assert!(failures.is_empty(), "{} answers differ from the rules:\n{}", failures.len(), failures.join("\n"));
}
