//! Planning a whole job: a worker for every open task, never more than anyone's
//! windows and caps allow.
//!
//! Tasks are taken soonest due first (then by id, so the plan is stable). Each goes
//! to the best-ranked candidate ([`super::ranking`]) after counting the tasks already
//! planned for them: their available minutes shrink and their committed minutes grow
//! by each earlier placement, so the plan never hands anyone more than their time
//! before each due date. A task nobody can take is left unplaced with every
//! candidate's reason.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::{DateTime, Utc};

use super::ranking::{CandidateFacts, Exclusion, Ranked, TaskNeeds, rank};

/// An open task to place.
#[derive(Clone, Debug)]
pub struct PlanTask<T> {
    pub id: T,
    pub due_at: DateTime<Utc>,
    pub needs: TaskNeeds,
}

/// Where a task went.
#[derive(Clone, Debug)]
pub enum Placement<W> {
    /// To the best candidate, with their score.
    Placed(Ranked<W>),
    /// Nowhere: every worker of the pool is excluded, each with the reason.
    Unplaced(Vec<(W, Exclusion)>),
}

/// Places `tasks` in order. `facts_for` gives, for one task, the facts about every
/// worker who could take it as things stand before this plan (its skill's level,
/// free time before its due date…); the plan's own placements are counted here.
pub fn plan<T: Clone + Ord, W: Clone + Ord + Hash>(
    mut tasks: Vec<PlanTask<T>>,
    mut facts_for: impl FnMut(&PlanTask<T>) -> Vec<CandidateFacts<W>>,
) -> Vec<(PlanTask<T>, Placement<W>)> {
    tasks.sort_by(|a, b| a.due_at.cmp(&b.due_at).then_with(|| a.id.cmp(&b.id)));
    let mut planned: HashMap<W, u32> = HashMap::new();
    let mut placements = Vec::with_capacity(tasks.len());
    for task in tasks {
        let facts: Vec<CandidateFacts<W>> = facts_for(&task)
            .into_iter()
            .map(|mut facts| {
                let extra = planned.get(&facts.worker).copied().unwrap_or(0);
                facts.available_minutes = facts.available_minutes.saturating_sub(extra);
                facts.committed_minutes = facts.committed_minutes.saturating_add(extra);
                facts
            })
            .collect();
        let (ranked, excluded) = rank(&task.needs, &facts);
        let placement = match ranked.into_iter().next() {
            Some(best) => {
                *planned.entry(best.worker.clone()).or_default() += task.needs.estimated_minutes;
                Placement::Placed(best)
            }
            None => Placement::Unplaced(excluded),
        };
        placements.push((task, placement));
    }
    placements
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn facts(worker: u32, available: u32) -> CandidateFacts<u32> {
        CandidateFacts {
            worker,
            active: true,
            level: None,
            available_minutes: available,
            committed_minutes: 0,
            weekly_cap_minutes: 1200,
            worked_this_week_minutes: 0,
            first_pass_rate: None,
            in_preferred_team: false,
        }
    }

    fn task(id: u32, minutes: u32, due_in_days: i64) -> PlanTask<u32> {
        let due_at = DateTime::<Utc>::from_timestamp(1_900_000_000, 0).expect("time") + Duration::days(due_in_days);
        PlanTask { id, due_at, needs: TaskNeeds { estimated_minutes: minutes, requirement: None } }
    }

    fn placed(plan: &[(PlanTask<u32>, Placement<u32>)]) -> Vec<(u32, Option<u32>)> {
        plan.iter()
            .map(|(task, placement)| match placement {
                Placement::Placed(best) => (task.id, Some(best.worker)),
                Placement::Unplaced(_) => (task.id, None),
            })
            .collect()
    }

    #[test]
    fn earlier_placements_use_up_a_workers_time() {
        // One worker with 3 hours: the two sooner 90-minute tasks fit, the third does not.
        let plan = plan(vec![task(3, 90, 3), task(1, 90, 1), task(2, 90, 2)], |_| vec![facts(7, 180)]);
        assert_eq!(placed(&plan), [(1, Some(7)), (2, Some(7)), (3, None)]);
        let Placement::Unplaced(why) = &plan[2].1 else { panic!("the third is unplaced") };
        assert_eq!(why, &[(7, Exclusion::NotEnoughTime { available_minutes: 0, needed_minutes: 90 })]);
    }

    #[test]
    fn work_spreads_to_whoever_still_has_room() {
        // The roomier worker ranks first until the plan has used up their advantage.
        // 250 and 240 minutes: two 120-minute tasks each, alternating, then no room.
        let tasks = (1..=5).map(|id| task(id, 120, 1)).collect();
        let plan = plan(tasks, |_| vec![facts(1, 250), facts(2, 240)]);
        assert_eq!(placed(&plan), [(1, Some(1)), (2, Some(2)), (3, Some(1)), (4, Some(2)), (5, None)]);
    }
}
