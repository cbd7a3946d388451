//! Benchmark of the staff app in headless Chromium against a release server on embedded SQLite
//! (`just bench-staff`): a 20-member department with three meetings per member on each working
//! day of a week (300 meetings). Prints a Markdown table:
//!
//! - the staff app's download (HTML + JS + WASM) as the browser's resource timing reports it,
//!   compressed as transferred and as decoded;
//! - navigation to the week's resource calendar on screen (Element Timing on the first column's
//!   heading, which is drawn in the same frame as every meeting), in a fresh profile each run;
//! - the same with the app cached, and switching from the day view to the week.

use mm_blackbox_tests::{
    Db, TestApp, at,
    browser::{Browser, web_app_dir},
    next_monday, support,
};
use serde_json::{Value, json};

const MEMBERS: usize = 20;
const RUNS: usize = 10;

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::MIN, f64::max)
}

/// Milliseconds from navigation start until the calendar's first column heading was painted.
async fn drawn(browser: &Browser) -> f64 {
    let value = browser
        .client
        .execute_async(
            r#"const done = arguments[0];
            new PerformanceObserver((list) => {
                const entry = list.getEntries().find((e) => e.identifier === "calendar");
                if (entry) { done(entry.renderTime || entry.loadTime); }
            }).observe({ type: "element", buffered: true });"#,
            vec![],
        )
        .await
        .expect("element timing");
    value.as_f64().expect("milliseconds")
}

/// A browser signed in as the System Manager (the token placed where signing in keeps it),
/// that has not loaded the app yet.
async fn signed_in(app: &TestApp, token: &str) -> Browser {
    let browser = Browser::open("Europe/Copenhagen", 1600, 1000).await;
    // A page of the same origin that is not the app, so the app's first load is a cold one.
    browser.goto(&app.url("/health")).await;
    browser
        .client
        .execute(
            "localStorage.setItem('mm.staff.session', JSON.stringify({token: arguments[0], expires_at_ms: Date.now() + 3600000}));",
            vec![Value::from(token)],
        )
        .await
        .expect("keeping the token");
    browser
}

#[tokio::main]
async fn main() {
    let dir = web_app_dir();
    let app = TestApp::spawn_with(
        Db::Sqlite,
        &[("MM_STATIC_DIR", dir.to_str().expect("utf-8 path"))],
    )
    .await;
    let setup = support(&app, MEMBERS, json!({})).await;
    let monday = next_monday();
    let mut meetings = 0;
    for (m, member) in setup.members.iter().enumerate() {
        for day in 0..5 {
            let date = monday + chrono::Days::new(day);
            for hour in [9, 11, 14] {
                let (status, body) = app
                    .post(
                        "/bookings",
                        &setup.admin,
                        json!({"meeting_type_id": setup.call, "assigned_to": member,
                               "start_utc": at(date, hour, 0), "customer_name": format!("Customer {m}-{day}-{hour}"),
                               "customer_email": format!("c{m}.{day}.{hour}@example.com"), "customer_phone": "+45 12 34 56 78"}),
                    )
                    .await;
                assert_eq!(status, 201, "{body}");
                meetings += 1;
            }
        }
    }
    let week = app.url(&format!(
        "/admin/calendar?view=week&date={monday}&department={}",
        setup.department
    ));
    let day = app.url(&format!(
        "/admin/calendar?view=day&date={monday}&department={}",
        setup.department
    ));

    let (mut cold, mut sizes) = (Vec::new(), (0.0, 0.0));
    for _ in 0..RUNS {
        let browser = signed_in(&app, &setup.admin).await;
        browser.goto(&week).await;
        let events = browser.find_all(".rc-event").await;
        assert!(
            events.len() >= meetings,
            "{} of {meetings} drawn",
            events.len()
        );
        cold.push(drawn(&browser).await);
        let found = browser
            .script(
                r#"const nav = performance.getEntriesByType("navigation")[0];
                const app = performance.getEntriesByType("resource")
                    .filter((r) => /\.(js|wasm)$/.test(new URL(r.name).pathname));
                const sum = (key) => app.reduce((n, r) => n + r[key], nav[key]);
                return [sum("transferSize"), sum("decodedBodySize")];"#,
            )
            .await;
        sizes = (
            found[0].as_f64().unwrap_or_default(),
            found[1].as_f64().unwrap_or_default(),
        );
    }

    let browser = signed_in(&app, &setup.admin).await;
    let (mut warm, mut switch) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        browser.goto(&week).await;
        browser.find(".rc-event").await;
        warm.push(drawn(&browser).await);
        browser.goto(&day).await;
        browser.find(".rc-event").await;
        let value = browser
            .client
            .execute_async(
                r#"const [count, done] = arguments;
                const start = performance.now();
                [...document.querySelectorAll(".rc-views a")].find((a) => a.textContent === "Week").click();
                (function poll() {
                    if (document.querySelectorAll(".rc-band").length === 7
                        && document.querySelectorAll(".rc-event").length >= count) { done(performance.now() - start); }
                    else { requestAnimationFrame(poll); }
                })();"#,
                vec![Value::from(meetings)],
            )
            .await
            .expect("switching to the week");
        switch.push(value.as_f64().expect("milliseconds"));
    }

    let kb = |bytes: f64| format!("{:.0} KB", bytes / 1024.0);
    println!("| what ({MEMBERS} members, {meetings} meetings in the week) | median | max |");
    println!("|---|---|---|");
    println!(
        "| staff app download, HTML + JS + WASM (gzip as transferred; decoded {}) | {} | |",
        kb(sizes.1),
        kb(sizes.0)
    );
    let cold_max = max(&cold);
    println!(
        "| navigation → week calendar on screen, cold cache ({RUNS} fresh profiles) | {:.0} ms | {:.0} ms |",
        median(&mut cold),
        cold_max
    );
    let warm_max = max(&warm);
    println!(
        "| navigation → week calendar on screen, app cached ({RUNS} runs) | {:.0} ms | {:.0} ms |",
        median(&mut warm),
        warm_max
    );
    let switch_max = max(&switch);
    println!(
        "| day view → week view with every meeting drawn ({RUNS} runs) | {:.0} ms | {:.0} ms |",
        median(&mut switch),
        switch_max
    );
}
