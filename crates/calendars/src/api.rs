//! One calendar API, whichever provider holds the calendar: callers read and write events
//! without caring whether Google or Microsoft answers.

use chrono::{DateTime, Utc};

use crate::{
    google::GoogleCalendar,
    outlook::OutlookCalendar,
    provider::{CalendarInfo, Changes, EventDraft, ProviderError, ReadFrom, WrittenEvent},
};

#[derive(Debug, Clone)]
pub enum CalendarApi {
    Google(GoogleCalendar),
    /// Graph works on the account's default calendar: calendar ids are only shown, never sent.
    Outlook(OutlookCalendar),
}

impl CalendarApi {
    pub async fn primary_calendar(
        &self,
        http: &reqwest::Client,
        access_token: &str,
    ) -> Result<CalendarInfo, ProviderError> {
        match self {
            Self::Google(google) => google.primary_calendar(http, access_token).await,
            Self::Outlook(outlook) => outlook.primary_calendar(http, access_token).await,
        }
    }

    pub async fn read(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        calendar_id: &str,
        from: &ReadFrom,
    ) -> Result<Changes, ProviderError> {
        match self {
            Self::Google(google) => google.read(http, access_token, calendar_id, from).await,
            Self::Outlook(outlook) => outlook.read(http, access_token, from).await,
        }
    }

    pub async fn insert_event(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        calendar_id: &str,
        draft: &EventDraft,
    ) -> Result<WrittenEvent, ProviderError> {
        match self {
            Self::Google(google) => {
                google
                    .insert_event(http, access_token, calendar_id, draft)
                    .await
            }
            Self::Outlook(outlook) => outlook.insert_event(http, access_token, draft).await,
        }
    }

    /// Rewrites an event we wrote; [`ProviderError::NotFound`] when the owner deleted it.
    pub async fn patch_event(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        calendar_id: &str,
        event_id: &str,
        draft: &EventDraft,
    ) -> Result<WrittenEvent, ProviderError> {
        match self {
            Self::Google(google) => {
                google
                    .patch_event(http, access_token, calendar_id, event_id, draft)
                    .await
            }
            Self::Outlook(outlook) => {
                outlook
                    .patch_event(http, access_token, event_id, draft)
                    .await
            }
        }
    }

    /// The id of the occurrence of recurring event `event_id` that the rule starts at
    /// `original_start`: patched or deleted like an event of its own.
    pub async fn occurrence_id(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        event_id: &str,
        original_start: DateTime<Utc>,
    ) -> Result<String, ProviderError> {
        match self {
            Self::Google(_) => Ok(GoogleCalendar::occurrence_id(event_id, original_start)),
            Self::Outlook(outlook) => {
                outlook
                    .occurrence_id(http, access_token, event_id, original_start)
                    .await
            }
        }
    }

    pub async fn delete_event(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        calendar_id: &str,
        event_id: &str,
    ) -> Result<(), ProviderError> {
        match self {
            Self::Google(google) => {
                google
                    .delete_event(http, access_token, calendar_id, event_id)
                    .await
            }
            Self::Outlook(outlook) => outlook.delete_event(http, access_token, event_id).await,
        }
    }
}
