//! The whole booking record: staff edit a booking's own fields (`PATCH /bookings/{id}`), each
//! edit one transaction with one history entry naming the fields it changed.

use chrono::Duration;
use mm_blackbox_tests::{
    Db, MEMBER_PASSWORD, TestApp, assert_error, at, book, failing_fields, free_members_at,
    next_monday, on_both_databases, request, support,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    staff_edit_a_booking_and_its_history_names_each_field_with_old_and_new_values,
    an_edit_that_changes_nothing_writes_nothing,
    every_invalid_field_of_an_edit_is_named_and_nothing_is_written,
    minutes_and_action_items_wait_for_the_meeting_to_start,
    customer_fields_are_refused_on_an_internal_meeting,
    only_those_who_may_act_on_a_booking_may_edit_it,
    the_booking_on_the_wire_carries_the_whole_record,
    a_booking_keeps_its_own_buffers_while_its_host_stays_free,
);

async fn customer_booking(app: &TestApp, admin: &str, call: &str, host: &str) -> Value {
    let (status, body) = app
        .post(
            "/bookings",
            admin,
            json!({
                "meeting_type_id": call, "assigned_to": host,
                "start_utc": at(next_monday(), 9, 0),
                "customer_name": "Ann Smith", "customer_email": "ann@customer.com",
                "customer_phone": "+45 12 34 56 78",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

fn updates(booking: &Value) -> Vec<&Value> {
    booking["booking_history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "updated")
        .collect()
}

async fn staff_edit_a_booking_and_its_history_names_each_field_with_old_and_new_values(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    let booking = customer_booking(&app, &setup.admin, &setup.call, &setup.members[0]).await;
    let id = booking["id"].as_str().unwrap();

    let (status, edited) = app
        .patch(
            &format!("/bookings/{id}"),
            &setup.admin,
            json!({
                "meeting_notes": "VIP: renews in March",
                "meeting_link": "https://meet.example.com/ann",
                "meeting_description": "Walk through the new firewall rules",
                "customer_phone": "+45 87 65 43 21",
                "title": "Firewall review – Ann Smith",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["meeting_notes"], "VIP: renews in March");
    assert_eq!(edited["meeting_link"], "https://meet.example.com/ann");
    assert_eq!(
        edited["meeting_description"],
        "Walk through the new firewall rules"
    );
    assert_eq!(edited["customer_phone"], "+45 87 65 43 21");
    assert_eq!(edited["title"], "Firewall review – Ann Smith");

    let (_, read) = app.get(&format!("/bookings/{id}"), &setup.admin).await;
    assert_eq!(read, edited, "the answer is the booking as stored");
    let entries = updates(&read);
    assert_eq!(entries.len(), 1, "{read}");
    let entry = entries[0];
    assert_eq!(entry["action_by_role"], "system_manager");
    assert_eq!(
        entry["notes"],
        "title, meeting_description, meeting_link, meeting_notes, customer_phone"
    );
    let old: Value = serde_json::from_str(entry["old_value"].as_str().unwrap()).unwrap();
    let new: Value = serde_json::from_str(entry["new_value"].as_str().unwrap()).unwrap();
    assert_eq!(old["customer_phone"], "+45 12 34 56 78");
    assert_eq!(new["customer_phone"], "+45 87 65 43 21");
    assert_eq!(old["meeting_link"], Value::Null);
    assert_eq!(new["meeting_link"], "https://meet.example.com/ann");

    // `null` clears; an absent field stays.
    let (status, cleared) = app
        .patch(
            &format!("/bookings/{id}"),
            &setup.admin,
            json!({"meeting_link": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cleared}");
    assert_eq!(cleared["meeting_link"], Value::Null);
    assert_eq!(cleared["meeting_notes"], "VIP: renews in March");
    assert_eq!(updates(&cleared).len(), 2);

    // The customer's participant row follows the corrected address.
    let (_, fixed) = app
        .patch(
            &format!("/bookings/{id}"),
            &setup.admin,
            json!({"customer_email": "ann.smith@customer.com", "customer_name": "Ann B. Smith"}),
        )
        .await;
    assert_eq!(fixed["participants"][0]["email"], "ann.smith@customer.com");
    assert_eq!(fixed["participants"][0]["name"], "Ann B. Smith");
    assert_eq!(
        app.db_count("SELECT COUNT(*) FROM bookings WHERE customer_email = 'ann@customer.com'")
            .await,
        0
    );
}

async fn an_edit_that_changes_nothing_writes_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    let booking = customer_booking(&app, &setup.admin, &setup.call, &setup.members[0]).await;
    let id = booking["id"].as_str().unwrap();
    for body in [
        json!({}),
        json!({"customer_name": "Ann Smith", "meeting_notes": null}),
        json!({"physical_location": "   "}),
    ] {
        let (status, same) = app
            .patch(&format!("/bookings/{id}"), &setup.admin, body.clone())
            .await;
        assert_eq!(status, StatusCode::OK, "{body}: {same}");
        assert!(updates(&same).is_empty(), "{body}: {same}");
    }
}

async fn every_invalid_field_of_an_edit_is_named_and_nothing_is_written(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    let booking = customer_booking(&app, &setup.admin, &setup.call, &setup.members[0]).await;
    let id = booking["id"].as_str().unwrap();
    let (status, body) = app
        .patch(
            &format!("/bookings/{id}"),
            &setup.admin,
            json!({
                "meeting_link": "javascript:alert(document.cookie)",
                "customer_email": "not an address",
                "customer_name": null,
                "title": "Line\r\nATTENDEE:mailto:attacker@example.org",
                "meeting_notes": "fine, but not written",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_error(&body, "validation_failed");
    let mut fields = failing_fields(&body);
    fields.sort();
    assert_eq!(
        fields,
        ["customer_email", "customer_name", "meeting_link", "title"]
    );
    let (_, unchanged) = app.get(&format!("/bookings/{id}"), &setup.admin).await;
    assert_eq!(unchanged["meeting_notes"], Value::Null);

    let (status, body) = app
        .patch(
            &format!("/bookings/{id}"),
            &setup.admin,
            json!({"meeting_notse": "a typo"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "an unknown field is named: {body}"
    );
    assert!(body.to_string().contains("meeting_notse"), "{body}");
}

async fn minutes_and_action_items_wait_for_the_meeting_to_start(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    let booking = customer_booking(&app, &setup.admin, &setup.call, &setup.members[0]).await;
    let id = booking["id"].as_str().unwrap();
    let minutes = json!({"meeting_minutes": "Agreed on rollout", "action_items": "- send offer"});
    let (status, body) = app
        .patch(&format!("/bookings/{id}"), &setup.admin, minutes.clone())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error(&body, "invalid_transition");

    let started = chrono::Utc::now() - Duration::minutes(10);
    app.db_set_booking_times(id, started, started + Duration::hours(1))
        .await;
    let (status, body) = app
        .patch(&format!("/bookings/{id}"), &setup.admin, minutes)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["meeting_minutes"], "Agreed on rollout");
    assert_eq!(body["action_items"], "- send offer");
}

async fn customer_fields_are_refused_on_an_internal_meeting(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 2, json!({"is_internal": true})).await;
    let (status, meeting) = app
        .post(
            "/bookings/internal",
            &setup.admin,
            json!({
                "meeting_type_id": setup.call, "host": setup.members[0],
                "participants": [setup.members[1]], "start_utc": at(next_monday(), 14, 0),
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{meeting}");
    let id = meeting["id"].as_str().unwrap();
    let (status, body) = app
        .patch(
            &format!("/bookings/{id}"),
            &setup.admin,
            json!({"customer_email": "x@example.org"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), ["customer_email"]);
    let (status, body) = app
        .patch(
            &format!("/bookings/{id}"),
            &setup.admin,
            json!({"physical_location": "Room 4", "meeting_description": "Quarterly plan"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["physical_location"], "Room 4");
}

async fn only_those_who_may_act_on_a_booking_may_edit_it(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 3, json!({})).await;
    // Member 1 hosts; member 2 is a colleague; member 0 leads the department.
    let booking = customer_booking(&app, &setup.admin, &setup.call, &setup.members[1]).await;
    let id = booking["id"].as_str().unwrap();
    let note = json!({"meeting_notes": "seen"});
    let colleague = app.login("m2@example.com", MEMBER_PASSWORD).await;
    let (status, _) = app
        .get(&format!("/bookings/{id}/messages"), &colleague)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app
        .patch(&format!("/bookings/{id}"), &colleague, note.clone())
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another member's booking is not theirs to see: {body}"
    );
    for (email, expected) in [
        ("m1@example.com", "host"),
        ("m0@example.com", "department_leader"),
    ] {
        let token = app.login(email, MEMBER_PASSWORD).await;
        let (status, body) = app
            .patch(
                &format!("/bookings/{id}"),
                &token,
                json!({"meeting_notes": email}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{email}: {body}");
        assert_eq!(updates(&body).last().unwrap()["action_by_role"], expected);
    }
}

async fn the_booking_on_the_wire_carries_the_whole_record(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(
        &app,
        1,
        json!({"requires_approval": true, "video_platform": "google_meet"}),
    )
    .await;
    let booking = customer_booking(&app, &setup.admin, &setup.call, &setup.members[0]).await;
    assert_eq!(booking["requires_approval"], true);
    assert_eq!(booking["video_platform"], "google_meet");
    assert_eq!(booking["calendar_sync_status"], "not_written");
    for field in ["meeting_description", "meeting_minutes", "action_items"] {
        assert_eq!(booking[field], Value::Null, "{field}");
    }
    assert!(
        booking["participants"][0]
            .as_object()
            .unwrap()
            .contains_key("response_utc"),
        "{booking}"
    );

    // What was sent about it, and how delivery went (no SMTP here: all still queued).
    let id = booking["id"].as_str().unwrap();
    let (status, messages) = app
        .get(&format!("/bookings/{id}/messages"), &setup.admin)
        .await;
    assert_eq!(status, StatusCode::OK, "{messages}");
    let kinds: Vec<&str> = messages
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"customer_pending"), "{messages}");
    assert!(
        messages
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] == "queued" && m.get("body_text").is_none()),
        "{messages}"
    );
    let host = app.login("m0@example.com", MEMBER_PASSWORD).await;
    let (status, _) = app.get(&format!("/bookings/{id}/messages"), &host).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the host sees what was sent about their meeting"
    );
}

async fn a_booking_keeps_its_own_buffers_while_its_host_stays_free(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    let (status, first) = book(&app, request(&at(next_monday(), 10, 0), "a@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (_, listed) = app.get("/bookings?q=a@customer.com", &setup.admin).await;
    let id = listed["items"][0]["id"].as_str().unwrap().to_owned();
    let eleven = at(next_monday(), 11, 0);
    assert_eq!(free_members_at(&app, &eleven).await, 1);

    // Half an hour kept free after the meeting: 11:00 is no longer offered.
    let (status, kept) = app
        .patch(
            &format!("/bookings/{id}"),
            &setup.admin,
            json!({"buffer_after": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{kept}");
    assert_eq!(kept["buffer_after"], 30);
    assert_eq!(kept["buffer_before"], Value::Null);
    assert_eq!(updates(&kept).last().unwrap()["notes"], "buffer_after");
    assert_eq!(free_members_at(&app, &eleven).await, 0);

    // A buffer that would reach into the next meeting is refused, and nothing changes.
    let (status, second) = book(&app, request(&at(next_monday(), 12, 0), "b@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    let (status, refused) = app
        .patch(
            &format!("/bookings/{id}"),
            &setup.admin,
            json!({"buffer_after": 90}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_error(&refused, "slot_unavailable");
    let (_, unchanged) = app.get(&format!("/bookings/{id}"), &setup.admin).await;
    assert_eq!(unchanged["buffer_after"], 30);
    let (status, body) = app
        .patch(
            &format!("/bookings/{id}"),
            &setup.admin,
            json!({"buffer_before": 481}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), ["buffer_before"]);

    // Cleared, the meeting type's (none) applies again and 11:00 is offered.
    let (status, cleared) = app
        .patch(
            &format!("/bookings/{id}"),
            &setup.admin,
            json!({"buffer_after": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cleared}");
    assert_eq!(free_members_at(&app, &eleven).await, 1);
}
