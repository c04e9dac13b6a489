//! What partner portals and API clients integrate with: the event feed.

mod events;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config.configure(events::configure);
}
