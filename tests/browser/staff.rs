//! The staff app in a real browser: signing in, the dashboard, and the resource calendar whose
//! meetings are dragged between members with the mouse. Every outcome is checked through the
//! API too.

use chrono::{Days, Utc};
use chrono_tz::Europe::Copenhagen;
use mm_blackbox_tests::{TestApp, at, book, browser::Browser, next_monday, request};
use serde_json::{Value, json};

use super::{copenhagen, staff_booking, wizard_app, wizard_app_with};

use mm_blackbox_tests::MEMBER_PASSWORD;

/// Signs in on the login page, which then opens `path`.
async fn sign_in(browser: &Browser, app: &TestApp, email: &str, password: &str, path: &str) {
    let next: String = path
        .chars()
        .map(|c| match c {
            '/' | '?' | '&' | '=' => format!("%{:02X}", c as u32),
            c => c.to_string(),
        })
        .collect();
    browser
        .goto(&app.url(&format!("/admin/login?next={next}")))
        .await;
    browser.type_into("#email", email).await;
    browser.type_into("#password", password).await;
    browser.click("button[type=submit]").await;
    browser.wait_for_path(path).await;
}

/// Books the `call` at `start_utc` through the public API; the staff view of the booking.
async fn booked(app: &TestApp, admin: &str, start_utc: &str, email: &str) -> Value {
    let (status, body) = book(app, request(start_utc, email)).await;
    assert_eq!(status, 201, "{body}");
    staff_booking(
        app,
        admin,
        body["booking_reference"].as_str().expect("reference"),
    )
    .await
}

fn id(value: &Value) -> String {
    value.as_str().expect("an id").to_owned()
}

/// The horizontal distance from a meeting's block to the centre of a member's column.
async fn to_column(browser: &Browser, block: &fantoccini::elements::Element, member: &str) -> f64 {
    let column = browser
        .find(&format!(".rc-cell[data-member='{member}']"))
        .await;
    Browser::centre(&column).await.0 - Browser::centre(block).await.0
}

#[tokio::test]
async fn leader_drags_a_meeting_to_another_members_column_and_it_is_reassigned() {
    let (app, setup) = wizard_app(3, json!({})).await;
    let monday = next_monday();
    let start = at(monday, 11, 0);
    let booking = booked(&app, &setup.admin, &start, "ada@example.com").await;
    let (meeting, host) = (id(&booking["id"]), id(&booking["assigned_to"]));
    let new_host = setup
        .members
        .iter()
        .find(|m| **m != host)
        .expect("another member")
        .clone();
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    // Member 0 leads the department.
    let day = format!(
        "/admin/calendar?view=day&date={monday}&department={}",
        setup.department
    );
    sign_in(&browser, &app, "m0@example.com", MEMBER_PASSWORD, &day).await;
    browser.wait_for_count(".rc-colhead", 3).await;

    let block = browser
        .find(&format!(
            ".rc-cell[data-member='{host}'] .rc-event[data-booking='{meeting}']"
        ))
        .await;
    let dx = to_column(&browser, &block, &new_host).await;
    browser.press_and_drag(&block, dx, 0.0).await;
    // While the button is held, the target says the new host is free, in green.
    let ghost = browser.find(".rc-ghost.free").await;
    assert!(
        ghost.text().await.expect("text").contains("is free"),
        "the green target says why"
    );
    browser.screenshot("staff-calendar-drag").await;
    browser.release().await;
    browser.find_text(".notice.success", "moved").await;
    browser
        .find(&format!(
            ".rc-cell[data-member='{new_host}'] .rc-event[data-booking='{meeting}']"
        ))
        .await;

    // The API shows the new host at the same time, the history entry and the emails.
    let (_, moved) = app.get(&format!("/bookings/{meeting}"), &setup.admin).await;
    assert_eq!(moved["assigned_to"], new_host.as_str());
    assert_eq!(moved["start_utc"], start.as_str());
    let assignments = moved["assignment_history"].as_array().expect("history");
    assert_eq!(assignments.len(), 2, "{moved}");
    assert_eq!(assignments[1]["assigned_to"], new_host.as_str());
    assert_eq!(assignments[1]["is_current"], true);
    let actions: Vec<&str> = moved["booking_history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|h| h["action"].as_str())
        .collect();
    assert!(actions.contains(&"reassigned"), "{actions:?}");
    let (_, outbox) = app.get("/outbox?per_page=200", &setup.admin).await;
    let kinds: Vec<&str> = outbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|m| m["kind"].as_str())
        .collect();
    for kind in ["old_host_reassigned", "new_host_reassigned"] {
        assert!(kinds.contains(&kind), "no {kind} email queued: {kinds:?}");
    }
}

#[tokio::test]
async fn a_drag_onto_a_busy_member_shows_red_and_changes_nothing() {
    let (app, setup) = wizard_app(2, json!({})).await;
    let monday = next_monday();
    let start = at(monday, 11, 0);
    // Two customers at the same hour: round-robin gives each member one.
    let first = booked(&app, &setup.admin, &start, "ada@example.com").await;
    let second = booked(&app, &setup.admin, &start, "bob@example.com").await;
    assert_ne!(first["assigned_to"], second["assigned_to"]);
    let (meeting, host) = (id(&first["id"]), id(&first["assigned_to"]));
    let busy_member = id(&second["assigned_to"]);
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    let day = format!("/admin/calendar?view=day&date={monday}");
    sign_in(
        &browser,
        &app,
        mm_blackbox_tests::ADMIN_EMAIL,
        mm_blackbox_tests::ADMIN_PASSWORD,
        &day,
    )
    .await;

    let block = browser
        .find(&format!(
            ".rc-cell[data-member='{host}'] .rc-event[data-booking='{meeting}']"
        ))
        .await;
    let dx = to_column(&browser, &block, &busy_member).await;
    browser.press_and_drag(&block, dx, 0.0).await;
    let ghost = browser.find(".rc-ghost.refused").await;
    let reason = ghost.text().await.expect("text");
    assert!(
        reason.to_lowercase().contains("booking") || reason.to_lowercase().contains("meeting"),
        "the red target gives the reason: {reason}"
    );
    browser.screenshot("staff-calendar-refused").await;
    browser.release().await;
    browser.find_text(".notice.error", "was not moved").await;
    // Snapped back: still in its column, unchanged in the API.
    browser
        .find(&format!(
            ".rc-cell[data-member='{host}'] .rc-event[data-booking='{meeting}']"
        ))
        .await;
    let (_, after) = app.get(&format!("/bookings/{meeting}"), &setup.admin).await;
    assert_eq!(after["assigned_to"], host.as_str());
    assert_eq!(after["start_utc"], start.as_str());
    assert_eq!(
        after["assignment_history"].as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn a_meeting_dragged_to_a_later_time_is_rescheduled() {
    let (app, setup) = wizard_app(1, json!({})).await;
    let monday = next_monday();
    let booking = booked(&app, &setup.admin, &at(monday, 11, 0), "ada@example.com").await;
    let meeting = id(&booking["id"]);
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    let day = format!("/admin/calendar?view=day&date={monday}");
    sign_in(
        &browser,
        &app,
        mm_blackbox_tests::ADMIN_EMAIL,
        mm_blackbox_tests::ADMIN_PASSWORD,
        &day,
    )
    .await;
    // The calendar is drawn in the admin's zone (UTC): a one-hour block is one hour tall.
    let block = browser
        .find(&format!(".rc-event[data-booking='{meeting}']"))
        .await;
    let (_, _, _, hour) = block.rectangle().await.expect("rectangle");
    browser.press_and_drag(&block, 0.0, 2.0 * hour).await;
    browser.find(".rc-ghost.free").await;
    browser.release().await;
    browser.find_text(".notice.success", "moved").await;
    let (_, moved) = app.get(&format!("/bookings/{meeting}"), &setup.admin).await;
    assert_eq!(moved["start_utc"], at(monday, 13, 0).as_str(), "{moved}");
}

#[tokio::test]
async fn a_member_sees_only_their_own_meetings_and_opens_one() {
    let (app, setup) = wizard_app(2, json!({})).await;
    let monday = next_monday();
    let start = at(monday, 11, 0);
    let first = booked(&app, &setup.admin, &start, "ada@example.com").await;
    let second = booked(&app, &setup.admin, &start, "bob@example.com").await;
    // Member 1 does not lead the department.
    let (mine, theirs) = if first["assigned_to"] == setup.members[1].as_str() {
        (first, second)
    } else {
        (second, first)
    };
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    let week = format!("/admin/calendar?view=week&date={monday}");
    sign_in(&browser, &app, "m1@example.com", MEMBER_PASSWORD, &week).await;

    let columns = browser.find_all(".rc-colhead").await;
    assert_eq!(columns.len(), 1, "one column: their own");
    assert_eq!(columns[0].text().await.expect("text"), "Member 1");
    let shown = browser.find_all(".rc-event").await;
    assert_eq!(shown.len(), 1);
    assert_eq!(
        shown[0].attr("data-booking").await.expect("attr"),
        mine["id"].as_str().map(str::to_owned)
    );
    let theirs_id = id(&theirs["id"]);
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css(&format!(
                "[data-booking='{theirs_id}']"
            )))
            .await
            .is_err(),
        "another member's meeting is not shown"
    );
    // A click opens everything about the meeting.
    shown[0].click().await.expect("click");
    let panel = browser.find_text(".panel", "Assignment history").await;
    let text = panel.text().await.expect("text");
    let email = mine["customer_email"].as_str().expect("email");
    assert!(text.contains("John Doe") && text.contains(email), "{text}");
    assert!(text.contains(mine["booking_reference"].as_str().expect("reference")));
    browser.screenshot("staff-calendar-member-week").await;
}

