//! The demo's jobs: one in each state of the flow, so a newcomer sees the whole
//! team-job cycle at once. Everything goes through `yui_store::flow`, exactly as the
//! API does it, so each job and task has its full event history.
//!
//! | job | state |
//! |---|---|
//! | Customer survey data entry | draft (the client is still writing it) |
//! | School ICT equipment inventory | posted, waiting for a director |
//! | Tourism brochure translation | quoted, waiting for the client |
//! | HD map: lane markings on Route 19 | active: tasks open, assigned, in progress, three in the QC queue, approved |
//! | October receipts bookkeeping | active: all tasks delivered, waiting for the client's acceptance |
//! | Street photo annotation (pilot) | completed |
//! | Event flyer design | declined |
//! | Archive scanning | cancelled by the client |

use chrono::{TimeDelta, Utc};
use serde_json::json;
use yui_domain::flow::{DeliveryAction, JobAction, Pricing, TaskAction, Verdict};
use yui_domain::workforce::{Level, SkillRequirement};
use yui_domain::{CenterId, Currency, Money, OrganizationId, UserId};
use yui_store::comments::{self, Thread};
use yui_store::flow::{self, FlowError};
use yui_store::jobs::{self, Job, JobSpec};
use yui_store::quotes::QuoteTerms;
use yui_store::submissions::SubmissionContent;
use yui_store::tasks::{Task, TaskSpec};
use yui_store::{DbConnection, StoreError};

/// Who acts in the demo's jobs.
pub struct Cast {
    pub center: CenterId,
    pub organization: OrganizationId,
    pub client: UserId,
    pub director: UserId,
    pub workers: Vec<UserId>,
}

fn requirement(skill: &str, min_level: i64) -> SkillRequirement {
    SkillRequirement { skill: skill.into(), min_level: Level::new(min_level).unwrap_or(Level::MIN) }
}

fn days(n: i64) -> chrono::DateTime<Utc> {
    yui_store::now() + TimeDelta::days(n)
}

fn draft(
    conn: &mut DbConnection,
    cast: &Cast,
    title: &str,
    category: &str,
    skill: &str,
    budget: i64,
) -> Result<Job, FlowError> {
    let spec = JobSpec {
        title: title.into(),
        description: format!("{title}, ordered by Shiojiri Map Works."),
        category: category.into(),
        required_skills: vec![requirement(skill, 2)],
        pricing: Pricing::Fixed,
        budget: Money::new(budget, Currency::JPY),
        due_at: days(30),
        deliverable_spec: "Files in the shared folder, one per task, named by task title.".into(),
        preferred_team_id: None,
    };
    let job = jobs::insert(conn, cast.center, cast.organization, cast.client, spec)?;
    flow::record_job_event(conn, cast.client, &job, "created", None, json!({}))?;
    Ok(job)
}

fn posted(
    conn: &mut DbConnection,
    cast: &Cast,
    title: &str,
    category: &str,
    skill: &str,
    budget: i64,
) -> Result<Job, FlowError> {
    let job = draft(conn, cast, title, category, skill, budget)?;
    flow::advance_job(conn, cast.client, job, JobAction::Post, json!({}))
}

fn quoted(
    conn: &mut DbConnection,
    cast: &Cast,
    title: &str,
    category: &str,
    skill: &str,
    budget: i64,
) -> Result<Job, FlowError> {
    let job = posted(conn, cast, title, category, skill, budget)?;
    let terms = QuoteTerms {
        estimated_minutes: budget / 16,
        price: Money::new(budget * 9 / 10, Currency::JPY),
        planned_delivery_at: days(25),
        note: "Two teams on school-hour shifts.".into(),
    };
    flow::quote(conn, cast.director, job, terms)
}

fn active(
    conn: &mut DbConnection,
    cast: &Cast,
    title: &str,
    category: &str,
    skill: &str,
    budget: i64,
) -> Result<Job, FlowError> {
    let job = quoted(conn, cast, title, category, skill, budget)?;
    flow::decide_quote(conn, cast.client, job, None)
}

fn split(
    conn: &mut DbConnection,
    cast: &Cast,
    job: &Job,
    count: usize,
    name: &str,
    skill: &str,
) -> Result<Vec<Task>, FlowError> {
    let specs = (1..=count)
        .map(|n| TaskSpec {
            title: format!("{name} {n}"),
            instructions: format!("See the job's deliverable specification. Part {n} of {count}."),
            estimated_minutes: 90,
            due_at: days(20),
            requirement: Some(requirement(skill, 2)),
        })
        .collect();
    flow::add_tasks(conn, cast.director, job, specs)
}

fn assign(conn: &mut DbConnection, cast: &Cast, mut task: Task, worker: UserId) -> Result<Task, FlowError> {
    task.assignee_id = Some(worker);
    flow::advance_task(conn, cast.director, task, TaskAction::Assign, json!({"assignee_id": worker.to_string()}))
}

