//! Calendar connections on the wire. Access tokens and feed URLs (which carry a secret of their
//! own) are never sent back: a connection shows where it reads from, not how.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `GET /users/{user_id}/calendar-integrations` items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarIntegration {
    pub id: Uuid,
    pub user_id: Uuid,
    /// `google`, `outlook` or `ical`.
    pub integration_type: crate::IntegrationKind,
    pub integration_name: String,
    pub is_active: bool,
    /// Where it reads from: the feed's host for iCal (`calendar.google.com`), the calendar for
    /// the providers.
    pub source: Option<String>,
    /// `read_only` or `two_way`.
    pub sync_direction: crate::SyncDirection,
    pub last_sync_utc: Option<DateTime<Utc>>,
    /// `pending` (never synced), `success` or `failed`.
    pub sync_status: crate::SyncStatus,
    /// Why the last sync failed.
    pub sync_error: Option<String>,
    /// Events held from the last good sync.
    pub events_synced: u64,
    pub created_utc: DateTime<Utc>,
}

/// `POST /users/{user_id}/calendar-integrations`. Google and Outlook connect through
/// `GET /oauth/{provider}/start`; this creates iCal subscriptions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewCalendarIntegration {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::IntegrationKind))]
    pub integration_type: String,
    /// A name to tell calendars apart; default: the feed's host.
    #[serde(default)]
    pub integration_name: Option<String>,
    /// `https://…`, `http://…` or `webcal://…`.
    #[serde(default)]
    pub ical_url: Option<String>,
}

/// `PATCH /calendar-integrations/{id}`: fields left out stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarIntegrationChanges {
    #[serde(default)]
    pub integration_name: Option<String>,
    /// `read_only` or `two_way` (Google and Outlook only): whether our bookings are written to it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::SyncDirection>))]
    pub sync_direction: Option<String>,
}

/// `POST /calendar-integrations/{id}/sync`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncResult {
    /// Events held after the sync.
    pub events_synced: u64,
    /// `success` or `failed`.
    pub status: crate::SyncStatus,
    pub added: u64,
    pub updated: u64,
    pub removed: u64,
    /// Why it failed.
    pub error: Option<String>,
}

/// `GET /oauth/{provider}/start` with `Accept: application/json`: where to send the person to
/// consent (a browser app cannot follow a redirect it had to authenticate for).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OAuthStart {
    pub authorization_url: String,
}

/// `GET /oauth/providers`: which calendar providers this server can connect.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarProviders {
    pub google: bool,
    pub outlook: bool,
}
