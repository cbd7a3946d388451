//! Several hosts for one booking: a primary host (`assigned_to`) and co-hosts whom leaders and
//! System Managers assign. Every host must be free, is sent the invite, and sees the meeting in
//! their calendar column; a reassignment moves the primary host.

use mm_blackbox_tests::{
    Db, MEMBER_PASSWORD, TestApp, assert_error, at, eventually, failing_fields, free_members_at,
    invite, next_monday, on_both_databases,
    smtp::{MailCatcher, Received},
    support,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_customer_meeting_with_a_co_host_holds_both_hosts_and_shows_in_both_columns,
    a_busy_co_host_is_refused_with_their_own_conflict,
    co_hosts_added_by_patch_are_checked_invited_and_those_removed_get_a_cancellation,
    a_move_needs_every_host_free_and_a_reassignment_to_a_co_host_promotes_them,
    a_co_host_acts_on_the_meeting_but_only_leaders_assign_hosts,
    an_internal_meeting_names_co_hosts_who_answer_no_invitation,
);

/// A customer meeting at `hour`:00 next Monday for `host`, with `co_hosts`, made by `token`.
async fn meeting(
    app: &TestApp,
    token: &str,
    call: &str,
    host: &str,
    co_hosts: &[&str],
    hour: u32,
) -> (StatusCode, Value) {
    app.post(
        "/bookings",
        token,
        json!({
            "meeting_type_id": call, "assigned_to": host, "co_hosts": co_hosts,
            "start_utc": at(next_monday(), hour, 0),
            "customer_name": "Ann Smith", "customer_email": "ann@customer.com",
            "customer_phone": "+45 12 34 56 78",
        }),
    )
    .await
}

async fn booked(app: &TestApp, token: &str, call: &str, host: &str, co_hosts: &[&str]) -> Value {
    let (status, body) = meeting(app, token, call, host, co_hosts, 9).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// The emails of `kind` queued about booking `id`, by recipient address.
async fn messages_of(app: &TestApp, token: &str, id: &str, kind: &str) -> Vec<String> {
    let (status, body) = app.get(&format!("/bookings/{id}/messages"), token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut to: Vec<String> = body
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == kind)
        .map(|m| m["to"].as_str().unwrap().to_owned())
        .collect();
    to.sort();
    to
}

/// The first email to `to` whose subject starts with `subject`, once delivered.
async fn mail_to(mail: &MailCatcher, to: &str, subject: &str) -> Received {
    eventually(&format!("'{subject}' to {to}"), || async {
        mail.messages()
            .into_iter()
            .find(|m| m.rcpt_to.iter().any(|r| r.contains(to)) && m.subject.starts_with(subject))
    })
    .await
}

fn conflicted(body: &Value) -> Vec<&str> {
    body["error"]["details"]["conflicts"]
        .as_array()
        .expect("conflicts")
        .iter()
        .map(|c| c["user_id"].as_str().unwrap())
        .collect()
}

async fn a_customer_meeting_with_a_co_host_holds_both_hosts_and_shows_in_both_columns(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 3, json!({})).await;
    let (m0, m1) = (setup.members[0].as_str(), setup.members[1].as_str());
    let nine = at(next_monday(), 9, 0);
    assert_eq!(free_members_at(&app, &nine).await, 3);

    // The primary host listed among the co-hosts is a host once.
    let booking = booked(&app, &setup.admin, &setup.call, m0, &[m1, m0]).await;
    let id = booking["id"].as_str().unwrap();
    assert_eq!(booking["assigned_to"], m0);
    assert_eq!(booking["co_hosts"], json!([m1]));
    let co_host = booking["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["user_id"] == m1)
        .expect("the co-host among the participants");
    assert_eq!(co_host["is_host"], true);
    assert_eq!(co_host["attendance_status"], "confirmed");

    // Both hosts' time is taken: only the third member is offered at nine.
    assert_eq!(free_members_at(&app, &nine).await, 1);
    assert_eq!(
        messages_of(&app, &setup.admin, id, "host_new_booking").await,
        ["m0@example.com", "m1@example.com"],
        "every host gets the invite"
    );

    let window = format!(
        "from={}&to={}",
        at(next_monday(), 0, 0),
        at(next_monday() + chrono::Days::new(1), 0, 0)
    );
    let m1_token = app.login("m1@example.com", MEMBER_PASSWORD).await;
    let (status, feed) = app
        .get(&format!("/calendar?{window}&member_id={m1}"), &m1_token)
        .await;
    assert_eq!(status, StatusCode::OK, "{feed}");
    let events = feed["events"].as_array().unwrap();
    assert_eq!(
        events.len(),
        1,
        "the co-host sees it in their column: {feed}"
    );
    assert_eq!(events[0]["booking_id"], id);
    assert_eq!(events[0]["participants"], json!([m1]));
    let (status, shown) = app.get(&format!("/bookings/{id}"), &m1_token).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a co-host reads the booking: {shown}"
    );
}

