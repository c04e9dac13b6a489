//! What approved time costs in pay: each minute at its worker's rate of the day (at
//! least the minimum wage of that day), kept exact in sixtieths of the minor unit so
//! that whoever shows a sum rounds it once. A job's margin and the centre's monthly
//! margin read it; earnings statements price time the same way, through the same
//! domain rule (`earnings::statement`).

use std::collections::BTreeMap;

use yui_domain::JobId;
use yui_domain::workforce::earnings::{self, Worked};

use crate::centers::Center;
use crate::time_entries::ApprovedTime;
use crate::{DbConnection, StoreError, pay_rates};

/// One job's approved time and its cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobLabour {
    pub minutes: i64,
    /// Exact: minutes × rate, in sixtieths of the minor unit.
    pub cost_sixtieths: i64,
}

/// The cost of `pieces` (approved time of `center`), per job.
pub fn cost_by_job(
    conn: &mut DbConnection,
    center: &Center,
    pieces: &[ApprovedTime],
) -> Result<BTreeMap<JobId, JobLabour>, StoreError> {
    let mut by_worker: BTreeMap<yui_domain::UserId, Vec<Worked>> = BTreeMap::new();
    for piece in pieces {
        let day = piece.started_at.with_timezone(&center.time_zone).date_naive();
        let worked = Worked { job_id: piece.job_id, task_id: piece.task_id, day, minutes: piece.minutes, late: false };
        by_worker.entry(piece.worker_id).or_default().push(worked);
    }
    let mut by_job: BTreeMap<JobId, JobLabour> = BTreeMap::new();
    for (worker, worked) in by_worker {
        let rates: Vec<_> = pay_rates::history(conn, worker)?.iter().map(pay_rates::PayRate::dated).collect();
        let priced = earnings::statement(&worked, &rates, &center.minimum_wages, center.currency(), false);
        for line in priced.lines {
            let job = by_job.entry(line.job_id).or_default();
            job.minutes += line.minutes;
            job.cost_sixtieths += line.amount_sixtieths;
        }
    }
    Ok(by_job)
}
