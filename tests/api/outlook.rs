//! Microsoft Outlook through OAuth and Graph: the member consents, the server reads the default
//! calendar's `calendarView/delta` (pages, then only changes, and in full again when Graph lost
//! the delta state), refreshes tokens with the scopes Microsoft wants again, waits out `429`, and
//! writes bookings into the calendar with a Teams link. Graph is a local fake speaking its JSON.

use mm_blackbox_tests::{
    Db, MEMBER_PASSWORD, TestApp, at, booking_when, calendars_of, eventually, free_members_at,
    microsoft::{ACCOUNT, FakeGraph},
    next_monday, on_both_databases, support, sync_calendar,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::google::{connect_with, rfc3339};

on_both_databases!(
    a_member_connects_outlook_its_delta_keeps_the_slots_current_and_bookings_land_with_teams,
);

async fn spawn(db: Db, graph: &FakeGraph) -> TestApp {
    let mut env = graph.env();
    env.push(("MM_PUBLIC_BOOKING_RATE_LIMIT".into(), "0".into()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    TestApp::spawn_with(db, &env).await
}

/// Waits until Outlook holds exactly `count` live events with `text` in the subject.
async fn outlook_events(graph: &FakeGraph, text: &str, count: usize) -> Vec<Value> {
    eventually(
        &format!("{count} events with {text:?} in Outlook"),
        || async {
            let events = graph.events_titled(text);
            (events.len() == count).then_some(events)
        },
    )
    .await
}

fn delta_calls(graph: &FakeGraph) -> Vec<String> {
    graph
        .requests()
        .into_iter()
        .filter(|r| r.contains("/calendarView/delta"))
        .collect()
}

async fn a_member_connects_outlook_its_delta_keeps_the_slots_current_and_bookings_land_with_teams(
    db: Db,
) {
    let graph = FakeGraph::start().await;
    let app = spawn(db, &graph).await;
    let setup = support(
        &app,
        2,
        json!({"location_type": "video_call", "video_platform": "microsoft_teams"}),
    )
    .await;
    let m0 = &setup.members[0];
    let member = app.login("m0@example.com", MEMBER_PASSWORD).await;
    let monday = next_monday();
    let (ten, eleven, noon, two) = (
        at(monday, 10, 0),
        at(monday, 11, 0),
        at(monday, 12, 0),
        at(monday, 14, 0),
    );
    graph.put_event("AAMkAGdentist=", &ten, &eleven, "Dentist");
    graph.put_event("AAMkAGlunch=", &noon, &at(monday, 13, 0), "Lunch");
    graph.put_event("AAMkAGreview=", &two, &at(monday, 15, 0), "Review");

    let (_, offered) = app.get("/oauth/providers", &member).await;
    assert_eq!(offered, json!({"google": false, "outlook": true}));
    let landed = connect_with(&app, &member, "outlook").await;
    assert!(
        landed.starts_with("/admin/calendars?connected="),
        "{landed}"
    );
    let connected = calendars_of(&app, &member, m0).await;
    let calendar = &connected[0];
    assert_eq!(calendar["integration_type"], "outlook");
    assert_eq!(calendar["source"], ACCOUNT);
    assert_eq!(calendar["sync_status"], "success", "{calendar}");
    assert_eq!(calendar["events_synced"], 3);
    assert!(!graph.any_token_in(&calendar.to_string()));
    assert_eq!(delta_calls(&graph).len(), 2, "two pages");
    assert_eq!(free_members_at(&app, &ten).await, 1);
    let id = calendar["id"].as_str().unwrap().to_owned();

    // Changes only, through the delta link: the dentist moves to 16:00, the review is deleted.
    graph.put_event(
        "AAMkAGdentist=",
        &at(monday, 16, 0),
        &at(monday, 17, 0),
        "Dentist",
    );
    graph.delete_event("AAMkAGreview=");
    let synced = sync_calendar(&app, &member, &id).await;
    assert_eq!(synced["status"], "success", "{synced}");
    assert_eq!(
        (synced["updated"].as_u64(), synced["removed"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(
        delta_calls(&graph)[2].contains("$deltatoken="),
        "{:?}",
        delta_calls(&graph)
    );
    assert_eq!(free_members_at(&app, &ten).await, 2);
    assert_eq!(free_members_at(&app, &two).await, 2);

    // Graph lost the delta state and asked us to slow down once: a full read, after a second.
    graph.lose_delta_state();
    graph.rate_limit_next(1);
    graph.put_event("AAMkAGreview=", &two, &at(monday, 15, 0), "Review");
    let before = delta_calls(&graph).len();
    let synced = sync_calendar(&app, &member, &id).await;
    assert_eq!(synced["status"], "success", "{synced}");
    assert_eq!(synced["events_synced"], 3);
    let calls = delta_calls(&graph)[before..].to_vec();
    assert!(calls[0].contains("$deltatoken="), "{calls:?}");
    assert!(
        calls.iter().any(|c| c.contains("startDateTime=")),
        "{calls:?}"
    );
    assert_eq!(free_members_at(&app, &two).await, 1);

    // An access token Graph stopped honouring is refreshed, with the scopes asked for again.
    graph.expire_access_tokens();
    assert_eq!(sync_calendar(&app, &member, &id).await["status"], "success");
    let refresh = graph
        .token_forms()
        .into_iter()
        .find(|f| f["grant_type"] == "refresh_token")
        .expect("a refresh");
    assert!(
        refresh["scope"].contains("Calendars.ReadWrite"),
        "{refresh:?}"
    );

    // A booking for member 0 lands in Outlook with a Teams meeting, moves, and is deleted.
    let (status, booking) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({"meeting_type_id": setup.call, "assigned_to": m0, "start_utc": at(monday, 9, 0),
                   "customer_name": "Bo Berg", "customer_email": "bo@customer.com",
                   "customer_phone": "+45 12 34 56 78", "customer_timezone": "Europe/Copenhagen"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");
    let booking_id = booking["id"].as_str().unwrap();
    let event = &outlook_events(&graph, "Bo Berg", 1).await[0];
    assert_eq!(
        rfc3339(&format!(
            "{}Z",
            &event["start"]["dateTime"].as_str().unwrap()[..19]
        )),
        rfc3339(&at(monday, 9, 0))
    );
    let teams = event["onlineMeeting"]["joinUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    booking_when(&app, &setup.admin, booking_id, "the Teams link", |b| {
        b["meeting_link"] == teams.as_str()
    })
    .await;
    let (status, body) = app
        .post(
            &format!("/bookings/{booking_id}/reschedule"),
            &setup.admin,
            json!({"start_utc": at(monday, 15, 0)}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let moved = eventually("the event moved", || async {
        let events = graph.events_titled("Bo Berg");
        let start = events
            .first()
            .and_then(|e| e["start"]["dateTime"].as_str())
            .map(|s| rfc3339(&format!("{}Z", &s[..19])));
        (start == Some(rfc3339(&at(monday, 15, 0)))).then_some(events)
    })
    .await;
    assert_eq!(moved[0]["id"], event["id"], "updated, not recreated");
    let (status, body) = app
        .post(
            &format!("/bookings/{booking_id}/cancel"),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    outlook_events(&graph, "Bo Berg", 0).await;

    // Disconnecting deletes the tokens (Microsoft has no revocation endpoint) and the events.
    let (status, body) = app
        .delete(&format!("/calendar-integrations/{id}"), &member)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(free_members_at(&app, &two).await, 2);
}
