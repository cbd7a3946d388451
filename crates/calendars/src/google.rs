//! Google Calendar API v3, read side: `events.list` with recurring events expanded
//! (`singleEvents=true`), a full read of the window that ends in a `nextSyncToken`, then
//! incremental reads with that token; `410 Gone` means the token is stale and a full read is due.
//! Pages are followed, and `429` waits as `Retry-After` says.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use mm_domain::{
    Interval,
    external_calendar::SyncedEvent,
    scheduling::{BusyStatus, EventTime, ExternalEvent},
};
use serde::Deserialize;
use url::Url;

use crate::oauth::without_url;

/// Where a read starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadFrom {
    /// Everything in the window.
    Window {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
    /// What changed since the token was handed out.
    Token(String),
}

/// The result of a read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Events new or changed (all of them on a full read).
    pub events: Vec<SyncedEvent>,
    /// Ids of events deleted or cancelled since the token.
    pub removed: Vec<String>,
    pub next_sync_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    #[error("the sync token is stale; a full read is needed")]
    Gone,
    #[error("the access token was refused")]
    Unauthorized,
    #[error("the provider asked us to slow down and kept refusing")]
    RateLimited,
    #[error("the provider answered {0}")]
    Status(u16),
    #[error("the provider could not be reached: {0}")]
    Network(String),
    #[error("the provider's answer could not be read")]
    Unreadable,
}

/// Google Calendar at `api_base` (`https://www.googleapis.com/calendar/v3`).
#[derive(Debug, Clone)]
pub struct GoogleCalendar {
    pub api_base: Url,
    /// The longest a `Retry-After` is waited for; longer asks fail the sync, to be retried later.
    pub max_wait: Duration,
}

const MAX_RATE_LIMIT_RETRIES: usize = 3;

impl GoogleCalendar {
    pub async fn read(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        calendar_id: &str,
        from: &ReadFrom,
    ) -> Result<Changes, ProviderError> {
        let mut changes = Changes::default();
        let mut page_token: Option<String> = None;
        loop {
            let page = self
                .page(http, access_token, calendar_id, from, page_token.as_deref())
                .await?;
            for item in page.items {
                match item.into_event() {
                    Read::Event(event) => changes.events.push(event),
                    Read::Removed(id) => changes.removed.push(id),
                    Read::Skip => {}
                }
            }
            match page.next_page_token {
                Some(next) => page_token = Some(next),
                None => {
                    changes.next_sync_token = page.next_sync_token;
                    return Ok(changes);
                }
            }
        }
    }

    async fn page(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        calendar_id: &str,
        from: &ReadFrom,
        page_token: Option<&str>,
    ) -> Result<EventsPage, ProviderError> {
        let mut url = self.api_base.clone();
        url.path_segments_mut()
            .map_err(|()| ProviderError::Unreadable)?
            .pop_if_empty()
            .extend(["calendars", calendar_id, "events"]);
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("singleEvents", "true")
                .append_pair("maxResults", "250");
            match from {
                ReadFrom::Window { from, to } => {
                    query
                        .append_pair("timeMin", &from.to_rfc3339())
                        .append_pair("timeMax", &to.to_rfc3339());
                }
                ReadFrom::Token(token) => {
                    query.append_pair("syncToken", token);
                }
            }
            if let Some(page) = page_token {
                query.append_pair("pageToken", page);
            }
        }
        for _ in 0..=MAX_RATE_LIMIT_RETRIES {
            let response = http
                .get(url.clone())
                .bearer_auth(access_token)
                .send()
                .await
                .map_err(|e| ProviderError::Network(without_url(&e)))?;
            match response.status().as_u16() {
                200 => {
                    return response
                        .json::<EventsPage>()
                        .await
                        .map_err(|_| ProviderError::Unreadable);
                }
                401 => return Err(ProviderError::Unauthorized),
                410 => return Err(ProviderError::Gone),
                429 | 403 if rate_limited(&response) => {
                    let wait = retry_after(&response).unwrap_or(Duration::from_secs(1));
                    if wait > self.max_wait {
                        return Err(ProviderError::RateLimited);
                    }
                    tokio::time::sleep(wait).await;
                }
                status => return Err(ProviderError::Status(status)),
            }
        }
        Err(ProviderError::RateLimited)
    }
}

/// The calendar a connection reads and writes: its id (the account's address for the primary
/// calendar) and its name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CalendarInfo {
    pub id: String,
    #[serde(default)]
    pub summary: Option<String>,
}

impl GoogleCalendar {
    /// The account's primary calendar (`calendars.get` of `primary`).
    pub async fn primary_calendar(
        &self,
        http: &reqwest::Client,
        access_token: &str,
    ) -> Result<CalendarInfo, ProviderError> {
        let mut url = self.api_base.clone();
        url.path_segments_mut()
            .map_err(|()| ProviderError::Unreadable)?
            .pop_if_empty()
            .extend(["calendars", "primary"]);
        let response = http
            .get(url)
            .bearer_auth(access_token)
            .send()
            .await
            .map_err(|e| ProviderError::Network(without_url(&e)))?;
        match response.status().as_u16() {
            200 => response.json().await.map_err(|_| ProviderError::Unreadable),
            401 => Err(ProviderError::Unauthorized),
            status => Err(ProviderError::Status(status)),
        }
    }
}

