//! Availability rules with date overrides.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DateOverride {
    /// `YYYY-MM-DD`, a day of the department's zone.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub date: String,
    /// `false`: a day off. `true`: available only within the custom hours.
    pub available: bool,
    #[serde(default)]
    pub custom_hours_start: Option<String>,
    #[serde(default)]
    pub custom_hours_end: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AvailabilityRule {
    pub id: Uuid,
    pub user_id: Uuid,
    pub rule_name: String,
    pub is_default: bool,
    /// Minutes kept free before each meeting.
    pub buffer_time_before: u32,
    /// Minutes kept free after each meeting.
    pub buffer_time_after: u32,
    /// `null` is unlimited.
    pub max_bookings_per_day: Option<u32>,
    pub max_bookings_per_week: Option<u32>,
    pub min_notice_hours: u32,
    /// `null` is unlimited.
    pub max_days_advance: Option<u32>,
    pub date_overrides: Vec<DateOverride>,
}

/// `POST /users/{id}/availability-rules`. Omitted numbers are 0 (buffers, notice) or unlimited.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateAvailabilityRule {
    pub rule_name: String,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 480))]
    pub buffer_time_before: i64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 480))]
    pub buffer_time_after: i64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub max_bookings_per_day: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 500))]
    pub max_bookings_per_week: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 8760))]
    pub min_notice_hours: i64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 730))]
    pub max_days_advance: Option<i64>,
    #[serde(default)]
    pub date_overrides: Vec<DateOverride>,
}

/// `PATCH /availability-rules/{id}`: absent fields stay; `null` caps become unlimited.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateAvailabilityRule {
    pub rule_name: Option<String>,
    pub is_default: Option<bool>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 480))]
    pub buffer_time_before: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 480))]
    pub buffer_time_after: Option<i64>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, maximum = 100))]
    pub max_bookings_per_day: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, maximum = 500))]
    pub max_bookings_per_week: Option<Option<i64>>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 8760))]
    pub min_notice_hours: Option<i64>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, maximum = 730))]
    pub max_days_advance: Option<Option<i64>>,
    pub date_overrides: Option<Vec<DateOverride>>,
}
