//! What every calendar provider's API has in common for us: where a read starts, what it
//! brings back, the events we write, how calls fail, and sending a request that waits out the
//! provider's rate limits as `Retry-After` says.

use std::time::Duration;

use chrono::{DateTime, Utc};
use mm_domain::{TimeZone, external_calendar::SyncedEvent, recurrence::Recurrence};
use serde::Deserialize;

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
    #[error("the event is no longer there")]
    NotFound,
    #[error("the provider answered {0}")]
    Status(u16),
    #[error("the provider could not be reached: {0}")]
    Network(String),
    #[error("the provider's answer could not be read")]
    Unreadable,
}

/// An event we write into a host's calendar for a booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDraft {
    pub summary: String,
    pub description: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The zone the event shows in (the department's).
    pub time_zone: String,
    /// Awaiting approval: shown as tentative.
    pub tentative: bool,
    pub location: Option<String>,
    /// Ask the provider for its video meeting with the event (Google Meet, Microsoft Teams).
    pub video: bool,
    /// Unique per version of the booking written: a retried write is not made twice.
    pub idempotency_key: String,
    /// The event of a whole series: `start`..`end` is its first occurrence.
    pub repeat: Option<Repeat>,
}

/// A recurring event's rule, and the zone whose wall-clock time its occurrences keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repeat {
    pub recurrence: Recurrence,
    pub zone: TimeZone,
}

/// An event as the provider answered after a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenEvent {
    pub id: String,
    pub web_link: Option<String>,
    /// The video meeting generated with the event.
    pub video_link: Option<String>,
}

/// The calendar a connection reads and writes: its id (the account's address for the primary
/// calendar) and its name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CalendarInfo {
    pub id: String,
    #[serde(default)]
    pub summary: Option<String>,
}

/// What one item of a provider's listing comes to.
pub(crate) enum Read {
    Event(SyncedEvent),
    /// Deleted or cancelled since the last read.
    Removed(String),
    /// Nothing we keep (no times, a zero-length span).
    Skip,
}

/// How often a rate-limited request is sent again before the sync gives up for this round.
const MAX_RATE_LIMIT_RETRIES: usize = 3;

/// Sends the request `make` builds until the provider stops asking us to slow down: waits as its
/// `Retry-After` says (up to `max_wait`). `401` is [`ProviderError::Unauthorized`]; any other
/// answer is the caller's to read.
pub(crate) async fn send(
    max_wait: Duration,
    make: impl Fn() -> reqwest::RequestBuilder,
) -> Result<reqwest::Response, ProviderError> {
    for _ in 0..=MAX_RATE_LIMIT_RETRIES {
        let response = make()
            .send()
            .await
            .map_err(|e| ProviderError::Network(without_url(&e)))?;
        match response.status().as_u16() {
            401 => return Err(ProviderError::Unauthorized),
            429 | 403 | 503 if rate_limited(&response) => {
                let wait = retry_after(&response).unwrap_or(Duration::from_secs(1));
                if wait > max_wait {
                    return Err(ProviderError::RateLimited);
                }
                tokio::time::sleep(wait).await;
            }
            _ => return Ok(response),
        }
    }
    Err(ProviderError::RateLimited)
}

/// Quota is `429`; Google also uses `403` and Microsoft `503`, each with a `Retry-After`.
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
