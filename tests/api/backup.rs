//! `meeting-manager backup` and `restore` on SQLite: a backup taken while customers book holds
//! every booking acknowledged before it began, and restores into a working server; a restore
//! never swaps the file under a running server.

use std::sync::{Arc, Mutex};

use mm_blackbox_tests::{Db, TestApp, at, book, next_monday, request, support};
use reqwest::StatusCode;
use serde_json::json;

/// Booking references acknowledged (201), in the order they were.
type Acknowledged = Arc<Mutex<Vec<String>>>;

/// Books customers one after another into `slots` (each holds two members) until told to stop.
async fn customers_book(app: &TestApp, slots: Vec<String>, acknowledged: Acknowledged) {
    for (n, start) in slots.iter().flat_map(|s| [s, s]).enumerate() {
        let (status, body) = book(app, request(start, &format!("c{n}@example.com"))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let reference = body["booking_reference"].as_str().expect("a reference");
        acknowledged.lock().unwrap().push(reference.to_owned());
    }
}

fn sqlite_path(app: &TestApp) -> String {
    app.database_url
        .strip_prefix("sqlite://")
        .expect("a SQLite database")
        .to_owned()
}

#[tokio::test]
async fn a_backup_taken_while_customers_book_restores_every_acknowledged_booking() {
    let app = TestApp::spawn_with(Db::Sqlite, &[("MM_PUBLIC_BOOKING_RATE_LIMIT", "0")]).await;
    support(&app, 2, json!({})).await;
    let monday = next_monday();
    let slots: Vec<String> = (0..5)
        .flat_map(|day| (9..17).map(move |hour| at(monday + chrono::Days::new(day), hour, 0)))
        .collect();
    let acknowledged = Acknowledged::default();
    let load = {
        let (app, acknowledged) = (&app, acknowledged.clone());
        customers_book(app, slots, acknowledged)
    };
    let dir = std::path::Path::new(&sqlite_path(&app))
        .parent()
        .expect("a directory")
        .to_owned();
    let copy = dir.join("backup.db");
    let backup = async {
        // Some bookings first, then the backup while the rest go on.
        mm_blackbox_tests::eventually("ten bookings", || async {
            (acknowledged.lock().unwrap().len() >= 10).then_some(())
        })
        .await;
        let before: Vec<String> = acknowledged.lock().unwrap().clone();
        let (ok, printed) = TestApp::command(
            &app.database_url,
            &["backup", "--to", copy.to_str().expect("a UTF-8 path")],
        )
        .await;
        assert!(ok, "{printed}");
        assert!(printed.contains("integrity ok"), "{printed}");
        before
    };
    let ((), before) = tokio::join!(load, backup);
    assert!(
        acknowledged.lock().unwrap().len() > before.len(),
        "the customers went on booking after the backup began"
    );

    let (ok, printed) = TestApp::command(
        &app.database_url,
        &["backup", "--to", copy.to_str().expect("a UTF-8 path")],
    )
    .await;
    assert!(!ok && printed.contains("exists already"), "{printed}");
    let (ok, printed) = TestApp::command(
        &app.database_url,
        &["restore", "--from", copy.to_str().expect("a UTF-8 path")],
    )
    .await;
    assert!(
        !ok,
        "a restore under a running server is refused: {printed}"
    );
    assert!(printed.contains("stop it before restoring"), "{printed}");

    let restored_path = dir.join("restored").join("mm.db");
    let restored_url = format!("sqlite://{}", restored_path.display());
    let (ok, printed) = TestApp::command(
        &restored_url,
        &["restore", "--from", copy.to_str().expect("a UTF-8 path")],
    )
    .await;
    assert!(ok, "{printed}");
    let mut restored = TestApp::spawn_on(&restored_url, &[]).await;
    for reference in &before {
        let found = restored
            .db_count(&format!(
                "SELECT COUNT(*) FROM bookings WHERE booking_reference = '{reference}'"
            ))
            .await;
        assert_eq!(
            found, 1,
            "{reference} was acknowledged before the backup began"
        );
    }
    let admin = restored.admin_token().await;
    let (status, list) = restored.get("/bookings?per_page=100", &admin).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(list["total"].as_u64().expect("a total") >= before.len() as u64);
    // Stopped and gone (dropping alone does not wait for the process to end).
    restored.kill().await;

    // Restoring again keeps the database it replaces.
    let (ok, printed) = TestApp::command(
        &restored_url,
        &["restore", "--from", copy.to_str().expect("a UTF-8 path")],
    )
    .await;
    assert!(ok && printed.contains("is kept as"), "{printed}");
    let kept = std::fs::read_dir(restored_path.parent().expect("a directory"))
        .expect("the directory")
        .filter_map(Result::ok)
        .any(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with("mm.db.replaced-")
        });
    assert!(
        kept,
        "the replaced database is kept beside the restored one"
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_meeting_manager_database_is_not_restored() {
    let dir = std::env::temp_dir().join(format!("mm-restore-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("a directory");
    let junk = dir.join("junk.db");
    std::fs::write(&junk, b"not a database at all").expect("writing");
    let url = format!("sqlite://{}", dir.join("mm.db").display());
    let (ok, printed) =
        TestApp::command(&url, &["restore", "--from", junk.to_str().expect("UTF-8")]).await;
    assert!(!ok, "{printed}");
    assert!(!dir.join("mm.db").exists(), "nothing was put in place");
    let (ok, printed) = TestApp::command(
        "postgres://nobody@127.0.0.1/none",
        &["backup", "--to", dir.join("pg.db").to_str().expect("UTF-8")],
    )
    .await;
    assert!(!ok && printed.contains("pg_dump"), "{printed}");
    let _ = std::fs::remove_dir_all(&dir);
}
