//! Microsoft Outlook through Graph v1.0, on the account's default calendar. Reads:
//! `calendarView/delta` over the window (recurring events come as their occurrences), following
//! `@odata.nextLink` pages to an `@odata.deltaLink`, which the next sync calls for changes only;
//! `410 Gone` means the delta state is lost and a full read is due. Times are asked for in UTC.
//! Writes: `POST`/`PATCH`/`DELETE /me/events` of our bookings, with a Teams meeting when asked.
//! A series is one event with a `recurrence` pattern in its zone (by its Windows name, which
//! Graph knows for every zone); a meeting of it is that event's occurrence, found through
//! `/instances` by its original start.

use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone as _, Utc, Weekday};
use mm_domain::{
    Interval, TimeZone,
    external_calendar::SyncedEvent,
    recurrence::{Frequency, weekday_ordinal},
    scheduling::{BusyStatus, EventTime, ExternalEvent},
};
use serde::Deserialize;
use url::Url;

use crate::provider::{
    CalendarInfo, Changes, EventDraft, ProviderError, Read, ReadFrom, Repeat, WrittenEvent, send,
};

/// Graph at `api_base` (`https://graph.microsoft.com/v1.0`).
#[derive(Debug, Clone)]
pub struct OutlookCalendar {
    pub api_base: Url,
    /// The longest a `Retry-After` is waited for.
    pub max_wait: Duration,
}

/// Every read asks for UTC times and pages of at most 100 events.
const PREFER: &str = "odata.maxpagesize=100, outlook.timezone=\"UTC\"";

