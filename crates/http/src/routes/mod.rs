//! Every route of the API, registered through utoipa so the OpenAPI document and the
//! routing table are built from the same list and cannot drift apart.

mod auth;
mod centers;
mod health;
mod invitations;
mod me;
mod users;

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
            .configure(centers::configure),
    );
}

/// Tag names, one per route module, as they appear in the OpenAPI document.
pub mod tags {
    pub const AUTH: &str = "auth";
    pub const ACCOUNT: &str = "account";
    pub const USERS: &str = "users";
    pub const INVITATIONS: &str = "invitations";
    pub const PUBLIC: &str = "public";
    pub const HEALTH: &str = "health";
}
