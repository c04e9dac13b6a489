//! Tasks: the pieces a job is split into. Every change is a compare-and-set on the
//! task's `version`, so two people acting on one task at once cannot both succeed.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use yui_domain::flow::TaskStatus;
use yui_domain::workforce::risk::Commitment;
use yui_domain::workforce::{Level, SkillRequirement};
use yui_domain::{CenterId, JobId, PageLimit, SessionId, SubmissionId, TaskId, TeamId, UserId};

use crate::ids::{from_db_time, parse_status, parse_uuid, to_db_time};
use crate::jobs::Job;
use crate::schema::{sessions, tasks, users};
use crate::users::{User, UserRow};
use crate::{DbConnection, Page, StoreError, overfetch};

/// Rows per INSERT: 13 values a row, so 26 000 bound values, under SQLite's limit of
/// 32 766 (PostgreSQL's is 65 535). Fewer, larger statements: a 5 000-task split is
/// three of them.
const INSERT_CHUNK: usize = 2_000;

/// What a director writes into a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskSpec {
    pub title: String,
    pub instructions: String,
    pub estimated_minutes: i64,
    pub due_at: DateTime<Utc>,
    /// The skill (from the centre's catalogue) and minimum level the task needs.
    pub requirement: Option<SkillRequirement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: TaskId,
    pub job_id: JobId,
    pub center_id: CenterId,
    pub spec: TaskSpec,
    pub status: TaskStatus,
    pub assignee_id: Option<UserId>,
    /// The team whose queue the task sits in, if it was given to a team.
    pub team_id: Option<TeamId>,
    /// The submission waiting for review, or the one approved last.
    pub current_submission_id: Option<SubmissionId>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The columns [`save`] writes as the database held them when the task was read
    /// to be changed ([`find`], [`find_with_job`], [`find_many_in_job`]) or last
    /// saved. `save` writes only those that differ: SQLite rewrites every index on a
    /// column named in `SET`, changed or not, and runs every `UPDATE OF` trigger, so an
    /// edit of the title that named all columns rewrote seven index entries
    /// (docs/benchmarks.md). Lists and reports leave it `None` (a copy of every listed
    /// task's text that nothing would use); `save` then names every column.
    stored: Option<Box<Stored>>,
}

/// What [`save`] compares against; see [`Task::stored`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stored {
    spec: TaskSpec,
    status: TaskStatus,
    assignee_id: Option<UserId>,
    team_id: Option<TeamId>,
    current_submission_id: Option<SubmissionId>,
}

impl Task {
    /// Remembers the task's columns as the database now holds them.
    fn remembering_stored(mut self) -> Self {
        self.stored = Some(Box::new(Stored {
            spec: self.spec.clone(),
            status: self.status,
            assignee_id: self.assignee_id,
            team_id: self.team_id,
            current_submission_id: self.current_submission_id,
        }));
        self
    }
}

/// Filters for task lists.
#[derive(Debug, Clone, Copy, Default)]
pub struct TaskFilter {
    pub status: Option<TaskStatus>,
    pub assignee: Option<UserId>,
    /// Only tasks due before this instant that are not yet approved or cancelled.
    pub overdue_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = tasks)]
