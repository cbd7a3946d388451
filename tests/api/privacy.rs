//! A customer's personal data on request and a booking's deletion (System Managers): the export
//! holds everything, an erasure leaves no trace of the address in any table (checked in SQL) and
//! keeps the counts, a deleted booking frees its time; each is audited without personal data.

use mm_blackbox_tests::{
    Db, MEMBER_PASSWORD, TestApp, assert_error, at, book, failing_fields, next_monday,
    on_both_databases, request, support,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    an_export_holds_every_booking_and_message_of_the_address,
    erasing_a_customer_leaves_no_trace_of_the_address_and_keeps_the_counts,
    only_system_managers_export_erase_or_delete,
    a_deleted_booking_is_gone_with_its_rows_audited_and_its_time_free,
    the_retention_period_erases_customers_of_meetings_long_over,
);

const ERIN: &str = "Erin.Eraseme@customer.com";

/// Erin's booking through the public wizard at `hour`:00 next Monday, with an idempotency key
/// (its stored answer quotes her).
async fn erin_books(app: &TestApp, hour: u32) -> Value {
    let mut body = request(&at(next_monday(), hour, 0), ERIN);
    body["customer_name"] = json!("Erin Eraseme");
    body["customer_phone"] = json!("+45 31 41 59 26");
    let response = app
        .client
        .post(app.url("/api/v1/public/bookings"))
        .header("Idempotency-Key", format!("erin-{hour}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn id_of(app: &TestApp, admin: &str, reference: &Value) -> String {
    let (_, page) = app.get("/bookings?per_page=100", admin).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["booking_reference"] == *reference)
        .and_then(|b| b["id"].as_str())
        .unwrap_or_else(|| panic!("{reference} in {page}"))
        .to_owned()
}

async fn an_export_holds_every_booking_and_message_of_the_address(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 2, json!({})).await;
    let first = erin_books(&app, 9).await;
    erin_books(&app, 13).await;
    let (status, _) = book(&app, request(&at(next_monday(), 11, 0), "someone@else.com")).await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, export) = app
        .get(
            "/customers/export?email=erin.eraseme@CUSTOMER.com",
            &setup.admin,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{export}");
    let bookings = export["bookings"].as_array().unwrap();
    assert_eq!(bookings.len(), 2, "any letter case finds them: {export}");
    assert_eq!(bookings[0]["booking_reference"], first["booking_reference"]);
    assert_eq!(bookings[0]["customer_phone"], "+45 31 41 59 26");
    let messages = export["messages"].as_array().unwrap();
    assert!(
        messages.iter().any(|m| m["kind"] == "customer_confirmation"
            && m["to"]
                .as_str()
                .is_some_and(|to| to.eq_ignore_ascii_case(ERIN))
            && m["body_text"]
                .as_str()
                .zip(first["booking_reference"].as_str())
                .is_some_and(|(text, reference)| text.contains(reference))),
        "{export}"
    );
    assert!(!export.to_string().contains("someone@else.com"));
    assert_eq!(
        app.db_count("SELECT COUNT(*) FROM data_audit WHERE action = 'customer_exported'")
            .await,
        1
    );

    let (status, body) = app
        .get("/customers/export?email=not-an-address", &setup.admin)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), ["email"]);
}

/// Rows of any text column that still mention Erin, table by table.
async fn traces_of_erin(app: &TestApp) -> Vec<(String, i64)> {
    let places = [
        (
            "bookings",
            "customer_email, customer_name, customer_phone, customer_notes, meeting_title, \
             meeting_notes, created_from_ip, answers",
        ),
        ("booking_participants", "name, email"),
        ("booking_history", "old_value, new_value, notes"),
        ("booking_assignment_history", "notes"),
        (
            "email_outbox",
            "to_address, to_name, subject, body_text, body_html, ics, notice",
        ),
        ("idempotency_keys", "response_body"),
        ("data_audit", "detail, booking_reference"),
    ];
    let mut found = Vec::new();
    for (table, columns) in places {
        for column in columns.split(", ") {
            for needle in ["eraseme", "erin", "31 41 59 26"] {
                let sql = format!(
                    "SELECT COUNT(*) FROM {table} WHERE LOWER(CAST({column} AS TEXT)) LIKE '%{needle}%'"
                );
                let n = app.db_count(&sql).await;
                if n > 0 {
                    found.push((format!("{table}.{column} ~ {needle}"), n));
                }
            }
        }
    }
    found
}

