//! Tasks: a director splits an active job into tasks (1 to 5 000 in one request,
//! all or nothing), adds more later, edits or cancels open ones; lists per job with
//! filters; a worker's own list across jobs.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::flow::TaskAction;
use yui_domain::{JobId, TaskId, UserId};
use yui_store::flow::{add_tasks, advance_task, complete_job_if_done, ensure_accepts_work};
use yui_store::jobs::Job;
use yui_store::tasks::{self, TaskFilter, TaskScope, TaskSpec};

use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::flow::{act_on_task, task_views};
use crate::flow_views::{TaskStatusName, TaskView};
use crate::input;
use crate::pagination::{PageParams, Paginated};
use crate::requirements;
use crate::routes::tags;
use crate::state::AppState;
use yui_domain::access::Action;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(split_job)
        .service(list_job_tasks)
        .service(my_tasks)
        .service(get_task)
        .service(edit_task)
        .service(cancel_task);
}

/// One task to create.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "Photos 1–20: mark road signs",
        pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*[^\\s\\x00-\\x1F\\x7F-\\x9F][^\\x00-\\x1F\\x7F-\\x9F]*$"
    )]
    pub title: String,
    #[validate(length(max = 10000))]
    #[schema(max_length = 10000, pattern = "^[^\\x00]*$")]
    pub instructions: String,
    /// Estimated work, 1 to 10 000 minutes.
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub estimated_minutes: i64,
    /// When the task must be done: in the future and not after the job's due date.
    pub due_at: DateTime<Utc>,
    /// A skill from the centre's catalogue that the task needs, if any.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub skill: Option<String>,
    /// The minimum level (1–5) in that skill; 1 when omitted.
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub min_level: Option<i64>,
}

/// Tasks to add to a job, all or nothing.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitRequest {
    /// 1 to 5 000 tasks.
    #[validate(length(min = 1, max = 5000), nested)]
    #[schema(min_items = 1, max_items = 5000)]
    pub tasks: Vec<TaskInput>,
}

/// Changes to an open or assigned task; omitted fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditTaskRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*[^\\s\\x00-\\x1F\\x7F-\\x9F][^\\x00-\\x1F\\x7F-\\x9F]*$"
    )]
    pub title: Option<String>,
    #[validate(length(max = 10000))]
    #[schema(max_length = 10000, pattern = "^[^\\x00]*$")]
    pub instructions: Option<String>,
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub estimated_minutes: Option<i64>,
    pub due_at: Option<DateTime<Utc>>,
    /// A skill from the centre's catalogue that the task needs.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub skill: Option<String>,
    /// The minimum level (1–5) in that skill.
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub min_level: Option<i64>,
}

/// Filters for task lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskFilterParams {
    /// Only tasks in this status.
    pub status: Option<TaskStatusName>,
    /// Only tasks assigned to this worker.
    pub assignee_id: Option<Uuid>,
    /// Only (`true`) tasks past their due date and not yet approved or cancelled.
    pub overdue: Option<bool>,
}

impl TaskFilterParams {
    fn filter(&self) -> TaskFilter {
        TaskFilter {
            status: self.status.map(Into::into),
            assignee: self.assignee_id.map(UserId::from),
            overdue_at: self.overdue.filter(|o| *o).map(|_| Utc::now()),
        }
    }
}

/// Parses a task's fields; `new_due_date` says whether its due date is being set
/// now (and so must be in the future).
fn task_spec(field: &str, input: &TaskInput, job: &Job, new_due_date: bool) -> Result<TaskSpec, ApiError> {
    let due_at = if new_due_date { input::future(&format!("{field}.due_at"), input.due_at)? } else { input.due_at };
    if due_at > job.spec.due_at {
        return Err(ApiError::invalid_field(
            &format!("{field}.due_at"),
            "after_job_due",
            "must not be after the job's due date",
        ));
    }
    Ok(TaskSpec {
        title: input::name(&format!("{field}.title"), &input.title, 200)?.into_string(),
        instructions: input::text(&format!("{field}.instructions"), &input.instructions, 10_000)?,
        estimated_minutes: input.estimated_minutes,
        due_at,
        requirement: match (&input.skill, input.min_level) {
            (Some(skill), level) => Some(requirements::parse(field, skill, level)?),
            (None, Some(_)) => {
                return Err(ApiError::invalid_field(
                    &format!("{field}.min_level"),
                    "needs_skill",
                    "a minimum level needs a skill",
                ));
            }
            (None, None) => None,
        },
    })
}

/// Split an active job into tasks (directors): 1 to 5 000 tasks, all or nothing.
#[utoipa::path(
    tag = tags::TASKS,
    security(("bearer_token" = []), ("api_key" = ["jobs:write"])),
    params(("id" = Uuid, Path, description = "The job's id.")),
    request_body = SplitRequest,
    responses(
        (status = 201, description = "The created tasks, in the order given.", body = Vec<TaskView>),
        (status = 409, description = "The job is not active (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/jobs/{id}/tasks")]
