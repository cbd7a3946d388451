//! The durable outbox over real SMTP (aiosmtpd on loopback): emails leave in the transaction of
//! their change, survive an SMTP outage and a sender killed mid-send, and several server
//! processes never deliver the same row twice.

use mm_blackbox_tests::{
    Db, TestApp, at, book, next_monday, on_both_databases, request,
    smtp::{MailCatcher, free_port},
    support,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_booking_is_delivered_over_smtp_with_text_html_and_an_invite,
    without_smtp_the_outbox_shows_what_would_have_been_sent,
    an_smtp_outage_keeps_emails_queued_until_the_server_returns,
    a_sender_killed_mid_send_loses_nothing,
    two_processes_never_send_the_same_email_twice,
    a_failed_email_is_retried_by_a_system_manager_and_then_delivered,
);

/// Fast retries and short leases, so that recovery is quick enough to test.
const FAST: [(&str, &str); 3] = [
    ("MM_OUTBOX_RETRY_SECONDS", "1"),
    ("MM_OUTBOX_LEASE_SECONDS", "2"),
    ("MM_PUBLIC_BOOKING_RATE_LIMIT", "0"),
];

fn env(smtp: &str) -> Vec<(&str, &str)> {
    let mut env = FAST.to_vec();
    env.push(("MM_SMTP_URL", smtp));
    env
}