impl OutlookCalendar {
    fn url(&self, segments: &[&str]) -> Result<Url, ProviderError> {
        let mut url = self.api_base.clone();
        url.path_segments_mut()
            .map_err(|()| ProviderError::Unreadable)?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    pub async fn read(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        from: &ReadFrom,
    ) -> Result<Changes, ProviderError> {
        let mut next = match from {
            ReadFrom::Window { from, to } => {
                let mut url = self.url(&["me", "calendarView", "delta"])?;
                url.query_pairs_mut()
                    .append_pair("startDateTime", &utc(*from))
                    .append_pair("endDateTime", &utc(*to));
                url
            }
            // A delta link is Graph's own URL; one pointing elsewhere is not followed.
            ReadFrom::Token(link) => Url::parse(link)
                .ok()
                .filter(|u| u.origin() == self.api_base.origin())
                .ok_or(ProviderError::Gone)?,
        };
        let mut changes = Changes::default();
        loop {
            let response = send(self.max_wait, || {
                http.get(next.clone())
                    .bearer_auth(access_token)
                    .header("Prefer", PREFER)
            })
            .await?;
            let page: DeltaPage = match response.status().as_u16() {
                200 => response
                    .json()
                    .await
                    .map_err(|_| ProviderError::Unreadable)?,
                410 => return Err(ProviderError::Gone),
                status => return Err(ProviderError::Status(status)),
            };
            for event in page.value {
                match event.into_event() {
                    Read::Event(event) => changes.events.push(event),
                    Read::Removed(id) => changes.removed.push(id),
                    Read::Skip => {}
                }
            }
            match (page.next_link, page.delta_link) {
                (Some(link), _) => {
                    next = Url::parse(&link)
                        .ok()
                        .filter(|u| u.origin() == self.api_base.origin())
                        .ok_or(ProviderError::Unreadable)?;
                }
                (None, delta) => {
                    changes.next_sync_token = delta;
                    return Ok(changes);
                }
            }
        }
    }

    /// The account's default calendar, named by its owner's address.
    pub async fn primary_calendar(
        &self,
        http: &reqwest::Client,
        access_token: &str,
    ) -> Result<CalendarInfo, ProviderError> {
        let url = self.url(&["me", "calendar"])?;
        let response = send(self.max_wait, || {
            http.get(url.clone()).bearer_auth(access_token)
        })
        .await?;
        if response.status().as_u16() != 200 {
            return Err(ProviderError::Status(response.status().as_u16()));
        }
        let calendar: GraphCalendar = response
            .json()
            .await
            .map_err(|_| ProviderError::Unreadable)?;
        let owner = calendar
            .owner
            .and_then(|o| o.address)
            .unwrap_or_else(|| calendar.name.clone().unwrap_or_default());
        Ok(CalendarInfo {
            id: owner.clone(),
            summary: Some(owner),
        })
    }

    pub async fn insert_event(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        draft: &EventDraft,
    ) -> Result<WrittenEvent, ProviderError> {
        let url = self.url(&["me", "events"])?;
        let mut body = event_body(draft);
        // Graph drops a second create with the same transaction id.
        body["transactionId"] = serde_json::json!(draft.idempotency_key);
        let response = send(self.max_wait, || {
            http.post(url.clone()).bearer_auth(access_token).json(&body)
        })
        .await?;
        written(response).await
    }

    pub async fn patch_event(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        event_id: &str,
        draft: &EventDraft,
    ) -> Result<WrittenEvent, ProviderError> {
        let url = self.url(&["me", "events", event_id])?;
        let body = event_body(draft);
        let response = send(self.max_wait, || {
            http.patch(url.clone())
                .bearer_auth(access_token)
                .json(&body)
        })
        .await?;
        written(response).await
    }

    /// The id of the occurrence of series master `event_id` originally starting at
    /// `original_start`.
    pub async fn occurrence_id(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        event_id: &str,
        original_start: DateTime<Utc>,
    ) -> Result<String, ProviderError> {
        let mut url = self.url(&["me", "events", event_id, "instances"])?;
        url.query_pairs_mut()
            .append_pair("startDateTime", &utc(original_start))
            .append_pair(
                "endDateTime",
                &utc(original_start + chrono::Duration::minutes(1)),
            )
            .append_pair("$select", "id,originalStart");
        let response = send(self.max_wait, || {
            http.get(url.clone())
                .bearer_auth(access_token)
                .header("Prefer", PREFER)
        })
        .await?;
        match response.status().as_u16() {
            200 => {}
            404 | 410 => return Err(ProviderError::NotFound),
            status => return Err(ProviderError::Status(status)),
        }
        let page: Instances = response
            .json()
            .await
            .map_err(|_| ProviderError::Unreadable)?;
        page.value
            .into_iter()
            .find(|o| o.original_start == Some(original_start))
            .map(|o| o.id)
            .ok_or(ProviderError::NotFound)
    }

    /// Deletes an event; one already gone counts as deleted.
    pub async fn delete_event(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        event_id: &str,
    ) -> Result<(), ProviderError> {
        let url = self.url(&["me", "events", event_id])?;
        let response = send(self.max_wait, || {
            http.delete(url.clone()).bearer_auth(access_token)
        })
        .await?;
        match response.status().as_u16() {
            200..=299 | 404 | 410 => Ok(()),
            status => Err(ProviderError::Status(status)),
        }
    }
}

fn utc(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn event_body(draft: &EventDraft) -> serde_json::Value {
    let zone = draft.repeat.map(|r| r.zone);
    // A recurring event keeps its wall-clock time in its own zone; a single one is an instant.
    let when = |at: DateTime<Utc>| match zone {
        Some(zone) => serde_json::json!({
            "dateTime": zone.local(at).format("%Y-%m-%dT%H:%M:%S").to_string(),
            "timeZone": windows_zone(zone),
        }),
        None => {
            serde_json::json!({"dateTime": at.format("%Y-%m-%dT%H:%M:%S").to_string(), "timeZone": "UTC"})
        }
    };
    let mut body = serde_json::json!({
        "subject": draft.summary,
        "body": {"contentType": "text", "content": draft.description},
        "start": when(draft.start),
        "end": when(draft.end),
        "showAs": if draft.tentative { "tentative" } else { "busy" },
        "isReminderOn": false,
    });
    if let Some(location) = &draft.location {
        body["location"] = serde_json::json!({"displayName": location});
    }
    if let Some(repeat) = draft.repeat {
        body["recurrence"] = recurrence(repeat, draft.start);
    }
    if draft.video {
        body["isOnlineMeeting"] = serde_json::json!(true);
        body["onlineMeetingProvider"] = serde_json::json!("teamsForBusiness");
    }
    body
}

/// Graph's name for `zone`: its Windows zone, which every Graph calendar accepts (IANA names
/// only for some zones); the IANA name where Windows has none.
fn windows_zone(zone: TimeZone) -> String {
    windows_timezones::WindowsTimezone::try_from(zone.tz()).map_or_else(
        |_| zone.name().to_owned(),
        |windows| windows.name().to_owned(),
    )
}

/// Graph's `patternedRecurrence` of a series whose first meeting starts at `first`.
fn recurrence(repeat: Repeat, first: DateTime<Utc>) -> serde_json::Value {
    let date = repeat.zone.date_of(first);
    let day = match date.weekday() {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    };
    let pattern = match repeat.recurrence.frequency() {
        Frequency::Weekly | Frequency::Biweekly => serde_json::json!({
            "type": "weekly",
            "interval": if repeat.recurrence.frequency() == Frequency::Biweekly { 2 } else { 1 },
            "daysOfWeek": [day],
            "firstDayOfWeek": "monday",
        }),
        Frequency::Monthly => serde_json::json!({
            "type": "relativeMonthly",
            "interval": 1,
            "daysOfWeek": [day],
            "index": match weekday_ordinal(date) {
                1 => "first",
                2 => "second",
                3 => "third",
                4 => "fourth",
                _ => "last",
            },
        }),
    };
    serde_json::json!({
        "pattern": pattern,
        "range": {
            "type": "numbered",
            "startDate": date.format("%Y-%m-%d").to_string(),
            "numberOfOccurrences": repeat.recurrence.count(),
            "recurrenceTimeZone": windows_zone(repeat.zone),
        },
    })
}

async fn written(response: reqwest::Response) -> Result<WrittenEvent, ProviderError> {
    match response.status().as_u16() {
        200 | 201 => {}
        404 | 410 => return Err(ProviderError::NotFound),
        status => return Err(ProviderError::Status(status)),
    }
    let event: GraphWritten = response
        .json()
        .await
        .map_err(|_| ProviderError::Unreadable)?;
    Ok(WrittenEvent {
        id: event.id,
        web_link: event.web_link,
        video_link: event.online_meeting.and_then(|m| m.join_url),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphWritten {
    id: String,
    web_link: Option<String>,
    online_meeting: Option<OnlineMeeting>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OnlineMeeting {
    join_url: Option<String>,
}

#[derive(Deserialize)]
struct Instances {
    #[serde(default)]
    value: Vec<Occurrence>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Occurrence {
    id: String,
    original_start: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct GraphCalendar {
    name: Option<String>,
    owner: Option<Owner>,
}

#[derive(Deserialize)]
struct Owner {
    address: Option<String>,
}

#[derive(Debug, Deserialize)]
struct DeltaPage {
    #[serde(default)]
    value: Vec<GraphEvent>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
    #[serde(rename = "@odata.deltaLink")]
    delta_link: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphEvent {
    id: String,
    #[serde(rename = "@removed")]
    removed: Option<serde_json::Value>,
    subject: Option<String>,
    start: Option<GraphTime>,
    end: Option<GraphTime>,
    #[serde(default)]
    is_all_day: bool,
    #[serde(default)]
    is_cancelled: bool,
    show_as: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphTime {
    date_time: String,
    time_zone: String,
}

impl GraphTime {
    /// Graph writes `2026-11-30T09:00:00.0000000` plus a zone name; we ask for UTC.
    fn instant(&self) -> Option<DateTime<Utc>> {
        let local = NaiveDateTime::parse_from_str(&self.date_time, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
        match self.time_zone.as_str() {
            "UTC" | "Etc/UTC" => Some(local.and_utc()),
            zone => zone
                .parse::<chrono_tz::Tz>()
                .ok()?
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&Utc)),
        }
    }

    fn date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(self.date_time.get(..10)?, "%Y-%m-%d").ok()
    }
}

impl GraphEvent {
    fn into_event(self) -> Read {
        if self.removed.is_some() || self.is_cancelled {
            return Read::Removed(self.id);
        }
        let status = match self.show_as.as_deref() {
            Some("free" | "workingElsewhere") => BusyStatus::Free,
            Some("tentative") => BusyStatus::Tentative,
            _ => BusyStatus::Busy,
        };
        let (Some(start), Some(end)) = (self.start, self.end) else {
            return Read::Skip;
        };
        let time = if self.is_all_day {
            match (start.date(), end.date()) {
                (Some(first), Some(until)) if until > first => EventTime::AllDay { first, until },
                _ => return Read::Skip,
            }
        } else {
            match (start.instant(), end.instant()) {
                (Some(a), Some(b)) => match Interval::new(a, b) {
                    Ok(span) => EventTime::Timed(span),
                    Err(_) => return Read::Skip,
                },
                _ => return Read::Skip,
            }
        };
        Read::Event(SyncedEvent {
            external_id: self.id,
            summary: self.subject.filter(|s| !s.is_empty()),
            event: ExternalEvent { time, status },
        })
    }
}

#[cfg(test)]
mod tests {
    use mm_domain::recurrence::{Frequency, Recurrence};

    use super::*;

    fn series_draft(frequency: Frequency, start: &str) -> EventDraft {
        let start: DateTime<Utc> = start.parse().unwrap();
        EventDraft {
            summary: "Call: Ann Smith".into(),
            description: "Booking MM-1".into(),
            start,
            end: start + chrono::Duration::hours(1),
            time_zone: "Europe/Copenhagen".into(),
            tentative: false,
            location: None,
            video: false,
            idempotency_key: "k".into(),
            repeat: Some(Repeat {
                recurrence: Recurrence::new(frequency, 3, 52).unwrap(),
                zone: TimeZone::parse("Europe/Copenhagen").unwrap(),
            }),
        }
    }

    #[test]
    fn a_series_is_written_in_local_time_of_its_zones_windows_name() {
        let body = event_body(&series_draft(Frequency::Biweekly, "2027-03-16T08:00:00Z"));
        assert_eq!(
            body["start"],
            serde_json::json!({"dateTime": "2027-03-16T09:00:00", "timeZone": "Romance Standard Time"})
        );
        assert_eq!(
            body["recurrence"],
            serde_json::json!({
                "pattern": {"type": "weekly", "interval": 2, "daysOfWeek": ["tuesday"],
                            "firstDayOfWeek": "monday"},
                "range": {"type": "numbered", "startDate": "2027-03-16", "numberOfOccurrences": 3,
                          "recurrenceTimeZone": "Romance Standard Time"},
            })
        );
    }

    #[test]
    fn a_monthly_series_from_a_fifth_weekday_repeats_on_the_last() {
        // Tuesday 30 March 2027 is its month's fifth Tuesday.
        let body = event_body(&series_draft(Frequency::Monthly, "2027-03-30T07:00:00Z"));
        assert_eq!(body["recurrence"]["pattern"]["type"], "relativeMonthly");
        assert_eq!(body["recurrence"]["pattern"]["index"], "last");
        assert_eq!(body["start"]["dateTime"], "2027-03-30T09:00:00");
    }

    #[test]
    fn delta_items_become_busy_free_tentative_all_day_or_removed() {
        let page: DeltaPage = serde_json::from_str(
            r##"{
              "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(event)",
              "@odata.deltaLink": "https://graph.microsoft.com/v1.0/me/calendarView/delta?$deltatoken=R0usmci39",
              "value": [
                {"@odata.type": "#microsoft.graph.event", "id": "AAMkAGI2TAAA=", "subject": "Dentist",
                 "isAllDay": false, "isCancelled": false, "showAs": "busy",
                 "start": {"dateTime": "2026-11-23T09:00:00.0000000", "timeZone": "UTC"},
                 "end": {"dateTime": "2026-11-23T10:00:00.0000000", "timeZone": "UTC"}},
                {"id": "AAMkAGI2TBBB=", "subject": "Christmas", "isAllDay": true, "showAs": "oof",
                 "start": {"dateTime": "2026-12-24T00:00:00.0000000", "timeZone": "UTC"},
                 "end": {"dateTime": "2026-12-27T00:00:00.0000000", "timeZone": "UTC"}},
                {"id": "AAMkAGI2TCCC=", "subject": "Focus", "showAs": "free",
                 "start": {"dateTime": "2026-11-24T08:00:00.0000000", "timeZone": "UTC"},
                 "end": {"dateTime": "2026-11-24T09:00:00.0000000", "timeZone": "UTC"}},
                {"id": "AAMkAGI2TDDD=", "@removed": {"reason": "deleted"}},
                {"id": "AAMkAGI2TEEE=", "subject": "Maybe", "showAs": "tentative",
                 "start": {"dateTime": "2026-11-25T10:00:00.0000000", "timeZone": "Europe/Copenhagen"},
                 "end": {"dateTime": "2026-11-25T10:30:00.0000000", "timeZone": "Europe/Copenhagen"}}
              ]
            }"##,
        )
        .unwrap();
        assert!(page.delta_link.is_some() && page.next_link.is_none());
        let read: Vec<Read> = page.value.into_iter().map(GraphEvent::into_event).collect();
        let Read::Event(dentist) = &read[0] else {
            panic!("an event")
        };
        let EventTime::Timed(span) = dentist.event.time else {
            panic!("timed")
        };
        assert_eq!(span.start().to_rfc3339(), "2026-11-23T09:00:00+00:00");
        assert_eq!(dentist.event.status, BusyStatus::Busy);
        let Read::Event(christmas) = &read[1] else {
            panic!("an event")
        };
        assert!(matches!(christmas.event.time, EventTime::AllDay { .. }));
        assert_eq!(
            christmas.event.status,
            BusyStatus::Busy,
            "out of office blocks"
        );
        let Read::Event(focus) = &read[2] else {
            panic!("an event")
        };
        assert_eq!(focus.event.status, BusyStatus::Free);
        assert!(matches!(&read[3], Read::Removed(id) if id == "AAMkAGI2TDDD="));
        let Read::Event(maybe) = &read[4] else {
            panic!("an event")
        };
        let EventTime::Timed(span) = maybe.event.time else {
            panic!("timed")
        };
        assert_eq!(span.start().to_rfc3339(), "2026-11-25T09:00:00+00:00");
        assert_eq!(maybe.event.status, BusyStatus::Tentative);
    }
}
