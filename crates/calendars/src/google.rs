//! Google Calendar API v3. Reads: `events.list` with recurring events expanded
//! (`singleEvents=true`), a full read of the window that ends in a `nextSyncToken`, then
//! incremental reads with that token; `410 Gone` means the token is stale and a full read is due.
//! Pages are followed. Writes: `events.insert`/`patch`/`delete` of our bookings, with a Google
//! Meet conference when asked, and without Google emailing anyone. A series is one event with an
//! `RRULE` in its zone; a meeting of it is that event's instance, whose id Google derives from
//! the event's and the occurrence's original start.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use mm_domain::{
    Interval,
    external_calendar::SyncedEvent,
    recurrence::RuleEnd,
    scheduling::{BusyStatus, EventTime, ExternalEvent},
};
use serde::Deserialize;
use url::Url;

use crate::provider::{
    CalendarInfo, Changes, EventDraft, ProviderError, Read, ReadFrom, WrittenEvent, send,
};

/// Google Calendar at `api_base` (`https://www.googleapis.com/calendar/v3`).
#[derive(Debug, Clone)]
pub struct GoogleCalendar {
    pub api_base: Url,
    /// The longest a `Retry-After` is waited for; longer asks fail the sync, to be retried later.
    pub max_wait: Duration,
}

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
        let response = send(self.max_wait, || {
            http.get(url.clone()).bearer_auth(access_token)
        })
        .await?;
        match response.status().as_u16() {
            200 => response
                .json::<EventsPage>()
                .await
                .map_err(|_| ProviderError::Unreadable),
            410 => Err(ProviderError::Gone),
            status => Err(ProviderError::Status(status)),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InsertedEvent {
    id: String,
    html_link: Option<String>,
    hangout_link: Option<String>,
    conference_data: Option<ConferenceData>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConferenceData {
    #[serde(default)]
    entry_points: Vec<EntryPoint>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EntryPoint {
    entry_point_type: String,
    uri: String,
}

impl GoogleCalendar {
    /// `events.insert`, without Google emailing anyone: our own emails carry the invitations.
    pub async fn insert_event(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        calendar_id: &str,
        draft: &EventDraft,
    ) -> Result<WrittenEvent, ProviderError> {
        let url = self.events_url(calendar_id, None)?;
        let body = event_body(draft);
        let response = send(self.max_wait, || {
            http.post(url.clone()).bearer_auth(access_token).json(&body)
        })
        .await?;
        written(response).await
    }

    /// `events.patch` of an event we wrote; `NotFound` when the host deleted it meanwhile.
    pub async fn patch_event(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        calendar_id: &str,
        event_id: &str,
        draft: &EventDraft,
    ) -> Result<WrittenEvent, ProviderError> {
        let url = self.events_url(calendar_id, Some(event_id))?;
        let body = event_body(draft);
        let response = send(self.max_wait, || {
            http.patch(url.clone())
                .bearer_auth(access_token)
                .json(&body)
        })
        .await?;
        written(response).await
    }

    /// `events.delete`; an event already gone counts as deleted.
    pub async fn delete_event(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        calendar_id: &str,
        event_id: &str,
    ) -> Result<(), ProviderError> {
        let url = self.events_url(calendar_id, Some(event_id))?;
        let response = send(self.max_wait, || {
            http.delete(url.clone()).bearer_auth(access_token)
        })
        .await?;
        match response.status().as_u16() {
            200..=299 | 404 | 410 => Ok(()),
            status => Err(ProviderError::Status(status)),
        }
    }

    /// The id Google gives the instance of recurring event `event_id` originally starting at
    /// `original_start`: `{event}_{start in UTC, basic format}`.
    pub fn occurrence_id(event_id: &str, original_start: DateTime<Utc>) -> String {
        format!("{event_id}_{}", original_start.format("%Y%m%dT%H%M%SZ"))
    }

    fn events_url(&self, calendar_id: &str, event_id: Option<&str>) -> Result<Url, ProviderError> {
        let mut url = self.api_base.clone();
        {
            let mut path = url
                .path_segments_mut()
                .map_err(|()| ProviderError::Unreadable)?;
            path.pop_if_empty()
                .extend(["calendars", calendar_id, "events"]);
            if let Some(id) = event_id {
                path.push(id);
            }
        }
        url.query_pairs_mut()
            .append_pair("conferenceDataVersion", "1")
            .append_pair("sendUpdates", "none");
        Ok(url)
    }
}

fn event_body(draft: &EventDraft) -> serde_json::Value {
    let when = |at: DateTime<Utc>| serde_json::json!({"dateTime": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "timeZone": draft.time_zone});
    let mut body = serde_json::json!({
        "summary": draft.summary,
        "description": draft.description,
        "start": when(draft.start),
        "end": when(draft.end),
        "status": if draft.tentative { "tentative" } else { "confirmed" },
        "transparency": "opaque",
    });
    if let Some(location) = &draft.location {
        body["location"] = serde_json::json!(location);
    }
    if let Some(repeat) = draft.repeat {
        // Google expands the rule in `timeZone`: the wall-clock time holds across DST changes.
        let rule = repeat
            .recurrence
            .rule(repeat.zone, draft.start, RuleEnd::Count);
        body["recurrence"] = serde_json::json!([format!("RRULE:{rule}")]);
    }
    if draft.video {
        body["conferenceData"] = serde_json::json!({
            "createRequest": {"requestId": draft.idempotency_key, "conferenceSolutionKey": {"type": "hangoutsMeet"}}
        });
    }
    body
}

async fn written(response: reqwest::Response) -> Result<WrittenEvent, ProviderError> {
    match response.status().as_u16() {
        200 | 201 => {}
        404 | 410 => return Err(ProviderError::NotFound),
        status => return Err(ProviderError::Status(status)),
    }
    let event: InsertedEvent = response
        .json()
        .await
        .map_err(|_| ProviderError::Unreadable)?;
    let video_link = event.hangout_link.or_else(|| {
        event
            .conference_data?
            .entry_points
            .into_iter()
            .find(|e| e.entry_point_type == "video")
            .map(|e| e.uri)
    });
    Ok(WrittenEvent {
        id: event.id,
        web_link: event.html_link,
        video_link,
    })
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
        let response = send(self.max_wait, || {
            http.get(url.clone()).bearer_auth(access_token)
        })
        .await?;
        match response.status().as_u16() {
            200 => response.json().await.map_err(|_| ProviderError::Unreadable),
            status => Err(ProviderError::Status(status)),
        }
    }
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
