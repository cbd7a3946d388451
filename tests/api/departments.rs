use mm_blackbox_tests::{Db, TestApp, assert_error, failing_fields, on_both_databases};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(
    a_leader_who_is_not_a_member_is_refused_naming_department_leader,
    every_failing_field_is_listed_at_once,
    slugs_are_unique,
    a_leader_edits_their_department_and_members_keep_their_counters,
    a_department_without_bookings_can_be_deleted_with_its_meeting_types,
);

async fn a_leader_who_is_not_a_member_is_refused_naming_department_leader(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let outsider = app
        .create_user(&admin, "outsider@example.com", "Outsider")
        .await;
    let member = app
        .create_user(&admin, "member@example.com", "Member")
        .await;
    let (status, body) = app
        .post(
            "/departments",
            &admin,
            json!({"department_name": "Support", "timezone": "Europe/Copenhagen",
            "department_leader": outsider, "members": [{"user_id": member}]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&body, "validation_failed");
    assert_eq!(failing_fields(&body), ["department_leader"]);
}

async fn every_failing_field_is_listed_at_once(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let member = app
        .create_user(&admin, "member@example.com", "Member")
        .await;
    let (status, body) = app
        .post("/departments", &admin, json!({"department_name": "Support", "department_slug": "Support Team",
            "timezone": "Mars/Olympus", "assignment_algorithm": "random",
            "members": [{"user_id": member, "is_active": false}, {"user_id": "4c1f8e1e-0000-4000-8000-000000000000"}]}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fields = failing_fields(&body);
    for field in [
        "department_slug",
        "timezone",
        "assignment_algorithm",
        "members[1].user_id",
    ] {
        assert!(
            fields.contains(&field.to_owned()),
            "{field} missing from {fields:?}"
        );
    }
}

async fn slugs_are_unique(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let member = app
        .create_user(&admin, "member@example.com", "Member")
        .await;
    app.create_department(&admin, "support", &member, &[&member])
        .await;
    let (status, body) = app
        .post(
            "/departments",
            &admin,
            json!({"department_name": "Support 2", "department_slug": "support",
            "timezone": "UTC", "members": [{"user_id": member}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_error(&body, "conflict");
    assert_eq!(failing_fields(&body), ["department_slug"]);

    // `/book/cancel/…` is the cancel page, so no department may be called "cancel".
    let (status, body) = app
        .post(
            "/departments",
            &admin,
            json!({"department_name": "Cancel", "department_slug": "cancel",
            "timezone": "UTC", "members": [{"user_id": member}]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(failing_fields(&body), ["department_slug"]);
}

async fn a_leader_edits_their_department_and_members_keep_their_counters(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let leader = app
        .create_user(&admin, "leader@example.com", "Leader")
        .await;
    let a = app.create_user(&admin, "a@example.com", "A").await;
    let b = app.create_user(&admin, "b@example.com", "B").await;
    let id = app
        .create_department(&admin, "sales", &leader, &[&leader, &a])
        .await;
    let token = app.login("leader@example.com", "member-password-1").await;

    let (status, body) = app
        .patch(
            &format!("/departments/{id}"),
            &token,
            json!({"assignment_algorithm": "weighted", "description": "Plans and pricing"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["assignment_algorithm"], "weighted");
    assert!(
        body["public_booking_url"]
            .as_str()
            .unwrap()
            .ends_with("/book/sales")
    );

    let (status, body) = app
        .put(&format!("/departments/{id}/members"), &token,
            json!([{"user_id": leader}, {"user_id": b, "assignment_priority": 3}, {"user_id": a, "is_active": false}]))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let members = body["members"].as_array().unwrap();
    assert_eq!(members.len(), 3);
    assert_eq!(members[1]["assignment_priority"], 3);
    assert_eq!(members[2]["is_active"], false);

    let (status, body) = app
        .put(
            &format!("/departments/{id}/members"),
            &token,
            json!([{"user_id": a}]),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "dropping the leader from the members is refused"
    );
    assert_eq!(failing_fields(&body), ["department_leader"]);
}

async fn a_department_without_bookings_can_be_deleted_with_its_meeting_types(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let member = app
        .create_user(&admin, "member@example.com", "Member")
        .await;
    let id = app
        .create_department(&admin, "support", &member, &[&member])
        .await;
    let (status, _) = app
        .post(
            &format!("/departments/{id}/meeting-types"),
            &admin,
            json!({"meeting_name": "30-min Call", "duration": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = app.delete(&format!("/users/{member}"), &admin).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a member of a department cannot be deleted"
    );
    assert_eq!(
        app.delete(&format!("/departments/{id}"), &admin).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&format!("/departments/{id}"), &admin).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete(&format!("/users/{member}"), &admin).await.0,
        StatusCode::NO_CONTENT
    );
}
