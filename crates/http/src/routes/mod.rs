//! Every route of the API, registered through utoipa so the OpenAPI document and the
//! routing table are built from the same list and cannot drift apart.

mod auth;
mod centers;
mod comments;
mod cover;
mod dashboard;
mod deliveries;
mod events;
mod health;
mod intake;
mod invitations;
mod jobs;
mod matching;
mod me;
mod review;
mod showcase;
mod skills;
mod tasks;
mod teams;
mod users;
mod work;
mod workers;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers all routes: probes at the root, the API under `/v1`.
pub fn configure(config: &mut ServiceConfig) {
    config.service(health::healthz).service(health::readyz).service(
        scope::scope("/v1")
            .configure(auth::configure)
            .configure(me::configure)
            .configure(users::configure)
            .configure(invitations::configure)
            .configure(centers::configure)
            .configure(jobs::configure)
            .configure(intake::configure)
            .configure(tasks::configure)
            .configure(work::configure)
            .configure(review::configure)
            .configure(deliveries::configure)
            .configure(comments::configure)
            .configure(events::configure)
            .configure(skills::configure)
            .configure(workers::configure)
            .configure(teams::configure)
            .configure(matching::configure)
            .configure(cover::configure)
            .configure(dashboard::configure)
            .configure(showcase::configure),
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
}
