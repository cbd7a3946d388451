//! Benchmark of the public booking wizard in headless Chromium against a release server on
//! embedded SQLite with the demo data (`just bench-web`). Prints a Markdown table:
//!
//! - the initial download (HTML + JS + WASM, and the stylesheet apart) as the browser's resource
//!   timing reports it, compressed as transferred and as decoded;
//! - navigation to the department cards on screen (Element Timing on the first card's heading),
//!   each run in a fresh browser profile so nothing is cached;
//! - each step's answer: from the click to the next step's content on screen.

use std::time::Duration;

use mm_blackbox_tests::{
    Db, TestApp,
    browser::{Browser, web_app_dir},
};
use serde_json::Value;

const COLD_RUNS: usize = 10;
const STEP_RUNS: usize = 10;

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::MIN, f64::max)
}

/// Clicks `click`, then waits (frame by frame) until `ready` is on screen; milliseconds.
async fn step(browser: &Browser, click: &str, ready: &str) -> f64 {
    let script = r#"
        const [click, ready, done] = arguments;
        const target = document.querySelector(click);
        const start = performance.now();
        target.click();
        (function poll() {
            if (document.querySelector(ready)) { done(performance.now() - start); }
            else { requestAnimationFrame(poll); }
        })();
    "#;
    let value = browser
        .client
        .execute_async(script, vec![click.into(), ready.into()])
        .await
        .unwrap_or_else(|e| panic!("clicking {click} never showed {ready}: {e}"));
    value.as_f64().expect("milliseconds")
}

#[tokio::main]
async fn main() {
    let dir = web_app_dir();
    let app = TestApp::spawn_with(
        Db::Sqlite,
        &[
            ("MM_DEMO", "1"),
            ("MM_STATIC_DIR", dir.to_str().expect("utf-8 path")),
            ("MM_PUBLIC_BOOKING_RATE_LIMIT", "0"),
        ],
    )
    .await;

    // Cold loads: a new profile each time.
    let mut to_cards = Vec::new();
    let mut transfer = (0.0, 0.0, 0.0);
    for _ in 0..COLD_RUNS {
        let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
        browser.goto(&app.url("/book")).await;
        browser.find("a.card").await;
        let timing = browser
            .client
            .execute_async(
                r#"const done = arguments[0];
                new PerformanceObserver((list) => {
                    const entry = list.getEntries().find((e) => e.identifier === "departments");
                    if (entry) { done(entry.renderTime || entry.loadTime); }
                }).observe({ type: "element", buffered: true });"#,
                vec![],
            )
            .await
            .expect("element timing");
        to_cards.push(timing.as_f64().expect("milliseconds"));
        let sizes: Value = browser
            .script(
                r#"const nav = performance.getEntriesByType("navigation")[0];
                const res = performance.getEntriesByType("resource").filter((r) => !r.name.includes("/api/"));
                const app = res.filter((r) => /\.(js|wasm)$/.test(new URL(r.name).pathname));
                const css = res.filter((r) => new URL(r.name).pathname.endsWith(".css"));
                const sum = (list, key) => list.reduce((n, r) => n + r[key], 0);
                return [nav.transferSize + sum(app, "transferSize"),
                        nav.decodedBodySize + sum(app, "decodedBodySize"),
                        sum(css, "transferSize")];"#,
            )
            .await;
        transfer = (
            sizes[0].as_f64().unwrap_or_default(),
            sizes[1].as_f64().unwrap_or_default(),
            sizes[2].as_f64().unwrap_or_default(),
        );
    }

    // Steps, warm: one browser walking the wizard again and again.
    let browser = Browser::open("Europe/Copenhagen", 1280, 900).await;
    let mut steps: Vec<(&str, Vec<f64>)> = vec![
        ("1 → 2 meeting types", Vec::new()),
        ("2 → 3 calendar", Vec::new()),
        ("3 → 4 times", Vec::new()),
        ("4 → 5 details", Vec::new()),
        ("5 → 6 confirmation (books)", Vec::new()),
    ];
    for run in 0..STEP_RUNS {
        browser.goto(&app.url("/book")).await;
        browser.find("a.card").await;
        steps[0].1.push(step(&browser, "a.card", "a.card h3").await);
        steps[1]
            .1
            .push(step(&browser, "a.card", "button.day.available").await);
        steps[2]
            .1
            .push(step(&browser, "button.day.available.next", "a.slot").await);
        steps[3]
            .1
            .push(step(&browser, "a.slot", "#customer_name").await);
        // The form remembers the previous run's answers for the tab.
        browser.fill("#customer_name", "Bench Customer").await;
        browser
            .fill("#customer_email", &format!("bench{run}@example.com"))
            .await;
        browser.fill("#customer_phone", "+45 12 34 56 78").await;
        steps[4]
            .1
            .push(step(&browser, "button[type=submit]", ".confirmation").await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let kb = |bytes: f64| format!("{:.0} KB", bytes / 1024.0);
    println!("| what | median | max | target |");
    println!("|---|---|---|---|");
    println!(
        "| initial download, HTML + JS + WASM (gzip as transferred; decoded {}) | {} | | ≤ 350 KB |",
        kb(transfer.1),
        kb(transfer.0)
    );
    println!("| stylesheet (gzip) | {} | | |", kb(transfer.2));
    let cold_max = max(&to_cards);
    println!(
        "| navigation → department cards on screen, cold cache ({COLD_RUNS} runs) | {:.0} ms | {:.0} ms | ≤ 1 s |",
        median(&mut to_cards),
        cold_max
    );
    for (name, mut times) in steps {
        let worst = max(&times);
        println!(
            "| step {name} ({STEP_RUNS} runs) | {:.0} ms | {:.0} ms | ≤ 200 ms |",
            median(&mut times),
            worst
        );
    }
}
