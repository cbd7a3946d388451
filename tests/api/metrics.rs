//! `GET /metrics`: served only to the bearer of `MM_METRICS_TOKEN` or on the `MM_METRICS_BIND`
//! address, in the Prometheus text format, with bounded labels, and moved by what happens.

use std::collections::BTreeMap;

use mm_blackbox_tests::{Db, TestApp, at, book, next_monday, on_both_databases, request, support};
use reqwest::{StatusCode, header};
use serde_json::json;

const TOKEN: &str = "metrics-token-0123456789abcdef";

on_both_databases!(a_booking_moves_its_counters_and_the_outbox_gauges);

/// One sample line: the metric's name and its labels.
type Series = (String, BTreeMap<String, String>);

/// The samples of a Prometheus text exposition, and the `# TYPE` of each family.
struct Scrape {
    samples: BTreeMap<Series, f64>,
    types: BTreeMap<String, String>,
    text: String,
}

impl Scrape {
    fn parse(text: String) -> Self {
        let (mut samples, mut types) = (BTreeMap::new(), BTreeMap::new());
        for line in text.lines() {
            if let Some(declared) = line.strip_prefix("# TYPE ") {
                let (name, kind) = declared.split_once(' ').expect("# TYPE name kind");
                types.insert(name.to_owned(), kind.to_owned());
                continue;
            }
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (series, value) = line.rsplit_once(' ').expect("a sample is `series value`");
            let value: f64 = value
                .parse()
                .unwrap_or_else(|_| panic!("a number in {line:?}"));
            let (name, labels) = match series.split_once('{') {
                Some((name, labels)) => (name, labels.strip_suffix('}').expect("closing brace")),
                None => (series, ""),
            };
            let labels = labels
                .split(',')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once('=').expect("label=\"value\"");
                    (key.to_owned(), value.trim_matches('"').to_owned())
                })
                .collect();
            samples.insert((name.to_owned(), labels), value);
        }
        Self {
            samples,
            types,
            text,
        }
    }

    /// The value of `name` with exactly `labels`; 0 when the series does not exist yet.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let labels = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.samples
            .get(&(name.to_owned(), labels))
            .copied()
            .unwrap_or(0.0)
    }

    /// The sum of `name` over every series whose labels include `labels`.
    fn total(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.samples
            .iter()
            .filter(|((n, l), _)| {
                n == name
                    && labels
                        .iter()
                        .all(|(k, v)| l.get(*k).map(String::as_str) == Some(v))
            })
            .map(|(_, value)| value)
            .sum()
    }
}

async fn scrape_at(app: &TestApp, url: &str, token: Option<&str>) -> (StatusCode, String, String) {
    let mut get = app.client.get(url);
    if let Some(token) = token {
        get = get.bearer_auth(token);
    }
    let response = get.send().await.expect("GET /metrics");
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, kind, response.text().await.expect("body"))
}