async fn a_busy_co_host_is_refused_with_their_own_conflict(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 3, json!({})).await;
    let (m0, m1, m2) = (
        setup.members[0].as_str(),
        setup.members[1].as_str(),
        setup.members[2].as_str(),
    );
    booked(&app, &setup.admin, &setup.call, m1, &[]).await;

    let (status, body) = meeting(&app, &setup.admin, &setup.call, m0, &[m1], 9).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_error(&body, "slot_unavailable");
    assert_eq!(conflicted(&body), [m1]);
    assert_eq!(body["error"]["details"]["conflicts"][0]["kind"], "booking");
    assert_eq!(
        app.db_count("SELECT COUNT(*) FROM bookings").await,
        1,
        "nothing was written"
    );

    // Before any lock: malformed, repeated, too many or unknown co-hosts name the field.
    for bad in [
        json!(["not-an-id"]),
        json!([m2, m2]),
        json!((0..11).map(|_| uuid::Uuid::new_v4()).collect::<Vec<_>>()),
        json!([uuid::Uuid::new_v4()]),
    ] {
        let (status, body) = app
            .post(
                "/bookings",
                &setup.admin,
                json!({
                    "meeting_type_id": setup.call, "assigned_to": m0, "co_hosts": bad,
                    "start_utc": at(next_monday(), 11, 0),
                    "customer_name": "Ann Smith", "customer_email": "ann@customer.com",
                    "customer_phone": "+45 12 34 56 78",
                }),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(failing_fields(&body), ["co_hosts"], "{bad}");
    }
}

