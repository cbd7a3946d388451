//! The web apps in a real browser: headless Chromium against the real server serving the built
//! web app, on SQLite (the pages do not care which database answers; the API tests cover both).
//! The booking wizard's tests are here, the staff app's in `staff.rs`. Each test checks its
//! outcome through the API as well as on the page.

use chrono::{Datelike, Days, NaiveDate, TimeZone as _, Utc, Weekday};
use chrono_tz::{America::New_York, Europe::Copenhagen, Tz};
use mm_blackbox_tests::{
    Db, TestApp, book,
    browser::{Browser, web_app_dir},
    request, support,
};
use serde_json::{Value, json};

mod staff;

/// A server with the web app and a `support` department of `members` members offering a
/// 60-minute `call`.
async fn wizard_app(members: usize, extra: Value) -> (TestApp, mm_blackbox_tests::Support) {
    wizard_app_with(members, extra, &[]).await
}

/// [`wizard_app`] with more settings (a calendar provider's, say).
async fn wizard_app_with(
    members: usize,
    extra: Value,
    settings: &[(&str, &str)],
) -> (TestApp, mm_blackbox_tests::Support) {
    let dir = web_app_dir();
    let mut env = vec![
        ("MM_STATIC_DIR", dir.to_str().expect("utf-8 path")),
        // Members' calendar feeds are served from loopback in these tests.
        ("MM_ICAL_ALLOW_PRIVATE_HOSTS", "1"),
    ];
    env.extend_from_slice(settings);
    let app = TestApp::spawn_with(Db::Sqlite, &env).await;
    let setup = support(&app, members, extra).await;
    (app, setup)
}

/// The staff view of the booking with this reference.
async fn staff_booking(app: &TestApp, admin: &str, reference: &str) -> Value {
    let (_, page) = app.get("/bookings?per_page=200", admin).await;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|b| b["booking_reference"] == reference)
        .unwrap_or_else(|| panic!("no booking {reference} in {page}"))
        .clone()
}

/// `hour`:00 on `date` in Copenhagen, as the API writes instants.
fn copenhagen(date: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    Copenhagen
        .with_ymd_and_hms(date.year(), date.month(), date.day(), hour, 0, 0)
        .single()
        .expect("an unambiguous time")
        .with_timezone(&Utc)
}

/// How Chromium in US English writes an instant's time of day in `zone`: `3:00 AM`.
fn us_clock(instant: chrono::DateTime<Utc>, zone: Tz) -> String {
    instant.with_timezone(&zone).format("%-I:%M %p").to_string()
}

