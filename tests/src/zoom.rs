//! A local stand-in for Zoom's Server-to-Server OAuth token endpoint and the meetings of API v2,
//! answering as Zoom does: numeric meeting ids, `join_url`, `204` on update and delete, `404`
//! with Zoom's error code for a meeting that does not exist.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
};

use base64::{Engine as _, engine::general_purpose::STANDARD};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::fake_http::{Answer, Call, empty_answer, json_answer, serve};

pub const ACCOUNT_ID: &str = "lAAAAAAAAAAAAAA";
pub const CLIENT_ID: &str = "xNjA0NzE2Zm9v";
pub const CLIENT_SECRET: &str = "zoom-s2s-secret";

#[derive(Debug, Default)]
struct Account {
    meetings: BTreeMap<u64, Value>,
    tokens: Vec<String>,
    next_id: u64,
    requests: Vec<String>,
}

pub struct FakeZoom {
    pub base: String,
    account: Arc<Mutex<Account>>,
    task: JoinHandle<()>,
}

impl FakeZoom {
    pub async fn start() -> Self {
        let account = Arc::new(Mutex::new(Account {
            next_id: 85_746_065_432,
            ..Account::default()
        }));
        let (base, task) = serve(account.clone(), answer).await;
        Self {
            base,
            account,
            task,
        }
    }

    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("MM_ZOOM_ACCOUNT_ID", ACCOUNT_ID.to_owned()),
            ("MM_ZOOM_CLIENT_ID", CLIENT_ID.to_owned()),
            ("MM_ZOOM_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
            ("MM_ZOOM_TOKEN_URL", format!("{}/oauth/token", self.base)),
            ("MM_ZOOM_API_URL", format!("{}/v2", self.base)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// The meetings that exist, as Zoom would show them.
    pub fn meetings(&self) -> Vec<Value> {
        self.account
            .lock()
            .unwrap()
            .meetings
            .values()
            .cloned()
            .collect()
    }

    pub fn requests(&self) -> Vec<String> {
        self.account.lock().unwrap().requests.clone()
    }
}

impl Drop for FakeZoom {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn zoom_error(status: StatusCode, code: u32, message: &str) -> Answer {
    json_answer(status, &json!({"code": code, "message": message}))
}

fn answer(account: &mut Account, call: &Call) -> Answer {
    account
        .requests
        .push(format!("{} {}", call.method, call.uri));
    let path = call.path();
    if (&call.method, path.as_str()) == (&Method::POST, "/oauth/token") {
        let basic = format!(
            "Basic {}",
            STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
        );
        let query = call.query();
        let authorised = call
            .headers
            .get("authorization")
            .is_some_and(|v| v.to_str().ok() == Some(basic.as_str()));
        if !authorised
            || query.get("grant_type").map(String::as_str) != Some("account_credentials")
            || query.get("account_id").map(String::as_str) != Some(ACCOUNT_ID)
        {
            return json_answer(
                StatusCode::BAD_REQUEST,
                &json!({"reason": "Invalid client_id or client_secret", "error": "invalid_client"}),
            );
        }
        let token = format!("eyJzdiI6IjAwMDAwMSJ9.{}", account.tokens.len() + 1);
        account.tokens.push(token.clone());
        return json_answer(
            StatusCode::OK,
            &json!({"access_token": token, "token_type": "bearer", "expires_in": 3599,
                "scope": "meeting:write:meeting:admin", "api_url": "https://api.zoom.us"}),
        );
    }
    if !call
        .bearer()
        .is_some_and(|t| account.tokens.iter().any(|known| known == t))
    {
        return zoom_error(StatusCode::UNAUTHORIZED, 124, "Invalid access token.");
    }
    let body = call.json();
    match (&call.method, path.as_str()) {
        (&Method::POST, "/v2/users/me/meetings") => {
            let id = account.next_id;
            account.next_id += 1;
            let meeting = json!({
                "uuid": format!("iV1sBA0bR{id}=="), "id": id, "host_id": "KDcuGIm1QgePTO8WbOqwIQ",
                "topic": body["topic"], "agenda": body["agenda"], "type": 2,
                "start_time": body["start_time"], "duration": body["duration"],
                "timezone": body["timezone"], "status": "waiting",
                "join_url": format!("https://us05web.zoom.us/j/{id}?pwd=bmVXWjV6"),
                "password": "123456",
            });
            account.meetings.insert(id, meeting.clone());
            json_answer(StatusCode::CREATED, &meeting)
        }
        (method, path) if path.starts_with("/v2/meetings/") => {
            let raw = path.trim_start_matches("/v2/meetings/");
            let Some(meeting) = raw
                .parse::<u64>()
                .ok()
                .and_then(|id| account.meetings.get_mut(&id))
            else {
                return zoom_error(
                    StatusCode::NOT_FOUND,
                    3001,
                    &format!("Meeting does not exist: {raw}."),
                );
            };
            match *method {
                Method::PATCH => {
                    for field in ["topic", "agenda", "start_time", "duration", "timezone"] {
                        if !body[field].is_null() {
                            meeting[field] = body[field].clone();
                        }
                    }
                    empty_answer(StatusCode::NO_CONTENT)
                }
                Method::DELETE => {
                    let id = meeting["id"].as_u64().unwrap();
                    account.meetings.remove(&id);
                    empty_answer(StatusCode::NO_CONTENT)
                }
                _ => zoom_error(StatusCode::METHOD_NOT_ALLOWED, 300, "Not allowed"),
            }
        }
        _ => zoom_error(StatusCode::NOT_FOUND, 404, "Not found"),
    }
}