async fn outbox(app: &TestApp, admin: &str) -> Vec<Value> {
    let (status, body) = app.get("/outbox?per_page=200", admin).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

/// Waits until every outbox row is sent (at most 30 s); returns the rows.
async fn all_sent(app: &TestApp, admin: &str) -> Vec<Value> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let rows = outbox(app, admin).await;
        if rows.iter().all(|r| r["status"] == "sent") || std::time::Instant::now() > deadline {
            return rows;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

async fn a_booking_is_delivered_over_smtp_with_text_html_and_an_invite(db: Db) {
    let mail = MailCatcher::start().await;
    let url = mail.url();
    let app = TestApp::spawn_with(db, &env(&url)).await;
    let setup = support(&app, 1, json!({})).await;
    let (status, body) = book(
        &app,
        request(&at(next_monday(), 10, 0), "john@customer.com"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let received = mail.wait_for(2).await;
    assert_eq!(received.len(), 2, "{received:#?}");
    let to_customer = received
        .iter()
        .find(|m| m.rcpt_to == ["john@customer.com"])
        .expect("the customer's confirmation");
    assert!(
        to_customer.subject.starts_with("Booking confirmed"),
        "{}",
        to_customer.subject
    );
    assert!(
        to_customer.text.contains("Member 0"),
        "the email names the host: {}",
        to_customer.text
    );
    assert!(to_customer.html.contains("Member 0"));
    assert!(
        to_customer.text.contains("/book/cancel/"),
        "{}",
        to_customer.text
    );
    assert!(
        to_customer
            .part_types
            .iter()
            .any(|t| t == "text/calendar; method=REQUEST"),
        "{:?}",
        to_customer.part_types
    );
    let ics = to_customer.ics.as_deref().expect("an invite");
    assert!(ics.contains("BEGIN:VEVENT"), "{ics}");
    let to_host = received
        .iter()
        .find(|m| m.rcpt_to == ["m0@example.com"])
        .expect("the host's notification");
    assert!(to_host.text.contains("John Doe"), "{}", to_host.text);

    let rows = all_sent(&app, &setup.admin).await;
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(row["status"], "sent", "{row}");
        assert_eq!(row["attempts"], 1, "{row}");
        assert!(row["sent_utc"].is_string(), "{row}");
    }
    let confirmed = app
        .db_count("SELECT COUNT(*) FROM bookings WHERE confirmation_sent_utc IS NOT NULL")
        .await;
    assert_eq!(
        confirmed, 1,
        "the booking records that its confirmation went out"
    );
    // The Message-ID is the outbox row's: a resend would be recognisably the same message.
    let ids: Vec<String> = rows
        .iter()
        .map(|r| format!("{}@", r["id"].as_str().unwrap()))
        .collect();
    assert!(
        received
            .iter()
            .all(|m| ids.iter().any(|id| m.message_id.starts_with(id.as_str()))),
        "{received:#?}"
    );
}

async fn without_smtp_the_outbox_shows_what_would_have_been_sent(db: Db) {
    let app = TestApp::spawn_with(db, &FAST).await;
    let setup = support(&app, 1, json!({})).await;
    let (status, _) = book(
        &app,
        request(&at(next_monday(), 10, 0), "john@customer.com"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;

    let rows = outbox(&app, &setup.admin).await;
    let mut kinds: Vec<&str> = rows.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["customer_confirmation", "host_new_booking"]);
    for row in &rows {
        assert_eq!(
            row["status"], "queued",
            "nothing sends without MM_SMTP_URL: {row}"
        );
        assert_eq!(row["attempts"], 0);
        assert_eq!(row["has_ics"], true);
        assert!(!row["body_text"].as_str().unwrap().is_empty());
    }
    let (status, body) = app.get("/outbox?to=JOHN@customer.com", &setup.admin).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["to"], "john@customer.com");

    let member = app.login("m0@example.com", "member-password-1").await;
    let (status, _) = app.get("/outbox", &member).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn an_smtp_outage_keeps_emails_queued_until_the_server_returns(db: Db) {
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let app = TestApp::spawn_with(db, &env(&url)).await;
    let setup = support(&app, 2, json!({})).await;
    for (i, hour) in [10, 11, 12].iter().enumerate() {
        let (status, body) = book(
            &app,
            request(&at(next_monday(), *hour, 0), &format!("c{i}@customer.com")),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // Nobody listens: every attempt fails and is recorded.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let rows = loop {
        let rows = outbox(&app, &setup.admin).await;
        if rows.iter().all(|r| r["attempts"].as_u64().unwrap() >= 1)
            || std::time::Instant::now() > deadline
        {
            break rows;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert_eq!(rows.len(), 6);
    for row in &rows {
        assert_eq!(row["status"], "queued", "{row}");
        assert!(row["attempts"].as_u64().unwrap() >= 1, "{row}");
        assert!(row["last_error"].is_string(), "{row}");
    }

    let mail = MailCatcher::start_on(port).await;
    let received = mail.wait_for(6).await;
    assert_eq!(
        received.len(),
        6,
        "every email arrives once the server is back"
    );
    let rows = all_sent(&app, &setup.admin).await;
    assert!(rows.iter().all(|r| r["status"] == "sent"), "{rows:#?}");
    assert!(rows.iter().all(|r| r["last_error"].is_null()), "{rows:#?}");
}

async fn a_sender_killed_mid_send_loses_nothing(db: Db) {
    // An SMTP server that accepts connections and never answers: the sender hangs mid-send.
    let black_hole = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let stuck = format!("smtp://{}", black_hole.local_addr().unwrap());
    let app = TestApp::spawn_with(db, &FAST).await;
    let setup = support(&app, 1, json!({})).await;
    let sender = app.process_with(&env(&stuck)).await;
    let (status, _) = book(
        &app,
        request(&at(next_monday(), 10, 0), "john@customer.com"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // Let the sender claim an email and hang on it, then kill it.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let claimed = app
        .db_count("SELECT COUNT(*) FROM email_outbox WHERE claimed_until_utc IS NOT NULL")
        .await;
    assert_eq!(claimed, 1, "the sender holds one email when it dies");
    drop(sender);

    let mail = MailCatcher::start().await;
    let url = mail.url();
    let _restarted = app.process_with(&env(&url)).await;
    let received = mail.wait_for(2).await;
    assert_eq!(received.len(), 2, "{received:#?}");
    let rows = all_sent(&app, &setup.admin).await;
    assert!(rows.iter().all(|r| r["status"] == "sent"), "{rows:#?}");
    drop(black_hole);
}

async fn two_processes_never_send_the_same_email_twice(db: Db) {
    let mail = MailCatcher::start().await;
    let url = mail.url();
    let app = TestApp::spawn_with(db, &env(&url)).await;
    let _second = app.second_process().await;
    let setup = support(&app, 3, json!({})).await;
    for i in 0..12 {
        let start = at(next_monday(), 9 + (i / 3) as u32, 0);
        let (status, body) = book(&app, request(&start, &format!("c{i}@customer.com"))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let rows = all_sent(&app, &setup.admin).await;
    assert_eq!(rows.len(), 24);
    assert!(rows.iter().all(|r| r["status"] == "sent"), "{rows:#?}");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let received = mail.messages();
    let mut ids: Vec<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(received.len(), 24, "each row delivered exactly once");
    assert_eq!(ids.len(), 24);
}

async fn a_failed_email_is_retried_by_a_system_manager_and_then_delivered(db: Db) {
    let mail = MailCatcher::start().await;
    let app = TestApp::spawn_with(db, &env(&mail.url())).await;
    let setup = support(&app, 1, json!({})).await;
    let (status, body) = book(
        &app,
        request(&at(next_monday(), 10, 0), "late@customer.com"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    all_sent(&app, &setup.admin).await;
    // As if every attempt had failed: given up for good.
    let failed = app
        .db_execute(
            "UPDATE email_outbox SET status = 'failed', attempts = 12, sent_utc = NULL, \
             last_error = '550 mailbox unavailable' WHERE to_address = 'late@customer.com'",
        )
        .await;
    assert_eq!(failed, 1);
    let row = outbox(&app, &setup.admin)
        .await
        .into_iter()
        .find(|r| r["to"] == "late@customer.com")
        .unwrap();
    let id = row["id"].as_str().unwrap();
    let delivered_before = mail.messages().len();

    let member = app
        .login("m0@example.com", mm_blackbox_tests::MEMBER_PASSWORD)
        .await;
    let (status, _) = app
        .post(&format!("/outbox/{id}/retry"), &member, json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, again) = app
        .post(&format!("/outbox/{id}/retry"), &setup.admin, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["status"], "queued");
    assert_eq!(again["attempts"], 0);
    let rows = all_sent(&app, &setup.admin).await;
    let row = rows.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(row["status"], "sent", "{row}");
    assert_eq!(mail.messages().len(), delivered_before + 1);

    let (status, body) = app
        .post(&format!("/outbox/{id}/retry"), &setup.admin, json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a sent email is not sent again: {body}"
    );
}
