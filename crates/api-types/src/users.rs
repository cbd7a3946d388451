//! Auth, users and working hours.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    #[cfg_attr(feature = "openapi", schema(example = "admin@example.com"))]
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: u64,
    pub user: User,
}

/// A staff person. `roles` and `department_ids` are derived from departments (read-only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub full_name: String,
    pub is_system_manager: bool,
    pub is_active: bool,
    pub timezone: String,
    pub bio: Option<String>,
    pub profile_picture_url: Option<String>,
    /// What they read the staff app and their emails in (`da`, `en`); `null`: the
    /// organisation's default (`MM_DEFAULT_LANGUAGE`).
    #[serde(default)]
    pub language: Option<String>,
}

/// `GET /auth/me`: the user and what they lead and belong to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    #[serde(flatten)]
    pub user: User,
    /// `system_manager`, `department_leader`, `department_member`.
    pub roles: Vec<crate::StaffRole>,
    pub leads_department_ids: Vec<Uuid>,
    pub member_department_ids: Vec<Uuid>,
    /// The organisation's language (`MM_DEFAULT_LANGUAGE`), for whoever has chosen none.
    #[serde(default)]
    pub default_language: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUser {
    pub email: String,
    pub full_name: String,
    /// At least 10 characters.
    pub password: String,
    #[serde(default)]
    pub is_system_manager: bool,
    #[serde(default = "yes")]
    pub is_active: bool,
    /// IANA zone; default `UTC`.
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub bio: Option<String>,
    #[serde(default)]
    pub profile_picture_url: Option<String>,
    /// `da` or `en`; absent or `null`: the organisation's default.
    #[serde(default)]
    pub language: Option<String>,
}

fn yes() -> bool {
    true
}

/// Absent fields stay as they are. A person may change their own name, zone, bio, picture and
/// password; email, roles and activation are for System Managers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateUser {
    pub email: Option<String>,
    pub full_name: Option<String>,
    /// A new password. Changing your own needs `current_password` and ends your other
    /// sessions; a System Manager setting someone else's ends all of theirs.
    pub password: Option<String>,
    /// Your password now, when you change it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_password: Option<String>,
    pub is_system_manager: Option<bool>,
    pub is_active: Option<bool>,
    pub timezone: Option<String>,
    // Absent means "unchanged" and `null` means "clear", so an absent value is never written.
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub bio: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub profile_picture_url: Option<Option<String>>,
    /// `da` or `en`; `null`: back to the organisation's default.
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub language: Option<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Break {
    #[cfg_attr(feature = "openapi", schema(example = "12:00"))]
    pub start: String,
    #[cfg_attr(feature = "openapi", schema(example = "12:30"))]
    pub end: String,
}

/// One weekday. A day off is `{"enabled": false}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkingDay {
    pub enabled: bool,
    /// `HH:MM`, local to the department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// `HH:MM`, after `start`; `24:00` is the end of the day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<Break>,
}

/// A member's weekly hours. Days not sent are days off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkingHours {
    #[serde(default)]
    pub monday: WorkingDay,
    #[serde(default)]
    pub tuesday: WorkingDay,
    #[serde(default)]
    pub wednesday: WorkingDay,
    #[serde(default)]
    pub thursday: WorkingDay,
    #[serde(default)]
    pub friday: WorkingDay,
    #[serde(default)]
    pub saturday: WorkingDay,
    #[serde(default)]
    pub sunday: WorkingDay,
}

impl WorkingHours {
    /// The days with their lowercase English names, Monday first.
    pub fn days(&self) -> [(&'static str, &WorkingDay); 7] {
        [
            ("monday", &self.monday),
            ("tuesday", &self.tuesday),
            ("wednesday", &self.wednesday),
            ("thursday", &self.thursday),
            ("friday", &self.friday),
            ("saturday", &self.saturday),
            ("sunday", &self.sunday),
        ]
    }
}