#[tokio::test]
async fn staff_sign_in_see_the_dashboard_and_come_back_after_the_token_dies() {
    let (app, setup) = wizard_app(2, json!({})).await;
    // Three meetings held yesterday: the dashboard looks back 30 days.
    let yesterday = Utc::now().with_timezone(&Copenhagen).date_naive() - Days::new(1);
    for hour in [9, 10, 11] {
        let start = mm_blackbox_tests::at(mm_blackbox_tests::next_monday(), hour, 0);
        let (status, body) = book(&app, request(&start, &format!("c{hour}@example.com"))).await;
        assert_eq!(status, 201, "{body}");
        let booking = staff_booking(
            &app,
            &setup.admin,
            body["booking_reference"].as_str().expect("reference"),
        )
        .await;
        let held = copenhagen(yesterday, hour);
        app.db_set_booking_times(
            booking["id"].as_str().expect("id"),
            held,
            held + chrono::Duration::hours(1),
        )
        .await;
    }
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;

    // The staff area asks for a sign-in first, and a wrong password says so.
    browser.goto(&app.url("/admin/dashboard")).await;
    browser
        .wait_for_path("/admin/login?next=%2Fadmin%2Fdashboard")
        .await;
    browser
        .type_into("#email", mm_blackbox_tests::ADMIN_EMAIL)
        .await;
    browser.type_into("#password", "not-the-password").await;
    browser.click("button[type=submit]").await;
    browser.find(".notice.error").await;
    browser
        .fill("#password", mm_blackbox_tests::ADMIN_PASSWORD)
        .await;
    browser.click("button[type=submit]").await;
    browser.wait_for_path("/admin/dashboard").await;

    // The dashboard draws its charts from the API's figures.
    browser.find("svg.chart-line polyline").await;
    let (_, figures) = app.get("/analytics/summary", &setup.admin).await;
    let next_week = browser.find_text(".kpi", "Next 7 days").await;
    let shown = next_week.text().await.expect("text");
    assert!(
        shown.starts_with(&figures["headline"]["next_7_days"].to_string()),
        "{shown} vs {}",
        figures["headline"]
    );
    assert_eq!(browser.find_all("svg.heatmap rect").await.len(), 7 * 24);
    assert!(browser.find_all("svg.chart-bars rect").await.len() >= 5);
    let fairness = browser.text(".fairness").await;
    assert!(
        fairness.contains("Member 0") && fairness.contains("Member 1"),
        "{fairness}"
    );
    // How far the booking pages' visitors got: no visits yet, but every step is listed.
    let funnel = browser.text(".funnel").await;
    assert!(
        funnel.contains("Chose a department") && funnel.contains("Booked"),
        "{funnel}"
    );
    browser.screenshot("staff-dashboard").await;

    // Choosing a department keeps it in the address.
    let select = browser.find(".filter select").await;
    browser
        .find(&format!(".filter option[value='{}']", setup.department))
        .await;
    select
        .select_by_value(&setup.department)
        .await
        .expect("choosing a department");
    let filtered = format!("/admin/dashboard?department={}", setup.department);
    browser.wait_for_path(&filtered).await;
    browser.find("svg.heatmap").await;

    // A token the server no longer accepts sends the person to sign in, then back here.
    browser
        .script(
            "const s = JSON.parse(localStorage.getItem('mm.staff.session'));
             s.token = 'revoked'; localStorage.setItem('mm.staff.session', JSON.stringify(s));",
        )
        .await;
    browser.client.refresh().await.expect("reload");
    browser.find("#email").await;
    assert!(browser.path().await.starts_with("/admin/login?next="));
    browser
        .type_into("#email", mm_blackbox_tests::ADMIN_EMAIL)
        .await;
    browser
        .type_into("#password", mm_blackbox_tests::ADMIN_PASSWORD)
        .await;
    browser.click("button[type=submit]").await;
    browser.wait_for_path(&filtered).await;

    // A System Manager's navigation leads to the outbox: every message, readable.
    browser.click(".staff-header a[href='/admin/outbox']").await;
    browser.wait_for_path("/admin/outbox").await;
    let (_, outbox) = app.get("/outbox?per_page=1", &setup.admin).await;
    let newest = outbox["items"][0]["subject"].as_str().expect("a subject");
    browser
        .find_text(".outbox summary", newest)
        .await
        .click()
        .await
        .expect("click");
    browser.find(".outbox details[open] pre.body").await;

    // Signing out forgets the token.
    browser.click("button.sign-out").await;
    browser.wait_for_path("/admin/login").await;
    let kept = browser
        .script("return localStorage.getItem('mm.staff.session')")
        .await;
    assert_eq!(kept, Value::Null);
}

