//! A local stand-in for Google's OAuth 2.0 endpoints and Calendar API v3, speaking their wire
//! format: the consent page (which consents at once and redirects back with a code), the token
//! endpoint (authorization code with PKCE, refresh), revocation, `calendars.get` and
//! `events.list` with `timeMin`/`timeMax`, `syncToken`, paging and `410 Gone`, and recurring
//! events: an event with a `recurrence` is listed as its instances (`singleEvents=true`), each
//! with the id `{event}_{original start}`, patched and deleted like an event of its own. Tests
//! change the calendar, expire tokens, ask for a `429` and read back every request the server
//! made.

use std::sync::{Arc, Mutex};

use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::{
    fake_http::{Answer, Call, FakeOAuth, empty_answer, json_answer as respond, serve},
    recurring::{basic, occurrences},
};

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
    description: String,
    status: String,
    meet_link: Option<String>,
    /// A recurring event's `RRULE` lines and zone: it is listed only as its instances.
    recurrence: Option<(Vec<String>, String)>,
    /// An instance: the recurring event's id and the instance's original start.
    instance_of: Option<(String, String)>,
}

#[derive(Debug)]
struct Calendar {
    oauth: FakeOAuth,
    events: Vec<Event>,
    version: u64,
    /// Sync tokens Google no longer honours.
    stale_sync_tokens: bool,
    /// The next `events.list` calls answered `429` with `Retry-After: 1`.
    rate_limited: usize,
    page_size: usize,
    requests: Vec<String>,
}

pub struct FakeGoogle {
    pub base: String,
    calendar: Arc<Mutex<Calendar>>,
    task: JoinHandle<()>,
}

impl FakeGoogle {
    pub async fn start() -> Self {
        let calendar = Arc::new(Mutex::new(Calendar {
            oauth: FakeOAuth::new(CLIENT_ID, CLIENT_SECRET),
            events: Vec::new(),
            version: 0,
            stale_sync_tokens: false,
            rate_limited: 0,
            page_size: 2,
            requests: Vec::new(),
        }));
        let (base, task) = serve(calendar.clone(), answer).await;
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
            description: String::new(),
            status: "confirmed".to_owned(),
            meet_link: None,
            recurrence: None,
            instance_of: None,
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
        self.calendar.lock().unwrap().oauth.expire_access_tokens();
    }

    /// The person removes our access in their Google account.
    pub fn revoke_everything(&self) {
        self.calendar.lock().unwrap().oauth.revoke_everything();
    }

    pub fn make_sync_tokens_stale(&self) {
        self.calendar.lock().unwrap().stale_sync_tokens = true;
    }

    pub fn rate_limit_next(&self, calls: usize) {
        self.calendar.lock().unwrap().rate_limited = calls;
    }

    pub fn set_token_lifetime(&self, seconds: i64) {
        self.calendar.lock().unwrap().oauth.token_lifetime = seconds;
    }

    /// `METHOD /path?query` of every request, oldest first.
    pub fn requests(&self) -> Vec<String> {
        self.calendar.lock().unwrap().requests.clone()
    }

    /// Live events whose title contains `text`, as Google would list them.
    pub fn events_titled(&self, text: &str) -> Vec<Value> {
        let calendar = self.calendar.lock().unwrap();
        calendar
            .events
            .iter()
            .filter(|e| !e.cancelled && e.recurrence.is_none() && e.summary.contains(text))
            .map(event_json)
            .collect()
    }

    /// Live recurring events whose title contains `text`, as `events.list` without
    /// `singleEvents` shows them.
    pub fn recurring_events_titled(&self, text: &str) -> Vec<Value> {
        let calendar = self.calendar.lock().unwrap();
        calendar
            .events
            .iter()
            .filter(|e| !e.cancelled && e.recurrence.is_some() && e.summary.contains(text))
            .map(event_json)
            .collect()
    }

