//! `docs/api.md`'s walk-throughs work as written: each one's shell blocks run, in
//! order, in one `bash`, against a real `yui serve --demo` (default settings, so
//! e-mail goes to `.eml` files in `data/mail`), on each engine. Every line of the doc
//! that ends in `# <value>` promises that output; the values must appear in the output
//! in that order.

use std::process::Command;

use crate::binary::serve_demo;
use crate::helpers::{Engine, TestDatabase, postgres_url};

const GUIDE: &str = include_str!("../../docs/api.md");
const SECTION: &str = "## Walk-through: a job from post to completion";
const SET_UP: &str = "## Walk-through: a company and a centre get set up";

/// The job walk-through's `sh` blocks, joined in order.
fn walkthrough_script() -> String {
    section_script(SECTION)
}

/// A section's `sh` blocks (up to its first sub-heading or the next section).
fn section_script(heading: &str) -> String {
    let start = GUIDE.find(heading).expect("the walk-through section");
    let section = &GUIDE[start..];
    let end = [section.find("\n### "), section[1..].find("\n## ").map(|i| i + 1)].into_iter().flatten().min();
    let section = &section[..end.unwrap_or(section.len())];
    let mut script = String::new();
    let mut in_block = false;
    for line in section.lines() {
        match (in_block, line.trim_end()) {
            (false, "```sh") => in_block = true,
            (true, "```") => in_block = false,
            (true, code) => {
                script.push_str(code);
                script.push('\n');
            }
            _ => {}
        }
    }
    script
}

/// The values the doc promises, from trailing `# value` comments, in order.
fn promised_outputs(script: &str) -> Vec<String> {
    script
        .lines()
        .filter_map(|line| line.rsplit_once("# ").map(|(code, value)| (code, value.trim())))
        .filter(|(code, value)| !code.trim().is_empty() && !value.contains(' '))
        .map(|(_, value)| value.to_owned())
        .collect()
}

fn run_walkthrough(engine: Engine, script: &str) -> String {
    let database = TestDatabase::create(engine);
    // The commands run where `data/` is, as a newcomer's do after `cargo run -- serve`.
    let base = std::env::temp_dir().join(format!("yui-docs-{}", uuid::Uuid::now_v7().simple()));
    let data_dir = base.join("data");
    let url = match engine {
        Engine::Sqlite => data_dir.join("yui.sqlite3").to_string_lossy().into_owned(),
        Engine::Postgres => database.url.clone(),
    };
    let server = serve_demo(&data_dir, &url);
    let output = Command::new("bash")
        .arg("-c")
        .arg(format!("set -euo pipefail\n{script}"))
        .current_dir(&base)
        .env("API", &server.address)
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the walk-through failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));

    let mut lines = stdout.lines().map(str::trim);
    for promised in promised_outputs(script) {
        assert!(
            lines.any(|line| line == promised),
            "the doc promises `{promised}`, in order; the output was:\n{stdout}"
        );
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&base);
    stdout.into_owned()
}

fn run_job_walkthrough(engine: Engine) {
    let stdout = run_walkthrough(engine, &walkthrough_script());
    assert!(stdout.contains("quote_approved → tasks_added → delivery_created → delivery_rejected"), "{stdout}");
}

/// Sign-up, verification, invitations and a password reset, with every token read
/// from the e-mail written into `data/mail`.
#[test]
fn the_set_up_walkthrough_reads_its_tokens_from_the_mail() {
    let script = section_script(SET_UP);
    assert_eq!(promised_outputs(&script), ["204", "True", "204"]);
    run_walkthrough(Engine::Sqlite, &script);
    if postgres_url().is_some() {
        run_walkthrough(Engine::Postgres, &script);
    }
}

#[test]
fn the_walkthrough_promises_something() {
    let promised = promised_outputs(&walkthrough_script());
    assert!(promised.len() >= 10, "{promised:?}");
    assert_eq!(promised.last().map(String::as_str), Some("100.0"));
}

#[test]
fn the_api_guide_walkthrough_runs_on_sqlite() {
    run_job_walkthrough(Engine::Sqlite);
}

#[test]
fn the_api_guide_walkthrough_runs_on_postgres() {
    if postgres_url().is_some() {
        run_job_walkthrough(Engine::Postgres);
    }
}

/// The error table in `docs/api.md`, one row per code, as the code declares it.
fn error_table() -> String {
    let mut table = String::from("| status | `code` | when |\n|---|---|---|\n");
    for code in yui_http::ErrorCode::ALL {
        table.push_str(&format!("| {} | `{}` | {} |\n", code.status().as_u16(), code.as_str(), code.meaning()));
    }
    table
}

/// Clients branch on `code`: the docs list exactly the codes the server answers
/// with, with their status (and the OpenAPI document lists the same codes).
#[test]
fn the_docs_list_every_error_code() {
    let expected = error_table();
    let start = GUIDE.find("| status | `code` | when |").expect("the error table in docs/api.md");
    let documented = &GUIDE[start..start + GUIDE[start..].find("\n\n").expect("end of the table") + 1];
    assert_eq!(
        documented, expected,
        "docs/api.md's error table differs from yui_http::ErrorCode; it should read:\n{expected}"
    );
    let spec = yui_http::openapi_document();
    let spec = serde_json::to_value(&spec).expect("spec as JSON");
    let listed: Vec<&str> = spec["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .expect("ErrorCode is an enum in the spec")
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    let codes: Vec<&str> = yui_http::ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(listed, codes);
}
