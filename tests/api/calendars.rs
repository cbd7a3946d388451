//! Members' iCal feeds: connected through the API, read from a web server on loopback, and
//! their busy times taken out of the public slots. Feeds as real calendar apps export them are
//! covered by `mm-calendars`' own tests; these follow the whole way through the server.

use std::time::{Duration, Instant};

use mm_blackbox_tests::{
    Db, TestApp, at, book, failing_fields,
    feeds::{FeedServer, calendar},
    free_members_at, next_monday, on_both_databases, request, support, sync_calendar,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_synced_busy_event_takes_its_member_out_of_the_overlapping_slots,
    a_feed_that_starts_failing_keeps_the_busy_times_of_its_last_good_sync,
    the_sync_job_reads_feeds_on_its_own,
    feed_urls_are_checked_before_anything_is_stored,
    only_the_owner_or_a_system_manager_connects_a_calendar_and_leaders_see_its_status,
);

/// Feeds on loopback are allowed, as only tests need.
const LOOPBACK_FEEDS: [(&str, &str); 2] = [
    ("MM_ICAL_ALLOW_PRIVATE_HOSTS", "1"),
    ("MM_PUBLIC_BOOKING_RATE_LIMIT", "0"),
];

async fn connect(app: &TestApp, token: &str, user: &str, url: &str) -> (StatusCode, Value) {
    app.post(
        &format!("/users/{user}/calendar-integrations"),
        token,
        json!({"integration_type": "ical", "integration_name": "Personal", "ical_url": url}),
    )
    .await
}

