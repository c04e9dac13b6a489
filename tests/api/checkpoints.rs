//! On SQLite, writers leave WAL checkpoints to a background thread
//! (`crates/store/src/checkpoint.rs`) instead of running one in whichever request's
//! commit crossed the threshold. What can go wrong is that nothing copies the WAL into
//! the database file any more; this checks that a burst of writes gets there on its
//! own, with no further request to trigger it.

use reqwest::{Method, StatusCode};

use crate::flow::{active_job, call, cast, tasks_body};
use crate::helpers::{Engine, TestApp, wait_until};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_reach_the_database_file_without_another_request() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let cast = cast(&app).await;
    let job = active_job(&app, &cast).await;
    let file = std::path::PathBuf::from(app.database_url());
    let size = |path: &std::path::Path| std::fs::metadata(path).map_or(0, |m| m.len());
    let before = size(&file);
    // 5 000 tasks and their events are several megabytes; everything written before
    // them is a few hundred kilobytes, so only the split's own pages can pass 2 MB.
    let path = format!("/v1/jobs/{job}/tasks");
    call(&app, Method::POST, &path, &cast.director, Some(tasks_body(5_000)), StatusCode::CREATED).await;
    wait_until("the split is copied into the database file", async || size(&file) > before + 2_000_000).await;
}
