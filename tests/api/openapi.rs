//! The committed `openapi/openapi.json` is exactly what the code generates and serves.
//!
//! Regenerate it with `UPDATE_OPENAPI=1 cargo test --test api openapi`.

use reqwest::StatusCode;

use crate::helpers::{Engine, TestApp};

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");

fn generated() -> String {
    let mut json = yui_http::openapi_document().to_pretty_json().expect("serialise");
    json.push('\n');
    json
}

#[test]
fn the_committed_spec_is_up_to_date() {
    let generated = generated();
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(COMMITTED, &generated).expect("write openapi/openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test --test api openapi` and commit it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_serves_the_spec_and_the_docs_page() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let served = app.get("/openapi.json", None).await;
    assert_eq!(served.status, StatusCode::OK);
    let expected: serde_json::Value = serde_json::from_str(&generated()).expect("json");
    assert_eq!(served.body, expected);
    assert_eq!(served.body["openapi"], "3.1.0");

    let docs = app.client.get(format!("{}/docs/", app.address)).send().await.expect("docs");
    assert_eq!(docs.status(), StatusCode::OK);
    let page = docs.text().await.expect("html");
    assert!(page.contains("swagger-ui"), "the docs page is Swagger UI");
    let bundle = app.client.get(format!("{}/docs/swagger-ui-bundle.js", app.address)).send().await.expect("js");
    assert_eq!(bundle.status(), StatusCode::OK, "Swagger UI's script is served by us, so /docs works offline");
}

#[test]
fn every_secured_operation_documents_its_auth_errors() {
    let spec: serde_json::Value = serde_json::from_str(&generated()).expect("json");
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("item") {
            let responses = operation["responses"].as_object().expect("responses");
            if operation.get("security").and_then(|s| s.as_array()).is_some_and(|s| !s.is_empty()) {
                for status in ["401", "403"] {
                    assert!(responses.contains_key(status), "{method} {path} lacks {status}");
                }
            }
            if operation.get("requestBody").is_some() {
                for status in ["400", "413", "415", "422"] {
                    assert!(responses.contains_key(status), "{method} {path} lacks {status}");
                }
            }
            assert!(operation.get("summary").is_some(), "{method} {path} has no summary");
        }
    }
}

/// Two types of one name would silently share one schema (utoipa names components by
/// type name, and the last registered wins), and two handlers of one name would share
/// an `operationId`: every component is referenced, and every id is unique.
#[test]
fn schema_names_and_operation_ids_do_not_collide() {
    let spec: serde_json::Value = serde_json::from_str(&generated()).expect("the spec is JSON");
    let text = spec.to_string();
    for name in spec["components"]["schemas"].as_object().expect("schemas").keys() {
        let reference = format!("\"#/components/schemas/{name}\"");
        assert!(
            text.contains(&reference),
            "component `{name}` is never used: another type of the same name replaced it?"
        );
    }
    let mut ids = std::collections::BTreeSet::new();
    for section in ["paths", "webhooks"] {
        for item in spec[section].as_object().expect("section").values() {
            for operation in item.as_object().expect("item").values() {
                if let Some(id) = operation.get("operationId").and_then(|v| v.as_str()) {
                    assert!(ids.insert(id.to_owned()), "operationId `{id}` is used twice");
                }
            }
        }
    }
}
