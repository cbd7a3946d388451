//! A customer's personal data on request (System Managers): everything held about an address,
//! and its erasure across every booking.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `GET /customers/export`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CustomerExportQuery {
    /// The customer's email address (any letter case).
    pub email: String,
}

/// Everything held about one customer's address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerExport {
    pub email: String,
    pub exported_utc: DateTime<Utc>,
    /// Their bookings, oldest first, as staff see them.
    pub bookings: Vec<crate::bookings::Booking>,
    /// Every message to that address or about those bookings, with its text.
    pub messages: Vec<ExportedMessage>,
}

/// A message as sent (or queued) to or about the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedMessage {
    pub id: Uuid,
    pub booking_id: Option<Uuid>,
    pub channel: crate::Channel,
    pub kind: crate::MessageKind,
    pub to: String,
    pub subject: String,
    pub body_text: String,
    pub status: crate::DeliveryStatus,
    pub created_utc: DateTime<Utc>,
    pub sent_utc: Option<DateTime<Utc>>,
}

/// `POST /customers/erase`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EraseRequest {
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    pub email: String,
}

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Erasure {
    /// Bookings kept for the statistics with the customer's data removed.
    pub bookings_anonymised: u64,
    /// Messages dropped, queued or sent (their texts quoted the customer).
    pub messages_dropped: u64,
}