#[tokio::test]
async fn the_booking_list_filters_exports_what_it_shows_and_cancels_in_bulk() {
    let (app, setup) = wizard_app(2, json!({})).await;
    let monday = next_monday();
    let mut references = Vec::new();
    for (hour, email) in [
        (10, "ada@example.com"),
        (12, "bob@example.com"),
        (14, "cy@example.com"),
    ] {
        let booking = booked(&app, &setup.admin, &at(monday, hour, 0), email).await;
        references.push((id(&booking["id"]), id(&booking["booking_reference"])));
    }
    // One of them is cancelled already: the "confirmed" filter leaves it out.
    let (status, body) = app
        .post(
            &format!("/bookings/{}/cancel", references[2].0),
            &setup.admin,
            json!({"reason": "customer asked"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    sign_in(
        &browser,
        &app,
        mm_blackbox_tests::ADMIN_EMAIL,
        mm_blackbox_tests::ADMIN_PASSWORD,
        "/admin/bookings?status=confirmed",
    )
    .await;
    let rows = browser.find_all("table.bookings tbody tr").await;
    assert_eq!(rows.len(), 2);
    let shown: Vec<String> = {
        let mut shown = Vec::new();
        for row in &rows {
            shown.push(row.attr("data-booking").await.expect("attr").expect("id"));
        }
        shown
    };
    assert!(
        !shown.contains(&references[2].0),
        "the cancelled one is filtered out"
    );

    // The export holds exactly the rows of the filter.
    browser
        .find_text("button", "Export CSV")
        .await
        .click()
        .await
        .expect("click");
    let csv = browser.downloaded("bookings.csv").await;
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("booking_reference,status"), "{csv}");
    assert_eq!(
        lines.len(),
        3,
        "a header and the two confirmed bookings: {csv}"
    );
    for (_, reference) in &references[..2] {
        assert!(
            csv.contains(reference.as_str()),
            "{reference} missing from {csv}"
        );
    }
    assert!(!csv.contains(references[2].1.as_str()));

    // A search narrows the list to one customer.
    browser.fill("#q", "bob@example").await;
    browser.click(".search-row button").await;
    browser
        .wait_for_path("/admin/bookings?status=confirmed&q=bob%40example")
        .await;
    browser
        .find_text("table.bookings tbody tr", "bob@example.com")
        .await;
    browser.wait_for_count("table.bookings tbody tr", 1).await;

    // Selecting rows and cancelling them cancels each, with the reason.
    browser
        .goto(&app.url("/admin/bookings?status=confirmed"))
        .await;
    browser
        .find(&format!(
            "tr[data-booking='{}'] input[type=checkbox]",
            references[0].0
        ))
        .await
        .click()
        .await
        .expect("click");
    browser
        .find_text("button", "Cancel selected")
        .await
        .click()
        .await
        .expect("click");
    browser.type_into("#bulk-reason", "office closed").await;
    browser
        .find_text("button", "Cancel these meetings")
        .await
        .click()
        .await
        .expect("click");
    browser.find_text(".notice.success", "Cancelled 1.").await;
    let (_, cancelled) = app
        .get(&format!("/bookings/{}", references[0].0), &setup.admin)
        .await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancellation_reason"], "office closed");
    browser.wait_for_count("table.bookings tbody tr", 1).await;

    // The row's quick reassign gives the meeting to the other member.
    let (_, before) = app
        .get(&format!("/bookings/{}", references[1].0), &setup.admin)
        .await;
    let other = setup
        .members
        .iter()
        .find(|m| before["assigned_to"] != m.as_str())
        .expect("another member")
        .clone();
    browser
        .find(&format!(
            "tr[data-booking='{}'] select.quick-reassign",
            references[1].0
        ))
        .await
        .select_by_value(&other)
        .await
        .expect("choosing a host");
    browser.find_text(".notice.success", "reassigned").await;
    let (_, after) = app
        .get(&format!("/bookings/{}", references[1].0), &setup.admin)
        .await;
    assert_eq!(after["assigned_to"], other.as_str());
    browser.screenshot("staff-bookings").await;
}

/// Sets a date field the way a date picker does, whatever the browser's date format.
async fn choose_date(browser: &Browser, css: &str, date: chrono::NaiveDate) {
    browser.find(css).await;
    browser
        .script(&format!(
            "const field = document.querySelector(\"{css}\");
             field.value = '{date}';
             field.dispatchEvent(new Event('change', {{ bubbles: true }}));"
        ))
        .await;
}

#[tokio::test]
async fn a_leader_schedules_an_internal_meeting_when_everyone_is_free() {
    let (app, setup) = wizard_app(3, json!({})).await;
    let (status, body) = app
        .post(
            &format!("/departments/{}/meeting-types", setup.department),
            &setup.admin,
            json!({"meeting_name": "Planning", "meeting_slug": "planning", "duration": 60,
                   "is_public": false, "is_internal": true}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let monday = next_monday();
    // Someone has a customer at 11:00 Copenhagen time: no common time then.
    booked(&app, &setup.admin, &at(monday, 11, 0), "ada@example.com").await;
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    sign_in(
        &browser,
        &app,
        "m0@example.com",
        MEMBER_PASSWORD,
        "/admin/meetings/new?kind=internal",
    )
    .await;
    browser.find_text("#meeting-type option", "Planning").await;
    for member in &setup.members[1..] {
        browser
            .find(&format!(".people input[value='{member}']"))
            .await
            .click()
            .await
            .expect("click");
    }
    choose_date(&browser, "#date", monday).await;
    let noon = at(monday, 12, 0);
    let free = browser
        .find(&format!("button.slot[data-start-utc='{noon}']"))
        .await;
    let taken = browser
        .client
        .find(fantoccini::Locator::Css(&format!(
            "button.slot[data-start-utc='{}']",
            at(monday, 11, 0)
        )))
        .await;
    assert!(taken.is_err(), "a time someone is busy is not offered");
    free.click().await.expect("click");
    browser.type_into("#agenda", "Plan the quarter").await;
    browser.click(".meeting-form button[type=submit]").await;
    browser.find_text(".notice.success", "booked").await;

    let (_, page) = app
        .get(
            &format!("/bookings?assigned_to={}", setup.members[0]),
            &setup.admin,
        )
        .await;
    let meeting = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|b| b["booking_type"] == "internal")
        .unwrap_or_else(|| panic!("no internal meeting in {page}"));
    assert_eq!(meeting["start_utc"], noon.as_str());
    assert_eq!(meeting["meeting_agenda"], "Plan the quarter");
    let people: Vec<&str> = meeting["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .filter_map(|p| p["user_id"].as_str())
        .collect();
    for member in &setup.members[1..] {
        assert!(people.contains(&member.as_str()), "{meeting}");
    }
}

#[tokio::test]
async fn a_member_books_a_customer_meeting_for_themself() {
    let (app, setup) = wizard_app(2, json!({})).await;
    let monday = next_monday();
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    sign_in(
        &browser,
        &app,
        "m1@example.com",
        MEMBER_PASSWORD,
        "/admin/meetings/new",
    )
    .await;
    // Only they can host: a member books for themself.
    browser.find_text("#host option", "Member 1").await;
    browser.wait_for_count("#host option", 1).await;
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css(
                "a[href='/admin/meetings/new?kind=internal']"
            ))
            .await
            .is_err(),
        "members do not schedule internal meetings"
    );
    choose_date(&browser, "#date", monday).await;
    let start = at(monday, 14, 0);
    browser
        .find(&format!("button.slot[data-start-utc='{start}']"))
        .await
        .click()
        .await
        .expect("click");
    browser
        .fill_customer("Grace Hopper", "grace@example.com", "+45 12 34 56 78")
        .await;
    browser.click(".meeting-form button[type=submit]").await;
    browser.find_text(".notice.success", "booked").await;

    let (_, page) = app.get("/bookings?q=grace", &setup.admin).await;
    let booking = &page["items"][0];
    assert_eq!(booking["assigned_to"], setup.members[1].as_str(), "{page}");
    assert_eq!(booking["start_utc"], start.as_str());
    assert_eq!(booking["assignment_method"], "manual");
    assert_eq!(booking["customer_timezone"], "UTC");
}

#[tokio::test]
async fn a_member_books_a_weekly_series_and_leaves_out_the_week_they_are_taken() {
    let (app, setup) = wizard_app(2, json!({})).await;
    let monday = next_monday();
    let start = at(monday, 14, 0);
    // Two weeks on, Member 1 already meets someone at two.
    let third = monday + Days::new(14);
    let (status, taken) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({
                "meeting_type_id": setup.call, "assigned_to": setup.members[1],
                "start_utc": at(third, 14, 0),
                "customer_name": "Bo Berg", "customer_email": "bo@example.com",
                "customer_phone": "+45 12 34 56 79",
            }),
        )
        .await;
    assert_eq!(status, 201, "{taken}");
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    sign_in(
        &browser,
        &app,
        "m1@example.com",
        MEMBER_PASSWORD,
        "/admin/meetings/new",
    )
    .await;
    choose_date(&browser, "#date", monday).await;
    browser
        .find(&format!("button.slot[data-start-utc='{start}']"))
        .await
        .click()
        .await
        .expect("click");
    browser
        .find("#repeat-frequency")
        .await
        .select_by_value("weekly")
        .await
        .expect("choosing weekly");
    browser.fill("#repeat-count", "3").await;
    browser
        .fill_customer("Grace Hopper", "grace@example.com", "+45 12 34 56 78")
        .await;
    browser.click(".meeting-form button[type=submit]").await;

    // The third meeting is named with why; the others are booked on request.
    browser
        .find(&format!(".series-misfits li[data-date='{third}']"))
        .await;
    browser.wait_for_count(".series-misfits li", 1).await;
    browser.click(".series-misfits button.skip-misfits").await;
    browser.find_text(".notice.success", "booked").await;

    let (_, page) = app.get("/bookings?q=grace", &setup.admin).await;
    let mut starts: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|b| b["start_utc"].as_str().unwrap())
        .collect();
    starts.sort();
    let second = at(monday + Days::new(7), 14, 0);
    assert_eq!(starts, [start.as_str(), second.as_str()], "{page}");
    assert!(
        page["items"][0]["series_id"].is_string(),
        "one series: {page}"
    );
}

