use mm_blackbox_tests::{Db, TestApp, failing_fields, on_both_databases};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(
    meeting_slugs_are_unique_within_their_department_only,
    a_meeting_type_is_checked_field_by_field,
    everyone_lists_the_meeting_types_of_the_departments_they_see_in_one_call,
);

async fn meeting_slugs_are_unique_within_their_department_only(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let m = app.create_user(&admin, "m@example.com", "M").await;
    let support = app.create_department(&admin, "support", &m, &[&m]).await;
    let sales = app.create_department(&admin, "sales", &m, &[&m]).await;
    let call = json!({"meeting_name": "30-min Call", "duration": 30});
    let (status, body) = app
        .post(
            &format!("/departments/{support}/meeting-types"),
            &admin,
            call.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["meeting_slug"], "30-min-call");
    assert!(
        body["booking_url"]
            .as_str()
            .unwrap()
            .ends_with("/book/support/30-min-call")
    );
    assert_eq!(
        body["reminder_schedule"].as_array().unwrap().len(),
        2,
        "24 h and 1 h reminders by default"
    );
    let (status, body) = app
        .post(
            &format!("/departments/{support}/meeting-types"),
            &admin,
            call.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(failing_fields(&body), ["meeting_slug"]);
    assert_eq!(
        app.post(&format!("/departments/{sales}/meeting-types"), &admin, call)
            .await
            .0,
        StatusCode::CREATED
    );
}

async fn a_meeting_type_is_checked_field_by_field(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let m = app.create_user(&admin, "m@example.com", "M").await;
    let support = app.create_department(&admin, "support", &m, &[&m]).await;
    let (status, body) = app
        .post(&format!("/departments/{support}/meeting-types"), &admin, json!({
            "meeting_name": "Odd", "duration": 3, "is_public": false, "is_internal": false, "color": "blue",
            "slot_interval": 1000, "location_type": "teleport",
            "custom_questions": [{"key": "size", "label": "Size", "kind": "select", "options": []}],
            "reminder_schedule": [{"hours_before": 0, "notification_type": "email"}]
        }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fields = failing_fields(&body);
    for field in [
        "duration",
        "is_public",
        "color",
        "slot_interval",
        "location_type",
        "custom_questions[0].options",
        "reminder_schedule[0].hours_before",
    ] {
        assert!(
            fields.contains(&field.to_owned()),
            "{field} missing from {fields:?}"
        );
    }
    let (status, body) = app
        .post(&format!("/departments/{support}/meeting-types"), &admin, json!({
            "meeting_name": "Technical Consultation", "duration": 60, "requires_approval": true, "buffer_before": 15,
            "custom_questions": [{"key": "product", "label": "Product", "kind": "select", "required": true, "options": ["A", "B"]}]
        }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_str().unwrap();
    let (status, body) = app
        .patch(
            &format!("/meeting-types/{id}"),
            &admin,
            json!({"duration": 45, "buffer_before": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["duration"], 45);
    assert_eq!(body["buffer_before"], serde_json::Value::Null);
    assert_eq!(body["custom_questions"][0]["options"], json!(["A", "B"]));
}

async fn everyone_lists_the_meeting_types_of_the_departments_they_see_in_one_call(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let a = app.create_user(&admin, "a@example.com", "A").await;
    let b = app.create_user(&admin, "b@example.com", "B").await;
    let support = app.create_department(&admin, "support", &a, &[&a]).await;
    let sales = app.create_department(&admin, "sales", &b, &[&b]).await;
    for (department, name) in [(&support, "Call"), (&support, "Demo"), (&sales, "Pitch")] {
        let (status, body) = app
            .post(
                &format!("/departments/{department}/meeting-types"),
                &admin,
                json!({"meeting_name": name, "duration": 30}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let names = |page: serde_json::Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["meeting_name"].as_str().unwrap().to_owned())
            .collect()
    };
    let (status, all) = app.get("/meeting-types", &admin).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(names(all), ["Call", "Demo", "Pitch"]);
    let member_of_support = app
        .login("a@example.com", mm_blackbox_tests::MEMBER_PASSWORD)
        .await;
    let (_, theirs) = app.get("/meeting-types", &member_of_support).await;
    assert_eq!(names(theirs.clone()), ["Call", "Demo"]);
    assert!(
        theirs["items"][0]["booking_url"]
            .as_str()
            .unwrap()
            .ends_with("/book/support/call"),
        "{theirs}"
    );
}
