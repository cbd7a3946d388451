//! The abuse and security layer, tried as an attacker would: the headers browsers are given,
//! which sites may call the public API, guessing passwords and links, sessions that end when they
//! should, secrets too weak to trust, mail-bombing through a reschedule link, text messages to
//! expensive countries, hostile calendar feeds, injected invite lines, and the work an anonymous
//! client can make the server do. Limits that several processes must share run on PostgreSQL
//! with two server processes.

use std::time::{Duration, Instant};

use chrono::{Datelike, Days, Utc};
use mm_blackbox_tests::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Db, MEMBER_PASSWORD, TestApp, assert_error, at, book, eventually,
    failing_fields, feeds::FeedServer, next_monday, on_both_databases, request, support,
    twilio::FakeTwilio,
};
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::{Value, json};

on_both_databases!(
    failed_sign_ins_are_limited_per_account_in_every_process,
    a_password_change_needs_the_current_one_and_ends_the_other_sessions,
    signing_out_deactivation_and_a_role_change_end_sessions,
    a_link_moves_a_meeting_three_times_and_then_the_department_must,
    changes_through_links_are_limited_per_network_and_ipv6_counts_by_its_64,
    unknown_links_are_limited_per_network_in_every_process,
    secretless_processes_must_run_alone,
    text_messages_go_only_to_the_countries_allowed,
    a_hostile_feed_fails_with_its_reason_in_seconds_and_keeps_the_last_busy_times,
);

/// A server whose limit `limit` is set to `max`, behind a trusted proxy on loopback (so tests
/// name the client in `X-Forwarded-For`), and on PostgreSQL a second process on its database (as
/// behind a load balancer).
async fn limited_behind_a_proxy(db: Db, limit: &str, max: &str) -> (TestApp, Option<TestApp>) {
    let app = TestApp::spawn_with(db, &[(limit, max), ("MM_TRUSTED_PROXIES", "127.0.0.1")]).await;
    let other = match db {
        Db::Postgres => Some(app.second_process().await),
        Db::Sqlite => None,
    };
    (app, other)
}

fn token_of(url: &Value) -> String {
    url.as_str()
        .and_then(|u| u.rsplit('/').next())
        .unwrap_or_else(|| panic!("a link: {url}"))
        .to_owned()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// A JSON request to `/api/v1{path}` as a client behind the trusted proxy at `forwarded_for`.
async fn call_from(
    app: &TestApp,
    forwarded_for: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, HeaderMap, Value) {
    let mut request = app
        .client
        .request(method, app.url(&format!("/api/v1{path}")))
        .header("x-forwarded-for", forwarded_for);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, headers, value)
}

async fn sign_in(
    app: &TestApp,
    from: &str,
    email: &str,
    password: &str,
) -> (StatusCode, HeaderMap) {
    let (status, headers, _) = call_from(
        app,
        from,
        Method::POST,
        "/auth/login",
        Some(json!({"email": email, "password": password})),
    )
    .await;
    (status, headers)
}

fn retry_after(headers: &HeaderMap) -> u64 {
    header(headers, "retry-after")
        .parse()
        .unwrap_or_else(|_| panic!("a Retry-After in seconds: {headers:?}"))
}