#[tokio::test]
async fn customer_completes_all_six_steps_and_the_booking_exists() {
    let (app, setup) = wizard_app(
        1,
        json!({"custom_questions": [
            {"key": "company", "label": "Company", "kind": "text", "required": true}
        ]}),
    )
    .await;
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;

    // 1: departments.
    browser.goto(&app.url("/book")).await;
    browser
        .find_text("a.card", "Book with support")
        .await
        .click()
        .await
        .expect("click");
    // 2: meeting types.
    browser.wait_for_path("/book/support").await;
    browser
        .find_text("a.card", "Call")
        .await
        .click()
        .await
        .expect("click");
    // 3: a month with free days; the next one is highlighted, and it is the one chosen.
    browser.wait_for_path("/book/support/call").await;
    let next = browser.find("button.day.available.next").await;
    let day = next
        .attr("data-date")
        .await
        .expect("attr")
        .expect("data-date");
    next.click().await.expect("click");
    // 4: that day's times.
    browser
        .wait_for_path(&format!("/book/support/call/{day}"))
        .await;
    let slot = browser.find("a.slot").await;
    let start_utc = slot
        .attr("data-start-utc")
        .await
        .expect("attr")
        .expect("start");
    slot.click().await.expect("click");
    // 5: the form; Back and Forward keep the steps, a reload keeps what was typed.
    browser.find("#customer_name").await;
    let details_path = browser.path().await;
    browser.client.back().await.expect("back");
    browser
        .wait_for_path(&format!("/book/support/call/{day}"))
        .await;
    browser.find("a.slot").await;
    browser.client.forward().await.expect("forward");
    browser.wait_for_path(&details_path).await;
    browser.type_into("#customer_name", "Ada Lovelace").await;
    browser.client.refresh().await.expect("reload");
    let name = browser.find("#customer_name").await;
    assert_eq!(
        name.prop("value").await.expect("prop").as_deref(),
        Some("Ada Lovelace"),
        "a reload keeps what the customer typed"
    );
    // Submitting with fields missing names each of them and books nothing.
    browser.click("button[type=submit]").await;
    browser.find_text(".field-error", "Email is required").await;
    browser
        .find_text(".field-error", "Company is required")
        .await;
    assert_eq!(app.db_count("SELECT COUNT(*) FROM bookings").await, 0);
    browser
        .type_into("#customer_email", "ada@example.com")
        .await;
    browser
        .type_into("#customer_phone", "+45 12 34 56 78")
        .await;
    browser
        .type_into("#answer-company", "Analytical Engines")
        .await;
    browser
        .type_into("#customer_notes", "About the difference engine")
        .await;
    browser.click("button[type=submit]").await;
    // 6: the confirmation, without the host.
    let heading = browser.find_text(".confirmation h1", "booked").await;
    assert!(
        heading
            .text()
            .await
            .expect("text")
            .contains("You're booked")
    );
    let reference = browser.text(".reference").await;
    browser
        .wait_for_path(&format!("/book/confirm/{reference}"))
        .await;
    let page = browser.text(".confirmation").await;
    assert!(page.contains("Check your email"), "{page}");
    assert!(!page.contains("Member 0"), "the host stays hidden: {page}");
    // Add to calendar: the invite file, or the same event opened in a web calendar.
    let href = async |text: &str| {
        browser
            .find_text(".add-to-calendar a", text)
            .await
            .attr("href")
            .await
            .expect("attr")
            .expect("href")
    };
    assert!(href(".ics").await.ends_with("/booking.ics"));
    let google = href("Google Calendar").await;
    assert!(
        google.starts_with("https://calendar.google.com/calendar/render?action=TEMPLATE&text=Call%20with%20support&dates="),
        "{google}"
    );
    assert!(
        !google.contains("Member"),
        "the host stays hidden: {google}"
    );
    for (text, origin) in [
        ("Outlook.com", "https://outlook.live.com/"),
        ("Microsoft 365", "https://outlook.office.com/"),
    ] {
        let link = href(text).await;
        assert!(link.starts_with(origin), "{link}");
        assert!(
            link.contains(&format!("startdt={}", start_utc.replace(':', "%3A"))),
            "{link}"
        );
    }
    browser.find_text("a.button", "Reschedule").await;
    browser.find_text("a.button", "Cancel").await;
    browser.client.refresh().await.expect("reload");
    browser.find_text(".confirmation h1", "You're booked").await;

    let booking = staff_booking(&app, &setup.admin, &reference).await;
    assert_eq!(booking["start_utc"], start_utc.as_str());
    assert_eq!(booking["status"], "confirmed");
    assert_eq!(booking["customer_name"], "Ada Lovelace");
    assert_eq!(booking["customer_email"], "ada@example.com");
    assert_eq!(booking["customer_timezone"], "Europe/Copenhagen");
    assert_eq!(booking["customer_notes"], "About the difference engine");
    assert_eq!(booking["answers"]["company"], "Analytical Engines");
    assert_eq!(booking["booking_source"], "public_booking_page");

    // The walk counted once at every step of the department's funnel, the reload nowhere.
    let (_, summary) = app
        .get(
            &format!(
                "/analytics/summary?department_id={}&to={}",
                setup.department,
                &start_utc[..10]
            ),
            &setup.admin,
        )
        .await;
    let steps: Vec<(&str, u64)> = summary["funnel"]["steps"]
        .as_array()
        .expect("the funnel's steps")
        .iter()
        .map(|s| (s["step"].as_str().unwrap(), s["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("department", 1),
            ("meeting_type", 1),
            ("date", 1),
            ("time", 1),
            ("details", 1),
            ("booked", 1)
        ],
        "{summary}"
    );
}

/// The Sunday of the next change of Copenhagen's clocks at least `after` days from now: the
/// last Sunday of March or of October.
fn next_copenhagen_clock_change(after: u64) -> NaiveDate {
    let mut day = Utc::now().date_naive() + Days::new(after);
    loop {
        let last_sunday_of_month =
            day.weekday() == Weekday::Sun && (day + Days::new(7)).month() != day.month();
        if last_sunday_of_month && matches!(day.month(), 3 | 10) {
            return day;
        }
        day = day + Days::new(1);
    }
}

#[tokio::test]
async fn new_york_visitor_books_copenhagen_across_its_clock_change_in_local_times() {
    let (app, setup) = wizard_app(1, json!({})).await;
    let browser = Browser::open("America/New_York", 1280, 900).await;
    let change = next_copenhagen_clock_change(3);
    let (friday, monday) = (change - Days::new(2), change + Days::new(1));

    // Copenhagen's 09:00 opening is an hour apart in New York on either side of the change.
    let mut seen = Vec::new();
    for day in [friday, monday] {
        browser
            .goto(&app.url(&format!("/book/support/call/{day}")))
            .await;
        assert_eq!(
            browser.text(".zone-picker strong").await,
            "America/New York",
            "the browser's zone is detected"
        );
        let first = browser.find("a.slot").await;
        let opening = copenhagen(day, 9);
        assert_eq!(
            first.attr("data-start-utc").await.expect("attr").as_deref(),
            Some(opening.format("%Y-%m-%dT%H:%M:%SZ").to_string().as_str())
        );
        let shown = browser.text("a.slot .slot-time").await;
        assert_eq!(shown, us_clock(opening, New_York), "on {day}");
        seen.push(shown);
    }
    assert_ne!(
        seen[0], seen[1],
        "the clock change shows in New York's times"
    );

    // Booking Monday's opening confirms it in both zones.
    browser.click("a.slot").await;
    browser
        .fill_customer("Grace Hopper", "grace@example.com", "+1 212 555 0100")
        .await;
    browser.click("button[type=submit]").await;
    browser.find(".confirmation").await;
    let opening = copenhagen(monday, 9);
    let visitor_time = browser.text(".when-visitor").await;
    assert!(
        visitor_time.contains(&us_clock(opening, New_York)),
        "{visitor_time}"
    );
    assert!(visitor_time.contains("America/New York"), "{visitor_time}");
    let department_time = browser.text(".when-department").await;
    assert!(department_time.contains("9:00 AM"), "{department_time}");
    assert!(
        department_time.contains("Europe/Copenhagen"),
        "{department_time}"
    );
    let reference = browser.text(".reference").await;
    let booking = staff_booking(&app, &setup.admin, &reference).await;
    assert_eq!(
        booking["start_utc"],
        opening.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    );
    assert_eq!(booking["customer_timezone"], "America/New_York");
}

#[tokio::test]
async fn a_time_taken_meanwhile_sends_the_customer_back_to_the_times_with_a_message() {
    let (app, _setup) = wizard_app(1, json!({})).await;
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    let day = mm_blackbox_tests::next_monday();
    browser
        .goto(&app.url(&format!("/book/support/call/{day}")))
        .await;
    let slot = browser.find("a.slot").await;
    let start_utc = slot
        .attr("data-start-utc")
        .await
        .expect("attr")
        .expect("start");
    slot.click().await.expect("click");
    browser
        .fill_customer("Late Customer", "late@example.com", "+45 12 34 56 78")
        .await;

    // Someone else books the only member at that time first.
    let (status, body) = book(&app, request(&start_utc, "early@example.com")).await;
    assert_eq!(status, 201, "{body}");

    browser.click("button[type=submit]").await;
    browser
        .wait_for_path(&format!("/book/support/call/{day}"))
        .await;
    let notice = browser.text(".notice.warning").await;
    assert!(notice.contains("someone booked that time"), "{notice}");
    for slot in browser.find_all("a.slot").await {
        assert_ne!(
            slot.attr("data-start-utc").await.expect("attr").as_deref(),
            Some(start_utc.as_str()),
            "the taken time is no longer offered"
        );
    }
    assert_eq!(app.db_count("SELECT COUNT(*) FROM bookings").await, 1);
}

#[tokio::test]
async fn customer_cancels_through_the_link_in_their_email() {
    let (app, setup) = wizard_app(1, json!({})).await;
    let start = mm_blackbox_tests::at(mm_blackbox_tests::next_monday(), 10, 0);
    let (status, booked) = book(&app, request(&start, "john@example.com")).await;
    assert_eq!(status, 201, "{booked}");
    let link = emailed_link(&app, &setup.admin, "john@example.com", "cancel").await;
    let link = link.as_str();

    let browser = Browser::open("America/New_York", 390, 844).await;
    browser.goto(link).await;
    browser.find_text("h1", "Cancel your meeting?").await;
    let when = browser.text(".when-visitor").await;
    assert!(
        when.contains("America/New York"),
        "shown in the customer's zone: {when}"
    );
    browser
        .type_into("#reason", "Found the answer in the docs")
        .await;
    browser.click("button[type=submit]").await;
    browser.find_text("h1", "Your meeting is cancelled").await;

    let reference = booked["booking_reference"].as_str().expect("reference");
    let booking = staff_booking(&app, &setup.admin, reference).await;
    assert_eq!(booking["status"], "cancelled");
    assert_eq!(
        booking["cancellation_reason"],
        "Found the answer in the docs"
    );
    assert_eq!(booking["cancelled_by_role"], "customer");

    // The used link explains itself instead of failing.
    browser.goto(link).await;
    browser.find_text("h1", "This link no longer works").await;
}

#[tokio::test]
async fn customer_books_a_weekly_series_in_the_wizard_and_cancels_one_meeting_through_the_emailed_link()
 {
    let (app, setup) = wizard_app(1, json!({"max_series_count": 6})).await;
    let monday = mm_blackbox_tests::next_monday();
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;

    // The time step offers a repeat; choosing one keeps it in the address.
    let day_path = format!("/book/support/call/{monday}");
    browser.goto(&app.url(&day_path)).await;
    browser.find("a.slot").await;
    browser
        .find("#repeat-frequency")
        .await
        .select_by_value("weekly")
        .await
        .expect("choosing weekly");
    browser
        .wait_for_path(&format!("{day_path}?frequency=weekly&count=4"))
        .await;
    browser
        .find("#repeat-count")
        .await
        .select_by_value("3")
        .await
        .expect("choosing three meetings");
    browser
        .wait_for_path(&format!("{day_path}?frequency=weekly&count=3"))
        .await;
    browser
        .find_text(".repeat .hint", "free for every meeting")
        .await;
    browser
        .find_text("a.slot", "10:00")
        .await
        .click()
        .await
        .expect("click");

    // The details step books the series, and the confirmation lists its meetings.
    browser
        .find_text(".summary-when", "Every week, 3 meetings")
        .await;
    browser
        .fill_customer("Ada Lovelace", "ada@example.com", "+45 12 34 56 78")
        .await;
    browser
        .find_text("button[type=submit]", "Book 3 meetings")
        .await;
    browser.click("button[type=submit]").await;
    browser.find_text("h1", "Your meetings are booked").await;
    browser.wait_for_count(".series-meetings li", 3).await;
    let sql = "SELECT status FROM bookings WHERE series_id IS NOT NULL ORDER BY series_index";
    let statuses = || async {
        app.db_rows(sql, sql)
            .await
            .into_iter()
            .map(|row| row[0].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(statuses().await, ["confirmed", "confirmed", "confirmed"]);
    let (_, listed) = app.get("/bookings?per_page=200", &setup.admin).await;
    let mut starts: Vec<chrono::DateTime<Utc>> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|b| b["start_utc"].as_str().unwrap().parse().unwrap())
        .collect();
    starts.sort();
    let mondays: Vec<_> = (0..3)
        .map(|week| copenhagen(monday + Days::new(7 * week), 10))
        .collect();
    assert_eq!(starts, mondays, "every Monday at ten, one host");

    // The emailed link asks which meetings; the second alone is cancelled.
    let link = emailed_link(&app, &setup.admin, "ada@example.com", "cancel").await;
    browser.goto(&link).await;
    browser.find_text("h1", "Cancel your meetings?").await;
    browser
        .find("#series-meeting")
        .await
        .select_by_value("2")
        .await
        .expect("choosing the second meeting");
    browser
        .find_text("button[type=submit]", "Cancel meeting")
        .await;
    browser.click("button[type=submit]").await;
    browser.find_text("h1", "Your meeting is cancelled").await;
    assert_eq!(statuses().await, ["confirmed", "cancelled", "confirmed"]);

    // The same link still serves the meetings left.
    browser.goto(&link).await;
    browser.find_text("h1", "Cancel your meetings?").await;
    browser.find("#series-meeting option[value='3']").await;
    let offered = browser
        .script("return document.querySelectorAll('#series-meeting option').length")
        .await;
    assert_eq!(offered, json!(2), "a cancelled meeting is not offered");
}

#[tokio::test]
async fn customer_moves_the_later_meetings_of_their_series_through_the_emailed_link() {
    let (app, setup) = wizard_app(1, json!({"max_series_count": 6})).await;
    let monday = mm_blackbox_tests::next_monday();
    let mut series = request(&mm_blackbox_tests::at(monday, 10, 0), "series@example.com");
    series["customer_timezone"] = json!("Europe/Copenhagen");
    series["recurrence"] = json!({"frequency": "weekly", "count": 3});
    let (status, booked) = book(&app, series).await;
    assert_eq!(status, 201, "{booked}");
    let link = emailed_link(&app, &setup.admin, "series@example.com", "reschedule").await;

    // The second week's Tuesday at ten; then which meetings: the second and the later ones.
    let tuesday = monday + Days::new(8);
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    browser.goto(&format!("{link}/{tuesday}")).await;
    browser.find_text("h1", "Reschedule your meeting").await;
    browser
        .find_text("a.slot", "10:00")
        .await
        .click()
        .await
        .expect("click");
    browser.find(".confirm-move").await;
    browser
        .find("#series-meeting")
        .await
        .select_by_value("2")
        .await
        .expect("choosing the second meeting");
    browser.click("input[name=scope][value=following]").await;
    browser
        .find_text("button", "Move my meetings")
        .await
        .click()
        .await
        .expect("click");
    browser.find_text("h1", "Your meetings are moved").await;

    let (_, listed) = app.get("/bookings?per_page=200", &setup.admin).await;
    let mut starts: Vec<chrono::DateTime<Utc>> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|b| b["start_utc"].as_str().unwrap().parse().unwrap())
        .collect();
    starts.sort();
    let expected = vec![
        copenhagen(monday, 10),
        copenhagen(tuesday, 10),
        copenhagen(tuesday + Days::new(7), 10),
    ];
    assert_eq!(
        starts, expected,
        "the first stays; the later ones move to Tuesdays"
    );
}

/// The link of `kind` (`cancel` or `reschedule`) in the customer's confirmation email.
async fn emailed_link(app: &TestApp, admin: &str, to: &str, kind: &str) -> String {
    let (_, outbox) = app
        .get(
            &format!("/outbox?to={}&per_page=50", to.replace('@', "%40")),
            admin,
        )
        .await;
    let confirmation = outbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|m| m["kind"] == "customer_confirmation")
        .unwrap_or_else(|| panic!("no confirmation in {outbox}"));
    let body = confirmation["body_text"].as_str().expect("body");
    body.split_whitespace()
        .find(|word| word.contains(&format!("/book/{kind}/")))
        .unwrap_or_else(|| panic!("no {kind} link in {body}"))
        .to_owned()
}

