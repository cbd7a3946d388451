//! What a crash leaves: a server process killed (SIGKILL) while customers book loses no booking
//! it acknowledged and writes none twice; SQLite's file stays whole; the process starts again
//! on the same database; and every email queued before or after is still sent, the ones the
//! dead process had claimed included (once their lease runs out).
//!
//! A server stopped gracefully (SIGTERM) answers what it accepted, lets its workers finish the
//! message they hold, and leaves no claim behind: every email is sent exactly once, at once.
//!
//! PostgreSQL itself crashing and coming back mid-storm: `/ready` says so within seconds, requests
//! meanwhile get 503 with `Retry-After` (never a booking half-made), and once it is back both
//! processes reconnect on their own and go on; a retry with the same Idempotency-Key finds a
//! booking whose answer was lost.
//!
//! A message the dead process handed to the mail server but had not yet marked sent is sent
//! again: no sender can know whether the mail server kept a message when it died in that
//! window. The copy carries the same `Message-ID`, by which mail programs fold the two.

use std::{
    collections::BTreeSet,
    sync::{Arc, Mutex},
};

use mm_blackbox_tests::{
    Db, TestApp, at, eventually, next_monday, on_both_databases, request, smtp::MailCatcher,
    support,
};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(
    a_server_killed_while_customers_book_loses_nothing_it_acknowledged,
    a_server_stopped_while_customers_book_finishes_what_it_started
);

const CLIENTS: usize = 12;

/// Overlapping time-holding bookings of one host: there must be none.
const DOUBLE_BOOKINGS: &str = "\
    SELECT COUNT(*) FROM bookings a JOIN bookings b \
        ON a.assigned_to = b.assigned_to AND a.id < b.id \
       AND a.start_utc < b.end_utc AND b.start_utc < a.end_utc \
     WHERE a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')";

/// Each acknowledged reference names exactly one booking.
async fn each_stored_once(app: &TestApp, references: &[String]) {
    for reference in references {
        let stored = app
            .db_count(&format!(
                "SELECT COUNT(*) FROM bookings WHERE booking_reference = '{reference}'"
            ))
            .await;
        assert_eq!(stored, 1, "{reference} was acknowledged");
    }
}

/// Waits until no email of the outbox is left unsent.
async fn every_queued_email_sent(app: &TestApp) {
    eventually("every queued email sent", || async {
        let waiting = app
            .db_count(
                "SELECT COUNT(*) FROM email_outbox WHERE channel = 'email' AND status <> 'sent'",
            )
            .await;
        (waiting == 0).then_some(())
    })
    .await;
}

/// Books the customers of `slots` (each wanted by three) through the first of `bases` that
/// answers, recording what was acknowledged; a server that stops answering is left for the
/// next one. Returns when every slot was tried or no server answers.
async fn customers_book(
    client: reqwest::Client,
    bases: Vec<String>,
    slots: Vec<String>,
    acknowledged: Arc<Mutex<Vec<String>>>,
) {
    let mut bases = bases.into_iter().peekable();
    for (n, start) in slots.iter().flat_map(|s| [s, s, s]).enumerate() {
        let body = request(start, &format!("crash-{n}-{}@example.com", &start[..13]));
        loop {
            let Some(base) = bases.peek() else { return };
            match client
                .post(format!("{base}/api/v1/public/bookings"))
                .json(&body)
                .send()
                .await
            {
                Ok(response) => {
                    let status = response.status();
                    let answer: serde_json::Value = response.json().await.unwrap_or_default();
                    if status == StatusCode::CREATED {
                        let reference = answer["booking_reference"].as_str().expect("reference");
                        acknowledged.lock().unwrap().push(reference.to_owned());
                    } else {
                        // Another client took the last member free then.
                        assert_eq!(status, StatusCode::CONFLICT, "{answer}");
                    }
                    break;
                }
                // The server died (maybe mid-request: whatever it did not acknowledge may or
                // may not exist, and is not counted).
                Err(_) => {
                    bases.next();
                }
            }
        }
    }
}

