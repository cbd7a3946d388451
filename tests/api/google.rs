//! Google Calendar through OAuth: a member consents (PKCE and a single-use `state`), the server
//! keeps sealed tokens, reads the primary calendar in full and then incrementally, refreshes
//! tokens, follows pages, waits out `429`, starts over when Google calls the sync token stale,
//! and revokes its access on disconnect. Google is a local fake speaking its real JSON.

use mm_blackbox_tests::{
    Db, MEMBER_PASSWORD, TestApp, assert_error, at, booking_when, calendars_of, eventually,
    free_members_at,
    google::{ACCOUNT, FakeGoogle},
    next_monday, on_both_databases, support, sync_calendar,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_member_connects_google_and_its_busy_events_leave_the_public_slots,
    tokens_are_refreshed_before_they_expire_and_a_lost_grant_asks_to_reconnect,
    a_stale_sync_token_reads_everything_again_and_a_429_is_waited_out,
    a_consent_returns_once_to_the_member_who_started_it,
    bookings_are_written_to_the_hosts_google_calendar_and_follow_every_change,
    an_erased_customer_leaves_the_events_of_meetings_long_over,
);

async fn spawn(db: Db, google: &FakeGoogle) -> TestApp {
    let mut env = google.env();
    env.push(("MM_PUBLIC_BOOKING_RATE_LIMIT".into(), "0".into()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    TestApp::spawn_with(db, &env).await
}

/// A browser of its own (with its cookies) that shows redirects instead of following them, as
/// the tests walk the browser's way.
pub(super) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

pub(super) fn location(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::FOUND, "a redirect");
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// Starts a connection in `browser` as the staff app does and returns the consent page's
/// address.
async fn start(app: &TestApp, browser: &reqwest::Client, token: &str) -> String {
    start_with(app, browser, token, "google").await
}

pub(super) async fn start_with(
    app: &TestApp,
    browser: &reqwest::Client,
    token: &str,
    provider: &str,
) -> String {
    let answer: Value = browser
        .get(app.url(&format!("/api/v1/oauth/{provider}/start")))
        .bearer_auth(token)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["authorization_url"]
        .as_str()
        .unwrap_or_else(|| panic!("{answer}"))
        .to_owned()
}

/// Walks the whole consent: start, Google's consent page, the callback. Returns where the
/// browser lands in the staff app.
async fn connect(app: &TestApp, token: &str) -> String {
    connect_with(app, token, "google").await
}

pub(super) async fn connect_with(app: &TestApp, token: &str, provider: &str) -> String {
    let browser = browser();
    let consent = start_with(app, &browser, token, provider).await;
    let callback = location(&browser.get(&consent).send().await.unwrap());
    assert!(
        callback.starts_with(&app.url(&format!("/api/v1/oauth/{provider}/callback?"))),
        "{callback}"
    );
    location(&browser.get(&callback).send().await.unwrap())
}

fn events_calls(google: &FakeGoogle) -> Vec<String> {
    google
        .requests()
        .into_iter()
        .filter(|r| r.contains("/events"))
        .collect()
}

async fn a_member_connects_google_and_its_busy_events_leave_the_public_slots(db: Db) {
    let google = FakeGoogle::start().await;
    let app = spawn(db, &google).await;
    let setup = support(&app, 2, json!({})).await;
    let m0 = &setup.members[0];
    let member = app.login("m0@example.com", MEMBER_PASSWORD).await;
    let monday = next_monday();
    let (ten, eleven, two) = (at(monday, 10, 0), at(monday, 11, 0), at(monday, 14, 0));
    // Three events: more than one page of Google's answer.
    google.put_event("dentist", &ten, &eleven, "Dentist");
    google.put_event("lunch", &at(monday, 12, 0), &at(monday, 13, 0), "Lunch");
    google.put_event("review", &two, &at(monday, 15, 0), "Review");
    assert_eq!(free_members_at(&app, &ten).await, 2);

    let (status, offered) = app.get("/oauth/providers", &member).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(offered, json!({"google": true, "outlook": false}));
    let consent = start(&app, &browser(), &member).await;
    let consent_url = url::Url::parse(&consent).unwrap();
    let asked: std::collections::HashMap<_, _> = consent_url.query_pairs().into_owned().collect();
    assert_eq!(asked["code_challenge_method"], "S256");
    assert_eq!(asked["access_type"], "offline");
    assert_eq!(
        asked["redirect_uri"],
        app.url("/api/v1/oauth/google/callback")
    );
    // Without `Accept: application/json` the start is a plain redirect to Google.
    let redirect = browser()
        .get(app.url("/api/v1/oauth/google/start"))
        .bearer_auth(&member)
        .send()
        .await
        .unwrap();
    assert!(location(&redirect).starts_with(&format!("{}/o/oauth2/v2/auth?", google.base)));

    let landed = connect(&app, &member).await;
    assert!(
        landed.starts_with("/admin/calendars?connected="),
        "{landed}"
    );
    let connected = calendars_of(&app, &member, m0).await;
    assert_eq!(connected.len(), 1, "{connected:?}");
    let calendar = &connected[0];
    assert_eq!(calendar["integration_type"], "google");
    assert_eq!(calendar["sync_direction"], "two_way");
    assert_eq!(calendar["source"], ACCOUNT);
    assert_eq!(calendar["sync_status"], "success", "{calendar}");
    assert_eq!(calendar["events_synced"], 3);
    assert_eq!(
        free_members_at(&app, &ten).await,
        1,
        "member 0 is at the dentist"
    );
    assert_eq!(free_members_at(&app, &two).await, 1);

    // Tokens are sealed at rest and never sent back.
    assert!(!google.any_token_in(&calendar.to_string()));
    assert_eq!(
        app.db_count(
            "SELECT COUNT(*) FROM calendar_integrations \
             WHERE access_token_encrypted LIKE 'v1:%' AND refresh_token_encrypted LIKE 'v1:%' \
             AND access_token_encrypted NOT LIKE '%ya29%'"
        )
        .await,
        1
    );
    let first_read = events_calls(&google);
    assert_eq!(first_read.len(), 2, "two pages: {first_read:?}");
    assert!(first_read.iter().all(|r| r.contains("timeMin=")));
    assert!(first_read[1].contains("pageToken=2"));

    // The dentist moves to 14:00 and the review is deleted: the next sync asks only for changes.
    google.put_event("dentist", &two, &at(monday, 15, 0), "Dentist");
    google.cancel_event("review");
    let id = calendar["id"].as_str().unwrap();
    let synced = sync_calendar(&app, &member, id).await;
    assert_eq!(synced["status"], "success", "{synced}");
    assert_eq!(
        (synced["updated"].as_u64(), synced["removed"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(synced["events_synced"], 2);
    let incremental = events_calls(&google);
    assert!(
        incremental[2].contains("syncToken=sync-3") && !incremental[2].contains("timeMin"),
        "{incremental:?}"
    );
    assert_eq!(free_members_at(&app, &ten).await, 2);
    assert_eq!(free_members_at(&app, &two).await, 1);

    // Disconnecting revokes the grant at Google and frees the member.
    let (status, body) = app
        .delete(&format!("/calendar-integrations/{id}"), &member)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let revoked = google.revoked();
    assert_eq!(revoked.len(), 1);
    assert!(
        revoked[0].starts_with("1//"),
        "the refresh token: {revoked:?}"
    );
    assert_eq!(free_members_at(&app, &two).await, 2);
    assert_eq!(
        app.db_count("SELECT COUNT(*) FROM calendar_integrations")
            .await,
        0
    );
}

async fn tokens_are_refreshed_before_they_expire_and_a_lost_grant_asks_to_reconnect(db: Db) {
    let google = FakeGoogle::start().await;
    let app = spawn(db, &google).await;
    let setup = support(&app, 1, json!({})).await;
    let m0 = &setup.members[0];
    let member = app.login("m0@example.com", MEMBER_PASSWORD).await;
    let monday = next_monday();
    let ten = at(monday, 10, 0);
    google.put_event("dentist", &ten, &at(monday, 11, 0), "Dentist");

    // Google hands out tokens that live one minute: each sync refreshes before reading.
    google.set_token_lifetime(60);
    connect(&app, &member).await;
    let id = calendars_of(&app, &member, m0).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = google.requests().len();
    assert_eq!(sync_calendar(&app, &member, &id).await["status"], "success");
    let calls: Vec<String> = google.requests()[before..].to_vec();
    assert!(
        calls[0].starts_with("POST /token"),
        "refresh first: {calls:?}"
    );
    assert!(calls[1].contains("/events"), "{calls:?}");

    // A token Google stopped honouring early is refreshed once and the read repeated.
    google.set_token_lifetime(3599);
    assert_eq!(sync_calendar(&app, &member, &id).await["status"], "success");
    google.expire_access_tokens();
    let before = google.requests().len();
    let synced = sync_calendar(&app, &member, &id).await;
    assert_eq!(synced["status"], "success", "{synced}");
    let calls: Vec<String> = google.requests()[before..].to_vec();
    assert_eq!(calls.len(), 3, "events (401), refresh, events: {calls:?}");

    // The member removes our access in their Google account: the sync fails with what to do,
    // and the busy times of the last good sync stay.
    google.revoke_everything();
    let failed = sync_calendar(&app, &member, &id).await;
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .contains("connect the calendar again"),
        "{failed}"
    );
    assert_eq!(failed["events_synced"], 1);
    assert_eq!(free_members_at(&app, &ten).await, 0);
    let shown = &calendars_of(&app, &member, m0).await[0];
    assert_eq!(shown["sync_status"], "failed");

    // A booking made meanwhile cannot be written; the booking says why.
    let (status, booking) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({"meeting_type_id": setup.call, "assigned_to": m0, "start_utc": at(monday, 14, 0),
                   "customer_name": "Dee Eck", "customer_email": "dee@customer.com",
                   "customer_phone": "+45 12 34 56 78", "customer_timezone": "Europe/Copenhagen"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");
    let booking_id = booking["id"].as_str().unwrap();
    booking_when(&app, &setup.admin, booking_id, "the write error", |b| {
        b["calendar_sync_error"]
            .as_str()
            .is_some_and(|e| e.contains("connect the calendar again"))
    })
    .await;

    // Connecting again renews the same calendar, and the waiting booking is written at once.
    connect(&app, &member).await;
    google_events(&google, "Dee Eck", 1).await;
    let renewed = calendars_of(&app, &member, m0).await;
    assert_eq!(renewed.len(), 1);
    assert_eq!(renewed[0]["id"], id.as_str());
    assert_eq!(renewed[0]["sync_status"], "success", "{}", renewed[0]);
}

async fn a_stale_sync_token_reads_everything_again_and_a_429_is_waited_out(db: Db) {
    let google = FakeGoogle::start().await;
    let app = spawn(db, &google).await;
    let setup = support(&app, 1, json!({})).await;
    let m0 = &setup.members[0];
    let member = app.login("m0@example.com", MEMBER_PASSWORD).await;
    let monday = next_monday();
    let (ten, noon) = (at(monday, 10, 0), at(monday, 12, 0));
    google.put_event("dentist", &ten, &at(monday, 11, 0), "Dentist");
    connect(&app, &member).await;
    let id = calendars_of(&app, &member, m0).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Google forgot the sync token (410 Gone): the sync reads the window again.
    google.make_sync_tokens_stale();
    google.cancel_event("dentist");
    google.put_event("lunch", &noon, &at(monday, 13, 0), "Lunch");
    let before = events_calls(&google).len();
    let synced = sync_calendar(&app, &member, &id).await;
    assert_eq!(synced["status"], "success", "{synced}");
    assert_eq!(synced["events_synced"], 1);
    assert_eq!(
        synced["removed"], 1,
        "the dentist vanished from the full read"
    );
    let calls = events_calls(&google)[before..].to_vec();
    assert!(calls[0].contains("syncToken="), "{calls:?}");
    assert!(calls[1].contains("timeMin="), "{calls:?}");
    assert_eq!(free_members_at(&app, &ten).await, 1);
    assert_eq!(free_members_at(&app, &noon).await, 0);

    // Too many requests: Google says to retry after a second, and the sync does.
    google.rate_limit_next(1);
    google.put_event("dentist", &ten, &at(monday, 11, 0), "Dentist");
    let before = events_calls(&google).len();
    let synced = sync_calendar(&app, &member, &id).await;
    assert_eq!(synced["status"], "success", "{synced}");
    assert_eq!(synced["added"], 1);
    assert_eq!(
        events_calls(&google).len() - before,
        2,
        "refused once, then read"
    );
    assert_eq!(free_members_at(&app, &ten).await, 0);
}

async fn a_consent_returns_once_to_the_member_who_started_it(db: Db) {
    let google = FakeGoogle::start().await;
    let app = spawn(db, &google).await;
    let setup = support(&app, 2, json!({})).await;
    let member = app.login("m1@example.com", MEMBER_PASSWORD).await;

    // A consent is finished only in the browser that started it: a consent link sent to someone
    // else connects nothing, and stays usable where it began.
    let members_browser = browser();
    let consent = start(&app, &members_browser, &member).await;
    let callback = location(&members_browser.get(&consent).send().await.unwrap());
    let elsewhere = location(&browser().get(&callback).send().await.unwrap());
    assert!(
        elsewhere.starts_with("/admin/calendars?connect_error=")
            && elsewhere.contains("browser+you+started+in"),
        "{elsewhere}"
    );
    assert_eq!(
        calendars_of(&app, &member, &setup.members[1]).await.len(),
        0
    );

    // The consent comes back once; the same link again, or a made-up state, connects nothing.
    let landed = location(&members_browser.get(&callback).send().await.unwrap());
    assert!(
        landed.starts_with("/admin/calendars?connected="),
        "{landed}"
    );
    let again = location(&members_browser.get(&callback).send().await.unwrap());
    assert!(
        again.starts_with("/admin/calendars?connect_error=") && again.contains("already+used"),
        "{again}"
    );
    let forged = location(
        &browser()
            .get(app.url("/api/v1/oauth/google/callback?state=made-up&code=4%2F0Ab-code-1"))
            .send()
            .await
            .unwrap(),
    );
    assert!(
        forged.starts_with("/admin/calendars?connect_error="),
        "{forged}"
    );
    // The calendar is the one who started, not anyone else's.
    assert_eq!(
        calendars_of(&app, &member, &setup.members[1]).await.len(),
        1
    );
    assert_eq!(
        calendars_of(&app, &setup.admin, &setup.members[0])
            .await
            .len(),
        0
    );

    // Declining at Google comes back as a sentence, not a connection.
    let consent = start(&app, &members_browser, &member).await;
    let state = url::Url::parse(&consent)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let declined = location(
        &members_browser
            .get(app.url(&format!(
                "/api/v1/oauth/google/callback?error=access_denied&state={state}"
            )))
            .send()
            .await
            .unwrap(),
    );
    assert!(declined.contains("access+was+not+granted"), "{declined}");

    // Starting needs a signed-in person and a configured provider.
    let anonymous = browser()
        .get(app.url("/api/v1/oauth/google/start"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let (status, body) = app.get("/oauth/outlook/start", &member).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("not configured"), "{body}");
    let (status, body) = app.get("/oauth/ical/start", &member).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_error(&body, "not_found");
}

/// Waits until Google holds exactly `count` live events titled with `text`, and returns them.
async fn google_events(google: &FakeGoogle, text: &str, count: usize) -> Vec<Value> {
    eventually(
        &format!("{count} events titled {text:?} in Google"),
        || async {
            let events = google.events_titled(text);
            (events.len() == count).then_some(events)
        },
    )
    .await
}

pub(super) fn rfc3339(instant: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(instant)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

async fn bookings_are_written_to_the_hosts_google_calendar_and_follow_every_change(db: Db) {
    let google = FakeGoogle::start().await;
    let app = spawn(db, &google).await;
    let setup = support(
        &app,
        2,
        json!({"location_type": "video_call", "video_platform": "google_meet"}),
    )
    .await;
    let (m0, m1) = (&setup.members[0], &setup.members[1]);
    let member = app.login("m0@example.com", MEMBER_PASSWORD).await;
    connect(&app, &member).await;
    // A second process writes too: each change is still written once.
    let _second = app.second_process().await;
    let monday = next_monday();
    let (ten, eleven, two) = (at(monday, 10, 0), at(monday, 11, 0), at(monday, 14, 0));

    // Booked for member 0: the meeting appears in their Google calendar with a Meet link.
    let (status, booking) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({"meeting_type_id": setup.call, "assigned_to": m0, "start_utc": ten,
                   "customer_name": "Ann Smith", "customer_email": "ann@customer.com",
                   "customer_phone": "+45 12 34 56 78", "customer_timezone": "Europe/London",
                   "customer_notes": "About the invoice"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");
    let id = booking["id"].as_str().unwrap();
    let event = &google_events(&google, "Ann Smith", 1).await[0];
    assert_eq!(
        rfc3339(event["start"]["dateTime"].as_str().unwrap()),
        rfc3339(&ten)
    );
    assert_eq!(
        rfc3339(event["end"]["dateTime"].as_str().unwrap()),
        rfc3339(&eleven)
    );
    let description = event["description"].as_str().unwrap();
    assert!(
        description.contains(booking["booking_reference"].as_str().unwrap())
            && description.contains("ann@customer.com")
            && description.contains("About the invoice"),
        "{description}"
    );
    let meet = event["hangoutLink"].as_str().unwrap().to_owned();
    let shown = booking_when(&app, &setup.admin, id, "the Meet link", |b| {
        b["meeting_link"] == meet.as_str()
    })
    .await;
    assert!(
        shown["external_calendar_link"]
            .as_str()
            .is_some_and(|l| l.starts_with("https://www.google.com/calendar/event?eid=")),
        "{shown}"
    );
    assert!(shown["calendar_sync_error"].is_null(), "{shown}");

    // Reading the calendar back does not count our own booking as an outside busy time.
    let calendar_id = calendars_of(&app, &member, m0).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let synced = sync_calendar(&app, &member, &calendar_id).await;
    assert_eq!(synced["events_synced"], 0, "{synced}");

    // Rescheduled: the same event moves.
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reschedule"),
            &setup.admin,
            json!({"start_utc": two}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let moved = eventually("the event moved", || async {
        let events = google.events_titled("Ann Smith");
        let start = events
            .first()
            .and_then(|e| e["start"]["dateTime"].as_str().map(rfc3339));
        (events.len() == 1 && start == Some(rfc3339(&two))).then_some(events)
    })
    .await;
    assert_eq!(moved[0]["id"], event["id"], "updated, not recreated");

    // Reassigned to member 1, who has no calendar connected: it leaves member 0's calendar;
    // back to member 0, it returns.
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reassign"),
            &setup.admin,
            json!({"assigned_to": m1, "reason": "Holiday"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    google_events(&google, "Ann Smith", 0).await;
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reassign"),
            &setup.admin,
            json!({"assigned_to": m0, "reason": "Back"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    google_events(&google, "Ann Smith", 1).await;

    assert_eq!(
        google
            .requests()
            .iter()
            .filter(|r| r.starts_with("POST /calendar/v3/calendars/"))
            .count(),
        2,
        "created twice in all: when booked and when reassigned back"
    );

    // Reading only: our events leave the calendar; writing again: they come back.
    let (status, changed) = app
        .patch(
            &format!("/calendar-integrations/{calendar_id}"),
            &member,
            json!({"sync_direction": "read_only"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["sync_direction"], "read_only");
    google_events(&google, "Ann Smith", 0).await;
    let (status, _) = app
        .patch(
            &format!("/calendar-integrations/{calendar_id}"),
            &member,
            json!({"sync_direction": "two_way", "integration_name": "Work"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    google_events(&google, "Ann Smith", 1).await;
    assert_eq!(
        calendars_of(&app, &member, m0).await[0]["integration_name"],
        "Work"
    );

    // Cancelled: deleted from the calendar.
    let (status, body) = app
        .post(&format!("/bookings/{id}/cancel"), &setup.admin, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    google_events(&google, "Ann Smith", 0).await;
    assert!(
        google
            .requests()
            .iter()
            .any(|r| r.starts_with("DELETE /calendar/v3/calendars/")),
        "{:?}",
        google.requests()
    );
}

async fn an_erased_customer_leaves_the_events_of_meetings_long_over(db: Db) {
    let google = FakeGoogle::start().await;
    let app = spawn(db, &google).await;
    let setup = support(&app, 1, json!({})).await;
    let member = app.login("m0@example.com", MEMBER_PASSWORD).await;
    connect(&app, &member).await;
    let (status, booking) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({"meeting_type_id": setup.call, "assigned_to": setup.members[0],
                   "start_utc": at(next_monday(), 10, 0),
                   "customer_name": "Erin Gone", "customer_email": "erin@customer.com",
                   "customer_phone": "+45 12 34 56 78"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");
    let id = booking["id"].as_str().unwrap();
    let written = google_events(&google, "Erin Gone", 1).await;

    // The meeting took place two months ago, far beyond the writer's usual reach.
    let start = chrono::Utc::now() - chrono::Duration::days(60);
    app.db_set_booking_times(id, start, start + chrono::Duration::hours(1))
        .await;
    let (status, erased) = app
        .post(
            "/customers/erase",
            &setup.admin,
            json!({"email": "erin@customer.com"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{erased}");
    google_events(&google, "Erin Gone", 0).await;
    let anonymised = google_events(&google, "Erased customer", 1).await;
    assert_eq!(
        anonymised[0]["id"], written[0]["id"],
        "the same event, rewritten"
    );
    let description = anonymised[0]["description"].as_str().unwrap_or_default();
    assert!(!description.contains("erin@customer.com"), "{description}");
}
