//! Meeting types with custom questions and reminder schedule.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomQuestion {
    /// `snake_case`; the answer is stored under this key.
    pub key: String,
    pub label: String,
    /// `text`, `textarea`, `select` or `checkbox`.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::QuestionKind))]
    pub kind: String,
    #[serde(default)]
    pub required: bool,
    /// The choices of a `select`.
    #[serde(default)]
    pub options: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderEntry {
    /// 1–720.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 720))]
    pub hours_before: i64,
    /// `email`, `sms` or `both`.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::ReminderChannel))]
    pub notification_type: String,
    #[serde(default = "yes")]
    pub is_active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingType {
    pub id: Uuid,
    pub department_id: Uuid,
    pub meeting_name: String,
    pub meeting_slug: String,
    pub description: Option<String>,
    /// Minutes, 5–480.
    pub duration: u32,
    /// `video_call`, `phone_call`, `physical_location` or `custom`.
    pub location_type: crate::LocationType,
    /// `zoom`, `google_meet`, `microsoft_teams` or `custom`.
    pub video_platform: Option<crate::VideoPlatform>,
    pub custom_location: Option<String>,
    pub requires_approval: bool,
    pub is_public: bool,
    pub is_internal: bool,
    pub is_active: bool,
    /// `#rrggbb`.
    pub color: String,
    /// Minutes; `null` uses the member's availability rule.
    pub buffer_before: Option<u32>,
    pub buffer_after: Option<u32>,
    /// Minutes between slot starts; `null` is the duration.
    pub slot_interval: Option<u32>,
    /// The most meetings a customer may book as one recurring series; `null`: single meetings.
    #[serde(default)]
    pub max_series_count: Option<u32>,
    pub custom_questions: Vec<CustomQuestion>,
    pub reminder_schedule: Vec<ReminderEntry>,
    /// Send the customer a thank-you email after the meeting.
    pub thank_you_enabled: bool,
    /// A survey or rating page the thank-you links to.
    pub feedback_url: Option<String>,
    /// What happens next, told in the thank-you.
    pub next_steps: Option<String>,
    /// Email a customer marked as a no-show a link to book again.
    #[serde(default)]
    pub no_show_follow_up: bool,
    /// Minutes after its start at which a confirmed meeting nobody marked is marked a no-show;
    /// `null`: never.
    #[serde(default)]
    pub auto_no_show_minutes: Option<u32>,
    pub booking_url: String,
    /// The wizard from the date step without the site's header and footer, for another
    /// website's iframe.
    pub embed_url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateMeetingType {
    pub meeting_name: String,
    /// Derived from the name when omitted.
    #[serde(default)]
    pub meeting_slug: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 5, maximum = 480))]
    pub duration: i64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::LocationType>))]
    pub location_type: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::VideoPlatform>))]
    pub video_platform: Option<String>,
    #[serde(default)]
    pub custom_location: Option<String>,
    #[serde(default)]
    pub requires_approval: bool,
    /// Default `true`.
    #[serde(default)]
    pub is_public: Option<bool>,
    #[serde(default)]
    pub is_internal: bool,
    #[serde(default)]
    pub is_active: Option<bool>,
    #[serde(default)]
    pub color: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 480))]
    pub buffer_before: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 480))]
    pub buffer_after: Option<i64>,
    #[serde(default)]
    pub slot_interval: Option<i64>,
    /// Let customers book a recurring series of up to this many meetings (2–52); absent or
    /// `null`: single meetings only.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 2, maximum = 52))]
    pub max_series_count: Option<i64>,
    #[serde(default)]
    pub custom_questions: Vec<CustomQuestion>,
    /// Default: email reminders 24 hours and 1 hour before.
    #[serde(default)]
    pub reminder_schedule: Option<Vec<ReminderEntry>>,
    #[serde(default)]
    pub thank_you_enabled: bool,
    /// An `http(s)` address.
    #[serde(default)]
    pub feedback_url: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub next_steps: Option<String>,
    #[serde(default)]
    pub no_show_follow_up: bool,
    /// 5 to 1440; `null`: never marked automatically.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 5, maximum = 1440))]
    pub auto_no_show_minutes: Option<i64>,
}

/// Absent fields stay; `null` clears the nullable ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateMeetingType {
    pub meeting_name: Option<String>,
    pub meeting_slug: Option<String>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: Option<Option<String>>,
    #[cfg_attr(feature = "openapi", schema(minimum = 5, maximum = 480))]
    pub duration: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::LocationType>))]
    pub location_type: Option<String>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::VideoPlatform>))]
    pub video_platform: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub custom_location: Option<Option<String>>,
    pub requires_approval: Option<bool>,
    pub is_public: Option<bool>,
    pub is_internal: Option<bool>,
    pub is_active: Option<bool>,
    pub color: Option<String>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 0, maximum = 480))]
    pub buffer_before: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 0, maximum = 480))]
    pub buffer_after: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub slot_interval: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 2, maximum = 52))]
    pub max_series_count: Option<Option<i64>>,
    pub custom_questions: Option<Vec<CustomQuestion>>,
    pub reminder_schedule: Option<Vec<ReminderEntry>>,
    pub thank_you_enabled: Option<bool>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub feedback_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 5000))]
    pub next_steps: Option<Option<String>>,
    pub no_show_follow_up: Option<bool>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 5, maximum = 1440))]
    pub auto_no_show_minutes: Option<Option<i64>>,
}