fn start(conn: &mut DbConnection, cast: &Cast, task: Task, worker: UserId) -> Result<Task, FlowError> {
    let task = assign(conn, cast, task, worker)?;
    flow::advance_task(conn, worker, task, TaskAction::Start, json!({}))
}

fn submitted(conn: &mut DbConnection, cast: &Cast, task: Task, worker: UserId) -> Result<Task, FlowError> {
    let task = start(conn, cast, task, worker)?;
    let content = SubmissionContent {
        result_text: format!("Result for {}", task.spec.title),
        links: vec![format!("https://files.kado.example/{}.json", task.id)],
        payload: Some(json!({"items_done": 20})),
        note: String::new(),
    };
    Ok(flow::submit(conn, worker, task, content)?.0)
}

fn approved(conn: &mut DbConnection, cast: &Cast, task: Task, worker: UserId) -> Result<Task, FlowError> {
    let task = submitted(conn, cast, task, worker)?;
    let submission = task.current_submission_id.ok_or(FlowError::Stale)?;
    Ok(flow::review(conn, cast.director, task, submission, Verdict::Approved, "Looks good.")?.1)
}

fn worker(cast: &Cast, n: usize) -> UserId {
    cast.workers[n % cast.workers.len()]
}

/// Seeds every demo job (in the caller's transaction).
pub fn seed(conn: &mut DbConnection, cast: &Cast) -> Result<(), FlowError> {
    draft(conn, cast, "Customer survey data entry", "back-office", "data-entry", 120_000)?;
    posted(conn, cast, "School ICT equipment inventory", "municipal", "ict-support", 200_000)?;
    quoted(conn, cast, "Tourism brochure translation (EN)", "writing", "translation", 150_000)?;

    let declined = posted(conn, cast, "Event flyer design", "design", "graphic-design", 60_000)?;
    flow::decline(conn, cast.director, declined, "We do not offer graphic design yet.")?;
    let cancelled = posted(conn, cast, "Archive scanning", "back-office", "scanning", 90_000)?;
    flow::advance_job(conn, cast.client, cancelled, JobAction::Cancel, json!({}))?;

    // Active and under review: every task state, three submissions in the QC queue.
    let hd_map = active(conn, cast, "HD map: lane markings on Route 19", "hd-map", "hd-map-editing", 1_200_000)?;
    let mut tasks = split(conn, cast, &hd_map, 12, "Route 19, km", "hd-map-editing")?.into_iter().enumerate();
    for (n, task) in tasks.by_ref().take(3) {
        submitted(conn, cast, task, worker(cast, n))?;
    }
    for (n, task) in tasks.by_ref().take(2) {
        start(conn, cast, task, worker(cast, n))?;
    }
    for (n, task) in tasks.by_ref().take(2) {
        assign(conn, cast, task, worker(cast, n))?;
    }
    for (n, task) in tasks.by_ref().take(3) {
        approved(conn, cast, task, worker(cast, n))?;
    }
    super::workforce::seed_absence(conn, &hd_map, cast.director, cast.workers[0])?;
    let thread = Thread { center_id: hd_map.center_id, job_id: hd_map.id, task_id: None };
    comments::insert(conn, thread, cast.client, "Please include the new bypass section if it is in the survey data.")?;
    comments::insert(conn, thread, cast.director, "Yes: it is km 11–12, planned for next week.")?;

    // Active and delivered: waiting for the client to accept.
    let books = active(conn, cast, "October receipts bookkeeping", "back-office", "bookkeeping", 180_000)?;
    let mut done = Vec::new();
    for (n, task) in split(conn, cast, &books, 4, "Receipts batch", "bookkeeping")?.into_iter().enumerate() {
        done.push(approved(conn, cast, task, worker(cast, n + 3))?);
    }
    flow::deliver(conn, cast.director, &books, done, "All four batches, checked twice.")?;

    // Completed: delivered and accepted.
    let pilot = active(conn, cast, "Street photo annotation (pilot)", "data-annotation", "image-annotation", 90_000)?;
    let mut done = Vec::new();
    for (n, task) in split(conn, cast, &pilot, 3, "Photo set", "image-annotation")?.into_iter().enumerate() {
        done.push(approved(conn, cast, task, worker(cast, n + 5))?);
    }
    let delivery = flow::deliver(conn, cast.director, &pilot, done, "Pilot results.")?;
    let pilot =
        jobs::find(conn, pilot.id)?.ok_or(FlowError::Store(StoreError::Corrupt("pilot job vanished".into())))?;
    flow::decide_delivery(conn, cast.client, delivery, &pilot, DeliveryAction::Accept, None)?;
    Ok(())
}
