//! Invited colleagues answer an internal meeting's invitation — through the link in their email
//! or signed in — and a decline tells the organiser and frees their time.

use mm_blackbox_tests::{
    Db, MEMBER_PASSWORD, TestApp, assert_error, at, failing_fields, next_monday, on_both_databases,
    support,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(
    a_colleague_declines_by_link_the_organiser_is_told_and_their_time_is_free,
    a_signed_in_participant_answers_on_the_booking,
    an_invitation_link_is_the_invited_persons_alone,
    answers_close_when_the_meeting_starts,
);

/// A department of four (`m0` leads) with an internal 60-minute meeting type; a meeting that
/// `m0` hosts for `m1` and `m2` next Monday at 14:00 UTC. Returns (setup, meeting).
async fn meeting(app: &TestApp) -> (mm_blackbox_tests::Support, Value) {
    let setup = support(app, 4, json!({"is_internal": true})).await;
    let (status, meeting) = app
        .post(
            "/bookings/internal",
            &setup.admin,
            json!({
                "meeting_type_id": setup.call, "host": setup.members[0],
                "participants": [setup.members[1], setup.members[2]],
                "start_utc": at(next_monday(), 14, 0), "physical_location": "Room 4",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{meeting}");
    (setup, meeting)
}

/// The answer link in the invitation email to `email`.
async fn answer_link(app: &TestApp, admin: &str, email: &str) -> String {
    let (_, outbox) = app.get(&format!("/outbox?to={email}"), admin).await;
    let text = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "internal_invitation")
        .and_then(|m| m["body_text"].as_str())
        .unwrap_or_else(|| panic!("an invitation to {email}: {outbox}"))
        .to_owned();
    text.split_whitespace()
        .find(|w| w.contains("/book/invitation/"))
        .unwrap_or_else(|| panic!("an answer link: {text}"))
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

async fn public(
    app: &TestApp,
    method: Method,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    app.call(method, &format!("/public/invitations/{token}"), None, body)
        .await
}

fn attendance_of(booking: &Value, user: &str) -> Value {
    booking["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["user_id"] == user)
        .unwrap_or_else(|| panic!("{user} in {booking}"))
        .clone()
}

async fn a_colleague_declines_by_link_the_organiser_is_told_and_their_time_is_free(db: Db) {
    let app = TestApp::spawn(db).await;
    let (setup, meeting) = meeting(&app).await;
    let id = meeting["id"].as_str().unwrap();
    let token = answer_link(&app, &setup.admin, "m1@example.com").await;
    let (_, organiser_mail) = app.get("/outbox?to=m0@example.com", &setup.admin).await;
    assert!(
        !organiser_mail.to_string().contains("/book/invitation/"),
        "the organiser hosts; they get no answer link"
    );

    let (status, invitation) = public(&app, Method::GET, &token, None).await;
    assert_eq!(status, StatusCode::OK, "{invitation}");
    assert_eq!(invitation["participant_name"], "Member 1");
    assert_eq!(invitation["organiser_name"], "Member 0");
    assert_eq!(invitation["response"], "invited");
    assert_eq!(invitation["physical_location"], "Room 4");
    assert_eq!(invitation["open"], true);

    let (status, declined) = public(
        &app,
        Method::POST,
        &token,
        Some(json!({"response": "declined"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{declined}");
    assert_eq!(declined["response"], "declined");
    assert!(declined["response_utc"].is_string());
    let (_, booking) = app.get(&format!("/bookings/{id}"), &setup.admin).await;
    let m1 = attendance_of(&booking, &setup.members[1]);
    assert_eq!(m1["attendance_status"], "declined");
    assert!(m1["response_utc"].is_string());
    let responded: Vec<&Value> = booking["booking_history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "responded")
        .collect();
    assert_eq!(responded.len(), 1, "{booking}");
    assert_eq!(responded[0]["new_value"], "declined");
    let (_, organiser_mail) = app.get("/outbox?to=m0@example.com", &setup.admin).await;
    let told = organiser_mail["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "participant_declined")
        .unwrap_or_else(|| panic!("the organiser is told: {organiser_mail}"));
    assert!(
        told["body_text"]
            .as_str()
            .unwrap()
            .contains("Member 1 declined"),
        "{told}"
    );

    // Declined, Member 1 is free for another meeting at that time; the others are not.
    let (status, other) = app
        .post(
            "/bookings/internal",
            &setup.admin,
            json!({
                "meeting_type_id": setup.call, "host": setup.members[1],
                "participants": [setup.members[3]], "start_utc": at(next_monday(), 14, 0),
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{other}");
    // Accepting again would now double-book them: refused with the clash.
    let (status, back) = public(
        &app,
        Method::POST,
        &token,
        Some(json!({"response": "accepted"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{back}");
    assert_error(&back, "slot_unavailable");
    // Answering the same again changes nothing.
    let (status, same) = public(
        &app,
        Method::POST,
        &token,
        Some(json!({"response": "declined"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{same}");
    let (_, booking) = app.get(&format!("/bookings/{id}"), &setup.admin).await;
    let answers = booking["booking_history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "responded")
        .count();
    assert_eq!(answers, 1);
}

async fn a_signed_in_participant_answers_on_the_booking(db: Db) {
    let app = TestApp::spawn(db).await;
    let (setup, meeting) = meeting(&app).await;
    let id = meeting["id"].as_str().unwrap();
    let m2 = app.login("m2@example.com", MEMBER_PASSWORD).await;
    let (status, booking) = app
        .post(
            &format!("/bookings/{id}/rsvp"),
            &m2,
            json!({"response": "tentative"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{booking}");
    assert_eq!(
        attendance_of(&booking, &setup.members[2])["attendance_status"],
        "tentative"
    );
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/rsvp"),
            &m2,
            json!({"response": "maybe"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), ["response"]);
    // The organiser hosts; they do not answer their own invitation.
    let m0 = app.login("m0@example.com", MEMBER_PASSWORD).await;
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/rsvp"),
            &m0,
            json!({"response": "declined"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

async fn an_invitation_link_is_the_invited_persons_alone(db: Db) {
    let app = TestApp::spawn(db).await;
    let (setup, _) = meeting(&app).await;
    let token = answer_link(&app, &setup.admin, "m1@example.com").await;
    let other = answer_link(&app, &setup.admin, "m2@example.com").await;
    assert_ne!(token, other, "each person has their own link");
    // Any change to a link makes it name nothing.
    let mut forged = token.clone().into_bytes();
    let last = forged.len() - 1;
    forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    for bad in [forged.as_str(), "not-a-token", &token[..20]] {
        let (status, body) = public(&app, Method::GET, bad, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}: {body}");
    }
}

async fn answers_close_when_the_meeting_starts(db: Db) {
    let app = TestApp::spawn(db).await;
    let (setup, meeting) = meeting(&app).await;
    let id = meeting["id"].as_str().unwrap();
    let token = answer_link(&app, &setup.admin, "m1@example.com").await;
    let started = chrono::Utc::now() - chrono::Duration::minutes(5);
    app.db_set_booking_times(id, started, started + chrono::Duration::hours(1))
        .await;
    let (_, invitation) = public(&app, Method::GET, &token, None).await;
    assert_eq!(invitation["open"], false);
    let (status, body) = public(
        &app,
        Method::POST,
        &token,
        Some(json!({"response": "declined"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error(&body, "invalid_transition");
}
