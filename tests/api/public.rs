//! The public booking pages' reads: departments, meeting types, available dates and slots.

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::{Asia::Tokyo, Europe::Copenhagen, Tz};
use mm_blackbox_tests::{
    Db, TestApp, assert_error, failing_fields, next_monday, office_hours, on_both_databases,
    support,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(
    only_active_departments_with_public_meeting_types_are_listed,
    slots_follow_working_hours_in_the_departments_zone_and_count_free_members,
    a_visitor_sees_the_slots_that_start_on_their_own_day,
    available_dates_are_the_days_with_a_bookable_slot,
    malformed_dates_and_unknown_zones_are_400_and_unknown_slugs_404,
    a_change_to_working_hours_shows_in_the_next_request,
);

fn at(zone: Tz, date: NaiveDate, hour: u32) -> DateTime<Utc> {
    zone.from_local_datetime(&date.and_hms_opt(hour, 0, 0).unwrap())
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn utc(instant: DateTime<Utc>) -> String {
    instant.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `members` staff with office hours in a Copenhagen department `support` offering a 60-minute
/// public `call`: the admin token and the member ids.
async fn support_with_call(app: &TestApp, members: usize) -> (String, Vec<String>) {
    let setup = support(app, members, json!({})).await;
    (setup.admin, setup.members)
}

async fn public(app: &TestApp, path: &str) -> (StatusCode, Value) {
    app.call(Method::GET, &format!("/public{path}"), None, None)
        .await
}

async fn slots(app: &TestApp, date: NaiveDate, zone: &str) -> Vec<Value> {
    let (status, body) = public(
        app,
        &format!("/departments/support/meeting-types/call/slots?date={date}&timezone={zone}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["slots"].as_array().unwrap().clone()
}

async fn only_active_departments_with_public_meeting_types_are_listed(db: Db) {
    let app = TestApp::spawn(db).await;
    let (admin, ids) = support_with_call(&app, 1).await;
    let sales = app
        .create_department(&admin, "sales", &ids[0], &[&ids[0]])
        .await;
    let (status, _) = app
        .post(
            &format!("/departments/{sales}/meeting-types"),
            &admin,
            json!({"meeting_name": "Internal sync", "duration": 30, "is_public": false, "is_internal": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, body) = public(&app, "/departments").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!([{"department_slug": "support", "department_name": "support", "description": null,
                "timezone": "Europe/Copenhagen", "meeting_type_count": 1}])
    );
    let (status, body) = public(&app, "/departments/support/meeting-types").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body[0]["meeting_slug"], "call");
    assert_eq!(body[0]["duration"], 60);
    let (_, body) = public(&app, "/departments/sales/meeting-types").await;
    assert_eq!(body, json!([]), "internal-only types are not public");

    let (_, support) = app.get("/departments", &admin).await;
    let support_id = support["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["department_slug"] == "support")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = app
        .patch(
            &format!("/departments/{support_id}"),
            &admin,
            json!({"is_active": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(public(&app, "/departments").await.1, json!([]));
    let (status, body) = public(&app, "/departments/support/meeting-types").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&body, "not_found");
}

async fn slots_follow_working_hours_in_the_departments_zone_and_count_free_members(db: Db) {
    let app = TestApp::spawn(db).await;
    support_with_call(&app, 2).await;
    let monday = next_monday();
    let (status, body) = public(
        &app,
        &format!(
            "/departments/support/meeting-types/call/slots?date={monday}&timezone=Europe/Copenhagen"
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["department_timezone"], "Europe/Copenhagen");
    assert_eq!(body["duration"], 60);
    let starts: Vec<&str> = body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start_utc"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (9..17).map(|h| utc(at(Copenhagen, monday, h))).collect();
    assert_eq!(starts, expected);
    let first = &body["slots"][0];
    assert_eq!(first["available_members"], 2);
    assert_eq!(first["end_utc"], utc(at(Copenhagen, monday, 10)));
    assert!(
        first["start_local"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{monday}T09:00:00+0"))
    );
    assert!(
        slots(&app, monday + Days::new(5), "Europe/Copenhagen")
            .await
            .is_empty(),
        "Saturday"
    );
}

async fn a_visitor_sees_the_slots_that_start_on_their_own_day(db: Db) {
    let app = TestApp::spawn(db).await;
    support_with_call(&app, 1).await;
    let monday = next_monday();
    let got: Vec<String> = slots(&app, monday, "Asia/Tokyo")
        .await
        .iter()
        .map(|s| {
            assert!(
                s["start_local"].as_str().unwrap().ends_with("+09:00"),
                "{s}"
            );
            s["start_utc"].as_str().unwrap().to_owned()
        })
        .collect();
    // Copenhagen's Monday hours that are still Monday in Tokyo; its Sunday has none.
    let expected: Vec<String> = (9..17)
        .map(|h| at(Copenhagen, monday, h))
        .filter(|t| t.with_timezone(&Tokyo).date_naive() == monday)
        .map(utc)
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
}

async fn available_dates_are_the_days_with_a_bookable_slot(db: Db) {
    let app = TestApp::spawn(db).await;
    support_with_call(&app, 1).await;
    let first = next_monday().with_day(1).unwrap();
    let first = first.checked_add_months(chrono::Months::new(1)).unwrap();
    let month = first.format("%Y-%m").to_string();
    let (status, body) = public(
        &app,
        &format!("/departments/support/meeting-types/call/available-dates?month={month}&timezone=Europe/Copenhagen"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["month"], month);
    assert_eq!(body["timezone"], "Europe/Copenhagen");
    let weekdays: Vec<String> = first
        .iter_days()
        .take_while(|d| d.month() == first.month())
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .map(|d| d.to_string())
        .collect();
    let dates: Vec<&str> = body["available_dates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(dates, weekdays);

    let next: DateTime<Utc> = body["next_available_utc"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let local = next.with_timezone(&Copenhagen);
    assert!(next > Utc::now());
    assert!(
        next < at(Copenhagen, next_monday() + Days::new(1), 0),
        "by next Monday"
    );
    assert!(!matches!(local.weekday(), Weekday::Sat | Weekday::Sun));
    assert!((9..17).contains(&chrono::Timelike::hour(&local)), "{local}");
}

async fn malformed_dates_and_unknown_zones_are_400_and_unknown_slugs_404(db: Db) {
    let app = TestApp::spawn(db).await;
    support_with_call(&app, 1).await;
    let base = "/departments/support/meeting-types/call";
    let (status, body) = public(
        &app,
        &format!("{base}/slots?date=2026-02-30&timezone=Mars/Olympus"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(failing_fields(&body), ["date", "timezone"]);
    let (status, body) = public(&app, &format!("{base}/available-dates?month=2026-13")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(failing_fields(&body), ["month"]);
    let (status, body) = public(&app, &format!("{base}/slots")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "date is required");
    assert_error(&body, "bad_request");
    for path in [
        "/departments/nobody/meeting-types/call/slots?date=2026-06-15".to_owned(),
        "/departments/support/meeting-types/nothing/slots?date=2026-06-15".to_owned(),
        "/departments/Not A Slug/meeting-types".to_owned(),
        "/departments/nobody/meeting-types".to_owned(),
    ] {
        let (status, body) = public(&app, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_error(&body, "not_found");
    }
}

async fn a_change_to_working_hours_shows_in_the_next_request(db: Db) {
    let app = TestApp::spawn(db).await;
    let (admin, ids) = support_with_call(&app, 1).await;
    let monday = next_monday();
    assert_eq!(slots(&app, monday, "Europe/Copenhagen").await.len(), 8);
    let mut hours = office_hours();
    hours["monday"] = json!({"enabled": true, "start": "13:00", "end": "15:00", "breaks": []});
    let (status, _) = app
        .put(&format!("/users/{}/working-hours", ids[0]), &admin, hours)
        .await;
    assert_eq!(status, StatusCode::OK);
    let starts: Vec<Value> = slots(&app, monday, "Europe/Copenhagen")
        .await
        .iter()
        .map(|s| s["start_utc"].clone())
        .collect();
    assert_eq!(
        starts,
        [
            json!(utc(at(Copenhagen, monday, 13))),
            json!(utc(at(Copenhagen, monday, 14)))
        ]
    );
}

/// Two server processes on one PostgreSQL database: a change made through one is seen by the
/// other at once, not after its cached slots expire.
#[tokio::test]
async fn another_server_process_sees_a_change_without_waiting_for_its_cache() {
    let first = TestApp::spawn(Db::Postgres).await;
    let (admin, ids) = support_with_call(&first, 1).await;
    let second = first.second_process().await;
    let monday = next_monday();
    assert_eq!(slots(&second, monday, "Europe/Copenhagen").await.len(), 8);

    let mut hours = office_hours();
    hours["monday"] = json!({"enabled": false});
    let (status, _) = first
        .put(&format!("/users/{}/working-hours", ids[0]), &admin, hours)
        .await;
    assert_eq!(status, StatusCode::OK);
    // The notification travels through PostgreSQL; allow it a moment (the cache keeps a table
    // for a minute, so passing here means the notification did its work).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if slots(&second, monday, "Europe/Copenhagen").await.is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the second process still shows old slots"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
