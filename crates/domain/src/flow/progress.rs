//! How far a job has come, from how many of its tasks are in each state.

use super::TaskStatus;

/// A job's progress: cancelled tasks do not count; approved includes delivered and
/// accepted work, delivered includes accepted work. Percentages have one decimal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// Tasks that are not cancelled.
    pub total_tasks: i64,
    /// Share of those approved (or delivered, or accepted), 0–100.
    pub approved_percent: f64,
    /// Share of those delivered (or accepted), 0–100.
    pub delivered_percent: f64,
}

impl Progress {
    #[must_use]
    pub fn from_counts(counts: &[(TaskStatus, i64)]) -> Self {
        let count = |wanted: fn(TaskStatus) -> bool| -> i64 {
            counts.iter().filter(|(status, _)| wanted(*status)).map(|(_, n)| n).sum()
        };
        let total = count(|s| s != TaskStatus::Cancelled);
        let percent = |part: i64| {
            if total == 0 {
                return 0.0;
            }
            #[allow(clippy::cast_precision_loss)]
            let raw = part as f64 * 100.0 / total as f64;
            (raw * 10.0).round() / 10.0
        };
        Self {
            total_tasks: total,
            approved_percent: percent(count(TaskStatus::is_approved)),
            delivered_percent: percent(count(TaskStatus::is_delivered)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancelled_work_does_not_count_and_later_states_include_earlier_ones() {
        let counts = [
            (TaskStatus::Open, 1),
            (TaskStatus::Approved, 1),
            (TaskStatus::Delivered, 1),
            (TaskStatus::Accepted, 3),
            (TaskStatus::Cancelled, 4),
        ];
        let progress = Progress::from_counts(&counts);
        assert_eq!(progress.total_tasks, 6);
        assert!((progress.approved_percent - 83.3).abs() < 1e-9, "{progress:?}");
        assert!((progress.delivered_percent - 66.7).abs() < 1e-9, "{progress:?}");
        assert_eq!(Progress::from_counts(&[]).approved_percent, 0.0);
    }
}