async fn erasing_a_customer_leaves_no_trace_of_the_address_and_keeps_the_counts(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 2, json!({})).await;
    let first = erin_books(&app, 9).await;
    erin_books(&app, 13).await;
    let (_, other) = book(
        &app,
        request(&at(next_monday(), 11, 0), "keep@customer.com"),
    )
    .await;
    let id = id_of(&app, &setup.admin, &first["booking_reference"]).await;
    // Staff notes and a corrected phone put her details into the history too.
    let (status, body) = app
        .patch(
            &format!("/bookings/{id}"),
            &setup.admin,
            json!({"meeting_notes": "Erin Eraseme prefers mornings", "customer_phone": "+45 31 41 59 27"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        !traces_of_erin(&app).await.is_empty(),
        "the test finds her before"
    );
    let (_, before) = app.get("/analytics/summary", &setup.admin).await;

    let (status, erased) = app
        .post(
            "/customers/erase",
            &setup.admin,
            json!({"email": "erin.eraseme@customer.com"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{erased}");
    assert_eq!(erased["bookings_anonymised"], 2);
    assert!(
        erased["messages_dropped"].as_u64().unwrap() >= 2,
        "{erased}"
    );

    // Internal notes are staff's words about her: her name goes from them too.
    let traces = traces_of_erin(&app).await;
    assert!(traces.is_empty(), "traces left: {traces:?}");
    let (_, after) = app.get("/analytics/summary", &setup.admin).await;
    assert_eq!(
        after["total"], before["total"],
        "the bookings stay for the statistics"
    );
    let (_, booking) = app.get(&format!("/bookings/{id}"), &setup.admin).await;
    assert!(booking["customer_erased_utc"].is_string(), "{booking}");
    assert_eq!(booking["customer_email"], Value::Null);
    assert_eq!(booking["status"], "confirmed");
    let kept = id_of(&app, &setup.admin, &other["booking_reference"]).await;
    let (_, kept) = app.get(&format!("/bookings/{kept}"), &setup.admin).await;
    assert_eq!(kept["customer_email"], "keep@customer.com");
    // Her links stopped working with her address.
    let token = first["cancel_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap();
    let (status, _) = app
        .call(
            reqwest::Method::GET,
            &format!("/public/bookings/{token}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.db_count("SELECT COUNT(*) FROM data_audit WHERE action = 'customer_erased'")
            .await,
        1
    );
    // Asking again finds nothing more to erase.
    let (_, again) = app
        .post("/customers/erase", &setup.admin, json!({"email": ERIN}))
        .await;
    assert_eq!(again["bookings_anonymised"], 0);
}

async fn only_system_managers_export_erase_or_delete(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    let booked = erin_books(&app, 9).await;
    let id = id_of(&app, &setup.admin, &booked["booking_reference"]).await;
    // Member 0 leads the department and hosts the booking: still not theirs to erase.
    let leader = app.login("m0@example.com", MEMBER_PASSWORD).await;
    let (status, body) = app
        .get(&format!("/customers/export?email={ERIN}"), &leader)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_error(&body, "forbidden");
    let (status, _) = app
        .post("/customers/erase", &leader, json!({"email": ERIN}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.delete(&format!("/bookings/{id}"), &leader).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.db_count("SELECT COUNT(*) FROM bookings").await, 1);
    assert_eq!(app.db_count("SELECT COUNT(*) FROM data_audit").await, 0);
}

async fn a_deleted_booking_is_gone_with_its_rows_audited_and_its_time_free(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    let start = at(next_monday(), 10, 0);
    let (status, booked) = book(&app, request(&start, "gone@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let id = id_of(&app, &setup.admin, &booked["booking_reference"]).await;
    let (status, again) = book(&app, request(&start, "second@customer.com")).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the one member is taken: {again}"
    );

    let (status, body) = app.delete(&format!("/bookings/{id}"), &setup.admin).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = app.get(&format!("/bookings/{id}"), &setup.admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for table in [
        "booking_history",
        "booking_participants",
        "booking_assignment_history",
        "email_outbox",
    ] {
        assert_eq!(
            app.db_count(&format!(
                "SELECT COUNT(*) FROM {table} WHERE booking_id = '{id}'"
            ))
            .await,
            0,
            "{table}"
        );
    }
    let audit = app
        .db_rows(
            "SELECT action, booking_reference FROM data_audit",
            "SELECT action, booking_reference FROM data_audit",
        )
        .await;
    assert_eq!(
        audit,
        [[
            "booking_deleted".to_owned(),
            booked["booking_reference"].as_str().unwrap().to_owned()
        ]]
    );
    let (status, body) = book(&app, request(&start, "second@customer.com")).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the time is free again: {body}"
    );
    let (status, _) = app.delete(&format!("/bookings/{id}"), &setup.admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn the_retention_period_erases_customers_of_meetings_long_over(db: Db) {
    let app = TestApp::spawn_with(db, &[("MM_CUSTOMER_RETENTION_DAYS", "30")]).await;
    let setup = support(&app, 1, json!({})).await;
    let old = erin_books(&app, 9).await;
    let (_, recent) = book(
        &app,
        request(&at(next_monday(), 11, 0), "recent@customer.com"),
    )
    .await;
    let old_id = id_of(&app, &setup.admin, &old["booking_reference"]).await;
    app.db_age_booking(&old_id, chrono::Duration::days(60))
        .await;
    // A restart sweeps at once (then every ten minutes).
    let restarted = app
        .process_with(&[("MM_CUSTOMER_RETENTION_DAYS", "30")])
        .await;
    let admin = restarted.admin_token().await;
    mm_blackbox_tests::eventually("the old customer erased", || async {
        let (_, booking) = restarted.get(&format!("/bookings/{old_id}"), &admin).await;
        booking["customer_erased_utc"].is_string().then_some(())
    })
    .await;
    let recent_id = id_of(&restarted, &admin, &recent["booking_reference"]).await;
    let (_, recent) = restarted
        .get(&format!("/bookings/{recent_id}"), &admin)
        .await;
    assert_eq!(recent["customer_email"], "recent@customer.com");
    assert_eq!(
        restarted
            .db_count("SELECT COUNT(*) FROM data_audit WHERE action = 'retention_erased'")
            .await,
        1
    );
}