struct TaskRow {
    id: String,
    job_id: String,
    center_id: String,
    title: String,
    instructions: String,
    estimated_minutes: i64,
    due_at: NaiveDateTime,
    skill: Option<String>,
    min_level: Option<i32>,
    team_id: Option<String>,
    status: String,
    assignee_id: Option<String>,
    current_submission_id: Option<String>,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<TaskRow> for Task {
    type Error = StoreError;
    fn try_from(row: TaskRow) -> Result<Self, StoreError> {
        let task = Task {
            id: parse_uuid(&row.id)?.into(),
            job_id: parse_uuid(&row.job_id)?.into(),
            center_id: parse_uuid(&row.center_id)?.into(),
            spec: TaskSpec {
                title: row.title,
                instructions: row.instructions,
                estimated_minutes: row.estimated_minutes,
                due_at: from_db_time(row.due_at),
                requirement: match (row.skill, row.min_level) {
                    (Some(skill), Some(level)) => Some(SkillRequirement {
                        skill,
                        min_level: Level::new(i64::from(level)).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    }),
                    _ => None,
                },
            },
            status: parse_status(&row.status, TaskStatus::parse)?,
            assignee_id: row.assignee_id.as_deref().map(parse_uuid).transpose()?.map(Into::into),
            team_id: row.team_id.as_deref().map(parse_uuid).transpose()?.map(Into::into),
            current_submission_id: row.current_submission_id.as_deref().map(parse_uuid).transpose()?.map(Into::into),
            version: row.version,
            created_at: from_db_time(row.created_at),
            updated_at: from_db_time(row.updated_at),
            stored: None,
        };
        Ok(task)
    }
}

/// Creates open tasks for `job`, all in the caller's transaction.
pub fn insert_many(conn: &mut DbConnection, job: &Job, specs: Vec<TaskSpec>) -> Result<Vec<Task>, StoreError> {
    let now = crate::now();
    let created: Vec<Task> = specs
        .into_iter()
        .map(|spec| Task {
            id: TaskId::generate(),
            job_id: job.id,
            center_id: job.center_id,
            spec,
            status: TaskStatus::Open,
            assignee_id: None,
            team_id: None,
            current_submission_id: None,
            version: 1,
            created_at: now,
            updated_at: now,
            stored: None,
        })
        .map(Task::remembering_stored)
        .collect();
    for chunk in created.chunks(INSERT_CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|task| {
                (
                    tasks::id.eq(task.id.to_string()),
                    tasks::job_id.eq(task.job_id.to_string()),
                    tasks::center_id.eq(task.center_id.to_string()),
                    tasks::title.eq(task.spec.title.clone()),
                    tasks::instructions.eq(task.spec.instructions.clone()),
                    tasks::estimated_minutes.eq(task.spec.estimated_minutes),
                    tasks::due_at.eq(to_db_time(task.spec.due_at)),
                    tasks::skill.eq(task.spec.requirement.as_ref().map(|r| r.skill.clone())),
                    tasks::min_level.eq(task.spec.requirement.as_ref().map(|r| i32::from(r.min_level.get()))),
                    tasks::status.eq(task.status.as_str()),
                    tasks::version.eq(task.version),
                    tasks::created_at.eq(to_db_time(now)),
                    tasks::updated_at.eq(to_db_time(now)),
                )
            })
            .collect();
        crate::db::on_engine!(conn, |c| diesel::insert_into(tasks::table).values(rows).execute(c))?;
    }
    Ok(created)
}

pub fn find(conn: &mut DbConnection, id: TaskId) -> Result<Option<Task>, StoreError> {
    tasks::table
        .filter(tasks::id.eq(id.to_string()))
        .select(TaskRow::as_select())
        .first(conn)
        .optional()?
        .map(|row| Task::try_from(row).map(Task::remembering_stored))
        .transpose()
}

/// A task and its job, read together (one statement: every request about a task
/// needs both).
pub fn find_with_job(conn: &mut DbConnection, id: TaskId) -> Result<Option<(Task, Job)>, StoreError> {
    let Some((task, job)) = tasks::table
        .inner_join(crate::schema::jobs::table)
        .filter(tasks::id.eq(id.to_string()))
        .select((TaskRow::as_select(), crate::jobs::JobRow::as_select()))
        .first::<(TaskRow, crate::jobs::JobRow)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    Ok(Some((Task::try_from(task)?.remembering_stored(), Job::try_from(job)?)))
}

