//! The booking lifecycle through the public API: booking a slot, the customer's links, approval,
//! idempotency, rate limits, and — on one process and on two sharing PostgreSQL — that
//! concurrent requests can never double-book a member.

use chrono::{Days, Utc};
use mm_blackbox_tests::{
    Db, TestApp, assert_error, at, book, failing_fields, free_members_at, next_monday,
    on_both_databases, request, support,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(
    a_customer_books_a_slot_and_gets_a_reference_and_links_but_never_the_host,
    every_invalid_customer_field_is_named,
    a_time_that_is_not_offered_is_slot_unavailable,
    a_repeated_idempotency_key_returns_the_first_booking,
    public_bookings_are_limited_per_client_address,
    a_customer_cancels_with_their_link_and_the_link_then_dies,
    a_link_to_a_meeting_booked_fifty_days_ahead_still_works_forty_days_later,
    a_customer_reschedules_to_another_offered_slot_keeping_the_reference,
    fifty_concurrent_requests_for_a_one_member_slot_make_exactly_one_booking,
    concurrent_requests_for_a_three_member_slot_give_each_member_exactly_one,
    approval_holds_the_time_until_a_leader_approves,
    rejecting_needs_a_reason_and_frees_the_time,
    completed_and_no_show_wait_for_the_meeting_to_start,
    a_member_sees_only_their_own_bookings_and_may_not_reassign,
    reassigning_needs_a_free_active_member_and_is_recorded_in_both_histories,
    check_move_names_each_conflict_and_changes_nothing,
    staff_reschedule_moves_the_time_and_a_drag_may_change_the_host,
    a_member_books_a_customer_only_for_themself,
    a_reassign_racing_a_new_booking_never_double_books,
    a_reschedule_racing_a_new_booking_lets_exactly_one_win,
    bulk_cancel_reports_each_failure_and_cancels_the_rest,
    the_csv_export_follows_the_filter_and_defuses_formulas,
);

async fn a_link_to_a_meeting_booked_fifty_days_ahead_still_works_forty_days_later(db: Db) {
    let app = TestApp::spawn(db).await;
    support(&app, 1, json!({})).await;
    let far = next_monday() + Days::new(49);
    let (status, booked) = book(&app, request(&at(far, 10, 0), "far@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let (_, listed) = app
        .get("/bookings?q=far@customer.com", &app.admin_token().await)
        .await;
    let id = listed["items"][0]["id"].as_str().unwrap().to_owned();

    // Forty days on: the meeting is ten days away, and both links still open it.
    app.db_age_booking(&id, chrono::Duration::days(40)).await;
    for link in ["reschedule_url", "cancel_url"] {
        let (status, view) = app
            .call(
                Method::GET,
                &format!("/public/bookings/{}", token(&booked[link])),
                None,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{link}: {view}");
    }
    let (status, cancelled) = app
        .call(
            Method::POST,
            &format!("/public/bookings/{}/cancel", token(&booked["cancel_url"])),
            None,
            Some(json!({"reason": "Plans changed"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");

    // Once the meeting is over, its links are not.
    let (_, again) = book(&app, request(&at(far, 12, 0), "late@customer.com")).await;
    let (_, listed) = app
        .get("/bookings?q=late@customer.com", &app.admin_token().await)
        .await;
    let late = listed["items"][0]["id"].as_str().unwrap();
    app.db_age_booking(late, chrono::Duration::days(60)).await;
    let (status, _) = app
        .call(
            Method::GET,
            &format!("/public/bookings/{}", token(&again["reschedule_url"])),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The token at the end of a link.
fn token(url: &Value) -> String {
    url.as_str()
        .and_then(|u| u.rsplit('/').next())
        .expect("a link")
        .to_owned()
}

/// Held bookings of one member that overlap another of theirs: must always be zero.
const OVERLAPPING_HELD_BOOKINGS: &str = "SELECT COUNT(*) FROM bookings a JOIN bookings b \
     ON a.assigned_to = b.assigned_to AND a.id < b.id \
     AND a.start_utc < b.end_utc AND b.start_utc < a.end_utc \
     WHERE a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')";

async fn a_customer_books_a_slot_and_gets_a_reference_and_links_but_never_the_host(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    let monday = next_monday();
    let start = at(monday, 10, 0);

    let (status, body) = book(&app, request(&start, "john@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let reference = body["booking_reference"].as_str().unwrap();
    assert!(
        reference.starts_with("BK-") && reference.len() == 11,
        "{reference}"
    );
    assert!(
        reference[3..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    );
    assert_eq!(body["status"], "confirmed");
    assert_eq!(body["start_utc"], start.as_str());
    assert_eq!(body["end_utc"], at(monday, 11, 0).as_str());
    assert_eq!(body["customer_timezone"], "America/New_York");
    assert_eq!(body["department_name"], "support");
    let text = body.to_string();
    assert!(
        !text.contains(&setup.members[0]),
        "the host's id leaked: {text}"
    );
    assert!(
        !text.contains("Member 0") && !text.contains("m0@example.com"),
        "{text}"
    );
    for link in ["cancel_url", "reschedule_url", "ics_url"] {
        assert!(
            body[link].as_str().is_some_and(|u| u.starts_with("http")),
            "{link}: {body}"
        );
    }
    // At least 128 bits: 43 URL-safe base64 characters are 256.
    assert!(token(&body["cancel_url"]).len() >= 22);

    let (status, view) = app
        .call(
            Method::GET,
            &format!("/public/bookings/{}", token(&body["cancel_url"])),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["booking_reference"], reference);
    let ics = app
        .client
        .get(body["ics_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(ics.status(), StatusCode::OK);
    assert!(
        ics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = ics.text().await.unwrap();
    assert!(
        ics.contains("METHOD:REQUEST") && ics.contains("BEGIN:VEVENT"),
        "{ics}"
    );
    assert!(
        !ics.contains("m0@example.com") && !ics.contains("Member 0"),
        "{ics}"
    );
    // The web calendars' links open the same event as the invite, without the host either.
    let google = url::Url::parse(body["add_to_calendar"]["google"].as_str().unwrap()).unwrap();
    let query: std::collections::HashMap<_, _> = google.query_pairs().into_owned().collect();
    assert_eq!(query["action"], "TEMPLATE");
    assert!(
        ics.contains(&format!("SUMMARY:{}", query["text"])),
        "{}: {ics}",
        query["text"]
    );
    let basic = |utc: &str| utc.replace(['-', ':'], "");
    assert_eq!(
        query["dates"],
        format!("{}/{}", basic(&start), basic(&at(monday, 11, 0)))
    );
    assert!(query["details"].contains(reference), "{query:?}");
    for calendar in ["outlook_com", "office_365"] {
        let link = url::Url::parse(body["add_to_calendar"][calendar].as_str().unwrap()).unwrap();
        let query: std::collections::HashMap<_, _> = link.query_pairs().into_owned().collect();
        assert_eq!(
            query["subject"],
            google.query_pairs().find(|(k, _)| k == "text").unwrap().1
        );
        assert_eq!(query["startdt"], start);
        assert_eq!(query["enddt"], at(monday, 11, 0));
    }
    assert_eq!(view["add_to_calendar"], body["add_to_calendar"]);

    assert_eq!(free_members_at(&app, &start).await, 0, "the slot is taken");
    // The customer's confirmation and the host's notification wait in the outbox.
    assert!(app.db_count("SELECT COUNT(*) FROM email_outbox").await >= 2);
    assert_eq!(
        app.db_count("SELECT COUNT(*) FROM bookings WHERE cancel_token_hash IS NOT NULL")
            .await,
        1
    );
    let raw = token(&body["cancel_url"]);
    assert_eq!(
        app.db_count(&format!("SELECT COUNT(*) FROM bookings WHERE cancel_token_hash = '{raw}' OR reschedule_token_hash = '{raw}'")).await,
        0,
        "tokens are stored only as hashes"
    );
}

async fn every_invalid_customer_field_is_named(db: Db) {
    let app = TestApp::spawn(db).await;
    support(
        &app,
        1,
        json!({"custom_questions": [{"key": "company", "label": "Company", "kind": "text", "required": true}]}),
    )
    .await;
    let body = json!({
        "department_slug": "support", "meeting_slug": "call", "start_utc": "tomorrow",
        "customer_name": " ", "customer_email": "not-an-email", "customer_phone": "123-456",
        "customer_timezone": "Mars/Olympus", "answers": {"company": "", "shoe_size": "44"},
    });
    let (status, body) = book(&app, body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_error(&body, "validation_failed");
    let mut fields = failing_fields(&body);
    fields.sort();
    assert_eq!(
        fields,
        [
            "answers.company",
            "answers.shoe_size",
            "customer_email",
            "customer_name",
            "customer_phone",
            "customer_timezone",
            "start_utc"
        ]
    );
    let (status, body) = book(
        &app,
        json!({"department_slug": "nope", "meeting_slug": "call", "start_utc": at(next_monday(), 10, 0),
               "customer_name": "A", "customer_email": "a@b.co", "customer_phone": "5551234567"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

async fn a_time_that_is_not_offered_is_slot_unavailable(db: Db) {
    let app = TestApp::spawn(db).await;
    support(&app, 1, json!({})).await;
    let monday = next_monday();
    for start in [
        at(monday, 10, 15),
        at(monday, 7, 0),
        at(monday + Days::new(5), 10, 0),
    ] {
        let (status, body) = book(&app, request(&start, "john@customer.com")).await;
        assert_eq!(status, StatusCode::CONFLICT, "{start}: {body}");
        assert_error(&body, "slot_unavailable");
    }
    let yesterday = (Utc::now() - chrono::Duration::days(1))
        .format("%Y-%m-%dT10:00:00Z")
        .to_string();
    let (status, body) = book(&app, request(&yesterday, "john@customer.com")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(app.db_count("SELECT COUNT(*) FROM bookings").await, 0);
}

async fn a_repeated_idempotency_key_returns_the_first_booking(db: Db) {
    let app = TestApp::spawn(db).await;
    support(&app, 2, json!({})).await;
    let start = at(next_monday(), 10, 0);
    let send = |body: Value| {
        app.client
            .post(app.url("/api/v1/public/bookings"))
            .header("Idempotency-Key", "order-7f3a")
            .json(&body)
            .send()
    };
    let first = send(request(&start, "john@customer.com")).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = send(request(&start, "john@customer.com")).await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    let again: Value = again.json().await.unwrap();
    assert_eq!(first, again, "a replay answers exactly as the first time");
    assert_eq!(app.db_count("SELECT COUNT(*) FROM bookings").await, 1);

    let other = send(request(&start, "someone.else@customer.com"))
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::CONFLICT);
    let other: Value = other.json().await.unwrap();
    assert_error(&other, "idempotency_key_reused");
    assert_eq!(app.db_count("SELECT COUNT(*) FROM bookings").await, 1);
}

async fn public_bookings_are_limited_per_client_address(db: Db) {
    let app = TestApp::spawn_with(db, &[("MM_PUBLIC_BOOKING_RATE_LIMIT", "2")]).await;
    support(&app, 1, json!({})).await;
    let monday = next_monday();
    for hour in [9, 10] {
        let (status, body) = book(&app, request(&at(monday, hour, 0), "a@customer.com")).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // A forged X-Forwarded-For does not help: the server trusts no proxy by default.
    let response = app
        .client
        .post(app.url("/api/v1/public/bookings"))
        .header("X-Forwarded-For", "198.51.100.99")
        .json(&request(&at(monday, 11, 0), "a@customer.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert_error(&body, "rate_limited");
    assert_eq!(app.db_count("SELECT COUNT(*) FROM bookings").await, 2);
}

async fn a_customer_cancels_with_their_link_and_the_link_then_dies(db: Db) {
    let app = TestApp::spawn(db).await;
    support(&app, 1, json!({})).await;
    let monday = next_monday();
    let start = at(monday, 10, 0);
    let (_, booked) = book(&app, request(&start, "john@customer.com")).await;
    let cancel = token(&booked["cancel_url"]);

    let (status, body) = app
        .call(
            Method::POST,
            &format!("/public/bookings/{cancel}/cancel"),
            None,
            Some(json!({"reason": "Schedule conflict"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "cancelled");
    assert_eq!(body["cancellation_reason"], "Schedule conflict");
    assert_eq!(body["cancel_url"], Value::Null);
    assert_eq!(
        free_members_at(&app, &start).await,
        1,
        "the time is free again"
    );

    let (status, body) = app
        .call(
            Method::POST,
            &format!("/public/bookings/{cancel}/cancel"),
            None,
            Some(json!({})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a used cancel link is dead: {body}"
    );
    // The reschedule link still shows what happened, and the invite is now a cancellation.
    let reschedule = token(&booked["reschedule_url"]);
    let (status, view) = app
        .call(
            Method::GET,
            &format!("/public/bookings/{reschedule}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["status"], "cancelled");
    let ics = app
        .client
        .get(booked["ics_url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        ics.contains("METHOD:CANCEL") && ics.contains("SEQUENCE:1"),
        "{ics}"
    );
    let (status, body) = app
        .call(
            Method::POST,
            &format!("/public/bookings/{reschedule}/reschedule"),
            None,
            Some(json!({"start_utc": at(monday, 11, 0)})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error(&body, "invalid_transition");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cancelled"),
        "{body}"
    );
}

async fn a_customer_reschedules_to_another_offered_slot_keeping_the_reference(db: Db) {
    let app = TestApp::spawn(db).await;
    support(&app, 1, json!({})).await;
    let monday = next_monday();
    let (first, second) = (at(monday, 10, 0), at(monday, 14, 0));
    let (_, booked) = book(&app, request(&first, "john@customer.com")).await;
    let reschedule = token(&booked["reschedule_url"]);

    let path = format!("/public/bookings/{reschedule}/reschedule");
    let (status, body) = app
        .call(
            Method::POST,
            &path,
            None,
            Some(json!({"start_utc": at(monday, 14, 20)})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "off the grid: {body}");
    let (status, body) = app
        .call(
            Method::POST,
            &path,
            None,
            Some(json!({"start_utc": second})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["booking_reference"], booked["booking_reference"]);
    assert_eq!(body["start_utc"], second.as_str());
    assert_eq!(free_members_at(&app, &first).await, 1);
    assert_eq!(free_members_at(&app, &second).await, 0);
    assert_eq!(app.db_count("SELECT COUNT(*) FROM bookings").await, 1);
}

/// Fires `n` booking requests for `start` at once, alternating between the given processes;
/// returns the statuses and bodies.
async fn race(apps: &[&TestApp], start: &str, n: usize) -> Vec<(StatusCode, Value)> {
    let requests = (0..n).map(|i| {
        let app = apps[i % apps.len()];
        let (client, url) = (app.client.clone(), app.url("/api/v1/public/bookings"));
        let body = request(start, &format!("customer{i}@example.com"));
        async move {
            let response = client.post(url).json(&body).send().await.expect("request");
            let status = response.status();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    });
    let mut handles = Vec::new();
    for r in requests {
        handles.push(tokio::spawn(r));
    }
    let mut results = Vec::new();
    for h in handles {
        results.push(h.await.expect("task"));
    }
    results
}

/// The server processes to race against: one on SQLite, two sharing the database on PostgreSQL.
async fn processes(db: Db) -> (TestApp, Option<TestApp>) {
    let app = TestApp::spawn_with(db, &[("MM_PUBLIC_BOOKING_RATE_LIMIT", "0")]).await;
    let second = match db {
        Db::Sqlite => None,
        Db::Postgres => Some(app.second_process().await),
    };
    (app, second)
}

async fn fifty_concurrent_requests_for_a_one_member_slot_make_exactly_one_booking(db: Db) {
    let (app, second) = processes(db).await;
    support(&app, 1, json!({})).await;
    let start = at(next_monday(), 10, 0);
    let apps: Vec<&TestApp> = std::iter::once(&app).chain(second.as_ref()).collect();

    let results = race(&apps, &start, 50).await;
    let won = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(won, 1, "{results:?}");
    for (status, body) in results.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
        assert_eq!(*status, StatusCode::CONFLICT, "{body}");
        assert_error(body, "slot_unavailable");
    }
    assert_eq!(app.db_count("SELECT COUNT(*) FROM bookings").await, 1);
    assert_eq!(app.db_count(OVERLAPPING_HELD_BOOKINGS).await, 0);
}

async fn concurrent_requests_for_a_three_member_slot_give_each_member_exactly_one(db: Db) {
    let (app, second) = processes(db).await;
    support(&app, 3, json!({})).await;
    let start = at(next_monday(), 10, 0);
    let apps: Vec<&TestApp> = std::iter::once(&app).chain(second.as_ref()).collect();

    let results = race(&apps, &start, 30).await;
    let won = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(won, 3, "{results:?}");
    assert!(
        results
            .iter()
            .all(|(s, _)| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT)
    );
    assert_eq!(
        app.db_count("SELECT COUNT(DISTINCT assigned_to) FROM bookings")
            .await,
        3,
        "each member hosts exactly one"
    );
    assert_eq!(app.db_count(OVERLAPPING_HELD_BOOKINGS).await, 0);
}

/// The staff view of the booking with this public answer's reference, as the admin sees it.
async fn staff_view(app: &TestApp, admin: &str, public: &Value) -> Value {
    let reference = public["booking_reference"].as_str().unwrap();
    let (status, list) = app.get(&format!("/bookings?q={reference}"), admin).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 1, "{list}");
    list["items"][0].clone()
}

fn actions(booking: &Value) -> Vec<String> {
    booking["booking_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn approval_holds_the_time_until_a_leader_approves(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 2, json!({"requires_approval": true})).await;
    let monday = next_monday();
    let start = at(monday, 10, 0);
    let (status, public) = book(&app, request(&start, "alice@bigcorp.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{public}");
    assert_eq!(public["status"], "pending");
    assert_eq!(
        free_members_at(&app, &start).await,
        1,
        "a pending booking holds its time"
    );
    let booking = staff_view(&app, &setup.admin, &public).await;
    assert_eq!(booking["approval_status"], "pending");
    // The customer is told it waits; the leader is asked to approve.
    assert_eq!(
        app.db_count("SELECT COUNT(*) FROM email_outbox WHERE kind = 'customer_pending'")
            .await,
        1
    );

    let leader = app.login("m0@example.com", "member-password-1").await;
    let id = booking["id"].as_str().unwrap();
    let (status, approved) = app
        .post(&format!("/bookings/{id}/approve"), &leader, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "confirmed");
    assert_eq!(approved["approval_status"], "approved");
    assert_eq!(approved["approved_by"], setup.members[0].as_str());
    assert!(approved["approved_utc"].is_string());
    assert_eq!(actions(&approved), ["created", "approved"]);
    assert_eq!(
        approved["booking_history"][1]["action_by_role"],
        "department_leader"
    );
    assert_eq!(
        app.db_count("SELECT COUNT(*) FROM email_outbox WHERE kind = 'customer_confirmation'")
            .await,
        1
    );

    let (status, again) = app
        .post(&format!("/bookings/{id}/approve"), &leader, json!({}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{again}");
    assert_error(&again, "invalid_transition");
    assert!(
        again["error"]["message"]
            .as_str()
            .unwrap()
            .contains("confirmed"),
        "{again}"
    );
}

async fn rejecting_needs_a_reason_and_frees_the_time(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({"requires_approval": true})).await;
    let monday = next_monday();
    let start = at(monday, 10, 0);
    let (_, public) = book(&app, request(&start, "alice@bigcorp.com")).await;
    let id = staff_view(&app, &setup.admin, &public).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reject"),
            &setup.admin,
            json!({"reason": "  "}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), ["reason"]);
    let (status, rejected) = app
        .post(
            &format!("/bookings/{id}/reject"),
            &setup.admin,
            json!({"reason": "Board meeting"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    assert_eq!(rejected["status"], "cancelled");
    assert_eq!(rejected["approval_status"], "rejected");
    assert_eq!(rejected["rejection_reason"], "Board meeting");
    assert_eq!(rejected["cancelled_by_role"], "system_manager");
    assert_eq!(free_members_at(&app, &start).await, 1);
    assert_eq!(
        app.db_count("SELECT COUNT(*) FROM email_outbox WHERE kind = 'customer_rejected'")
            .await,
        1
    );
}

async fn completed_and_no_show_wait_for_the_meeting_to_start(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    let (_, public) = book(
        &app,
        request(&at(next_monday(), 10, 0), "john@customer.com"),
    )
    .await;
    let id = staff_view(&app, &setup.admin, &public).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for action in ["complete", "no-show"] {
        let (status, body) = app
            .post(&format!("/bookings/{id}/{action}"), &setup.admin, json!({}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{action}: {body}");
        assert_error(&body, "invalid_transition");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("before it starts"),
            "{body}"
        );
    }
    let (status, cancelled) = app
        .post(
            &format!("/bookings/{id}/cancel"),
            &setup.admin,
            json!({"reason": "Host ill", "notes": "call back"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["cancellation_reason"], "Host ill");
    assert_eq!(cancelled["cancellation_notes"], "call back");
    let (status, body) = app
        .post(&format!("/bookings/{id}/cancel"), &setup.admin, json!({}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["message"],
        "cannot cancel a booking that is cancelled"
    );
}

async fn a_member_sees_only_their_own_bookings_and_may_not_reassign(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 2, json!({})).await;
    let monday = next_monday();
    let (_, first) = book(&app, request(&at(monday, 10, 0), "a@customer.com")).await;
    let (_, second) = book(&app, request(&at(monday, 10, 0), "b@customer.com")).await;
    let first = staff_view(&app, &setup.admin, &first).await;
    let second = staff_view(&app, &setup.admin, &second).await;
    assert_ne!(
        first["assigned_to"], second["assigned_to"],
        "round robin spreads them"
    );

    let member = app.login("m1@example.com", "member-password-1").await;
    let (status, list) = app.get("/bookings", &member).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["items"][0]["assigned_to"], setup.members[1].as_str());
    let theirs = if first["assigned_to"] == setup.members[0].as_str() {
        &first
    } else {
        &second
    };
    let mine = if first["assigned_to"] == setup.members[1].as_str() {
        &first
    } else {
        &second
    };
    let (status, _) = app
        .get(
            &format!("/bookings/{}", theirs["id"].as_str().unwrap()),
            &member,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app
        .post(
            &format!("/bookings/{}/reassign", mine["id"].as_str().unwrap()),
            &member,
            json!({"assigned_to": setup.members[0]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, list) = app
        .get("/bookings?status=confirmed,pending", &setup.admin)
        .await;
    assert_eq!((status, list["total"].as_u64()), (StatusCode::OK, Some(2)));
    let (status, body) = app
        .get("/bookings?status=maybe&from=yesterday", &setup.admin)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let mut fields = failing_fields(&body);
    fields.sort();
    assert_eq!(fields, ["from", "status"]);
}

async fn reassigning_needs_a_free_active_member_and_is_recorded_in_both_histories(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 2, json!({})).await;
    let outsider = app
        .create_user(&setup.admin, "outsider@example.com", "Outsider")
        .await;
    let monday = next_monday();
    let start = at(monday, 10, 0);
    let (_, public) = book(&app, request(&start, "a@customer.com")).await;
    let booking = staff_view(&app, &setup.admin, &public).await;
    let id = booking["id"].as_str().unwrap();
    let (from, to) = (
        booking["assigned_to"].as_str().unwrap(),
        if booking["assigned_to"] == setup.members[0].as_str() {
            &setup.members[1]
        } else {
            &setup.members[0]
        },
    );

    let (status, moved) = app
        .post(
            &format!("/bookings/{id}/reassign"),
            &setup.admin,
            json!({"assigned_to": to, "reason": "Sarah is ill"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["assigned_to"], to.as_str());
    assert_eq!(moved["assignment_method"], "manual");
    assert_eq!(moved["reassignment_count"], 1);
    let history = moved["assignment_history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        (
            history[0]["assigned_to"].as_str(),
            history[0]["is_current"].as_bool()
        ),
        (Some(from), Some(false))
    );
    assert_eq!(history[1]["assignment_type"], "manual_direct");
    assert_eq!(history[1]["notes"], "Sarah is ill");
    assert_eq!(actions(&moved), ["created", "reassigned"]);
    for kind in [
        "customer_reassigned",
        "old_host_reassigned",
        "new_host_reassigned",
    ] {
        assert_eq!(
            app.db_count(&format!(
                "SELECT COUNT(*) FROM email_outbox WHERE kind = '{kind}'"
            ))
            .await,
            1,
            "{kind}"
        );
    }

    // The old host is free again, takes the next customer, and so cannot take this one back.
    let (_, other) = book(&app, request(&start, "b@customer.com")).await;
    assert_eq!(
        staff_view(&app, &setup.admin, &other).await["assigned_to"],
        from
    );
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reassign"),
            &setup.admin,
            json!({"assigned_to": from}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_error(&body, "slot_unavailable");
    assert_eq!(body["error"]["details"]["conflicts"][0]["kind"], "booking");
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reassign"),
            &setup.admin,
            json!({"assigned_to": outsider}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        body["error"]["details"]["conflicts"][0]["kind"],
        "not_a_member"
    );
    assert_eq!(app.db_count(OVERLAPPING_HELD_BOOKINGS).await, 0);
}

async fn check_move_names_each_conflict_and_changes_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    let monday = next_monday();
    let (_, public) = book(&app, request(&at(monday, 10, 0), "a@customer.com")).await;
    let id = staff_view(&app, &setup.admin, &public).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let member = &setup.members[0];
    let check = |start: String| {
        let app = &app;
        let admin = setup.admin.clone();
        let id = id.clone();
        async move {
            let (status, body) = app
                .post(
                    &format!("/bookings/{id}/check-move"),
                    &admin,
                    json!({"assigned_to": member, "start_utc": start}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body
        }
    };
    let body = check(at(monday, 7, 0)).await;
    assert_eq!(body["ok"], false);
    assert_eq!(body["conflicts"][0]["kind"], "outside_working_hours");
    assert!(
        body["conflicts"][0]["message"]
            .as_str()
            .unwrap()
            .contains("working hours")
    );
    let body = check(at(monday + Days::new(5), 10, 0)).await;
    assert_eq!(body["conflicts"][0]["kind"], "not_working_day");
    // Its own current place is not a conflict with itself.
    assert_eq!(
        check(at(monday, 10, 30)).await,
        json!({"ok": true, "conflicts": []})
    );
    let booking = staff_view(&app, &setup.admin, &public).await;
    assert_eq!(booking["start_utc"], at(monday, 10, 0).as_str());
    assert_eq!(actions(&booking), ["created"]);
}

async fn staff_reschedule_moves_the_time_and_a_drag_may_change_the_host(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 2, json!({})).await;
    let monday = next_monday();
    let (_, public) = book(&app, request(&at(monday, 10, 0), "a@customer.com")).await;
    let booking = staff_view(&app, &setup.admin, &public).await;
    let id = booking["id"].as_str().unwrap();
    let host = booking["assigned_to"].as_str().unwrap().to_owned();
    let other = setup.members.iter().find(|m| **m != host).unwrap();

    // Off the slot grid is fine for staff.
    let (status, moved) = app
        .post(
            &format!("/bookings/{id}/reschedule"),
            &setup.admin,
            json!({"start_utc": at(monday, 12, 15)}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["start_utc"], at(monday, 12, 15).as_str());
    assert_eq!(moved["end_utc"], at(monday, 13, 15).as_str());
    assert_eq!(moved["assigned_to"], host.as_str());
    let rescheduled = &moved["booking_history"][1];
    assert_eq!(rescheduled["action"], "rescheduled");
    assert_eq!(rescheduled["old_value"], at(monday, 10, 0).as_str());
    assert_eq!(rescheduled["new_value"], at(monday, 12, 15).as_str());
    assert_eq!(free_members_at(&app, &at(monday, 10, 0)).await, 2);

    let (status, dragged) = app
        .post(
            &format!("/bookings/{id}/reschedule"),
            &setup.admin,
            json!({"start_utc": at(monday, 14, 0), "assigned_to": other}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{dragged}");
    assert_eq!(dragged["assigned_to"], other.as_str());
    assert_eq!(
        dragged["assignment_history"][1]["assignment_type"],
        "manual_drag_drop"
    );
    assert_eq!(
        actions(&dragged),
        ["created", "rescheduled", "rescheduled", "reassigned"]
    );
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reschedule"),
            &setup.admin,
            json!({"start_utc": at(monday, 16, 30)}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        body["error"]["details"]["conflicts"][0]["kind"],
        "outside_working_hours"
    );
}

async fn a_member_books_a_customer_only_for_themself(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 2, json!({})).await;
    let (_, departments) = app.get("/departments", &setup.admin).await;
    let department = departments["items"][0]["id"].as_str().unwrap().to_owned();
    let (_, types) = app
        .get(
            &format!("/departments/{department}/meeting-types"),
            &setup.admin,
        )
        .await;
    let type_id = types["items"][0]["id"].as_str().unwrap().to_owned();
    let member = app.login("m1@example.com", "member-password-1").await;
    let monday = next_monday();
    let body = |host: &str, start: String| {
        json!({"meeting_type_id": type_id, "assigned_to": host, "start_utc": start,
               "customer_name": "Walk In", "customer_email": "walk.in@customer.com", "customer_phone": "555 123 4567"})
    };
    let (status, refused) = app
        .post(
            "/bookings",
            &member,
            body(&setup.members[0], at(monday, 10, 0)),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    let (status, created) = app
        .post(
            "/bookings",
            &member,
            body(&setup.members[1], at(monday, 10, 20)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["assigned_to"], setup.members[1].as_str());
    assert_eq!(created["assignment_method"], "manual");
    assert_eq!(created["booking_source"], "manual_entry");
    assert_eq!(
        created["booking_history"][0]["action_by"],
        setup.members[1].as_str()
    );
    // The answer is built from what was written, not read back: it must be what a read gives.
    let (_, read) = app
        .get(
            &format!("/bookings/{}", created["id"].as_str().unwrap()),
            &member,
        )
        .await;
    assert_eq!(read, created);
    let (status, busy) = app
        .post(
            "/bookings",
            &setup.admin,
            body(&setup.members[1], at(monday, 11, 0)),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{busy}");
    assert_eq!(busy["error"]["details"]["conflicts"][0]["kind"], "booking");
    let (status, past) = app
        .post(
            "/bookings",
            &setup.admin,
            body(&setup.members[0], "2020-01-06T10:00:00Z".into()),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{past}");
    assert_eq!(
        past["error"]["details"]["conflicts"][0]["kind"],
        "in_the_past"
    );

    // An inactive meeting type books nothing, publicly or by staff.
    let (status, _) = app
        .patch(
            &format!("/meeting-types/{type_id}"),
            &setup.admin,
            json!({"is_active": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, inactive) = app
        .post(
            "/bookings",
            &setup.admin,
            body(&setup.members[0], at(monday, 14, 0)),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{inactive}");
    assert_eq!(failing_fields(&inactive), ["meeting_type_id"]);
    let (status, inactive) = book(&app, request(&at(monday, 14, 0), "c@customer.com")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{inactive}");
}

async fn a_reassign_racing_a_new_booking_never_double_books(db: Db) {
    let (app, second) = processes(db).await;
    let setup = support(&app, 2, json!({})).await;
    let other = second.as_ref().unwrap_or(&app);
    let monday = next_monday();
    for hour in 9..16 {
        let start = at(monday, hour, 0);
        let (_, public) = book(&app, request(&start, "first@customer.com")).await;
        let booking = staff_view(&app, &setup.admin, &public).await;
        let target = setup
            .members
            .iter()
            .find(|m| booking["assigned_to"] != m.as_str())
            .unwrap();
        let path = format!("/bookings/{}/reassign", booking["id"].as_str().unwrap());
        let reassign = app.post(&path, &setup.admin, json!({"assigned_to": target}));
        let (client, url) = (other.client.clone(), other.url("/api/v1/public/bookings"));
        let racer = tokio::spawn(async move {
            client
                .post(url)
                .json(&request(&start, "racer@customer.com"))
                .send()
                .await
                .unwrap()
                .status()
        });
        let (reassigned, _) = reassign.await;
        let booked = racer.await.unwrap();
        // Whichever came first, the other adapts or is refused; nobody is double-booked.
        assert!(
            reassigned == StatusCode::OK || reassigned == StatusCode::CONFLICT,
            "{reassigned}"
        );
        assert!(
            booked == StatusCode::CREATED || booked == StatusCode::CONFLICT,
            "{booked}"
        );
        assert!(reassigned == StatusCode::OK || booked == StatusCode::CREATED);
    }
    assert_eq!(app.db_count(OVERLAPPING_HELD_BOOKINGS).await, 0);
}

async fn a_reschedule_racing_a_new_booking_lets_exactly_one_win(db: Db) {
    let (app, second) = processes(db).await;
    support(&app, 1, json!({})).await;
    let other = second.as_ref().unwrap_or(&app);
    let monday = next_monday();
    for hour in [9, 11, 13] {
        let (_, public) = book(&app, request(&at(monday, hour, 0), "first@customer.com")).await;
        let target = at(monday, hour + 1, 0);
        let path = format!(
            "/public/bookings/{}/reschedule",
            token(&public["reschedule_url"])
        );
        let reschedule = app.call(
            Method::POST,
            &path,
            None,
            Some(json!({"start_utc": target})),
        );
        let (client, url) = (other.client.clone(), other.url("/api/v1/public/bookings"));
        let body = request(&target, "racer@customer.com");
        let racer =
            tokio::spawn(
                async move { client.post(url).json(&body).send().await.unwrap().status() },
            );
        let (moved, _) = reschedule.await;
        let booked = racer.await.unwrap();
        let wins =
            usize::from(moved == StatusCode::OK) + usize::from(booked == StatusCode::CREATED);
        assert_eq!(wins, 1, "reschedule {moved}, booking {booked}");
    }
    assert_eq!(app.db_count(OVERLAPPING_HELD_BOOKINGS).await, 0);
}

async fn bulk_cancel_reports_each_failure_and_cancels_the_rest(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    let monday = next_monday();
    let mut ids = Vec::new();
    for hour in [9, 10] {
        let (_, public) = book(&app, request(&at(monday, hour, 0), "a@customer.com")).await;
        ids.push(
            staff_view(&app, &setup.admin, &public).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let (status, _) = app
        .post(
            &format!("/bookings/{}/cancel", ids[1]),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let unknown = "00000000-0000-0000-0000-000000000000";
    let (status, body) = app
        .post(
            "/bookings/bulk-cancel",
            &setup.admin,
            json!({"ids": [ids[0], ids[1], unknown], "reason": "Office closed"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["cancelled"], json!([ids[0]]));
    let failed = body["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 2, "{body}");
    assert_eq!(failed[0]["id"], ids[1].as_str());
    assert_eq!(failed[0]["error"]["code"], "invalid_transition");
    assert_eq!(failed[1]["error"]["code"], "not_found");
    // A value that is no id at all is a malformed request: nothing is cancelled.
    let (status, body) = app
        .post(
            "/bookings/bulk-cancel",
            &setup.admin,
            json!({"ids": [unknown, "not-an-id"]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (_, first) = app
        .get(&format!("/bookings/{}", ids[0]), &setup.admin)
        .await;
    assert_eq!(first["cancellation_reason"], "Office closed");
}

async fn the_csv_export_follows_the_filter_and_defuses_formulas(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    let monday = next_monday();
    let mut evil = request(&at(monday, 9, 0), "a@customer.com");
    evil["customer_name"] = json!("=HYPERLINK(\"http://evil.example\")");
    let (status, first) = book(&app, evil).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (_, second) = book(&app, request(&at(monday, 10, 0), "b@customer.com")).await;
    let id = staff_view(&app, &setup.admin, &second).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(&format!("/bookings/{id}/cancel"), &setup.admin, json!({}))
        .await;

    let response = app
        .client
        .get(app.url("/api/v1/bookings/export.csv?status=confirmed"))
        .bearer_auth(&setup.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "a header and the one confirmed booking: {text}"
    );
    assert!(lines[0].starts_with("booking_reference,status,"));
    assert!(lines[1].contains(first["booking_reference"].as_str().unwrap()));
    assert!(lines[1].contains("'=HYPERLINK"), "{text}");
    assert!(lines[1].contains("Member 0"), "staff see the host: {text}");
}
