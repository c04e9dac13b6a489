//! The workforce: the skill catalogue and levels, workers' profiles, pay and
//! availability, teams and their queues, matching people to work, cover for work at
//! risk, and the director's dashboard.

mod candidates;
mod cover;
mod dashboard;
mod matching;
mod skills;
mod teams;
mod workers;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .configure(skills::configure)
        .configure(workers::configure)
        .configure(teams::configure)
        .configure(matching::configure)
        .configure(cover::configure)
        .configure(dashboard::configure);
}
