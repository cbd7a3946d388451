//! The slot cache never serves a stale answer: random writes across departments that share
//! members, each followed by reads of every day and month they could change, with the server
//! in its verifying mode (`MM_VERIFY_SLOT_CACHE`), where an answer from the cache that differs
//! from a fresh computation fails the request.

use chrono::{Datelike, Days, NaiveDate};
use mm_blackbox_tests::{Db, TestApp, next_monday, office_hours, on_both_databases, request};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(every_cached_answer_equals_a_fresh_one_through_random_writes);

/// `path` read twice: the second answer comes from the cache and, in the verifying mode, is
/// checked against a fresh computation.
async fn read_twice(app: &TestApp, path: &str) -> Value {
    let mut body = Value::Null;
    for _ in 0..2 {
        let answer = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(
            answer.status(),
            StatusCode::OK,
            "{path}: {}",
            answer.text().await.unwrap()
        );
        body = answer.json().await.unwrap();
    }
    body
}

/// The open starts of `department`'s call on `date`.
async fn open_starts(app: &TestApp, department: &str, date: NaiveDate) -> Vec<String> {
    let path = format!(
        "/api/v1/public/departments/{department}/meeting-types/call/slots?date={date}&timezone=Europe/Copenhagen"
    );
    read_twice(app, &path).await["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start_utc"].as_str().unwrap().to_owned())
        .collect()
}

async fn read_everything(app: &TestApp, departments: &[&str], days: &[NaiveDate]) {
    for department in departments {
        for day in days {
            open_starts(app, department, *day).await;
        }
        let month = format!("{}-{:02}", days[0].year(), days[0].month());
        read_twice(
            app,
            &format!(
                "/api/v1/public/departments/{department}/meeting-types/call/available-dates?month={month}&timezone=America/New_York"
            ),
        )
        .await;
    }
}

async fn every_cached_answer_equals_a_fresh_one_through_random_writes(db: Db) {
    let app = TestApp::spawn_with(
        db,
        &[
            ("MM_VERIFY_SLOT_CACHE", "1"),
            ("MM_PUBLIC_BOOKING_RATE_LIMIT", "0"),
        ],
    )
    .await;
    let admin = app.admin_token().await;
    let mut members = Vec::new();
    for i in 0..4 {
        let id = app
            .create_user(&admin, &format!("m{i}@example.com"), &format!("Member {i}"))
            .await;
        let (status, body) = app
            .put(
                &format!("/users/{id}/working-hours"),
                &admin,
                office_hours(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        members.push(id);
    }
    // Members 1 and 2 work for both departments.
    let support = app
        .create_department(
            &admin,
            "support",
            &members[0],
            &[&members[0], &members[1], &members[2]],
        )
        .await;
    let sales = app
        .create_department(
            &admin,
            "sales",
            &members[3],
            &[&members[1], &members[2], &members[3]],
        )
        .await;
    for department in [&support, &sales] {
        let (status, body) = app
            .post(
                &format!("/departments/{department}/meeting-types"),
                &admin,
                json!({"meeting_name": "Call", "meeting_slug": "call", "duration": 60,
                       "buffer_before": 15}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let departments = [("support", support.as_str()), ("sales", sales.as_str())];
    let monday = next_monday();
    let days: Vec<NaiveDate> = (0..5).map(|d| monday + Days::new(d)).collect();
    let slugs = ["support", "sales"];
    read_everything(&app, &slugs, &days).await;

    let mut rng = StdRng::seed_from_u64(20);
    let mut booked: Vec<String> = Vec::new();
    for step in 0..30 {
        let (slug, department) = departments[rng.gen_range(0..2)];
        let day = days[rng.gen_range(0..days.len())];
        match rng.gen_range(0..10) {
            // A customer books (most writes are bookings).
            0..=4 => {
                let starts = open_starts(&app, slug, day).await;
                if let Some(start) = starts.choose(&mut rng) {
                    let mut body = request(start, &format!("c{step}@customer.com"));
                    body["department_slug"] = json!(slug);
                    let answer = app
                        .client
                        .post(app.url("/api/v1/public/bookings"))
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(
                        answer.status(),
                        StatusCode::CREATED,
                        "{}",
                        answer.text().await.unwrap()
                    );
                    let (_, list) = app.get("/bookings?per_page=100", &admin).await;
                    booked = list["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|b| b["status"] == "confirmed")
                        .map(|b| b["id"].as_str().unwrap().to_owned())
                        .collect();
                }
            }
            // Staff cancel one.
            5 => {
                if let Some(id) = booked.pop() {
                    let (status, body) = app
                        .post(
                            &format!("/bookings/{id}/cancel"),
                            &admin,
                            json!({"reason": "test"}),
                        )
                        .await;
                    assert_eq!(status, StatusCode::OK, "{body}");
                }
            }
            // Staff move one to another open start of its department.
            6 => {
                if let Some(id) = booked.choose(&mut rng).cloned() {
                    let (_, booking) = app.get(&format!("/bookings/{id}"), &admin).await;
                    let slug = if booking["department_id"] == support {
                        "support"
                    } else {
                        "sales"
                    };
                    let starts = open_starts(&app, slug, day).await;
                    if let Some(start) = starts.choose(&mut rng) {
                        let (status, body) = app
                            .post(
                                &format!("/bookings/{id}/reschedule"),
                                &admin,
                                json!({"start_utc": start}),
                            )
                            .await;
                        assert!(
                            status == StatusCode::OK || status == StatusCode::CONFLICT,
                            "{status} {body}"
                        );
                    }
                }
            }
            // A shared member's hours shrink or grow back.
            7 => {
                let member = &members[rng.gen_range(1..3)];
                let mut hours = office_hours();
                if rng.gen_bool(0.5) {
                    hours["wednesday"]["end"] = json!("12:00");
                }
                let (status, body) = app
                    .put(&format!("/users/{member}/working-hours"), &admin, hours)
                    .await;
                assert_eq!(status, StatusCode::OK, "{body}");
            }
            // A department's daily limit comes or goes.
            8 => {
                let limit = if rng.gen_bool(0.5) {
                    json!(2)
                } else {
                    Value::Null
                };
                let (status, body) = app
                    .patch(
                        &format!("/departments/{department}"),
                        &admin,
                        json!({"max_bookings_per_day": limit}),
                    )
                    .await;
                assert_eq!(status, StatusCode::OK, "{body}");
            }
            // A member takes a day off.
            _ => {
                let member = &members[rng.gen_range(0..4)];
                let (status, body) = app
                    .post(
                        &format!("/users/{member}/availability-rules"),
                        &admin,
                        json!({"rule_name": format!("Rule {step}"), "is_default": true,
                               "date_overrides": [{"date": day.to_string(), "available": false}]}),
                    )
                    .await;
                assert_eq!(status, StatusCode::CREATED, "{body}");
            }
        }
        read_everything(&app, &slugs, &days).await;
    }
}
