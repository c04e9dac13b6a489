//! The share of callers' budgets this instance has reserved, so a busy caller costs
//! one database write per batch of requests instead of one per request.
//!
//! The database counts reservations, not requests: an instance adds a *chunk* to
//! the caller's counter with one atomic upsert and serves that many requests from
//! memory. Every token is reserved in the database before it is used, so the
//! instances together never let a caller past the budget. The chunk is an eighth of
//! what the caller has left (at most 64, at least 1): far from the limit writes are
//! rare; near it, every request is counted in the database, exactly. The price is
//! fairness at the very end of a window: tokens one instance holds are not usable by
//! another (at most an eighth of what was left). One reservation per caller is in
//! flight at a time on an instance; requests arriving meanwhile wait for it and take
//! its tokens, so a burst does not reserve a chunk per request and leave them unused.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

const MAX_CHUNK: u32 = 64;

#[derive(Default)]
struct State {
    window: i64,
    /// Per caller: the hit numbers reserved and not used yet, as inclusive ranges.
    held: HashMap<String, VecDeque<(u32, u32)>>,
    /// Per caller: the counter's value when this instance last read it.
    known: HashMap<String, u32>,
    /// Per caller: held while a reservation is in flight.
    reserving: HashMap<String, Arc<tokio::sync::Mutex<()>>>,
}

impl State {
    /// Forgets everything of earlier windows.
    fn enter(&mut self, window: i64) {
        if window != self.window {
            self.window = window;
            self.held.clear();
            self.known.clear();
            self.reserving.clear();
        }
    }
}

/// This instance's reserved tokens.
#[derive(Default)]
pub struct Leases {
    state: Mutex<State>,
}

impl Leases {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A reserved token for `caller` in `window`: its hit number (1 = the first
    /// request of the window), if this instance holds one.
    pub fn take(&self, caller: &str, window: i64) -> Option<u32> {
        let mut state = self.state();
        state.enter(window);
        let ranges = state.held.get_mut(caller)?;
        let (next, last) = ranges.front_mut()?;
        let hit = *next;
        if *next == *last {
            ranges.pop_front();
        } else {
            *next += 1;
        }
        Some(hit)
    }

    /// The lock a request holds while it reserves tokens for `caller`: whoever waited
    /// for it tries [`Self::take`] again before reserving more.
    pub fn reservation(&self, caller: &str, window: i64) -> Arc<tokio::sync::Mutex<()>> {
        let mut state = self.state();
        state.enter(window);
        state.reserving.entry(caller.to_owned()).or_default().clone()
    }

    /// How many tokens to reserve next for `caller` with budget `limit`.
    pub fn chunk(&self, caller: &str, window: i64, limit: u32) -> u32 {
        let mut state = self.state();
        state.enter(window);
        let known = state.known.get(caller).copied().unwrap_or(0);
        (limit.saturating_sub(known) / 8).clamp(1, MAX_CHUNK)
    }

    /// Records that `chunk` tokens were reserved and the counter now stands at
    /// `total`; returns the hit number of the request that reserved them (over
    /// `limit` means refused) and keeps the rest that fit the budget.
    pub fn granted(&self, caller: &str, window: i64, limit: u32, chunk: u32, total: u32) -> u32 {
        let mut state = self.state();
        state.enter(window);
        state.known.insert(caller.to_owned(), total);
        let first = total.saturating_sub(chunk) + 1;
        let last = total.min(limit);
        if first < last {
            state.held.entry(caller.to_owned()).or_default().push_back((first + 1, last));
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_tokens_are_used_in_order_and_never_past_the_budget() {
        let leases = Leases::default();
        assert_eq!(leases.take("a", 60), None);
        assert_eq!(leases.chunk("a", 60, 600), 64);
        assert_eq!(leases.granted("a", 60, 600, 64, 64), 1);
        assert_eq!((0..63).filter_map(|_| leases.take("a", 60)).collect::<Vec<_>>(), (2..=64).collect::<Vec<_>>());
        assert_eq!(leases.take("a", 60), None);
        // Near the limit, chunks shrink to one: every request is counted.
        assert_eq!(leases.chunk("a", 60, 70), 1);
        // Another instance took the rest: a reservation past the budget keeps nothing.
        assert_eq!(leases.granted("a", 60, 70, 8, 75), 68);
        assert_eq!(leases.take("a", 60), Some(69));
        assert_eq!(leases.take("a", 60), Some(70));
        assert_eq!(leases.take("a", 60), None);
        assert_eq!(leases.granted("a", 60, 70, 1, 76), 76, "over the budget: refused");
    }

    #[test]
    fn a_new_window_forgets_the_old_one() {
        let leases = Leases::default();
        leases.granted("a", 60, 600, 10, 10);
        assert_eq!(leases.take("a", 120), None);
        assert_eq!(leases.chunk("a", 120, 600), 64);
    }
}