/// [`find_with_job`] and, in the same statement, the user of the caller's session
/// `session` if it is live ([`crate::sessions::actor_of`] makes the actor of it):
/// one round trip instead of two for the most frequent read. `None` if there is no
/// such task (the caller's session is then still to be checked).
pub fn find_with_job_and_caller(
    conn: &mut DbConnection,
    id: TaskId,
    session: SessionId,
) -> Result<Option<(Task, Job, Option<User>)>, StoreError> {
    let found = crate::db::on_engine!(conn, |c| tasks::table
        .inner_join(crate::schema::jobs::table)
        .left_join(sessions::table.on(crate::sessions::is_live(session.to_string(), to_db_time(crate::now()))))
        .left_join(users::table.on(users::id.nullable().eq(sessions::user_id.nullable())))
        .filter(tasks::id.eq(id.to_string()))
        .select((TaskRow::as_select(), crate::jobs::JobRow::as_select(), crate::sessions::nullable_caller()))
        .first::<(TaskRow, crate::jobs::JobRow, Option<UserRow>)>(c)
        .optional())?;
    let Some((task, job, caller)) = found else {
        return Ok(None);
    };
    Ok(Some((
        Task::try_from(task)?.remembering_stored(),
        Job::try_from(job)?,
        crate::sessions::caller_from_row(caller)?,
    )))
}

/// Several tasks by id, each with its job (those that exist), in one query.
pub fn find_many_with_jobs(conn: &mut DbConnection, ids: &[TaskId]) -> Result<Vec<(Task, Job)>, StoreError> {
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    tasks::table
        .inner_join(crate::schema::jobs::table)
        .filter(tasks::id.eq_any(ids))
        .select((TaskRow::as_select(), crate::jobs::JobRow::as_select()))
        .load::<(TaskRow, crate::jobs::JobRow)>(conn)?
        .into_iter()
        .map(|(task, job)| Ok((Task::try_from(task)?.remembering_stored(), Job::try_from(job)?)))
        .collect()
}

/// Several tasks of one job by id (those that exist in that job).
pub fn find_many_in_job(conn: &mut DbConnection, job: JobId, ids: &[TaskId]) -> Result<Vec<Task>, StoreError> {
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    tasks::table
        .filter(tasks::job_id.eq(job.to_string()))
        .filter(tasks::id.eq_any(ids))
        .order(tasks::id.asc())
        .select(TaskRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| Task::try_from(row).map(Task::remembering_stored))
        .collect()
}

/// Writes `task` if nobody changed it since it was read at `task.version`; returns it
/// with the new version. Otherwise [`StoreError::VersionConflict`].
pub fn save(conn: &mut DbConnection, task: Task) -> Result<Task, StoreError> {
    let now = crate::now();
    let changes = TaskChanges::of(&task, now);
    let updated =
        diesel::update(tasks::table.filter(tasks::id.eq(task.id.to_string())).filter(tasks::version.eq(task.version)))
            .set(changes)
            .execute(conn)?;
    if updated == 0 {
        return Err(StoreError::VersionConflict);
    }
    Ok(Task { version: task.version + 1, updated_at: now, ..task }.remembering_stored())
}

/// The `SET` list of [`save`]: a column is named only if its value changed (`None`
/// leaves it out; `Some(None)` sets `NULL`); version and time always.
#[derive(AsChangeset)]
#[diesel(table_name = tasks)]
struct TaskChanges {
    title: Option<String>,
    instructions: Option<String>,
    estimated_minutes: Option<i64>,
    due_at: Option<NaiveDateTime>,
    skill: Option<Option<String>>,
    min_level: Option<Option<i32>>,
    team_id: Option<Option<String>>,
    status: Option<String>,
    assignee_id: Option<Option<String>>,
    current_submission_id: Option<Option<String>>,
    version: i64,
    updated_at: NaiveDateTime,
}

