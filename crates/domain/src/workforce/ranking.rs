//! Ranking the candidates for a task, and saying why.
//!
//! A worker is **eligible** when they are active, meet the task's skill requirement,
//! and have enough available time before the due date (after what they have already
//! committed to) for the task's estimate. Eligible workers are **scored** 0–100 from
//! five factors, each reported with its points so a director can see why one person
//! ranks above another:
//!
//! | factor | weight | full marks when |
//! |---|---|---|
//! | skill | 30 | the level is far above the minimum: meeting it earns 12, each level above more (no skill needed: 15) |
//! | time | 25 | plenty of spare time before the due date after this task |
//! | quality | 20 | a high first-pass approval rate (no history yet counts as 70 %) |
//! | load | 15 | little already committed against the weekly cap |
//! | fairness | 10 | few hours worked this week (spreads work across the team) |
//!
//! A member of the team the job or task is meant for gets a 5-point bonus. Ties are
//! broken by the worker's id, so the order is stable.

use serde::Serialize;

use super::skill::{Level, SkillRequirement};

/// What the ranking knows about one worker.
#[derive(Clone, Debug, PartialEq)]
pub struct CandidateFacts<Id> {
    pub worker: Id,
    pub active: bool,
    pub level: Option<Level>,
    /// Minutes the worker can still work before the due date, net of commitments.
    pub available_minutes: u32,
    /// Minutes of unfinished tasks already assigned to the worker.
    pub committed_minutes: u32,
    pub weekly_cap_minutes: u32,
    /// Minutes of tasks the worker handed in this week.
    pub worked_this_week_minutes: u32,
    /// First-pass approvals / reviewed tasks, when there is a history.
    pub first_pass_rate: Option<f64>,
    pub in_preferred_team: bool,
}

/// What the task needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskNeeds {
    pub estimated_minutes: u32,
    pub requirement: Option<SkillRequirement>,
}

/// One factor of a score, for the director to read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reason {
    /// `skill`, `time`, `quality`, `load`, `fairness` or `team`.
    pub factor: &'static str,
    /// Points this factor contributed.
    pub points: f64,
    /// The fact behind it, in words.
    pub detail: String,
}

/// Why a worker is not a candidate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Exclusion {
    Inactive,
    /// Below the required level, or not assessed in the skill (`level: None`).
    BelowMinimumLevel {
        skill: String,
        level: Option<u8>,
        min_level: u8,
    },
    /// Not enough free time before the due date.
    NotEnoughTime {
        available_minutes: u32,
        needed_minutes: u32,
    },
}

impl Exclusion {
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Exclusion::Inactive => "the account is deactivated".into(),
            Exclusion::BelowMinimumLevel { skill, level: None, min_level } => {
                format!("not assessed in {skill} (needs level {min_level})")
            }
            Exclusion::BelowMinimumLevel { skill, level: Some(level), min_level } => {
                format!("{skill} level {level} is below the minimum {min_level}")
            }
            Exclusion::NotEnoughTime { available_minutes, needed_minutes } => format!(
                "only {} free before the due date; the task needs {}",
                hours(*available_minutes),
                hours(*needed_minutes)
            ),
        }
    }
}

/// A ranked candidate: the score, and the facts it came from, so its reasons can be
/// written for the few candidates a director reads rather than for all of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked<Id> {
    pub worker: Id,
    pub score: f64,
    pub facts: CandidateFacts<Id>,
}

fn hours(minutes: u32) -> String {
    format!("{:.1} h", f64::from(minutes) / 60.0)
}

fn round(points: f64) -> f64 {
    (points * 10.0).round() / 10.0
}

/// The rules a worker must meet to be ranked, in the order they are checked.
#[derive(Clone, Copy)]
enum Rule {
    Active,
    MinimumLevel,
    EnoughTime,
}

