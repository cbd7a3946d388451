//! Recurring series booked by staff: every meeting at the same local time across a DST change,
//! a misfit named with its reasons and left out on request, one email with one invite whose
//! rule calendar programs expand to the meetings held.

use chrono::{Datelike, Days, NaiveDate, TimeZone as _, Utc, Weekday};
use chrono_tz::Europe::Copenhagen;
use mm_blackbox_tests::{
    Db, TestApp, assert_error, at, invite, on_both_databases, smtp::MailCatcher, support,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    staff_book_a_weekly_series_that_keeps_nine_oclock_across_the_march_change,
    a_series_with_a_taken_meeting_names_it_and_books_the_rest_when_told_to_skip_it,
    staff_cancel_one_meeting_then_the_following_then_the_whole_series_with_one_invite_each,
    a_customer_books_a_weekly_series_at_a_time_free_for_all_six_meetings_and_not_where_the_fourth_collides,
    the_customers_one_link_cancels_the_meeting_they_pick_and_keeps_serving_the_rest,
    a_series_waiting_for_approval_is_approved_or_rejected_as_one_with_one_email,
    staff_move_a_series_from_its_third_meeting_to_thursdays_at_ten_then_give_it_all_to_another_member,
    the_customers_link_moves_their_series_from_the_second_meeting_on_and_names_one_that_cannot_move,
    a_repeat_asked_of_a_month_too_far_ahead_to_offer_is_still_checked,
);

/// The Tuesday two weeks before the next last Sunday of March at least a week away: a
/// weekly series of six from it crosses Copenhagen's change to summer time after its second.
pub(super) fn tuesday_before_the_march_change() -> NaiveDate {
    let today = Utc::now().with_timezone(&Copenhagen).date_naive();
    let mut year = today.year();
    loop {
        let last_sunday = (1..=31)
            .rev()
            .filter_map(|day| NaiveDate::from_ymd_opt(year, 3, day))
            .find(|d| d.weekday() == Weekday::Sun)
            .expect("March has a Sunday");
        let tuesday = last_sunday - Days::new(12);
        if tuesday > today + Days::new(7) {
            return tuesday;
        }
        year += 1;
    }
}

