//! Jobs. A job belongs to the client organisation that posted it and the centre it
//! was posted to; every change is a compare-and-set on its `version`.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;
use yui_domain::flow::{JobStatus, Pricing, TaskStatus};
use yui_domain::{CenterId, Currency, JobId, Money, OrganizationId, PageLimit, SessionId, UserId};

use crate::ids::{from_db_time, parse_json, parse_status, parse_uuid, to_db_time, to_json};
use crate::schema::{jobs, sessions, tasks, users};
use crate::users::{User, UserRow};
use crate::{DbConnection, Page, StoreError, overfetch};

/// What a client writes into a job (created as a draft, editable until posted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSpec {
    pub title: String,
    pub description: String,
    pub category: String,
    /// Skills from the centre's catalogue, each with a minimum level.
    pub required_skills: Vec<yui_domain::workforce::SkillRequirement>,
    pub pricing: Pricing,
    pub budget: Money,
    pub due_at: DateTime<Utc>,
    pub deliverable_spec: String,
    pub preferred_team_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub center_id: CenterId,
    pub organization_id: OrganizationId,
    pub created_by: UserId,
    pub spec: JobSpec,
    pub status: JobStatus,
    pub decline_reason: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Whose jobs a list shows.
#[derive(Debug, Clone, Copy)]
pub enum JobScope {
    /// A client organisation's own jobs, drafts included.
    Organization(OrganizationId),
    /// A centre's jobs, drafts excluded (they are not posted yet).
    Center(CenterId),
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = jobs)]
pub(crate) struct JobRow {
    id: String,
    center_id: String,
    organization_id: String,
    created_by: String,
    title: String,
    description: String,
    category: String,
    required_skills: String,
    pricing: String,
    budget_amount: i64,
    currency: String,
    due_at: NaiveDateTime,
    deliverable_spec: String,
    preferred_team_id: Option<String>,
    status: String,
    decline_reason: Option<String>,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<JobRow> for Job {
    type Error = StoreError;
    fn try_from(row: JobRow) -> Result<Self, StoreError> {
        let currency: Currency = row.currency.parse().map_err(|e| StoreError::Corrupt(format!("job currency: {e}")))?;
        Ok(Job {
            id: parse_uuid(&row.id)?.into(),
            center_id: parse_uuid(&row.center_id)?.into(),
            organization_id: parse_uuid(&row.organization_id)?.into(),
            created_by: parse_uuid(&row.created_by)?.into(),
            spec: JobSpec {
                title: row.title,
                description: row.description,
                category: row.category,
                required_skills: parse_json(&row.required_skills)?,
                pricing: parse_status(&row.pricing, Pricing::parse)?,
                budget: Money::new(row.budget_amount, currency),
                due_at: from_db_time(row.due_at),
                deliverable_spec: row.deliverable_spec,
                preferred_team_id: row.preferred_team_id.as_deref().map(parse_uuid).transpose()?,
            },
            status: parse_status(&row.status, JobStatus::parse)?,
            decline_reason: row.decline_reason,
            version: row.version,
            created_at: from_db_time(row.created_at),
            updated_at: from_db_time(row.updated_at),
        })
    }
}

/// Creates a draft job.
pub fn insert(
    conn: &mut DbConnection,
    center: CenterId,
    organization: OrganizationId,
    created_by: UserId,
    spec: JobSpec,
) -> Result<Job, StoreError> {
    let now = crate::now();
    let job = Job {
        id: JobId::generate(),
        center_id: center,
        organization_id: organization,
        created_by,
        spec,
        status: JobStatus::Draft,
        decline_reason: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(jobs::table)
        .values((
            jobs::id.eq(job.id.to_string()),
            jobs::center_id.eq(center.to_string()),
            jobs::organization_id.eq(organization.to_string()),
            jobs::created_by.eq(created_by.to_string()),
            jobs::title.eq(&job.spec.title),
            jobs::description.eq(&job.spec.description),
            jobs::category.eq(&job.spec.category),
            jobs::required_skills.eq(to_json(&job.spec.required_skills)?),
            jobs::pricing.eq(job.spec.pricing.as_str()),
            jobs::budget_amount.eq(job.spec.budget.amount_minor),
            jobs::currency.eq(job.spec.budget.currency.as_str()),
            jobs::due_at.eq(to_db_time(job.spec.due_at)),
            jobs::deliverable_spec.eq(&job.spec.deliverable_spec),
            jobs::preferred_team_id.eq(job.spec.preferred_team_id.map(|id| id.to_string())),
            jobs::status.eq(job.status.as_str()),
            jobs::version.eq(job.version),
            jobs::created_at.eq(to_db_time(now)),
            jobs::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(job)
}

pub fn find(conn: &mut DbConnection, id: JobId) -> Result<Option<Job>, StoreError> {
    jobs::table
        .filter(jobs::id.eq(id.to_string()))
        .select(JobRow::as_select())
        .first(conn)
        .optional()?
        .map(Job::try_from)
        .transpose()
}

/// [`find`] and, in the same statement, the user of the caller's session `session`
/// if it is live (as [`crate::tasks::find_with_job_and_caller`]).
pub fn find_with_caller(
    conn: &mut DbConnection,
    id: JobId,
    session: SessionId,
) -> Result<Option<(Job, Option<User>)>, StoreError> {
    let found = crate::db::on_engine!(conn, |c| jobs::table
        .left_join(sessions::table.on(crate::sessions::is_live(session.to_string(), to_db_time(crate::now()))))
        .left_join(users::table.on(users::id.nullable().eq(sessions::user_id.nullable())))
        .filter(jobs::id.eq(id.to_string()))
        .select((JobRow::as_select(), crate::sessions::nullable_caller()))
        .first::<(JobRow, Option<UserRow>)>(c)
        .optional())?;
    let Some((job, caller)) = found else {
        return Ok(None);
    };
    Ok(Some((Job::try_from(job)?, crate::sessions::caller_from_row(caller)?)))
}

/// Writes `job` (its spec, status and decline reason) if nobody changed it since it
/// was read at `job.version`; returns it with the new version.
pub fn save(conn: &mut DbConnection, mut job: Job) -> Result<Job, StoreError> {
    let now = crate::now();
    let updated =
        diesel::update(jobs::table.filter(jobs::id.eq(job.id.to_string())).filter(jobs::version.eq(job.version)))
            .set((
                jobs::title.eq(&job.spec.title),
                jobs::description.eq(&job.spec.description),
                jobs::category.eq(&job.spec.category),
                jobs::required_skills.eq(to_json(&job.spec.required_skills)?),
                jobs::pricing.eq(job.spec.pricing.as_str()),
                jobs::budget_amount.eq(job.spec.budget.amount_minor),
                jobs::currency.eq(job.spec.budget.currency.as_str()),
                jobs::due_at.eq(to_db_time(job.spec.due_at)),
                jobs::deliverable_spec.eq(&job.spec.deliverable_spec),
                jobs::preferred_team_id.eq(job.spec.preferred_team_id.map(|id| id.to_string())),
                jobs::status.eq(job.status.as_str()),
                jobs::decline_reason.eq(&job.decline_reason),
                jobs::version.eq(job.version + 1),
                jobs::updated_at.eq(to_db_time(now)),
            ))
            .execute(conn)?;
    if updated == 0 {
        return Err(StoreError::VersionConflict);
    }
    job.version += 1;
    job.updated_at = now;
    Ok(job)
}

/// A page of jobs in `scope`, optionally of one status, in creation order.
pub fn list(
    conn: &mut DbConnection,
    scope: JobScope,
    status: Option<JobStatus>,
    after: Option<JobId>,
    limit: PageLimit,
) -> Result<Page<Job>, StoreError> {
    let mut query = jobs::table.select(JobRow::as_select()).order(jobs::id.asc()).into_boxed();
    query = match scope {
        JobScope::Organization(org) => query.filter(jobs::organization_id.eq(org.to_string())),
        JobScope::Center(center) => {
            query.filter(jobs::center_id.eq(center.to_string())).filter(jobs::status.ne(JobStatus::Draft.as_str()))
        }
    };
    if let Some(status) = status {
        query = query.filter(jobs::status.eq(status.as_str()));
    }
    if let Some(after) = after {
        query = query.filter(jobs::id.gt(after.to_string()));
    }
    let rows =
        query.limit(overfetch(limit)).load(conn)?.into_iter().map(Job::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, limit.get(), |j| j.id.as_uuid()))
}

/// How many of the job's tasks are in each status (statuses with none are omitted).
pub fn task_counts(conn: &mut DbConnection, job: JobId) -> Result<Vec<(TaskStatus, i64)>, StoreError> {
    let rows: Vec<(String, i64)> = tasks::table
        .filter(tasks::job_id.eq(job.to_string()))
        .group_by(tasks::status)
        .select((tasks::status, diesel::dsl::count_star()))
        .load(conn)?;
    rows.into_iter().map(|(status, count)| Ok((parse_status(&status, TaskStatus::parse)?, count))).collect()
}

/// How many of the centre's posted jobs are in each status.
pub fn center_counts(conn: &mut DbConnection, center: CenterId) -> Result<Vec<(JobStatus, i64)>, StoreError> {
    let rows: Vec<(String, i64)> = jobs::table
        .filter(jobs::center_id.eq(center.to_string()))
        .filter(jobs::status.ne(JobStatus::Draft.as_str()))
        .group_by(jobs::status)
        .select((jobs::status, diesel::dsl::count_star()))
        .load(conn)?;
    rows.into_iter().map(|(status, count)| Ok((parse_status(&status, JobStatus::parse)?, count))).collect()
}