impl TaskChanges {
    fn of(task: &Task, now: DateTime<Utc>) -> Self {
        let stored = task.stored.as_deref();
        // `Some(value)` unless the stored task already holds `value`.
        fn unless_stored<T: PartialEq, V>(stored: Option<T>, now: T, value: impl FnOnce(T) -> V) -> Option<V> {
            (stored.as_ref() != Some(&now)).then(|| value(now))
        }
        let spec = &task.spec;
        let was = stored.map(|s| &s.spec);
        let requirement = spec.requirement.as_ref();
        Self {
            title: unless_stored(was.map(|s| &s.title), &spec.title, Clone::clone),
            instructions: unless_stored(was.map(|s| &s.instructions), &spec.instructions, Clone::clone),
            estimated_minutes: unless_stored(was.map(|s| s.estimated_minutes), spec.estimated_minutes, |m| m),
            due_at: unless_stored(was.map(|s| s.due_at), spec.due_at, to_db_time),
            skill: unless_stored(
                was.map(|s| s.requirement.as_ref().map(|r| &r.skill)),
                requirement.map(|r| &r.skill),
                |s| s.cloned(),
            ),
            min_level: unless_stored(
                was.map(|s| s.requirement.as_ref().map(|r| r.min_level)),
                requirement.map(|r| r.min_level),
                |level| level.map(|l| i32::from(l.get())),
            ),
            team_id: unless_stored(stored.map(|s| s.team_id), task.team_id, |t| t.map(|t| t.to_string())),
            status: unless_stored(stored.map(|s| s.status), task.status, |s| s.as_str().to_owned()),
            assignee_id: unless_stored(stored.map(|s| s.assignee_id), task.assignee_id, |a| a.map(|a| a.to_string())),
            current_submission_id: unless_stored(
                stored.map(|s| s.current_submission_id),
                task.current_submission_id,
                |c| c.map(|c| c.to_string()),
            ),
            version: task.version + 1,
            updated_at: to_db_time(now),
        }
    }
}

/// Whose tasks a list shows.
#[derive(Debug, Clone, Copy)]
pub enum TaskScope {
    Job(JobId),
    Assignee(UserId),
    /// A team's queue: its open, unclaimed tasks.
    TeamQueue(TeamId),
}

