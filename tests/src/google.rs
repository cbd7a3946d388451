//! A local stand-in for Google's OAuth 2.0 endpoints and Calendar API v3, speaking their wire
//! format: the consent page (which consents at once and redirects back with a code), the token
//! endpoint (authorization code with PKCE, refresh), revocation, `calendars.get` and
//! `events.list` with `timeMin`/`timeMax`, `syncToken`, paging and `410 Gone`. Tests change the
//! calendar, expire tokens, ask for a `429` and read back every request the server made.

use std::{
    collections::HashMap,
    convert::Infallible,
    sync::{Arc, Mutex},
};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use http_body_util::{BodyExt as _, Full};
use hyper::{
    Method, Request, Response, StatusCode,
    body::{Bytes, Incoming},
    server::conn::http1,
    service::service_fn,
};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use tokio::{net::TcpListener, task::JoinHandle};

pub const CLIENT_ID: &str = "1234-meeting-manager.apps.googleusercontent.com";
pub const CLIENT_SECRET: &str = "GOCSPX-test-secret";
/// The account that consents, and the id of its primary calendar.
pub const ACCOUNT: &str = "anna.member@example.com";

/// One event as Google holds it.
#[derive(Debug, Clone)]
struct Event {
    id: String,
    summary: String,
    start: String,
    end: String,
    cancelled: bool,
    /// The calendar's version when it last changed.
    version: u64,
}

#[derive(Debug, Default)]
struct Calendar {
    events: Vec<Event>,
    version: u64,
    /// Codes handed out at consent, with the PKCE challenge and redirect they belong to.
    codes: HashMap<String, (String, String)>,
    /// Live access tokens and whether they still work.
    access_tokens: HashMap<String, bool>,
    refresh_tokens: HashMap<String, bool>,
    issued: u64,
    /// Seconds an access token lives, as `expires_in` says.
    token_lifetime: i64,
    /// Sync tokens Google no longer honours.
    stale_sync_tokens: bool,
    /// The next `events.list` calls answered `429` with `Retry-After: 1`.
    rate_limited: usize,
    page_size: usize,
    requests: Vec<String>,
    revoked: Vec<String>,
}

pub struct FakeGoogle {
    pub base: String,
    calendar: Arc<Mutex<Calendar>>,
    task: JoinHandle<()>,
}

impl FakeGoogle {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let calendar = Arc::new(Mutex::new(Calendar {
            token_lifetime: 3599,
            page_size: 2,
            ..Calendar::default()
        }));
        let shared = calendar.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = shared.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let shared = shared.clone();
                        async move { Ok::<_, Infallible>(answer(&shared, request).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            base,
            calendar,
            task,
        }
    }