async fn a_server_killed_while_customers_book_loses_nothing_it_acknowledged(db: Db) {
    let mail = MailCatcher::start().await;
    let smtp = mail.url();
    let env = [
        ("MM_PUBLIC_BOOKING_RATE_LIMIT", "0"),
        ("MM_SMTP_URL", smtp.as_str()),
        ("MM_OUTBOX_LEASE_SECONDS", "2"),
        ("MM_OUTBOX_RETRY_SECONDS", "1"),
    ];
    let mut victim = TestApp::spawn_with(db, &env).await;
    let survivor = match db {
        Db::Sqlite => None,
        Db::Postgres => Some(victim.second_process().await),
    };
    support(&victim, 3, json!({})).await;
    let monday = next_monday();
    let slots: Vec<String> = (0..5)
        .flat_map(|day| (9..17).map(move |hour| at(monday + chrono::Days::new(day), hour, 0)))
        .collect();
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let mut customers = tokio::task::JoinSet::new();
    for c in 0..CLIENTS {
        let mut bases = vec![victim.address.clone()];
        bases.extend(survivor.iter().map(|s| s.address.clone()));
        // Half the clients start on the survivor, where there is one.
        if c % 2 == 1 {
            bases.reverse();
        }
        let mine = slots.iter().skip(c).step_by(CLIENTS).cloned().collect();
        customers.spawn(customers_book(
            victim.client.clone(),
            bases,
            mine,
            acknowledged.clone(),
        ));
    }
    eventually("fifteen bookings before the crash", || async {
        (acknowledged.lock().unwrap().len() >= 15).then_some(())
    })
    .await;
    victim.kill().await;
    let at_crash = acknowledged.lock().unwrap().len();
    while let Some(done) = customers.join_next().await {
        done.expect("a customer");
    }
    let restarted = victim.process_with(&env).await;
    let acknowledged = acknowledged.lock().unwrap().clone();
    if db == Db::Postgres {
        assert!(
            acknowledged.len() > at_crash,
            "the second process went on booking after the first died"
        );
    }

    if db == Db::Sqlite {
        let verdict = restarted
            .db_rows("PRAGMA integrity_check", "SELECT 'ok'")
            .await;
        assert_eq!(verdict, vec![vec!["ok".to_owned()]]);
    }
    each_stored_once(&restarted, &acknowledged).await;
    assert_eq!(restarted.db_count(DOUBLE_BOOKINGS).await, 0);
    let (status, body) = restarted
        .call(
            reqwest::Method::GET,
            &format!(
                "/public/departments/support/meeting-types/call/slots?date={monday}&timezone=Europe/Copenhagen"
            ),
            None,
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the restarted process serves: {body}"
    );

    // Every email queued is sent, those the dead process had claimed once their lease ran out.
    every_queued_email_sent(&restarted).await;
    let outbox: BTreeSet<String> = restarted
        .db_rows(
            "SELECT lower(hex(id)) FROM email_outbox WHERE channel = 'email'",
            "SELECT replace(id::text, '-', '') FROM email_outbox WHERE channel = 'email'",
        )
        .await
        .into_iter()
        .map(|row| row[0].clone())
        .collect();
    assert!(
        outbox.len() >= acknowledged.len(),
        "each booking queued its emails"
    );
    let received: BTreeSet<String> = eventually("every sent email received", || async {
        let ids: BTreeSet<String> = received_ids(&mail.messages()).into_iter().collect();
        (ids.len() >= outbox.len()).then_some(ids)
    })
    .await;
    let lost: Vec<&String> = outbox.difference(&received).collect();
    assert!(lost.is_empty(), "queued but never received: {lost:?}");
}

