//! The email outbox on the wire: what the system queued, sent or gave up on.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `GET /outbox`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct OutboxQuery {
    #[serde(default, deserialize_with = "crate::page_number")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1_000_000))]
    pub page: Option<u64>,
    #[serde(default, deserialize_with = "crate::page_size")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub per_page: Option<u64>,
    /// Only emails to this address.
    #[serde(default)]
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxEmail {
    pub id: Uuid,
    /// `email`, or `sms` for a text message (then `to` is a phone number in E.164 form).
    pub channel: crate::Channel,
    pub booking_id: Option<Uuid>,
    pub to: String,
    pub to_name: Option<String>,
    pub subject: String,
    pub kind: crate::MessageKind,
    /// `queued`, `sent` or `failed` (retries exhausted).
    pub status: crate::DeliveryStatus,
    pub attempts: u32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub has_ics: bool,
    pub body_text: String,
    pub created_utc: DateTime<Utc>,
    pub sent_utc: Option<DateTime<Utc>>,
}
