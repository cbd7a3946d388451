//! Zoom meetings for bookings through Zoom's API v2 and a Server-to-Server OAuth app: an
//! account-credentials token (cached until shortly before it expires), then `POST
//! /users/{user}/meetings` when a booking is made, `PATCH /meetings/{id}` when it moves and
//! `DELETE /meetings/{id}` when it is cancelled.

use std::time::Duration;

use base64::{Engine as _, engine::general_purpose::STANDARD};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tokio::sync::Mutex;
use url::Url;

use crate::provider::{ProviderError, send};

/// The meeting a booking asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingDraft {
    pub topic: String,
    pub agenda: String,
    pub start: DateTime<Utc>,
    pub duration_minutes: u32,
    /// The zone Zoom shows the meeting in (the department's).
    pub time_zone: String,
}

/// A meeting Zoom made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoomMeeting {
    pub id: String,
    pub join_url: String,
}

/// A Server-to-Server OAuth app of one Zoom account.
pub struct Zoom {
    pub account_id: String,
    pub client_id: String,
    client_secret: String,
    pub token_url: Url,
    pub api_base: Url,
    /// The Zoom user who hosts the meetings (`me`: the app's account owner).
    pub user: String,
    pub max_wait: Duration,
    token: Mutex<Option<(String, DateTime<Utc>)>>,
}

impl std::fmt::Debug for Zoom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Zoom")
            .field("account_id", &self.account_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("api_base", &self.api_base.as_str())
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: i64,
}

#[derive(Deserialize)]
struct MeetingAnswer {
    id: serde_json::Value,
    join_url: String,
}

impl Zoom {
    pub fn new(
        account_id: String,
        client_id: String,
        client_secret: String,
        token_url: Url,
        api_base: Url,
        user: String,
    ) -> Self {
        Self {
            account_id,
            client_id,
            client_secret,
            token_url,
            api_base,
            user,
            max_wait: Duration::from_secs(30),
            token: Mutex::new(None),
        }
    }

    /// An access token, fetched again a minute before the cached one expires.
    async fn access_token(
        &self,
        http: &reqwest::Client,
        now: DateTime<Utc>,
    ) -> Result<String, ProviderError> {
        let mut cached = self.token.lock().await;
        if let Some((token, expiry)) = cached.as_ref()
            && *expiry - now > chrono::Duration::minutes(1)
        {
            return Ok(token.clone());
        }
        let basic = STANDARD.encode(format!("{}:{}", self.client_id, self.client_secret));
        let mut url = self.token_url.clone();
        url.query_pairs_mut()
            .append_pair("grant_type", "account_credentials")
            .append_pair("account_id", &self.account_id);
        let response = send(self.max_wait, || {
            http.post(url.clone())
                .header("Authorization", format!("Basic {basic}"))
        })
        .await?;
        if !response.status().is_success() {
            return Err(ProviderError::Status(response.status().as_u16()));
        }
        let answer: TokenAnswer = response
            .json()
            .await
            .map_err(|_| ProviderError::Unreadable)?;
        let expiry = now + chrono::Duration::seconds(answer.expires_in);
        *cached = Some((answer.access_token.clone(), expiry));
        Ok(answer.access_token)
    }

    /// Forgets the cached token, after Zoom refused it.
    async fn forget_token(&self) {
        *self.token.lock().await = None;
    }

    fn url(&self, segments: &[&str]) -> Result<Url, ProviderError> {
        let mut url = self.api_base.clone();
        url.path_segments_mut()
            .map_err(|()| ProviderError::Unreadable)?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    /// Sends an authorised request, with a new token once if Zoom refuses the cached one.
    async fn call(
        &self,
        http: &reqwest::Client,
        now: DateTime<Utc>,
        request: impl Fn(&str) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ProviderError> {
        let token = self.access_token(http, now).await?;
        match send(self.max_wait, || request(&token)).await {
            Err(ProviderError::Unauthorized) => {
                self.forget_token().await;
                let token = self.access_token(http, now).await?;
                send(self.max_wait, || request(&token)).await
            }
            other => other,
        }
    }

    pub async fn create_meeting(
        &self,
        http: &reqwest::Client,
        draft: &MeetingDraft,
        now: DateTime<Utc>,
    ) -> Result<ZoomMeeting, ProviderError> {
        let url = self.url(&["users", &self.user, "meetings"])?;
        let body = meeting_body(draft);
        let response = self
            .call(http, now, |token| {
                http.post(url.clone()).bearer_auth(token).json(&body)
            })
            .await?;
        if response.status().as_u16() != 201 && response.status().as_u16() != 200 {
            return Err(ProviderError::Status(response.status().as_u16()));
        }
        let meeting: MeetingAnswer = response
            .json()
            .await
            .map_err(|_| ProviderError::Unreadable)?;
        Ok(ZoomMeeting {
            // Zoom's ids are numbers larger than JavaScript's; keep them as text.
            id: match meeting.id {
                serde_json::Value::String(id) => id,
                other => other.to_string(),
            },
            join_url: meeting.join_url,
        })
    }

    /// Moves a meeting; [`ProviderError::NotFound`] when it was deleted in Zoom.
    pub async fn update_meeting(
        &self,
        http: &reqwest::Client,
        id: &str,
        draft: &MeetingDraft,
        now: DateTime<Utc>,
    ) -> Result<(), ProviderError> {
        let url = self.url(&["meetings", id])?;
        let body = meeting_body(draft);
        let response = self
            .call(http, now, |token| {
                http.patch(url.clone()).bearer_auth(token).json(&body)
            })
            .await?;
        match response.status().as_u16() {
            200..=299 => Ok(()),
            404 => Err(ProviderError::NotFound),
            status => Err(ProviderError::Status(status)),
        }
    }

    /// Deletes a meeting; one already gone counts as deleted.
    pub async fn delete_meeting(
        &self,
        http: &reqwest::Client,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ProviderError> {
        let url = self.url(&["meetings", id])?;
        let response = self
            .call(http, now, |token| {
                http.delete(url.clone()).bearer_auth(token)
            })
            .await?;
        match response.status().as_u16() {
            200..=299 | 404 => Ok(()),
            status => Err(ProviderError::Status(status)),
        }
    }
}

fn meeting_body(draft: &MeetingDraft) -> serde_json::Value {
    serde_json::json!({
        "topic": draft.topic,
        "agenda": draft.agenda,
        // A scheduled meeting.
        "type": 2,
        "start_time": draft.start.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "duration": draft.duration_minutes,
        "timezone": draft.time_zone,
        "settings": {"join_before_host": false, "waiting_room": true},
    })
}
