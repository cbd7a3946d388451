//! Who hears about what: every scenario of the notification matrix, delivered over real SMTP
//! (aiosmtpd on loopback), with each invite read back by an independent iCalendar parser.
//! Reminders and thank-you emails, which wait on the clock, close the file.

use std::collections::HashSet;

use chrono::{Duration, Utc};
use mm_blackbox_tests::{
    ADMIN_EMAIL, Db, TestApp, at, book,
    invite::{self, ical_utc},
    next_monday, on_both_databases, request,
    smtp::{MailCatcher, Received},
    support,
    twilio::FakeTwilio,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_public_booking_tells_the_customer_the_host_the_leader_and_the_admins,
    approval_requests_go_to_the_leader_and_the_decision_to_the_customer,
    a_staff_booking_its_reschedule_and_its_reassignment_tell_everyone_involved,
    a_cancellation_by_the_customer_tells_the_leader_and_one_by_staff_gives_the_reason,
    an_internal_meeting_invites_every_participant_and_confirms_to_its_creator,
    an_edit_the_customer_sees_sends_an_updated_invite_and_internal_notes_send_nothing,
    reminders_go_out_once_per_start_time_and_never_after_a_cancellation,
    a_meeting_booked_inside_its_reminder_windows_records_them_as_skipped,
    a_meeting_that_ended_gets_one_thank_you_with_feedback_link_and_next_steps,
    an_sms_reminder_reaches_the_provider_as_twilio_expects_it,
    a_danish_customer_and_an_english_host_each_read_the_booking_in_their_own_language,
);

/// Delivers over SMTP, looks for due reminders every second, allows many public bookings.
async fn app_with_mail(db: Db) -> (TestApp, MailCatcher) {
    let mail = MailCatcher::start().await;
    let url = mail.url();
    let app = TestApp::spawn_with(db, &env(&url)).await;
    (app, mail)
}

fn env(smtp: &str) -> Vec<(&str, &str)> {
    vec![
        ("MM_SMTP_URL", smtp),
        ("MM_REMINDER_INTERVAL_SECONDS", "1"),
        ("MM_OUTBOX_RETRY_SECONDS", "1"),
        ("MM_PUBLIC_BOOKING_RATE_LIMIT", "0"),
    ]
}

/// One delivered email: what the outbox calls it, and what the SMTP server received.
#[derive(Debug)]
struct Delivered {
    kind: String,
    to: String,
    mail: Received,
}

/// Follows the outbox: each call returns the emails queued since the previous one, once every
/// one of them has been delivered, ordered by kind and recipient.
struct Mailroom<'a> {
    app: &'a TestApp,
    mail: &'a MailCatcher,
    admin: String,
    seen: HashSet<String>,
}

impl<'a> Mailroom<'a> {
    async fn new(app: &'a TestApp, mail: &'a MailCatcher) -> Self {
        Self {
            app,
            mail,
            admin: app.admin_token().await,
            seen: HashSet::new(),
        }
    }

    async fn next(&mut self) -> Vec<Delivered> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let (status, body) = self.app.get("/outbox?per_page=200", &self.admin).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let fresh: Vec<&Value> = body["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|row| row["channel"] == "email")
                .filter(|row| !self.seen.contains(row["id"].as_str().unwrap()))
                .collect();
            let received = self.mail.messages();
            let matched: Vec<Option<&Received>> = fresh
                .iter()
                .map(|row| {
                    let id = row["id"].as_str().unwrap();
                    received.iter().find(|m| m.message_id.contains(id))
                })
                .collect();
            if matched.iter().all(Option::is_some) {
                let mut delivered: Vec<Delivered> = fresh
                    .iter()
                    .zip(matched)
                    .map(|(row, mail)| Delivered {
                        kind: row["kind"].as_str().unwrap().to_owned(),
                        to: row["to"].as_str().unwrap().to_owned(),
                        mail: mail.unwrap().clone(),
                    })
                    .collect();
                for row in &fresh {
                    self.seen.insert(row["id"].as_str().unwrap().to_owned());
                }
                // Every invite must be one a calendar program reads.
                for d in &delivered {
                    if let Some(ics) = &d.mail.ics {
                        invite::parse(ics);
                    }
                }
                delivered.sort_by(|a, b| (&a.kind, &a.to).cmp(&(&b.kind, &b.to)));
                return delivered;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "undelivered emails: {fresh:#?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }
}

/// `(kind, recipient)` of each email, as `Mailroom::next` orders them.
fn who(delivered: &[Delivered]) -> Vec<(&str, &str)> {
    delivered
        .iter()
        .map(|d| (d.kind.as_str(), d.to.as_str()))
        .collect()
}

fn find<'d>(delivered: &'d [Delivered], kind: &str, to: &str) -> &'d Received {
    &delivered
        .iter()
        .find(|d| d.kind == kind && d.to == to)
        .unwrap_or_else(|| panic!("a {kind} email to {to}: {delivered:#?}"))
        .mail
}

