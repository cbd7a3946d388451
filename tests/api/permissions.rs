//! Each role × each staff endpoint family: allowed or denied, exactly as the specification's
//! permissions say.

use mm_blackbox_tests::{Db, TestApp, on_both_databases};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(permission_matrix);

#[derive(Clone, Copy, Debug)]
enum Role {
    Anonymous,
    SystemManager,
    /// Leads department A.
    Leader,
    /// A plain member of department A.
    Member,
    /// Leads department B, not A.
    OtherLeader,
}

use Role::*;

/// (family, method, path, body maker, expected status for [SystemManager, Leader, Member, OtherLeader]).
type Case<'a> = (
    &'a str,
    Method,
    String,
    Box<dyn Fn() -> Option<Value> + 'a>,
    [u16; 4],
);

async fn permission_matrix(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin_token().await;
    let leader = app
        .create_user(&admin, "leader@example.com", "Leader A")
        .await;
    let member = app
        .create_user(&admin, "member@example.com", "Member A")
        .await;
    let other = app
        .create_user(&admin, "other@example.com", "Leader B")
        .await;
    // In both departments: only a System Manager changes their settings.
    let shared = app
        .create_user(&admin, "shared@example.com", "Shared")
        .await;
    // A System Manager who is also a member of department A.
    let boss = app.create_user(&admin, "boss@example.com", "Boss").await;
    let (status, body) = app
        .patch(
            &format!("/users/{boss}"),
            &admin,
            json!({"is_system_manager": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // In no department yet.
    let loner = app.create_user(&admin, "loner@example.com", "Loner").await;
    let dept_a = app
        .create_department(
            &admin,
            "dept-a",
            &leader,
            &[&leader, &member, &shared, &boss],
        )
        .await;
    app.create_department(&admin, "dept-b", &other, &[&other, &shared])
        .await;
    let roster = |extra: &str| json!([{"user_id": leader}, {"user_id": member}, {"user_id": shared}, {"user_id": boss}, {"user_id": extra}]);
    let (with_other, with_loner) = (roster(&other), roster(&loner));
    let tokens = [
        (SystemManager, Some(admin.clone())),
        (
            Leader,
            Some(app.login("leader@example.com", "member-password-1").await),
        ),
        (
            Member,
            Some(app.login("member@example.com", "member-password-1").await),
        ),
        (
            OtherLeader,
            Some(app.login("other@example.com", "member-password-1").await),
        ),
        (Anonymous, None),
    ];

    let n = std::sync::atomic::AtomicUsize::new(0);
    let unique = || n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // (family, method, path, body, [SystemManager, Leader, Member, OtherLeader]); anonymous is always 401.
    let hours = json!({"monday": {"enabled": true, "start": "09:00", "end": "17:00"}});
    let (hours_of_shared, hours_of_boss) = (hours.clone(), hours.clone());
    let cases: Vec<Case> = vec![
        (
            "list users",
            Method::GET,
            "/users".into(),
            Box::new(|| None),
            [200, 200, 403, 200],
        ),
        (
            "create users",
            Method::POST,
            "/users".into(),
            Box::new(|| {
                Some(
                    json!({"email": format!("new{}@example.com", unique()), "full_name": "New", "password": "member-password-1"}),
                )
            }),
            [201, 403, 403, 403],
        ),
        (
            "read a member's profile",
            Method::GET,
            format!("/users/{member}"),
            Box::new(|| None),
            [200, 200, 200, 200],
        ),
        (
            "change a member's profile (themself may)",
            Method::PATCH,
            format!("/users/{member}"),
            Box::new(|| Some(json!({"bio": "hi"}))),
            [200, 403, 200, 403],
        ),
        (
            "change a member's email",
            Method::PATCH,
            format!("/users/{member}"),
            Box::new(|| Some(json!({"email": "member@example.com"}))),
            [200, 403, 403, 403],
        ),
        (
            "read a member's working hours",
            Method::GET,
            format!("/users/{member}/working-hours"),
            Box::new(|| None),
            [200, 200, 200, 403],
        ),
        (
            "set a member's working hours",
            Method::PUT,
            format!("/users/{member}/working-hours"),
            Box::new(move || Some(hours.clone())),
            [200, 200, 403, 403],
        ),
        (
            "set working hours of someone also in another leader's department",
            Method::PUT,
            format!("/users/{shared}/working-hours"),
            Box::new(move || Some(hours_of_shared.clone())),
            [200, 403, 403, 403],
        ),
        (
            "set a System Manager's working hours",
            Method::PUT,
            format!("/users/{boss}/working-hours"),
            Box::new(move || Some(hours_of_boss.clone())),
            [200, 403, 403, 403],
        ),
        (
            "add an availability rule of someone also in another leader's department",
            Method::POST,
            format!("/users/{shared}/availability-rules"),
            Box::new(|| Some(json!({"rule_name": "Rule"}))),
            [201, 403, 403, 403],
        ),
        (
            "add someone of another department to department A",
            Method::PUT,
            format!("/departments/{dept_a}/members"),
            Box::new(move || Some(with_other.clone())),
            [0, 403, 403, 403],
        ),
        (
            "add someone of no department to department A",
            Method::PUT,
            format!("/departments/{dept_a}/members"),
            Box::new(move || Some(with_loner.clone())),
            [200, 200, 403, 403],
        ),
        (
            "read a member's availability rules",
            Method::GET,
            format!("/users/{member}/availability-rules"),
            Box::new(|| None),
            [200, 200, 200, 403],
        ),
        (
            "add a member's availability rule",
            Method::POST,
            format!("/users/{member}/availability-rules"),
            Box::new(|| Some(json!({"rule_name": "Rule"}))),
            [201, 201, 403, 403],
        ),
        (
            "list departments",
            Method::GET,
            "/departments".into(),
            Box::new(|| None),
            [200, 200, 200, 200],
        ),
        (
            "create departments",
            Method::POST,
            "/departments".into(),
            Box::new(move || {
                Some(
                    json!({"department_name": format!("New {}", unique()), "timezone": "UTC", "members": [{"user_id": other}]}),
                )
            }),
            [201, 403, 403, 403],
        ),
        (
            "read department A",
            Method::GET,
            format!("/departments/{dept_a}"),
            Box::new(|| None),
            [200, 200, 200, 403],
        ),
        (
            "change department A",
            Method::PATCH,
            format!("/departments/{dept_a}"),
            Box::new(|| Some(json!({"description": "x"}))),
            [200, 200, 403, 403],
        ),
        (
            "list department A's meeting types",
            Method::GET,
            format!("/departments/{dept_a}/meeting-types"),
            Box::new(|| None),
            [200, 200, 200, 403],
        ),
        (
            "add meeting types to department A",
            Method::POST,
            format!("/departments/{dept_a}/meeting-types"),
            Box::new(move || {
                Some(json!({"meeting_name": format!("Call {}", unique()), "duration": 30}))
            }),
            [201, 201, 403, 403],
        ),
        (
            "the resource calendar (each sees their own columns)",
            Method::GET,
            "/calendar?from=2030-01-07T00:00:00Z&to=2030-01-14T00:00:00Z".into(),
            Box::new(|| None),
            [200, 200, 200, 200],
        ),
        (
            "common availability",
            Method::GET,
            format!(
                "/scheduling/common-availability?user_ids={member},{leader}&date=2030-01-07&duration=30"
            ),
            Box::new(|| None),
            [200, 200, 403, 200],
        ),
        (
            "the outbox",
            Method::GET,
            "/outbox".into(),
            Box::new(|| None),
            [200, 403, 403, 403],
        ),
        (
            "delete department A",
            Method::DELETE,
            format!("/departments/{dept_a}"),
            Box::new(|| None),
            [0, 403, 403, 403],
        ),
    ];

    let mut failures = Vec::new();
    for (family, method, path, body, expected) in &cases {
        for (role, token) in &tokens {
            let want = match role {
                Anonymous => 401,
                SystemManager => expected[0],
                Leader => expected[1],
                Member => expected[2],
                OtherLeader => expected[3],
            };
            if want == 0 {
                continue; // not exercised for this role (it would change the fixture)
            }
            let (status, response) = app
                .call(method.clone(), path, token.as_deref(), body())
                .await;
            if status != StatusCode::from_u16(want).unwrap() {
                failures.push(format!(
                    "{family} as {role:?}: expected {want}, got {status}: {response}"
                ));
            } else if want >= 400 {
                assert!(
                    response["error"]["code"].is_string(),
                    "{family} as {role:?}: not the error shape: {response}"
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "permission matrix mismatches:\n{}",
        failures.join("\n")
    );
}
