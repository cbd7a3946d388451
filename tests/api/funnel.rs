//! The public wizard's funnel: `POST /public/funnel` counts the steps visits reach, the server
//! counts bookings made, and the dashboard shows each step's share of the one before.

use mm_blackbox_tests::{
    Db, TestApp, assert_error, at, book, failing_fields, next_monday, on_both_databases, request,
    support,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(
    the_dashboard_shows_how_far_visits_got_and_how_far_ahead_customers_book,
    funnel_counts_of_a_process_survive_a_graceful_stop,
);

async fn report(app: &TestApp, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, "/public/funnel", None, Some(body))
        .await
}

/// A visit that got as far as `last` in the `call` meeting type of `support`.
async fn visit(app: &TestApp, last: &str) {
    let order = ["department", "meeting_type", "date", "time", "details"];
    let reached = &order[..=order.iter().position(|s| *s == last).unwrap()];
    let (status, body) = report(
        app,
        json!({"department_slug": "support", "steps": ["department"]}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    if reached.len() > 1 {
        let (status, body) = report(
            app,
            json!({"department_slug": "support", "meeting_slug": "call", "steps": &reached[1..]}),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    }
}

fn counts(steps: &Value) -> Vec<(String, u64)> {
    steps
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap().to_owned(),
                s["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn named(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    list.iter().map(|(s, n)| ((*s).to_owned(), *n)).collect()
}

async fn the_dashboard_shows_how_far_visits_got_and_how_far_ahead_customers_book(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 2, json!({})).await;
    // Four visits: one leaves at the meeting types, one at the calendar, one at the form, one
    // books.
    for last in ["department", "meeting_type", "time", "details"] {
        visit(&app, last).await;
    }
    let (status, body) = book(&app, request(&at(next_monday(), 10, 0), "ann@example.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // A time taken meanwhile is no booking, and staff's bookings are not the wizard's.
    let (status, _) = book(&app, request(&at(next_monday(), 10, 0), "bo@example.com")).await;
    assert_eq!(status, StatusCode::CREATED, "the second member takes it");
    let (status, _) = book(&app, request(&at(next_monday(), 10, 0), "cy@example.com")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({
                "meeting_type_id": setup.call, "assigned_to": setup.members[0],
                "start_utc": at(next_monday(), 13, 0),
                "customer_name": "Dee", "customer_email": "dee@example.com",
                "customer_phone": "+45 12 34 56 78",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let leader = app.login("m0@example.com", "member-password-1").await;
    let path = format!(
        "/analytics/summary?department_id={}&from={}&to={}",
        setup.department,
        chrono::Utc::now().date_naive() - chrono::Days::new(1),
        next_monday() + chrono::Days::new(1),
    );
    let (status, summary) = app.get(&path, &leader).await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    let funnel = &summary["funnel"];
    assert_eq!(
        counts(&funnel["steps"]),
        named(&[
            ("department", 4),
            ("meeting_type", 3),
            ("date", 2),
            ("time", 2),
            ("details", 1),
            ("booked", 2),
        ]),
        "{funnel}"
    );
    assert_eq!(funnel["steps"][0]["rate"], Value::Null);
    assert_eq!(funnel["steps"][1]["rate"], 0.75);
    assert_eq!(funnel["conversion"], 0.5);
    let call = &funnel["by_meeting_type"][0];
    assert_eq!(call["name"], "Call");
    assert_eq!(call["meeting_type_id"], setup.call.as_str());
    assert_eq!(call["steps"][0]["step"], "meeting_type");
    assert_eq!(call["conversion"], json!(2.0 / 3.0));
    // Every meeting is next Monday, booked today: at least a few hours ahead, at most 8 days.
    let lead = summary["average_lead_time_hours"].as_f64().unwrap();
    assert!((0.0..=8.0 * 24.0).contains(&lead), "{lead}");

    // A member who runs no department sees their meetings but not the department's visitors.
    let member = app.login("m1@example.com", "member-password-1").await;
    let (_, own) = app.get(&path, &member).await;
    assert_eq!(own["funnel"], Value::Null, "{own}");
}

async fn funnel_counts_of_a_process_survive_a_graceful_stop(db: Db) {
    let mut app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    visit(&app, "date").await;
    // Stopped within the write interval: the counts are written on the way out.
    assert!(app.terminate().await, "a clean exit");
    let again = app.second_process().await;
    let admin = again.admin_token().await;
    let (_, summary) = again
        .get(
            &format!("/analytics/summary?department_id={}", setup.department),
            &admin,
        )
        .await;
    assert_eq!(
        counts(&summary["funnel"]["steps"])[..3],
        named(&[("department", 1), ("meeting_type", 1), ("date", 1)]),
        "{summary}"
    );
}

#[tokio::test]
async fn a_report_names_real_steps_of_a_public_meeting_type() {
    let app = TestApp::spawn(Db::Sqlite).await;
    support(&app, 1, json!({})).await;
    let cases = [
        (json!({"department_slug": "support", "steps": []}), "steps"),
        (
            json!({"department_slug": "support", "meeting_slug": "call", "steps": ["booked"]}),
            "steps",
        ),
        (
            json!({"department_slug": "support", "meeting_slug": "call", "steps": ["date", "date"]}),
            "steps",
        ),
        (
            json!({"department_slug": "support", "steps": ["department", "date"]}),
            "meeting_slug",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = report(&app, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(failing_fields(&answer), [field], "{body}");
    }
    let (status, answer) = report(
        &app,
        json!({"department_slug": "support", "steps": ["department"], "email": "a@b.c"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "nothing else is taken: {answer}"
    );
    for body in [
        json!({"department_slug": "sales", "steps": ["department"]}),
        json!({"department_slug": "support", "meeting_slug": "nope", "steps": ["date"]}),
    ] {
        let (status, answer) = report(&app, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
        assert_error(&answer, "not_found");
    }
}

#[tokio::test]
async fn one_network_may_report_only_so_many_steps_a_minute() {
    let app = TestApp::spawn(Db::Sqlite).await;
    support(&app, 1, json!({})).await;
    let body = json!({"department_slug": "support", "steps": ["department"]});
    // Sixty a minute; a run of requests crosses at most one minute's end, so the refusal comes
    // after 60 to 120 of them.
    let mut counted = 0;
    let refused = loop {
        let response = app
            .client
            .post(app.url("/api/v1/public/funnel"))
            .json(&body)
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            break response;
        }
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        counted += 1;
        assert!(counted <= 120, "never refused");
    };
    assert!(counted >= 60, "refused after {counted}");
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
}
