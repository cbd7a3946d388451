use mm_blackbox_tests::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Db, TestApp, assert_error, on_both_databases,
};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_databases!(
    wrong_password_and_unknown_email_give_the_same_401,
    requests_without_or_with_a_bad_token_get_401_in_the_contract_shape,
    me_names_the_roles_from_departments,
    a_deactivated_user_can_no_longer_sign_in_or_use_a_token,
);

async fn wrong_password_and_unknown_email_give_the_same_401(db: Db) {
    let app = TestApp::spawn(db).await;
    let wrong = app
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": ADMIN_EMAIL, "password": "not-the-password"})),
        )
        .await;
    let unknown = app
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "nobody@example.com", "password": ADMIN_PASSWORD})),
        )
        .await;
    assert_eq!(wrong.0, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong, unknown, "the two failures must be indistinguishable");
    assert_error(&wrong.1, "invalid_credentials");
    let (status, body) = app
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "ADMIN@example.com", "password": ADMIN_PASSWORD})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "emails are case-insensitive: {body}"
    );
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].as_u64().unwrap() > 0);
    assert_eq!(body["user"]["is_system_manager"], true);
}

async fn requests_without_or_with_a_bad_token_get_401_in_the_contract_shape(db: Db) {
    let app = TestApp::spawn(db).await;
    let (status, body) = app.call(Method::GET, "/auth/me", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&body, "unauthorized");
    let (status, body) = app.get("/departments", "not.a.jwt").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&body, "unauthorized");
}

async fn me_names_the_roles_from_departments(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let leader = app
        .create_user(&admin, "leader@example.com", "Lea Leader")
        .await;
    let member = app
        .create_user(&admin, "member@example.com", "Max Member")
        .await;
    let department = app
        .create_department(&admin, "support", &leader, &[&leader, &member])
        .await;

    let (_, me) = app
        .get(
            "/auth/me",
            &app.login("leader@example.com", "member-password-1").await,
        )
        .await;
    assert_eq!(
        me["roles"],
        json!(["department_leader", "department_member"])
    );
    assert_eq!(me["leads_department_ids"], json!([department]));
    let (_, me) = app
        .get(
            "/auth/me",
            &app.login("member@example.com", "member-password-1").await,
        )
        .await;
    assert_eq!(me["roles"], json!(["department_member"]));
    let (_, me) = app.get("/auth/me", &admin).await;
    assert_eq!(me["roles"], json!(["system_manager"]));
    assert_eq!(me["email"], ADMIN_EMAIL);
}

async fn a_deactivated_user_can_no_longer_sign_in_or_use_a_token(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let id = app
        .create_user(&admin, "leaving@example.com", "Leaving Soon")
        .await;
    let token = app.login("leaving@example.com", "member-password-1").await;
    let (status, _) = app
        .patch(&format!("/users/{id}"), &admin, json!({"is_active": false}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.get("/auth/me", &token).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = app
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "leaving@example.com", "password": "member-password-1"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
