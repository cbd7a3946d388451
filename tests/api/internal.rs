//! Internal meetings and the staff scheduling views: staff meet staff only when every one of them
//! is free, common availability finds those times, and the resource calendar shows each person
//! what they may see.

use mm_blackbox_tests::{
    Db, TestApp, assert_error, at, failing_fields, next_monday, office_hours, on_both_databases,
    support,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(
    an_internal_meeting_invites_its_participants_and_needs_no_customer,
    an_internal_meeting_needs_every_participant_free,
    internal_meeting_requests_name_each_problem,
    common_availability_lists_the_times_everyone_is_free,
    moving_an_internal_meeting_checks_every_participant,
    the_calendar_shows_columns_events_and_what_else_keeps_people_busy,
    internal_meetings_racing_customer_bookings_never_double_book_anyone,
    a_fortnightly_review_names_the_meeting_someone_cannot_attend_then_books_the_rest_as_one_series,
);

/// A `support` department of three members with office hours (the first leads it), a public
/// 60-minute `call` and an internal 60-minute `planning` meeting type.
struct Team {
    admin: String,
    leader: String,
    members: Vec<String>,
    department: String,
    planning: String,
    call: String,
}

async fn team(app: &TestApp) -> Team {
    let support = support(app, 3, json!({})).await;
    let (status, planning) = app
        .post(
            &format!("/departments/{}/meeting-types", support.department),
            &support.admin,
            json!({
                "meeting_name": "Planning", "meeting_slug": "planning", "duration": 60,
                "is_public": false, "is_internal": true,
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{planning}");
    let leader = app.login("m0@example.com", "member-password-1").await;
    Team {
        admin: support.admin,
        leader,
        members: support.members,
        department: support.department,
        planning: planning["id"].as_str().unwrap().to_owned(),
        call: support.call,
    }
}

fn internal(team: &Team, host: usize, participants: &[usize], start_utc: &str) -> Value {
    let participants: Vec<&str> = participants
        .iter()
        .map(|i| team.members[*i].as_str())
        .collect();
    json!({
        "meeting_type_id": team.planning, "host": team.members[host],
        "participants": participants, "start_utc": start_utc,
        "meeting_agenda": "Q1 goals", "physical_location": "Room A",
    })
}

/// The people named in a 409's conflicts, with the kind of each conflict.
fn conflicts(body: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = body["error"]["details"]["conflicts"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|c| {
            (
                c["user_id"].as_str().unwrap_or_default().to_owned(),
                c["kind"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

async fn an_internal_meeting_invites_its_participants_and_needs_no_customer(db: Db) {
    let app = TestApp::spawn(db).await;
    let team = team(&app).await;
    let monday = next_monday();
    let start = at(monday, 10, 0);

    let (status, meeting) = app
        .post(
            "/bookings/internal",
            &team.leader,
            internal(&team, 0, &[0, 1, 2], &start),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{meeting}");
    assert_eq!(meeting["booking_type"], "internal");
    // The answer is built from what was written, not read back: it must be what a read gives.
    let (_, read) = app
        .get(
            &format!("/bookings/{}", meeting["id"].as_str().unwrap()),
            &team.leader,
        )
        .await;
    assert_eq!(read, meeting);
    assert_eq!(
        meeting["status"], "confirmed",
        "internal meetings need no approval"
    );
    assert_eq!(meeting["assigned_to"], team.members[0].as_str());
    assert_eq!(meeting["assignment_method"], "manual");
    assert_eq!(meeting["start_utc"], start.as_str());
    assert_eq!(meeting["end_utc"], at(monday, 11, 0).as_str());
    assert_eq!(meeting["meeting_agenda"], "Q1 goals");
    assert_eq!(meeting["physical_location"], "Room A");
    assert!(meeting["customer_name"].is_null() && meeting["customer_email"].is_null());
    let invited: Vec<&str> = meeting["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["user_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        invited,
        [team.members[1].as_str(), team.members[2].as_str()],
        "the host is listed once, as host"
    );
    assert_eq!(meeting["booking_history"][0]["action"], "created");
    assert_eq!(
        meeting["booking_history"][0]["action_by_role"],
        "department_leader"
    );

    let id = meeting["id"].as_str().unwrap();
    let invitations = app
        .db_count("SELECT COUNT(*) FROM email_outbox WHERE kind = 'internal_invitation'")
        .await;
    assert_eq!(invitations, 3, "the host and both participants are invited");

    // All three are taken, so customers can no longer book the department at that time.
    let (status, body) = app
        .call(
            Method::POST,
            "/public/bookings",
            None,
            Some(json!({
                "department_slug": "support", "meeting_slug": "call", "start_utc": start,
                "customer_name": "John Doe", "customer_email": "john@customer.com",
                "customer_phone": "+1-555-123-4567",
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_error(&body, "slot_unavailable");

    // A participant sees the meeting; it is theirs too.
    let participant = app.login("m2@example.com", "member-password-1").await;
    let (status, body) = app.get(&format!("/bookings/{id}"), &participant).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn an_internal_meeting_needs_every_participant_free(db: Db) {
    let app = TestApp::spawn(db).await;
    let team = team(&app).await;
    let monday = next_monday();
    let (status, body) = app
        .post(
            "/bookings/internal",
            &team.admin,
            internal(&team, 1, &[2], &at(monday, 10, 0)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let (status, body) = app
        .post(
            "/bookings/internal",
            &team.admin,
            internal(&team, 0, &[2], &at(monday, 10, 30)),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_error(&body, "slot_unavailable");
    assert_eq!(
        conflicts(&body),
        [(team.members[2].clone(), "booking".to_owned())],
        "only the busy participant is named"
    );

    let (status, body) = app
        .post(
            "/bookings/internal",
            &team.admin,
            internal(&team, 0, &[1, 2], &at(monday, 17, 0)),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let mut everyone: Vec<(String, String)> = team
        .members
        .iter()
        .map(|m| (m.clone(), "outside_working_hours".to_owned()))
        .collect();
    everyone.sort();
    assert_eq!(conflicts(&body), everyone);

    let held = app
        .db_count("SELECT COUNT(*) FROM bookings WHERE booking_type = 'internal'")
        .await;
    assert_eq!(held, 1, "refused meetings leave nothing behind");
}

async fn internal_meeting_requests_name_each_problem(db: Db) {
    let app = TestApp::spawn(db).await;
    let team = team(&app).await;
    let start = at(next_monday(), 10, 0);
    let problem = |body: Value| {
        let (app, admin) = (&app, team.admin.clone());
        async move {
            let (status, body) = app.post("/bookings/internal", &admin, body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert_error(&body, "validation_failed");
            body
        }
    };

    let mut public_only = internal(&team, 0, &[1], &start);
    public_only["meeting_type_id"] = json!(team.call);
    let body = problem(public_only).await;
    assert_eq!(failing_fields(&body), ["meeting_type_id"]);
    assert!(
        body["error"]["details"]["fields"]["meeting_type_id"]
            .as_str()
            .unwrap()
            .contains("not available for internal meetings"),
        "{body}"
    );

    let body = problem(internal(&team, 0, &[1, 2, 1], &start)).await;
    assert_eq!(failing_fields(&body), ["participants"]);
    assert!(body.to_string().contains("duplicate"), "{body}");

    let body = problem(internal(&team, 0, &[0], &start)).await;
    assert_eq!(failing_fields(&body), ["participants"]);

    let mut stranger = internal(&team, 0, &[1], &start);
    stranger["participants"] = json!([team.members[1], "00000000-0000-4000-8000-000000000000"]);
    let body = problem(stranger).await;
    assert_eq!(failing_fields(&body), ["participants"]);

    let body = problem(json!({
        "meeting_type_id": "x", "host": "y", "participants": ["z"], "start_utc": "soon",
    }))
    .await;
    assert_eq!(
        failing_fields(&body),
        ["host", "meeting_type_id", "participants", "start_utc"]
    );

    let member = app.login("m1@example.com", "member-password-1").await;
    let (status, body) = app
        .post(
            "/bookings/internal",
            &member,
            internal(&team, 1, &[2], &start),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        app.db_count("SELECT COUNT(*) FROM bookings").await,
        0,
        "nothing was created"
    );
}

async fn common_availability_lists_the_times_everyone_is_free(db: Db) {
    let app = TestApp::spawn(db).await;
    let team = team(&app).await;
    let monday = next_monday();
    // Member 1 works afternoons only; member 2 has a meeting from 14:00 to 15:00.
    let mut afternoons = office_hours();
    afternoons["monday"] = json!({"enabled": true, "start": "13:00", "end": "17:00", "breaks": []});
    let (status, body) = app
        .put(
            &format!("/users/{}/working-hours", team.members[1]),
            &team.admin,
            afternoons,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post(
            "/bookings/internal",
            &team.admin,
            internal(&team, 2, &[0], &at(monday, 14, 0)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let ids = team.members.join(",");
    let common = |query: String| {
        let (app, leader) = (&app, team.leader.clone());
        async move {
            let (status, body) = app
                .get(&format!("/scheduling/common-availability?{query}"), &leader)
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body
        }
    };
    let body = common(format!(
        "user_ids={ids}&date={monday}&duration=60&timezone=Europe/Copenhagen"
    ))
    .await;
    let starts: Vec<&str> = body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start_utc"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = [(13, 0), (15, 0), (15, 15), (15, 30), (15, 45), (16, 0)]
        .iter()
        .map(|(h, m)| at(monday, *h, *m))
        .collect();
    assert_eq!(starts, expected);
    assert_eq!(body["slots"][0]["end_utc"], at(monday, 14, 0).as_str());
    assert_eq!(body["rules_timezone"], "Europe/Copenhagen");

    // The same times, shown in New York.
    let body = common(format!(
        "user_ids={ids}&date={monday}&meeting_type_id={}&timezone=America/New_York",
        team.planning
    ))
    .await;
    let local = body["slots"][0]["start_local"].as_str().unwrap();
    assert!(
        local.starts_with(&format!("{monday}T07:00:00"))
            || local.starts_with(&format!("{monday}T08:00:00")),
        "13:00 in Copenhagen is morning in New York: {local}"
    );

    // Every time offered is accepted, and a time not offered is refused.
    let (status, body) = app
        .post(
            "/bookings/internal",
            &team.leader,
            internal(&team, 0, &[1, 2], &expected[0]),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app
        .post(
            "/bookings/internal",
            &team.leader,
            internal(&team, 0, &[1], &at(monday, 14, 0)),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let (status, body) = app
        .get(
            "/scheduling/common-availability?user_ids=nope&date=someday&timezone=Mars/Base",
            &team.admin,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        failing_fields(&body),
        ["date", "duration", "timezone", "user_ids"]
    );

    let member = app.login("m1@example.com", "member-password-1").await;
    let (status, _) = app
        .get(
            &format!("/scheduling/common-availability?user_ids={ids}&date={monday}&duration=30"),
            &member,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A member may ask when they themself are free (to book their own customer meeting).
    let (status, body) = app
        .get(
            &format!(
                "/scheduling/common-availability?user_ids={}&date={monday}&duration=30",
                team.members[1]
            ),
            &member,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        !body["slots"].as_array().expect("slots").is_empty(),
        "{body}"
    );
}

async fn moving_an_internal_meeting_checks_every_participant(db: Db) {
    let app = TestApp::spawn(db).await;
    let team = team(&app).await;
    let monday = next_monday();
    let (_, meeting) = app
        .post(
            "/bookings/internal",
            &team.admin,
            internal(&team, 0, &[1], &at(monday, 10, 0)),
        )
        .await;
    let id = meeting["id"].as_str().unwrap().to_owned();
    // Member 1 also attends a meeting at 13:00 that member 2 hosts.
    let (status, body) = app
        .post(
            "/bookings/internal",
            &team.admin,
            internal(&team, 2, &[1], &at(monday, 13, 0)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let (status, check) = app
        .post(
            &format!("/bookings/{id}/check-move"),
            &team.leader,
            json!({"assigned_to": team.members[0], "start_utc": at(monday, 13, 0)}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{check}");
    assert_eq!(check["ok"], false);
    assert_eq!(check["conflicts"][0]["user_id"], team.members[1].as_str());

    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reschedule"),
            &team.leader,
            json!({"start_utc": at(monday, 13, 0)}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        conflicts(&body),
        [(team.members[1].clone(), "booking".to_owned())]
    );

    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reschedule"),
            &team.leader,
            json!({"start_utc": at(monday, 15, 0)}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["start_utc"], at(monday, 15, 0).as_str());

    // Handing it to member 2, who is free at 15:00: internal meetings do not move the
    // department's round-robin counters.
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reassign"),
            &team.leader,
            json!({"assigned_to": team.members[2], "reason": "Member 0 is away"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["assigned_to"], team.members[2].as_str());
    let counted = app
        .db_count("SELECT COALESCE(SUM(total_assignments), 0) FROM department_members")
        .await;
    assert_eq!(counted, 0);
}

async fn the_calendar_shows_columns_events_and_what_else_keeps_people_busy(db: Db) {
    let app = TestApp::spawn(db).await;
    let team = team(&app).await;
    let monday = next_monday();
    // Sales, led by someone outside support, holds a meeting that member 1 attends.
    let seller = app
        .create_user(&team.admin, "seller@example.com", "Seller")
        .await;
    let (status, body) = app
        .put(
            &format!("/users/{seller}/working-hours"),
            &team.admin,
            office_hours(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sales = app
        .create_department(&team.admin, "sales", &seller, &[&seller])
        .await;
    let (status, sales_type) = app
        .post(
            &format!("/departments/{sales}/meeting-types"),
            &team.admin,
            json!({"meeting_name": "Sync", "meeting_slug": "sync", "duration": 30,
                   "is_public": false, "is_internal": true, "color": "#7C3AED"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sales_type}");
    let (status, body) = app
        .post(
            "/bookings/internal",
            &team.admin,
            json!({"meeting_type_id": sales_type["id"], "host": seller,
                   "participants": [team.members[1]], "start_utc": at(monday, 9, 0)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, planning) = app
        .post(
            "/bookings/internal",
            &team.admin,
            internal(&team, 0, &[2], &at(monday, 11, 0)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{planning}");

    let window = format!(
        "from={}&to={}",
        at(monday, 0, 0),
        at(monday + chrono::Days::new(1), 0, 0)
    );
    let (status, feed) = app
        .get(
            &format!("/calendar?{window}&department_id={}", team.department),
            &team.leader,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{feed}");
    let columns: Vec<&str> = feed["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["user_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        columns,
        team.members.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(feed["resources"][0]["full_name"], "Member 0");
    assert_eq!(
        feed["resources"][0]["department_ids"],
        json!([team.department])
    );
    assert_eq!(
        feed["resources"][0]["working"],
        json!([{"start_utc": at(monday, 9, 0), "end_utc": at(monday, 17, 0)}])
    );

    let events = feed["events"].as_array().unwrap();
    assert_eq!(
        events.len(),
        1,
        "the leader opens only support's meeting: {feed}"
    );
    assert_eq!(events[0]["booking_id"], planning["id"]);
    assert_eq!(events[0]["assigned_to"], team.members[0].as_str());
    assert_eq!(events[0]["participants"], json!([team.members[2]]));
    assert_eq!(events[0]["status"], "confirmed");
    assert_eq!(events[0]["booking_type"], "internal");
    assert_eq!(events[0]["title"], "Planning");
    assert!(events[0]["color"].as_str().unwrap().starts_with('#'));
    assert_eq!(
        feed["busy"],
        json!([{"user_id": team.members[1], "start_utc": at(monday, 9, 0),
                "end_utc": at(monday, 9, 30), "source": "booking"}]),
        "sales' meeting keeps member 1 busy without showing what it is"
    );

    // The System Manager sees every column and opens both meetings.
    let (status, feed) = app.get(&format!("/calendar?{window}"), &team.admin).await;
    assert_eq!(status, StatusCode::OK, "{feed}");
    assert_eq!(feed["resources"].as_array().unwrap().len(), 4);
    assert_eq!(feed["events"].as_array().unwrap().len(), 2);
    assert_eq!(feed["busy"], json!([]));

    // A member has one column: their own.
    let member = app.login("m2@example.com", "member-password-1").await;
    let (status, feed) = app.get(&format!("/calendar?{window}"), &member).await;
    assert_eq!(status, StatusCode::OK, "{feed}");
    assert_eq!(feed["resources"].as_array().unwrap().len(), 1);
    assert_eq!(feed["events"][0]["booking_id"], planning["id"]);
    let (status, _) = app
        .get(
            &format!("/calendar?{window}&member_id={}", team.members[0]),
            &member,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another member's column does not exist for them"
    );

    let (status, body) = app
        .get(
            &format!(
                "/calendar?from={}&to={}",
                at(monday, 0, 0),
                at(monday + chrono::Days::new(90), 0, 0)
            ),
            &team.admin,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), ["to"]);
}

/// Held commitments of one person (as host or participant) that overlap another of theirs.
const OVERLAPPING_COMMITMENTS: &str = "WITH c AS ( \
       SELECT id, assigned_to AS person, start_utc, end_utc FROM bookings \
        WHERE status IN ('pending', 'confirmed') \
       UNION SELECT b.id, p.user_id, b.start_utc, b.end_utc FROM bookings b \
        JOIN booking_participants p ON p.booking_id = b.id \
        WHERE p.user_id IS NOT NULL AND b.status IN ('pending', 'confirmed')) \
     SELECT COUNT(*) FROM c x JOIN c y ON x.person = y.person AND x.id < y.id \
       AND x.start_utc < y.end_utc AND y.start_utc < x.end_utc";

async fn internal_meetings_racing_customer_bookings_never_double_book_anyone(db: Db) {
    let app = TestApp::spawn_with(db, &[("MM_PUBLIC_BOOKING_RATE_LIMIT", "0")]).await;
    let second = match db {
        Db::Sqlite => None,
        Db::Postgres => Some(app.second_process().await),
    };
    let apps: Vec<&TestApp> = std::iter::once(&app).chain(second.as_ref()).collect();
    let team = team(&app).await;
    let start = at(next_monday(), 10, 0);

    // Ten requests for a meeting of all three members, and ten customers wanting any of them.
    let mut handles = Vec::new();
    for i in 0..20 {
        let target = apps[i % apps.len()];
        let client = target.client.clone();
        let (url, body, token) = if i % 2 == 0 {
            (
                target.url("/api/v1/bookings/internal"),
                internal(&team, 0, &[1, 2], &start),
                Some(team.admin.clone()),
            )
        } else {
            (
                target.url("/api/v1/public/bookings"),
                json!({
                    "department_slug": "support", "meeting_slug": "call", "start_utc": start,
                    "customer_name": "John Doe", "customer_email": format!("c{i}@customer.com"),
                    "customer_phone": "+1-555-123-4567",
                }),
                None,
            )
        };
        handles.push(tokio::spawn(async move {
            let mut request = client.post(url).json(&body);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.expect("request");
            let internal = response.url().path().ends_with("/internal");
            (internal, response.status())
        }));
    }
    let mut won = (0, 0);
    for handle in handles {
        let (internal, status) = handle.await.expect("task");
        match status {
            StatusCode::CREATED if internal => won.0 += 1,
            StatusCode::CREATED => won.1 += 1,
            other => assert_eq!(other, StatusCode::CONFLICT),
        }
    }
    assert!(
        won == (1, 0) || won == (0, 3),
        "either the meeting of all three or three customers, never both: {won:?}"
    );
    assert_eq!(app.db_count(OVERLAPPING_COMMITMENTS).await, 0);
}

async fn a_fortnightly_review_names_the_meeting_someone_cannot_attend_then_books_the_rest_as_one_series(
    db: Db,
) {
    let app = TestApp::spawn(db).await;
    let team = team(&app).await;
    let monday = next_monday();
    let second = monday + chrono::Days::new(14);
    // The third member meets a customer at ten on the second meeting's day.
    let (status, taken) = app
        .post(
            "/bookings",
            &team.admin,
            json!({
                "meeting_type_id": team.call, "assigned_to": team.members[2],
                "start_utc": at(second, 10, 0),
                "customer_name": "Bo Berg", "customer_email": "bo@customer.com",
                "customer_phone": "+45 12 34 56 79",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{taken}");

    let mut request = internal(&team, 0, &[1, 2], &at(monday, 10, 0));
    request["recurrence"] = json!({"frequency": "biweekly", "count": 3});
    let (status, refused) = app
        .post("/bookings/internal", &team.leader, request.clone())
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_error(&refused, "slot_unavailable");
    let misfits = refused["error"]["details"]["meetings"]
        .as_array()
        .expect("the meetings that do not fit");
    assert_eq!(misfits.len(), 1, "{refused}");
    assert_eq!(misfits[0]["index"], 2);
    assert_eq!(misfits[0]["date"], second.to_string());
    assert!(
        misfits[0]["conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["user_id"] == team.members[2].as_str()),
        "{refused}"
    );
    assert_eq!(
        app.db_count("SELECT COUNT(*) FROM booking_series").await,
        0,
        "nothing of a refused series is written"
    );

    request["skip_dates"] = json!([second.to_string()]);
    let (status, first) = app.post("/bookings/internal", &team.leader, request).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let series = first["series_id"].as_str().expect("a series").to_owned();
    let (_, listed) = app
        .get(&format!("/bookings?series_id={series}"), &team.leader)
        .await;
    let mut meetings: Vec<(u64, String, usize)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["series_index"].as_u64().unwrap(),
                m["start_utc"].as_str().unwrap().to_owned(),
                m["participants"].as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    meetings.sort();
    let third = monday + chrono::Days::new(28);
    assert_eq!(
        meetings,
        [(1, at(monday, 10, 0), 2), (3, at(third, 10, 0), 2)],
        "the skipped meeting is left out; everyone is in every other one"
    );
    // Everyone is invited once, to the series (its invite carries the rule).
    let invitations = |id: String| {
        let app = &app;
        let leader = team.leader.clone();
        async move {
            let (_, messages) = app.get(&format!("/bookings/{id}/messages"), &leader).await;
            messages
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["kind"] == "internal_invitation")
                .count()
        }
    };
    let ids: Vec<String> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    let mut counts = Vec::new();
    for id in ids {
        counts.push(invitations(id).await);
    }
    counts.sort();
    assert_eq!(
        counts,
        [0, 3],
        "the host and both participants, at the first meeting"
    );

    // Declining the series' invitation declines every meeting of it.
    let m1 = app.login("m1@example.com", "member-password-1").await;
    let (status, answered) = app
        .post(
            &format!("/bookings/{}/rsvp", first["id"].as_str().unwrap()),
            &m1,
            json!({"response": "declined"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    let (_, listed) = app
        .get(&format!("/bookings?series_id={series}"), &team.leader)
        .await;
    let answers: Vec<String> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["participants"].as_array().unwrap().clone())
        .filter(|p| p["user_id"] == team.members[1].as_str())
        .map(|p| p["attendance_status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(answers, ["declined", "declined"]);
}
