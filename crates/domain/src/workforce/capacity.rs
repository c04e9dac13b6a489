//! Can the centre do a job in time? For each skill the job needs: the hours needed
//! against the hours the qualified workers can still give before the due date.
//!
//! A worker who qualifies for several skills is counted for each of them, so the
//! per-skill answer is optimistic when skills share people; the check therefore also
//! compares the total hours needed with the total hours of everyone qualified for
//! any of the skills (each person once). Feasible means both hold. The bottleneck is
//! the skill with the least spare capacity relative to its need.

use serde::Serialize;

/// One skill's need and supply.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SkillCapacity {
    pub skill: String,
    pub needed_minutes: u32,
    pub available_minutes: u32,
    pub qualified_workers: u32,
}

impl SkillCapacity {
    #[must_use]
    pub fn covered(&self) -> bool {
        self.available_minutes >= self.needed_minutes
    }

    /// Supply over need (∞ when nothing is needed).
    fn ratio(&self) -> f64 {
        if self.needed_minutes == 0 {
            f64::INFINITY
        } else {
            f64::from(self.available_minutes) / f64::from(self.needed_minutes)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CapacityVerdict {
    pub feasible: bool,
    /// The skill with the least supply relative to need, if any skill is needed.
    pub bottleneck: Option<String>,
    pub total_needed_minutes: u32,
    /// Everyone qualified for at least one needed skill, each counted once.
    pub total_available_minutes: u32,
}

#[must_use]
pub fn verdict(skills: &[SkillCapacity], total_available_minutes: u32) -> CapacityVerdict {
    let total_needed_minutes = skills.iter().map(|s| s.needed_minutes).sum();
    let bottleneck = skills
        .iter()
        .filter(|s| s.needed_minutes > 0)
        .min_by(|a, b| a.ratio().total_cmp(&b.ratio()))
        .map(|s| s.skill.clone());
    CapacityVerdict {
        feasible: skills.iter().all(SkillCapacity::covered) && total_available_minutes >= total_needed_minutes,
        bottleneck,
        total_needed_minutes,
        total_available_minutes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skill(name: &str, needed: u32, available: u32) -> SkillCapacity {
        SkillCapacity { skill: name.into(), needed_minutes: needed, available_minutes: available, qualified_workers: 1 }
    }

    #[test]
    fn feasible_when_every_skill_and_the_total_are_covered() {
        let result = verdict(&[skill("a", 100, 300), skill("b", 200, 250)], 550);
        assert!(result.feasible);
        assert_eq!(result.bottleneck.as_deref(), Some("b"));
    }

    #[test]
    fn infeasible_names_the_bottleneck() {
        let result = verdict(&[skill("a", 100, 300), skill("b", 500, 250)], 550);
        assert!(!result.feasible);
        assert_eq!(result.bottleneck.as_deref(), Some("b"));
    }

    #[test]
    fn shared_people_cannot_be_counted_twice() {
        // Each skill alone is covered, but the same person supplies both.
        let result = verdict(&[skill("a", 200, 300), skill("b", 200, 300)], 300);
        assert!(!result.feasible);
    }
}