/// The email ids of `received`, as the outbox spells them (hex without dashes).
fn received_ids(received: &[mm_blackbox_tests::smtp::Received]) -> Vec<String> {
    received
        .iter()
        .map(|m| {
            m.message_id
                .trim_matches(|c| c == '<' || c == '>')
                .split('@')
                .next()
                .unwrap_or_default()
                .replace('-', "")
        })
        .collect()
}

async fn a_server_stopped_while_customers_book_finishes_what_it_started(db: Db) {
    let mail = MailCatcher::start().await;
    let smtp = mail.url();
    // A claim left behind would hold its email for ten minutes, far past this test's patience.
    let env = [
        ("MM_PUBLIC_BOOKING_RATE_LIMIT", "0"),
        ("MM_SMTP_URL", smtp.as_str()),
        ("MM_OUTBOX_LEASE_SECONDS", "600"),
    ];
    let mut stopped = TestApp::spawn_with(db, &env).await;
    let other = match db {
        Db::Sqlite => None,
        Db::Postgres => Some(stopped.second_process().await),
    };
    support(&stopped, 3, json!({})).await;
    let monday = next_monday();
    let slots: Vec<String> = (0..5)
        .flat_map(|day| (9..17).map(move |hour| at(monday + chrono::Days::new(day), hour, 0)))
        .collect();
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let mut customers = tokio::task::JoinSet::new();
    for c in 0..CLIENTS {
        let mut bases = vec![stopped.address.clone()];
        bases.extend(other.iter().map(|s| s.address.clone()));
        let mine = slots.iter().skip(c).step_by(CLIENTS).cloned().collect();
        customers.spawn(customers_book(
            stopped.client.clone(),
            bases,
            mine,
            acknowledged.clone(),
        ));
    }
    eventually("fifteen bookings before the stop", || async {
        (acknowledged.lock().unwrap().len() >= 15).then_some(())
    })
    .await;
    assert!(stopped.terminate().await, "a clean exit after SIGTERM");
    while let Some(done) = customers.join_next().await {
        done.expect("a customer");
    }
    let after = match other {
        Some(other) => other,
        None => stopped.process_with(&env).await,
    };
    let acknowledged = acknowledged.lock().unwrap().clone();
    each_stored_once(&after, &acknowledged).await;
    assert_eq!(after.db_count(DOUBLE_BOOKINGS).await, 0);

    // Nothing waits for a lease to run out: every email is sent at once, and once.
    every_queued_email_sent(&after).await;
    let queued = after
        .db_count("SELECT COUNT(*) FROM email_outbox WHERE channel = 'email'")
        .await;
    let received = eventually("every sent email received", || async {
        let received = mail.messages();
        (received.len() >= usize::try_from(queued).unwrap()).then_some(received)
    })
    .await;
    let ids = received_ids(&received);
    let distinct: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "an email was sent twice");
    assert_eq!(ids.len(), usize::try_from(queued).unwrap());
}

/// What customers met while the database was away and back.
#[derive(Debug, Default)]
struct Outcomes {
    acknowledged: Vec<String>,
    /// Answers other than 201, 409 and 503.
    unexpected: Vec<String>,
    unavailable: usize,
}

/// Books the customers of `slots` on `base`, each request with its own Idempotency-Key, and
/// tries again (same key, same body) after a 503 or a broken connection, as the wizard does.
async fn customers_book_through_outages(
    client: reqwest::Client,
    base: String,
    slots: Vec<String>,
    tag: usize,
    outcomes: Arc<Mutex<Outcomes>>,
) {
    for (n, start) in slots.iter().flat_map(|s| [s, s]).enumerate() {
        let body = request(start, &format!("outage-{tag}-{n}@example.com"));
        let key = format!("outage-{tag}-{n}");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            assert!(
                std::time::Instant::now() < deadline,
                "no answer for a minute"
            );
            let sent = client
                .post(format!("{base}/api/v1/public/bookings"))
                .header("Idempotency-Key", &key)
                .json(&body)
                .send()
                .await;
            let Ok(response) = sent else {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                continue;
            };
            let status = response.status();
            let answer: serde_json::Value = response.json().await.unwrap_or_default();
            let again = {
                let mut outcomes = outcomes.lock().unwrap();
                match status {
                    StatusCode::CREATED => {
                        let reference = answer["booking_reference"].as_str().expect("reference");
                        outcomes.acknowledged.push(reference.to_owned());
                        false
                    }
                    StatusCode::CONFLICT => false,
                    StatusCode::SERVICE_UNAVAILABLE => {
                        outcomes.unavailable += 1;
                        true
                    }
                    other => {
                        outcomes.unexpected.push(format!("{other}: {answer}"));
                        false
                    }
                }
            };
            if again {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                continue;
            }
            break;
        }
    }
}

