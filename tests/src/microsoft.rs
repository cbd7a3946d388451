//! A local stand-in for Microsoft's identity platform (v2.0 authorize and token endpoints) and
//! Graph v1.0's calendar, speaking their wire format: `GET /me/calendar`, `calendarView/delta`
//! with `@odata.nextLink` pages, an `@odata.deltaLink` for changes (`@removed` for deletions)
//! and `410 Gone` when the delta state is lost, and `POST`/`PATCH`/`DELETE /me/events` with Teams
//! meetings, and recurring events: a `seriesMaster` with a `recurrence` pattern is listed as
//! its occurrences, found through `/instances` by their original start and patched (becoming
//! exceptions) or deleted like events of their own. Times are written as Graph writes them under
//! `Prefer: outlook.timezone="UTC"`.

use std::sync::{Arc, Mutex};

use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::{
    fake_http::{Answer, Call, FakeOAuth, empty_answer, json_answer, serve},
    recurring::{basic, occurrences},
};

pub const CLIENT_ID: &str = "6731de76-14a6-49ae-97bc-6eba6914391e";
pub const CLIENT_SECRET: &str = "qWgdYAmab0YSkuL1qKv5bPX";
pub const ACCOUNT: &str = "anna.member@contoso.com";

#[derive(Debug, Clone)]
struct Event {
    id: String,
    subject: String,
    /// UTC, as `2026-11-30T09:00:00.0000000`.
    start: String,
    end: String,
    show_as: String,
    body: String,
    join_url: Option<String>,
    deleted: bool,
    version: u64,
    /// A series master's `recurrence`: it is listed only as its occurrences.
    recurrence: Option<Value>,
    /// An occurrence: its master's id and its original start (RFC 3339, UTC).
    occurrence_of: Option<(String, String)>,
    /// An occurrence changed on its own.
    exception: bool,
}

#[derive(Debug)]
struct Mailbox {
    oauth: FakeOAuth,
    base: String,
    events: Vec<Event>,
    version: u64,
    stale_delta: bool,
    rate_limited: usize,
    requests: Vec<String>,
}

pub struct FakeGraph {
    pub base: String,
    mailbox: Arc<Mutex<Mailbox>>,
    task: JoinHandle<()>,
}

/// `2026-11-30T09:00:00Z` as Graph writes it in UTC.
fn graph_time(rfc3339: &str) -> String {
    let at = chrono::DateTime::parse_from_rfc3339(rfc3339).unwrap();
    at.with_timezone(&chrono::Utc)
        .format("%Y-%m-%dT%H:%M:%S.0000000")
        .to_string()
}