/// A page of tasks in creation order.
pub fn list(
    conn: &mut DbConnection,
    scope: TaskScope,
    filter: TaskFilter,
    after: Option<TaskId>,
    limit: PageLimit,
) -> Result<Page<Task>, StoreError> {
    let mut query = tasks::table.select(TaskRow::as_select()).order(tasks::id.asc()).into_boxed();
    query = match scope {
        TaskScope::Job(job) => query.filter(tasks::job_id.eq(job.to_string())),
        TaskScope::Assignee(user) => query.filter(tasks::assignee_id.eq(user.to_string())),
        TaskScope::TeamQueue(team) => {
            query.filter(tasks::team_id.eq(team.to_string())).filter(tasks::status.eq(TaskStatus::Open.as_str()))
        }
    };
    if let Some(status) = filter.status {
        query = query.filter(tasks::status.eq(status.as_str()));
    }
    if let Some(assignee) = filter.assignee {
        query = query.filter(tasks::assignee_id.eq(assignee.to_string()));
    }
    if let Some(now) = filter.overdue_at {
        let finished = [TaskStatus::Approved, TaskStatus::Delivered, TaskStatus::Accepted, TaskStatus::Cancelled];
        query = query
            .filter(tasks::due_at.lt(to_db_time(now)))
            .filter(tasks::status.ne_all(finished.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
    }
    if let Some(after) = after {
        query = query.filter(tasks::id.gt(after.to_string()));
    }
    let rows =
        query.limit(overfetch(limit)).load(conn)?.into_iter().map(Task::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, limit.get(), |t| t.id.as_uuid()))
}

/// The centre's submitted tasks waiting for review, oldest submission first.
/// Submission ids are UUIDv7, so their order is the order of submission; the page
/// continues after the given submission id.
pub fn review_queue(
    conn: &mut DbConnection,
    scope: ReviewScope,
    after_submission: Option<SubmissionId>,
    limit: PageLimit,
) -> Result<(Vec<Task>, Option<SubmissionId>), StoreError> {
    let mut query = tasks::table
        .filter(tasks::status.eq(TaskStatus::Submitted.as_str()))
        .order(tasks::current_submission_id.asc())
        .select(TaskRow::as_select())
        .into_boxed();
    query = match scope {
        ReviewScope::Center(center) => query.filter(tasks::center_id.eq(center.to_string())),
        ReviewScope::Team { team, except } => query
            .filter(tasks::team_id.eq(team.to_string()))
            .filter(tasks::assignee_id.ne(except.to_string()).or(tasks::assignee_id.is_null())),
    };
    if let Some(after) = after_submission {
        query = query.filter(tasks::current_submission_id.gt(after.to_string()));
    }
    let mut rows =
        query.limit(overfetch(limit)).load(conn)?.into_iter().map(Task::try_from).collect::<Result<Vec<_>, _>>()?;
    let has_more = rows.len() > usize::from(limit.get());
    rows.truncate(usize::from(limit.get()));
    let next = if has_more { rows.last().and_then(|t| t.current_submission_id) } else { None };
    Ok((rows, next))
}

/// Whose submitted work a review queue lists.
#[derive(Debug, Clone, Copy)]
pub enum ReviewScope {
    /// The whole centre's (its directors' QC queue).
    Center(CenterId),
    /// One team's, never the reviewer's own work.
    Team { team: TeamId, except: UserId },
}

/// How many of the job's tasks are neither accepted nor cancelled.
pub fn count_unfinished(conn: &mut DbConnection, job: JobId) -> Result<i64, StoreError> {
    Ok(tasks::table
        .filter(tasks::job_id.eq(job.to_string()))
        .filter(tasks::status.ne_all(vec![TaskStatus::Accepted.as_str(), TaskStatus::Cancelled.as_str()]))
        .count()
        .get_result(conn)?)
}

/// `SUM(estimated_minutes)` as a BIGINT on both engines (PostgreSQL's SUM of a
/// BIGINT is NUMERIC).
pub(crate) fn sum_minutes() -> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::BigInt>> {
    diesel::dsl::sql("CAST(SUM(tasks.estimated_minutes) AS BIGINT)")
}

/// The estimated minutes of a job's tasks that are not cancelled.
pub fn estimated_minutes_of_job(conn: &mut DbConnection, job: JobId) -> Result<i64, StoreError> {
    let minutes: Option<i64> = tasks::table
        .filter(tasks::job_id.eq(job.to_string()))
        .filter(tasks::status.ne(TaskStatus::Cancelled.as_str()))
        .select(sum_minutes())
        .first(conn)?;
    Ok(minutes.unwrap_or(0))
}

/// The statuses in which a task is someone's unfinished work.
pub const COMMITTED: [TaskStatus; 3] = [TaskStatus::Assigned, TaskStatus::InProgress, TaskStatus::ChangesRequested];

/// The statuses in which a task is not yet approved or cancelled.
pub const UNFINISHED: [TaskStatus; 5] = [
    TaskStatus::Open,
    TaskStatus::Assigned,
    TaskStatus::InProgress,
    TaskStatus::Submitted,
    TaskStatus::ChangesRequested,
];

/// [`COMMITTED`] as SQL, written exactly as the predicate of the partial index
/// `tasks_commitments_idx`: the planners use a partial index only for a query that
/// repeats its predicate, and cannot see through bound parameters.
const COMMITTED_SQL: &str = "tasks.status IN ('assigned', 'in_progress', 'changes_requested')";

/// [`UNFINISHED`] as SQL, the predicate of the partial index `tasks_unfinished_due_idx`.
const UNFINISHED_SQL: &str = "tasks.status IN ('open', 'assigned', 'in_progress', 'submitted', 'changes_requested')";

fn is_committed() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql(COMMITTED_SQL)
}

/// The commitment a task stands for, if it is someone's unfinished work.
#[must_use]
pub fn commitment_of(task: &Task) -> Option<Commitment> {
    let worker = task.assignee_id.filter(|_| COMMITTED.contains(&task.status))?;
    Some(Commitment {
        task_id: task.id,
        worker,
        estimated_minutes: task.spec.estimated_minutes,
        due_at: task.spec.due_at,
    })
}

/// Every commitment in the centre, read from the covering index alone.
pub fn commitments(conn: &mut DbConnection, center: CenterId) -> Result<Vec<Commitment>, StoreError> {
    let rows: Vec<(String, Option<String>, i64, NaiveDateTime)> = tasks::table
        .filter(tasks::center_id.eq(center.to_string()))
        .filter(is_committed())
        .select((tasks::id, tasks::assignee_id, tasks::estimated_minutes, tasks::due_at))
        .load(conn)?;
    rows.into_iter()
        .filter_map(|(id, worker, minutes, due)| worker.map(|w| (id, w, minutes, due)))
        .map(|(id, worker, estimated_minutes, due)| {
            Ok(Commitment {
                task_id: TaskId::from(parse_uuid(&id)?),
                worker: UserId::from(parse_uuid(&worker)?),
                estimated_minutes,
                due_at: from_db_time(due),
            })
        })
        .collect()
}