#[tokio::test]
async fn customer_reschedules_through_the_link_in_their_email() {
    let (app, setup) = wizard_app(1, json!({})).await;
    let monday = mm_blackbox_tests::next_monday();
    let start = mm_blackbox_tests::at(monday, 10, 0);
    let (status, booked) = book(&app, request(&start, "mover@example.com")).await;
    assert_eq!(status, 201, "{booked}");
    let link = emailed_link(&app, &setup.admin, "mover@example.com", "reschedule").await;

    let browser = Browser::open("Europe/Copenhagen", 390, 844).await;
    browser.goto(&link).await;
    browser.find_text("h1", "Reschedule your meeting").await;
    // The same calendar as booking; the day after the meeting, at its first free time.
    let tuesday = monday + Days::new(1);
    browser
        .goto(&format!("{link}?month={}", tuesday.format("%Y-%m")))
        .await;
    browser
        .find(&format!("button.day.available[data-date='{tuesday}']"))
        .await
        .click()
        .await
        .expect("click");
    let slot = browser.find("a.slot").await;
    let new_start = slot
        .attr("data-start-utc")
        .await
        .expect("attr")
        .expect("start");
    slot.click().await.expect("click");
    browser
        .find_text("button", "Move my meeting")
        .await
        .click()
        .await
        .expect("click");
    browser.find_text("h1", "Your meeting is moved").await;

    let reference = booked["booking_reference"].as_str().expect("reference");
    let booking = staff_booking(&app, &setup.admin, reference).await;
    assert_eq!(booking["start_utc"], new_start.as_str());
    assert_eq!(new_start, mm_blackbox_tests::at(tuesday, 9, 0));
    assert_eq!(booking["status"], "confirmed");

    // The cancel link of the first email now says the meeting moved, and shows its new time.
    let old_cancel = emailed_link(&app, &setup.admin, "mover@example.com", "cancel").await;
    browser.goto(&old_cancel).await;
    browser
        .find_text(".notice.moved", "This meeting was moved on")
        .await;
    browser.find_text(".when-visitor", "Tuesday").await;
}