impl FakeGraph {
    pub async fn start() -> Self {
        let mailbox = Arc::new(Mutex::new(Mailbox {
            oauth: FakeOAuth::new(CLIENT_ID, CLIENT_SECRET),
            base: String::new(),
            events: Vec::new(),
            version: 0,
            stale_delta: false,
            rate_limited: 0,
            requests: Vec::new(),
        }));
        let (base, task) = serve(mailbox.clone(), answer).await;
        mailbox.lock().unwrap().base = base.clone();
        Self {
            base,
            mailbox,
            task,
        }
    }

    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("MM_MICROSOFT_CLIENT_ID", CLIENT_ID.to_owned()),
            ("MM_MICROSOFT_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
            (
                "MM_MICROSOFT_AUTH_URL",
                format!("{}/common/oauth2/v2.0/authorize", self.base),
            ),
            (
                "MM_MICROSOFT_TOKEN_URL",
                format!("{}/common/oauth2/v2.0/token", self.base),
            ),
            ("MM_MICROSOFT_GRAPH_URL", format!("{}/v1.0", self.base)),
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
    pub fn put_event(&self, id: &str, start: &str, end: &str, subject: &str) {
        let mut mailbox = self.mailbox.lock().unwrap();
        mailbox.version += 1;
        let version = mailbox.version;
        mailbox.events.retain(|e| e.id != id);
        mailbox.events.push(Event {
            id: id.to_owned(),
            subject: subject.to_owned(),
            start: graph_time(start),
            end: graph_time(end),
            show_as: "busy".to_owned(),
            body: String::new(),
            join_url: None,
            deleted: false,
            version,
            recurrence: None,
            occurrence_of: None,
            exception: false,
        });
    }

    pub fn delete_event(&self, id: &str) {
        let mut mailbox = self.mailbox.lock().unwrap();
        mailbox.version += 1;
        let version = mailbox.version;
        for event in mailbox.events.iter_mut().filter(|e| e.id == id) {
            event.deleted = true;
            event.version = version;
        }
    }

    pub fn lose_delta_state(&self) {
        self.mailbox.lock().unwrap().stale_delta = true;
    }

    pub fn rate_limit_next(&self, calls: usize) {
        self.mailbox.lock().unwrap().rate_limited = calls;
    }

    pub fn expire_access_tokens(&self) {
        self.mailbox.lock().unwrap().oauth.expire_access_tokens();
    }

    /// Live events whose subject contains `text`, as Graph shows them.
    pub fn events_titled(&self, text: &str) -> Vec<Value> {
        let mailbox = self.mailbox.lock().unwrap();
        mailbox
            .events
            .iter()
            .filter(|e| !e.deleted && e.recurrence.is_none() && e.subject.contains(text))
            .map(|e| event_json(&mailbox.base, e))
            .collect()
    }

    /// Live series masters whose subject contains `text`.
    pub fn series_masters_titled(&self, text: &str) -> Vec<Value> {
        let mailbox = self.mailbox.lock().unwrap();
        mailbox
            .events
            .iter()
            .filter(|e| !e.deleted && e.recurrence.is_some() && e.subject.contains(text))
            .map(|e| event_json(&mailbox.base, e))
            .collect()
    }

    /// `METHOD /path?query` of every request, oldest first.
    pub fn requests(&self) -> Vec<String> {
        self.mailbox.lock().unwrap().requests.clone()
    }

    /// The forms the token endpoint received, oldest first.
    pub fn token_forms(&self) -> Vec<std::collections::HashMap<String, String>> {
        self.mailbox.lock().unwrap().oauth.token_forms.clone()
    }

    pub fn any_token_in(&self, text: &str) -> bool {
        self.mailbox.lock().unwrap().oauth.any_token_in(text)
    }
}

impl Drop for FakeGraph {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn graph_error(status: StatusCode, code: &str, message: &str) -> Answer {
    json_answer(
        status,
        &json!({"error": {"code": code, "message": message,
            "innerError": {"date": "2026-11-22T12:00:00", "request-id": "f3b2c1d0"}}}),
    )
}

fn event_json(base: &str, e: &Event) -> Value {
    let mut event = json!({
        "@odata.etag": format!("W/\"{}\"", e.version),
        "id": e.id, "subject": e.subject, "isAllDay": false, "isCancelled": false,
        "showAs": e.show_as,
        "start": {"dateTime": e.start, "timeZone": "UTC"},
        "end": {"dateTime": e.end, "timeZone": "UTC"},
        "body": {"contentType": "text", "content": e.body},
        "webLink": format!("{base}/owa/?itemid={}&exvsurl=1&path=/calendar/item", e.id),
        "isOnlineMeeting": e.join_url.is_some(),
        "onlineMeeting": null,
    });
    event["type"] = json!(match (&e.recurrence, &e.occurrence_of, e.exception) {
        (Some(_), _, _) => "seriesMaster",
        (None, Some(_), false) => "occurrence",
        (None, Some(_), true) => "exception",
        (None, None, _) => "singleInstance",
    });
    if let Some(recurrence) = &e.recurrence {
        event["recurrence"] = recurrence.clone();
    }
    if let Some((master, original)) = &e.occurrence_of {
        event["seriesMasterId"] = json!(master);
        event["originalStart"] = json!(original);
    }
    if let Some(url) = &e.join_url {
        event["onlineMeetingProvider"] = json!("teamsForBusiness");
        event["onlineMeeting"] = json!({"joinUrl": url});
    }
    event
}

fn answer(mailbox: &mut Mailbox, call: &Call) -> Answer {
    mailbox
        .requests
        .push(format!("{} {}", call.method, call.uri));
    let path = call.path();
    match (&call.method, path.as_str()) {
        (&Method::GET, "/common/oauth2/v2.0/authorize") => mailbox.oauth.consent(call),
        (&Method::POST, "/common/oauth2/v2.0/token") => {
            mailbox
                .oauth
                .token(call, "EwBwA8l6BAAU-access-", "M.C5-refresh-")
        }
        (_, path) if path.starts_with("/v1.0/") && !mailbox.oauth.accepts(call) => graph_error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token has expired or is not yet valid.",
        ),
        (&Method::GET, "/v1.0/me/calendar") => json_answer(
            StatusCode::OK,
            &json!({"id": "AAMkAGI2TG93AAA=", "name": "Calendar", "canEdit": true,
                "owner": {"name": "Anna Member", "address": ACCOUNT}}),
        ),
        (&Method::GET, "/v1.0/me/calendarView/delta") => delta(mailbox, call),
        (&Method::POST, "/v1.0/me/events") => {
            let body = call.json();
            mailbox.version += 1;
            let version = mailbox.version;
            let mut event = Event {
                id: format!("AAMkAD{version}="),
                subject: String::new(),
                start: String::new(),
                end: String::new(),
                show_as: "busy".to_owned(),
                body: String::new(),
                join_url: (body["isOnlineMeeting"] == true).then(|| {
                    format!("https://teams.microsoft.com/l/meetup-join/19%3ameeting_{version}")
                }),
                deleted: false,
                version,
                recurrence: None,
                occurrence_of: None,
                exception: false,
            };
            apply(&mut event, &body);
            if body["recurrence"].is_object() {
                match series(&mut event, &body) {
                    Ok(occurrences) => mailbox.events.extend(occurrences),
                    Err(message) => {
                        return graph_error(
                            StatusCode::BAD_REQUEST,
                            "ErrorInvalidRequest",
                            &message,
                        );
                    }
                }
            }
            let answer = event_json(&mailbox.base, &event);
            mailbox.events.push(event);
            json_answer(StatusCode::CREATED, &answer)
        }
        (&Method::GET, path)
            if path.starts_with("/v1.0/me/events/") && path.ends_with("/instances") =>
        {
            instances(mailbox, call)
        }
        (method, path) if path.starts_with("/v1.0/me/events/") => {
            let id = path.trim_start_matches("/v1.0/me/events/").to_owned();
            mailbox.version += 1;
            let version = mailbox.version;
            let base = mailbox.base.clone();
            let Some(event) = mailbox.events.iter_mut().find(|e| e.id == id && !e.deleted) else {
                return graph_error(
                    StatusCode::NOT_FOUND,
                    "ErrorItemNotFound",
                    "The specified object was not found in the store.",
                );
            };
            event.version = version;
            match *method {
                Method::PATCH => {
                    apply(event, &call.json());
                    event.exception = event.occurrence_of.is_some();
                    json_answer(StatusCode::OK, &event_json(&base, event))
                }
                Method::DELETE => {
                    // A series master goes with its occurrences.
                    for event in mailbox.events.iter_mut().filter(|e| {
                        e.id == id || e.occurrence_of.as_ref().is_some_and(|(of, _)| *of == id)
                    }) {
                        event.deleted = true;
                        event.version = version;
                    }
                    empty_answer(StatusCode::NO_CONTENT)
                }
                _ => graph_error(StatusCode::METHOD_NOT_ALLOWED, "BadRequest", "Not allowed"),
            }
        }
        _ => graph_error(
            StatusCode::NOT_FOUND,
            "UnknownError",
            "No HTTP resource was found",
        ),
    }
}

fn apply(event: &mut Event, body: &Value) {
    if let Some(subject) = body["subject"].as_str() {
        event.subject = subject.to_owned();
    }
    if let Some(content) = body["body"]["content"].as_str() {
        event.body = content.to_owned();
    }
    if let Some(show_as) = body["showAs"].as_str() {
        event.show_as = show_as.to_owned();
    }
    for (field, slot) in [("start", &mut event.start), ("end", &mut event.end)] {
        if let Some(at) = body[field]["dateTime"].as_str() {
            let zone = body[field]["timeZone"].as_str().expect("a time zone");
            *slot = utc_of(at, zone);
        }
    }
}

/// A local time in a Graph zone (a Windows name, or `UTC`) as Graph writes it in UTC.
fn utc_of(local: &str, zone: &str) -> String {
    let local = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M:%S")
        .unwrap_or_else(|e| panic!("a Graph dateTime: {local}: {e}"));
    let utc = match zone {
        "UTC" => local.and_utc(),
        windows => {
            use chrono::TimeZone as _;
            let zone: windows_timezones::WindowsTimezone = windows
                .parse()
                .unwrap_or_else(|_| panic!("a Windows zone name: {windows}"));
            let tz: chrono_tz::Tz = zone.into();
            tz.from_local_datetime(&local)
                .earliest()
                .expect("a local time that exists")
                .with_timezone(&chrono::Utc)
        }
    };
    utc.format("%Y-%m-%dT%H:%M:%S.0000000").to_string()
}

/// Makes `event` a series master by its `recurrence` and returns its occurrences, expanded as
/// Outlook does in the range's `recurrenceTimeZone`.
fn series(event: &mut Event, body: &Value) -> Result<Vec<Event>, String> {
    let recurrence = &body["recurrence"];
    let (pattern, range) = (&recurrence["pattern"], &recurrence["range"]);
    let zone = range["recurrenceTimeZone"].as_str().unwrap_or("UTC");
    if body["start"]["timeZone"].as_str() != Some(zone) {
        return Err("The start time zone differs from the recurrence's.".to_owned());
    }
    let days: Vec<String> = pattern["daysOfWeek"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d.as_str().map(|d| d[..2].to_uppercase()))
        .collect();
    let [day] = days.as_slice() else {
        return Err("One day of the week expected.".to_owned());
    };
    let interval = pattern["interval"].as_u64().unwrap_or(1);
    let rule = match pattern["type"].as_str() {
        Some("weekly") => format!("FREQ=WEEKLY;INTERVAL={interval};BYDAY={day}"),
        Some("relativeMonthly") => {
            let ordinal = match pattern["index"].as_str() {
                Some("first") => 1,
                Some("second") => 2,
                Some("third") => 3,
                Some("fourth") => 4,
                Some("last") => -1,
                _ => return Err("A week index expected.".to_owned()),
            };
            format!("FREQ=MONTHLY;INTERVAL={interval};BYDAY={ordinal}{day}")
        }
        other => return Err(format!("Pattern type {other:?} not supported here.")),
    };
    let (Some("numbered"), Some(count)) = (
        range["type"].as_str(),
        range["numberOfOccurrences"].as_u64(),
    ) else {
        return Err("A numbered range expected.".to_owned());
    };
    let zone: windows_timezones::WindowsTimezone = zone
        .parse()
        .map_err(|_| format!("Unknown time zone {zone}"))?;
    let tz: chrono_tz::Tz = zone.into();
    let instant = |s: &str| {
        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S.0000000")
            .unwrap()
            .and_utc()
    };
    let (first, last) = (instant(&event.start), instant(&event.end));
    if range["startDate"].as_str() != Some(&first.with_timezone(&tz).format("%Y-%m-%d").to_string())
    {
        return Err("The range starts on another day than the event.".to_owned());
    }
    let occurrences = occurrences(&format!("{rule};COUNT={count}"), tz.name(), first)
        .into_iter()
        .map(|start| Event {
            id: format!("{}_{}", event.id.trim_end_matches('='), basic(start)),
            start: start.format("%Y-%m-%dT%H:%M:%S.0000000").to_string(),
            end: (start + (last - first))
                .format("%Y-%m-%dT%H:%M:%S.0000000")
                .to_string(),
            occurrence_of: Some((
                event.id.clone(),
                start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            )),
            ..event.clone()
        })
        .collect();
    event.recurrence = Some(body["recurrence"].clone());
    Ok(occurrences)
}

/// `GET /me/events/{id}/instances`: the live occurrences of a series master that overlap the
/// window.
fn instances(mailbox: &Mailbox, call: &Call) -> Answer {
    let path = call.path();
    let master = path
        .trim_start_matches("/v1.0/me/events/")
        .trim_end_matches("/instances");
    if !mailbox
        .events
        .iter()
        .any(|e| e.id == master && !e.deleted && e.recurrence.is_some())
    {
        return graph_error(
            StatusCode::NOT_FOUND,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        );
    }
    let query = call.query();
    let (Some(from), Some(to)) = (query.get("startDateTime"), query.get("endDateTime")) else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "ErrorInvalidParameter",
            "startDateTime and endDateTime are required",
        );
    };
    let (from, to) = (graph_time(from), graph_time(to));
    let value: Vec<Value> = mailbox
        .events
        .iter()
        .filter(|e| {
            !e.deleted
                && e.occurrence_of.as_ref().is_some_and(|(of, _)| of == master)
                && e.start < to
                && from < e.end
        })
        .map(|e| event_json(&mailbox.base, e))
        .collect();
    json_answer(StatusCode::OK, &json!({"value": value}))
}

