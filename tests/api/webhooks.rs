//! Webhooks as an integrator meets them: a subscription's secret shown once; every booking event
//! posted to a receiver on loopback, signed as Standard Webhooks says, in the order it happened,
//! with the booking as staff see it; failures retried on the schedule with the same
//! `webhook-id`; a `410` or a day of failures disabling the subscription and telling its owner;
//! two server processes delivering each event once.

use mm_blackbox_tests::{
    ADMIN_EMAIL, Db, MEMBER_PASSWORD, TestApp, assert_error, at, book, eventually, failing_fields,
    next_monday, on_both_databases, request, support, webhooks::Receiver,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    booking_events_arrive_signed_in_order_with_the_booking_as_staff_see_it,
    a_receiver_answering_500_or_down_is_retried_with_the_same_webhook_id,
    a_410_disables_the_subscription_and_its_owner_is_emailed,
    a_day_of_failures_disables_the_subscription,
    two_processes_deliver_each_event_exactly_once,
    leaders_subscribe_to_their_departments_only_and_urls_must_be_public,
    a_deleted_booking_is_announced_without_its_customer,
    a_test_delivery_and_a_replay_reach_the_receiver,
    a_subscription_never_outlives_its_owners_rights,
);

const PRIVATE_RECEIVERS: (&str, &str) = ("MM_WEBHOOK_ALLOW_PRIVATE_HOSTS", "1");

async fn subscribe(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, made) = app.post("/webhooks", token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    made
}

/// Waits until `receiver` holds `count` deliveries, and returns them.
async fn received(receiver: &Receiver, count: usize) -> Vec<mm_blackbox_tests::webhooks::Received> {
    eventually(&format!("{count} deliveries"), || async {
        let got = receiver.received();
        (got.len() >= count).then_some(got)
    })
    .await
}

/// The id of the booking a public booking answer names (customers see its reference only).
async fn booking_id(app: &TestApp, token: &str, booked: &Value) -> String {
    let reference = booked["booking_reference"].as_str().expect("a reference");
    let (status, page) = app.get("/bookings?per_page=200", token).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|b| b["booking_reference"] == reference)
        .and_then(|b| b["id"].as_str())
        .expect("the booking")
        .to_owned()
}

async fn deliveries(app: &TestApp, token: &str, webhook: &str) -> Vec<Value> {
    let (status, page) = app
        .get(&format!("/webhooks/{webhook}/deliveries"), token)
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().expect("items").clone()
}