#[tokio::test]
async fn a_leader_changes_a_members_week_and_adds_a_day_off_which_the_member_then_reads() {
    let (app, setup) = wizard_app(2, json!({})).await;
    let member = setup.members[1].clone();
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    let page = format!("/admin/availability?user={member}");
    sign_in(&browser, &app, "m0@example.com", MEMBER_PASSWORD, &page).await;

    // Fridays off, and a lunch break on Mondays.
    browser
        .find_text(".week label.check", "Friday")
        .await
        .find(fantoccini::Locator::Css("input"))
        .await
        .expect("checkbox")
        .click()
        .await
        .expect("click");
    browser
        .find_text(".week button", "Add break")
        .await
        .click()
        .await
        .expect("click");
    browser
        .find_text(".week button", "Save working hours")
        .await
        .click()
        .await
        .expect("click");
    browser.find_text(".week .notice.success", "Saved").await;
    let (_, week) = app
        .get(&format!("/users/{member}/working-hours"), &setup.admin)
        .await;
    assert_eq!(week["friday"]["enabled"], false, "{week}");
    assert_eq!(week["monday"]["breaks"][0]["start"], "12:00", "{week}");

    // A day off on a date, with its reason.
    let day_off = next_monday() + Days::new(7);
    browser
        .find_text(".rule button", "Add a date")
        .await
        .click()
        .await
        .expect("click");
    browser
        .script(&format!(
            "const field = document.querySelector('.overrides input[type=date]');
             field.value = '{day_off}';
             field.dispatchEvent(new Event('change', {{ bubbles: true }}));"
        ))
        .await;
    browser
        .type_into(".overrides input[type=text]", "Course")
        .await;
    browser.click("#max_per_day").await;
    browser.type_into("#max_per_day", "4").await;
    browser
        .find_text(".rule button", "Save booking rules")
        .await
        .click()
        .await
        .expect("click");
    browser.find_text(".rule .notice.success", "Saved").await;
    let (_, rules) = app
        .get(&format!("/users/{member}/availability-rules"), &setup.admin)
        .await;
    let rule = &rules["items"][0];
    assert_eq!(rule["max_bookings_per_day"], 4, "{rules}");
    assert_eq!(
        rule["date_overrides"][0]["date"],
        day_off.to_string(),
        "{rules}"
    );
    assert_eq!(rule["date_overrides"][0]["available"], false);
    assert_eq!(rule["date_overrides"][0]["reason"], "Course");

    // The member reads the same, without the means to change it.
    browser.click("button.sign-out").await;
    browser.wait_for_path("/admin/login").await;
    sign_in(
        &browser,
        &app,
        "m1@example.com",
        MEMBER_PASSWORD,
        "/admin/availability",
    )
    .await;
    browser.find_text(".notice", "Department Leader").await;
    let max = browser.find("#max_per_day").await;
    assert_eq!(max.prop("value").await.expect("prop").as_deref(), Some("4"));
    assert!(max.attr("disabled").await.expect("attr").is_some());
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css(".week button[type=submit]"))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_system_manager_creates_a_department_and_is_told_when_its_leader_is_not_active() {
    let (app, setup) = wizard_app(2, json!({})).await;
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    sign_in(
        &browser,
        &app,
        mm_blackbox_tests::ADMIN_EMAIL,
        mm_blackbox_tests::ADMIN_PASSWORD,
        "/admin/departments/new",
    )
    .await;
    browser.type_into("#department_name", "Sales").await;
    browser.fill("#timezone", "Europe/Copenhagen").await;
    for member in &setup.members {
        browser
            .find(&format!("#add-member option[value='{member}']"))
            .await;
        browser
            .find("#add-member")
            .await
            .select_by_value(member)
            .await
            .expect("choosing a member");
        browser
            .find_text(".add-member button", "Add")
            .await
            .click()
            .await
            .expect("click");
    }
    browser
        .find("#leader")
        .await
        .select_by_value(&setup.members[1])
        .await
        .expect("choosing the leader");
    browser
        .find("#algorithm")
        .await
        .select_by_value("weighted")
        .await
        .expect("choosing weighted");
    browser.click(".department-form button[type=submit]").await;
    // Created: the department's own page, with the address customers book at.
    browser.find_text(".share", "Booking link").await;
    assert_eq!(
        value_of(&browser, "#share-link").await,
        app.url("/book/sales")
    );
    let (_, all) = app.get("/departments", &setup.admin).await;
    let sales = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|d| d["department_slug"] == "sales")
        .unwrap_or_else(|| panic!("no sales in {all}"))
        .clone();
    assert_eq!(sales["department_leader"], setup.members[1].as_str());
    assert_eq!(sales["assignment_algorithm"], "weighted");
    assert_eq!(sales["members"].as_array().map(Vec::len), Some(2));

    // The leader made inactive: the server refuses and the page names the field; nothing changes.
    browser
        .wait_for_path(&format!(
            "/admin/departments/{}",
            sales["id"].as_str().expect("id")
        ))
        .await;
    // The saved department's own form replaces the new one.
    browser.find_text("h1", "Sales").await;
    browser
        .find(&format!(
            "tr[data-member='{}'] input[type=checkbox]",
            setup.members[1]
        ))
        .await
        .click()
        .await
        .expect("click");
    browser.click(".department-form button[type=submit]").await;
    browser
        .find_text(".notice.error", "department leader")
        .await;
    let (_, after) = app
        .get(
            &format!("/departments/{}", sales["id"].as_str().expect("id")),
            &setup.admin,
        )
        .await;
    assert_eq!(after["members"], sales["members"]);
}