pub(super) fn series_request(call: &str, host: &str, first: NaiveDate, extra: Value) -> Value {
    let mut body = json!({
        "meeting_type_id": call, "assigned_to": host, "start_utc": at(first, 9, 0),
        "customer_name": "Ann Smith", "customer_email": "ann@customer.com",
        "customer_phone": "+45 12 34 56 78",
        "recurrence": {"frequency": "weekly", "count": 6},
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body
}

/// A customer's public request for a series of `count` meetings from `start_utc`.
fn customer_series(start_utc: &str, email: &str, frequency: &str, count: u32) -> Value {
    json!({
        "department_slug": "support", "meeting_slug": "call", "start_utc": start_utc,
        "customer_name": "Ann Smith", "customer_email": email,
        "customer_phone": "+45 12 34 56 78", "customer_timezone": "Europe/Copenhagen",
        "recurrence": {"frequency": frequency, "count": count},
    })
}

/// A server sending its emails to a catcher, with no hourly limit on public bookings.
async fn app_with_mail(db: Db) -> (MailCatcher, TestApp) {
    let mail = MailCatcher::start().await;
    let app = TestApp::spawn_with(
        db,
        &[
            ("MM_SMTP_URL", &mail.url()),
            ("MM_PUBLIC_BOOKING_RATE_LIMIT", "0"),
        ],
    )
    .await;
    (mail, app)
}

/// The series' meetings as staff list them, by index.
pub(super) async fn meetings(app: &TestApp, token: &str, series: &str) -> Vec<Value> {
    let (status, body) = app
        .get(&format!("/bookings?series_id={series}&per_page=100"), token)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut items = body["items"].as_array().expect("items").clone();
    items.sort_by_key(|b| b["series_index"].as_u64());
    items
}

/// The local Copenhagen wall-clock time of a contract instant.
fn local(instant: &Value) -> String {
    let utc: chrono::DateTime<Utc> = instant.as_str().expect("an instant").parse().unwrap();
    Copenhagen
        .from_utc_datetime(&utc.naive_utc())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

async fn staff_book_a_weekly_series_that_keeps_nine_oclock_across_the_march_change(db: Db) {
    let mail = MailCatcher::start().await;
    let app = TestApp::spawn_with(db, &[("MM_SMTP_URL", &mail.url())]).await;
    let setup = support(&app, 1, json!({})).await;
    let first = tuesday_before_the_march_change();
    let (status, booked) = app
        .post(
            "/bookings",
            &setup.admin,
            series_request(&setup.call, &setup.members[0], first, json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    assert_eq!(booked["series_index"], 1);
    let series = booked["series_id"].as_str().expect("a series id");

    let meetings = meetings(&app, &setup.admin, series).await;
    let when: Vec<String> = meetings.iter().map(|m| local(&m["start_utc"])).collect();
    let expected: Vec<String> = (0..6)
        .map(|week| format!("{} 09:00", first + Days::new(7 * week)))
        .collect();
    assert_eq!(
        when, expected,
        "nine o'clock local, before and after the change"
    );
    assert!(
        meetings
            .iter()
            .all(|m| m["assigned_to"] == setup.members[0].as_str()),
        "one host for the whole series"
    );
    let indexes: Vec<u64> = meetings
        .iter()
        .map(|m| m["series_index"].as_u64().unwrap())
        .collect();
    assert_eq!(indexes, [1, 2, 3, 4, 5, 6]);

    // One confirmation for the customer, whose invite is the whole series.
    let to_customer = || {
        mail.messages()
            .into_iter()
            .filter(|m| m.rcpt_to.iter().any(|r| r == "ann@customer.com"))
            .collect::<Vec<_>>()
    };
    let email =
        mm_blackbox_tests::eventually("the series' confirmation", || async { to_customer().pop() })
            .await;
    // Whatever else was queued with it has had time to arrive.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(to_customer().len(), 1, "one email for the series");
    assert!(
        email.text.contains("every week, 6 meetings"),
        "{}",
        email.text
    );
    let invite = invite::parse(email.ics.as_deref().expect("an invite"));
    assert_eq!(invite.rrule.as_deref(), Some("FREQ=WEEKLY;COUNT=6"));
    assert_eq!(invite.dtstart_tzid.as_deref(), Some("Europe/Copenhagen"));
    assert_eq!(invite.dtstart, format!("{}T090000", first.format("%Y%m%d")));
    assert_eq!(invite.timezones, ["Europe/Copenhagen"]);
    assert!(invite.exdates.is_empty(), "{invite:?}");
    assert!(
        invite.uid.starts_with(series),
        "the series' UID: {invite:?}"
    );
}

async fn a_series_with_a_taken_meeting_names_it_and_books_the_rest_when_told_to_skip_it(db: Db) {
    let mail = MailCatcher::start().await;
    let app = TestApp::spawn_with(db, &[("MM_SMTP_URL", &mail.url())]).await;
    let setup = support(&app, 1, json!({})).await;
    let host = &setup.members[0];
    let first = tuesday_before_the_march_change();
    let fourth = first + Days::new(21);
    let (status, single) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({
                "meeting_type_id": setup.call, "assigned_to": host,
                "start_utc": at(fourth, 9, 30),
                "customer_name": "Bo Berg", "customer_email": "bo@customer.com",
                "customer_phone": "+45 12 34 56 79",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{single}");

    let (status, refused) = app
        .post(
            "/bookings",
            &setup.admin,
            series_request(&setup.call, host, first, json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_error(&refused, "slot_unavailable");
    let misfits = refused["error"]["details"]["meetings"]
        .as_array()
        .expect("the meetings that do not fit");
    assert_eq!(misfits.len(), 1, "{refused}");
    assert_eq!(misfits[0]["index"], 4);
    assert_eq!(misfits[0]["date"], fourth.to_string());
    assert_eq!(misfits[0]["conflicts"][0]["kind"], "booking");
    assert_eq!(
        app.db_count("SELECT COUNT(*) FROM booking_series").await,
        0,
        "nothing of a refused series is written"
    );

    let (status, wrong) = app
        .post(
            "/bookings",
            &setup.admin,
            series_request(
                &setup.call,
                host,
                first,
                json!({"skip_dates": [(fourth + Days::new(1)).to_string()]}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{wrong}");
    assert_eq!(mm_blackbox_tests::failing_fields(&wrong), ["skip_dates"]);

    let (status, booked) = app
        .post(
            "/bookings",
            &setup.admin,
            series_request(
                &setup.call,
                host,
                first,
                json!({"skip_dates": [fourth.to_string()]}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let series = booked["series_id"].as_str().expect("a series id");
    let indexes: Vec<u64> = meetings(&app, &setup.admin, series)
        .await
        .iter()
        .map(|m| m["series_index"].as_u64().unwrap())
        .collect();
    assert_eq!(indexes, [1, 2, 3, 5, 6]);

    let email = mm_blackbox_tests::eventually("the series' confirmation", || async {
        mail.messages()
            .into_iter()
            .find(|m| m.rcpt_to.iter().any(|r| r == "ann@customer.com"))
    })
    .await;
    let invite = invite::parse(email.ics.as_deref().expect("an invite"));
    assert_eq!(invite.rrule.as_deref(), Some("FREQ=WEEKLY;COUNT=6"));
    assert_eq!(
        invite.exdates,
        [format!("{}T090000", fourth.format("%Y%m%d"))],
        "the skipped meeting is excluded"
    );
}

/// The emails to `address` so far.
fn emails_to(mail: &MailCatcher, address: &str) -> Vec<mm_blackbox_tests::smtp::Received> {
    mail.messages()
        .into_iter()
        .filter(|m| m.rcpt_to.iter().any(|r| r == address))
        .collect()
}

/// The customer's inbox, read one change at a time.
#[derive(Default)]
struct Inbox {
    seen: std::collections::HashSet<String>,
}

impl Inbox {
    /// The invite of the one email to the customer that arrived since the last call.
    async fn next_invite(&mut self, mail: &MailCatcher) -> invite::Invite {
        let fresh = mm_blackbox_tests::eventually("the customer's next email", || async {
            let fresh: Vec<_> = emails_to(mail, "ann@customer.com")
                .into_iter()
                .filter(|m| !self.seen.contains(&m.message_id))
                .collect();
            (!fresh.is_empty()).then_some(fresh)
        })
        .await;
        assert_eq!(fresh.len(), 1, "one email per change: {fresh:?}");
        self.seen.insert(fresh[0].message_id.clone());
        invite::parse(fresh[0].ics.as_deref().expect("an invite"))
    }
}

async fn staff_cancel_one_meeting_then_the_following_then_the_whole_series_with_one_invite_each(
    db: Db,
) {
    let mail = MailCatcher::start().await;
    let app = TestApp::spawn_with(db, &[("MM_SMTP_URL", &mail.url())]).await;
    let setup = support(&app, 1, json!({})).await;
    let first = tuesday_before_the_march_change();
    let (status, booked) = app
        .post(
            "/bookings",
            &setup.admin,
            series_request(&setup.call, &setup.members[0], first, json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let series = booked["series_id"].as_str().unwrap().to_owned();
    let mut inbox = Inbox::default();
    let booked_invite = inbox.next_invite(&mail).await;
    let ids: Vec<String> = meetings(&app, &setup.admin, &series)
        .await
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    let local_nine =
        |week: u64| format!("{}T090000", (first + Days::new(7 * week)).format("%Y%m%d"));
    let cancel = |id: &str, scope: Option<&str>| {
        let mut body = json!({"reason": "Holiday"});
        if let Some(scope) = scope {
            body["scope"] = json!(scope);
        }
        let path = format!("/bookings/{id}/cancel");
        let admin = setup.admin.clone();
        let app = &app;
        async move { app.post(&path, &admin, body).await }
    };
    let statuses = || async {
        meetings(&app, &setup.admin, &series)
            .await
            .iter()
            .map(|m| m["status"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };

    // The fourth alone: its occurrence, by the start the rule gave it, is cancelled.
    let (status, body) = cancel(&ids[3], None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let one = inbox.next_invite(&mail).await;
    assert_eq!(one.method, "CANCEL");
    assert_eq!(one.uid, booked_invite.uid, "the series' event");
    assert_eq!(one.recurrence_id.as_deref(), Some(local_nine(3).as_str()));
    assert!(one.rrule.is_none(), "{one:?}");
    assert!(one.sequence > booked_invite.sequence);

    // The fifth and after: the series now ends with the fourth's start, which stays excluded.
    let (status, body) = cancel(&ids[4], Some("following")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        statuses().await,
        [
            "confirmed",
            "confirmed",
            "confirmed",
            "cancelled",
            "cancelled",
            "cancelled"
        ]
    );
    let tail = inbox.next_invite(&mail).await;
    let fourth_utc = Copenhagen
        .from_local_datetime(&(first + Days::new(21)).and_hms_opt(9, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc)
        .format("%Y%m%dT%H%M%SZ")
        .to_string();
    assert_eq!(tail.method, "REQUEST");
    assert_eq!(tail.uid, booked_invite.uid);
    assert_eq!(
        tail.rrule.as_deref(),
        Some(format!("FREQ=WEEKLY;UNTIL={fourth_utc}").as_str())
    );
    assert_eq!(tail.exdates, [local_nine(3)]);
    assert!(tail.recurrence_id.is_none());
    assert!(tail.sequence > booked_invite.sequence);

    // All of it, asked of the second: what is left goes, one cancellation of the whole event.
    let (status, body) = cancel(&ids[1], Some("series")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(statuses().await.iter().all(|s| s == "cancelled"));
    let whole = inbox.next_invite(&mail).await;
    assert_eq!(whole.method, "CANCEL");
    assert_eq!(whole.uid, booked_invite.uid);
    assert!(whole.recurrence_id.is_none(), "{whole:?}");
    assert!(whole.sequence > tail.sequence);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(
        emails_to(&mail, "ann@customer.com").len(),
        4,
        "one email per change, never one per meeting"
    );

    // Nothing more to cancel; and a single booking takes no scope.
    let (status, body) = cancel(&ids[0], Some("series")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, single) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({
                "meeting_type_id": setup.call, "assigned_to": setup.members[0],
                "start_utc": at(first, 13, 0),
                "customer_name": "Bo Berg", "customer_email": "bo@customer.com",
                "customer_phone": "+45 12 34 56 79",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{single}");
    let (status, body) = cancel(single["id"].as_str().unwrap(), Some("following")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error(&body, "invalid_transition");
}

async fn a_customer_books_a_weekly_series_at_a_time_free_for_all_six_meetings_and_not_where_the_fourth_collides(
    db: Db,
) {
    let app = TestApp::spawn_with(db, &[("MM_PUBLIC_BOOKING_RATE_LIMIT", "0")]).await;
    let setup = support(&app, 1, json!({"max_series_count": 8})).await;
    let first = tuesday_before_the_march_change();
    let fourth = first + Days::new(21);
    // The fourth Tuesday's 09:00 is taken.
    let (status, single) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({
                "meeting_type_id": setup.call, "assigned_to": setup.members[0],
                "start_utc": at(fourth, 9, 0),
                "customer_name": "Bo Berg", "customer_email": "bo@customer.com",
                "customer_phone": "+45 12 34 56 79",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{single}");

    let slots_path = |query: &str| {
        format!(
            "/public/departments/support/meeting-types/call/slots?date={first}&timezone=Europe/Copenhagen{query}"
        )
    };
    let starts = |body: &Value| -> Vec<String> {
        body["slots"]
            .as_array()
            .expect("slots")
            .iter()
            .map(|s| s["start_local"].as_str().unwrap()[11..16].to_owned())
            .collect()
    };
    let (status, single_day) = app
        .call(reqwest::Method::GET, &slots_path(""), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{single_day}");
    assert!(
        starts(&single_day).contains(&"09:00".to_owned()),
        "one meeting may start at nine"
    );
    let (status, series_day) = app
        .call(
            reqwest::Method::GET,
            &slots_path("&frequency=weekly&count=6"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{series_day}");
    let series_starts = starts(&series_day);
    assert!(
        !series_starts.contains(&"09:00".to_owned()),
        "{series_starts:?}"
    );
    assert!(
        series_starts.contains(&"10:00".to_owned()),
        "{series_starts:?}"
    );
    assert_eq!(
        series_starts.len() + 1,
        starts(&single_day).len(),
        "only nine o'clock is gone"
    );
    let (status, dates) = app
        .call(
            reqwest::Method::GET,
            &format!(
                "/public/departments/support/meeting-types/call/available-dates?month={}&timezone=Europe/Copenhagen&frequency=weekly&count=6",
                first.format("%Y-%m")
            ),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{dates}");
    assert!(
        dates["available_dates"]
            .as_array()
            .unwrap()
            .contains(&json!(first.to_string())),
        "{dates}"
    );
    let (status, too_many) = app
        .call(
            reqwest::Method::GET,
            &slots_path("&frequency=weekly&count=9"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{too_many}");
    assert_eq!(mm_blackbox_tests::failing_fields(&too_many), ["count"]);

    let request = |hour: u32, count: u32| {
        customer_series(&at(first, hour, 0), "ann@customer.com", "weekly", count)
    };
    let (status, refused) = mm_blackbox_tests::book(&app, request(9, 6)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_error(&refused, "slot_unavailable");
    let (status, refused) = mm_blackbox_tests::book(&app, request(10, 9)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(mm_blackbox_tests::failing_fields(&refused), ["recurrence"]);

    let (status, booked) = mm_blackbox_tests::book(&app, request(10, 6)).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    assert!(
        booked.get("assigned_to").is_none(),
        "no host in a public answer"
    );
    let meetings = booked["series_meetings"]
        .as_array()
        .expect("the series' meetings");
    let when: Vec<String> = meetings.iter().map(|m| local(&m["start_utc"])).collect();
    let expected: Vec<String> = (0..6)
        .map(|week| format!("{} 10:00", first + Days::new(7 * week)))
        .collect();
    assert_eq!(when, expected);
    assert_eq!(
        app.db_count("SELECT COUNT(*) FROM bookings WHERE series_id IS NOT NULL")
            .await,
        6
    );
    // Those times are taken now: the series' slots drop ten o'clock too.
    let (_, after) = app
        .call(
            reqwest::Method::GET,
            &slots_path("&frequency=weekly&count=6"),
            None,
            None,
        )
        .await;
    assert!(!starts(&after).contains(&"10:00".to_owned()), "{after}");
}

async fn the_customers_one_link_cancels_the_meeting_they_pick_and_keeps_serving_the_rest(db: Db) {
    let (mail, app) = app_with_mail(db).await;
    support(&app, 1, json!({"max_series_count": 8})).await;
    let first = tuesday_before_the_march_change();
    let (status, booked) = mm_blackbox_tests::book(
        &app,
        customer_series(&at(first, 10, 0), "ann@customer.com", "weekly", 5),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let mut inbox = Inbox::default();
    let booked_invite = inbox.next_invite(&mail).await;
    let link = booked["cancel_url"]
        .as_str()
        .and_then(|u| u.rsplit('/').next())
        .expect("a cancel link")
        .to_owned();
    let cancel = |body: Value| {
        let path = format!("/public/bookings/{link}/cancel");
        let app = &app;
        async move {
            app.call(reqwest::Method::POST, &path, None, Some(body))
                .await
        }
    };
    let view = || {
        let path = format!("/public/bookings/{link}");
        let app = &app;
        async move { app.call(reqwest::Method::GET, &path, None, None).await }
    };
    let statuses = || async {
        let sql = "SELECT status FROM bookings ORDER BY series_index";
        app.db_rows(sql, sql)
            .await
            .into_iter()
            .map(|row| row[0].clone())
            .collect::<Vec<_>>()
    };
    let ten_local = |week: u64| format!("{} 10:00", first + Days::new(7 * week));

    // The third alone, picked on the page: that occurrence's cancellation.
    let (status, body) = cancel(json!({"series_index": 3, "scope": "this"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(local(&body["start_utc"]), ten_local(2));
    assert_eq!(body["status"], "cancelled");
    assert_eq!(
        statuses().await,
        [
            "confirmed",
            "confirmed",
            "cancelled",
            "confirmed",
            "confirmed"
        ]
    );
    let one = inbox.next_invite(&mail).await;
    assert_eq!(one.method, "CANCEL");
    assert_eq!(one.uid, booked_invite.uid);
    assert!(one.recurrence_id.is_some(), "{one:?}");

    // The link's own meeting (the first), then the link serves the next one still held.
    let (status, body) = cancel(json!({"reason": "Ill"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(local(&body["start_utc"]), ten_local(0));
    inbox.next_invite(&mail).await;
    let (status, now_serving) = view().await;
    assert_eq!(status, StatusCode::OK, "{now_serving}");
    assert_eq!(local(&now_serving["start_utc"]), ten_local(1));
    assert!(now_serving["cancel_url"].is_string(), "{now_serving}");
    let held: Vec<String> = now_serving["series_meetings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| local(&m["start_utc"]))
        .collect();
    assert_eq!(held, [ten_local(1), ten_local(3), ten_local(4)]);

    // From the fourth on: the rest of the series, one email for both.
    let (status, body) = cancel(json!({"series_index": 4, "scope": "following"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        statuses().await,
        [
            "cancelled",
            "confirmed",
            "cancelled",
            "cancelled",
            "cancelled"
        ]
    );
    let tail = inbox.next_invite(&mail).await;
    assert_eq!(tail.method, "REQUEST");
    assert!(
        tail.rrule.as_deref().is_some_and(|r| r.contains("UNTIL=")),
        "{tail:?}"
    );

    // A meeting the series does not have, and one already cancelled.
    let (status, body) = cancel(json!({"series_index": 9})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = cancel(json!({"series_index": 4})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = cancel(json!({"scope": "sometimes"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(mm_blackbox_tests::failing_fields(&body), ["scope"]);

    // The last meeting held goes too; then the cancel link has nothing left to serve.
    let (status, body) = cancel(json!({"scope": "series"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(statuses().await.iter().all(|s| s == "cancelled"));
    let (status, body) = cancel(json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(
        emails_to(&mail, "ann@customer.com").len(),
        5,
        "one email per change"
    );
}

async fn a_series_waiting_for_approval_is_approved_or_rejected_as_one_with_one_email(db: Db) {
    let (mail, app) = app_with_mail(db).await;
    let setup = support(
        &app,
        1,
        json!({"max_series_count": 8, "requires_approval": true}),
    )
    .await;
    let first = tuesday_before_the_march_change();
    let book_series = |hour: u32, email: &'static str| {
        mm_blackbox_tests::book(
            &app,
            customer_series(&at(first, hour, 0), email, "biweekly", 3),
        )
    };
    let statuses = |email: &'static str| {
        let sql = format!(
            "SELECT status FROM bookings b JOIN booking_participants p ON p.booking_id = b.id \
             WHERE p.email = '{email}' ORDER BY b.series_index"
        );
        let app = &app;
        async move {
            app.db_rows(&sql, &sql)
                .await
                .into_iter()
                .map(|row| row[0].clone())
                .collect::<Vec<_>>()
        }
    };
    let ids = |series: String| {
        let app = &app;
        let admin = setup.admin.clone();
        async move {
            meetings(app, &admin, &series)
                .await
                .iter()
                .map(|m| m["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let series_of = |email: &'static str| {
        let app = &app;
        let admin = setup.admin.clone();
        async move {
            let (_, listed) = app.get("/bookings?per_page=100", &admin).await;
            listed["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|b| b["customer_email"] == email)
                .and_then(|b| b["series_id"].as_str())
                .expect("a series")
                .to_owned()
        }
    };

    let (status, booked) = book_series(10, "ann@customer.com").await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    assert_eq!(booked["status"], "pending");
    assert_eq!(statuses("ann@customer.com").await, ["pending"; 3]);
    let mut inbox = Inbox::default();
    // The request's acknowledgement carries no invite yet.
    mm_blackbox_tests::eventually("the request's email", || async {
        (!emails_to(&mail, "ann@customer.com").is_empty()).then_some(())
    })
    .await;
    inbox.seen.extend(
        emails_to(&mail, "ann@customer.com")
            .into_iter()
            .map(|m| m.message_id),
    );

    // Approving the second meeting approves the series: one confirmation with the whole rule.
    let ann = ids(series_of("ann@customer.com").await).await;
    let (status, body) = app
        .post(
            &format!("/bookings/{}/approve", ann[1]),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(statuses("ann@customer.com").await, ["confirmed"; 3]);
    let approved = inbox.next_invite(&mail).await;
    assert_eq!(approved.method, "REQUEST");
    assert_eq!(
        approved.rrule.as_deref(),
        Some("FREQ=WEEKLY;INTERVAL=2;COUNT=3")
    );
    let (status, body) = app
        .post(
            &format!("/bookings/{}/approve", ann[0]),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Rejecting one meeting of another request rejects all of it, with one email.
    let (status, booked) = book_series(13, "bo@customer.com").await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let bo = ids(series_of("bo@customer.com").await).await;
    let (status, body) = app
        .post(
            &format!("/bookings/{}/reject", bo[2]),
            &setup.admin,
            json!({"reason": "We cannot hold this time every other week"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(statuses("bo@customer.com").await, ["cancelled"; 3]);
    let sql = "SELECT approval_status FROM bookings WHERE customer_email = 'bo@customer.com'";
    assert!(
        app.db_rows(sql, sql)
            .await
            .iter()
            .all(|row| row[0] == "rejected"),
        "every meeting rejected"
    );
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let declined: Vec<_> = emails_to(&mail, "bo@customer.com")
        .into_iter()
        .filter(|m| m.subject.starts_with("Booking request declined"))
        .collect();
    assert_eq!(declined.len(), 1, "one email for the series: {declined:?}");
}

async fn staff_move_a_series_from_its_third_meeting_to_thursdays_at_ten_then_give_it_all_to_another_member(
    db: Db,
) {
    let (mail, app) = app_with_mail(db).await;
    let setup = support(&app, 2, json!({})).await;
    let (host, other) = (&setup.members[0], &setup.members[1]);
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
    let ids: Vec<String> = meetings(&app, &setup.admin, &series)
        .await
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    let mut inbox = Inbox::default();
    let booked_invite = inbox.next_invite(&mail).await;
    let tuesday = |week: u64| first + Days::new(7 * week);
    let thursday = |week: u64| first + Days::new(7 * week + 2);
    let when = || async {
        meetings(&app, &setup.admin, &series)
            .await
            .iter()
            .map(|m| local(&m["start_utc"]))
            .collect::<Vec<_>>()
    };
    let as_booked: Vec<String> = (0..6).map(|w| format!("{} 09:00", tuesday(w))).collect();

    // The fifth week's Thursday at 10:00 is taken: moving from the third meeting on to
    // Thursdays at 10:00 names that one, and nothing moves.
    let (status, blocker) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({"meeting_type_id": setup.call, "assigned_to": host,
                   "start_utc": at(thursday(4), 10, 0),
                   "customer_name": "Bo Berg", "customer_email": "bo@customer.com",
                   "customer_phone": "+45 87 65 43 21"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{blocker}");
    let blocker = blocker["id"].as_str().unwrap().to_owned();
    let reschedule = |id: &str, body: Value| {
        let path = format!("/bookings/{id}/reschedule");
        let admin = setup.admin.clone();
        let app = &app;
        async move { app.post(&path, &admin, body).await }
    };
    let to_thursdays = json!({"start_utc": at(thursday(2), 10, 0), "scope": "following"});
    let (status, refused) = reschedule(&ids[2], to_thursdays.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    let misfits = refused["error"]["details"]["meetings"]
        .as_array()
        .expect("the meetings that do not fit");
    assert_eq!(misfits.len(), 1, "{refused}");
    assert_eq!(misfits[0]["index"], 5);
    assert_eq!(misfits[0]["date"], thursday(4).to_string());
    assert_eq!(when().await, as_booked, "nothing moved");

    // Free again: the third to the sixth move, across the change to summer time; the first two
    // stay. One email, whose invite is the series with its four moved meetings.
    let (status, body) = app
        .post(
            &format!("/bookings/{blocker}/cancel"),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, moved) = reschedule(&ids[2], to_thursdays).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let expected: Vec<String> = (0..6)
        .map(|w| match w {
            0 | 1 => format!("{} 09:00", tuesday(w)),
            _ => format!("{} 10:00", thursday(w)),
        })
        .collect();
    assert_eq!(when().await, expected);
    let invite = inbox.next_invite(&mail).await;
    assert_eq!(invite.method, "REQUEST");
    assert_eq!(invite.uid, booked_invite.uid, "the same series");
    assert_eq!(invite.rrule.as_deref(), Some("FREQ=WEEKLY;COUNT=6"));
    assert!(invite.sequence > booked_invite.sequence);
    let ical = |date: NaiveDate, hour: u32| format!("{}T{hour:02}0000", date.format("%Y%m%d"));
    let overrides: Vec<(String, String)> = (2..6)
        .map(|w| (ical(tuesday(w), 9), ical(thursday(w), 10)))
        .collect();
    assert_eq!(invite.moved, overrides);

    // The whole series, asked of its first meeting, goes to the other member; the meetings
    // keep their times.
    let (status, body) = app
        .post(
            &format!("/bookings/{}/reassign", ids[0]),
            &setup.admin,
            json!({"assigned_to": other, "reason": "Holiday", "scope": "series"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let now = meetings(&app, &setup.admin, &series).await;
    assert!(
        now.iter().all(|m| m["assigned_to"] == other.as_str()),
        "{now:?}"
    );
    assert_eq!(when().await, expected);
    let reassigned = inbox.next_invite(&mail).await;
    assert_eq!(reassigned.uid, booked_invite.uid);
    assert!(reassigned.sequence > invite.sequence);
    assert_eq!(reassigned.moved, overrides);

    // A booking of its own takes no scope.
    let (status, body) = reschedule(
        &blocker,
        json!({"start_utc": at(thursday(4), 11, 0), "scope": "series"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error(&body, "invalid_transition");
}

async fn the_customers_link_moves_their_series_from_the_second_meeting_on_and_names_one_that_cannot_move(
    db: Db,
) {
    let (mail, app) = app_with_mail(db).await;
    let setup = support(&app, 1, json!({"max_series_count": 8})).await;
    let first = tuesday_before_the_march_change();
    let (status, booked) = mm_blackbox_tests::book(
        &app,
        customer_series(&at(first, 10, 0), "ann@customer.com", "weekly", 4),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let (status, listed) = app.get("/bookings?per_page=10", &setup.admin).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let series = listed["items"][0]["series_id"]
        .as_str()
        .expect("a series")
        .to_owned();
    let mut inbox = Inbox::default();
    let booked_invite = inbox.next_invite(&mail).await;
    let link = booked["reschedule_url"]
        .as_str()
        .and_then(|u| u.rsplit('/').next())
        .expect("a reschedule link")
        .to_owned();
    let reschedule = |body: Value| {
        let path = format!("/public/bookings/{link}/reschedule");
        let app = &app;
        async move {
            app.call(reqwest::Method::POST, &path, None, Some(body))
                .await
        }
    };
    let week = |w: u64| first + Days::new(7 * w);
    let when = || async {
        meetings(&app, &setup.admin, &series)
            .await
            .iter()
            .map(|m| local(&m["start_utc"]))
            .collect::<Vec<_>>()
    };

    // The fourth week's 11:00 is taken: moving from the second meeting on to 11:00 names it,
    // and nothing moves.
    let (status, taken) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({"meeting_type_id": setup.call, "assigned_to": setup.members[0],
                   "start_utc": at(week(3), 11, 0),
                   "customer_name": "Bo Berg", "customer_email": "bo@customer.com",
                   "customer_phone": "+45 87 65 43 21"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{taken}");
    let to_eleven =
        json!({"start_utc": at(week(1), 11, 0), "series_index": 2, "scope": "following"});
    let (status, refused) = reschedule(to_eleven.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    let misfits = refused["error"]["details"]["meetings"].as_array().unwrap();
    assert_eq!(misfits.len(), 1, "{refused}");
    assert_eq!(misfits[0]["index"], 4);
    assert_eq!(misfits[0]["conflicts"][0]["kind"], "booking");
    let as_booked: Vec<String> = (0..4).map(|w| format!("{} 10:00", week(w))).collect();
    assert_eq!(when().await, as_booked, "nothing moved");

    // Free again: the second to the fourth move to 11:00, across the change; one email, whose
    // invite is the series with its three moved meetings.
    let (status, body) = app
        .post(
            &format!("/bookings/{}/cancel", taken["id"].as_str().unwrap()),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, moved) = reschedule(to_eleven).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(local(&moved["start_utc"]), format!("{} 11:00", week(1)));
    let expected: Vec<String> = (0..4)
        .map(|w| format!("{} {}", week(w), if w == 0 { "10:00" } else { "11:00" }))
        .collect();
    assert_eq!(when().await, expected);
    let invite = inbox.next_invite(&mail).await;
    assert_eq!(invite.uid, booked_invite.uid);
    assert_eq!(invite.rrule.as_deref(), Some("FREQ=WEEKLY;COUNT=4"));
    let ical = |date: NaiveDate, hour: u32| format!("{}T{hour:02}0000", date.format("%Y%m%d"));
    let overrides: Vec<(String, String)> = (1..4)
        .map(|w| (ical(week(w), 10), ical(week(w), 11)))
        .collect();
    assert_eq!(invite.moved, overrides);
    assert!(invite.sequence > booked_invite.sequence);

    // A meeting the series does not have is not found.
    let (status, body) =
        reschedule(json!({"start_utc": at(week(1), 12, 0), "series_index": 9, "scope": "this"}))
            .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

async fn a_repeat_asked_of_a_month_too_far_ahead_to_offer_is_still_checked(db: Db) {
    let app = TestApp::spawn(db).await;
    support(&app, 1, json!({"max_series_count": 4})).await;
    let base = "/public/departments/support/meeting-types/call";
    for path in [
        format!("{base}/slots?date=2042-02-11"),
        format!("{base}/available-dates?month=2042-02"),
    ] {
        let (status, offered) = app
            .call(
                reqwest::Method::GET,
                &format!("{path}&frequency=weekly&count=3"),
                None,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{path}: {offered}");
        let (status, body) = app
            .call(
                reqwest::Method::GET,
                &format!("{path}&frequency=-9.0&count=3"),
                None,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(mm_blackbox_tests::failing_fields(&body), ["frequency"]);
        let (status, body) = app
            .call(
                reqwest::Method::GET,
                &format!("{path}&frequency=weekly&count=40"),
                None,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(mm_blackbox_tests::failing_fields(&body), ["count"]);
    }
}
