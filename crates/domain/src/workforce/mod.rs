//! The workforce rules: skill levels, when people can work, and who fits a task.
//!
//! Pure functions over plain facts: the store gathers the facts (levels, windows,
//! commitments, quality counters) in a few bulk queries, and these modules decide.
//! `docs/workforce.md` explains the same rules in a director's words.

pub mod availability;
pub mod capacity;
pub mod pay;
pub mod quality;
pub mod ranking;
pub mod skill;

pub use availability::{Caps, DayException, ExceptionKind, Schedule, WeeklyWindow};
pub use quality::QualityCounts;
pub use skill::{Level, SkillRequirement};