async fn split_job(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<SplitRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = JobId::from(id.into_inner());
    let inputs = body.into_inner().tasks;
    let created = state
        .write_as(bearer, move |conn, actor| {
            let job = access::job(conn, actor, id, Action::RunJob)?;
            ensure_accepts_work(&job, "add tasks to")?;
            let specs = inputs
                .iter()
                .enumerate()
                .map(|(index, input)| task_spec(&format!("tasks[{index}]"), input, &job, true))
                .collect::<Result<Vec<_>, _>>()?;
            let named = specs
                .iter()
                .enumerate()
                .filter_map(|(index, spec)| spec.requirement.as_ref().map(|r| (format!("tasks[{index}]"), r)));
            requirements::ensure_known(conn, job.center_id, named)?;
            let created = add_tasks(conn, actor.user_id, &job, specs)?;
            Ok(created.into_iter().map(|task| TaskView::new(task, &job)).collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// List a job's tasks (directors).
#[utoipa::path(
    tag = tags::TASKS,
    security(("bearer_token" = []), ("api_key" = ["tasks:read"])),
    params(("id" = Uuid, Path, description = "The job's id."), TaskFilterParams, PageParams),
    responses((status = 200, description = "One page of tasks, in creation order.", body = Paginated<TaskView>))
)]
#[get("/jobs/{id}/tasks")]
async fn list_job_tasks(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    filter: web::Query<TaskFilterParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<TaskView>>, ApiError> {
    let id = JobId::from(id.into_inner());
    let page = page.parse()?;
    let filter = filter.filter();
    let (job, tasks) = state
        .read_latest(move |conn| {
            let job = access::job_as(conn, &bearer, id, Action::ViewJobTasks)?;
            let tasks = tasks::list(conn, TaskScope::Job(job.id), filter, page.after.map(TaskId::from), page.limit)?;
            Ok((job, tasks))
        })
        .await?;
    Ok(web::Json(Paginated::from_page(tasks, |task| TaskView::new(task, &job))))
}

/// The caller's own tasks across jobs (workers).
#[utoipa::path(
    tag = tags::TASKS,
    security(("bearer_token" = []), ("api_key" = [])),
    params(TaskFilterParams, PageParams),
    responses((status = 200, description = "One page of the caller's tasks.", body = Paginated<TaskView>))
)]
#[get("/me/tasks")]
async fn my_tasks(
    state: web::Data<AppState>,
    bearer: Bearer,
    filter: web::Query<TaskFilterParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<TaskView>>, ApiError> {
    let page = page.parse()?;
    let filter = filter.filter();
    let views = state
        .read_as(bearer, move |conn, actor| {
            access::own_tenant(actor, Action::ReadOwnAccount)?;
            let tasks = tasks::list(
                conn,
                TaskScope::Assignee(actor.user_id),
                filter,
                page.after.map(TaskId::from),
                page.limit,
            )?;
            Ok(yui_store::Page { items: task_views(conn, tasks.items)?, next_after: tasks.next_after })
        })
        .await?;
    Ok(web::Json(Paginated::from_page(views, |view| view)))
}

/// Read a task (the centre's directors and admins, the task's worker and their team).
#[utoipa::path(
    tag = tags::TASKS,
    security(("bearer_token" = []), ("api_key" = ["tasks:read"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    responses((status = 200, description = "The task.", body = TaskView))
)]
#[get("/tasks/{id}")]
async fn get_task(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<TaskView>, ApiError> {
    let id = TaskId::from(id.into_inner());
    let view = state
        .read_latest(move |conn| {
            let (task, job) = access::task_as(conn, &bearer, id, Action::ViewTask)?;
            Ok(TaskView::new(task, &job))
        })
        .await?;
    Ok(web::Json(view))
}

/// Edit an open or assigned task (directors).
#[utoipa::path(
    tag = tags::TASKS,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    request_body = EditTaskRequest,
    responses(
        (status = 200, description = "The edited task.", body = TaskView),
        (status = 409, description = "Work on it has started (`invalid_state`), or it changed meanwhile \
            (`version_conflict`).", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/tasks/{id}")]
async fn edit_task(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<EditTaskRequest>,
) -> Result<web::Json<TaskView>, ApiError> {
    let id = TaskId::from(id.into_inner());
    let changes = body.into_inner();
    act_on_task(&state, bearer, id, Action::ManageTask, move |conn, actor, mut task, job| {
        let new_due_date = changes.due_at.is_some();
        let merged = TaskInput {
            title: changes.title.clone().unwrap_or_else(|| task.spec.title.clone()),
            instructions: changes.instructions.clone().unwrap_or_else(|| task.spec.instructions.clone()),
            estimated_minutes: changes.estimated_minutes.unwrap_or(task.spec.estimated_minutes),
            due_at: changes.due_at.unwrap_or(task.spec.due_at),
            skill: changes.skill.clone().or_else(|| task.spec.requirement.as_ref().map(|r| r.skill.clone())),
            min_level: changes
                .min_level
                .or_else(|| task.spec.requirement.as_ref().map(|r| i64::from(r.min_level.get()))),
        };
        task.spec = task_spec("task", &merged, job, new_due_date).map_err(|e| e.strip_field_prefix("task."))?;
        if let Some(requirement) = &task.spec.requirement {
            requirements::ensure_known(conn, job.center_id, [("task".to_owned(), requirement)])
                .map_err(|e| e.strip_field_prefix("task."))?;
        }
        Ok(advance_task(conn, actor.user_id, task, TaskAction::Edit, json!({}))?)
    })
    .await
}

/// Cancel an open or assigned task (directors).
#[utoipa::path(
    tag = tags::TASKS,
    security(("bearer_token" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "The task's id.")),
    responses(
        (status = 200, description = "The cancelled task.", body = TaskView),
        (status = 409, description = "Work on it has started (`invalid_state`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/cancel")]
async fn cancel_task(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
) -> Result<web::Json<TaskView>, ApiError> {
    let id = TaskId::from(id.into_inner());
    act_on_task(&state, bearer, id, Action::ManageTask, move |conn, actor, task, job| {
        let task = advance_task(conn, actor.user_id, task, TaskAction::Cancel, json!({}))?;
        complete_job_if_done(conn, actor.user_id, job.id)?;
        Ok(task)
    })
    .await
}
