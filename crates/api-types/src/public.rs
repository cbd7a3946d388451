//! What the public booking wizard reads: departments, their meeting types, available dates and
//! slots. Nothing here names the member who will host.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::meeting_types::CustomQuestion;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicDepartment {
    pub department_slug: String,
    pub department_name: String,
    pub description: Option<String>,
    /// The department's IANA zone: its working hours are read in it.
    pub timezone: String,
    /// Active public meeting types.
    pub meeting_type_count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicMeetingType {
    pub meeting_slug: String,
    pub meeting_name: String,
    pub description: Option<String>,
    /// Minutes.
    pub duration: u32,
    /// `video_call`, `phone_call`, `physical_location` or `custom`.
    pub location_type: crate::LocationType,
    pub custom_questions: Vec<CustomQuestion>,
    /// Bookings of this type wait for a department leader's approval.
    pub requires_approval: bool,
    /// Customers may book a recurring series of up to this many meetings; `null`: one meeting.
    #[serde(default)]
    pub max_series_count: Option<u32>,
}

/// `?month=YYYY-MM&timezone=ZONE`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct MonthQuery {
    /// `YYYY-MM`.
    #[cfg_attr(feature = "openapi", param(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$"))]
    pub month: String,
    /// The visitor's IANA zone; the department's when absent.
    pub timezone: Option<String>,
    /// With `count`: the dates a recurring series can start on (see the slots' `frequency`).
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::Frequency>))]
    pub frequency: Option<String>,
    #[cfg_attr(feature = "openapi", param(minimum = 2, maximum = 52))]
    pub count: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AvailableDates {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$"))]
    pub month: String,
    pub timezone: String,
    /// `YYYY-MM-DD` days of the visitor's zone on which at least one slot starts.
    pub available_dates: Vec<NaiveDate>,
    /// The earliest bookable start from now on (searching a year ahead), or `null`.
    pub next_available_utc: Option<DateTime<Utc>>,
}

/// `?date=YYYY-MM-DD&timezone=ZONE`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DayQuery {
    /// `YYYY-MM-DD`, a day of the visitor's zone.
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub date: String,
    /// The visitor's IANA zone; the department's when absent.
    pub timezone: Option<String>,
    /// With `count`: the starts of a recurring series, at which one member is free for every
    /// meeting of it (`weekly`, `biweekly` or `monthly`).
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::Frequency>))]
    pub frequency: Option<String>,
    /// With `frequency`: how many meetings, up to the meeting type's `max_series_count`.
    #[cfg_attr(feature = "openapi", param(minimum = 2, maximum = 52))]
    pub count: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DaySlots {
    pub date: NaiveDate,
    pub timezone: String,
    pub department_timezone: String,
    /// Minutes.
    pub duration: u32,
    pub slots: Vec<PublicSlot>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicSlot {
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    /// RFC 3339 in the visitor's zone, e.g. `2026-06-15T09:00:00+02:00`.
    pub start_local: String,
    pub end_local: String,
    /// How many members are free for it.
    pub available_members: u32,
}

/// `POST /public/funnel`: the wizard steps a visit reached, each reported once per visit. No
/// personal data: nothing identifies the visitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FunnelReport {
    pub department_slug: String,
    /// Required for every step after `department`.
    #[serde(default)]
    pub meeting_slug: Option<String>,
    /// One to five distinct steps; `booked` is counted by the server and refused here.
    pub steps: Vec<crate::FunnelStep>,
}