/// The first rule `facts` break, without the details: [`best`] checks every worker
/// of a centre for every task on a page, and most break one.
fn broken_rule<Id>(needs: &TaskNeeds, facts: &CandidateFacts<Id>) -> Option<Rule> {
    if !facts.active {
        Some(Rule::Active)
    } else if !meets_level(needs, facts.level) {
        Some(Rule::MinimumLevel)
    } else if !has_time(needs, facts.available_minutes) {
        Some(Rule::EnoughTime)
    } else {
        None
    }
}

fn meets_level(needs: &TaskNeeds, level: Option<Level>) -> bool {
    needs.requirement.as_ref().is_none_or(|requirement| requirement.met_by(level))
}

fn has_time(needs: &TaskNeeds, available_minutes: u32) -> bool {
    available_minutes >= needs.estimated_minutes
}

/// Whether a worker is eligible for a task, from the three facts the rules read:
/// for choosing whose other facts are worth reading at all (a page of substitutes
/// reads the load of only those who could take one of its tasks). The level is
/// looked up last, and only for an active worker with the time.
pub fn could_take(
    needs: &TaskNeeds,
    active: bool,
    available_minutes: u32,
    level: impl FnOnce() -> Option<Level>,
) -> bool {
    active && has_time(needs, available_minutes) && meets_level(needs, level())
}

/// Why `facts` cannot take the task, if they cannot.
pub fn exclusion<Id>(needs: &TaskNeeds, facts: &CandidateFacts<Id>) -> Option<Exclusion> {
    match broken_rule(needs, facts)? {
        Rule::Active => Some(Exclusion::Inactive),
        Rule::MinimumLevel => needs.requirement.as_ref().map(|requirement| Exclusion::BelowMinimumLevel {
            skill: requirement.skill.clone(),
            level: facts.level.map(Level::get),
            min_level: requirement.min_level.get(),
        }),
        Rule::EnoughTime => Some(Exclusion::NotEnoughTime {
            available_minutes: facts.available_minutes,
            needed_minutes: needs.estimated_minutes,
        }),
    }
}

/// Each factor's points (unrounded) for an eligible worker.
struct Points {
    skill: f64,
    time: f64,
    quality: f64,
    load: f64,
    fairness: f64,
    team: f64,
}

impl Points {
    fn of<Id>(needs: &TaskNeeds, facts: &CandidateFacts<Id>) -> Self {
        let skill = match (&needs.requirement, facts.level) {
            (Some(requirement), Some(level)) => {
                // Meeting the minimum earns 12; the rest of the 30 grows with the
                // levels above it, full at level 5.
                let span = f64::from(5 - requirement.min_level.get()).max(1.0);
                let margin = f64::from(level.get() - requirement.min_level.get()) / span;
                12.0 + 18.0 * margin.min(1.0)
            }
            _ => 15.0,
        };
        let spare = facts.available_minutes.saturating_sub(needs.estimated_minutes);
        let time_share =
            if facts.available_minutes == 0 { 0.0 } else { f64::from(spare) / f64::from(facts.available_minutes) };
        let rate = facts.first_pass_rate.unwrap_or(0.7).clamp(0.0, 1.0);
        let cap = f64::from(facts.weekly_cap_minutes.max(1));
        let load_share = 1.0 - (f64::from(facts.committed_minutes) / cap).min(1.0);
        let fair_share = 1.0 - (f64::from(facts.worked_this_week_minutes) / cap).min(1.0);
        Self {
            skill,
            time: 25.0 * time_share,
            quality: 20.0 * rate,
            load: 15.0 * load_share,
            fairness: 10.0 * fair_share,
            team: if facts.in_preferred_team { 5.0 } else { 0.0 },
        }
    }

    fn total(&self) -> f64 {
        self.skill + self.time + self.quality + self.load + self.fairness + self.team
    }
}

/// The score of an eligible worker.
pub fn score<Id: Clone>(needs: &TaskNeeds, facts: &CandidateFacts<Id>) -> Ranked<Id> {
    Ranked { worker: facts.worker.clone(), score: round(Points::of(needs, facts).total()), facts: facts.clone() }
}