async fn a_synced_busy_event_takes_its_member_out_of_the_overlapping_slots(db: Db) {
    let app = TestApp::spawn_with(db, &LOOPBACK_FEEDS).await;
    let setup = support(&app, 2, json!({})).await;
    let monday = next_monday();
    let (ten, eleven, noon) = (at(monday, 10, 0), at(monday, 11, 0), at(monday, 12, 0));
    assert_eq!(free_members_at(&app, &ten).await, 2);

    // Member 0's private calendar has a dentist's appointment 10:15–11:00.
    let feeds = FeedServer::start().await;
    let secret_path = "/calendar/ical/m0%40example.com/private-8f2k1x/basic.ics";
    let dentist_start = at(monday, 10, 15);
    feeds.publish(
        secret_path,
        &calendar(&[("dentist@google.com", &dentist_start, &eleven, "Dentist")]),
    );
    let m0 = &setup.members[0];
    let (status, connected) = connect(&app, &setup.admin, m0, &feeds.url(secret_path)).await;
    assert_eq!(status, StatusCode::CREATED, "{connected}");
    assert_eq!(connected["sync_status"], "success", "{connected}");
    assert_eq!(connected["events_synced"], 1);
    assert_eq!(connected["integration_type"], "ical");
    assert_eq!(connected["source"], "127.0.0.1");
    assert!(
        !connected.to_string().contains("private-8f2k1x"),
        "the feed's secret address is never sent back: {connected}"
    );

    assert_eq!(
        free_members_at(&app, &ten).await,
        1,
        "member 0 is at the dentist"
    );
    assert_eq!(free_members_at(&app, &eleven).await, 2);
    // A customer at 10:00 gets member 1.
    let (status, booked) = book(&app, request(&ten, "ann@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let reference = booked["booking_reference"].as_str().unwrap();
    let (_, found) = app
        .get(&format!("/bookings?q={reference}"), &setup.admin)
        .await;
    let booking = &found["items"][0];
    assert_eq!(booking["assigned_to"], setup.members[1].as_str());
    assert_eq!(free_members_at(&app, &ten).await, 0);

    // The appointment moves to noon: a sync now frees 10:00 and blocks 12:00.
    feeds.publish(
        secret_path,
        &calendar(&[("dentist@google.com", &noon, &at(monday, 13, 0), "Dentist")]),
    );
    let id = connected["id"].as_str().unwrap();
    let synced = sync_calendar(&app, &setup.admin, id).await;
    assert_eq!(synced["status"], "success");
    assert_eq!(synced["updated"], 1);
    assert_eq!(synced["events_synced"], 1);
    assert_eq!(free_members_at(&app, &ten).await, 1);
    assert_eq!(free_members_at(&app, &noon).await, 1);

    // Disconnected, the calendar blocks nothing.
    let (status, body) = app
        .delete(&format!("/calendar-integrations/{id}"), &setup.admin)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(free_members_at(&app, &noon).await, 2);
    assert_eq!(
        app.db_count("SELECT COUNT(*) FROM calendar_event_syncs")
            .await,
        0,
        "its events went with it"
    );
    let (_, list) = app
        .get(&format!("/users/{m0}/calendar-integrations"), &setup.admin)
        .await;
    assert_eq!(list["total"], 0);
}

async fn a_feed_that_starts_failing_keeps_the_busy_times_of_its_last_good_sync(db: Db) {
    let app = TestApp::spawn_with(db, &LOOPBACK_FEEDS).await;
    let setup = support(&app, 1, json!({})).await;
    let monday = next_monday();
    let ten = at(monday, 10, 0);
    let feeds = FeedServer::start().await;
    feeds.publish(
        "/feed.ics",
        &calendar(&[("busy@example.com", &ten, &at(monday, 11, 0), "Busy")]),
    );
    let m0 = &setup.members[0];
    let (_, connected) = connect(&app, &setup.admin, m0, &feeds.url("/feed.ics")).await;
    let id = connected["id"].as_str().unwrap();
    assert_eq!(free_members_at(&app, &ten).await, 0);

    feeds.fail("/feed.ics", 503);
    let synced = sync_calendar(&app, &setup.admin, id).await;
    assert_eq!(synced["status"], "failed");
    assert!(
        synced["error"].as_str().unwrap().contains("503"),
        "{synced}"
    );
    assert_eq!(synced["events_synced"], 1);
    assert_eq!(
        free_members_at(&app, &ten).await,
        0,
        "still busy as last seen"
    );

    let (_, list) = app
        .get(&format!("/users/{m0}/calendar-integrations"), &setup.admin)
        .await;
    let shown = &list["items"][0];
    assert_eq!(shown["sync_status"], "failed");
    assert!(shown["sync_error"].as_str().unwrap().contains("503"));
    assert!(shown["last_sync_utc"].is_string());

    // Something that is not a calendar fails the same way.
    feeds.publish("/feed.ics", "<html><body>Please sign in</body></html>");
    let synced = sync_calendar(&app, &setup.admin, id).await;
    assert_eq!(synced["status"], "failed", "{synced}");
    assert!(
        synced["error"]
            .as_str()
            .unwrap()
            .contains("not an iCalendar"),
        "{synced}"
    );

    // Back to normal, the status says so.
    feeds.publish("/feed.ics", &calendar(&[]));
    let synced = sync_calendar(&app, &setup.admin, id).await;
    assert_eq!(synced["status"], "success", "{synced}");
    assert_eq!(synced["removed"], 1);
    assert_eq!(free_members_at(&app, &ten).await, 1);
}

async fn the_sync_job_reads_feeds_on_its_own(db: Db) {
    let mut env = LOOPBACK_FEEDS.to_vec();
    env.push(("MM_CALENDAR_SYNC_INTERVAL_SECONDS", "1"));
    let app = TestApp::spawn_with(db, &env).await;
    let setup = support(&app, 1, json!({})).await;
    let monday = next_monday();
    let ten = at(monday, 10, 0);
    let feeds = FeedServer::start().await;
    feeds.publish("/feed.ics", &calendar(&[]));
    let (status, body) = connect(
        &app,
        &setup.admin,
        &setup.members[0],
        &feeds.url("/feed.ics"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(free_members_at(&app, &ten).await, 1);

    // Nobody asks for a sync: the job notices the new event within seconds.
    feeds.publish(
        "/feed.ics",
        &calendar(&[("new@example.com", &ten, &at(monday, 11, 0), "New")]),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while free_members_at(&app, &ten).await != 0 {
        assert!(Instant::now() < deadline, "the job never synced the feed");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(feeds.requests() >= 2);
}

async fn feed_urls_are_checked_before_anything_is_stored(db: Db) {
    // This server keeps feeds off loopback and private networks, as production does.
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    let m0 = &setup.members[0];
    let feeds = FeedServer::start().await;
    feeds.publish("/feed.ics", &calendar(&[]));
    for url in [
        feeds.url("/feed.ics"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[::1]:8080/cal.ics".to_owned(),
        "file:///etc/passwd".to_owned(),
        "not a url".to_owned(),
    ] {
        let (status, body) = connect(&app, &setup.admin, m0, &url).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {body}");
        assert_eq!(failing_fields(&body), vec!["ical_url"], "{url}: {body}");
    }
    assert_eq!(feeds.requests(), 0, "nothing was fetched");

    let (status, body) = app
        .post(
            &format!("/users/{m0}/calendar-integrations"),
            &setup.admin,
            json!({"integration_type": "google"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("/oauth/google/start"), "{body}");
    let (status, body) = app
        .post(
            &format!("/users/{m0}/calendar-integrations"),
            &setup.admin,
            json!({"integration_type": "caldav", "ical_url": "https://example.com/c.ics"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), vec!["integration_type"]);
    assert_eq!(
        app.db_count("SELECT COUNT(*) FROM calendar_integrations")
            .await,
        0
    );
}

async fn only_the_owner_or_a_system_manager_connects_a_calendar_and_leaders_see_its_status(db: Db) {
    let app = TestApp::spawn_with(db, &LOOPBACK_FEEDS).await;
    let setup = support(&app, 2, json!({})).await;
    let (m0, m1) = (&setup.members[0], &setup.members[1]);
    let leader = app
        .login("m0@example.com", mm_blackbox_tests::MEMBER_PASSWORD)
        .await;
    let member = app
        .login("m1@example.com", mm_blackbox_tests::MEMBER_PASSWORD)
        .await;
    let feeds = FeedServer::start().await;
    feeds.publish("/m1.ics", &calendar(&[]));

    // The member connects their own calendar, twice refused.
    let (status, connected) = connect(&app, &member, m1, &feeds.url("/m1.ics")).await;
    assert_eq!(status, StatusCode::CREATED, "{connected}");
    let (status, body) = connect(&app, &member, m1, &feeds.url("/m1.ics")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // Their leader sees it and may sync it, but neither connects nor removes it for them.
    let (status, list) = app
        .get(&format!("/users/{m1}/calendar-integrations"), &leader)
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 1);
    let id = connected["id"].as_str().unwrap();
    sync_calendar(&app, &leader, id).await;
    // A feed can only be read, and only its owner changes it.
    let (status, body) = app
        .patch(
            &format!("/calendar-integrations/{id}"),
            &member,
            json!({"sync_direction": "two_way"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), ["sync_direction"]);
    let (status, _) = app
        .patch(
            &format!("/calendar-integrations/{id}"),
            &leader,
            json!({"integration_name": "Mine now"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = connect(&app, &leader, m1, &feeds.url("/m1.ics")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .delete(&format!("/calendar-integrations/{id}"), &leader)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A member neither sees nor touches a colleague's calendars.
    let (status, _) = app
        .get(&format!("/users/{m0}/calendar-integrations"), &member)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = connect(&app, &member, m0, &feeds.url("/m1.ics")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, _) = app
        .delete(&format!("/calendar-integrations/{id}"), &member)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}
