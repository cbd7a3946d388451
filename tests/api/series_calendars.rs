//! A series in its host's Google or Outlook calendar: one recurring event in the department's
//! zone, whose occurrences are the meetings; a moved meeting patches its occurrence, a cancelled
//! one deletes it, and cancelling the rest deletes the event. The providers are local fakes that
//! expand the rule with an independent `RRULE` implementation.

use chrono::Days;
use mm_blackbox_tests::{
    Db, MEMBER_PASSWORD, TestApp, at, calendars_of, eventually, google::FakeGoogle,
    microsoft::FakeGraph, on_both_databases, support, sync_calendar,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{
    google::{connect_with, rfc3339},
    series::{meetings, series_request, tuesday_before_the_march_change},
};

on_both_databases!(
    a_series_is_one_recurring_google_event_and_each_changed_meeting_its_occurrence,
    a_series_is_one_recurring_outlook_event_and_each_changed_meeting_its_occurrence,
);

/// A provider fake as this test reads it.
enum Provider {
    Google(FakeGoogle),
    Outlook(FakeGraph),
}

impl Provider {
    fn env(&self) -> Vec<(String, String)> {
        match self {
            Self::Google(google) => google.env(),
            Self::Outlook(graph) => graph.env(),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Self::Google(_) => "google",
            Self::Outlook(_) => "outlook",
        }
    }

    /// The live occurrences (and single events) titled with `text`, by start.
    fn events(&self, text: &str) -> Vec<Value> {
        let mut events = match self {
            Self::Google(google) => google.events_titled(text),
            Self::Outlook(graph) => graph.events_titled(text),
        };
        events.sort_by_key(|e| rfc3339(&start_of(e)));
        events
    }

    /// The live recurring events titled with `text`.
    fn recurring(&self, text: &str) -> Vec<Value> {
        match self {
            Self::Google(google) => google.recurring_events_titled(text),
            Self::Outlook(graph) => graph.series_masters_titled(text),
        }
    }

    fn requests(&self) -> Vec<String> {
        match self {
            Self::Google(google) => google.requests(),
            Self::Outlook(graph) => graph.requests(),
        }
    }

    /// Requests that made an event.
    fn inserts(&self) -> usize {
        self.requests()
            .iter()
            .filter(|r| {
                r.starts_with("POST /calendar/v3/calendars/")
                    || r.starts_with("POST /v1.0/me/events")
            })
            .count()
    }
}

/// An event's start as RFC 3339 (Graph writes UTC without an offset).
fn start_of(event: &Value) -> String {
    let start = event["start"]["dateTime"].as_str().expect("a start");
    match event["start"]["timeZone"].as_str() {
        Some("UTC") if !start.ends_with('Z') => format!("{}Z", &start[..19]),
        _ => start.to_owned(),
    }
}

/// Waits until the provider shows exactly the meetings starting at `starts` (contract
/// instants) as live events, and returns them by start.
async fn shown_at(provider: &Provider, starts: &[String]) -> Vec<Value> {
    let wanted: Vec<_> = starts.iter().map(|s| rfc3339(s)).collect();
    eventually(
        &format!("{} events at {starts:?}", provider.name()),
        || async {
            let events = provider.events("Ann Smith");
            let shown: Vec<_> = events.iter().map(|e| rfc3339(&start_of(e))).collect();
            (shown == wanted).then_some(events)
        },
    )
    .await
}

async fn a_series_is_one_recurring_google_event_and_each_changed_meeting_its_occurrence(db: Db) {
    recurring_event_follows_the_series(db, Provider::Google(FakeGoogle::start().await)).await;
}

async fn a_series_is_one_recurring_outlook_event_and_each_changed_meeting_its_occurrence(db: Db) {
    recurring_event_follows_the_series(db, Provider::Outlook(FakeGraph::start().await)).await;
}

async fn recurring_event_follows_the_series(db: Db, provider: Provider) {
    let env = provider.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let app = TestApp::spawn_with(db, &env).await;
    let setup = support(&app, 2, json!({})).await;
    let host = &setup.members[0];
    let member = app.login("m0@example.com", MEMBER_PASSWORD).await;
    connect_with(&app, &member, provider.name()).await;

    // Six weekly meetings at 09:00 Copenhagen, across the change to summer time.
    let first = tuesday_before_the_march_change();
    let (status, booked) = app
        .post(
            "/bookings",
            &setup.admin,
            series_request(&setup.call, host, first, json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let series = booked["series_id"].as_str().unwrap().to_owned();
    let meetings = meetings(&app, &setup.admin, &series).await;
    let ids: Vec<String> = meetings
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    let mut starts: Vec<String> = meetings
        .iter()
        .map(|m| m["start_utc"].as_str().unwrap().to_owned())
        .collect();
    let shown = shown_at(&provider, &starts).await;
    let recurring = provider.recurring("Ann Smith");
    assert_eq!(recurring.len(), 1, "one recurring event: {recurring:?}");
    match &provider {
        Provider::Google(_) => {
            assert_eq!(
                recurring[0]["recurrence"],
                json!(["RRULE:FREQ=WEEKLY;COUNT=6"])
            );
            assert_eq!(recurring[0]["start"]["timeZone"], "Europe/Copenhagen");
        }
        Provider::Outlook(_) => {
            let recurrence = &recurring[0]["recurrence"];
            assert_eq!(recurrence["pattern"]["type"], "weekly", "{recurrence}");
            assert_eq!(recurrence["pattern"]["interval"], 1, "{recurrence}");
            assert_eq!(recurrence["pattern"]["daysOfWeek"], json!(["tuesday"]));
            assert_eq!(recurrence["range"]["numberOfOccurrences"], 6);
            assert_eq!(
                recurrence["range"]["recurrenceTimeZone"],
                "Romance Standard Time"
            );
        }
    }
    assert_eq!(provider.inserts(), 1, "{:?}", provider.requests());

    // Reading the calendar back does not take our own occurrences for outside busy time.
    let calendar = calendars_of(&app, &member, host).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let synced = sync_calendar(&app, &member, &calendar).await;
    assert_eq!(synced["events_synced"], 0, "{synced}");

    // The second meeting moves to 11:00: its occurrence moves, the rest stay.
    let second_day = first + Days::new(7);
    let eleven = at(second_day, 11, 0);
    let (status, body) = app
        .post(
            &format!("/bookings/{}/reschedule", ids[1]),
            &setup.admin,
            json!({"start_utc": eleven}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    starts[1] = eleven;
    let moved = shown_at(&provider, &starts).await;
    assert_eq!(moved[1]["id"], shown[1]["id"], "the same occurrence, moved");
    let master = &recurring[0]["id"];
    for event in &moved {
        let of = match provider {
            Provider::Google(_) => &event["recurringEventId"],
            Provider::Outlook(_) => &event["seriesMasterId"],
        };
        assert_eq!(
            of, master,
            "every meeting an occurrence of the one event: {event}"
        );
    }
    if let Provider::Outlook(_) = provider {
        assert_eq!(moved[1]["type"], "exception");
    }

    // The fourth alone is cancelled: its occurrence goes.
    let cancel = |id: &str, scope: &'static str| {
        let path = format!("/bookings/{id}/cancel");
        let admin = setup.admin.clone();
        let app = &app;
        async move {
            let (status, body) = app
                .post(&path, &admin, json!({"reason": "Holiday", "scope": scope}))
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    };
    cancel(&ids[3], "this").await;
    shown_at(&provider, &[&starts[..3], &starts[4..]].concat()).await;

    // From the fifth on: only the first three are left.
    cancel(&ids[4], "following").await;
    shown_at(&provider, &starts[..3]).await;
    assert_eq!(provider.recurring("Ann Smith").len(), 1);

    // The whole series: the recurring event goes, with one request.
    let deletes = |provider: &Provider| {
        provider
            .requests()
            .iter()
            .filter(|r| r.starts_with("DELETE "))
            .count()
    };
    let before = deletes(&provider);
    cancel(&ids[0], "series").await;
    shown_at(&provider, &[]).await;
    assert!(provider.recurring("Ann Smith").is_empty());
    assert_eq!(deletes(&provider) - before, 1, "{:?}", provider.requests());
    assert_eq!(provider.inserts(), 1, "never made again");
}
