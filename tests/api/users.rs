use mm_blackbox_tests::{Db, TestApp, failing_fields, on_both_databases};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(
    working_hours_with_a_break_outside_them_are_refused,
    availability_rules_keep_one_default_and_their_overrides,
    user_input_is_checked,
);

async fn working_hours_with_a_break_outside_them_are_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let id = app.create_user(&admin, "m@example.com", "M").await;
    let (status, hours) = app.get(&format!("/users/{id}/working-hours"), &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        hours["monday"],
        json!({"enabled": true, "start": "09:00", "end": "17:00"})
    );
    assert_eq!(hours["sunday"], json!({"enabled": false}));
    let (status, body) = app
        .put(&format!("/users/{id}/working-hours"), &admin, json!({
            "monday": {"enabled": true, "start": "09:00", "end": "17:00", "breaks": [{"start": "08:00", "end": "09:30"}]},
            "tuesday": {"enabled": true, "start": "17:00", "end": "09:00"}
        }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(failing_fields(&body), ["monday.breaks[0]", "tuesday.end"]);
    let good = json!({"monday": {"enabled": true, "start": "08:00", "end": "16:00", "breaks": [{"start": "12:00", "end": "12:30"}]}});
    let (status, body) = app
        .put(&format!("/users/{id}/working-hours"), &admin, good)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        app.get(&format!("/users/{id}/working-hours"), &admin)
            .await
            .1["monday"]["breaks"][0]["start"],
        "12:00"
    );
}

async fn availability_rules_keep_one_default_and_their_overrides(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let id = app.create_user(&admin, "m@example.com", "M").await;
    let (status, first) = app
        .post(&format!("/users/{id}/availability-rules"), &admin, json!({
            "rule_name": "Standard", "buffer_time_before": 10, "max_bookings_per_day": 6, "min_notice_hours": 2,
            "date_overrides": [{"date": "2027-07-01", "available": false, "reason": "Vacation"},
                               {"date": "2027-07-02", "available": true, "custom_hours_start": "10:00", "custom_hours_end": "12:00"}]
        }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(
        first["is_default"], true,
        "a user's first rule is the default"
    );
    assert_eq!(first["date_overrides"].as_array().unwrap().len(), 2);
    let (_, second) = app
        .post(
            &format!("/users/{id}/availability-rules"),
            &admin,
            json!({"rule_name": "Summer", "is_default": true}),
        )
        .await;
    let (_, rules) = app
        .get(&format!("/users/{id}/availability-rules"), &admin)
        .await;
    let defaults: Vec<_> = rules["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["is_default"] == true)
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(defaults, [second["id"].clone()], "one default at a time");

    let rule = first["id"].as_str().unwrap();
    let (status, body) = app
        .patch(
            &format!("/availability-rules/{rule}"),
            &admin,
            json!({"max_bookings_per_day": null, "buffer_time_after": 999}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(failing_fields(&body), ["buffer_time_after"]);
    let (status, body) = app
        .patch(
            &format!("/availability-rules/{rule}"),
            &admin,
            json!({"max_bookings_per_day": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["max_bookings_per_day"], serde_json::Value::Null);
    assert_eq!(body["date_overrides"][1]["custom_hours_start"], "10:00");
}

async fn user_input_is_checked(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let (status, body) = app.post("/users", &admin, json!({"email": "not-an-email", "full_name": " ", "password": "short", "timezone": "Moon/Base"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        failing_fields(&body),
        ["email", "full_name", "password", "timezone"]
    );
    app.create_user(&admin, "twice@example.com", "Once").await;
    let (status, body) = app.post("/users", &admin, json!({"email": "Twice@Example.com", "full_name": "Twice", "password": "member-password-1"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(failing_fields(&body), ["email"]);
    let (status, _) = app
        .client
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .map(|r| (r.status(), ()))
        .unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
