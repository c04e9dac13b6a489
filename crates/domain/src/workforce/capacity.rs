//! Can the centre do a job in time? For each skill the job needs: the hours needed
//! against the hours the qualified workers can still give before the due date.
//!
//! A worker who qualifies for several skills is counted for each of them, so the
//! per-skill answer is optimistic when skills share people; the check therefore also
//! compares the total hours needed with the total hours of everyone qualified for
//! any of the skills (each person once). Feasible means both hold. The bottleneck is
//! the skill with the least spare capacity relative to its need.

use std::collections::HashMap;
use std::hash::Hash;

use serde::Serialize;

use super::{Level, SkillRequirement};

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

/// The supply for every needed skill from the workers' free minutes (`free`, active
/// workers only) and their levels (`level_of`), then the verdict: per skill, the
/// qualified workers' minutes; in total, everyone qualified for any of the skills,
/// each person once. Skills come back in the order of `needs`.
pub fn check<W: Copy + Eq + Hash>(
    needs: &[(SkillRequirement, u32)],
    free: &HashMap<W, u32>,
    level_of: impl Fn(W, &str) -> Option<Level>,
) -> (Vec<SkillCapacity>, CapacityVerdict) {
    let mut anyone: HashMap<W, u32> = HashMap::new();
    let mut skills = Vec::with_capacity(needs.len());
    for (requirement, needed_minutes) in needs {
        let qualified: Vec<(W, u32)> = free
            .iter()
            .filter(|(worker, _)| requirement.met_by(level_of(**worker, &requirement.skill)))
            .map(|(worker, minutes)| (*worker, *minutes))
            .collect();
        anyone.extend(qualified.iter().copied());
        skills.push(SkillCapacity {
            skill: requirement.skill.clone(),
            needed_minutes: *needed_minutes,
            available_minutes: qualified.iter().map(|(_, minutes)| *minutes).sum(),
            qualified_workers: u32::try_from(qualified.len()).unwrap_or(u32::MAX),
        });
    }
    let verdict = verdict(&skills, anyone.values().sum());
    (skills, verdict)
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
    fn supply_counts_the_qualified_and_each_person_once_in_total() {
        let need = |skill: &str, level: i64, minutes: u32| {
            (SkillRequirement { skill: skill.into(), min_level: Level::new(level).expect("level") }, minutes)
        };
        // Worker 1: map level 4 and writing level 2; worker 2: map level 2; worker 3: writing 5.
        let levels: HashMap<(u8, &str), i64> =
            [((1, "map"), 4), ((1, "writing"), 2), ((2, "map"), 2), ((3, "writing"), 5)].into_iter().collect();
        let free: HashMap<u8, u32> = [(1, 300), (2, 600), (3, 120)].into_iter().collect();
        let level_of = |w: u8, skill: &str| levels.get(&(w, skill)).and_then(|l| Level::new(*l).ok());
        let (skills, verdict) = check(&[need("map", 3, 240), need("writing", 2, 360)], &free, level_of);
        assert_eq!((skills[0].available_minutes, skills[0].qualified_workers), (300, 1));
        assert_eq!((skills[1].available_minutes, skills[1].qualified_workers), (420, 2));
        assert_eq!(verdict.total_available_minutes, 420, "worker 1 once, worker 3; worker 2 qualifies for nothing");
        assert_eq!(verdict.total_needed_minutes, 600);
        assert!(!verdict.feasible);
    }

    #[test]
    fn shared_people_cannot_be_counted_twice() {
        // Each skill alone is covered, but the same person supplies both.
        let result = verdict(&[skill("a", 200, 300), skill("b", 200, 300)], 300);
        assert!(!result.feasible);
    }
}