#[tokio::test]
async fn wizard_fits_a_360_px_phone_screen() {
    let (app, _setup) = wizard_app(1, json!({})).await;
    let browser = Browser::open("Europe/Copenhagen", 360, 800).await;
    let day = mm_blackbox_tests::next_monday();
    let steps = [
        ("step-1-departments", "/book".to_owned(), "a.card"),
        ("step-2-meeting-types", "/book/support".to_owned(), "a.card"),
        ("step-3-date", "/book/support/call".to_owned(), "button.day"),
        ("step-4-time", format!("/book/support/call/{day}"), "a.slot"),
    ];
    let fits = async |name: &str| {
        assert_eq!(browser.script("return window.innerWidth").await, 360);
        let overflow = browser
            .script("return document.documentElement.scrollWidth - window.innerWidth")
            .await;
        assert!(
            overflow.as_i64().is_some_and(|o| o <= 0),
            "{name} is wider than a 360 px screen by {overflow} px"
        );
        let shot = browser.screenshot(&format!("{name}-360px")).await;
        assert!(std::fs::metadata(&shot).is_ok_and(|m| m.len() > 1000));
    };
    for (name, path, ready) in steps {
        browser.goto(&app.url(&path)).await;
        browser.find(ready).await;
        fits(name).await;
    }
    browser.click("a.slot").await;
    browser.find("#customer_name").await;
    fits("step-5-details").await;
    // A phone that reaches the app over plain HTTP on a local network: browsers keep
    // `crypto.randomUUID` for HTTPS pages.
    browser
        .script("Object.defineProperty(crypto, 'randomUUID', { value: undefined })")
        .await;
    browser
        .fill_customer("Phone Customer", "phone@example.com", "+45 12 34 56 78")
        .await;
    browser.click("button[type=submit]").await;
    browser.find(".confirmation").await;
    fits("step-6-confirmation").await;
}