async fn booking_events_arrive_signed_in_order_with_the_booking_as_staff_see_it(db: Db) {
    let app = TestApp::spawn_with(db, &[PRIVATE_RECEIVERS]).await;
    let setup = support(&app, 2, json!({})).await;
    let receiver = Receiver::start().await;
    let made = subscribe(
        &app,
        &setup.admin,
        json!({"url": receiver.url(),
               "events": ["booking.created", "booking.rescheduled", "booking.cancelled"],
               "description": "CRM"}),
    )
    .await;
    let secret = made["secret"].as_str().expect("the secret, shown once");
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert_eq!(made["is_active"], true);
    let (_, listed) = app.get("/webhooks", &setup.admin).await;
    assert!(listed[0].get("secret").is_none(), "{listed}");
    let (_, one) = app
        .get(
            &format!("/webhooks/{}", made["id"].as_str().unwrap()),
            &setup.admin,
        )
        .await;
    assert!(one.get("secret").is_none(), "{one}");

    let monday = next_monday();
    let (status, booked) = book(&app, request(&at(monday, 9, 0), "ann@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let id = booking_id(&app, &setup.admin, &booked).await;
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/reschedule"),
            &setup.admin,
            json!({"start_utc": at(monday, 11, 0)}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Not subscribed: no delivery.
    let (status, body) = app
        .patch(
            &format!("/bookings/{id}"),
            &setup.admin,
            json!({"meeting_notes": "VIP"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post(
            &format!("/bookings/{id}/cancel"),
            &setup.admin,
            json!({"reason": "customer asked"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let got = received(&receiver, 3).await;
    let types: Vec<String> = got.iter().map(|r| r.event()).collect();
    assert_eq!(
        types,
        [
            "booking.created",
            "booking.rescheduled",
            "booking.cancelled"
        ]
    );
    for delivery in &got {
        assert!(delivery.signed_with(secret), "{delivery:?}");
        assert!(!delivery.signed_with("whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"));
        let body = delivery.json();
        assert_eq!(body["data"]["id"], id.as_str());
        assert!(body["timestamp"].is_string(), "{body}");
        let sent_at: i64 = delivery.timestamp.parse().expect("Unix seconds");
        assert!((chrono::Utc::now().timestamp() - sent_at).abs() < 60);
    }
    // Each body is the booking as it was when that change committed.
    assert_eq!(got[0].json()["data"]["status"], "confirmed");
    assert_eq!(got[0].json()["data"]["start_utc"], at(monday, 9, 0));
    assert_eq!(got[0].json()["data"]["customer_email"], "ann@customer.com");
    assert_eq!(got[1].json()["data"]["start_utc"], at(monday, 11, 0));
    assert_eq!(got[2].json()["data"]["status"], "cancelled");
    assert_eq!(got[2].json()["data"]["meeting_notes"], "VIP");

    let webhook = made["id"].as_str().unwrap();
    let listed = eventually("three delivered", || async {
        let listed = deliveries(&app, &setup.admin, webhook).await;
        listed
            .iter()
            .all(|d| d["status"] == "delivered")
            .then_some(listed)
    })
    .await;
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0]["event_type"], "booking.cancelled", "newest first");
    assert_eq!(
        listed[0]["id"],
        got[2].id.as_str(),
        "webhook-id is the delivery"
    );
    assert_eq!(listed[0]["response_status"], 204);
    assert_eq!(listed[0]["attempts"], 1);
    assert_eq!(listed[0]["payload"], got[2].body.as_str());
}

async fn a_receiver_answering_500_or_down_is_retried_with_the_same_webhook_id(db: Db) {
    let app = TestApp::spawn_with(db, &[PRIVATE_RECEIVERS]).await;
    let setup = support(&app, 1, json!({})).await;
    let receiver = Receiver::start().await;
    receiver.answer_with(&[500]);
    let made = subscribe(
        &app,
        &setup.admin,
        json!({"url": receiver.url(), "events": ["booking.created"]}),
    )
    .await;
    let monday = next_monday();
    let (status, body) = book(&app, request(&at(monday, 9, 0), "ann@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The first retry comes five seconds after the first attempt.
    let got = received(&receiver, 2).await;
    assert_eq!(got[0].answered, 500);
    assert_eq!(got[1].answered, 204);
    assert_eq!(got[0].id, got[1].id, "the same webhook-id on every attempt");
    assert_eq!(got[0].body, got[1].body);
    let webhook = made["id"].as_str().unwrap();
    let listed = eventually("delivered on the second attempt", || async {
        let listed = deliveries(&app, &setup.admin, webhook).await;
        (listed[0]["status"] == "delivered").then_some(listed)
    })
    .await;
    assert_eq!(listed[0]["attempts"], 2);

    // A receiver that is down: the connection is refused, then it comes up on that port.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let down = subscribe(
        &app,
        &setup.admin,
        json!({"url": format!("http://127.0.0.1:{port}/hooks"), "events": ["booking.created"]}),
    )
    .await;
    let (status, body) = book(&app, request(&at(monday, 11, 0), "bo@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let down_id = down["id"].as_str().unwrap();
    let failed = eventually("a failed first attempt", || async {
        let listed = deliveries(&app, &setup.admin, down_id).await;
        (listed.first()?["attempts"] == 1).then(|| listed[0].clone())
    })
    .await;
    assert_eq!(failed["status"], "pending");
    assert_eq!(failed["last_error"], "could not connect");
    assert!(failed["response_status"].is_null());
    let revived = Receiver::start_on(port).await;
    let got = received(&revived, 1).await;
    assert_eq!(got[0].id, failed["id"].as_str().unwrap());
    assert_eq!(got[0].event(), "booking.created");
}

async fn a_410_disables_the_subscription_and_its_owner_is_emailed(db: Db) {
    let app = TestApp::spawn_with(db, &[PRIVATE_RECEIVERS]).await;
    let setup = support(&app, 1, json!({})).await;
    let receiver = Receiver::start().await;
    receiver.answer_with(&[410]);
    let made = subscribe(
        &app,
        &setup.admin,
        json!({"url": receiver.url(), "events": ["booking.created", "booking.cancelled"]}),
    )
    .await;
    let webhook = made["id"].as_str().unwrap();
    let monday = next_monday();
    let (_, first) = book(&app, request(&at(monday, 9, 0), "ann@customer.com")).await;
    let disabled = eventually("disabled by the 410", || async {
        let (_, one) = app.get(&format!("/webhooks/{webhook}"), &setup.admin).await;
        (one["is_active"] == false).then_some(one)
    })
    .await;
    assert!(
        disabled["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("410"),
        "{disabled}"
    );
    assert_eq!(
        deliveries(&app, &setup.admin, webhook).await[0]["status"],
        "failed"
    );
    let (_, outbox) = app
        .get(&format!("/outbox?to={ADMIN_EMAIL}"), &setup.admin)
        .await;
    let told = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "webhook_disabled")
        .cloned()
        .expect("the owner is told");
    assert!(
        told["body_text"]
            .as_str()
            .unwrap()
            .contains(&receiver.url())
    );

    // Nothing more goes to a disabled subscription…
    let id = booking_id(&app, &setup.admin, &first).await;
    let (status, _) = app
        .post(&format!("/bookings/{id}/cancel"), &setup.admin, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(receiver.received().len(), 1);
    assert_eq!(deliveries(&app, &setup.admin, webhook).await.len(), 1);
    // …until its owner turns it on again.
    let (status, on) = app
        .patch(
            &format!("/webhooks/{webhook}"),
            &setup.admin,
            json!({"is_active": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{on}");
    assert!(on["disabled_reason"].is_null(), "{on}");
    let (status, _) = book(&app, request(&at(monday, 11, 0), "bo@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED);
    let got = received(&receiver, 2).await;
    assert_eq!(got[1].json()["data"]["customer_email"], "bo@customer.com");
}

async fn a_day_of_failures_disables_the_subscription(db: Db) {
    let app = TestApp::spawn_with(db, &[PRIVATE_RECEIVERS]).await;
    let setup = support(&app, 1, json!({})).await;
    let receiver = Receiver::start().await;
    receiver.answer_with(&[503; 10]);
    let made = subscribe(
        &app,
        &setup.admin,
        json!({"url": receiver.url(), "events": ["booking.created"]}),
    )
    .await;
    let webhook = made["id"].as_str().unwrap();
    let (status, _) = book(&app, request(&at(next_monday(), 9, 0), "ann@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED);
    let failing = eventually("failing since the first attempt", || async {
        let (_, one) = app.get(&format!("/webhooks/{webhook}"), &setup.admin).await;
        one["failing_since_utc"].is_string().then_some(one)
    })
    .await;
    assert_eq!(failing["is_active"], true, "one failure is not a day");
    // A day later, the next failure gives up on it.
    app.db_set_instant(
        "webhook_subscriptions",
        "failing_since_utc",
        webhook,
        chrono::Utc::now() - chrono::Duration::hours(25),
    )
    .await;
    let delivery = deliveries(&app, &setup.admin, webhook).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, again) = app
        .post(
            &format!("/webhooks/{webhook}/deliveries/{delivery}/retry"),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{again}");
    let disabled = eventually("disabled after a day", || async {
        let (_, one) = app.get(&format!("/webhooks/{webhook}"), &setup.admin).await;
        (one["is_active"] == false).then_some(one)
    })
    .await;
    assert!(
        disabled["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("a day"),
        "{disabled}"
    );
}

async fn two_processes_deliver_each_event_exactly_once(db: Db) {
    let app = TestApp::spawn_with(db, &[PRIVATE_RECEIVERS]).await;
    let other = app.second_process().await;
    let setup = support(&app, 3, json!({})).await;
    let receiver = Receiver::start().await;
    subscribe(
        &app,
        &setup.admin,
        json!({"url": receiver.url(), "events": ["booking.created", "booking.cancelled"]}),
    )
    .await;
    let monday = next_monday();
    let mut ids = Vec::new();
    for (i, hour) in [9, 10, 11, 12, 13, 14].into_iter().enumerate() {
        let server = if i % 2 == 0 { &app } else { &other };
        let (status, body) =
            book(server, request(&at(monday, hour, 0), &format!("c{i}@x.io"))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        ids.push(booking_id(&app, &setup.admin, &body).await);
    }
    for id in &ids {
        let (status, _) = other
            .post(&format!("/bookings/{id}/cancel"), &setup.admin, json!({}))
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let got = received(&receiver, 12).await;
    // Both processes' senders ran meanwhile; give a duplicate time to show.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let got_now = receiver.received();
    assert_eq!(
        got_now.len(),
        12,
        "{:?}",
        got_now.iter().map(|r| r.event()).collect::<Vec<_>>()
    );
    let mut webhook_ids: Vec<&str> = got.iter().map(|r| r.id.as_str()).collect();
    webhook_ids.sort_unstable();
    webhook_ids.dedup();
    assert_eq!(webhook_ids.len(), 12, "no delivery twice");
    // Per booking, its creation came before its cancellation.
    for id in &ids {
        let order: Vec<String> = got
            .iter()
            .filter(|r| r.json()["data"]["id"] == id.as_str())
            .map(|r| r.event())
            .collect();
        assert_eq!(order, ["booking.created", "booking.cancelled"], "{id}");
    }
}

async fn leaders_subscribe_to_their_departments_only_and_urls_must_be_public(db: Db) {
    let app = TestApp::spawn(db).await;
    let setup = support(&app, 2, json!({})).await;
    let leader = app.login("m0@example.com", MEMBER_PASSWORD).await;
    let member = app.login("m1@example.com", MEMBER_PASSWORD).await;
    let hook = |department: Option<&str>| {
        json!({"url": "https://1.1.1.1/hooks", "events": ["booking.created"],
               "department_id": department})
    };
    let (status, body) = app
        .post("/webhooks", &member, hook(Some(&setup.department)))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_error(&body, "forbidden");
    let (status, body) = app.get("/webhooks", &member).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_error(&body, "forbidden");
    let (status, body) = app.post("/webhooks", &leader, hook(None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_error(&body, "forbidden");
    let mine = subscribe(&app, &leader, hook(Some(&setup.department))).await;
    let everything = subscribe(&app, &setup.admin, hook(None)).await;

    // A leader sees and changes their own; not a System Manager's, and not to every department.
    let (_, listed) = app.get("/webhooks", &leader).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], mine["id"]);
    let (status, body) = app
        .get(
            &format!("/webhooks/{}", everything["id"].as_str().unwrap()),
            &leader,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_error(&body, "not_found");
    let (status, body) = app
        .patch(
            &format!("/webhooks/{}", mine["id"].as_str().unwrap()),
            &leader,
            json!({"department_id": null}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_error(&body, "forbidden");
    let (_, listed) = app.get("/webhooks", &setup.admin).await;
    assert_eq!(
        listed.as_array().unwrap().len(),
        2,
        "System Managers see all"
    );

    // Only public http(s) addresses, known events, an existing department.
    for (url, field) in [
        ("http://127.0.0.1:8080/hooks", "url"),
        ("http://169.254.169.254/latest/meta-data", "url"),
        ("http://localhost/hooks", "url"),
        ("file:///etc/passwd", "url"),
    ] {
        let (status, body) = app
            .post(
                "/webhooks",
                &setup.admin,
                json!({"url": url, "events": ["booking.created"]}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(failing_fields(&body), [field], "{url}: {body}");
    }
    let (status, body) = app
        .post(
            "/webhooks",
            &setup.admin,
            json!({"url": "https://1.1.1.1/", "events": ["booking.eaten"]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), ["events"], "{body}");
    let (status, body) = app
        .post(
            "/webhooks",
            &setup.admin,
            json!({"url": "https://1.1.1.1/", "events": ["booking.created"],
                   "department_id": "00000000-0000-4000-8000-000000000000"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(failing_fields(&body), ["department_id"], "{body}");

    // An API key needs `webhooks:write`.
    let (_, key) = app
        .post(
            "/api-keys",
            &setup.admin,
            json!({"name": "Zap", "scopes": ["bookings:read"]}),
        )
        .await;
    let (status, body) = app.get("/webhooks", key["key"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_error(&body, "forbidden");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("webhooks:write")
    );
    let (_, key) = app
        .post(
            "/api-keys",
            &setup.admin,
            json!({"name": "Zap", "scopes": ["webhooks:write"]}),
        )
        .await;
    let (status, body) = app.get("/webhooks", key["key"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.as_array().unwrap().len(), 2);
}

async fn a_deleted_booking_is_announced_without_its_customer(db: Db) {
    let app = TestApp::spawn_with(db, &[PRIVATE_RECEIVERS]).await;
    let setup = support(&app, 1, json!({})).await;
    let receiver = Receiver::start().await;
    let made = subscribe(
        &app,
        &setup.admin,
        json!({"url": receiver.url(), "events": ["booking.created", "booking.deleted"]}),
    )
    .await;
    let (_, booked) = book(&app, request(&at(next_monday(), 9, 0), "ann@customer.com")).await;
    let id = &booking_id(&app, &setup.admin, &booked).await;
    received(&receiver, 1).await;
    let (status, _) = app.delete(&format!("/bookings/{id}"), &setup.admin).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let got = received(&receiver, 2).await;
    let gone = got[1].json();
    assert_eq!(gone["type"], "booking.deleted");
    assert_eq!(gone["data"]["id"], id.as_str());
    assert!(gone["data"]["customer_email"].is_null(), "{gone}");
    assert!(!got[1].body.contains("ann@customer.com"));
    // The bodies already sent, which held the customer, are dropped with the booking.
    let listed = deliveries(&app, &setup.admin, made["id"].as_str().unwrap()).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["event_type"], "booking.deleted");
}

async fn a_test_delivery_and_a_replay_reach_the_receiver(db: Db) {
    let app = TestApp::spawn_with(db, &[PRIVATE_RECEIVERS]).await;
    let setup = support(&app, 1, json!({})).await;
    let receiver = Receiver::start().await;
    let made = subscribe(
        &app,
        &setup.admin,
        json!({"url": receiver.url(), "events": ["booking.created"]}),
    )
    .await;
    let webhook = made["id"].as_str().unwrap();
    let (status, test) = app
        .post(
            &format!("/webhooks/{webhook}/test"),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{test}");
    let got = received(&receiver, 1).await;
    assert_eq!(got[0].event(), "webhook.test");
    assert_eq!(got[0].id, test["id"].as_str().unwrap());
    assert!(got[0].signed_with(made["secret"].as_str().unwrap()));

    // Replaying a delivered event sends it again as it was.
    eventually("the test delivered", || async {
        let listed = deliveries(&app, &setup.admin, webhook).await;
        (listed[0]["status"] == "delivered").then_some(())
    })
    .await;
    let (status, again) = app
        .post(
            &format!("/webhooks/{webhook}/deliveries/{}/retry", got[0].id),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{again}");
    let got = received(&receiver, 2).await;
    assert_eq!(got[1].id, got[0].id);
    assert_eq!(got[1].body, got[0].body);
    let (status, body) = app
        .post(
            &format!("/webhooks/{webhook}/deliveries/00000000-0000-4000-8000-000000000000/retry"),
            &setup.admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_error(&body, "not_found");
    let (status, _) = app
        .delete(&format!("/webhooks/{webhook}"), &setup.admin)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.get(&format!("/webhooks/{webhook}"), &setup.admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_error(&body, "not_found");
}

async fn a_subscription_never_outlives_its_owners_rights(db: Db) {
    let app = TestApp::spawn_with(db, &[PRIVATE_RECEIVERS]).await;
    let setup = support(&app, 2, json!({})).await;
    let leader = app.login("m0@example.com", MEMBER_PASSWORD).await;
    let receiver = Receiver::start().await;
    subscribe(
        &app,
        &leader,
        json!({"url": receiver.url(), "events": ["booking.created"],
               "department_id": setup.department}),
    )
    .await;
    let monday = next_monday();
    let (status, _) = book(&app, request(&at(monday, 9, 0), "ann@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED);
    received(&receiver, 1).await;

    let (status, body) = app
        .patch(
            &format!("/users/{}", setup.members[0]),
            &setup.admin,
            json!({"is_active": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = book(&app, request(&at(monday, 11, 0), "bo@customer.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(
        receiver.received().len(),
        1,
        "a deactivated owner's subscription hears nothing more"
    );
}