#[tokio::test]
async fn a_leader_edits_a_meeting_type_with_a_question_a_reminder_and_approval() {
    let (app, setup) = wizard_app(2, json!({})).await;
    let (_, before) = app
        .get(&format!("/meeting-types/{}", setup.call), &setup.admin)
        .await;
    let reminders = before["reminder_schedule"].as_array().map_or(0, Vec::len);
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    let department = format!("/admin/departments/{}", setup.department);
    sign_in(
        &browser,
        &app,
        "m0@example.com",
        MEMBER_PASSWORD,
        &department,
    )
    .await;
    browser
        .find_text(".type-list a", "Call")
        .await
        .click()
        .await
        .expect("click");
    browser
        .wait_for_path(&format!("/admin/meeting-types/{}", setup.call))
        .await;
    browser.fill("#duration", "45").await;
    browser.click("#requires_approval").await;
    browser
        .find_text("button", "Add a question")
        .await
        .click()
        .await
        .expect("click");
    browser
        .type_into(".questions input[aria-label=Key]", "company")
        .await;
    browser
        .type_into(".questions input[aria-label=Question]", "Company")
        .await;
    browser.click(".questions input[aria-label=Required]").await;
    browser
        .find_text("button", "Add a reminder")
        .await
        .click()
        .await
        .expect("click");
    browser
        .find_text(".type-form button", "Save meeting type")
        .await
        .click()
        .await
        .expect("click");
    browser
        .find_text(".type-form .notice.success", "Saved")
        .await;

    let (_, saved) = app
        .get(&format!("/meeting-types/{}", setup.call), &setup.admin)
        .await;
    assert_eq!(saved["duration"], 45, "{saved}");
    assert_eq!(saved["requires_approval"], true);
    assert_eq!(saved["custom_questions"][0]["key"], "company");
    assert_eq!(saved["custom_questions"][0]["required"], true);
    assert_eq!(
        saved["reminder_schedule"].as_array().map(Vec::len),
        Some(reminders + 1),
        "one reminder more, at an hour not yet used: {saved}"
    );

    // A length outside 5–480 minutes is refused, named, and nothing changes.
    browser.fill("#duration", "1000").await;
    browser
        .find_text(".type-form button", "Save meeting type")
        .await
        .click()
        .await
        .expect("click");
    browser
        .find_text(".type-form .notice.error", "duration")
        .await;
    let (_, after) = app
        .get(&format!("/meeting-types/{}", setup.call), &setup.admin)
        .await;
    assert_eq!(after["duration"], 45);
}

#[tokio::test]
async fn a_meeting_types_link_and_embed_snippet_open_its_calendar_on_another_site() {
    // The site that will embed the calendar, allowed to frame it.
    let site = mm_blackbox_tests::browser::AnotherWebsite::start().await;
    let (app, setup) =
        wizard_app_with(1, json!({}), &[("MM_ALLOWED_ORIGINS", site.url.as_str())]).await;
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    sign_in(
        &browser,
        &app,
        "m0@example.com",
        MEMBER_PASSWORD,
        &format!("/admin/meeting-types/{}", setup.call),
    )
    .await;
    browser.find_text(".share", "Embed on your website").await;
    browser
        .find_text(".share .embed-allowed", &format!("Works on: {}", site.url))
        .await;
    let link = value_of(&browser, "#share-link").await;
    assert_eq!(link, app.url("/book/support/call"));
    let snippet = value_of(&browser, "#share-embed").await;
    assert_eq!(
        snippet,
        format!(
            r#"<iframe src="{}/embed/support/call" title="Book a meeting: Call" style="width:100%;max-width:44rem;height:760px;border:0"></iframe>"#,
            app.address
        )
    );
    browser.click("#share-embed + button").await;
    browser.find_text("#share-embed-said", "Copied").await;
    browser.screenshot("staff-meeting-type-share").await;
    // What was copied is what a paste gives.
    browser
        .script(
            "const t = document.createElement('textarea'); t.id = 'paste-here'; \
             document.body.append(t); t.focus();",
        )
        .await;
    browser
        .client
        .active_element()
        .await
        .expect("focus")
        .send_keys("\u{E009}v")
        .await
        .expect("ctrl+v");
    assert_eq!(value_of(&browser, "#paste-here").await, snippet);
    // A page not served over HTTPS has no clipboard: the text is selected to copy by hand.
    browser
        .script("Object.defineProperty(navigator, 'clipboard', { value: undefined })")
        .await;
    browser.click("#share-link + button").await;
    browser.find_text("#share-link-said", "Selected").await;
    let selected = browser
        .script("const f = document.querySelector('#share-link'); return f.selectionEnd - f.selectionStart")
        .await;
    assert_eq!(selected.as_u64(), Some(link.len() as u64));

    // Another website's page with the snippet shows the wizard's calendar for this meeting
    // type, without our header.
    site.show(format!(
        "<!doctype html><title>Our site</title><h1>Talk to us</h1>{snippet}"
    ));
    browser.goto(&site.url).await;
    browser.find("iframe").await;
    browser.client.enter_frame(0).await.expect("the iframe");
    browser.find_text("h1", "Choose a date").await;
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css(".site-header"))
            .await
            .is_err(),
        "embedded without the site's header"
    );

    // The link itself opens the same step on our own site.
    browser.goto(&link).await;
    browser.find_text("h1", "Choose a date").await;
    browser.find(".site-header").await;
}

/// A form field's current value.
async fn value_of(browser: &Browser, css: &str) -> String {
    browser
        .find(css)
        .await
        .prop("value")
        .await
        .expect("prop")
        .unwrap_or_default()
}

#[tokio::test]
async fn a_system_manager_adds_and_deactivates_a_user_and_sets_their_own_time_zone() {
    let (app, setup) = wizard_app(1, json!({})).await;
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    sign_in(
        &browser,
        &app,
        mm_blackbox_tests::ADMIN_EMAIL,
        mm_blackbox_tests::ADMIN_PASSWORD,
        "/admin/users",
    )
    .await;
    browser
        .find_text("button", "New user")
        .await
        .click()
        .await
        .expect("click");
    browser.type_into("#new_email", "nina@example.com").await;
    browser.type_into("#new_name", "Nina Berg").await;
    browser
        .type_into("#new_user_password", "a-long-password")
        .await;
    browser
        .find_text(".new-user button", "Create user")
        .await
        .click()
        .await
        .expect("click");
    browser
        .find_text(".notice.success", "nina@example.com")
        .await;
    let nina = browser.find_text("table.users tr", "Nina Berg").await;
    let id = nina.attr("data-user").await.expect("attr").expect("id");
    let (_, created) = app.get(&format!("/users/{id}"), &setup.admin).await;
    assert_eq!(
        created["timezone"], "Europe/Copenhagen",
        "the browser's zone is the default"
    );
    assert_eq!(created["is_active"], true);
    browser
        .find(&format!(
            "tr[data-user='{id}'] input[aria-label='Nina Berg is active']"
        ))
        .await
        .click()
        .await
        .expect("click");
    browser
        .find(&format!("tr[data-user='{id}'].inactive"))
        .await;
    let (_, deactivated) = app.get(&format!("/users/{id}"), &setup.admin).await;
    assert_eq!(deactivated["is_active"], false);
    assert_eq!(deactivated["full_name"], "Nina Berg");
    let (refused, _) = app
        .call(
            reqwest::Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "nina@example.com", "password": "a-long-password"})),
        )
        .await;
    assert_eq!(
        refused,
        reqwest::StatusCode::UNAUTHORIZED,
        "an inactive user cannot sign in"
    );

    // Their own profile: the zone every page then shows times in.
    browser.click(".staff-header a.who").await;
    browser.wait_for_path("/admin/profile").await;
    browser.fill("#timezone", "America/New_York").await;
    browser
        .find_text(".profile button", "Save profile")
        .await
        .click()
        .await
        .expect("click");
    browser.find_text(".profile .notice.success", "Saved").await;
    let (_, me) = app.get("/auth/me", &setup.admin).await;
    assert_eq!(me["timezone"], "America/New_York");
    browser
        .click(".staff-header a[href='/admin/calendar']")
        .await;
    browser
        .find_text(".rc-legend", "Times in America/New York")
        .await;
}

