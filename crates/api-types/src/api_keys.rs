//! API keys (`/api-keys`): integrations' own credentials.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `POST /api-keys`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    /// At least one of `bookings:read`, `bookings:write`, `availability:read`, `settings:read`,
    /// `settings:write`, `webhooks:write`.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::ApiScope>, min_items = 1))]
    pub scopes: Vec<String>,
    /// When it stops working: in the future, within 366 days; 90 days when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub expires_at: Option<String>,
}

/// An API key as its owner sees it. `key` is in the answer that creates it and nowhere else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    pub id: Uuid,
    pub name: String,
    /// Its first characters, to recognise it by: `mm_` and eight more.
    pub prefix: String,
    pub scopes: Vec<crate::ApiScope>,
    pub expires_at: DateTime<Utc>,
    pub created_utc: DateTime<Utc>,
    /// When it was last used (to the minute).
    #[serde(default)]
    pub last_used_utc: Option<DateTime<Utc>>,
    /// The key itself: `Authorization: Bearer mm_…`. Shown once, when it is made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}
