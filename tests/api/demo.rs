//! `MM_DEMO=1`: a first start that has something to show.

use chrono::{Datelike, Duration, Utc};
use chrono_tz::Europe::Copenhagen;
use mm_blackbox_tests::{Db, TestApp, on_both_databases};
use reqwest::StatusCode;

on_both_databases!(
    a_demo_start_fills_this_weeks_calendar_for_every_member,
    a_demo_restart_seeds_nothing_twice
);

async fn a_demo_start_fills_this_weeks_calendar_for_every_member(db: Db) {
    let app = TestApp::spawn_with(db, &[("MM_DEMO", "1")]).await;
    let admin = app.admin_token().await;
    let today = Utc::now().with_timezone(&Copenhagen).date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let from = monday
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_local_timezone(Copenhagen)
        .unwrap()
        .with_timezone(&Utc);
    let to = from + Duration::days(7);
    let (status, calendar) = app
        .get(
            &format!(
                "/calendar?from={}&to={}",
                from.format("%Y-%m-%dT%H:%M:%SZ"),
                to.format("%Y-%m-%dT%H:%M:%SZ")
            ),
            &admin,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{calendar}");
    let members = calendar["resources"].as_array().unwrap();
    assert_eq!(members.len(), 7, "{calendar}");
    for member in members {
        let held = calendar["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["assigned_to"] == member["user_id"])
            .count();
        assert!(held > 0, "{} has no meeting this week", member["full_name"]);
    }

    for status in ["confirmed", "pending", "cancelled", "completed", "no_show"] {
        let (_, page) = app.get(&format!("/bookings?status={status}"), &admin).await;
        assert!(page["total"].as_u64().unwrap() > 0, "no {status} booking");
    }
    let internal_with_guests = app
        .db_count(
            "SELECT COUNT(DISTINCT b.id) FROM bookings b \
             JOIN booking_participants p ON p.booking_id = b.id \
             WHERE b.booking_type = 'internal' AND p.user_id IS NOT NULL",
        )
        .await;
    assert!(internal_with_guests > 0);
    let (_, summary) = app.get("/analytics/summary", &admin).await;
    assert!(summary["total"].as_u64().unwrap() > 0, "{summary}");

    // A demo member signs in and sees their own week.
    let anna = app.login("anna.jensen@example.com", "demo-password").await;
    let (_, own) = app.get("/bookings?per_page=5", &anna).await;
    assert!(own["total"].as_u64().unwrap() > 0, "{own}");
}

async fn a_demo_restart_seeds_nothing_twice(db: Db) {
    let app = TestApp::spawn_with(db, &[("MM_DEMO", "1")]).await;
    let seeded = app.db_count("SELECT COUNT(*) FROM bookings").await;
    assert!(seeded > 100, "{seeded} demo bookings");
    let again = app.process_with(&[("MM_DEMO", "1")]).await;
    assert_eq!(
        again.db_count("SELECT COUNT(*) FROM bookings").await,
        seeded
    );
    assert_eq!(again.db_count("SELECT COUNT(*) FROM departments").await, 2);
}