fn invite_of(mail: &Received) -> invite::Invite {
    invite::parse(mail.ics.as_deref().expect("an invite"))
}

/// Every email is a text part and an HTML part.
fn assert_both_parts(delivered: &[Delivered]) {
    for d in delivered {
        assert!(!d.mail.text.is_empty(), "{} has text", d.kind);
        assert!(d.mail.html.contains("<html lang="), "{} has HTML", d.kind);
    }
}

/// Takes a member out of rotation: no working hours on any day.
async fn no_hours(app: &TestApp, admin: &str, user: &str) {
    let off = json!({"enabled": false});
    let week = json!({"monday": off, "tuesday": off, "wednesday": off, "thursday": off,
                      "friday": off, "saturday": off, "sunday": off});
    let (status, body) = app
        .put(&format!("/users/{user}/working-hours"), admin, week)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Every hour of every day, so a meeting can be put at any time from now on.
async fn all_hours(app: &TestApp, admin: &str, user: &str) {
    let day = json!({"enabled": true, "start": "00:00", "end": "24:00", "breaks": []});
    let week = json!({"monday": day, "tuesday": day, "wednesday": day, "thursday": day,
                      "friday": day, "saturday": day, "sunday": day});
    let (status, body) = app
        .put(&format!("/users/{user}/working-hours"), admin, week)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn notify_watchers(app: &TestApp, admin: &str, department: &str, leader: bool, admins: bool) {
    let (status, body) = app
        .patch(
            &format!("/departments/{department}"),
            admin,
            json!({"notify_leader_on_booking": leader, "notify_admin_on_booking": admins}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// A customer booking made by staff for `host` at `start_utc`.
async fn staff_booking(
    app: &TestApp,
    admin: &str,
    meeting_type: &str,
    host: &str,
    start_utc: &str,
    email: &str,
) -> Value {
    let (status, body) = app
        .post(
            "/bookings",
            admin,
            json!({
                "meeting_type_id": meeting_type, "assigned_to": host, "start_utc": start_utc,
                "customer_name": "Ann Smith", "customer_email": email,
                "customer_phone": "+45 12 34 56 78", "customer_timezone": "Europe/London",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// The id of the one booking of the customer at `email`.
async fn booking_id(app: &TestApp, email: &str) -> String {
    let admin = app.admin_token().await;
    let (status, body) = app.get(&format!("/bookings?q={email}"), &admin).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 1, "{body}");
    body["items"][0]["id"].as_str().unwrap().to_owned()
}

fn instant(t: chrono::DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

async fn a_public_booking_tells_the_customer_the_host_the_leader_and_the_admins(db: Db) {
    let (app, mail) = app_with_mail(db).await;
    let setup = support(&app, 2, json!({})).await;
    no_hours(&app, &setup.admin, &setup.members[0]).await;
    notify_watchers(&app, &setup.admin, &setup.department, true, true).await;
    let mut mailroom = Mailroom::new(&app, &mail).await;

    let start = at(next_monday(), 10, 0);
    let mut body = request(&start, "john@customer.com");
    body["customer_notes"] = json!("<script>alert(1)</script> & more");
    let (status, booking) = book(&app, body).await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");

    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [
            ("admin_new_booking", ADMIN_EMAIL),
            ("customer_confirmation", "john@customer.com"),
            ("host_new_booking", "m1@example.com"),
            ("leader_new_booking", "m0@example.com"),
        ]
    );
    assert_both_parts(&sent);

    let to_customer = find(&sent, "customer_confirmation", "john@customer.com");
    assert_eq!(to_customer.subject, "Booking confirmed: Call with support");
    let text = &to_customer.text;
    assert!(
        text.contains("Your meeting will be with Member 1 from support"),
        "{text}"
    );
    assert!(text.contains("Monday"), "{text}");
    assert!(
        text.contains("(America/New_York)"),
        "the customer's zone: {text}"
    );
    assert!(
        text.contains("(Europe/Copenhagen)"),
        "the department's zone: {text}"
    );
    assert!(text.contains("/book/cancel/"), "{text}");
    assert!(text.contains("/book/reschedule/"), "{text}");
    let invite = invite_of(to_customer);
    assert_eq!(invite.method, "REQUEST");
    assert_eq!(
        invite.uid,
        format!("{}@127.0.0.1", booking_id(&app, "john@customer.com").await)
    );
    assert_eq!(invite.sequence, 0);
    assert_eq!(invite.dtstart, ical_utc(&start));
    assert!(invite.dtend.ends_with('Z'), "{invite:?}");
    assert_eq!(invite.status, "CONFIRMED");
    assert_eq!(invite.organizer.as_deref(), Some("mailto:m1@example.com"));
    assert_eq!(invite.attendees, ["mailto:john@customer.com"]);
    assert_eq!(invite.alarms, 1);

    let to_host = find(&sent, "host_new_booking", "m1@example.com");
    for detail in ["John Doe", "john@customer.com", "+1-555-123-4567"] {
        assert!(to_host.text.contains(detail), "{detail}: {}", to_host.text);
    }
    assert!(to_host.text.contains("<script>alert(1)</script> & more"));
    assert!(
        to_host
            .html
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"),
        "user input is escaped in HTML: {}",
        to_host.html
    );
    assert!(!to_host.html.contains("<script>"), "{}", to_host.html);
    assert!(to_host.ics.is_some(), "the host gets the invite too");
    assert!(
        to_host.text.contains("/admin/bookings/"),
        "staff get a link to the booking: {}",
        to_host.text
    );
    let to_leader = find(&sent, "leader_new_booking", "m0@example.com");
    assert!(
        to_leader.text.contains("assigned to Member 1"),
        "{}",
        to_leader.text
    );
    assert!(to_leader.ics.is_none());
}

async fn approval_requests_go_to_the_leader_and_the_decision_to_the_customer(db: Db) {
    let (app, mail) = app_with_mail(db).await;
    let setup = support(&app, 2, json!({"requires_approval": true})).await;
    no_hours(&app, &setup.admin, &setup.members[0]).await;
    let mut mailroom = Mailroom::new(&app, &mail).await;

    let (status, first) = book(&app, request(&at(next_monday(), 10, 0), "a@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [
            ("approval_request", "m0@example.com"),
            ("customer_pending", "a@customer.com"),
            ("host_new_booking", "m1@example.com"),
        ],
        "the leader is asked even though the department does not ask to hear of bookings"
    );
    let pending = find(&sent, "customer_pending", "a@customer.com");
    assert!(pending.text.contains("needs approval"), "{}", pending.text);
    assert!(
        pending.ics.is_none(),
        "no invite before the meeting is confirmed"
    );

    let id = &booking_id(&app, "a@customer.com").await;
    let (status, body) = app
        .post(&format!("/bookings/{id}/approve"), &setup.admin, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [
            ("customer_confirmation", "a@customer.com"),
            ("host_booking_approved", "m1@example.com"),
        ]
    );
    let confirmed = find(&sent, "customer_confirmation", "a@customer.com");
    assert!(confirmed.text.contains("Member 1"), "{}", confirmed.text);
    assert_eq!(invite_of(confirmed).method, "REQUEST");

    let (status, second) = book(&app, request(&at(next_monday(), 13, 0), "b@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    mailroom.next().await;
    let id = &booking_id(&app, "b@customer.com").await;
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reject"),
            &setup.admin,
            json!({"reason": "We are fully booked that week"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sent = mailroom.next().await;
    assert_eq!(who(&sent), [("customer_rejected", "b@customer.com")]);
    let rejected = &sent[0].mail;
    assert!(
        rejected.text.contains("We are fully booked that week"),
        "{}",
        rejected.text
    );
    assert!(
        rejected.text.contains("/book/support/call"),
        "{}",
        rejected.text
    );
}

async fn a_staff_booking_its_reschedule_and_its_reassignment_tell_everyone_involved(db: Db) {
    let (app, mail) = app_with_mail(db).await;
    let setup = support(&app, 3, json!({})).await;
    notify_watchers(&app, &setup.admin, &setup.department, true, false).await;
    let mut mailroom = Mailroom::new(&app, &mail).await;

    let start = at(next_monday(), 9, 0);
    let booking = staff_booking(
        &app,
        &setup.admin,
        &setup.call,
        &setup.members[1],
        &start,
        "ann@customer.com",
    )
    .await;
    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [
            ("booking_created", ADMIN_EMAIL),
            ("customer_confirmation", "ann@customer.com"),
            ("host_new_booking", "m1@example.com"),
            ("leader_new_booking", "m0@example.com"),
        ]
    );
    let to_host = find(&sent, "host_new_booking", "m1@example.com");
    assert!(
        to_host.text.contains("booked this meeting for you"),
        "{}",
        to_host.text
    );
    let to_creator = find(&sent, "booking_created", ADMIN_EMAIL);
    assert!(
        to_creator.text.contains("for Member 1"),
        "{}",
        to_creator.text
    );

    let id = booking["id"].as_str().unwrap();
    let later = at(next_monday(), 11, 0);
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reschedule"),
            &setup.admin,
            json!({"start_utc": later}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [
            ("customer_rescheduled", "ann@customer.com"),
            ("host_rescheduled", "m1@example.com"),
            ("leader_rescheduled", "m0@example.com"),
        ]
    );
    let moved = find(&sent, "customer_rescheduled", "ann@customer.com");
    assert!(
        moved.text.contains("moved from") && moved.text.contains("08:00–09:00 (Europe/London)"),
        "the old time in the customer's zone: {}",
        moved.text
    );
    assert!(
        moved.text.contains("10:00–11:00 (Europe/London)"),
        "{}",
        moved.text
    );
    let invite = invite_of(moved);
    assert_eq!(invite.method, "REQUEST");
    assert_eq!(invite.dtstart, ical_utc(&later));
    assert_eq!(
        invite.sequence, 1,
        "a changed meeting carries a higher SEQUENCE"
    );

    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reassign"),
            &setup.admin,
            json!({"assigned_to": setup.members[2], "reason": "Member 1 is away"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [
            ("customer_reassigned", "ann@customer.com"),
            ("leader_reassigned", "m0@example.com"),
            ("new_host_reassigned", "m2@example.com"),
            ("old_host_reassigned", "m1@example.com"),
        ]
    );
    let to_customer = find(&sent, "customer_reassigned", "ann@customer.com");
    assert!(
        to_customer.text.contains("will now be with Member 2"),
        "{}",
        to_customer.text
    );
    let invite = invite_of(to_customer);
    assert_eq!(invite.organizer.as_deref(), Some("mailto:m2@example.com"));
    assert_eq!(invite.sequence, 2, "{invite:?}");
    let to_old = find(&sent, "old_host_reassigned", "m1@example.com");
    assert!(
        to_old.text.contains("reassigned to Member 2"),
        "{}",
        to_old.text
    );
    assert!(to_old.ics.is_none());
    let to_new = find(&sent, "new_host_reassigned", "m2@example.com");
    assert!(
        to_new.text.contains("Ann Smith"),
        "customer details: {}",
        to_new.text
    );
}

/// The self-service token in a customer email's link to `/book/{action}/`.
fn token_in(text: &str, action: &str) -> String {
    let marker = format!("/book/{action}/");
    let start = text.find(&marker).expect("a self-service link") + marker.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn a_cancellation_by_the_customer_tells_the_leader_and_one_by_staff_gives_the_reason(db: Db) {
    let (app, mail) = app_with_mail(db).await;
    let setup = support(&app, 2, json!({})).await;
    no_hours(&app, &setup.admin, &setup.members[0]).await;
    notify_watchers(&app, &setup.admin, &setup.department, true, false).await;
    let mut mailroom = Mailroom::new(&app, &mail).await;

    let (status, first) = book(&app, request(&at(next_monday(), 10, 0), "a@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let sent = mailroom.next().await;
    let token = token_in(
        &find(&sent, "customer_confirmation", "a@customer.com").text,
        "cancel",
    );
    let (status, body) = app
        .post(
            &format!("/public/bookings/{token}/cancel"),
            "",
            json!({"reason": "Something came up"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [
            ("customer_cancelled", "a@customer.com"),
            ("host_cancelled", "m1@example.com"),
            ("leader_cancelled", "m0@example.com"),
        ]
    );
    let to_customer = find(&sent, "customer_cancelled", "a@customer.com");
    assert!(
        to_customer.text.contains("as you asked"),
        "{}",
        to_customer.text
    );
    assert!(
        to_customer.text.contains("/book/support/call"),
        "{}",
        to_customer.text
    );
    assert!(
        to_customer
            .part_types
            .iter()
            .any(|t| t == "text/calendar; method=CANCEL"),
        "{:?}",
        to_customer.part_types
    );
    let invite = invite_of(to_customer);
    assert_eq!(invite.method, "CANCEL");
    assert_eq!(invite.status, "CANCELLED");
    assert_eq!(invite.sequence, 1);
    assert_eq!(
        invite.alarms, 0,
        "no alarm for a meeting that will not happen"
    );
    let to_host = find(&sent, "host_cancelled", "m1@example.com");
    assert!(
        to_host.text.contains("The customer cancelled")
            && to_host.text.contains("Something came up"),
        "{}",
        to_host.text
    );

    let (status, second) = book(&app, request(&at(next_monday(), 13, 0), "b@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    mailroom.next().await;
    let id = &booking_id(&app, "b@customer.com").await;
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/cancel"),
            &setup.admin,
            json!({"reason": "The host is ill"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [
            ("customer_cancelled", "b@customer.com"),
            ("host_cancelled", "m1@example.com"),
        ],
        "staff who cancel have told whom they meant to"
    );
    let to_customer = find(&sent, "customer_cancelled", "b@customer.com");
    assert!(
        to_customer.text.contains("We are sorry") && to_customer.text.contains("The host is ill"),
        "{}",
        to_customer.text
    );
}

async fn an_internal_meeting_invites_every_participant_and_confirms_to_its_creator(db: Db) {
    let (app, mail) = app_with_mail(db).await;
    let setup = support(&app, 3, json!({"is_internal": true})).await;
    let mut mailroom = Mailroom::new(&app, &mail).await;

    let start = at(next_monday(), 14, 0);
    let (status, meeting) = app
        .post(
            "/bookings/internal",
            &setup.admin,
            json!({
                "meeting_type_id": setup.call, "host": setup.members[0],
                "participants": [setup.members[1], setup.members[2]], "start_utc": start,
                "meeting_agenda": "Plan <Q1> & budget", "physical_location": "Room A",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{meeting}");
    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [
            ("internal_created", ADMIN_EMAIL),
            ("internal_invitation", "m0@example.com"),
            ("internal_invitation", "m1@example.com"),
            ("internal_invitation", "m2@example.com"),
        ]
    );
    assert_both_parts(&sent);
    let to_participant = find(&sent, "internal_invitation", "m2@example.com");
    assert!(
        to_participant.text.contains("Plan <Q1> & budget"),
        "the agenda: {}",
        to_participant.text
    );
    assert!(
        to_participant.html.contains("Plan &lt;Q1&gt; &amp; budget"),
        "{}",
        to_participant.html
    );
    let invite = invite_of(to_participant);
    assert_eq!(invite.method, "REQUEST");
    assert_eq!(invite.organizer.as_deref(), Some("mailto:m0@example.com"));
    let mut attendees = invite.attendees.clone();
    attendees.sort();
    assert_eq!(
        attendees,
        ["mailto:m1@example.com", "mailto:m2@example.com"]
    );
    assert_eq!(invite.location.as_deref(), Some("Room A"));
    assert!(find(&sent, "internal_created", ADMIN_EMAIL).ics.is_none());

    let id = meeting["id"].as_str().unwrap();
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/cancel"),
            &setup.admin,
            json!({"reason": "Postponed"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [
            ("host_cancelled", "m0@example.com"),
            ("host_cancelled", "m1@example.com"),
            ("host_cancelled", "m2@example.com"),
        ]
    );
    for d in &sent {
        let invite = invite_of(&d.mail);
        assert_eq!(invite.method, "CANCEL");
        assert_eq!(invite.uid, format!("{id}@127.0.0.1"));
    }
}

async fn an_edit_the_customer_sees_sends_an_updated_invite_and_internal_notes_send_nothing(db: Db) {
    let (app, mail) = app_with_mail(db).await;
    let setup = support(&app, 2, json!({})).await;
    let mut mailroom = Mailroom::new(&app, &mail).await;
    let booking = staff_booking(
        &app,
        &setup.admin,
        &setup.call,
        &setup.members[1],
        &at(next_monday(), 9, 0),
        "ann@customer.com",
    )
    .await;
    mailroom.next().await;
    let id = booking["id"].as_str().unwrap();

    let (status, body) = app
        .patch(
            &format!("/bookings/{id}"),
            &setup.admin,
            json!({"meeting_notes": "Prefers mornings", "meeting_minutes": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        mailroom.next().await.is_empty(),
        "internal notes are nobody's news"
    );

    let (status, body) = app
        .patch(
            &format!("/bookings/{id}"),
            &setup.admin,
            json!({"meeting_link": "https://meet.example.com/ann", "customer_email": "ann@right.example"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [
            ("customer_updated", "ann@right.example"),
            ("host_updated", "m1@example.com"),
        ]
    );
    assert_both_parts(&sent);
    let to_customer = find(&sent, "customer_updated", "ann@right.example");
    assert!(
        to_customer
            .text
            .contains("the meeting link and the contact details"),
        "{}",
        to_customer.text
    );
    assert!(
        !to_customer.text.contains("Prefers mornings"),
        "internal notes stay inside: {}",
        to_customer.text
    );
    let invite = invite_of(to_customer);
    assert_eq!(invite.method, "REQUEST");
    assert_eq!(invite.uid, format!("{id}@127.0.0.1"));
    assert_eq!(invite.sequence, 1, "the new invite replaces the old one");
    assert_eq!(
        invite.location.as_deref(),
        Some("https://meet.example.com/ann")
    );
}

/// Waits (at most 60 s) until the booking satisfies `done`, which the sweeps of the server make
/// true in their own time; returns the booking.
async fn wait_for_booking(
    app: &TestApp,
    admin: &str,
    id: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let (status, booking) = app.get(&format!("/bookings/{id}"), admin).await;
        assert_eq!(status, StatusCode::OK, "{booking}");
        if done(&booking) {
            return booking;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{what} never came: {booking:#}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

/// Waits until the booking's reminder records satisfy `done`; returns the booking.
async fn wait_for_reminders(
    app: &TestApp,
    admin: &str,
    id: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Value {
    wait_for_booking(app, admin, id, "reminders", |b| {
        done(b["reminders"].as_array().unwrap())
    })
    .await
}

async fn reminders_go_out_once_per_start_time_and_never_after_a_cancellation(db: Db) {
    let (app, mail) = app_with_mail(db).await;
    // A second process sweeps for due reminders too; each must still go out once.
    let url = mail.url();
    let _second = app.process_with(&env(&url)).await;
    let setup = support(&app, 2, json!({})).await;
    for member in &setup.members {
        all_hours(&app, &setup.admin, member).await;
    }
    let mut mailroom = Mailroom::new(&app, &mail).await;

    // The day-before reminder of a meeting a day and 20 seconds ahead is due in 20 seconds.
    let start = instant(Utc::now() + Duration::hours(24) + Duration::seconds(20));
    let kept = staff_booking(
        &app,
        &setup.admin,
        &setup.call,
        &setup.members[0],
        &start,
        "kept@customer.com",
    )
    .await;
    let dropped = staff_booking(
        &app,
        &setup.admin,
        &setup.call,
        &setup.members[1],
        &start,
        "dropped@customer.com",
    )
    .await;
    let dropped_id = dropped["id"].as_str().unwrap();
    let (status, body) = app
        .post(
            &format!("/bookings/{dropped_id}/cancel"),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    mailroom.next().await;

    let id = kept["id"].as_str().unwrap();
    wait_for_reminders(&app, &setup.admin, id, |r| !r.is_empty()).await;
    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [
            ("customer_reminder", "kept@customer.com"),
            ("host_reminder", "m0@example.com"),
        ],
        "one reminder each, none for the cancelled meeting"
    );
    let reminder = find(&sent, "customer_reminder", "kept@customer.com");
    assert_eq!(reminder.subject, "Reminder: Call with support in 24 hours");
    assert!(reminder.text.contains("/book/cancel/"), "{}", reminder.text);

    // A new time arms the schedule again.
    let moved_to = instant(Utc::now() + Duration::hours(24) + Duration::seconds(20));
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reschedule"),
            &setup.admin,
            json!({"start_utc": moved_to}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    mailroom.next().await;
    let booking = wait_for_reminders(&app, &setup.admin, id, |r| r.len() == 2).await;
    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [
            ("customer_reminder", "kept@customer.com"),
            ("host_reminder", "m0@example.com"),
        ]
    );
    let records: Vec<(u64, &str, &str)> = booking["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["hours_before"].as_u64().unwrap(),
                r["for_start_utc"].as_str().unwrap(),
                r["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        records,
        [
            (24, start.as_str(), "sent"),
            (24, moved_to.as_str(), "sent")
        ]
    );
    let history = booking["booking_history"].as_array().unwrap();
    assert_eq!(
        history
            .iter()
            .filter(|h| h["action"] == "reminder_sent")
            .count(),
        2
    );

    // A few more sweeps of both processes send nothing more.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert!(who(&mailroom.next().await).is_empty());
}

async fn a_meeting_booked_inside_its_reminder_windows_records_them_as_skipped(db: Db) {
    let (app, mail) = app_with_mail(db).await;
    let setup = support(&app, 1, json!({})).await;
    all_hours(&app, &setup.admin, &setup.members[0]).await;
    let mut mailroom = Mailroom::new(&app, &mail).await;

    let start = instant(Utc::now() + Duration::minutes(30));
    let booking = staff_booking(
        &app,
        &setup.admin,
        &setup.call,
        &setup.members[0],
        &start,
        "soon@customer.com",
    )
    .await;
    let id = booking["id"].as_str().unwrap();
    let booking = wait_for_reminders(&app, &setup.admin, id, |r| r.len() == 2).await;
    let mut records: Vec<(u64, &str)> = booking["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["hours_before"].as_u64().unwrap(),
                r["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    records.sort();
    assert_eq!(
        records,
        [(1, "skipped"), (24, "skipped")],
        "the confirmation just said everything a reminder would"
    );
    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [
            ("booking_created", ADMIN_EMAIL),
            ("customer_confirmation", "soon@customer.com"),
            ("host_new_booking", "m0@example.com"),
        ]
    );
}

async fn a_meeting_that_ended_gets_one_thank_you_with_feedback_link_and_next_steps(db: Db) {
    let (app, mail) = app_with_mail(db).await;
    let setup = support(
        &app,
        1,
        json!({
            "thank_you_enabled": true, "feedback_url": "https://survey.example.com/r?m=call",
            "next_steps": "We send the <offer> by Friday.",
        }),
    )
    .await;
    all_hours(&app, &setup.admin, &setup.members[0]).await;
    let (status, body) = app
        .patch(
            &format!("/meeting-types/{}", setup.call),
            &setup.admin,
            json!({"feedback_url": "survey.example.com"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(mm_blackbox_tests::failing_fields(&body), ["feedback_url"]);
    let (status, body) = app
        .get(&format!("/meeting-types/{}", setup.call), &setup.admin)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["thank_you_enabled"], true);
    assert_eq!(body["feedback_url"], "https://survey.example.com/r?m=call");
    let mut mailroom = Mailroom::new(&app, &mail).await;

    let held = staff_booking(
        &app,
        &setup.admin,
        &setup.call,
        &setup.members[0],
        &instant(Utc::now() + Duration::hours(3)),
        "held@customer.com",
    )
    .await;
    let called_off = staff_booking(
        &app,
        &setup.admin,
        &setup.call,
        &setup.members[0],
        &instant(Utc::now() + Duration::hours(5)),
        "off@customer.com",
    )
    .await;
    let off_id = called_off["id"].as_str().unwrap();
    let (status, body) = app
        .post(
            &format!("/bookings/{off_id}/cancel"),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    mailroom.next().await;

    // Both meetings now lie an hour in the past.
    let ended = Utc::now() - Duration::hours(1);
    for booking in [&held, &called_off] {
        app.db_set_booking_times(
            booking["id"].as_str().unwrap(),
            ended - Duration::hours(1),
            ended,
        )
        .await;
    }
    let id = held["id"].as_str().unwrap();
    wait_for_booking(&app, &setup.admin, id, "a thank-you", |b| {
        b["thank_you_sent_utc"].is_string()
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [("customer_thank_you", "held@customer.com")],
        "one thank-you, and none for the cancelled meeting"
    );
    let thanks = &sent[0].mail;
    assert_eq!(thanks.subject, "Thank you for your meeting with support");
    assert!(thanks.text.contains("Member 0"), "{}", thanks.text);
    assert!(
        thanks.text.contains("We send the <offer> by Friday."),
        "{}",
        thanks.text
    );
    assert!(
        thanks.html.contains("We send the &lt;offer&gt; by Friday."),
        "{}",
        thanks.html
    );
    assert!(
        thanks
            .html
            .contains("href=\"https://survey.example.com/r?m=call\""),
        "{}",
        thanks.html
    );
    assert!(thanks.ics.is_none());
}

async fn an_sms_reminder_reaches_the_provider_as_twilio_expects_it(db: Db) {
    let mail = MailCatcher::start().await;
    let twilio = FakeTwilio::start().await;
    let smtp = mail.url();
    let mut env = env(&smtp);
    env.extend([
        ("MM_TWILIO_ACCOUNT_SID", "AC0123456789"),
        ("MM_TWILIO_AUTH_TOKEN", "secret-token"),
        ("MM_TWILIO_FROM", "+15005550006"),
        ("MM_TWILIO_API_URL", twilio.url.as_str()),
    ]);
    let app = TestApp::spawn_with(db, &env).await;
    let schedule = json!([{"hours_before": 24, "notification_type": "both", "is_active": true}]);
    let setup = support(&app, 1, json!({"reminder_schedule": schedule})).await;
    all_hours(&app, &setup.admin, &setup.members[0]).await;
    let mut mailroom = Mailroom::new(&app, &mail).await;

    let start = instant(Utc::now() + Duration::hours(24) + Duration::seconds(15));
    let booking = staff_booking(
        &app,
        &setup.admin,
        &setup.call,
        &setup.members[0],
        &start,
        "texted@customer.com",
    )
    .await;
    mailroom.next().await;
    assert!(
        twilio.received().is_empty(),
        "no text message with the confirmation"
    );

    let id = booking["id"].as_str().unwrap();
    wait_for_reminders(&app, &setup.admin, id, |r| !r.is_empty()).await;
    let texts = twilio.wait_for(1).await;
    assert_eq!(texts.len(), 1, "{texts:#?}");
    let text = &texts[0];
    assert_eq!(text.method, "POST");
    assert_eq!(text.path, "/2010-04-01/Accounts/AC0123456789/Messages.json");
    assert_eq!(
        text.authorization, "Basic QUMwMTIzNDU2Nzg5OnNlY3JldC10b2tlbg==",
        "HTTP basic auth with the account SID and auth token"
    );
    assert!(
        text.content_type
            .starts_with("application/x-www-form-urlencoded"),
        "{}",
        text.content_type
    );
    assert_eq!(
        text.form["To"], "+4512345678",
        "the customer's number in E.164"
    );
    assert_eq!(text.form["From"], "+15005550006");
    let body = &text.form["Body"];
    assert!(
        body.starts_with("Reminder: Call with support in 24 hours"),
        "{body}"
    );
    assert!(
        body.contains("(Europe/London)"),
        "the customer's zone: {body}"
    );
    assert!(body.contains("/book/reschedule/"), "{body}");

    // `both`: the email reminders go out too, and the outbox shows the text message as sent.
    let sent = mailroom.next().await;
    assert_eq!(
        who(&sent),
        [
            ("customer_reminder", "texted@customer.com"),
            ("host_reminder", "m0@example.com"),
        ]
    );
    let (_, outbox) = app.get("/outbox?to=%2B4512345678", &setup.admin).await;
    let rows = outbox["items"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{outbox:#}");
    assert_eq!(rows[0]["channel"], "sms");
    assert_eq!(rows[0]["kind"], "customer_reminder_sms");
    assert_eq!(rows[0]["status"], "sent");
}

async fn a_danish_customer_and_an_english_host_each_read_the_booking_in_their_own_language(db: Db) {
    let (app, mail) = app_with_mail(db).await;
    let setup = support(&app, 2, json!({})).await;
    no_hours(&app, &setup.admin, &setup.members[0]).await;
    let host = &setup.members[1];
    let mut mailroom = Mailroom::new(&app, &mail).await;

    // The browser says Danish; the booking keeps it for every later email.
    let start = at(next_monday(), 10, 0);
    let response = app
        .client
        .post(app.url("/api/v1/public/bookings"))
        .header("Accept-Language", "da-DK,da;q=0.9,en;q=0.5")
        .json(&request(&start, "sofie@kunde.dk"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let booking: Value = response.json().await.unwrap();
    assert_eq!(booking["customer_language"], "da", "{booking}");

    let sent = mailroom.next().await;
    let to_customer = find(&sent, "customer_confirmation", "sofie@kunde.dk");
    assert_eq!(to_customer.subject, "Booking bekræftet: Call med support");
    assert_eq!(to_customer.content_language, "da");
    assert!(
        to_customer.html.contains("<html lang=\"da\">"),
        "{}",
        to_customer.html
    );
    let text = &to_customer.text;
    assert!(
        text.contains("Dit møde bliver med Member 1 fra support."),
        "{text}"
    );
    assert!(
        text.contains("Tidspunkt: mandag den "),
        "a Danish date: {text}"
    );
    assert!(
        text.contains(" kl. ") && text.contains("(America/New_York)"),
        "{text}"
    );
    assert!(text.contains("Aflys: http"), "{text}");
    // The invite's own text is the customer's language too.
    let description = invite_of(to_customer).description.unwrap_or_default();
    assert!(description.contains("Aflys: http"), "{description}");
    assert!(description.contains("Flyt mødet: http"), "{description}");

    let to_host = find(&sent, "host_new_booking", "m1@example.com");
    assert_eq!(to_host.subject, "New booking: Call with support");
    assert_eq!(to_host.content_language, "en");
    assert!(
        to_host.text.contains("A new booking is assigned to you."),
        "{}",
        to_host.text
    );
    assert!(to_host.text.contains("When: Monday "), "{}", to_host.text);
    let description = invite_of(to_host).description.unwrap_or_default();
    assert!(description.contains("Reference: "), "{description}");
    assert!(
        !description.contains("Aflys"),
        "no customer link for the host: {description}"
    );

    // The host turns to Danish on their profile; the customer, who cancels, stays Danish.
    let (status, user) = app
        .patch(
            &format!("/users/{host}"),
            &setup.admin,
            json!({"language": "da"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["language"], "da");
    let id = booking_id(&app, "sofie@kunde.dk").await;
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/cancel"),
            &setup.admin,
            json!({"reason": "Sygdom"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sent = mailroom.next().await;
    let to_customer = find(&sent, "customer_cancelled", "sofie@kunde.dk");
    assert_eq!(to_customer.subject, "Booking aflyst: Call med support");
    assert!(
        to_customer
            .text
            .contains("Vi beklager: din booking er aflyst. Begrundelse: Sygdom"),
        "{}",
        to_customer.text
    );
    let to_host = find(&sent, "host_cancelled", "m1@example.com");
    assert_eq!(to_host.content_language, "da");
    assert!(
        to_host.subject.starts_with("Aflyst: "),
        "{}",
        to_host.subject
    );

    // Back to the organisation's default (English here).
    let (status, user) = app
        .patch(
            &format!("/users/{host}"),
            &setup.admin,
            json!({"language": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["language"], Value::Null);
    let (status, body) = app
        .patch(
            &format!("/users/{host}"),
            &setup.admin,
            json!({"language": "fr"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["language"],
        "must be one of en, da"
    );
}