/// One worker's unfinished assigned tasks, soonest due first.
pub fn committed(conn: &mut DbConnection, center: CenterId, worker: UserId) -> Result<Vec<Task>, StoreError> {
    tasks::table
        .filter(tasks::center_id.eq(center.to_string()))
        .filter(tasks::assignee_id.eq(worker.to_string()))
        .filter(is_committed())
        .order((tasks::due_at.asc(), tasks::id.asc()))
        .select(TaskRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Task::try_from)
        .collect()
}

/// How many of the centre's tasks are in each status.
pub fn center_counts(conn: &mut DbConnection, center: CenterId) -> Result<Vec<(TaskStatus, i64)>, StoreError> {
    let rows: Vec<(String, i64)> = tasks::table
        .filter(tasks::center_id.eq(center.to_string()))
        .group_by(tasks::status)
        .select((tasks::status, diesel::dsl::count_star()))
        .load(conn)?;
    rows.into_iter().map(|(status, count)| Ok((parse_status(&status, TaskStatus::parse)?, count))).collect()
}

/// How many of the centre's tasks are overdue (past due, not yet approved or cancelled).
pub fn count_overdue(conn: &mut DbConnection, center: CenterId, now: DateTime<Utc>) -> Result<i64, StoreError> {
    Ok(tasks::table
        .filter(tasks::center_id.eq(center.to_string()))
        .filter(tasks::due_at.lt(to_db_time(now)))
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(UNFINISHED_SQL))
        .count()
        .get_result(conn)?)
}

/// The oldest submission waiting for review in the centre, and how many wait.
pub fn review_queue_summary(
    conn: &mut DbConnection,
    center: CenterId,
) -> Result<(i64, Option<SubmissionId>), StoreError> {
    let (count, oldest): (i64, Option<String>) = tasks::table
        .filter(tasks::center_id.eq(center.to_string()))
        .filter(tasks::status.eq(TaskStatus::Submitted.as_str()))
        .select((diesel::dsl::count_star(), diesel::dsl::min(tasks::current_submission_id)))
        .first(conn)?;
    Ok((count, oldest.as_deref().map(parse_uuid).transpose()?.map(Into::into)))
}

