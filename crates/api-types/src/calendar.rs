//! The staff scheduling views on the wire: times several people share, and the resource
//! calendar's feed of members, bookings and busy blocks.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `GET /scheduling/common-availability`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CommonAvailabilityQuery {
    /// Comma-separated user ids: the host first, then the participants.
    pub user_ids: String,
    /// `YYYY-MM-DD`, a day of `timezone`.
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub date: String,
    /// Minutes; defaults to the meeting type's duration when `meeting_type_id` is given.
    #[serde(default)]
    pub duration: Option<u32>,
    /// The zone the day and the local times are in; defaults to the rules' zone.
    #[serde(default)]
    pub timezone: Option<String>,
    /// The internal meeting type to be booked: its department's zone, buffers and duration apply,
    /// so every time offered is one `POST /bookings/internal` accepts.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(format = Uuid))]
    pub meeting_type_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommonSlot {
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    pub start_local: String,
    pub end_local: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommonAvailability {
    pub date: NaiveDate,
    pub timezone: String,
    /// The zone in which working hours and days off were read.
    pub rules_timezone: String,
    pub duration: u32,
    /// Starts every 15 minutes at which everyone listed is free.
    pub slots: Vec<CommonSlot>,
}

/// `GET /calendar`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CalendarQuery {
    /// An instant; the window is at most 62 days.
    #[cfg_attr(feature = "openapi", param(format = DateTime))]
    pub from: String,
    #[cfg_attr(feature = "openapi", param(format = DateTime))]
    pub to: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(format = Uuid))]
    pub department_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(format = Uuid))]
    pub member_id: Option<String>,
}

/// A span of time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeSpan {
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
}

/// One column: a member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarResource {
    pub user_id: Uuid,
    pub full_name: String,
    pub department_ids: Vec<Uuid>,
    /// The zone their working hours are read in.
    pub timezone: String,
    /// When they work within the window, breaks cut out: the calendar shades the rest.
    pub working: Vec<TimeSpan>,
}

/// A booking the viewer may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarEvent {
    pub booking_id: Uuid,
    pub booking_reference: String,
    /// `customer` or `internal`.
    pub booking_type: crate::BookingType,
    pub department_id: Uuid,
    pub assigned_to: Uuid,
    /// Staff attending besides the host (internal meetings); the event shows in their columns too.
    pub participants: Vec<Uuid>,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    pub status: crate::BookingStatus,
    pub title: String,
    /// The meeting type's colour, `#RRGGBB`.
    pub color: String,
}

/// Time a column's person is busy with something the viewer may not see in detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarBusy {
    pub user_id: Uuid,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    /// `google`, `outlook`, `ical`, or `booking` for a booking the viewer may not open.
    pub source: crate::BusySource,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarFeed {
    pub resources: Vec<CalendarResource>,
    pub events: Vec<CalendarEvent>,
    pub busy: Vec<CalendarBusy>,
}
