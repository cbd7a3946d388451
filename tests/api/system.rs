use mm_blackbox_tests::{Db, TestApp, assert_error, on_both_databases};
use reqwest::StatusCode;

on_both_databases!(
    health_and_ready_answer_once_listening,
    api_docs_render_without_internet,
    a_method_an_endpoint_does_not_take_is_405_naming_those_it_does,
    a_page_size_beyond_the_maximum_is_refused_not_cut,
);

async fn health_and_ready_answer_once_listening(db: Db) {
    let app = TestApp::spawn(db).await;
    let health = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let ready: serde_json::Value = app
        .client
        .get(app.url("/ready"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["status"], "ready");
    assert_eq!(
        ready["database"],
        if db == Db::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
}

/// The reference page loads only assets the server itself serves.
async fn api_docs_render_without_internet(db: Db) {
    let app = TestApp::spawn(db).await;
    let page = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("https://") && !html.contains("http://"),
        "the docs page loads remote assets:\n{html}"
    );
    for asset in [
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "swagger-initializer.js",
    ] {
        let response = app
            .client
            .get(app.url(&format!("/api/docs/{asset}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
    }
    let spec: serde_json::Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
}

/// The staff paths of `design/api.md` that exist so far are all described.
#[tokio::test]
async fn openapi_lists_the_staff_paths() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let spec: serde_json::Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = spec["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/me", "get"),
        ("/api/v1/users", "get"),
        ("/api/v1/users", "post"),
        ("/api/v1/users/{user_id}", "patch"),
        ("/api/v1/users/{user_id}", "delete"),
        ("/api/v1/users/{user_id}/working-hours", "put"),
        ("/api/v1/users/{user_id}/availability-rules", "post"),
        ("/api/v1/availability-rules/{rule_id}", "patch"),
        ("/api/v1/departments", "post"),
        ("/api/v1/departments/{department_id}", "patch"),
        ("/api/v1/departments/{department_id}/members", "put"),
        ("/api/v1/departments/{department_id}/meeting-types", "post"),
        ("/api/v1/meeting-types/{meeting_type_id}", "delete"),
        ("/api/v1/bookings", "get"),
        ("/api/v1/bookings/export.csv", "get"),
        ("/api/v1/bookings/internal", "post"),
        ("/api/v1/bookings/{booking_id}/check-move", "post"),
        ("/api/v1/bookings/bulk-cancel", "post"),
        ("/api/v1/scheduling/common-availability", "get"),
        ("/api/v1/calendar", "get"),
        ("/api/v1/users/{user_id}/calendar-integrations", "get"),
        ("/api/v1/users/{user_id}/calendar-integrations", "post"),
        ("/api/v1/calendar-integrations/{integration_id}", "delete"),
        (
            "/api/v1/calendar-integrations/{integration_id}/sync",
            "post",
        ),
        ("/api/v1/oauth/{provider}/start", "get"),
        ("/api/v1/oauth/{provider}/callback", "get"),
        ("/api/v1/outbox", "get"),
        ("/api/v1/analytics/summary", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing from the OpenAPI description"
        );
    }
}

/// Client routes of the wizard get `index.html`, those of the staff app `admin.html`; unknown API
/// paths get the JSON 404.
#[tokio::test]
async fn the_frontend_is_served_with_index_html_for_client_routes() {
    let dist = std::env::temp_dir().join(format!("mm-dist-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>Meeting Manager test page</title>",
    )
    .unwrap();
    std::fs::write(
        dist.join("admin.html"),
        "<!doctype html><title>Meeting Manager staff test page</title>",
    )
    .unwrap();
    let app = TestApp::spawn_with(Db::Sqlite, &[("MM_STATIC_DIR", dist.to_str().unwrap())]).await;
    for (route, page_title) in [
        ("/", "Meeting Manager test page"),
        ("/book/support/30-min-call", "Meeting Manager test page"),
        ("/book/administration", "Meeting Manager test page"),
        ("/admin", "Meeting Manager staff test page"),
        ("/admin/calendar", "Meeting Manager staff test page"),
    ] {
        let page = app.client.get(app.url(route)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{route}");
        let text = page.text().await.unwrap();
        assert!(
            text.contains(&format!("<title>{page_title}</title>")),
            "{route}: {text}"
        );
    }
    let (status, body) = app
        .call(reqwest::Method::GET, "/no-such-endpoint", None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    mm_blackbox_tests::assert_error(&body, "not_found");
    std::fs::remove_dir_all(dist).unwrap();
}

async fn a_method_an_endpoint_does_not_take_is_405_naming_those_it_does(db: Db) {
    let app = TestApp::spawn(db).await;
    let token = app.admin_token().await;
    for (method, path, allow) in [
        (reqwest::Method::PUT, "/api/v1/bookings", "GET, POST"),
        (
            reqwest::Method::DELETE,
            "/api/v1/bookings/export.csv",
            "GET",
        ),
        (
            reqwest::Method::PUT,
            "/api/v1/bookings/8f0e7a52-3d0c-4a57-9d3c-0d8e6b1f2a11",
            "DELETE, GET, PATCH",
        ),
        (reqwest::Method::GET, "/api/v1/auth/login", "POST"),
    ] {
        let response = app
            .client
            .request(method.clone(), app.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(response.headers()["allow"], allow, "{method} {path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_error(&body, "method_not_allowed");
    }
    let (status, body) = app.get("/no-such-thing", &token).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_error(&body, "not_found");
}

async fn a_page_size_beyond_the_maximum_is_refused_not_cut(db: Db) {
    let app = TestApp::spawn(db).await;
    let token = app.admin_token().await;
    for path in ["/bookings", "/users", "/outbox"] {
        let (status, body) = app.get(&format!("{path}?per_page=200"), &token).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(body["per_page"], 200);
        for bad in ["per_page=201", "per_page=0", "page=0"] {
            let (status, body) = app.get(&format!("{path}?{bad}"), &token).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}?{bad}: {body}");
            assert_error(&body, "bad_request");
        }
    }
}