#[tokio::test]
async fn unknown_links_and_the_embedded_wizard() {
    let (app, _setup) = wizard_app(1, json!({})).await;
    let browser = Browser::open("Europe/Copenhagen", 800, 800).await;
    browser.goto(&app.url("/book/no-such-department")).await;
    browser
        .find_text("h1", "We couldn't find that department")
        .await;
    browser
        .goto(&app.url("/book/support/no-such-meeting"))
        .await;
    browser
        .find_text("h1", "We couldn't find that meeting type")
        .await;

    // Embedded: the same steps without the site's header, and links stay inside the frame.
    browser.goto(&app.url("/embed/support")).await;
    let card = browser.find_text("a.card", "Call").await;
    assert_eq!(
        card.attr("href").await.expect("attr").as_deref(),
        Some("/embed/support/call")
    );
    let header = browser
        .script("return document.querySelector('.site-header') === null")
        .await;
    assert_eq!(header, true, "no site chrome in an iframe");
    card.click().await.expect("click");
    let day = browser.find("button.day.available").await;
    let date = day.attr("data-date").await.expect("attr").expect("date");
    day.click().await.expect("click");
    browser
        .wait_for_path(&format!("/embed/support/call/{date}"))
        .await;
    // The step's path changes before its times arrive.
    browser.find_text("main", "Choose a time").await;
}

