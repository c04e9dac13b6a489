//! Public information, no authentication: the centre directory and the public team
//! showcases.

mod centers;
mod showcase;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config.configure(centers::configure).configure(showcase::configure);
}
