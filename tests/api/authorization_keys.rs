//! The authorization matrix for API keys: every operation of the OpenAPI document,
//! called with a key of every scope (an admin's and a client's, one scope each),
//! answers what the spec and the people's matrix say together.
//!
//! The spec names, per operation, whether keys may call it and with which scope
//! (`security: [{bearer_token: []}, {api_key: ["jobs:read"]}]`; `api_key: []`: any
//! key; no `api_key`: people only). So a key with the named scope must get exactly
//! what its creator gets in `authorization::MATRIX`; any other key `403
//! insufficient_scope`; any key on a people-only operation `403 person_only`;
//! public operations ignore the key. Refused calls must change nothing, as in the
//! people's matrix.

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::authorization::{
    CALLERS, Caller, Entry, MATRIX, Runner, check_row, check_rows_against_the_spec, marks_of, world,
};
use crate::flow::call;
use crate::helpers::TestApp;
use crate::on_both_engines;

on_both_engines!(every_operation_answers_every_api_key_as_its_scope_says);

/// What the spec says keys need for each operation: `None` for people-only,
/// `Some(None)` for any key, `Some(Some(scope))` for a key with that scope. Public
/// operations are left out.
fn key_requirements() -> BTreeMap<String, Option<Option<String>>> {
    let json = yui_http::openapi_document().to_json().expect("serialise the spec");
    let spec: Value = serde_json::from_str(&json).expect("the spec is JSON");
    let mut requirements = BTreeMap::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let Some(security) = operation["security"].as_array() else { continue };
            if security.is_empty() {
                continue;
            }
            let key = security.iter().find_map(|requirement| requirement.get("api_key"));
            let requirement = key.map(|scopes| {
                let scopes = scopes.as_array().expect("scope list");
                assert!(scopes.len() <= 1, "{method} {path}: one scope at most");
                scopes.first().map(|scope| scope.as_str().expect("scope name").to_owned())
            });
            requirements.insert(format!("{} {path}", method.to_uppercase()), requirement);
        }
    }
    requirements
}

/// The scopes a role may give its keys (the server refuses the others, tested in
/// `api_keys`).
const ADMIN_SCOPES: [&str; 11] = [
    "jobs:read",
    "jobs:write",
    "deliveries:write",
    "tasks:read",
    "tasks:write",
    "workforce:read",
    "workforce:write",
    "events:read",
    "webhooks:manage",
    "invoices:read",
    "invoices:write",
];
const CLIENT_SCOPES: [&str; 7] = [
    "jobs:read",
    "jobs:write",
    "deliveries:write",
    "workforce:read",
    "events:read",
    "webhooks:manage",
    "invoices:read",
];

async fn create_key(app: &TestApp, owner: &str, scope: &str) -> String {
    let body = json!({"name": format!("Only {scope}"), "scopes": [scope]});
    let created = call(app, Method::POST, "/v1/api-keys", owner, Some(body), StatusCode::CREATED).await;
    created["secret"].as_str().expect("secret").to_owned()
}

async fn every_operation_answers_every_api_key_as_its_scope_says(app: TestApp) {
    let operations = check_rows_against_the_spec();
    let requirements = key_requirements();
    let w = world(&app).await;
    let mut keys: Vec<(Caller, &str, String)> = Vec::new();
    for scope in ADMIN_SCOPES {
        keys.push((Caller::Admin, scope, create_key(&app, &w.admin, scope).await));
    }
    for scope in CLIENT_SCOPES {
        keys.push((Caller::Client, scope, create_key(&app, &w.cast.client, scope).await));
    }
    let mut runner = Runner::new(&app, w);
    let column = |caller: Caller| CALLERS.iter().position(|c| *c == caller).expect("a column");

    let mut failures: Vec<String> = Vec::new();
    for (op, marks) in MATRIX {
        let marks: Vec<char> = marks_of(marks).collect();
        let entries = keys
            .iter()
            .map(|(creator, scope, secret)| {
                let mark = match requirements.get(*op) {
                    None => 'S', // public: the key is not looked at
                    Some(None) => 'P',
                    Some(Some(Some(needed))) if needed != scope => 'K',
                    Some(Some(_)) => marks[column(*creator)],
                };
                let mark = if operations[*op].1 { 'S' } else { mark };
                Entry {
                    label: format!("{creator:?}'s `{scope}` key"),
                    caller: *creator,
                    token: Some(secret.clone()),
                    mark,
                }
            })
            .collect();
        failures.extend(check_row(&mut runner, &operations, op, entries).await);
    }
    assert!(failures.is_empty(), "{} answers differ from the scopes:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_secured_operation_names_what_keys_need_and_the_scopes_are_known() {
    let known: Vec<&str> = ADMIN_SCOPES.to_vec();
    for (op, requirement) in key_requirements() {
        if let Some(Some(scope)) = requirement {
            assert!(known.contains(&scope.as_str()), "{op}: unknown scope {scope}");
        }
    }
    assert!(CLIENT_SCOPES.iter().all(|scope| known.contains(scope)));
}
