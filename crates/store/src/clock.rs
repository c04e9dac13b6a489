//! The one clock of the store.
//!
//! PostgreSQL keeps microseconds; SQLite keeps whatever text it is given. Truncating
//! to microseconds here means a value reads back exactly as it was written on both.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// The current UTC time, truncated to microseconds.
#[must_use]
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(now)
}