async fn scrape(app: &TestApp) -> Scrape {
    let (status, kind, text) = scrape_at(app, &app.url("/metrics"), Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    Scrape::parse(text)
}

#[tokio::test]
async fn metrics_are_served_only_to_the_token_or_on_their_own_address() {
    let closed = TestApp::spawn(Db::Sqlite).await;
    let (status, _, _) = scrape_at(&closed, &closed.url("/metrics"), Some(TOKEN)).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "without a token, not served on the API's address"
    );

    let guarded = TestApp::spawn_with(Db::Sqlite, &[("MM_METRICS_TOKEN", TOKEN)]).await;
    for wrong in [None, Some("metrics-token-0123456789abcdeX"), Some("")] {
        let (status, _, body) = scrape_at(&guarded, &guarded.url("/metrics"), wrong).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{wrong:?}: {body}");
        assert!(!body.contains("mm_http_requests_total"), "{body}");
    }
    scrape(&guarded).await;

    let apart = TestApp::spawn_with(Db::Sqlite, &[("MM_METRICS_BIND", "127.0.0.1:0")]).await;
    let url = apart
        .announced
        .iter()
        .find_map(|line| line.strip_prefix("metrics on "))
        .expect("the server says where its metrics are")
        .to_owned();
    let (status, kind, text) = scrape_at(&apart, &url, None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(kind.starts_with("text/plain"), "{kind}");
    assert!(text.contains("# TYPE mm_outbox_depth gauge"), "{text}");
    let (status, _, _) = scrape_at(&apart, &apart.url("/metrics"), None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the API's address does not serve them"
    );

    let refused = TestApp::refused_start("sqlite::memory:", &[("MM_METRICS_TOKEN", "short")]).await;
    assert!(refused.contains("MM_METRICS_TOKEN"), "{refused}");
}

async fn a_booking_moves_its_counters_and_the_outbox_gauges(db: Db) {
    let app = TestApp::spawn_with(
        db,
        &[
            ("MM_METRICS_TOKEN", TOKEN),
            ("MM_PUBLIC_BOOKING_RATE_LIMIT", "2"),
        ],
    )
    .await;
    let setup = support(&app, 2, json!({})).await;
    let start = at(next_monday(), 10, 0);
    let before = scrape(&app).await;
    let public = [("channel", "public_page"), ("result", "confirmed")];

    for n in 0..2 {
        let (status, body) = book(&app, request(&start, &format!("c{n}@example.com"))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, body) = book(&app, request(&at(next_monday(), 13, 0), "c2@example.com")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // Both members are taken at ten: staff asking for one of them are refused.
    let (status, body) = app
        .post(
            "/bookings",
            &setup.admin,
            json!({"meeting_type_id": setup.call, "assigned_to": setup.members[0], "start_utc": start,
                   "customer_name": "Jane Roe", "customer_email": "jane@example.com",
                   "customer_phone": "+4512345678"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "m0@example.com", "password": "not the password"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let unknown = uuid::Uuid::new_v4();
    let (status, _) = app.get(&format!("/bookings/{unknown}"), &setup.admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let after = scrape(&app).await;
    let moved = |name: &str, labels: &[(&str, &str)]| {
        after.value(name, labels) - before.value(name, labels)
    };
    assert_eq!(
        moved("mm_bookings_created_total", &public),
        2.0,
        "{}",
        after.text
    );
    assert_eq!(
        moved(
            "mm_bookings_created_total",
            &[("channel", "public_page"), ("result", "rate_limited")]
        ),
        1.0
    );
    assert_eq!(
        moved(
            "mm_bookings_created_total",
            &[("channel", "staff"), ("result", "unavailable")]
        ),
        1.0
    );
    assert_eq!(moved("mm_sign_ins_failed_total", &[]), 1.0);
    let booking_route = [
        ("method", "POST"),
        ("route", "/api/v1/public/bookings"),
        ("status", "2xx"),
    ];
    assert_eq!(moved("mm_http_requests_total", &booking_route), 2.0);
    assert_eq!(
        moved(
            "mm_rate_limited_requests_total",
            &[("route", "/api/v1/public/bookings")]
        ),
        1.0
    );
    let mut timed = booking_route.to_vec();
    timed.push(("le", "+Inf"));
    assert_eq!(
        moved("mm_http_request_duration_seconds_bucket", &timed),
        2.0
    );
    // Routes are named by their pattern, never by the path a client chose.
    assert!(!after.text.contains(&unknown.to_string()), "{}", after.text);
    assert!(
        after.total("mm_http_requests_total", &[("status", "4xx")]) >= 4.0,
        "{}",
        after.text
    );
    assert!(
        after.total("mm_slot_table_reads_total", &[]) >= 1.0,
        "{}",
        after.text
    );

    // No SMTP server is configured: the confirmations wait in the outbox.
    assert!(
        after.value("mm_outbox_depth", &[("channel", "email")]) >= 2.0,
        "{}",
        after.text
    );
    assert!(after.value("mm_outbox_oldest_age_seconds", &[("channel", "email")]) >= 0.0);
    assert_eq!(
        after.value("mm_outbox_depth", &[("channel", "webhook")]),
        0.0
    );
    for (family, kind) in [
        ("mm_http_requests_total", "counter"),
        ("mm_http_request_duration_seconds", "histogram"),
        ("mm_bookings_created_total", "counter"),
        ("mm_sign_ins_failed_total", "counter"),
        ("mm_rate_limited_requests_total", "counter"),
        ("mm_slot_table_reads_total", "counter"),
        ("mm_slot_table_compute_seconds", "histogram"),
        ("mm_outbox_depth", "gauge"),
        ("mm_outbox_oldest_age_seconds", "gauge"),
    ] {
        assert_eq!(
            after.types.get(family).map(String::as_str),
            Some(kind),
            "{family}: {}",
            after.text
        );
    }
}
