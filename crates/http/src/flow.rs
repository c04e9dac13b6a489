//! What the team-job routes share: the one shape of a task action, and task views
//! that read each job once. Who may see or do what is `crate::access`.

use actix_web::web;
use yui_domain::access::Action;
use yui_domain::{Actor, JobId, TaskId};
use yui_store::DbConnection;
use yui_store::jobs::{self, Job};
use yui_store::tasks::Task;

use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::flow_views::TaskView;
use crate::state::AppState;

/// The one shape of a task action: in one write transaction, load the task if the
/// caller may do `action` to it (`404`/`403` otherwise), apply `change`, and answer
/// with the task.
pub async fn act_on_task<F>(
    state: &AppState,
    bearer: Bearer,
    id: TaskId,
    action: Action,
    mut change: F,
) -> Result<web::Json<TaskView>, ApiError>
where
    F: FnMut(&mut DbConnection, Actor, Task, &Job) -> Result<Task, ApiError> + Send + 'static,
{
    let (task, job) = state
        .write_as(bearer, move |conn, actor| {
            let (task, job) = access::task(conn, actor, id, action)?;
            let task = change(conn, actor, task, &job)?;
            Ok((task, job))
        })
        .await?;
    Ok(web::Json(TaskView::new(task, &job)))
}

/// The views of `tasks`, each with its job's title and instructions; each job is
/// read once however many of its tasks are listed.
pub fn task_views(conn: &mut DbConnection, tasks: Vec<Task>) -> Result<Vec<TaskView>, ApiError> {
    let mut jobs: std::collections::HashMap<JobId, Job> = std::collections::HashMap::new();
    let mut views = Vec::with_capacity(tasks.len());
    for task in tasks {
        if !jobs.contains_key(&task.job_id) {
            let job = jobs::find(conn, task.job_id)?.ok_or_else(|| ApiError::not_found("job"))?;
            jobs.insert(job.id, job);
        }
        let job = &jobs[&task.job_id];
        views.push(TaskView::new(task, job));
    }
    Ok(views)
}