#[tokio::test]
async fn every_response_tells_the_browser_how_it_may_be_used() {
    let app = TestApp::spawn_with(
        Db::Sqlite,
        &[
            ("MM_ALLOWED_ORIGINS", "https://partner.example"),
            ("MM_PUBLIC_BASE_URL", "https://booking.example.com"),
        ],
    )
    .await;
    let get = |path: &'static str| {
        let app = &app;
        async move { app.client.get(app.url(path)).send().await.unwrap() }
    };
    for path in ["/book", "/admin/login", "/embed/support"] {
        let page = get(path).await;
        let headers = page.headers();
        assert!(
            header(headers, "content-type").starts_with("text/html"),
            "{path}"
        );
        let csp = header(headers, "content-security-policy");
        for directive in [
            "script-src 'self' 'wasm-unsafe-eval'",
            "object-src 'none'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
        assert_eq!(header(headers, "x-content-type-options"), "nosniff");
        assert_eq!(
            header(headers, "referrer-policy"),
            "strict-origin-when-cross-origin"
        );
        assert!(
            header(headers, "strict-transport-security").starts_with("max-age="),
            "HTTPS is remembered when the public address is https"
        );
        if path.starts_with("/embed") {
            assert!(
                csp.ends_with("frame-ancestors https://partner.example"),
                "exactly the allowed sites may frame the embed: {csp}"
            );
            assert!(headers.get("x-frame-options").is_none());
        } else {
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert_eq!(header(headers, "x-frame-options"), "DENY");
        }
    }
    let api = get("/api/v1/public/departments").await;
    assert_eq!(header(api.headers(), "x-content-type-options"), "nosniff");
    assert_eq!(
        header(api.headers(), "content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'"
    );
    let token_page = get("/book/cancel/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG").await;
    assert_eq!(
        header(token_page.headers(), "referrer-policy"),
        "no-referrer"
    );

    // With no site allowed, nobody may frame the embed, and plain HTTP gets no HSTS.
    let closed = TestApp::spawn(Db::Sqlite).await;
    let embed = closed
        .client
        .get(closed.url("/embed/support"))
        .send()
        .await
        .unwrap();
    assert!(header(embed.headers(), "content-security-policy").ends_with("frame-ancestors 'none'"));
    assert!(embed.headers().get("strict-transport-security").is_none());
}

#[tokio::test]
async fn only_the_allowed_sites_may_call_the_public_api_from_their_pages() {
    let app = TestApp::spawn_with(
        Db::Sqlite,
        &[("MM_ALLOWED_ORIGINS", "https://partner.example")],
    )
    .await;
    let admin = app.admin_token().await;
    let (status, embedding) = app.get("/embedding", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        embedding,
        json!({"allowed_origins": ["https://partner.example"]})
    );
    let preflight = |origin: &'static str, path: &'static str| {
        let app = &app;
        async move {
            app.client
                .request(Method::OPTIONS, app.url(path))
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header(
                    "access-control-request-headers",
                    "content-type,idempotency-key",
                )
                .send()
                .await
                .unwrap()
        }
    };
    let allowed = preflight("https://partner.example", "/api/v1/public/bookings").await;
    assert_eq!(allowed.status(), StatusCode::NO_CONTENT);
    let headers = allowed.headers();
    assert_eq!(
        header(headers, "access-control-allow-origin"),
        "https://partner.example"
    );
    assert!(header(headers, "access-control-allow-methods").contains("POST"));
    assert!(
        header(headers, "access-control-allow-headers")
            .to_lowercase()
            .contains("idempotency-key")
    );
    let refused = preflight("https://evil.example", "/api/v1/public/bookings").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    let read = |origin: &'static str, path: &'static str| {
        let app = &app;
        async move {
            app.client
                .get(app.url(path))
                .header("origin", origin)
                .send()
                .await
                .unwrap()
        }
    };
    let partner = read("https://partner.example", "/api/v1/public/departments").await;
    assert_eq!(partner.status(), StatusCode::OK);
    assert_eq!(
        header(partner.headers(), "access-control-allow-origin"),
        "https://partner.example"
    );
    assert!(header(partner.headers(), "vary").contains("Origin"));
    let evil = read("https://evil.example", "/api/v1/public/departments").await;
    assert!(evil.headers().get("access-control-allow-origin").is_none());

    // Staff routes never answer another site's pages, allowed or not.
    let staff = read("https://partner.example", "/api/v1/auth/me").await;
    assert!(staff.headers().get("access-control-allow-origin").is_none());
    let staff_preflight = preflight("https://partner.example", "/api/v1/auth/login").await;
    assert!(
        staff_preflight
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

async fn failed_sign_ins_are_limited_per_account_in_every_process(db: Db) {
    let (app, other) = limited_behind_a_proxy(db, "MM_SIGN_IN_LIMIT", "3").await;
    let admin = app.admin_token().await;
    app.create_user(&admin, "anna@example.com", "Anna").await;
    app.create_user(&admin, "bo@example.com", "Bo").await;
    let processes: Vec<&TestApp> = std::iter::once(&app).chain(other.as_ref()).collect();

    // Three wrong passwords, from different networks and processes: the account is limited.
    for i in 0..3 {
        let process = processes[i % processes.len()];
        let (status, _) = sign_in(
            process,
            &format!("198.51.100.{i}"),
            "anna@example.com",
            "wrong-password-1",
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    for process in &processes {
        let (status, headers) =
            sign_in(process, "203.0.113.9", "Anna@Example.com", MEMBER_PASSWORD).await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "even the right password waits"
        );
        let wait = retry_after(&headers);
        assert!((1..=15 * 60).contains(&wait), "{wait}");
    }
    // Other accounts are not affected.
    let (status, _) = sign_in(&app, "198.51.100.1", "bo@example.com", MEMBER_PASSWORD).await;
    assert_eq!(status, StatusCode::OK);

    // A successful sign-in clears its account's count.
    for _ in 0..2 {
        let (status, _) = sign_in(&app, "198.51.100.1", "bo@example.com", "wrong-password-1").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = sign_in(&app, "198.51.100.1", "bo@example.com", MEMBER_PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    for _ in 0..3 {
        let (status, _) = sign_in(&app, "198.51.100.1", "bo@example.com", "wrong-password-1").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "counted afresh");
    }
    let (status, _) = sign_in(&app, "198.51.100.1", "bo@example.com", MEMBER_PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_network() {
    let app = TestApp::spawn_with(
        Db::Sqlite,
        &[
            ("MM_SIGN_IN_LIMIT_PER_ADDRESS", "3"),
            ("MM_TRUSTED_PROXIES", "127.0.0.1"),
        ],
    )
    .await;
    // Guessing a password for each of many accounts, from one IPv6 /64.
    for (i, from) in ["2001:db8:7::1", "2001:db8:7::2", "2001:db8:7:0:ffff::3"]
        .iter()
        .enumerate()
    {
        let (status, _) =
            sign_in(&app, from, &format!("guess{i}@example.com"), "password-123").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, headers) = sign_in(&app, "2001:db8:7::99", ADMIN_EMAIL, "password-123").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&headers) >= 1);
    // Another network signs in.
    let (status, _) = sign_in(&app, "2001:db8:8::1", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
}

async fn me_status(app: &TestApp, token: &str) -> StatusCode {
    app.get("/auth/me", token).await.0
}

async fn a_password_change_needs_the_current_one_and_ends_the_other_sessions(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let anna = app.create_user(&admin, "anna@example.com", "Anna").await;
    let here = app.login("anna@example.com", MEMBER_PASSWORD).await;
    let phone = app.login("anna@example.com", MEMBER_PASSWORD).await;
    let path = format!("/users/{anna}");

    let (status, body) = app
        .patch(&path, &here, json!({"password": "a-new-password-1"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), ["current_password"]);
    let (status, body) = app
        .patch(
            &path,
            &here,
            json!({"password": "a-new-password-1", "current_password": "not-my-password"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), ["current_password"]);
    assert_eq!(
        me_status(&app, &phone).await,
        StatusCode::OK,
        "nothing changed"
    );

    let (status, body) = app
        .patch(
            &path,
            &here,
            json!({"password": "a-new-password-1", "current_password": MEMBER_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        me_status(&app, &here).await,
        StatusCode::OK,
        "this session goes on"
    );
    assert_eq!(
        me_status(&app, &phone).await,
        StatusCode::UNAUTHORIZED,
        "every other session ends"
    );
    let (status, _) = app
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "anna@example.com", "password": MEMBER_PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password is gone");
    let tablet = app.login("anna@example.com", "a-new-password-1").await;

    // A System Manager sets it without knowing it, and every session of Anna's ends.
    let (status, body) = app
        .patch(&path, &admin, json!({"password": "set-by-the-admin-1"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for token in [&here, &tablet] {
        assert_eq!(me_status(&app, token).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(me_status(&app, &admin).await, StatusCode::OK);
    app.login("anna@example.com", "set-by-the-admin-1").await;
}

async fn signing_out_deactivation_and_a_role_change_end_sessions(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let anna = app.create_user(&admin, "anna@example.com", "Anna").await;
    let bo = app.create_user(&admin, "bo@example.com", "Bo").await;
    let laptop = app.login("anna@example.com", MEMBER_PASSWORD).await;
    let phone = app.login("anna@example.com", MEMBER_PASSWORD).await;

    let (status, _) = app
        .call(Method::POST, "/auth/logout", Some(&laptop), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(me_status(&app, &laptop).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        me_status(&app, &phone).await,
        StatusCode::OK,
        "only that session"
    );
    let (status, _) = app
        .call(Method::POST, "/auth/logout", Some(&laptop), None)
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "an ended session cannot sign out"
    );

    let (status, _) = app
        .patch(
            &format!("/users/{anna}"),
            &admin,
            json!({"is_active": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me_status(&app, &phone).await, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .patch(
            &format!("/users/{anna}"),
            &admin,
            json!({"is_active": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        me_status(&app, &phone).await,
        StatusCode::UNAUTHORIZED,
        "reactivation does not revive old sessions"
    );

    let bos = app.login("bo@example.com", MEMBER_PASSWORD).await;
    let (status, _) = app
        .patch(
            &format!("/users/{bo}"),
            &admin,
            json!({"is_system_manager": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me_status(&app, &bos).await, StatusCode::UNAUTHORIZED);
    let bos = app.login("bo@example.com", MEMBER_PASSWORD).await;
    let (_, me) = app.get("/auth/me", &bos).await;
    assert_eq!(me["is_system_manager"], true, "{me}");
}

#[tokio::test]
async fn a_short_secret_is_refused_with_how_to_make_one() {
    let printed = TestApp::refused_start("sqlite::memory:", &[("MM_JWT_SECRET", "secret")]).await;
    assert!(printed.contains("MM_JWT_SECRET"), "{printed}");
    assert!(printed.contains("openssl rand -base64 48"), "{printed}");
}

async fn secretless_processes_must_run_alone(db: Db) {
    let app = TestApp::spawn_with(db, &[("MM_JWT_SECRET", "")]).await;
    // One process without a secret works: it signs its own tokens.
    let admin = app.admin_token().await;
    assert_eq!(me_status(&app, &admin).await, StatusCode::OK);
    if db == Db::Sqlite {
        return;
    }
    let refused = TestApp::refused_start(&app.database_url, &[("MM_JWT_SECRET", "")]).await;
    assert!(refused.contains("MM_JWT_SECRET"), "{refused}");
    let with_secret = TestApp::refused_start(&app.database_url, &[]).await;
    assert!(
        with_secret.contains("without MM_JWT_SECRET"),
        "{with_secret}"
    );
    drop(app);
    // With the secretless process gone, processes sharing a secret start side by side.
    let database = TestApp::fresh_postgres_database();
    let first = TestApp::spawn_on(&database, &[]).await;
    let second = first.second_process().await;
    let token = first.admin_token().await;
    assert_eq!(me_status(&second, &token).await, StatusCode::OK);
}

async fn a_link_moves_a_meeting_three_times_and_then_the_department_must(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    let monday = next_monday();
    let (status, booked) = book(&app, request(&at(monday, 9, 0), "mover@example.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    assert_eq!(booked["reschedules_left"], 3);
    let token = token_of(&booked["reschedule_url"]);
    let reschedule = |hour: u32| {
        let (app, token) = (&app, &token);
        async move {
            app.call(
                Method::POST,
                &format!("/public/bookings/{token}/reschedule"),
                None,
                Some(json!({"start_utc": at(monday, hour, 0)})),
            )
            .await
        }
    };
    for (left, hour) in [(2, 10), (1, 11), (0, 12)] {
        let (status, moved) = reschedule(hour).await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        assert_eq!(moved["start_utc"], at(monday, hour, 0));
        assert_eq!(moved["reschedules_left"], left);
    }
    let (status, refused) = reschedule(13).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_error(&refused, "reschedule_limit_reached");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("please contact support"),
        "{refused}"
    );
    let (status, seen) = app
        .call(
            Method::GET,
            &format!("/public/bookings/{token}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        seen["start_utc"],
        at(monday, 12, 0),
        "not moved a fourth time"
    );
    assert_eq!(seen["reschedule_url"], Value::Null);
    assert_eq!(seen["reschedules_left"], 0);

    // The department still moves it.
    let (_, list) = app.get("/bookings?q=mover@example.com", &setup.admin).await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, moved) = app
        .post(
            &format!("/bookings/{id}/reschedule"),
            &setup.admin,
            json!({"start_utc": at(monday, 14, 0)}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
}

async fn changes_through_links_are_limited_per_network_and_ipv6_counts_by_its_64(db: Db) {
    let (app, other) = limited_behind_a_proxy(db, "MM_PUBLIC_CHANGE_RATE_LIMIT", "2").await;
    support(&app, 3, json!({})).await;
    let monday = next_monday();
    let mut links = Vec::new();
    for (i, hour) in [9, 10, 11, 12].iter().enumerate() {
        let (status, booked) = book(
            &app,
            request(&at(monday, *hour, 0), &format!("c{i}@example.com")),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{booked}");
        links.push((
            token_of(&booked["cancel_url"]),
            token_of(&booked["reschedule_url"]),
        ));
    }
    let second = other.as_ref().unwrap_or(&app);
    let cancel = |process: &'static str, from: &'static str, token: String| {
        let target = if process == "second" { second } else { &app };
        async move {
            call_from(
                target,
                from,
                Method::POST,
                &format!("/public/bookings/{token}/cancel"),
                Some(json!({"reason": "changed my mind"})),
            )
            .await
        }
    };
    let (status, _, body) = cancel("first", "2001:db8:1:2::1", links[0].0.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body) = cancel("second", "2001:db8:1:2:ffff::2", links[1].0.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A third change from the same /64, through either process: refused, and nothing changes.
    let (status, headers, body) = call_from(
        &app,
        "2001:db8:1:2:abcd::9",
        Method::POST,
        &format!("/public/bookings/{}/reschedule", links[2].1),
        Some(json!({"start_utc": at(monday, 14, 0)})),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_error(&body, "rate_limited");
    assert!(retry_after(&headers) >= 1);
    let (_, seen) = app
        .call(
            Method::GET,
            &format!("/public/bookings/{}", links[2].1),
            None,
            None,
        )
        .await;
    assert_eq!(seen["start_utc"], at(monday, 11, 0));
    // Another /64 is another client.
    let (status, _, body) = cancel("second", "2001:db8:1:3::1", links[2].0.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn unknown_links_are_limited_per_network_in_every_process(db: Db) {
    let (app, other) = limited_behind_a_proxy(db, "MM_LINK_FAILURE_LIMIT", "3").await;
    support(&app, 1, json!({})).await;
    let (status, booked) = book(&app, request(&at(next_monday(), 9, 0), "c@example.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let real = token_of(&booked["cancel_url"]);
    let processes: Vec<&TestApp> = std::iter::once(&app).chain(other.as_ref()).collect();
    for i in 0..3 {
        let process = processes[i % processes.len()];
        let guess = format!("guessed{i}-abcdefghijklmnopqrstuvwxyz0123456");
        let (status, _, _) = call_from(
            process,
            "192.0.2.7",
            Method::GET,
            &format!("/public/bookings/{guess}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    for process in &processes {
        for path in [
            format!("/public/bookings/{real}"),
            format!("/public/bookings/{real}/booking.ics"),
        ] {
            let (status, headers, body) =
                call_from(process, "192.0.2.7", Method::GET, &path, None).await;
            assert_eq!(
                status,
                StatusCode::TOO_MANY_REQUESTS,
                "no lookup at all for this network: {body}"
            );
            assert!(retry_after(&headers) >= 1);
        }
    }
    let (status, _, _) = call_from(
        &app,
        "192.0.2.8",
        Method::GET,
        &format!("/public/bookings/{real}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "another network");
}

#[tokio::test]
async fn the_reschedule_link_leads_to_no_cancel_link_and_tokens_stay_out_of_logs_and_web_calendars()
{
    let app = TestApp::spawn_with(Db::Sqlite, &[("MM_LOG", "info")]).await;
    support(&app, 1, json!({})).await;
    let (status, booked) = book(&app, request(&at(next_monday(), 9, 0), "c@example.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let (cancel, reschedule) = (
        token_of(&booked["cancel_url"]),
        token_of(&booked["reschedule_url"]),
    );
    let view = |token: String| {
        let app = &app;
        async move {
            app.call(
                Method::GET,
                &format!("/public/bookings/{token}"),
                None,
                None,
            )
            .await
        }
    };
    let (status, by_reschedule) = view(reschedule.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_reschedule["cancel_url"], Value::Null);
    assert!(by_reschedule["reschedule_url"].is_string());
    let (_, by_cancel) = view(cancel.clone()).await;
    assert!(by_cancel["cancel_url"].is_string());
    let ics = app
        .client
        .get(app.url(&format!("/api/v1/public/bookings/{reschedule}/booking.ics")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!ics.replace("\r\n ", "").contains(&cancel), "{ics}");
    for link in booked["add_to_calendar"].as_object().unwrap().values() {
        let link = link.as_str().unwrap();
        assert!(
            !link.contains(&cancel) && !link.contains(&reschedule),
            "a web calendar's link holds a self-service token: {link}"
        );
    }
    let logs = app.logs();
    assert!(
        logs.contains("/api/v1/public/bookings/[redacted]"),
        "{logs}"
    );
    assert!(
        !logs.contains(&cancel) && !logs.contains(&reschedule),
        "a token reached the log:\n{logs}"
    );
}

#[tokio::test]
async fn names_with_line_breaks_are_refused_and_typed_quotes_stay_inside_their_invite_line() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let setup = support(&app, 1, json!({})).await;
    let attack = "Bob\":mailto:b@x.io\r\nORGANIZER;CN=IT:mailto:atk@evil.io\r\nX-A;Y=\"";
    let mut body = request(&at(next_monday(), 9, 0), "bob@example.com");
    body["customer_name"] = json!(attack);
    let (status, refused) = book(&app, body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(failing_fields(&refused), ["customer_name"]);

    let (status, refused) = app
        .post(
            "/users",
            &setup.admin,
            json!({"email": "x@example.com", "full_name": "Eve\nORGANIZER:mailto:x@evil.io", "password": MEMBER_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(failing_fields(&refused), ["full_name"]);
    let (status, refused) = app
        .patch(
            &format!("/departments/{}", setup.department),
            &setup.admin,
            json!({"department_name": "Support\rX-INJECTED:1"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");

    // A name with quotes, semicolons and commas books, and its invite keeps one line per person.
    let mut body = request(&at(next_monday(), 10, 0), "bob@example.com");
    body["customer_name"] = json!("Bob \"The Builder\"; O'Neil, Jr.: CEO");
    let (status, booked) = book(&app, body).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let ics = app
        .client
        .get(booked["ics_url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let unfolded = ics.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").collect();
    let attendees: Vec<&&str> = lines.iter().filter(|l| l.starts_with("ATTENDEE")).collect();
    assert_eq!(attendees.len(), 1, "{ics}");
    assert!(
        attendees[0].starts_with("ATTENDEE;CN=\"Bob The Builder; O'Neil, Jr.: CEO\";"),
        "{ics}"
    );
    assert!(!lines.iter().any(|l| l.starts_with("ORGANIZER")), "{ics}");
}

async fn text_messages_go_only_to_the_countries_allowed(db: Db) {
    let twilio = FakeTwilio::start().await;
    let app = TestApp::spawn_with(
        db,
        &[
            ("MM_TWILIO_ACCOUNT_SID", "AC0123456789"),
            ("MM_TWILIO_AUTH_TOKEN", "secret-token"),
            ("MM_TWILIO_FROM", "+15005550006"),
            ("MM_TWILIO_API_URL", twilio.url.as_str()),
            ("MM_REMINDER_INTERVAL_SECONDS", "1"),
        ],
    )
    .await;
    let schedule = json!([{"hours_before": 24, "notification_type": "sms", "is_active": true}]);
    let setup = support(&app, 2, json!({"reminder_schedule": schedule})).await;
    let day = json!({"enabled": true, "start": "00:00", "end": "24:00", "breaks": []});
    let week = json!({"monday": day, "tuesday": day, "wednesday": day, "thursday": day,
                      "friday": day, "saturday": day, "sunday": day});
    let start = (Utc::now() + chrono::Duration::hours(24) + chrono::Duration::seconds(10))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    // The department keeps Copenhagen's clock, so Danish numbers get texts and Jamaican ones
    // (+1 876, which dials like the United States) do not.
    for (member, phone, email) in [
        (&setup.members[0], "+45 12 34 56 78", "dk@customer.com"),
        (&setup.members[1], "+1 876 555 0123", "jm@customer.com"),
    ] {
        let (status, body) = app
            .put(
                &format!("/users/{member}/working-hours"),
                &setup.admin,
                week.clone(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app
            .post(
                "/bookings",
                &setup.admin,
                json!({"meeting_type_id": setup.call, "assigned_to": member, "start_utc": start,
                       "customer_name": "Ann Smith", "customer_email": email,
                       "customer_phone": phone, "customer_timezone": "Europe/London"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let refused = eventually("the text message to Jamaica given up", || async {
        let (_, outbox) = app.get("/outbox?to=%2B18765550123", &setup.admin).await;
        outbox["items"]
            .as_array()
            .and_then(|rows| rows.first().cloned())
            .filter(|row| row["status"] == "failed")
    })
    .await;
    assert!(
        refused["last_error"].as_str().unwrap().contains("JM"),
        "{refused}"
    );
    assert_eq!(refused["attempts"], 0, "never tried");
    let texts = twilio.wait_for(1).await;
    assert_eq!(texts.len(), 1, "{texts:#?}");
    assert_eq!(texts[0].form["To"], "+4512345678");
}

async fn a_hostile_feed_fails_with_its_reason_in_seconds_and_keeps_the_last_busy_times(db: Db) {
    let app = TestApp::spawn_with(db, &[("MM_ICAL_ALLOW_PRIVATE_HOSTS", "1")]).await;
    let setup = support(&app, 1, json!({})).await;
    let m0 = &setup.members[0];
    let monday = next_monday();
    let ten = at(monday, 10, 0);
    let feeds = FeedServer::start().await;
    feeds.publish(
        "/feed.ics",
        &mm_blackbox_tests::feeds::calendar(&[("busy@x", &ten, &at(monday, 11, 0), "Busy")]),
    );
    let (status, connected) = app
        .post(
            &format!("/users/{m0}/calendar-integrations"),
            &setup.admin,
            json!({"integration_type": "ical", "ical_url": feeds.url("/feed.ics")}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{connected}");
    let id = connected["id"].as_str().unwrap().to_owned();
    assert_eq!(connected["events_synced"], 1);

    // One rule ticking every second since 1900 and hundreds ticking every minute.
    let mut hostile = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\n");
    hostile.push_str("BEGIN:VEVENT\r\nUID:s\r\nDTSTART:19000101T000000Z\r\nDURATION:PT1S\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\n");
    for i in 0..300 {
        hostile.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:m{i}\r\nDTSTART:19700101T0000{:02}Z\r\nDURATION:PT1M\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\n",
            i % 60
        ));
    }
    hostile.push_str("END:VCALENDAR\r\n");
    feeds.publish("/feed.ics", &hostile);
    let started = Instant::now();
    let (status, synced) = app
        .post(
            &format!("/calendar-integrations/{id}/sync"),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{synced}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the read was cut short: {:?}",
        started.elapsed()
    );
    assert_eq!(synced["status"], "failed", "{synced}");
    assert!(
        synced["error"].as_str().unwrap().contains("too large"),
        "{synced}"
    );
    assert_eq!(
        synced["events_synced"], 1,
        "the last good busy time is kept"
    );
    assert_eq!(mm_blackbox_tests::free_members_at(&app, &ten).await, 0);

    // A feed that answers with an error page: the status, never its body.
    feeds.fail("/feed.ics", 500);
    let (_, synced) = app
        .post(
            &format!("/calendar-integrations/{id}/sync"),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(synced["error"], "the feed answered 500", "{synced}");

    // Ten feeds a person at most.
    for i in 1..10 {
        feeds.publish(
            &format!("/f{i}.ics"),
            &mm_blackbox_tests::feeds::calendar(&[]),
        );
        let (status, body) = app
            .post(
                &format!("/users/{m0}/calendar-integrations"),
                &setup.admin,
                json!({"integration_type": "ical", "ical_url": feeds.url(&format!("/f{i}.ics"))}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "feed {i}: {body}");
    }
    feeds.publish("/f10.ics", &mm_blackbox_tests::feeds::calendar(&[]));
    let (status, body) = app
        .post(
            &format!("/users/{m0}/calendar-integrations"),
            &setup.admin,
            json!({"integration_type": "ical", "ical_url": feeds.url("/f10.ics")}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.to_string().contains("at most 10"), "{body}");
}

#[tokio::test]
async fn feed_addresses_that_reach_inward_or_other_ports_are_refused() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let setup = support(&app, 1, json!({})).await;
    let m0 = &setup.members[0];
    for (url, why) in [
        ("https://calendar.example.com:6379/cal.ics", "port 6379"),
        ("http://[64:ff9b::7f00:1]/cal.ics", "private"),
        ("http://[64:ff9b:1::a00:1]/cal.ics", "private"),
        ("http://[2002:7f00:1::1]/cal.ics", "private"),
        ("http://[::7f00:1]/cal.ics", "private"),
        ("http://[fec0::1]/cal.ics", "private"),
        ("http://198.18.0.1/cal.ics", "private"),
        ("http://240.0.0.1/cal.ics", "private"),
    ] {
        let (status, body) = app
            .post(
                &format!("/users/{m0}/calendar-integrations"),
                &setup.admin,
                json!({"integration_type": "ical", "ical_url": url}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {body}");
        assert!(
            body["error"]["details"]["fields"]["ical_url"]
                .as_str()
                .unwrap()
                .contains(why),
            "{url}: {body}"
        );
    }
}

#[tokio::test]
async fn far_months_and_days_cost_nothing_and_every_zone_reads_the_same_slots() {
    let app = TestApp::spawn(Db::Sqlite).await;
    support(&app, 1, json!({})).await;
    let base = "/public/departments/support/meeting-types/call";
    let far = (Utc::now() + chrono::Duration::days(3 * 365)).date_naive();
    let (status, dates) = app
        .call(
            Method::GET,
            &format!(
                "{base}/available-dates?month={}&timezone=Asia/Tokyo",
                far.format("%Y-%m")
            ),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{dates}");
    assert_eq!(dates["available_dates"], json!([]));
    assert!(dates["next_available_utc"].is_string(), "{dates}");
    let (status, slots) = app
        .call(
            Method::GET,
            &format!("{base}/slots?date={far}&timezone=Asia/Tokyo"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{slots}");
    assert_eq!(slots["slots"], json!([]));
    assert_eq!(slots["department_timezone"], "Europe/Copenhagen");

    // Copenhagen's Monday seen from both ends of the Earth: the same instants, each on the
    // visitor's own days.
    let monday = next_monday();
    let starts = |zone: &'static str, date: chrono::NaiveDate| {
        let app = &app;
        async move {
            let (status, body) = app
                .call(
                    Method::GET,
                    &format!("{base}/slots?date={date}&timezone={zone}"),
                    None,
                    None,
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body["slots"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["start_utc"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let copenhagen = starts("Europe/Copenhagen", monday).await;
    assert_eq!(copenhagen.len(), 8);
    for zone in ["Pacific/Kiritimati", "Pacific/Pago_Pago"] {
        let mut seen = Vec::new();
        for date in [monday - Days::new(1), monday, monday + Days::new(1)] {
            seen.extend(starts(zone, date).await);
        }
        seen.retain(|s| copenhagen.contains(s));
        assert_eq!(seen, copenhagen, "{zone}");
    }
    assert!(monday.weekday() == chrono::Weekday::Mon);
}

#[tokio::test]
async fn a_page_far_beyond_the_last_is_empty_and_one_beyond_the_bound_refused() {
    // Found by fuzzing the API description: an offset past SQL's 64-bit range dropped the
    // connection. Pages now end at a million (the description says so); the last of them is
    // simply empty.
    let app = TestApp::spawn(Db::Sqlite).await;
    let admin = app.admin_token().await;
    for path in ["/users", "/bookings", "/outbox"] {
        let (status, page) = app
            .get(&format!("{path}?page=1000000&per_page=200"), &admin)
            .await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        assert_eq!(page["items"], json!([]), "{path}");
        let (status, body) = app
            .get(&format!("{path}?page=9223372036854775808"), &admin)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
    }
}