#[tokio::test]
async fn a_member_connects_an_ical_feed_sees_it_fail_and_disconnects_it() {
    let (app, setup) = wizard_app(2, json!({})).await;
    let monday = next_monday();
    let feeds = mm_blackbox_tests::feeds::FeedServer::start().await;
    feeds.publish(
        "/private/basic.ics",
        &mm_blackbox_tests::feeds::calendar(&[(
            "dentist@google.com",
            &at(monday, 10, 0),
            &at(monday, 11, 0),
            "Dentist",
        )]),
    );
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    sign_in(
        &browser,
        &app,
        "m1@example.com",
        MEMBER_PASSWORD,
        "/admin/calendars",
    )
    .await;
    browser.find_text(".empty", "No calendars connected").await;
    browser
        .type_into("#ical_url", &feeds.url("/private/basic.ics"))
        .await;
    browser.type_into("#ical_name", "Personal").await;
    browser.click(".connect-feed button[type=submit]").await;
    browser
        .find_text(".notice.success", "Connected Personal: 1 event.")
        .await;
    browser
        .find_text("li.connection .sync-status", "Synced")
        .await;
    browser.find_text("li.connection", "127.0.0.1").await;
    let (_, list) = app
        .get(
            &format!("/users/{}/calendar-integrations", setup.members[1]),
            &setup.admin,
        )
        .await;
    assert_eq!(list["items"][0]["events_synced"], 1, "{list}");

    // The feed goes down: "Sync now" shows why, and the calendar is marked failed.
    feeds.fail("/private/basic.ics", 503);
    browser
        .find_text("li.connection button", "Sync now")
        .await
        .click()
        .await
        .expect("click");
    browser.find_text("li.connection .sync-error", "503").await;
    browser
        .find_text("li.connection .sync-status", "Failed")
        .await;

    browser
        .find_text("li.connection button", "Disconnect")
        .await
        .click()
        .await
        .expect("click");
    browser
        .client
        .accept_alert()
        .await
        .expect("the confirmation");
    browser
        .find_text(".notice.success", "Disconnected Personal.")
        .await;
    browser.find_text(".empty", "No calendars connected").await;
    let (_, list) = app
        .get(
            &format!("/users/{}/calendar-integrations", setup.members[1]),
            &setup.admin,
        )
        .await;
    assert_eq!(list["total"], 0, "{list}");
}

#[tokio::test]
async fn a_member_connects_google_calendar_through_the_consent_page() {
    let google = mm_blackbox_tests::google::FakeGoogle::start().await;
    let monday = next_monday();
    google.put_event("dentist", &at(monday, 10, 0), &at(monday, 11, 0), "Dentist");
    let settings = google.env();
    let settings: Vec<(&str, &str)> = settings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (app, setup) = wizard_app_with(2, json!({}), &settings).await;
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    sign_in(
        &browser,
        &app,
        "m1@example.com",
        MEMBER_PASSWORD,
        "/admin/calendars",
    )
    .await;
    browser
        .find_text(".connect-provider button", "Connect Google Calendar")
        .await
        .click()
        .await
        .expect("click");
    // Google's consent page sends the browser straight back, and the page says so.
    browser
        .find_text(".notice.success", "Calendar connected")
        .await;
    browser
        .find_text("li.connection", mm_blackbox_tests::google::ACCOUNT)
        .await;
    browser
        .find_text("li.connection .sync-status", "Synced")
        .await;
    browser.find_text("li.connection", "1 event").await;
    let (_, list) = app
        .get(
            &format!("/users/{}/calendar-integrations", setup.members[1]),
            &setup.admin,
        )
        .await;
    assert_eq!(list["items"][0]["integration_type"], "google", "{list}");

    // The member keeps reading the calendar but stops having meetings written to it.
    browser
        .find_text("li.connection button", "Stop writing meetings here")
        .await
        .click()
        .await
        .expect("click");
    browser
        .find_text(".notice.success", "no longer written")
        .await;
    browser
        .find_text("li.connection button", "Write meetings here")
        .await;
    let (_, list) = app
        .get(
            &format!("/users/{}/calendar-integrations", setup.members[1]),
            &setup.admin,
        )
        .await;
    assert_eq!(list["items"][0]["sync_direction"], "read_only", "{list}");
    assert!(
        google
            .requests()
            .iter()
            .any(|r| r.starts_with("GET /o/oauth2/v2/auth?")),
        "the browser went through the consent page"
    );
}

/// The link in the host's email about a new booking, as the outbox holds it.
async fn booking_link_in_host_email(app: &TestApp, admin: &str, host_email: &str) -> String {
    let (_, outbox) = app.get(&format!("/outbox?to={host_email}"), admin).await;
    let text = outbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|m| m["kind"] == "host_new_booking")
        .and_then(|m| m["body_text"].as_str())
        .unwrap_or_else(|| panic!("the host's email: {outbox}"))
        .to_owned();
    text.split_whitespace()
        .find(|word| word.contains("/admin/bookings/"))
        .unwrap_or_else(|| panic!("a link to the booking page: {text}"))
        .to_owned()
}

