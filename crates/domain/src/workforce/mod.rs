//! The workforce rules: skill levels, when people can work, and who fits a task.
//!
//! Pure functions over plain facts: the store gathers the facts (levels, windows,
//! commitments, quality counters) in a few bulk queries, and these modules decide:
//! when people can work (`availability`), who fits a task and why (`ranking`), a
//! whole job's plan (`planning`), whether the centre can do the work in time
//! (`capacity`), what is at risk (`risk`), quality records (`quality`) and pay
//! (`pay`).
//! `docs/workforce.md` explains the same rules in a director's words.

pub mod availability;
pub mod capacity;
pub mod earnings;
pub mod pay;
pub mod planning;
pub mod quality;
pub mod ranking;
pub mod risk;
pub mod skill;
pub mod timesheet;

pub use availability::{Caps, DayException, ExceptionKind, Schedule, WeeklyWindow};
pub use quality::QualityCounts;
pub use skill::{Level, SkillRequirement};

/// Minutes as hours to one decimal, the way every hour figure of the API is shown
/// (`90` → `1.5`).
#[must_use]
pub fn hours(minutes: i64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let hours = minutes as f64 / 60.0;
    (hours * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    #[test]
    fn hours_have_one_decimal() {
        assert!((super::hours(90) - 1.5).abs() < f64::EPSILON);
        assert!((super::hours(100) - 1.7).abs() < f64::EPSILON);
        assert!((super::hours(0)).abs() < f64::EPSILON);
    }
}
