//! API keys: integrations' own credentials. Shown once and kept as a hash; each acts for the
//! person who made it, never beyond their rights, within its scopes; it stops working when it
//! expires, is revoked, or its person is deactivated; each key is throttled.

use mm_blackbox_tests::{
    Db, MEMBER_PASSWORD, TestApp, assert_error, failing_fields, on_both_databases, support,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

on_both_databases!(
    a_key_is_shown_once_kept_as_a_hash_and_works_within_its_scopes,
    a_key_never_goes_beyond_its_persons_rights,
    expired_revoked_and_deactivated_owners_keys_stop_working,
    a_key_is_throttled_on_its_own,
);

async fn make_key(app: &TestApp, token: &str, scopes: &[&str]) -> Value {
    let (status, key) = app
        .post(
            "/api-keys",
            token,
            json!({"name": "Zapier", "scopes": scopes}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    key
}

fn secret(key: &Value) -> &str {
    key["key"].as_str().expect("the key, shown once")
}

async fn a_key_is_shown_once_kept_as_a_hash_and_works_within_its_scopes(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 1, json!({})).await;
    let made = make_key(&app, &setup.admin, &["bookings:read"]).await;
    let key = secret(&made);
    assert!(key.starts_with("mm_") && key.len() == 39, "{key}");
    assert_eq!(made["prefix"], &key[..11]);
    assert_eq!(made["scopes"], json!(["bookings:read"]));
    assert!(made["expires_at"].is_string() && made["last_used_utc"].is_null());

    // Listed without the key; stored as its SHA-256 only.
    let (status, listed) = app.get("/api-keys", &setup.admin).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(listed[0].get("key").is_none(), "{listed}");
    let hash: String = Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        app.db_count(&format!(
            "SELECT COUNT(*) FROM api_keys WHERE key_hash = '{hash}'"
        ))
        .await,
        1
    );
    let stored = app
        .db_rows(
            "SELECT name || prefix || key_hash || scopes FROM api_keys",
            "SELECT name || prefix || key_hash || scopes FROM api_keys",
        )
        .await;
    assert!(!stored[0][0].contains(key), "the key itself is not kept");

    // Within its scope it reads; outside, a 403 names the scope missing.
    let (status, body) = app.get("/bookings", key).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post(
            "/bookings/internal",
            key,
            json!({"meeting_type_id": setup.call, "host": setup.members[0],
                   "participants": [], "start_utc": "2030-01-07T09:00:00Z"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_error(&body, "forbidden");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("'bookings:write'"),
        "{body}"
    );
    let (status, body) = app.get("/departments", key).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("settings:read")
    );

    // Keys do not make keys, and a made-up or mistyped key is nobody.
    let (status, body) = app
        .post(
            "/api-keys",
            key,
            json!({"name": "more", "scopes": ["bookings:read"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let mut typo = key.to_owned();
    typo.replace_range(12..13, if &key[12..13] == "A" { "B" } else { "A" });
    let (status, _) = app.get("/bookings", &typo).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Its use is noted.
    let (_, listed) = app.get("/api-keys", &setup.admin).await;
    assert!(listed[0]["last_used_utc"].is_string(), "{listed}");

    // Bad requests name their fields.
    let (status, body) = app
        .post(
            "/api-keys",
            &setup.admin,
            json!({"name": "", "scopes": ["bookings:delete"], "expires_at": "2001-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let mut fields = failing_fields(&body);
    fields.sort();
    assert_eq!(fields, ["expires_at", "name", "scopes"]);
}

async fn a_key_never_goes_beyond_its_persons_rights(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 2, json!({})).await;
    // Member 1 is no leader: a key with every scope still cannot do what they cannot.
    let member = app.login("m1@example.com", MEMBER_PASSWORD).await;
    let made = make_key(
        &app,
        &member,
        &["bookings:read", "settings:read", "settings:write"],
    )
    .await;
    let key = secret(&made);
    let (status, body) = app
        .post(
            "/users",
            key,
            json!({"email": "x@example.com", "full_name": "X", "password": MEMBER_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = app
        .patch(
            &format!("/departments/{}", setup.department),
            key,
            json!({"department_name": "Taken over"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = app.get("/customers/export?email=a@b.com", key).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "personal data needs a person: {body}"
    );
}

async fn expired_revoked_and_deactivated_owners_keys_stop_working(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 2, json!({})).await;
    let member = app.login("m1@example.com", MEMBER_PASSWORD).await;
    let expiring = make_key(&app, &member, &["bookings:read"]).await;
    let revoked = make_key(&app, &member, &["bookings:read"]).await;
    let kept = make_key(&app, &member, &["bookings:read"]).await;
    for key in [&expiring, &revoked, &kept] {
        assert_eq!(app.get("/bookings", secret(key)).await.0, StatusCode::OK);
    }

    let prefix = expiring["prefix"].as_str().unwrap();
    let changed = app
        .db_execute(&format!(
            "UPDATE api_keys SET expires_utc = created_utc WHERE prefix = '{prefix}'"
        ))
        .await;
    assert_eq!(changed, 1);
    assert_eq!(
        app.get("/bookings", secret(&expiring)).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Only its maker (or a System Manager) revokes a key; then it is gone at once.
    let id = revoked["id"].as_str().unwrap();
    let colleague = app.login("m0@example.com", MEMBER_PASSWORD).await;
    let (status, _) = app.delete(&format!("/api-keys/{id}"), &colleague).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not theirs to revoke");
    let (status, _) = app.delete(&format!("/api-keys/{id}"), &member).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/bookings", secret(&revoked)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = app.delete(&format!("/api-keys/{id}"), &member).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "revoked once");
    let (_, listed) = app.get("/api-keys", &member).await;
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");

    // A deactivated person's keys stop working.
    assert_eq!(app.get("/bookings", secret(&kept)).await.0, StatusCode::OK);
    let (status, body) = app
        .patch(
            &format!("/users/{}", setup.members[1]),
            &setup.admin,
            json!({"is_active": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        app.get("/bookings", secret(&kept)).await.0,
        StatusCode::UNAUTHORIZED
    );
}

async fn a_key_is_throttled_on_its_own(db: Db) {
    let app = TestApp::spawn_with(db, &[("MM_API_KEY_RATE_LIMIT", "3")]).await;
    let setup = support(&app, 1, json!({})).await;
    let made = make_key(&app, &setup.admin, &["bookings:read"]).await;
    let other = make_key(&app, &setup.admin, &["bookings:read"]).await;
    let get = |key: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url("/api/v1/bookings"))
                .bearer_auth(key)
                .send()
                .await
                .unwrap()
        }
    };
    let mut statuses = Vec::new();
    let mut refused = None;
    for _ in 0..4 {
        let response = get(secret(&made).to_owned()).await;
        statuses.push(response.status());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(response);
        }
    }
    // A minute may turn between the requests, which only moves where the refusal falls.
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let refused = refused.unwrap();
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: Value = refused.json().await.unwrap();
    assert_error(&body, "rate_limited");
    assert_eq!(
        get(secret(&other).to_owned()).await.status(),
        StatusCode::OK,
        "another key has its own count"
    );
    // A person's session is not throttled by their keys.
    assert_eq!(app.get("/bookings", &setup.admin).await.0, StatusCode::OK);
}