#[tokio::test]
async fn the_host_opens_the_booking_page_from_their_email_and_edits_notes_and_the_link() {
    let (app, setup) = wizard_app(1, json!({})).await;
    let start = at(next_monday(), 10, 0);
    let booking = booked(&app, &setup.admin, &start, "ada@example.com").await;
    let link = booking_link_in_host_email(&app, &setup.admin, "m0@example.com").await;
    let path = url::Url::parse(&link)
        .expect("an absolute link")
        .path()
        .to_owned();
    assert_eq!(path, format!("/admin/bookings/{}", id(&booking["id"])));

    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    sign_in(&browser, &app, "m0@example.com", MEMBER_PASSWORD, &path).await;
    let record = browser
        .find_text(".booking-record", "Assignment history")
        .await;
    let text = record.text().await.expect("text");
    assert!(
        text.contains("John Doe") && text.contains("ada@example.com"),
        "{text}"
    );
    assert!(text.contains(booking["booking_reference"].as_str().expect("reference")));
    browser
        .find_text("table.messages", "customer confirmation")
        .await;

    // A link that is not a web address is refused and named.
    browser
        .fill("#edit-meeting_link", "ftp://files.example.com")
        .await;
    browser.click(".booking-edit button[type=submit]").await;
    browser
        .find_text(".booking-edit .notice.error", "meeting link")
        .await;

    browser
        .fill("#edit-meeting_link", "https://meet.example.com/ada")
        .await;
    browser
        .fill("#edit-meeting_notes", "Prefers English; renews in March")
        .await;
    browser.click(".booking-edit button[type=submit]").await;
    browser
        .find_text(".booking-edit .notice.success", "Saved.")
        .await;
    browser
        .find_text(".booking-record .internal-notes", "Prefers English")
        .await;
    // The history names each field with its old and new value.
    browser
        .find_text(
            ".field-changes",
            "meeting link: – → https://meet.example.com/ada",
        )
        .await;
    browser.screenshot("staff-booking-page").await;

    let (_, stored) = app
        .get(&format!("/bookings/{}", id(&booking["id"])), &setup.admin)
        .await;
    assert_eq!(stored["meeting_link"], "https://meet.example.com/ada");
    assert_eq!(stored["meeting_notes"], "Prefers English; renews in March");
    // The customer hears of the new link; nobody hears of the notes.
    let (_, outbox) = app.get("/outbox?to=ada@example.com", &setup.admin).await;
    let kinds: Vec<&str> = outbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|m| m["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"customer_updated"), "{kinds:?}");
}

#[tokio::test]
async fn a_leader_adds_a_co_host_on_the_booking_page_and_the_meeting_joins_their_column() {
    let (app, setup) = wizard_app(2, json!({})).await;
    let monday = next_monday();
    let (host, co_host) = (setup.members[0].clone(), setup.members[1].clone());
    let (status, booking) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({
                "meeting_type_id": setup.call, "assigned_to": host,
                "start_utc": at(monday, 10, 0), "customer_name": "Ada Lovelace",
                "customer_email": "ada@example.com", "customer_phone": "+45 12 34 56 78",
            }),
        )
        .await;
    assert_eq!(status, 201, "{booking}");
    let meeting = id(&booking["id"]);

    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    // Member 0 leads the department.
    let page = format!("/admin/bookings/{meeting}");
    sign_in(&browser, &app, "m0@example.com", MEMBER_PASSWORD, &page).await;
    browser
        .find_text(".co-host-picker label.check", "Member 1")
        .await;
    browser
        .click(&format!(".co-host-picker input[value='{co_host}']"))
        .await;
    browser.click(".booking-edit button[type=submit]").await;
    browser
        .find_text(".booking-edit .notice.success", "Saved.")
        .await;
    browser
        .find_text(".booking-record .co-hosts", "Member 1")
        .await;
    browser.screenshot("staff-booking-co-host").await;

    let (_, stored) = app.get(&format!("/bookings/{meeting}"), &setup.admin).await;
    assert_eq!(stored["co_hosts"], json!([co_host]));
    // The day view shows the meeting in both hosts' columns.
    let day = format!(
        "/admin/calendar?view=day&date={monday}&department={}",
        setup.department
    );
    browser.goto(&app.url(&day)).await;
    for member in [&host, &co_host] {
        browser
            .find(&format!(
                ".rc-cell[data-member='{member}'] .rc-event[data-booking='{meeting}']"
            ))
            .await;
    }
}

#[tokio::test]
async fn a_member_makes_an_api_key_on_their_profile_copies_it_once_and_revokes_it() {
    let (app, _setup) = wizard_app(1, json!({})).await;
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    sign_in(
        &browser,
        &app,
        "m0@example.com",
        MEMBER_PASSWORD,
        "/admin/profile",
    )
    .await;
    browser.find_text(".api-keys", "No keys yet.").await;
    browser.fill("#key_name", "Zapier").await;
    browser
        .click(".new-api-key input[value='bookings:write']")
        .await;
    browser.click(".new-api-key button[type=submit]").await;
    let shown = browser
        .find(".new-key code")
        .await
        .text()
        .await
        .expect("text");
    assert!(shown.starts_with("mm_") && shown.len() == 39, "{shown}");
    let row = browser.find_text(".api-key-list tr", "Zapier").await;
    let text = row.text().await.expect("text");
    assert!(
        text.contains(&shown[..11]) && !text.contains(&shown),
        "the list shows the prefix only: {text}"
    );
    assert!(text.contains("bookings:read, bookings:write"), "{text}");
    browser.screenshot("staff-api-keys").await;

    // The key works until it is revoked.
    assert_eq!(app.get("/bookings", &shown).await.0, 200);
    browser.click(".api-key-list button.danger").await;
    browser.find_text(".api-keys", "No keys yet.").await;
    assert_eq!(app.get("/bookings", &shown).await.0, 401);
}

#[tokio::test]
async fn an_unknown_or_foreign_booking_page_says_so() {
    let (app, setup) = wizard_app(2, json!({})).await;
    let start = at(next_monday(), 10, 0);
    let first = booked(&app, &setup.admin, &start, "ada@example.com").await;
    let second = booked(&app, &setup.admin, &start, "bob@example.com").await;
    // Member 1 does not lead the department: the other member's booking is not theirs to see.
    let theirs = if first["assigned_to"] == setup.members[1].as_str() {
        second
    } else {
        first
    };
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    let foreign = format!("/admin/bookings/{}", id(&theirs["id"]));
    sign_in(&browser, &app, "m1@example.com", MEMBER_PASSWORD, &foreign).await;
    browser
        .find_text(".not-found", "We couldn't find that booking")
        .await;
    browser
        .goto(&app.url("/admin/bookings/00000000-0000-0000-0000-000000000000"))
        .await;
    browser
        .find_text(".not-found", "We couldn't find that booking")
        .await;
    browser.goto(&app.url("/admin/bookings/not-an-id")).await;
    browser
        .find_text(".not-found", "We couldn't find that booking")
        .await;
}