    /// The server's environment for this fake, with an encryption key.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("MM_GOOGLE_CLIENT_ID", CLIENT_ID.to_owned()),
            ("MM_GOOGLE_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
            (
                "MM_GOOGLE_AUTH_URL",
                format!("{}/o/oauth2/v2/auth", self.base),
            ),
            ("MM_GOOGLE_TOKEN_URL", format!("{}/token", self.base)),
            ("MM_GOOGLE_REVOKE_URL", format!("{}/revoke", self.base)),
            ("MM_GOOGLE_API_URL", format!("{}/calendar/v3", self.base)),
            (
                "MM_ENCRYPTION_KEY",
                "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=".to_owned(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// Adds or changes a busy event; instants as RFC 3339.
    pub fn put_event(&self, id: &str, start: &str, end: &str, summary: &str) {
        let mut calendar = self.calendar.lock().unwrap();
        calendar.version += 1;
        let version = calendar.version;
        calendar.events.retain(|e| e.id != id);
        calendar.events.push(Event {
            id: id.to_owned(),
            summary: summary.to_owned(),
            start: start.to_owned(),
            end: end.to_owned(),
            cancelled: false,
            version,
        });
    }

    /// Deletes an event, as a person deleting it in Google Calendar does: it stays as
    /// `cancelled` for incremental syncs.
    pub fn cancel_event(&self, id: &str) {
        let mut calendar = self.calendar.lock().unwrap();
        calendar.version += 1;
        let version = calendar.version;
        for event in calendar.events.iter_mut().filter(|e| e.id == id) {
            event.cancelled = true;
            event.version = version;
        }
    }

    /// Every access token issued so far stops working, as if each had expired.
    pub fn expire_access_tokens(&self) {
        for valid in self.calendar.lock().unwrap().access_tokens.values_mut() {
            *valid = false;
        }
    }

    /// The person removes our access in their Google account.
    pub fn revoke_everything(&self) {
        let mut calendar = self.calendar.lock().unwrap();
        calendar.access_tokens.values_mut().for_each(|v| *v = false);
        calendar
            .refresh_tokens
            .values_mut()
            .for_each(|v| *v = false);
    }

    pub fn make_sync_tokens_stale(&self) {
        self.calendar.lock().unwrap().stale_sync_tokens = true;
    }

    pub fn rate_limit_next(&self, calls: usize) {
        self.calendar.lock().unwrap().rate_limited = calls;
    }

    pub fn set_token_lifetime(&self, seconds: i64) {
        self.calendar.lock().unwrap().token_lifetime = seconds;
    }

    /// `METHOD /path?query` of every request, oldest first.
    pub fn requests(&self) -> Vec<String> {
        self.calendar.lock().unwrap().requests.clone()
    }

    /// Tokens the server revoked.
    pub fn revoked(&self) -> Vec<String> {
        self.calendar.lock().unwrap().revoked.clone()
    }

    /// Whether a token the fake issued still appears anywhere in `text`.
    pub fn any_token_in(&self, text: &str) -> bool {
        let calendar = self.calendar.lock().unwrap();
        calendar
            .access_tokens
            .keys()
            .chain(calendar.refresh_tokens.keys())
            .any(|t| text.contains(t.as_str()))
    }
}

impl Drop for FakeGoogle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Answer = Response<Full<Bytes>>;

fn respond(status: StatusCode, body: &Value) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        "content-type",
        "application/json; charset=UTF-8".parse().unwrap(),
    );
    response
}

/// Google's error shape for API calls.
fn api_error(status: StatusCode, reason: &str, message: &str) -> Answer {
    respond(
        status,
        &json!({"error": {"code": status.as_u16(), "message": message,
            "errors": [{"domain": "global", "reason": reason, "message": message}]}}),
    )
}

fn query_of(uri: &hyper::Uri) -> HashMap<String, String> {
    url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

async fn answer(shared: &Mutex<Calendar>, request: Request<Incoming>) -> Answer {
    let method = request.method().clone();
    let uri = request.uri().clone();
    let bearer = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let body = request
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let query = query_of(&uri);
    let mut calendar = shared.lock().unwrap();
    calendar.requests.push(format!("{method} {uri}"));
    let path = uri.path();
    match (method, path) {
        (Method::GET, "/o/oauth2/v2/auth") => consent(&mut calendar, &query),
        (Method::POST, "/token") => token(&mut calendar, &form),
        (Method::POST, "/revoke") => {
            let token = form.get("token").cloned().unwrap_or_default();
            let known = calendar.refresh_tokens.contains_key(&token)
                || calendar.access_tokens.contains_key(&token);
            calendar
                .refresh_tokens
                .values_mut()
                .for_each(|v| *v = false);
            calendar.access_tokens.values_mut().for_each(|v| *v = false);
            calendar.revoked.push(token);
            if known {
                respond(StatusCode::OK, &json!({}))
            } else {
                respond(StatusCode::BAD_REQUEST, &json!({"error": "invalid_token"}))
            }
        }
        (Method::GET, path) if path.starts_with("/calendar/v3/") => {
            if bearer.is_none_or(|t| calendar.access_tokens.get(&t) != Some(&true)) {
                return api_error(
                    StatusCode::UNAUTHORIZED,
                    "authError",
                    "Request had invalid authentication credentials.",
                );
            }
            match path {
                "/calendar/v3/calendars/primary" => respond(
                    StatusCode::OK,
                    &json!({"kind": "calendar#calendar", "etag": "\"p32k\"", "id": ACCOUNT,
                        "summary": ACCOUNT, "timeZone": "Europe/Copenhagen"}),
                ),
                path if path.replace("%40", "@")
                    == format!("/calendar/v3/calendars/{ACCOUNT}/events") =>
                {
                    events(&mut calendar, &query)
                }
                _ => api_error(StatusCode::NOT_FOUND, "notFound", "Not Found"),
            }
        }
        _ => api_error(StatusCode::NOT_FOUND, "notFound", "Not Found"),
    }
}

/// The person consents at once: back to the app with a code.
fn consent(calendar: &mut Calendar, query: &HashMap<String, String>) -> Answer {
    if query.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || query.get("code_challenge_method").map(String::as_str) != Some("S256")
    {
        return respond(
            StatusCode::BAD_REQUEST,
            &json!({"error": "invalid_request"}),
        );
    }
    calendar.issued += 1;
    let code = format!("4/0Ab-code-{}", calendar.issued);
    let redirect = query.get("redirect_uri").cloned().unwrap_or_default();
    calendar.codes.insert(
        code.clone(),
        (
            query.get("code_challenge").cloned().unwrap_or_default(),
            redirect.clone(),
        ),
    );
    let mut location = url::Url::parse(&redirect).unwrap();
    location
        .query_pairs_mut()
        .append_pair(
            "state",
            query.get("state").map(String::as_str).unwrap_or(""),
        )
        .append_pair("code", &code)
        .append_pair(
            "scope",
            query.get("scope").map(String::as_str).unwrap_or(""),
        );
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::FOUND;
    response
        .headers_mut()
        .insert("location", location.as_str().parse().unwrap());
    response
}

fn token(calendar: &mut Calendar, form: &HashMap<String, String>) -> Answer {
    let invalid_grant = || {
        respond(
            StatusCode::BAD_REQUEST,
            &json!({"error": "invalid_grant", "error_description": "Token has been expired or revoked."}),
        )
    };
    if form.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || form.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET)
    {
        return respond(
            StatusCode::UNAUTHORIZED,
            &json!({"error": "invalid_client", "error_description": "Unauthorized"}),
        );
    }
    calendar.issued += 1;
    let access = format!("ya29.a0-access-{}", calendar.issued);
    let lifetime = calendar.token_lifetime;
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let code = form.get("code").cloned().unwrap_or_default();
            let Some((challenge, redirect)) = calendar.codes.remove(&code) else {
                return invalid_grant();
            };
            let verifier = form.get("code_verifier").cloned().unwrap_or_default();
            if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != challenge
                || form.get("redirect_uri") != Some(&redirect)
            {
                return invalid_grant();
            }
            let refresh = format!("1//0g-refresh-{}", calendar.issued);
            calendar.access_tokens.insert(access.clone(), true);
            calendar.refresh_tokens.insert(refresh.clone(), true);
            respond(
                StatusCode::OK,
                &json!({"access_token": access, "expires_in": lifetime, "refresh_token": refresh,
                    "scope": "https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.readonly",
                    "token_type": "Bearer"}),
            )
        }
        Some("refresh_token") => {
            let refresh = form.get("refresh_token").cloned().unwrap_or_default();
            if calendar.refresh_tokens.get(&refresh) != Some(&true) {
                return invalid_grant();
            }
            calendar.access_tokens.insert(access.clone(), true);
            respond(
                StatusCode::OK,
                &json!({"access_token": access, "expires_in": lifetime,
                    "scope": "https://www.googleapis.com/auth/calendar.events", "token_type": "Bearer"}),
            )
        }
        _ => respond(
            StatusCode::BAD_REQUEST,
            &json!({"error": "unsupported_grant_type"}),
        ),
    }
}

