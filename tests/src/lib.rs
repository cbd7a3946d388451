//! Harness for black-box tests: each test spawns the real `meeting-manager serve` on port 0 with
//! its own fresh database (an SQLite file, or a new PostgreSQL database on the cluster named by
//! `MM_TEST_POSTGRES_URL`), waits for its `listening on` line and drives it over HTTP.
//!
//! It knows nothing of the server's internals: only the binary, its environment and the API.

pub mod browser;
pub mod fake_http;
pub mod feeds;
pub mod google;
pub mod invite;
pub mod microsoft;
pub mod own_postgres;
pub mod recurring;
pub mod smtp;
pub mod twilio;
pub mod webhooks;
pub mod zoom;

use std::{path::PathBuf, process::Stdio, time::Duration};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "admin-password-1";
/// The password `create_user` gives every member.
pub const MEMBER_PASSWORD: &str = "member-password-1";

/// Which database a test runs against; every database test runs against both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Runs one scenario as two tests, `…::sqlite` and `…::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($($scenario:ident),+ $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test]
                async fn sqlite() {
                    super::$scenario($crate::Db::Sqlite).await
                }
                #[tokio::test]
                async fn postgres() {
                    super::$scenario($crate::Db::Postgres).await
                }
            }
        )+
    };
}

/// A running server with a fresh database, stopped when dropped.
#[derive(Debug)]
pub struct TestApp {
    pub address: String,
    /// What the server printed before `listening on` (such as `metrics on …`).
    pub announced: Vec<String>,
    pub client: reqwest::Client,
    pub database_url: String,
    env: Vec<(String, String)>,
    /// What the server has logged so far (it is also passed on to the test's output).
    logged: std::sync::Arc<std::sync::Mutex<String>>,
    child: Child,
    dir: PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn server_binary() -> PathBuf {
    if let Ok(path) = std::env::var("MM_SERVER_BIN") {
        return path.into();
    }
    // target/<profile>/deps/<test binary> → target/<profile>/meeting-manager
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target profile directory");
    let binary = profile_dir.join("meeting-manager");
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build -p mm-server` first (`just test` does)",
        binary.display()
    );
    binary
}

/// `meeting-manager serve` on `database_url`, in `dir`, with the tests' settings and `env` on
/// top (an empty value unsets a setting).
fn server_command(dir: &std::path::Path, database_url: &str, env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(server_binary());
    command
        .arg("serve")
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MM_DATABASE_URL", database_url)
        .env("MM_BIND", "127.0.0.1:0")
        .env(
            "MM_JWT_SECRET",
            "test-secret-with-enough-entropy-0123456789",
        )
        .env("MM_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("MM_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("MM_LOG", "warn");
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

/// A fresh id and working directory for one server process.
fn work_dir() -> (String, PathBuf) {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join(format!("mm-test-{id}"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    (id, dir)
}

fn postgres_database(name: &str) -> String {
    let admin = std::env::var("MM_TEST_POSTGRES_URL").expect(
        "MM_TEST_POSTGRES_URL is not set: run the tests with `just test`, which starts a throwaway PostgreSQL cluster",
    );
    let status = std::process::Command::new("psql")
        .args([
            admin.as_str(),
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            &format!("CREATE DATABASE {name}"),
        ])
        .status()
        .expect("psql");
    assert!(status.success(), "creating database {name} failed");
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}

/// Evaluates `$body` with `$pool` a fresh connection pool on the database at `$url`, SQLite or
/// PostgreSQL as the URL says (the same code compiles against each), and closes it after.
macro_rules! with_pool {
    ($url:expr, $pool:ident => $body:expr) => {{
        let url: &str = $url;
        if url.starts_with("sqlite:") {
            let $pool = sqlx::SqlitePool::connect(url)
                .await
                .expect("opening the SQLite database");
            let value = $body;
            $pool.close().await;
            value
        } else {
            let $pool = sqlx::PgPool::connect(url)
                .await
                .expect("connecting to PostgreSQL");
            let value = $body;
            $pool.close().await;
            value
        }
    }};
}

impl TestApp {
    pub async fn spawn(db: Db) -> Self {
        Self::spawn_with(db, &[]).await
    }

    /// Spawns with extra environment variables.
    pub async fn spawn_with(db: Db, env: &[(&str, &str)]) -> Self {
        let (id, dir) = work_dir();
        let database_url = match db {
            Db::Sqlite => format!("sqlite://{}", dir.join("test.db").display()),
            Db::Postgres => postgres_database(&format!("mm_test_{id}")),
        };
        Self::launch(dir, database_url, env).await
    }

    /// Runs another `meeting-manager` command (`backup`, `restore`) on `database_url` and
    /// returns whether it succeeded and what it printed.
    pub async fn command(database_url: &str, args: &[&str]) -> (bool, String) {
        let output = Command::new(server_binary())
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("MM_DATABASE_URL", database_url)
            .env("RUST_BACKTRACE", "0")
            .output()
            .await
            .expect("running meeting-manager");
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), printed)
    }

    /// A server on a database made by [`TestApp::fresh_postgres_database`].
    pub async fn spawn_on(database_url: &str, env: &[(&str, &str)]) -> Self {
        let (_, dir) = work_dir();
        Self::launch(dir, database_url.to_owned(), env).await
    }

    /// Another server process on this one's database with its own settings (`env` replaces this
    /// one's extra variables): a restart with another configuration.
    pub async fn process_with(&self, env: &[(&str, &str)]) -> Self {
        let (_, dir) = work_dir();
        Self::launch(dir, self.database_url.clone(), env).await
    }

    /// Another server process on this one's database and settings, as behind a load balancer.
    pub async fn second_process(&self) -> Self {
        let (_, dir) = work_dir();
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        Self::launch(dir, self.database_url.clone(), &env).await
    }

    /// Runs a query returning one integer directly against the server's database: for
    /// invariants no API answer can prove, such as "no member has overlapping bookings".
    pub async fn db_count(&self, sql: &str) -> i64 {
        with_pool!(&self.database_url, pool => {
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_one(&pool)
                .await
                .expect("query")
        })
    }

    /// Runs a statement directly against the server's database (SQL both backends read alike):
    /// for states the API only reaches with time, such as a message that failed for good.
    /// Returns the rows it changed.
    pub async fn db_execute(&self, sql: &str) -> u64 {
        with_pool!(&self.database_url, pool => {
            sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&pool)
                .await
                .expect("statement")
                .rows_affected()
        })
    }

    /// Runs a query directly against the server's database and returns every row as text, with
    /// `{sqlite}` or `{postgres}` SQL as the backend needs: for audits no API answer can prove.
    pub async fn db_rows(&self, sqlite: &str, postgres: &str) -> Vec<Vec<String>> {
        fn texts<R: sqlx::Row>(rows: Vec<R>) -> Vec<Vec<String>>
        where
            for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
            usize: sqlx::ColumnIndex<R>,
        {
            rows.iter()
                .map(|row| (0..row.len()).map(|i| row.get::<String, _>(i)).collect())
                .collect()
        }
        let sql = if self.database_url.starts_with("sqlite:") {
            sqlite
        } else {
            postgres
        };
        with_pool!(&self.database_url, pool => {
            texts(
                sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                    .fetch_all(&pool)
                    .await
                    .expect("query"),
            )
        })
    }

    /// Moves a booking to `start`–`end` directly in the database, past the checks of the API:
    /// for behaviour that waits on the clock, such as what follows a meeting that has ended.
    pub async fn db_set_booking_times(
        &self,
        booking_id: &str,
        start: chrono::DateTime<chrono::Utc>,
        end: chrono::DateTime<chrono::Utc>,
    ) {
        let id = uuid::Uuid::parse_str(booking_id).expect("a booking id");
        let sql = "UPDATE bookings SET start_utc = $1, end_utc = $2 WHERE id = $3";
        let updated = with_pool!(&self.database_url, pool => {
            sqlx::query(sql)
                .bind(start)
                .bind(end)
                .bind(id)
                .execute(&pool)
                .await
                .expect("update")
                .rows_affected()
        });
        assert_eq!(updated, 1, "booking {booking_id} exists");
    }

    /// Sets one instant column of the row `id` of `table`, directly in the database: for states
    /// only time brings about.
    pub async fn db_set_instant(
        &self,
        table: &str,
        column: &str,
        id: &str,
        value: chrono::DateTime<chrono::Utc>,
    ) {
        let id = uuid::Uuid::parse_str(id).expect("an id");
        let sql = format!("UPDATE {table} SET {column} = $1 WHERE id = $2");
        let updated = with_pool!(&self.database_url, pool => {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(value)
                .bind(id)
                .execute(&pool)
                .await
                .expect("update")
                .rows_affected()
        });
        assert_eq!(updated, 1, "{table} {id} exists");
    }

    /// Moves every instant a booking holds (its times, when it was made, when its links expire)
    /// back by `by`, directly in the database: the booking as it is `by` later, for behaviour
    /// that depends on how long ago a booking was made.
    pub async fn db_age_booking(&self, booking_id: &str, by: chrono::Duration) {
        type Instant = chrono::DateTime<chrono::Utc>;
        let id = uuid::Uuid::parse_str(booking_id).expect("a booking id");
        let read = "SELECT start_utc, end_utc, created_utc, tokens_expire_utc \
                    FROM bookings WHERE id = $1";
        let write = "UPDATE bookings SET start_utc = $1, end_utc = $2, created_utc = $3, \
                     tokens_expire_utc = $4 WHERE id = $5";
        with_pool!(&self.database_url, pool => {
            let (start, end, created, expires): (Instant, Instant, Instant, Option<Instant>) =
                sqlx::query_as(read)
                    .bind(id)
                    .fetch_one(&pool)
                    .await
                    .expect("the booking");
            sqlx::query(write)
                .bind(start - by)
                .bind(end - by)
                .bind(created - by)
                .bind(expires.map(|e| e - by))
                .bind(id)
                .execute(&pool)
                .await
                .expect("update");
        });
    }

    /// Starts a server on `database_url` that is expected to refuse to start; returns what it
    /// printed.
    pub async fn refused_start(database_url: &str, env: &[(&str, &str)]) -> String {
        let (_, dir) = work_dir();
        let mut command = server_command(&dir, database_url, env);
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let output = tokio::time::timeout(Duration::from_secs(60), command.output())
            .await
            .expect("the server neither started nor stopped within 60 s")
            .expect("running meeting-manager");
        let _ = std::fs::remove_dir_all(&dir);
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !output.status.success() && !printed.contains("listening on"),
            "the server started: {printed}"
        );
        printed
    }

    /// A fresh PostgreSQL database, for servers started on it by hand.
    pub fn fresh_postgres_database() -> String {
        postgres_database(&format!("mm_test_{}", uuid::Uuid::new_v4().simple()))
    }

    /// Everything the server has logged so far.
    pub fn logs(&self) -> String {
        self.logged.lock().map(|l| l.clone()).unwrap_or_default()
    }

    async fn launch(dir: PathBuf, database_url: String, env: &[(&str, &str)]) -> Self {
        let mut command = server_command(&dir, &database_url, env);
        command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("spawning meeting-manager");
        let logged = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("stderr");
        let sink = logged.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("{line}");
                if let Ok(mut logged) = sink.lock() {
                    logged.push_str(&line);
                    logged.push('\n');
                }
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut announced = Vec::new();
        let address = tokio::time::timeout(Duration::from_secs(120), async {
            while let Some(line) = lines.next_line().await.expect("reading server output") {
                if let Some(address) = line.strip_prefix("listening on ") {
                    return address.trim().to_owned();
                }
                announced.push(line);
            }
            panic!("the server exited before it listened")
        })
        .await
        .expect("the server did not print `listening on` within 120 s");
        // Keep draining stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self {
            address,
            announced,
            // The server drops idle connections after 5 s; a test that pauses longer (a browser
            // at work) must not send its next request down one the server is closing.
            client: reqwest::Client::builder()
                .pool_idle_timeout(Duration::from_secs(2))
                .build()
                .expect("HTTP client"),
            database_url,
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            logged,
            child,
            dir,
        }
    }

    /// Kills the server at once (SIGKILL), as a crash would: nothing of its shutdown runs.
    pub async fn kill(&mut self) {
        self.child.kill().await.expect("killing the server");
    }

    /// Asks the server to stop (SIGTERM), as a service manager does, and waits until it has:
    /// whether it exited cleanly.
    pub async fn terminate(&mut self) -> bool {
        let pid = self.child.id().expect("the server is running").to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .expect("kill");
        assert!(sent.success(), "SIGTERM to {pid}");
        tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .expect("the server did not stop within 60 s of SIGTERM")
            .expect("waiting for the server")
            .success()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Sends a JSON request to `/api/v1{path}` and returns the status and JSON body (`null` if none).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let what = format!("{method} {path}");
        let mut request = self
            .client
            .request(method, self.url(&format!("/api/v1{path}")));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e:?}"));
        let status = response.status();
        let text = response.text().await.expect("body");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let (status, body) = self
            .call(
                Method::POST,
                "/auth/login",
                None,
                Some(json!({"email": email, "password": password})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login as {email}: {body}");
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    pub async fn admin_token(&self) -> String {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// Creates a staff user (as the admin) and returns their id.
    pub async fn create_user(&self, admin: &str, email: &str, name: &str) -> String {
        let (status, body) = self
            .post(
                "/users",
                admin,
                json!({"email": email, "full_name": name, "password": MEMBER_PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().expect("id").to_owned()
    }

    /// Creates a department led by `leader` with these members (all active); returns its id.
    pub async fn create_department(
        &self,
        admin: &str,
        slug: &str,
        leader: &str,
        members: &[&str],
    ) -> String {
        let members: Vec<Value> = members.iter().map(|m| json!({"user_id": m})).collect();
        let (status, body) = self
            .post(
                "/departments",
                admin,
                json!({"department_name": slug, "department_slug": slug, "timezone": "Europe/Copenhagen",
                       "department_leader": leader, "members": members}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().expect("id").to_owned()
    }
}

/// The failing fields of an error response.
pub fn failing_fields(body: &Value) -> Vec<String> {
    body["error"]["details"]["fields"]
        .as_object()
        .map(|f| f.keys().cloned().collect())
        .unwrap_or_default()
}

/// Asserts the contract's error shape with this code.
pub fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

/// Working hours Monday to Friday, 09:00–17:00, as `PUT /users/{id}/working-hours` takes them.
pub fn office_hours() -> Value {
    let day = |enabled: bool| {
        if enabled {
            json!({"enabled": true, "start": "09:00", "end": "17:00", "breaks": []})
        } else {
            json!({"enabled": false})
        }
    };
    json!({"monday": day(true), "tuesday": day(true), "wednesday": day(true), "thursday": day(true),
           "friday": day(true), "saturday": day(false), "sunday": day(false)})
}

/// A Monday one to seven days from now in Copenhagen: a working day within any booking window.
pub fn next_monday() -> chrono::NaiveDate {
    use chrono::Datelike;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Copenhagen)
        .date_naive();
    today + chrono::Days::new(7 - u64::from(today.weekday().num_days_from_monday()))
}

/// `hour:minute` Copenhagen time on `date`, as the contract writes instants.
pub fn at(date: chrono::NaiveDate, hour: u32, minute: u32) -> String {
    use chrono::TimeZone as _;
    chrono_tz::Europe::Copenhagen
        .from_local_datetime(&date.and_hms_opt(hour, minute, 0).expect("a time of day"))
        .single()
        .expect("an unambiguous local time")
        .with_timezone(&chrono::Utc)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A department `support` of `members` staff with office hours, offering a 60-minute public
/// `call` (plus `extra` fields of the meeting type).
pub struct Support {
    pub admin: String,
    pub members: Vec<String>,
    pub department: String,
    /// The `call` meeting type's id.
    pub call: String,
}

pub async fn support(app: &TestApp, members: usize, extra: Value) -> Support {
    let admin = app.admin_token().await;
    let mut ids = Vec::new();
    for i in 0..members {
        let id = app
            .create_user(&admin, &format!("m{i}@example.com"), &format!("Member {i}"))
            .await;
        let (status, body) = app
            .put(
                &format!("/users/{id}/working-hours"),
                &admin,
                office_hours(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        ids.push(id);
    }
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let department = app
        .create_department(&admin, "support", refs[0], &refs)
        .await;
    let mut meeting = json!({"meeting_name": "Call", "meeting_slug": "call", "duration": 60});
    if let (Some(meeting), Some(extra)) = (meeting.as_object_mut(), extra.as_object()) {
        meeting.extend(extra.clone());
    }
    let (status, body) = app
        .post(
            &format!("/departments/{department}/meeting-types"),
            &admin,
            meeting,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    Support {
        admin,
        members: ids,
        call: body["id"].as_str().expect("id").to_owned(),
        department,
    }
}

pub fn request(start_utc: &str, email: &str) -> Value {
    json!({
        "department_slug": "support", "meeting_slug": "call", "start_utc": start_utc,
        "customer_name": "John Doe", "customer_email": email, "customer_phone": "+1-555-123-4567",
        "customer_timezone": "America/New_York", "customer_notes": "Account setup",
    })
}

pub async fn book(app: &TestApp, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, "/public/bookings", None, Some(body))
        .await
}

/// How many members of `support` are free for its `call` at `start_utc`, as the public slots say.
pub async fn free_members_at(app: &TestApp, start_utc: &str) -> u64 {
    let (status, body) = app
        .call(
            Method::GET,
            &format!(
                "/public/departments/support/meeting-types/call/slots?date={}&timezone=UTC",
                &start_utc[..10]
            ),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .find(|s| s["start_utc"] == start_utc)
        .map_or(0, |s| s["available_members"].as_u64().expect("a count"))
}

/// Polls `check` until it yields a value (at most 20 seconds), for what background work brings
/// about; `what` names the wait in the failure.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "gave up waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The staff view of booking `id` once `check` holds for it (at most 20 seconds).
pub async fn booking_when(
    app: &TestApp,
    token: &str,
    id: &str,
    what: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    let check = &check;
    eventually(what, || async move {
        let (status, shown) = app.get(&format!("/bookings/{id}"), token).await;
        assert_eq!(status, StatusCode::OK, "{shown}");
        check(&shown).then_some(shown)
    })
    .await
}

/// `POST /calendar-integrations/{id}/sync` as `token`, which must be allowed; the sync's result.
pub async fn sync_calendar(app: &TestApp, token: &str, id: &str) -> Value {
    let (status, synced) = app
        .post(
            &format!("/calendar-integrations/{id}/sync"),
            token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{synced}");
    synced
}

/// A user's connected calendars as `token` sees them, which must be allowed.
pub async fn calendars_of(app: &TestApp, token: &str, user: &str) -> Vec<Value> {
    let (status, list) = app
        .get(&format!("/users/{user}/calendar-integrations"), token)
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"].as_array().expect("items").clone()
}
