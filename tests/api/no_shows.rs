//! What follows a missed customer meeting: a meeting nobody marked becomes a no-show its type's
//! delay after the start, with the history saying so, and the customer is invited to book again
//! when the type asks for it — whether staff or the system marked the meeting.

use chrono::{Duration, Utc};
use mm_blackbox_tests::{
    Db, TestApp, at, book, booking_when, failing_fields, next_monday, on_both_databases, request,
    support,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_meeting_nobody_marked_becomes_a_no_show_and_the_customer_is_invited_back,
    a_no_show_marked_by_staff_sends_the_follow_up_only_when_the_type_asks,
    the_automatic_mark_waits_between_5_minutes_and_a_day,
);

async fn booked_id(app: &TestApp, admin: &str, start: &str, email: &str) -> String {
    let (status, body) = book(app, request(start, email)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, page) = app.get(&format!("/bookings?q={email}"), admin).await;
    page["items"][0]["id"].as_str().unwrap().to_owned()
}

async fn kinds_to(app: &TestApp, admin: &str, email: &str) -> Vec<String> {
    let (_, outbox) = app.get(&format!("/outbox?to={email}"), admin).await;
    outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_meeting_nobody_marked_becomes_a_no_show_and_the_customer_is_invited_back(db: Db) {
    let app = TestApp::spawn_with(db, &[("MM_REMINDER_INTERVAL_SECONDS", "1")]).await;
    let setup = support(
        &app,
        1,
        json!({"auto_no_show_minutes": 15, "no_show_follow_up": true, "thank_you_enabled": true}),
    )
    .await;
    let (_, call) = app
        .get(&format!("/meeting-types/{}", setup.call), &setup.admin)
        .await;
    assert_eq!(call["auto_no_show_minutes"], 15);
    assert_eq!(call["no_show_follow_up"], true);
    let id = booked_id(
        &app,
        &setup.admin,
        &at(next_monday(), 10, 0),
        "late@customer.com",
    )
    .await;
    // Started ten minutes ago: not yet.
    let started = Utc::now() - Duration::minutes(10);
    app.db_set_booking_times(&id, started, started + Duration::minutes(30))
        .await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let (_, still) = app.get(&format!("/bookings/{id}"), &setup.admin).await;
    assert_eq!(still["status"], "confirmed");

    // Started twenty minutes ago, and ended: nobody marked it.
    let started = Utc::now() - Duration::minutes(40);
    app.db_set_booking_times(&id, started, started + Duration::minutes(30))
        .await;
    let missed = booking_when(&app, &setup.admin, &id, "the automatic mark", |b| {
        b["status"] == "no_show"
    })
    .await;
    let entry = missed["booking_history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["action"] == "no_show")
        .unwrap_or_else(|| panic!("{missed}"))
        .clone();
    assert_eq!(entry["action_by_role"], "system");
    assert!(
        entry["notes"]
            .as_str()
            .unwrap()
            .contains("15 minutes after the start"),
        "{entry}"
    );
    let kinds = kinds_to(&app, &setup.admin, "late@customer.com").await;
    assert!(kinds.contains(&"customer_no_show".to_owned()), "{kinds:?}");
    assert!(
        !kinds.contains(&"customer_thank_you".to_owned()),
        "a no-show is not thanked: {kinds:?}"
    );
    let (_, outbox) = app.get("/outbox?to=late@customer.com", &setup.admin).await;
    let follow_up = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "customer_no_show")
        .unwrap()
        .clone();
    assert!(
        follow_up["body_text"]
            .as_str()
            .unwrap()
            .contains("/book/support/call"),
        "a link to book again: {follow_up}"
    );
}

async fn a_no_show_marked_by_staff_sends_the_follow_up_only_when_the_type_asks(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 2, json!({"no_show_follow_up": true})).await;
    let first = booked_id(
        &app,
        &setup.admin,
        &at(next_monday(), 10, 0),
        "one@customer.com",
    )
    .await;
    let second = booked_id(
        &app,
        &setup.admin,
        &at(next_monday(), 12, 0),
        "two@customer.com",
    )
    .await;
    let (status, body) = app
        .patch(
            &format!("/meeting-types/{}", setup.call),
            &setup.admin,
            json!({"no_show_follow_up": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .patch(
            &format!("/meeting-types/{}", setup.call),
            &setup.admin,
            json!({"no_show_follow_up": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let started = Utc::now() - Duration::minutes(30);
    for id in [&first, &second] {
        app.db_set_booking_times(id, started, started + Duration::hours(1))
            .await;
    }
    let (status, body) = app
        .post(
            &format!("/bookings/{first}/no-show"),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        kinds_to(&app, &setup.admin, "one@customer.com")
            .await
            .contains(&"customer_no_show".to_owned())
    );
    let (_, _) = app
        .patch(
            &format!("/meeting-types/{}", setup.call),
            &setup.admin,
            json!({"no_show_follow_up": false}),
        )
        .await;
    let (status, _) = app
        .post(
            &format!("/bookings/{second}/no-show"),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !kinds_to(&app, &setup.admin, "two@customer.com")
            .await
            .contains(&"customer_no_show".to_owned())
    );
}

async fn the_automatic_mark_waits_between_5_minutes_and_a_day(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    for minutes in [json!(2), json!(1441), json!(-5)] {
        let (status, body) = app
            .patch(
                &format!("/meeting-types/{}", setup.call),
                &setup.admin,
                json!({"auto_no_show_minutes": minutes}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{minutes}: {body}");
        assert_eq!(failing_fields(&body), ["auto_no_show_minutes"]);
    }
    let (status, body): (StatusCode, Value) = app
        .patch(
            &format!("/meeting-types/{}", setup.call),
            &setup.admin,
            json!({"auto_no_show_minutes": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["auto_no_show_minutes"], Value::Null);
}