    /// Tokens the server revoked.
    pub fn revoked(&self) -> Vec<String> {
        self.calendar.lock().unwrap().oauth.revoked.clone()
    }

    /// Whether a token the fake issued still appears anywhere in `text`.
    pub fn any_token_in(&self, text: &str) -> bool {
        self.calendar.lock().unwrap().oauth.any_token_in(text)
    }
}

impl Drop for FakeGoogle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Google's error shape for API calls.
fn api_error(status: StatusCode, reason: &str, message: &str) -> Answer {
    respond(
        status,
        &json!({"error": {"code": status.as_u16(), "message": message,
            "errors": [{"domain": "global", "reason": reason, "message": message}]}}),
    )
}

fn answer(calendar: &mut Calendar, call: &Call) -> Answer {
    calendar
        .requests
        .push(format!("{} {}", call.method, call.uri));
    let path = call.path();
    let events_path = format!("/calendar/v3/calendars/{ACCOUNT}/events");
    match (&call.method, path.as_str()) {
        (&Method::GET, "/o/oauth2/v2/auth") => calendar.oauth.consent(call),
        (&Method::POST, "/token") => {
            calendar
                .oauth
                .token(call, "ya29.a0-access-", "1//0g-refresh-")
        }
        (&Method::POST, "/revoke") => calendar.oauth.revoke(call),
        (_, path) if path.starts_with("/calendar/v3/") && !calendar.oauth.accepts(call) => {
            api_error(
                StatusCode::UNAUTHORIZED,
                "authError",
                "Request had invalid authentication credentials.",
            )
        }
        (&Method::GET, "/calendar/v3/calendars/primary") => respond(
            StatusCode::OK,
            &json!({"kind": "calendar#calendar", "etag": "\"p32k\"", "id": ACCOUNT,
                "summary": ACCOUNT, "timeZone": "Europe/Copenhagen"}),
        ),
        (&Method::GET, path) if path == events_path => events(calendar, &call.query()),
        (method, path) if path.starts_with(&events_path) => {
            let event_id = path[events_path.len()..].trim_start_matches('/');
            write(calendar, method.clone(), event_id, &call.json())
        }
        _ => api_error(StatusCode::NOT_FOUND, "notFound", "Not Found"),
    }
}

/// `events.list`: a window read lists live events; a `syncToken` read lists what changed since,
/// deleted ones as `cancelled`. Pages of `page_size`; the last page carries `nextSyncToken`.
fn events(calendar: &mut Calendar, query: &std::collections::HashMap<String, String>) -> Answer {
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
        .filter(|e| e.recurrence.is_none())
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
                event_json(e)
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

fn event_json(e: &Event) -> Value {
    let mut event = json!({"kind": "calendar#event", "etag": format!("\"{}\"", e.version),
        "id": e.id, "status": e.status, "summary": e.summary, "description": e.description,
        "htmlLink": format!("https://www.google.com/calendar/event?eid={}", e.id),
        "start": {"dateTime": e.start, "timeZone": "Europe/Copenhagen"},
        "end": {"dateTime": e.end, "timeZone": "Europe/Copenhagen"},
        "eventType": "default"});
    if let Some((rules, zone)) = &e.recurrence {
        event["recurrence"] = json!(rules);
        event["start"]["timeZone"] = json!(zone);
        event["end"]["timeZone"] = json!(zone);
    }
    if let Some((recurring, original)) = &e.instance_of {
        event["recurringEventId"] = json!(recurring);
        event["originalStartTime"] = json!({"dateTime": original, "timeZone": "Europe/Copenhagen"});
    }
    if let Some(link) = &e.meet_link {
        event["hangoutLink"] = json!(link);
        event["conferenceData"] = json!({"entryPoints": [{"entryPointType": "video", "uri": link}],
            "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": "Google Meet"}});
    }
    event
}

