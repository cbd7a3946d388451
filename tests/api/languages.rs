//! API messages in the reader's language: `Accept-Language` picks among the languages we speak,
//! the organisation's default (`MM_DEFAULT_LANGUAGE`) answers the rest; codes never change.

use mm_blackbox_tests::{Db, TestApp, at, next_monday, request};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// `method path` with `Accept-Language: accept` (none when `None`), without a token.
async fn asking(
    app: &TestApp,
    method: Method,
    path: &str,
    accept: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut call = app
        .client
        .request(method, app.url(&format!("/api/v1{path}")));
    if let Some(accept) = accept {
        call = call.header("Accept-Language", accept);
    }
    if let Some(body) = body {
        call = call.json(&body);
    }
    let response = call.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn error_messages_follow_accept_language_and_codes_stay_the_same() {
    let app = TestApp::spawn(Db::Sqlite).await;

    let (status, body) = asking(&app, Method::GET, "/bookings", Some("da-DK,da;q=0.9"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthorized");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("login påkrævet"),
        "{body}"
    );
    let (_, body) = asking(&app, Method::GET, "/bookings", None, None).await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("authentication required"),
        "{body}"
    );
    // A language we do not speak falls to the next one listed, then to the default.
    let (_, body) = asking(&app, Method::GET, "/bookings", Some("fr, da;q=0.5"), None).await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("login"),
        "{body}"
    );
    let (_, body) = asking(&app, Method::GET, "/bookings", Some("fr, de"), None).await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("authentication"),
        "{body}"
    );

    let mut bad = request(&at(next_monday(), 10, 0), "not-an-email");
    bad["customer_phone"] = json!("12");
    let (status, body) = asking(
        &app,
        Method::POST,
        "/public/bookings",
        Some("da"),
        Some(bad),
    )
    .await;
    // Without a department the request fails on its slug first.
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "not_found");
    assert_eq!(body["error"]["message"], "afdelingen findes ikke");

    let (status, body) = asking(
        &app,
        Method::POST,
        "/auth/login",
        Some("da"),
        Some(json!({"email": "nobody@example.com", "password": "wrong password"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"]["code"], "invalid_credentials");
    assert_eq!(body["error"]["message"], "forkert e-mail eller adgangskode");

    let (status, body) = asking(
        &app,
        Method::DELETE,
        "/public/departments",
        Some("da"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
    assert_eq!(body["error"]["message"], "dette endpoint tager GET");
}

#[tokio::test]
async fn the_organisations_default_language_answers_clients_that_ask_for_none() {
    let app = TestApp::spawn_with(Db::Sqlite, &[("MM_DEFAULT_LANGUAGE", "da")]).await;
    let (_, body) = asking(&app, Method::GET, "/bookings", None, None).await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("login påkrævet"),
        "{body}"
    );
    let (_, body) = asking(&app, Method::GET, "/bookings", Some("en-GB"), None).await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("authentication required"),
        "{body}"
    );
    let admin = app.admin_token().await;
    let (status, me) = app.get("/auth/me", &admin).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["default_language"], "da");
    assert_eq!(me["language"], Value::Null);

    let refused =
        TestApp::refused_start("sqlite::memory:", &[("MM_DEFAULT_LANGUAGE", "klingon")]).await;
    assert!(refused.contains("MM_DEFAULT_LANGUAGE"), "{refused}");
}
