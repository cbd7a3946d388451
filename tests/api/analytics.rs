//! `GET /analytics/summary`: the dashboard's figures over what each reader may see.

use chrono::{Datelike, Days, TimeZone as _, Utc};
use chrono_tz::Europe::Copenhagen;
use mm_blackbox_tests::{
    Db, TestApp, assert_error, at, book, failing_fields, next_monday, on_both_databases, request,
    support,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    the_summary_counts_a_departments_meetings_by_status_type_member_day_and_hour,
    each_reader_sees_the_figures_of_what_they_may_see,
    a_malformed_period_names_its_fields,
);

/// Books `hour`:00 next Monday and returns the booking's id.
async fn booked(app: &TestApp, admin: &str, hour: u32, email: &str) -> String {
    let (status, public) = book(app, request(&at(next_monday(), hour, 0), email)).await;
    assert_eq!(status, StatusCode::CREATED, "{public}");
    let reference = public["booking_reference"].as_str().unwrap();
    let (_, list) = app.get(&format!("/bookings?q={reference}"), admin).await;
    list["items"][0]["id"].as_str().unwrap().to_owned()
}

/// `hour`:00 yesterday in Copenhagen.
fn yesterday_at(hour: u32) -> chrono::DateTime<Utc> {
    let today = Utc::now().with_timezone(&Copenhagen).date_naive();
    let day = today - Days::new(1);
    Copenhagen
        .with_ymd_and_hms(day.year(), day.month(), day.day(), hour, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

/// Four meetings of a two-member round-robin department: one held yesterday at 09:00, one missed
/// yesterday at 10:00, one confirmed next Monday at 11:00 and one cancelled next Monday at 12:00.
async fn a_week_of_meetings(app: &TestApp) -> (mm_blackbox_tests::Support, [String; 4]) {
    let setup = support(app, 2, json!({})).await;
    let held = booked(app, &setup.admin, 9, "a@example.com").await;
    let missed = booked(app, &setup.admin, 10, "b@example.com").await;
    let coming = booked(app, &setup.admin, 11, "c@example.com").await;
    let cancelled = booked(app, &setup.admin, 12, "d@example.com").await;
    for (id, hour, action) in [(&held, 9, "complete"), (&missed, 10, "no-show")] {
        let start = yesterday_at(hour);
        app.db_set_booking_times(id, start, start + chrono::Duration::hours(1))
            .await;
        let (status, body) = app
            .post(&format!("/bookings/{id}/{action}"), &setup.admin, json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    let (status, body) = app
        .post(
            &format!("/bookings/{cancelled}/cancel"),
            &setup.admin,
            json!({"reason": "Customer asked"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (setup, [held, missed, coming, cancelled])
}

fn count_of(list: &Value, name: &str) -> u64 {
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .map_or(0, |c| c["count"].as_u64().unwrap())
}

async fn the_summary_counts_a_departments_meetings_by_status_type_member_day_and_hour(db: Db) {
    let app = TestApp::spawn(db).await;
    let (setup, _) = a_week_of_meetings(&app).await;
    let today = Utc::now().with_timezone(&Copenhagen).date_naive();
    let yesterday = today - Days::new(1);
    let monday = next_monday();
    let (from, to) = (yesterday - Days::new(1), monday + Days::new(1));
    let (status, summary) = app
        .get(
            &format!(
                "/analytics/summary?department_id={}&from={from}&to={to}",
                setup.department
            ),
            &setup.admin,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(
        summary["timezone"], "Europe/Copenhagen",
        "the department's zone"
    );
    assert_eq!(summary["total"], 4);
    assert_eq!(
        summary["by_status"],
        json!({"pending": 0, "confirmed": 1, "cancelled": 1, "completed": 1, "no_show": 1})
    );
    assert_eq!(
        summary["no_show_rate"], 0.5,
        "one missed of two that were due"
    );
    assert_eq!(count_of(&summary["by_meeting_type"], "Call"), 4);
    let hosts = summary["by_member"].as_array().unwrap();
    assert_eq!(
        hosts
            .iter()
            .map(|h| h["count"].as_u64().unwrap())
            .sum::<u64>(),
        4
    );
    assert!(
        hosts
            .iter()
            .all(|h| h["name"].as_str().unwrap().starts_with("Member "))
    );

    // Days and hours are Copenhagen's.
    let days = summary["by_day"].as_array().unwrap();
    assert_eq!(days.len() as u64, (to - from).num_days() as u64 + 1);
    let on = |date: chrono::NaiveDate| {
        days.iter()
            .find(|d| d["date"] == date.to_string())
            .map(|d| d["count"].as_u64().unwrap())
    };
    assert_eq!(on(yesterday), Some(2));
    assert_eq!(on(monday), Some(2));
    let heat = |date: chrono::NaiveDate, hour: usize| {
        summary["heatmap"][date.weekday().num_days_from_monday() as usize][hour]
            .as_u64()
            .unwrap()
    };
    assert_eq!(heat(yesterday, 9), 1);
    assert_eq!(heat(yesterday, 10), 1);
    assert_eq!(heat(monday, 11), 1);
    assert_eq!(heat(monday, 12), 1);
    let heat_total: u64 = summary["heatmap"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap().iter().map(|c| c.as_u64().unwrap()))
        .sum();
    assert_eq!(heat_total, 4);

    // Headline counts skip the cancelled meeting and look ahead from now.
    let monday_counts = u64::from(monday < today + Days::new(7));
    assert_eq!(summary["headline"]["today"], 0);
    assert_eq!(summary["headline"]["next_7_days"], monday_counts);
    let this_month = [yesterday, monday]
        .iter()
        .zip([2, 1])
        .filter(|(d, _)| d.month() == today.month())
        .map(|(_, n)| n)
        .sum::<u64>();
    assert_eq!(summary["headline"]["this_month"], this_month);

    // Round robin shares the four automatically assigned meetings equally.
    let fairness = &summary["assignment_distribution"][0];
    assert_eq!(fairness["department_id"], setup.department.as_str());
    assert_eq!(fairness["assignment_algorithm"], "round_robin");
    assert_eq!(fairness["assignments"], 4);
    for member in fairness["members"].as_array().unwrap() {
        assert_eq!(member["expected_share"], 0.5);
        assert_eq!(member["share"], 0.5, "{fairness}");
        assert_eq!(member["assignments"], 2);
    }
}

async fn each_reader_sees_the_figures_of_what_they_may_see(db: Db) {
    let app = TestApp::spawn(db).await;
    let (setup, _) = a_week_of_meetings(&app).await;
    let (from, to) = (
        Utc::now().date_naive() - Days::new(3),
        next_monday() + Days::new(1),
    );
    let period = format!("from={from}&to={to}");
    // Member 1 is a member, not the leader: their own meetings only, and no fairness table.
    let member = app.login("m1@example.com", "member-password-1").await;
    let (status, own) = app
        .get(
            &format!(
                "/analytics/summary?department_id={}&{period}",
                setup.department
            ),
            &member,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["total"], 2, "round robin gave Member 1 two of the four");
    assert_eq!(own["by_member"].as_array().unwrap().len(), 1);
    assert_eq!(own["by_member"][0]["name"], "Member 1");
    assert_eq!(own["assignment_distribution"], json!([]));
    // The leader (Member 0) sees the whole department.
    let leader = app.login("m0@example.com", "member-password-1").await;
    let (_, all) = app
        .get(&format!("/analytics/summary?{period}"), &leader)
        .await;
    assert_eq!(all["total"], 4);
    assert_eq!(all["assignment_distribution"].as_array().unwrap().len(), 1);
    // Someone outside the department may not ask for it, and sees nothing without asking.
    app.create_user(&setup.admin, "outsider@example.com", "Outsider")
        .await;
    let outsider = app.login("outsider@example.com", "member-password-1").await;
    let (status, body) = app
        .get(
            &format!("/analytics/summary?department_id={}", setup.department),
            &outsider,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_error(&body, "forbidden");
    let (_, nothing) = app
        .get(&format!("/analytics/summary?{period}"), &outsider)
        .await;
    assert_eq!(nothing["total"], 0);
    assert_eq!(nothing["timezone"], "UTC", "the reader's own zone");
    // Without a token there are no figures at all.
    let (status, _) = app.get("/analytics/summary", "not-a-token").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn a_malformed_period_names_its_fields(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let (status, body) = app
        .get(
            "/analytics/summary?from=2027-05-10&to=2027-05-01&timezone=Mars/Olympus",
            &admin,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), ["timezone", "to"]);
    let (status, body) = app
        .get("/analytics/summary?from=2027-05-10&to=2027-05-01", &admin)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), ["to"]);
    let (status, body) = app
        .get("/analytics/summary?from=2026-01-01&to=2027-06-01", &admin)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), ["to"]);
    let (status, body) = app
        .get("/analytics/summary?from=soon&department_id=x", &admin)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), ["department_id", "from"]);
    // A period given as instants counts their days.
    let (status, body) = app
        .get(
            "/analytics/summary?from=2027-05-01T22:30:00Z&to=2027-05-03T08:00:00Z&timezone=Europe/Copenhagen",
            &admin,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["from"], "2027-05-02",
        "22:30 UTC is after midnight in Copenhagen"
    );
    assert_eq!(body["by_day"].as_array().unwrap().len(), 2);
}