/// `events.insert`, `events.patch` and `events.delete`.
fn write(calendar: &mut Calendar, method: Method, event_id: &str, body: &Value) -> Answer {
    calendar.version += 1;
    let version = calendar.version;
    let field = |event: &mut Event, body: &Value| {
        if let Some(summary) = body["summary"].as_str() {
            event.summary = summary.to_owned();
        }
        if let Some(description) = body["description"].as_str() {
            event.description = description.to_owned();
        }
        if let Some(start) = body["start"]["dateTime"].as_str() {
            event.start = start.to_owned();
        }
        if let Some(end) = body["end"]["dateTime"].as_str() {
            event.end = end.to_owned();
        }
        if let Some(status) = body["status"].as_str() {
            event.status = status.to_owned();
        }
        event.version = version;
    };
    match (method, event_id) {
        (Method::POST, "") => {
            let mut event = Event {
                id: format!("mm{version}"),
                summary: String::new(),
                start: String::new(),
                end: String::new(),
                cancelled: false,
                version,
                description: String::new(),
                status: "confirmed".to_owned(),
                meet_link: body["conferenceData"]["createRequest"]["requestId"]
                    .as_str()
                    .map(|_| format!("https://meet.google.com/abc-defg-{version:03}")),
                recurrence: None,
                instance_of: None,
            };
            field(&mut event, body);
            if let Some(rules) = body["recurrence"].as_array() {
                match recurring(&mut event, rules, body) {
                    Ok(instances) => calendar.events.extend(instances),
                    Err(message) => {
                        return api_error(StatusCode::BAD_REQUEST, "invalid", &message);
                    }
                }
            }
            let answer = event_json(&event);
            calendar.events.push(event);
            respond(StatusCode::OK, &answer)
        }
        (Method::PATCH, id) => {
            match calendar
                .events
                .iter_mut()
                .find(|e| e.id == id && !e.cancelled)
            {
                Some(event) => {
                    field(event, body);
                    respond(StatusCode::OK, &event_json(event))
                }
                None => api_error(StatusCode::NOT_FOUND, "notFound", "Not Found"),
            }
        }
        (Method::DELETE, id) => match calendar.events.iter_mut().find(|e| e.id == id) {
            Some(event) if event.cancelled => {
                api_error(StatusCode::GONE, "deleted", "Resource has been deleted")
            }
            Some(_) => {
                // A recurring event goes with its instances.
                for event in calendar.events.iter_mut().filter(|e| {
                    e.id == id || e.instance_of.as_ref().is_some_and(|(of, _)| of == id)
                }) {
                    event.cancelled = true;
                    event.version = version;
                }
                empty_answer(StatusCode::NO_CONTENT)
            }
            None => api_error(StatusCode::NOT_FOUND, "notFound", "Not Found"),
        },
        _ => api_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "notAllowed",
            "Method Not Allowed",
        ),
    }
}

/// Makes `event` recurring by `rules` and returns its instances, as Google expands them in the
/// event's `timeZone`.
fn recurring(event: &mut Event, rules: &[Value], body: &Value) -> Result<Vec<Event>, String> {
    let Some(zone) = body["start"]["timeZone"].as_str() else {
        return Err("Missing time zone definition for start time.".to_owned());
    };
    let rules: Vec<String> = rules
        .iter()
        .filter_map(|r| r.as_str().map(str::to_owned))
        .collect();
    let [rule] = rules.as_slice() else {
        return Err("Invalid recurrence rule.".to_owned());
    };
    let Some(rule) = rule.strip_prefix("RRULE:") else {
        return Err("Invalid recurrence rule.".to_owned());
    };
    let instant = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    let (first, last) = (instant(&event.start), instant(&event.end));
    let instances = occurrences(rule, zone, first)
        .into_iter()
        .map(|start| {
            let original = start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            Event {
                id: format!("{}_{}", event.id, basic(start)),
                start: original.clone(),
                end: (start + (last - first)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                instance_of: Some((event.id.clone(), original)),
                ..event.clone()
            }
        })
        .collect();
    event.recurrence = Some((rules.clone(), zone.to_owned()));
    Ok(instances)
}