#[tokio::test]
async fn calendar_and_times_work_from_the_keyboard() {
    let (app, _setup) = wizard_app(1, json!({})).await;
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    browser.goto(&app.url("/book/support/call")).await;
    // The highlighted next free day is the calendar's one tab stop.
    let next = browser.find("button.day.next[tabindex='0']").await;
    let first = next.attr("data-date").await.expect("attr").expect("date");
    browser
        .script("document.querySelector(\"button.day[tabindex='0']\").focus()")
        .await;
    let outline = browser
        .script("return getComputedStyle(document.activeElement).outlineStyle")
        .await;
    assert_ne!(outline, "none", "the focused day is visibly marked");

    // Arrow keys walk the days of the month (away and back, staying inside it); Enter chooses one.
    let first = first.parse::<NaiveDate>().expect("date");
    let (away, back, neighbour) = if (first + Days::new(1)).month() == first.month() {
        ("\u{E014}", "\u{E012}", first + Days::new(1))
    } else {
        ("\u{E012}", "\u{E014}", first - Days::new(1))
    };
    let active = browser.client.active_element().await.expect("focus");
    active.send_keys(away).await.expect("arrow key");
    let active = browser.client.active_element().await.expect("focus");
    let moved = active.attr("data-date").await.expect("attr").expect("date");
    assert_eq!(moved, neighbour.to_string());
    active.send_keys(back).await.expect("arrow key");
    let active = browser.client.active_element().await.expect("focus");
    let label = active
        .attr("aria-label")
        .await
        .expect("attr")
        .unwrap_or_default();
    assert!(label.ends_with(", next available"), "{label}");
    active.send_keys("\u{E007}").await.expect("Enter");
    browser
        .wait_for_path(&format!("/book/support/call/{first}"))
        .await;

    // Times are links: Enter on one opens the form, whose fields are labelled.
    browser.find("a.slot").await;
    browser
        .script("document.querySelector('a.slot').focus()")
        .await;
    let active = browser.client.active_element().await.expect("focus");
    active.send_keys("\u{E007}").await.expect("Enter");
    browser.find("#customer_name").await;
    for field in [
        "customer_name",
        "customer_email",
        "customer_phone",
        "customer_notes",
    ] {
        let labelled = browser
            .script(&format!(
                "return document.querySelector(\"label[for='{field}']\") !== null"
            ))
            .await;
        assert_eq!(labelled, true, "{field} has a label");
    }
}