/// The most an eligible worker can score for `needs`, whatever their quality and
/// hours handed in this week (`facts`' own values of those two are ignored): full
/// quality and fairness points. Ranking the best few of many lets the two be read
/// only for the workers whose bound reaches the best scores found so far.
#[must_use]
pub fn upper_bound<Id>(needs: &TaskNeeds, facts: &CandidateFacts<Id>) -> f64 {
    let mut points = Points::of(needs, facts);
    points.quality = 20.0;
    points.fairness = 10.0;
    round(points.total())
}

impl<Id> Ranked<Id> {
    /// Each factor's points with the fact behind it, in words.
    #[must_use]
    pub fn reasons(&self, needs: &TaskNeeds) -> Vec<Reason> {
        let facts = &self.facts;
        let points = Points::of(needs, facts);
        let skill = match (&needs.requirement, facts.level) {
            (Some(requirement), Some(level)) => {
                format!("{} level {} (minimum {})", requirement.skill, level.get(), requirement.min_level.get())
            }
            _ => "no particular skill needed".into(),
        };
        let mut reasons = vec![
            Reason { factor: "skill", points: round(points.skill), detail: skill },
            Reason {
                factor: "time",
                points: round(points.time),
                detail: format!(
                    "{} free before the due date, {} needed",
                    hours(facts.available_minutes),
                    hours(needs.estimated_minutes)
                ),
            },
            Reason {
                factor: "quality",
                points: round(points.quality),
                detail: match facts.first_pass_rate {
                    Some(rate) => format!("{:.0} % of reviewed tasks approved first time", rate * 100.0),
                    None => "no reviewed work yet (counted as 70 %)".into(),
                },
            },
            Reason {
                factor: "load",
                points: round(points.load),
                detail: format!(
                    "{} already committed of a {} weekly cap",
                    hours(facts.committed_minutes),
                    hours(facts.weekly_cap_minutes)
                ),
            },
            Reason {
                factor: "fairness",
                points: round(points.fairness),
                detail: format!("{} handed in this week", hours(facts.worked_this_week_minutes)),
            },
        ];
        if facts.in_preferred_team {
            reasons.push(Reason { factor: "team", points: points.team, detail: "member of the preferred team".into() });
        }
        reasons
    }
}

/// The eligible workers best first, and the others with their exclusion.
pub type Ranking<Id> = (Vec<Ranked<Id>>, Vec<(Id, Exclusion)>);

/// Ranks every worker: the eligible best first, and the others with their exclusion.
pub fn rank<Id: Clone + Ord>(needs: &TaskNeeds, candidates: &[CandidateFacts<Id>]) -> Ranking<Id> {
    let mut ranked = Vec::new();
    let mut excluded = Vec::new();
    for facts in candidates {
        match exclusion(needs, facts) {
            Some(why) => excluded.push((facts.worker.clone(), why)),
            None => ranked.push(score(needs, facts)),
        }
    }
    ranked.sort_by(by_rank);
    excluded.sort_by(|a, b| a.0.cmp(&b.0));
    (ranked, excluded)
}

/// The ranking's order: the higher score first, then the lower id.
fn by_rank<Id: Ord>(a: &Ranked<Id>, b: &Ranked<Id>) -> std::cmp::Ordering {
    b.score.total_cmp(&a.score).then_with(|| a.worker.cmp(&b.worker))
}