/// `events.list`: a window read lists live events; a `syncToken` read lists what changed since,
/// deleted ones as `cancelled`. Pages of `page_size`; the last page carries `nextSyncToken`.
fn events(calendar: &mut Calendar, query: &HashMap<String, String>) -> Answer {
    if calendar.rate_limited > 0 {
        calendar.rate_limited -= 1;
        let mut response = api_error(
            StatusCode::TOO_MANY_REQUESTS,
            "rateLimitExceeded",
            "Rate Limit Exceeded",
        );
        response
            .headers_mut()
            .insert("retry-after", "1".parse().unwrap());
        return response;
    }
    let since = match query.get("syncToken") {
        Some(_) if calendar.stale_sync_tokens => {
            calendar.stale_sync_tokens = false;
            return api_error(
                StatusCode::GONE,
                "fullSyncRequired",
                "Sync token is no longer valid, a full sync is required.",
            );
        }
        Some(token) => match token.strip_prefix("sync-").and_then(|v| v.parse().ok()) {
            Some(version) => Some(version),
            None => return api_error(StatusCode::BAD_REQUEST, "invalid", "Invalid sync token"),
        },
        None => None,
    };
    let (time_min, time_max) = (query.get("timeMin"), query.get("timeMax"));
    if since.is_none() && (time_min.is_none() || time_max.is_none()) {
        return api_error(
            StatusCode::BAD_REQUEST,
            "required",
            "timeMin and timeMax expected",
        );
    }
    let instant = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
    let mut listed: Vec<&Event> = calendar
        .events
        .iter()
        .filter(|e| match since {
            Some(version) => e.version > version,
            None => {
                !e.cancelled
                    && instant(&e.start) < instant(time_max.unwrap())
                    && instant(time_min.unwrap()) < instant(&e.end)
            }
        })
        .collect();
    listed.sort_by_key(|e| e.id.clone());
    let offset: usize = query
        .get("pageToken")
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let page: Vec<Value> = listed
        .iter()
        .skip(offset)
        .take(calendar.page_size)
        .map(|e| {
            if e.cancelled {
                json!({"kind": "calendar#event", "id": e.id, "status": "cancelled"})
            } else {
                json!({"kind": "calendar#event", "etag": format!("\"{}\"", e.version), "id": e.id,
                    "status": "confirmed", "summary": e.summary,
                    "start": {"dateTime": e.start, "timeZone": "Europe/Copenhagen"},
                    "end": {"dateTime": e.end, "timeZone": "Europe/Copenhagen"},
                    "eventType": "default"})
            }
        })
        .collect();
    let mut body = json!({"kind": "calendar#events", "summary": ACCOUNT,
        "timeZone": "Europe/Copenhagen", "items": page});
    if offset + calendar.page_size < listed.len() {
        body["nextPageToken"] = json!((offset + calendar.page_size).to_string());
    } else {
        body["nextSyncToken"] = json!(format!("sync-{}", calendar.version));
    }
    respond(StatusCode::OK, &body)
}