/// What `workers` delivered: accepted tasks, their estimated minutes, and the number of
/// completed jobs those tasks belong to (for public track records).
pub fn accepted_by(conn: &mut DbConnection, workers: &[UserId]) -> Result<(i64, i64, i64), StoreError> {
    use crate::schema::jobs;
    if workers.is_empty() {
        return Ok((0, 0, 0));
    }
    let ids: Vec<String> = workers.iter().map(ToString::to_string).collect();
    let (count, minutes): (i64, Option<i64>) = tasks::table
        .filter(tasks::assignee_id.eq_any(ids.clone()))
        .filter(tasks::status.eq(TaskStatus::Accepted.as_str()))
        .select((diesel::dsl::count_star(), sum_minutes()))
        .first(conn)?;
    let completed_jobs: i64 = tasks::table
        .inner_join(jobs::table)
        .filter(tasks::assignee_id.eq_any(ids))
        .filter(tasks::status.eq(TaskStatus::Accepted.as_str()))
        .filter(jobs::status.eq(yui_domain::flow::JobStatus::Completed.as_str()))
        .select(diesel::dsl::count(tasks::job_id).aggregate_distinct())
        .first(conn)?;
    Ok((count, minutes.unwrap_or(0), completed_jobs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql_list(statuses: &[TaskStatus]) -> String {
        let quoted: Vec<String> = statuses.iter().map(|s| format!("'{}'", s.as_str())).collect();
        format!("status IN ({})", quoted.join(", "))
    }

    fn read_task() -> Task {
        let now = Utc::now();
        Task {
            id: TaskId::generate(),
            job_id: JobId::generate(),
            center_id: CenterId::generate(),
            spec: TaskSpec {
                title: "Label photos".into(),
                instructions: "Use the sheet.".into(),
                estimated_minutes: 30,
                due_at: now,
                requirement: Some(SkillRequirement {
                    skill: "labelling".into(),
                    min_level: Level::new(2).expect("level"),
                }),
            },
            status: TaskStatus::Assigned,
            assignee_id: Some(UserId::generate()),
            team_id: None,
            current_submission_id: None,
            version: 3,
            created_at: now,
            updated_at: now,
            stored: None,
        }
        .remembering_stored()
    }

    /// A save names in `SET` only what changed (plus version and time), so SQLite
    /// leaves the indexes and `UPDATE OF` triggers of untouched columns alone.
    #[test]
    fn a_save_sets_only_the_columns_that_changed() {
        let mut task = read_task();
        task.spec.title = "Label photos again".into();
        let changes = TaskChanges::of(&task, Utc::now());
        assert_eq!(changes.title.as_deref(), Some("Label photos again"));
        assert!(changes.instructions.is_none() && changes.estimated_minutes.is_none() && changes.due_at.is_none());
        assert!(changes.skill.is_none() && changes.min_level.is_none() && changes.status.is_none());
        assert!(changes.assignee_id.is_none() && changes.team_id.is_none() && changes.current_submission_id.is_none());
        assert_eq!(changes.version, 4);

        // Clearing a value names it with NULL; a task from a list (no snapshot) names everything.
        let mut reopened = read_task();
        reopened.status = TaskStatus::Open;
        reopened.assignee_id = None;
        reopened.spec.requirement = None;
        let changes = TaskChanges::of(&reopened, Utc::now());
        assert_eq!(changes.status.as_deref(), Some("open"));
        assert_eq!(changes.assignee_id, Some(None));
        assert_eq!((changes.skill, changes.min_level), (Some(None), Some(None)));
        assert!(changes.title.is_none());
        let unread = Task { stored: None, ..read_task() };
        let changes = TaskChanges::of(&unread, Utc::now());
        assert!(changes.title.is_some() && changes.team_id == Some(None) && changes.status.is_some());
    }

    /// The literal predicates say the same as the status lists, and the partial
    /// indexes of both engines are written with exactly those predicates (otherwise
    /// the planners silently stop using them); so are the commitment triggers.
    #[test]
    fn index_predicates_match_the_status_lists() {
        assert_eq!(COMMITTED_SQL, format!("tasks.{}", sql_list(&COMMITTED)));
        assert_eq!(UNFINISHED_SQL, format!("tasks.{}", sql_list(&UNFINISHED)));
        let finished = [TaskStatus::Approved, TaskStatus::Delivered, TaskStatus::Accepted, TaskStatus::Cancelled];
        let rest: Vec<TaskStatus> = TaskStatus::ALL.iter().copied().filter(|s| !finished.contains(s)).collect();
        assert_eq!(rest, UNFINISHED);
        for migration in [
            include_str!("../../../migrations/sqlite/2026-11-21-000004_workforce_speed/up.sql"),
            include_str!("../../../migrations/postgres/2026-11-21-000004_workforce_speed/up.sql"),
        ] {
            assert!(migration.contains(&format!("WHERE {};", sql_list(&COMMITTED))));
            assert!(migration.contains(&format!("WHERE {};", sql_list(&UNFINISHED))));
        }
        // The triggers that keep `worker_commitments` use the same list, and no other.
        for migration in [
            include_str!("../../../migrations/sqlite/2026-11-21-000005_worker_commitments/up.sql"),
            include_str!("../../../migrations/postgres/2026-11-21-000005_worker_commitments/up.sql"),
        ] {
            let lists = migration.matches("status IN (").count();
            assert!(lists >= 3, "{lists} status lists");
            assert_eq!(migration.matches(&sql_list(&COMMITTED)).count(), lists);
        }
    }
}
