//! Webhooks (`/webhooks`): subscriptions to booking events and their deliveries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `POST /webhooks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// Where deliveries are posted: `https://` (or `http://`), on a public address.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = "^\\s*https?://[^\\s/?#@]+(?:[/?#]\\S*)?\\s*$"
        )
    )]
    pub url: String,
    /// The events wanted, at least one.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::WebhookEvent>, min_items = 1))]
    pub events: Vec<String>,
    /// Only this department's bookings; absent or `null`: every department (System Managers).
    #[serde(default)]
    pub department_id: Option<Uuid>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub description: Option<String>,
}

/// `PATCH /webhooks/{id}`: the fields to change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = "^\\s*https?://[^\\s/?#@]+(?:[/?#]\\S*)?\\s*$"
        )
    )]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<crate::WebhookEvent>>, min_items = 1))]
    pub events: Option<Vec<String>>,
    /// A department's id, or `null` for every department.
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub department_id: Option<Option<Uuid>>,
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 200))]
    pub description: Option<Option<String>>,
    /// `true` turns a disabled subscription on again (its waiting deliveries go out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
}

/// A subscription. `secret` is in the answer that creates it and nowhere else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: Uuid,
    /// The staff user who made it: it hears of nothing beyond their rights.
    pub owner_id: Uuid,
    pub url: String,
    pub events: Vec<crate::WebhookEvent>,
    pub department_id: Option<Uuid>,
    pub description: Option<String>,
    pub is_active: bool,
    /// Why the system disabled it (a 410, or a day of failures).
    pub disabled_reason: Option<String>,
    /// Since when its receiver has failed every attempt.
    pub failing_since_utc: Option<DateTime<Utc>>,
    pub created_utc: DateTime<Utc>,
    pub updated_utc: DateTime<Utc>,
    /// `whsec_` and the signing key in base64 (Standard Webhooks). Shown once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// One event on its way to a subscription's receiver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    /// Also its `webhook-id` header, the same on every attempt and replay.
    pub id: Uuid,
    pub subscription_id: Uuid,
    /// A booking event, or `webhook.test`.
    pub event_type: String,
    pub booking_id: Option<Uuid>,
    pub status: crate::WebhookDeliveryStatus,
    pub attempts: u32,
    /// When it is tried next, while it is pending.
    pub next_attempt_utc: DateTime<Utc>,
    pub last_attempt_utc: Option<DateTime<Utc>>,
    /// The receiver's last HTTP status, if it answered.
    pub response_status: Option<u16>,
    pub last_error: Option<String>,
    pub created_utc: DateTime<Utc>,
    pub delivered_utc: Option<DateTime<Utc>>,
    /// The body, exactly as sent: `{type, timestamp, data}`.
    pub payload: String,
}
