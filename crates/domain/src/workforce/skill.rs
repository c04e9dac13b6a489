//! Skill levels (1–5, set by directors) and a task's or job's skill requirement.

use serde::{Deserialize, Serialize};

/// A worker's assessed level in one skill: 1 (beginner) to 5 (expert).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Level(u8);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a level is a whole number from 1 to 5")]
pub struct InvalidLevel;

impl Level {
    pub const MIN: Level = Level(1);
    pub const MAX: Level = Level(5);

    pub fn new(value: i64) -> Result<Self, InvalidLevel> {
        u8::try_from(value).ok().filter(|v| (1..=5).contains(v)).map(Self).ok_or(InvalidLevel)
    }

    #[must_use]
    pub const fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Level {
    type Error = InvalidLevel;
    fn try_from(value: u8) -> Result<Self, InvalidLevel> {
        Self::new(i64::from(value))
    }
}

impl From<Level> for u8 {
    fn from(level: Level) -> Self {
        level.0
    }
}

/// "Needs skill `slug` at level `min_level` or above."
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SkillRequirement {
    /// The skill's slug in the centre's catalogue.
    pub skill: String,
    pub min_level: Level,
}

impl SkillRequirement {
    /// Whether a worker at `level` (or without the skill) meets the requirement.
    #[must_use]
    pub fn met_by(&self, level: Option<Level>) -> bool {
        level.is_some_and(|level| level >= self.min_level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_one_to_five() {
        assert!(Level::new(0).is_err());
        assert!(Level::new(6).is_err());
        assert_eq!(Level::new(3).map(Level::get), Ok(3));
    }

    #[test]
    fn a_requirement_is_met_at_or_above_its_minimum() {
        let needs = SkillRequirement { skill: "hd-map".into(), min_level: Level(3) };
        assert!(!needs.met_by(None));
        assert!(!needs.met_by(Some(Level(2))));
        assert!(needs.met_by(Some(Level(3))));
        assert!(needs.met_by(Some(Level(5))));
    }
}