async fn ready(app: &TestApp) -> StatusCode {
    match app.client.get(app.url("/ready")).send().await {
        Ok(response) => response.status(),
        Err(_) => StatusCode::BAD_GATEWAY,
    }
}

#[tokio::test]
async fn postgres_crashing_mid_storm_loses_nothing_acknowledged_and_both_servers_come_back() {
    let postgres = mm_blackbox_tests::own_postgres::OwnPostgres::start();
    let database = postgres.database("mm_outage");
    let mail = MailCatcher::start().await;
    let smtp = mail.url();
    let env = [
        ("MM_PUBLIC_BOOKING_RATE_LIMIT", "0"),
        ("MM_SMTP_URL", smtp.as_str()),
        ("MM_OUTBOX_LEASE_SECONDS", "2"),
        ("MM_OUTBOX_RETRY_SECONDS", "1"),
    ];
    let first = TestApp::spawn_on(&database, &env).await;
    let second = first.second_process().await;
    support(&first, 3, json!({})).await;
    let monday = next_monday();
    let slots: Vec<String> = (0..5)
        .flat_map(|day| (9..17).map(move |hour| at(monday + chrono::Days::new(day), hour, 0)))
        .collect();
    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let mut customers = tokio::task::JoinSet::new();
    for c in 0..CLIENTS {
        let base = [&first, &second][c % 2].address.clone();
        let mine = slots.iter().skip(c).step_by(CLIENTS).cloned().collect();
        customers.spawn(customers_book_through_outages(
            first.client.clone(),
            base,
            mine,
            c,
            outcomes.clone(),
        ));
    }
    eventually("ten bookings before the crash", || async {
        (outcomes.lock().unwrap().acknowledged.len() >= 10).then_some(())
    })
    .await;
    postgres.crash();
    let at_crash = outcomes.lock().unwrap().acknowledged.len();
    for app in [&first, &second] {
        let started = std::time::Instant::now();
        assert_eq!(ready(app).await, StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "/ready answers quickly while the database is away"
        );
    }
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    postgres.start_again();
    for app in [&first, &second] {
        eventually("ready again", || async {
            (ready(app).await == StatusCode::OK).then_some(())
        })
        .await;
    }
    while let Some(done) = customers.join_next().await {
        done.expect("a customer");
    }
    let outcomes = std::mem::take(&mut *outcomes.lock().unwrap());
    assert!(outcomes.unexpected.is_empty(), "{:?}", outcomes.unexpected);
    assert!(
        outcomes.unavailable > 0,
        "customers met the outage (503), so the storm spanned it"
    );
    assert!(
        outcomes.acknowledged.len() > at_crash,
        "bookings went on after the database came back"
    );
    each_stored_once(&first, &outcomes.acknowledged).await;
    let references: BTreeSet<&String> = outcomes.acknowledged.iter().collect();
    assert_eq!(
        references.len(),
        outcomes.acknowledged.len(),
        "a retried request was booked twice"
    );
    assert_eq!(first.db_count(DOUBLE_BOOKINGS).await, 0);
    every_queued_email_sent(&first).await;
}