/// `calendarView/delta`: a window read (`startDateTime`/`endDateTime`) or a delta read
/// (`$deltatoken`), two events a page (`$skiptoken`).
fn delta(mailbox: &mut Mailbox, call: &Call) -> Answer {
    if mailbox.rate_limited > 0 {
        mailbox.rate_limited -= 1;
        let mut answer = graph_error(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "Please retry after",
        );
        answer
            .headers_mut()
            .insert("retry-after", "1".parse().unwrap());
        return answer;
    }
    let prefer = call
        .headers
        .get("prefer")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        prefer.contains("outlook.timezone=\"UTC\""),
        "times asked for in UTC: {prefer}"
    );
    let query = call.query();
    // Page state: `offset|since|start|end`, `since` empty on a window read.
    let (offset, since, window) = match (
        query.get("$skiptoken"),
        query.get("$deltatoken"),
        query.get("startDateTime"),
    ) {
        (Some(skip), _, _) => {
            let parts: Vec<&str> = skip.splitn(4, '|').collect();
            (
                parts[0].parse::<usize>().unwrap(),
                parts[1].parse::<u64>().ok(),
                (parts[2].to_owned(), parts[3].to_owned()),
            )
        }
        (None, Some(_), _) if mailbox.stale_delta => {
            mailbox.stale_delta = false;
            return graph_error(
                StatusCode::GONE,
                "SyncStateNotFound",
                "The sync state generation is not found.",
            );
        }
        (None, Some(token), _) => (
            0,
            Some(token.parse().unwrap()),
            (String::new(), String::new()),
        ),
        (None, None, Some(start)) => (
            0,
            None,
            (
                graph_time(start),
                graph_time(query.get("endDateTime").unwrap()),
            ),
        ),
        _ => {
            return graph_error(
                StatusCode::BAD_REQUEST,
                "ErrorInvalidParameter",
                "startDateTime and endDateTime are required",
            );
        }
    };
    let mut listed: Vec<&Event> = mailbox
        .events
        .iter()
        .filter(|e| e.recurrence.is_none())
        .filter(|e| match since {
            Some(version) => e.version > version,
            None => !e.deleted && e.start < window.1 && window.0 < e.end,
        })
        .collect();
    listed.sort_by_key(|e| e.id.clone());
    let page: Vec<Value> = listed
        .iter()
        .skip(offset)
        .take(2)
        .map(|e| match e.deleted {
            true => json!({"@odata.type": "#microsoft.graph.event", "id": e.id,
                "@removed": {"reason": "deleted"}}),
            false => event_json(&mailbox.base, e),
        })
        .collect();
    let delta = format!("{}/v1.0/me/calendarView/delta", mailbox.base);
    let mut body = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(event)",
        "value": page,
    });
    if offset + 2 < listed.len() {
        let skip = format!(
            "{}|{}|{}|{}",
            offset + 2,
            since.map(|v| v.to_string()).unwrap_or_default(),
            window.0,
            window.1
        );
        let mut next = url::Url::parse(&delta).unwrap();
        next.query_pairs_mut().append_pair("$skiptoken", &skip);
        body["@odata.nextLink"] = json!(next.as_str());
    } else {
        body["@odata.deltaLink"] = json!(format!("{delta}?$deltatoken={}", mailbox.version));
    }
    json_answer(StatusCode::OK, &body)
}