/// The first `n` of [`rank`]'s eligible workers, without ranking everybody or
/// describing who is left out: for views that show a few (an at-risk task's three
/// substitutes), where sorting 10 000 workers per task was most of the time.
pub fn best<Id: Clone + Ord>(needs: &TaskNeeds, candidates: &[CandidateFacts<Id>], n: usize) -> Vec<Ranked<Id>> {
    if n == 0 {
        return Vec::new();
    }
    let mut ranked: Vec<Ranked<Id>> = candidates
        .iter()
        .filter(|facts| broken_rule(needs, facts).is_none())
        .map(|facts| score(needs, facts))
        .collect();
    if ranked.len() > n {
        ranked.select_nth_unstable_by(n - 1, by_rank);
        ranked.truncate(n);
    }
    ranked.sort_by(by_rank);
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(worker: u32, level: u8, available: u32) -> CandidateFacts<u32> {
        CandidateFacts {
            worker,
            active: true,
            level: Level::new(i64::from(level)).ok(),
            available_minutes: available,
            committed_minutes: 0,
            weekly_cap_minutes: 1200,
            worked_this_week_minutes: 0,
            first_pass_rate: Some(0.9),
            in_preferred_team: false,
        }
    }

    fn needs() -> TaskNeeds {
        TaskNeeds {
            estimated_minutes: 120,
            requirement: Some(SkillRequirement { skill: "hd-map".into(), min_level: Level::new(3).expect("level") }),
        }
    }

    /// `could_take` says yes exactly for the workers `exclusion` does not exclude.
    #[test]
    fn could_take_agrees_with_the_exclusions() {
        let without_skill = TaskNeeds { estimated_minutes: 90, requirement: None };
        for needs in [needs(), without_skill] {
            for worker in 0..120_u32 {
                // Level 0 is "not assessed".
                let mut facts = facts(worker, u8::try_from(worker % 6).expect("level"), (worker * 7) % 240);
                facts.active = worker % 5 != 0;
                let could = could_take(&needs, facts.active, facts.available_minutes, || facts.level);
                assert_eq!(could, exclusion(&needs, &facts).is_none(), "worker {worker}, {needs:?}");
            }
        }
    }

    /// No quality or hours handed in this week score above the upper bound, and the
    /// best of them reach it.
    #[test]
    fn the_upper_bound_is_the_best_a_worker_can_score() {
        for worker in 0..100_u32 {
            // Eligible workers: at level 3 or above, with the 120 minutes.
            let mut facts = facts(worker, u8::try_from(3 + worker % 3).expect("level"), 120 + (worker * 37) % 600);
            facts.committed_minutes = (worker * 13) % 300;
            facts.in_preferred_team = worker % 4 == 0;
            let bound = upper_bound(&needs(), &facts);
            for (rate, worked) in [(None, 0), (Some(0.0), 600), (Some(0.5), 60), (Some(1.0), 1200), (Some(1.0), 0)] {
                facts.first_pass_rate = rate;
                facts.worked_this_week_minutes = worked;
                assert!(score(&needs(), &facts).score <= bound, "worker {worker}, {rate:?}, {worked}");
            }
            assert!((score(&needs(), &facts).score - bound).abs() < 1e-9, "full marks reach the bound");
        }
    }

    /// `best` is the head of `rank`, whatever the scores, ties and exclusions.
    #[test]
    fn the_best_few_are_the_head_of_the_full_ranking() {
        let mut candidates = Vec::new();
        for worker in 0..200_u32 {
            let mut facts = facts(worker, u8::try_from(1 + worker % 5).expect("level"), 60 + (worker * 37) % 600);
            facts.active = worker % 11 != 0;
            facts.first_pass_rate = (worker % 3 != 0).then(|| f64::from(worker % 7) / 7.0);
            facts.committed_minutes = (worker * 13) % 300;
            candidates.push(facts);
        }
        // Equal facts under other ids: ties are broken by id.
        candidates.extend((200..210).map(|worker| facts(worker, 4, 600)));
        let (ranked, _) = rank(&needs(), &candidates);
        assert!(ranked.len() > 20, "the fixture ranks enough workers to choose from");
        for n in [0, 1, 3, 10, ranked.len(), ranked.len() + 5] {
            let head: Vec<_> = ranked.iter().take(n).map(|r| (r.worker, r.score)).collect();
            let best: Vec<_> = best(&needs(), &candidates, n).into_iter().map(|r| (r.worker, r.score)).collect();
            assert_eq!(best, head, "n = {n}");
        }
    }

    #[test]
    fn ineligible_workers_are_excluded_with_the_reason() {
        let mut inactive = facts(1, 5, 600);
        inactive.active = false;
        let unskilled = facts(2, 2, 600);
        let mut unassessed = facts(3, 1, 600);
        unassessed.level = None;
        let busy = facts(4, 5, 60);
        let (ranked, excluded) = rank(&needs(), &[inactive, unskilled, unassessed, busy, facts(5, 3, 600)]);
        assert_eq!(ranked.iter().map(|r| r.worker).collect::<Vec<_>>(), vec![5]);
        assert_eq!(excluded[0], (1, Exclusion::Inactive));
        assert_eq!(
            excluded[1],
            (2, Exclusion::BelowMinimumLevel { skill: "hd-map".into(), level: Some(2), min_level: 3 })
        );
        assert_eq!(excluded[2].1.describe(), "not assessed in hd-map (needs level 3)");
        assert_eq!(excluded[3].1, Exclusion::NotEnoughTime { available_minutes: 60, needed_minutes: 120 });
    }

    #[test]
    fn higher_level_more_time_better_quality_lighter_load_rank_higher() {
        let expert = facts(1, 5, 600);
        let minimum = facts(2, 3, 600);
        let (ranked, _) = rank(&needs(), &[minimum.clone(), expert.clone()]);
        assert_eq!(ranked.iter().map(|r| r.worker).collect::<Vec<_>>(), vec![1, 2], "level decides");

        let roomy = facts(3, 4, 1200);
        let tight = facts(4, 4, 150);
        assert_eq!(rank(&needs(), &[tight, roomy]).0[0].worker, 3, "spare time decides");

        let mut careless = facts(5, 4, 600);
        careless.first_pass_rate = Some(0.3);
        assert_eq!(rank(&needs(), &[careless, facts(6, 4, 600)]).0[0].worker, 6, "quality decides");

        let mut loaded = facts(7, 4, 600);
        loaded.committed_minutes = 1000;
        loaded.worked_this_week_minutes = 900;
        assert_eq!(rank(&needs(), &[loaded, facts(8, 4, 600)]).0[0].worker, 8, "load and fairness decide");
    }

    #[test]
    fn every_score_explains_itself() {
        let mut member = facts(1, 4, 600);
        member.in_preferred_team = true;
        let ranked = score(&needs(), &member);
        let reasons = ranked.reasons(&needs());
        let factors: Vec<_> = reasons.iter().map(|r| r.factor).collect();
        assert_eq!(factors, ["skill", "time", "quality", "load", "fairness", "team"]);
        let sum: f64 = reasons.iter().map(|r| r.points).sum();
        assert!((sum - ranked.score).abs() < 0.5, "the points add up to the score");
        assert_eq!(reasons[0].detail, "hd-map level 4 (minimum 3)");
    }

    /// The documented curve: meeting the minimum earns 12 of the 30 skill points,
    /// each level above more, 30 at level 5; a task with no skill gives everyone 15.
    #[test]
    fn skill_points_follow_the_documented_curve() {
        let skill_points = |needs: &TaskNeeds, level: u8| Points::of(needs, &facts(1, level, 600)).skill;
        let needs_three = needs();
        assert!((skill_points(&needs_three, 3) - 12.0).abs() < 1e-9, "exactly the minimum earns 12");
        assert!((skill_points(&needs_three, 4) - 21.0).abs() < 1e-9);
        assert!((skill_points(&needs_three, 5) - 30.0).abs() < 1e-9);
        let mut needs_five = needs();
        needs_five.requirement = Some(SkillRequirement { skill: "hd-map".into(), min_level: Level::MAX });
        assert!((skill_points(&needs_five, 5) - 12.0).abs() < 1e-9, "at the top minimum, meeting it is still 12");
        let no_skill = TaskNeeds { estimated_minutes: 120, requirement: None };
        assert!((skill_points(&no_skill, 1) - 15.0).abs() < 1e-9);
    }

    #[test]
    fn ties_are_broken_by_id() {
        let (ranked, _) = rank(&needs(), &[facts(9, 4, 600), facts(3, 4, 600)]);
        assert_eq!(ranked.iter().map(|r| r.worker).collect::<Vec<_>>(), vec![3, 9]);
    }
}
