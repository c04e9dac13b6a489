//! Billing settings over HTTP: what the centre's qualified invoices will say about
//! their issuer. The registration number's check digit is verified; bad input is
//! refused and nothing is written; only admins save, directors read.

use reqwest::{Method, StatusCode};
use serde_json::json;
use yui_domain::{Role, Tenant};

use crate::flow::{call, cast};
use crate::helpers::TestApp;
use crate::on_both_engines;

on_both_engines!(billing_settings_are_checked_and_saved_by_admins);

async fn billing_settings_are_checked_and_saved_by_admins(app: TestApp) {
    let cast = cast(&app).await;
    let center: yui_domain::CenterId = cast.center_id.parse().expect("centre");
    let admin = app.create_user(Tenant::Center(center), Role::Admin);
    let admin = app.token(&admin).await;

    let before = call(&app, Method::GET, "/v1/billing-settings", &cast.director, None, StatusCode::OK).await;
    assert_eq!(before["configured"], false);
    assert_eq!((before["default_tax_rate"].as_i64(), before["tax_rounding"].as_str()), (Some(10), Some("down")));

    let good = json!({"legal_name": "一般社団法人 塩尻テレワークセンター", "address": "長野県塩尻市大門八番町1-28",
                      "registration_number": "T7000012050002", "default_tax_rate": 10, "payment_terms_days": 30});
    let with = |field: &str, value: serde_json::Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    for (body, field, code) in [
        (with("registration_number", json!("T7000012050003")), "registration_number", "check_digit"),
        (with("registration_number", json!("7000012050002")), "registration_number", "format"),
        (with("default_tax_rate", json!(9)), "default_tax_rate", "tax_rate"),
        (with("legal_name", json!("  ")), "legal_name", "invalid_name"),
    ] {
        let reply = app.request(Method::PUT, "/v1/billing-settings", Some(&admin), Some(body)).await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(reply.body["errors"][0]["field"], field, "{}", reply.body);
        assert_eq!(reply.body["errors"][0]["code"], code, "{}", reply.body);
    }
    app.request(Method::PUT, "/v1/billing-settings", Some(&cast.director), Some(good.clone()))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let unchanged = call(&app, Method::GET, "/v1/billing-settings", &admin, None, StatusCode::OK).await;
    assert_eq!(unchanged, before, "refused requests wrote nothing");

    let saved = call(
        &app,
        Method::PUT,
        "/v1/billing-settings",
        &admin,
        Some(with("tax_rounding", json!("half_up"))),
        StatusCode::OK,
    )
    .await;
    assert_eq!(saved["configured"], true);
    assert_eq!(saved["registration_number"], "T7000012050002");
    assert_eq!(saved["tax_rounding"], "half_up");
    let read = call(&app, Method::GET, "/v1/billing-settings", &cast.director, None, StatusCode::OK).await;
    assert_eq!(read, saved);
    // Workers and clients do not read them; another centre has its own.
    app.get("/v1/billing-settings", Some(&cast.workers[0].1)).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    app.get("/v1/billing-settings", Some(&cast.client)).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let other = app.create_center("other");
    let other_admin = app.create_user(Tenant::Center(other.id), Role::Admin);
    let other_admin = app.token(&other_admin).await;
    let theirs = call(&app, Method::GET, "/v1/billing-settings", &other_admin, None, StatusCode::OK).await;
    assert_eq!(theirs["configured"], false);
}
