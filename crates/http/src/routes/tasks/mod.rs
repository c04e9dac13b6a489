//! Tasks and the work on them: splitting a job, task lists and edits; assignment,
//! starting and submitting; review, fixes and the QC queues; the task's comment
//! thread and history.

mod comments;
mod events;
mod review;
mod splitting;
mod work;

use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use yui_store::submissions::SubmissionContent;

use crate::error::ApiError;
use crate::input;

pub fn configure(config: &mut ServiceConfig) {
    config
        .configure(splitting::configure)
        .configure(work::configure)
        .configure(review::configure)
        .configure(comments::configure)
        .configure(events::configure);
}

/// A result handed in for review.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    /// The result as text (may be empty when links or a payload carry it).
    #[validate(length(max = 100000))]
    #[schema(max_length = 100000, pattern = "^[^\\x00]*$")]
    pub result_text: String,
    /// Links to result files (at most 50).
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    #[serde(default)]
    pub links: Vec<String>,
    /// A structured result: a JSON object of any fields (or `null`).
    #[schema(value_type = Option<std::collections::HashMap<String, serde_json::Value>>)]
    pub payload: Option<serde_json::Map<String, serde_json::Value>>,
    /// A note for the reviewer.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000, pattern = "^[^\\x00]*$")]
    #[serde(default)]
    pub note: String,
}

impl SubmitRequest {
    /// Parses the content; a result needs text, a link or a payload.
    pub(super) fn content(&self) -> Result<SubmissionContent, ApiError> {
        let links = self
            .links
            .iter()
            .enumerate()
            .map(|(index, link)| input::required_text(&format!("links[{index}]"), link, 2000))
            .collect::<Result<Vec<_>, _>>()?;
        let content = SubmissionContent {
            result_text: input::text("result_text", &self.result_text, 100_000)?,
            links,
            payload: self.payload.clone().map(serde_json::Value::Object),
            note: input::text("note", &self.note, 2000)?,
        };
        if content.result_text.is_empty() && content.links.is_empty() && content.payload.is_none() {
            return Err(ApiError::invalid_field(
                "result_text",
                "empty_result",
                "give a result: text, links or a payload",
            ));
        }
        Ok(content)
    }
}