#[tokio::test]
async fn a_colleague_declines_from_the_invitation_link_and_the_organiser_is_told() {
    let (app, setup) = wizard_app(3, json!({"is_internal": true})).await;
    let (status, meeting) = app
        .post(
            "/bookings/internal",
            &setup.admin,
            json!({
                "meeting_type_id": setup.call, "host": setup.members[0],
                "participants": [setup.members[1]], "start_utc": at(next_monday(), 13, 0),
                "physical_location": "Room 4",
            }),
        )
        .await;
    assert_eq!(status, 201, "{meeting}");
    let (_, outbox) = app.get("/outbox?to=m1@example.com", &setup.admin).await;
    let text = outbox["items"][0]["body_text"]
        .as_str()
        .expect("an invitation")
        .to_owned();
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/book/invitation/"))
        .unwrap_or_else(|| panic!("an answer link: {text}"))
        .to_owned();

    // No sign-in: the link is the colleague's own.
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    browser.goto(&link).await;
    let page = browser
        .find_text(".invitation", "Member 0 invites Member 1.")
        .await;
    assert!(page.text().await.expect("text").contains("Room 4"));
    browser
        .find_text(".answer-now", "You have not answered yet.")
        .await;
    browser.click("button[data-response=declined]").await;
    browser.find_text(".answer-now", "You declined.").await;
    browser.screenshot("invitation-declined").await;

    let (_, booking) = app
        .get(&format!("/bookings/{}", id(&meeting["id"])), &setup.admin)
        .await;
    let m1 = booking["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .find(|p| p["user_id"] == setup.members[1].as_str())
        .expect("member 1")
        .clone();
    assert_eq!(m1["attendance_status"], "declined");
    let (_, organiser) = app.get("/outbox?to=m0@example.com", &setup.admin).await;
    assert!(
        organiser.to_string().contains("participant_declined"),
        "{organiser}"
    );

    // Signed in, the colleague sees their answer on the meeting and changes it.
    let path = format!("/admin/bookings/{}", id(&meeting["id"]));
    sign_in(&browser, &app, "m1@example.com", MEMBER_PASSWORD, &path).await;
    browser
        .find(".my-answer button[data-response=declined][aria-pressed=true]")
        .await;
    browser
        .click(".my-answer button[data-response=accepted]")
        .await;
    browser
        .find(".my-answer button[data-response=accepted][aria-pressed=true]")
        .await;
}

#[tokio::test]
async fn a_system_manager_erases_a_customer_and_deletes_a_booking_from_its_page() {
    let (app, setup) = wizard_app(1, json!({})).await;
    let first = booked(
        &app,
        &setup.admin,
        &at(next_monday(), 9, 0),
        "forget.me@example.com",
    )
    .await;
    let second = booked(
        &app,
        &setup.admin,
        &at(next_monday(), 11, 0),
        "other@example.com",
    )
    .await;
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    let path = format!("/admin/bookings/{}", id(&first["id"]));
    sign_in(
        &browser,
        &app,
        mm_blackbox_tests::ADMIN_EMAIL,
        mm_blackbox_tests::ADMIN_PASSWORD,
        &path,
    )
    .await;
    browser.click(".erase-customer").await;
    browser.click(".confirm-yes").await;
    browser
        .find_text(".personal-data .notice.success", "1 booking(s) anonymised")
        .await;
    let (_, erased) = app
        .get(&format!("/bookings/{}", id(&first["id"])), &setup.admin)
        .await;
    assert!(erased["customer_erased_utc"].is_string(), "{erased}");
    assert_eq!(erased["customer_email"], Value::Null);

    let path = format!("/admin/bookings/{}", id(&second["id"]));
    browser.goto(&app.url(&path)).await;
    browser.click(".delete-booking").await;
    browser.click(".confirm-yes").await;
    browser.wait_for_path("/admin/bookings").await;
    let (status, _) = app
        .get(&format!("/bookings/{}", id(&second["id"])), &setup.admin)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_leader_subscribes_a_webhook_sees_its_secret_once_and_tests_it() {
    let (app, _setup) =
        wizard_app_with(1, json!({}), &[("MM_WEBHOOK_ALLOW_PRIVATE_HOSTS", "1")]).await;
    let receiver = mm_blackbox_tests::webhooks::Receiver::start().await;
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    // Member 0 leads the department: their webhooks cover it only.
    sign_in(
        &browser,
        &app,
        "m0@example.com",
        MEMBER_PASSWORD,
        "/admin/webhooks",
    )
    .await;
    browser.find_text("main", "No webhooks yet.").await;
    browser.fill("#webhook_url", &receiver.url()).await;
    browser
        .click(".new-webhook input[value='booking.updated']")
        .await;
    browser.click(".new-webhook button[type=submit]").await;
    let secret = browser
        .find(".new-secret code")
        .await
        .text()
        .await
        .expect("text");
    assert!(secret.starts_with("whsec_"), "{secret}");
    let row = browser.find_text(".webhook", &receiver.url()).await;
    let text = row.text().await.expect("text");
    assert!(
        text.contains("support") && !text.contains("All departments"),
        "{text}"
    );
    assert!(!text.contains("booking.updated"), "unticked: {text}");
    assert!(!text.contains(&secret), "the secret is shown once");

    browser.click(".webhook button.send-test").await;
    browser.find_text(".delivery", "webhook.test").await;
    let got = mm_blackbox_tests::eventually("the test event", || async {
        receiver.received().first().cloned()
    })
    .await;
    assert_eq!(got.event(), "webhook.test");
    assert!(got.signed_with(&secret));
    browser.screenshot("staff-webhooks").await;

    browser.click(".webhook button.toggle").await;
    browser.find_text(".webhook .badge", "off").await;
}

#[tokio::test]
async fn a_leader_cancels_a_meeting_and_the_following_ones_of_a_series_from_its_page() {
    let (app, setup) = wizard_app(1, json!({})).await;
    let first = next_monday();
    let (status, booked) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({
                "meeting_type_id": setup.call, "assigned_to": setup.members[0],
                "start_utc": at(first, 10, 0),
                "customer_name": "Ann Smith", "customer_email": "ann@customer.com",
                "customer_phone": "+45 12 34 56 78",
                "recurrence": {"frequency": "weekly", "count": 4},
            }),
        )
        .await;
    assert_eq!(status, 201, "{booked}");
    let series = id(&booked["series_id"]);
    let second = id(&series_meetings(&app, &setup.admin, &series).await[1]["id"]);

    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    sign_in(
        &browser,
        &app,
        mm_blackbox_tests::ADMIN_EMAIL,
        mm_blackbox_tests::ADMIN_PASSWORD,
        &format!("/admin/bookings/{second}"),
    )
    .await;
    browser
        .find_text(".series-link", "Meeting 2 of a recurring series")
        .await;
    browser
        .find_text(".actions button", "Cancel…")
        .await
        .click()
        .await
        .expect("opening the cancel form");
    browser
        .find("#panel-scope")
        .await
        .select_by_value("following")
        .await
        .expect("choosing the meetings");
    browser
        .fill("#panel-reason", "The project ends early")
        .await;
    browser
        .find_text("button[type=submit]", "Cancel meeting")
        .await
        .click()
        .await
        .expect("cancelling");
    browser.find_text(".notice.success", "Cancelled.").await;
    let statuses: Vec<String> = series_meetings(&app, &setup.admin, &series)
        .await
        .iter()
        .map(|m| id(&m["status"]))
        .collect();
    assert_eq!(
        statuses,
        ["confirmed", "cancelled", "cancelled", "cancelled"]
    );

    // The page links to the series in the booking list.
    browser.click(".series-link").await;
    browser.wait_for_count("table.bookings tbody tr", 4).await;
}

/// The meetings of a series, by their place in it.
async fn series_meetings(app: &TestApp, admin: &str, series: &str) -> Vec<Value> {
    let (_, list) = app
        .get(&format!("/bookings?series_id={series}"), admin)
        .await;
    let mut items = list["items"].as_array().expect("items").clone();
    items.sort_by_key(|b| b["series_index"].as_u64());
    items
}

#[tokio::test]
async fn staff_move_a_series_from_its_second_meeting_to_eleven_on_its_page() {
    let (app, setup) = wizard_app(1, json!({})).await;
    let first = next_monday();
    let (status, booked) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({
                "meeting_type_id": setup.call, "assigned_to": setup.members[0],
                "start_utc": at(first, 10, 0),
                "customer_name": "Ann Smith", "customer_email": "ann@customer.com",
                "customer_phone": "+45 12 34 56 78",
                "recurrence": {"frequency": "weekly", "count": 3},
            }),
        )
        .await;
    assert_eq!(status, 201, "{booked}");
    let series = id(&booked["series_id"]);
    let second = id(&series_meetings(&app, &setup.admin, &series).await[1]["id"]);

    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    sign_in(
        &browser,
        &app,
        mm_blackbox_tests::ADMIN_EMAIL,
        mm_blackbox_tests::ADMIN_PASSWORD,
        &format!("/admin/bookings/{second}"),
    )
    .await;
    browser
        .find_text(".actions button", "Reschedule…")
        .await
        .click()
        .await
        .expect("opening the reschedule form");
    browser.find("#panel-time").await;
    browser
        .script(
            "const time = document.querySelector('#panel-time'); time.value = '11:00'; \
             time.dispatchEvent(new Event('input', {bubbles: true}));",
        )
        .await;
    browser
        .find("#panel-scope")
        .await
        .select_by_value("following")
        .await
        .expect("choosing the meetings");
    browser
        .find_text("button[type=submit]", "Reschedule")
        .await
        .click()
        .await
        .expect("moving");
    browser.find_text(".notice.success", "Rescheduled.").await;
    let starts: Vec<String> = series_meetings(&app, &setup.admin, &series)
        .await
        .iter()
        .map(|m| id(&m["start_utc"]))
        .collect();
    // The form reads times in the signed-in person's zone: the System Manager's is UTC.
    let expected: Vec<String> = (0..3)
        .map(|week| match week {
            0 => at(first, 10, 0),
            _ => format!("{}T11:00:00Z", first + Days::new(7 * week)),
        })
        .collect();
    assert_eq!(starts, expected, "the second and third move to eleven");
}
