//! The email outbox on the wire: what the system queued, sent or gave up on.

use serde::{Deserialize, Serialize};

/// `GET /outbox`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct OutboxQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    /// Only emails to this address.
    #[serde(default)]
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxEmail {
    pub id: String,
    /// `email`, or `sms` for a text message (then `to` is a phone number in E.164 form).
    pub channel: String,
    pub booking_id: Option<String>,
    pub to: String,
    pub to_name: Option<String>,
    pub subject: String,
    /// A stable name such as `customer_confirmation` or `host_new_booking`.
    pub kind: String,
    /// `queued`, `sent` or `failed` (retries exhausted).
    pub status: String,
    pub attempts: u32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub has_ics: bool,
    pub body_text: String,
    pub created_utc: String,
    pub sent_utc: Option<String>,
}
