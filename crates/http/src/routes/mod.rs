//! Every route of the API, registered through utoipa so the OpenAPI document and the
//! routing table are built from the same list and cannot drift apart.
//!
//! One folder per resource: `account` (auth, the caller, users, invitations),
//! `public` (directory, showcase), `jobs` (jobs, intake, deliveries, their threads and
//! history), `tasks` (tasks, work, review, their threads and history), `workforce`
//! (skills, workers, teams, matching, cover, dashboard), `pay` (time logs, rates,
//! minimum wages), `integrations` (the event feed, webhook endpoints, API keys). Request and response types
//! live next to their handlers; what two handlers of a folder share lives in the
//! folder's `mod.rs`; no route module imports another's. Views shared across folders
//! are in `crate::views` and `crate::flow_views`.

mod account;
mod health;
mod integrations;
mod jobs;
mod pay;
mod public;
mod tasks;
mod workforce;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers all routes: probes at the root, the API under `/v1`.
pub fn configure(config: &mut ServiceConfig) {
    config.service(health::healthz).service(health::readyz).service(
        scope::scope("/v1")
            .configure(account::configure)
            .configure(public::configure)
            .configure(jobs::configure)
            .configure(tasks::configure)
            .configure(workforce::configure)
            .configure(pay::configure)
            .configure(integrations::configure),
    );
}

/// Tag names, one per route module, as they appear in the OpenAPI document.
pub mod tags {
    pub const AUTH: &str = "auth";
    pub const ACCOUNT: &str = "account";
    pub const USERS: &str = "users";
    pub const INVITATIONS: &str = "invitations";
    pub const PUBLIC: &str = "public";
    pub const JOBS: &str = "jobs";
    pub const INTAKE: &str = "intake";
    pub const TASKS: &str = "tasks";
    pub const WORK: &str = "work";
    pub const REVIEW: &str = "review";
    pub const DELIVERIES: &str = "deliveries";
    pub const COMMENTS: &str = "comments";
    pub const HISTORY: &str = "history";
    pub const SKILLS: &str = "skills";
    pub const WORKERS: &str = "workers";
    pub const TEAMS: &str = "teams";
    pub const MATCHING: &str = "matching";
    pub const DASHBOARD: &str = "dashboard";
    pub const HEALTH: &str = "health";
    pub const EVENTS: &str = "events";
    pub const WEBHOOKS: &str = "webhooks";
    pub const API_KEYS: &str = "api-keys";
    pub const TIME: &str = "time";
    pub const PAY: &str = "pay";
    pub const INVOICES: &str = "invoices";
}
