//! Zoom meetings for bookings whose meeting type asks for Zoom: made through Zoom's API (a
//! Server-to-Server OAuth app) when the booking is made, its join link on the booking, moved with
//! the booking and deleted when it is cancelled. Zoom is a local fake answering as Zoom does.

use mm_blackbox_tests::{
    Db, TestApp, at, booking_when, eventually, next_monday, on_both_databases, smtp::MailCatcher,
    support, zoom::FakeZoom,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::google::rfc3339;

on_both_databases!(a_zoom_meeting_is_made_moved_and_deleted_with_its_booking);

/// Waits until `check` holds for Zoom's meetings, and returns them.
async fn meetings_when(
    zoom: &FakeZoom,
    what: &str,
    check: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let check = &check;
    eventually(what, || async move {
        let meetings = zoom.meetings();
        check(&meetings).then_some(meetings)
    })
    .await
}

async fn a_zoom_meeting_is_made_moved_and_deleted_with_its_booking(db: Db) {
    let zoom = FakeZoom::start().await;
    let mail = MailCatcher::start().await;
    let mut env = zoom.env();
    env.push(("MM_SMTP_URL".into(), mail.url()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let app = TestApp::spawn_with(db, &env).await;
    let setup = support(
        &app,
        1,
        json!({"location_type": "video_call", "video_platform": "zoom"}),
    )
    .await;
    let monday = next_monday();
    let (ten, two) = (at(monday, 10, 0), at(monday, 14, 0));
    let (status, booking) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({"meeting_type_id": setup.call, "assigned_to": setup.members[0], "start_utc": ten,
                   "customer_name": "Cy Dahl", "customer_email": "cy@customer.com",
                   "customer_phone": "+45 12 34 56 78", "customer_timezone": "Europe/Copenhagen"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");
    let id = booking["id"].as_str().unwrap();

    let made = meetings_when(&zoom, "a meeting for the booking", |m| m.len() == 1).await;
    let meeting = &made[0];
    assert!(
        meeting["topic"].as_str().unwrap().contains("Cy Dahl"),
        "{meeting}"
    );
    assert_eq!(
        rfc3339(meeting["start_time"].as_str().unwrap()),
        rfc3339(&ten)
    );
    assert_eq!(meeting["duration"], 60);
    assert_eq!(meeting["timezone"], "Europe/Copenhagen");
    let join_url = meeting["join_url"].as_str().unwrap().to_owned();
    booking_when(&app, &setup.admin, id, "the Zoom link", |b| {
        b["meeting_link"] == join_url.as_str()
    })
    .await;

    // The confirmation went out at once; the link follows in its own email, with an updated
    // invite whose location is the meeting.
    let link_mail = eventually("the video link email", || async {
        mail.messages().into_iter().find(|m| {
            m.subject.starts_with("Video link for your meeting")
                && m.rcpt_to.iter().any(|r| r == "cy@customer.com")
        })
    })
    .await;
    assert!(link_mail.text.contains(&join_url), "{}", link_mail.text);
    let ics = link_mail.ics.expect("an updated invite");
    assert!(ics.contains("SEQUENCE:1"), "{ics}");
    assert!(ics.contains("us05web.zoom.us/j/"), "{ics}");

    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reschedule"),
            &setup.admin,
            json!({"start_utc": two}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let moved = meetings_when(&zoom, "the meeting moved", |m| {
        m.len() == 1 && m[0]["start_time"].as_str().map(rfc3339) == Some(rfc3339(&two))
    })
    .await;
    assert_eq!(moved[0]["id"], meeting["id"], "the same meeting, moved");

    let (status, body) = app
        .post(&format!("/bookings/{id}/cancel"), &setup.admin, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    meetings_when(&zoom, "the meeting deleted", <[Value]>::is_empty).await;
    let tokens = zoom
        .requests()
        .iter()
        .filter(|r| r.starts_with("POST /oauth/token"))
        .count();
    assert_eq!(tokens, 1, "the token is reused while it lives");
}
