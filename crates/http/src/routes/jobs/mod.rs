//! Jobs and what happens to them as a whole: a client's draft, posting, progress and
//! cancellation; intake (quotes and declines); deliveries and the client's decision;
//! the job's comment thread and history.

mod comments;
mod deliveries;
mod events;
mod intake;
mod posting;

use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn configure(config: &mut ServiceConfig) {
    config
        .configure(posting::configure)
        .configure(intake::configure)
        .configure(deliveries::configure)
        .configure(comments::configure)
        .configure(events::configure);
}

/// A decision's reason, for the other party (declining a job, rejecting a quote or a
/// delivery).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Why, for the other party.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$")]
    pub reason: String,
}
