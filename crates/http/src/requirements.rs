//! Skill requirements in requests and responses: a skill from the centre's catalogue
//! and a minimum level (1–5). Unknown skills are refused with `422 unknown_skill`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;
use yui_domain::CenterId;
use yui_domain::workforce::{Level, SkillRequirement};
use yui_store::{DbConnection, skills};

use crate::error::ApiError;
use crate::input;

/// "Needs this skill at this level or above."
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillRequirementInput {
    /// A skill's slug in the centre's catalogue (`GET /v1/public/centers/{id}/skills`).
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, example = "hd-map-editing")]
    pub skill: String,
    /// The minimum level, 1 (beginner) to 5 (expert); 1 when omitted.
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub min_level: Option<i64>,
}

/// A skill requirement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SkillRequirementView {
    /// The skill's slug in the centre's catalogue.
    pub skill: String,
    /// The minimum level, 1 to 5.
    pub min_level: u8,
}

impl From<SkillRequirement> for SkillRequirementView {
    fn from(requirement: SkillRequirement) -> Self {
        Self { skill: requirement.skill, min_level: requirement.min_level.get() }
    }
}

/// Parses a skill and an optional minimum level into a requirement.
pub fn parse(field: &str, skill: &str, min_level: Option<i64>) -> Result<SkillRequirement, ApiError> {
    let skill = input::name(&format!("{field}.skill"), skill, 50)?.into_string();
    let min_level = Level::new(min_level.unwrap_or(1))
        .map_err(|e| ApiError::invalid_field(&format!("{field}.min_level"), "range", e))?;
    Ok(SkillRequirement { skill, min_level })
}

/// `422 unknown_skill` naming the first field whose skill is not in the catalogue.
pub fn ensure_known<'a>(
    conn: &mut DbConnection,
    center: CenterId,
    named: impl IntoIterator<Item = (String, &'a SkillRequirement)>,
) -> Result<(), ApiError> {
    let named: Vec<(String, &SkillRequirement)> = named.into_iter().collect();
    let mut wanted: Vec<String> = named.iter().map(|(_, r)| r.skill.clone()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let missing = skills::missing(conn, center, &wanted)?;
    match named.iter().find(|(_, r)| missing.contains(&r.skill)) {
        Some((field, requirement)) => Err(ApiError::invalid_field(
            &format!("{field}.skill"),
            "unknown_skill",
            format!("`{}` is not in the centre's skill catalogue", requirement.skill),
        )),
        None => Ok(()),
    }
}