async fn co_hosts_added_by_patch_are_checked_invited_and_those_removed_get_a_cancellation(db: Db) {
    let mail = MailCatcher::start().await;
    let url = mail.url();
    let app = TestApp::spawn_with(db, &[("MM_SMTP_URL", url.as_str())]).await;
    let setup = support(&app, 3, json!({})).await;
    let (m0, m1, m2) = (
        setup.members[0].as_str(),
        setup.members[1].as_str(),
        setup.members[2].as_str(),
    );
    let booking = booked(&app, &setup.admin, &setup.call, m0, &[]).await;
    let id = booking["id"].as_str().unwrap();
    let path = format!("/bookings/{id}");
    // Mia (m2) has a meeting of her own at nine.
    booked(&app, &setup.admin, &setup.call, m2, &[]).await;

    let (status, body) = app
        .patch(&path, &setup.admin, json!({"co_hosts": [m1, m2]}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(conflicted(&body), [m2], "only the busy newcomer is named");
    let (_, unchanged) = app.get(&path, &setup.admin).await;
    assert_eq!(unchanged["co_hosts"], json!([]));

    let (status, added) = app
        .patch(&path, &setup.admin, json!({"co_hosts": [m1]}))
        .await;
    assert_eq!(status, StatusCode::OK, "{added}");
    assert_eq!(added["co_hosts"], json!([m1]));
    let entry = added["booking_history"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|h| h["action"] == "updated")
        .unwrap();
    assert_eq!(entry["notes"], "co_hosts");
    assert_eq!(entry["new_value"], r#"{"co_hosts":"Member 1"}"#);
    assert_eq!(free_members_at(&app, &at(next_monday(), 9, 0)).await, 0);

    let invited = mail_to(&mail, "m1@example.com", "Co-hosting").await;
    let request = invite::parse(invited.ics.as_deref().expect("an invite"));
    assert_eq!(request.method, "REQUEST");
    assert_eq!(request.sequence, 1, "the attendees changed");

    let (status, removed) = app
        .patch(&path, &setup.admin, json!({"co_hosts": []}))
        .await;
    assert_eq!(status, StatusCode::OK, "{removed}");
    assert_eq!(removed["co_hosts"], json!([]));
    assert!(
        removed["participants"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["user_id"] != m1),
        "{removed}"
    );
    let withdrawn = mail_to(&mail, "m1@example.com", "No longer co-hosting").await;
    let cancel = invite::parse(withdrawn.ics.as_deref().expect("a cancellation"));
    assert_eq!(cancel.method, "CANCEL");
    assert_eq!(
        cancel.uid, request.uid,
        "the same event leaves their calendar"
    );
    assert_eq!(free_members_at(&app, &at(next_monday(), 9, 0)).await, 1);
}

async fn a_move_needs_every_host_free_and_a_reassignment_to_a_co_host_promotes_them(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 3, json!({})).await;
    let (m0, m1) = (setup.members[0].as_str(), setup.members[1].as_str());
    let booking = booked(&app, &setup.admin, &setup.call, m0, &[m1]).await;
    let id = booking["id"].as_str().unwrap();
    let (status, other) = meeting(&app, &setup.admin, &setup.call, m1, &[], 11).await;
    assert_eq!(status, StatusCode::CREATED, "{other}");

    let eleven = at(next_monday(), 11, 0);
    let (status, check) = app
        .post(
            &format!("/bookings/{id}/check-move"),
            &setup.admin,
            json!({"assigned_to": m0, "start_utc": eleven}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{check}");
    assert_eq!(check["ok"], false, "the drag shows red: {check}");
    assert_eq!(check["conflicts"][0]["user_id"], m1);
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reschedule"),
            &setup.admin,
            json!({"start_utc": eleven}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(conflicted(&body), [m1]);

    let one = at(next_monday(), 13, 0);
    let (status, moved) = app
        .post(
            &format!("/bookings/{id}/reschedule"),
            &setup.admin,
            json!({"start_utc": one}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["co_hosts"], json!([m1]), "the co-host comes along");
    assert_eq!(free_members_at(&app, &one).await, 1);

    let (status, promoted) = app
        .post(
            &format!("/bookings/{id}/reassign"),
            &setup.admin,
            json!({"assigned_to": m1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{promoted}");
    assert_eq!(promoted["assigned_to"], m1);
    assert_eq!(
        promoted["co_hosts"],
        json!([]),
        "the primary is not also a co-host"
    );
    assert_eq!(
        free_members_at(&app, &one).await,
        2,
        "Member 0 left the meeting"
    );
}

async fn a_co_host_acts_on_the_meeting_but_only_leaders_assign_hosts(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 3, json!({})).await;
    let (m0, m1, m2) = (
        setup.members[0].as_str(),
        setup.members[1].as_str(),
        setup.members[2].as_str(),
    );
    let booking = booked(&app, &setup.admin, &setup.call, m0, &[m1]).await;
    let path = format!("/bookings/{}", booking["id"].as_str().unwrap());
    let co_host = app.login("m1@example.com", MEMBER_PASSWORD).await;

    let (status, body) = app
        .patch(
            &path,
            &co_host,
            json!({"meeting_notes": "Bring the contract"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a co-host edits the meeting: {body}"
    );
    let (status, body) = app
        .patch(&path, &co_host, json!({"co_hosts": [m1, m2]}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // A member booking for themself may not name co-hosts either.
    let member = app.login("m2@example.com", MEMBER_PASSWORD).await;
    let (status, body) = meeting(&app, &member, &setup.call, m2, &[m1], 13).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = meeting(&app, &member, &setup.call, m2, &[], 13).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn an_internal_meeting_names_co_hosts_who_answer_no_invitation(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 3, json!({"is_public": false, "is_internal": true})).await;
    let (m0, m1, m2) = (
        setup.members[0].as_str(),
        setup.members[1].as_str(),
        setup.members[2].as_str(),
    );
    let (status, planning) = app
        .post(
            "/bookings/internal",
            &setup.admin,
            json!({"meeting_type_id": setup.call, "host": m0, "co_hosts": [m1],
                   "participants": [m1, m2], "start_utc": at(next_monday(), 9, 0)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{planning}");
    assert_eq!(planning["co_hosts"], json!([m1]));
    let id = planning["id"].as_str().unwrap();
    let people: Vec<(&str, bool)> = planning["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["user_id"].as_str().unwrap(), p["is_host"] == true))
        .collect();
    assert_eq!(people.len(), 2, "{planning}");
    assert!(people.contains(&(m1, true)) && people.contains(&(m2, false)));

    let co_host = app.login("m1@example.com", MEMBER_PASSWORD).await;
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/rsvp"),
            &co_host,
            json!({"response": "declined"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "hosts are assigned: {body}");
    let guest = app.login("m2@example.com", MEMBER_PASSWORD).await;
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/rsvp"),
            &guest,
            json!({"response": "accepted"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
