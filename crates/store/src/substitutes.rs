//! The best few workers for each of a page of tasks (an at-risk task's
//! substitutes), reading the fewest workers' loads it can.
//!
//! Ranking needs every able worker's quality counters and hours handed in this week:
//! index seeks per worker, and at 10 000 workers most of a page's time. Everything
//! else comes from the cached roster and the centre's commitments, which the caller
//! has read already. So the ranking runs in rounds: each able worker's score is
//! bounded from above with full quality and fairness points
//! ([`ranking::upper_bound`]); the loads of the workers with the highest bounds are
//! read; a task is settled once its `n`-th best score is above the bound of every
//! worker whose load is still unread. The result is exactly [`ranking::best`] over
//! every worker: one left unread scores at most their bound, below `n` workers
//! already found. A page of 50 tasks due within two days reads a few hundred loads
//! instead of seven thousand (docs/benchmarks.md).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use yui_domain::workforce::ranking::{self, CandidateFacts, Ranked, TaskNeeds};
use yui_domain::{IdMap, IdSet, UserId};

use crate::roster::Roster;
use crate::workforce::{FreeTime, Opening, Snapshot, week_start, with_load};
use crate::workload::{self, Among, Workload};
use crate::{DbConnection, StoreError};

/// How many loads an unsettled task asks for in the first round; each round asks
/// for twice as many as the one before.
const FIRST_ROUND: usize = 48;

/// The best `n` workers for each of `openings`, in their order. `committed` is each
/// worker's committed minutes (from the centre's commitments, read in the same
/// transaction).
pub fn best_for_each(
    conn: &mut DbConnection,
    roster: Arc<Roster>,
    committed: &IdMap<UserId, i64>,
    now: DateTime<Utc>,
    openings: &[Opening<'_>],
    n: usize,
) -> Result<Vec<Vec<Ranked<UserId>>>, StoreError> {
    let center = roster.center.id;
    let week = week_start(now, roster.center.time_zone);
    let snapshot = Snapshot::without_loads(Arc::clone(&roster), committed);
    let free = FreeTime::of(
        &roster,
        roster.workers.iter(),
        |worker| snapshot.committed(worker),
        now,
        openings.iter().map(|opening| opening.due_at),
    )
    .keep_able(&roster, openings);
    let facts = snapshot.facts_with(free);
    let mut contests: Vec<Contest<'_>> = openings
        .iter()
        .map(|opening| {
            let able = facts.able_for_task(
                opening.needs,
                opening.due_at,
                opening.pool,
                opening.preferred_team,
                opening.except,
            );
            Contest::new(opening.needs, able)
        })
        .collect();
    let mut loads: IdMap<UserId, Workload> = IdMap::default();
    let mut batch = FIRST_ROUND;
    loop {
        let mut wanted: Vec<UserId> = Vec::new();
        let mut asked: IdSet<UserId> = IdSet::default();
        for contest in &mut contests {
            if !contest.settled(n, &loads) {
                wanted.extend(contest.next_unread(batch, &loads).filter(|worker| asked.insert(*worker)));
            }
        }
        if wanted.is_empty() {
            break;
        }
        let mut read = workload::of_workers(conn, center, week, Among::Only(&wanted))?;
        for worker in wanted {
            // A worker whose load has no rows has none: nothing handed in, no history.
            let load = read.remove(&worker).unwrap_or_default();
            loads.insert(worker, load);
        }
        batch *= 2;
    }
    Ok(contests.into_iter().map(|contest| contest.best(n, &loads)).collect())
}

/// One task's able workers, highest bound first (then by id).
struct Contest<'a> {
    needs: &'a TaskNeeds,
    /// Each worker's bound and facts; quality and hand-ins are the read load's once
    /// it is read.
    candidates: Vec<(f64, CandidateFacts<UserId>)>,
    /// Whether the task's best `n` are known.
    done: bool,
}

impl<'a> Contest<'a> {
    fn new(needs: &'a TaskNeeds, able: Vec<CandidateFacts<UserId>>) -> Self {
        let mut candidates: Vec<(f64, CandidateFacts<UserId>)> =
            able.into_iter().map(|facts| (ranking::upper_bound(needs, &facts), facts)).collect();
        // Ids are unique, so the order is total and an unstable sort gives it.
        candidates.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.worker.cmp(&b.1.worker)));
        Self { needs, candidates, done: false }
    }

    /// Whether no unread worker can be among the best `n`: the `n`-th best score
    /// of the read ones is above the highest bound of the unread ones.
    fn settled(&mut self, n: usize, loads: &IdMap<UserId, Workload>) -> bool {
        if self.done {
            return true;
        }
        let first_unread = self.candidates.iter().find(|(_, facts)| !loads.contains_key(&facts.worker));
        let Some((highest_unread, _)) = first_unread else {
            self.done = true;
            return true;
        };
        let mut scores: Vec<f64> = self
            .candidates
            .iter()
            .filter_map(|(_, facts)| loads.get(&facts.worker).map(|load| self.score(facts, load)))
            .collect();
        if scores.len() >= n && n > 0 {
            scores.select_nth_unstable_by(n - 1, |a, b| b.total_cmp(a));
            self.done = scores[n - 1] > *highest_unread;
        } else {
            self.done = n == 0;
        }
        self.done
    }

    fn score(&self, facts: &CandidateFacts<UserId>, load: &Workload) -> f64 {
        let mut facts = facts.clone();
        with_load(&mut facts, load);
        ranking::score(self.needs, &facts).score
    }

    /// The first `count` workers, in bound order, whose load is unread.
    fn next_unread<'s>(
        &'s self,
        count: usize,
        loads: &'s IdMap<UserId, Workload>,
    ) -> impl Iterator<Item = UserId> + 's {
        self.candidates.iter().map(|(_, facts)| facts.worker).filter(|worker| !loads.contains_key(worker)).take(count)
    }

    /// The best `n` of the workers whose load is read.
    fn best(self, n: usize, loads: &IdMap<UserId, Workload>) -> Vec<Ranked<UserId>> {
        let read: Vec<CandidateFacts<UserId>> = self
            .candidates
            .into_iter()
            .filter_map(|(_, mut facts)| {
                let load = loads.get(&facts.worker)?;
                with_load(&mut facts, load);
                Some(facts)
            })
            .collect();
        ranking::best(self.needs, &read, n)
    }
}
