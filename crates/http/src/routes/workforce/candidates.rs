//! Ranked candidates as the API shows them, shared by the matching and cover routes:
//! the ranking itself is `yui_domain::workforce::ranking`; this is its view.

use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use yui_domain::workforce::ranking::{self, CandidateFacts, Ranked, Ranking, TaskNeeds};
use yui_domain::{TeamId, UserId};
use yui_store::jobs::Job;
use yui_store::roster::Roster;
use yui_store::tasks::Task;
use yui_store::workforce::{DeadlineFacts, Snapshot};

/// One factor of a candidate's score.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonView {
    /// `skill`, `time`, `quality`, `load`, `fairness` or `team`.
    pub factor: String,
    /// The points it contributed to the score (of 100, plus a 5-point team bonus).
    pub points: f64,
    /// The fact behind it.
    pub detail: String,
}

/// A ranked candidate.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateView {
    /// 1 for the best.
    pub rank: usize,
    pub worker_id: Uuid,
    pub display_name: String,
    /// 0–100 (105 with the team bonus).
    pub score: f64,
    pub reasons: Vec<ReasonView>,
}

pub fn needs_of(task: &Task) -> TaskNeeds {
    TaskNeeds {
        estimated_minutes: u32::try_from(task.spec.estimated_minutes).unwrap_or(u32::MAX),
        requirement: task.spec.requirement.clone(),
    }
}

/// Ranks the workers for `task`, leaving out `except` (e.g. its current worker).
pub fn rank_task(snapshot: &Snapshot, task: &Task, job: &Job, except: Option<UserId>) -> Ranking<UserId> {
    let deadline_facts = snapshot.facts_for_deadlines(Utc::now(), [task.spec.due_at]);
    ranking::rank(&needs_of(task), &facts_for(&deadline_facts, task, job, except))
}

fn facts_for(
    deadline_facts: &DeadlineFacts<'_>,
    task: &Task,
    job: &Job,
    except: Option<UserId>,
) -> Vec<CandidateFacts<UserId>> {
    let preferred = job.spec.preferred_team_id.map(TeamId::from);
    let mut facts = deadline_facts.for_task(task.spec.requirement.as_ref(), task.spec.due_at, task.team_id, preferred);
    facts.retain(|f| Some(f.worker) != except);
    facts
}

/// A worker's display name, from the roster.
pub fn name_of(roster: &Roster, worker: UserId) -> String {
    roster.worker(worker).map(|w| w.display_name.clone()).unwrap_or_default()
}

/// The best `limit` of `ranked` for `task`, with their reasons.
pub fn candidate_views(roster: &Roster, task: &Task, ranked: Vec<Ranked<UserId>>, limit: usize) -> Vec<CandidateView> {
    let needs = needs_of(task);
    ranked
        .into_iter()
        .take(limit)
        .enumerate()
        .map(|(index, r)| CandidateView {
            rank: index + 1,
            worker_id: r.worker.as_uuid(),
            display_name: name_of(roster, r.worker),
            score: r.score,
            reasons: r
                .reasons(&needs)
                .into_iter()
                .map(|reason| ReasonView {
                    factor: reason.factor.to_owned(),
                    points: reason.points,
                    detail: reason.detail,
                })
                .collect(),
        })
        .collect()
}