/// Google signals quota with `429`, and with `403` plus a `Retry-After` for per-user limits.
fn rate_limited(response: &reqwest::Response) -> bool {
    response.status().as_u16() == 429 || response.headers().contains_key("retry-after")
}

fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventsPage {
    #[serde(default)]
    items: Vec<GoogleEvent>,
    next_page_token: Option<String>,
    next_sync_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GoogleEvent {
    id: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    transparency: Option<String>,
    #[serde(default)]
    event_type: Option<String>,
    #[serde(default)]
    start: Option<When>,
    #[serde(default)]
    end: Option<When>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct When {
    date: Option<NaiveDate>,
    date_time: Option<DateTime<chrono::FixedOffset>>,
}

enum Read {
    Event(SyncedEvent),
    Removed(String),
    Skip,
}

impl GoogleEvent {
    fn into_event(self) -> Read {
        if self.status.as_deref() == Some("cancelled") {
            return Read::Removed(self.id);
        }
        let status = match (
            self.transparency.as_deref(),
            self.event_type.as_deref(),
            self.status.as_deref(),
        ) {
            (Some("transparent"), _, _) | (_, Some("workingLocation"), _) => BusyStatus::Free,
            (_, _, Some("tentative")) => BusyStatus::Tentative,
            _ => BusyStatus::Busy,
        };
        let time = match (self.start, self.end) {
            (
                Some(When {
                    date: Some(first), ..
                }),
                Some(When {
                    date: Some(until), ..
                }),
            ) if until > first => EventTime::AllDay { first, until },
            (
                Some(When {
                    date_time: Some(start),
                    ..
                }),
                Some(When {
                    date_time: Some(end),
                    ..
                }),
            ) => match Interval::new(start.with_timezone(&Utc), end.with_timezone(&Utc)) {
                Ok(span) => EventTime::Timed(span),
                Err(_) => return Read::Skip,
            },
            _ => return Read::Skip,
        };
        Read::Event(SyncedEvent {
            external_id: self.id,
            summary: self.summary.filter(|s| !s.is_empty()),
            event: ExternalEvent { time, status },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(json: &str) -> Vec<Read> {
        let page: EventsPage = serde_json::from_str(json).unwrap();
        page.items
            .into_iter()
            .map(GoogleEvent::into_event)
            .collect()
    }

    #[test]
    fn events_list_items_become_busy_free_tentative_all_day_or_removed() {
        let read = page(
            r#"{
              "kind": "calendar#events", "summary": "anna@example.com", "timeZone": "Europe/Copenhagen",
              "nextSyncToken": "CPDAlvWDx70CEPDAlvWDx70CGAU=",
              "items": [
                {"kind": "calendar#event", "id": "a1", "status": "confirmed", "summary": "Dentist",
                 "start": {"dateTime": "2026-11-23T10:00:00+01:00", "timeZone": "Europe/Copenhagen"},
                 "end": {"dateTime": "2026-11-23T11:00:00+01:00", "timeZone": "Europe/Copenhagen"}},
                {"kind": "calendar#event", "id": "a2", "status": "confirmed", "summary": "Holiday",
                 "transparency": "transparent",
                 "start": {"date": "2026-12-24"}, "end": {"date": "2026-12-27"}},
                {"kind": "calendar#event", "id": "a3", "status": "tentative", "summary": "Maybe",
                 "start": {"dateTime": "2026-11-24T09:00:00Z"}, "end": {"dateTime": "2026-11-24T09:30:00Z"}},
                {"kind": "calendar#event", "id": "a4_20261125T090000Z", "status": "cancelled"},
                {"kind": "calendar#event", "id": "a5", "status": "confirmed", "eventType": "workingLocation",
                 "start": {"date": "2026-11-26"}, "end": {"date": "2026-11-27"}}
              ]
            }"#,
        );
        let Read::Event(dentist) = &read[0] else {
            panic!("an event")
        };
        assert_eq!(dentist.external_id, "a1");
        assert_eq!(dentist.event.status, BusyStatus::Busy);
        let EventTime::Timed(span) = dentist.event.time else {
            panic!("timed")
        };
        assert_eq!(span.start().to_rfc3339(), "2026-11-23T09:00:00+00:00");
        let Read::Event(holiday) = &read[1] else {
            panic!("an event")
        };
        assert_eq!(holiday.event.status, BusyStatus::Free);
        assert!(matches!(holiday.event.time, EventTime::AllDay { .. }));
        let Read::Event(maybe) = &read[2] else {
            panic!("an event")
        };
        assert_eq!(maybe.event.status, BusyStatus::Tentative);
        assert!(matches!(&read[3], Read::Removed(id) if id == "a4_20261125T090000Z"));
        let Read::Event(office) = &read[4] else {
            panic!("an event")
        };
        assert_eq!(
            office.event.status,
            BusyStatus::Free,
            "a working location is not busy"
        );
    }
}
