//! Departments and their members.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentMember {
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub user_id: String,
    #[serde(default = "yes")]
    pub is_active: bool,
    /// Weight for `weighted` assignment, 1–100.
    #[serde(default = "one")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub assignment_priority: i32,
    /// Read-only: kept by the system.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub last_assigned_utc: Option<String>,
    /// Read-only: kept by the system.
    #[serde(default)]
    pub total_assignments: u32,
}

fn yes() -> bool {
    true
}

fn one() -> i32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Department {
    pub id: Uuid,
    pub department_name: String,
    pub department_slug: String,
    pub description: Option<String>,
    /// A user id; an active member.
    pub department_leader: Option<Uuid>,
    pub is_active: bool,
    pub timezone: String,
    /// `round_robin`, `least_busy` or `weighted`.
    pub assignment_algorithm: crate::AssignmentAlgorithm,
    pub notify_leader_on_booking: bool,
    pub notify_admin_on_booking: bool,
    /// The whole department's cap per local day; `null` is unlimited.
    pub max_bookings_per_day: Option<u32>,
    pub public_booking_url: String,
    /// The wizard from the meeting-type step without the site's header and footer, for another
    /// website's iframe.
    pub embed_url: String,
    pub members: Vec<DepartmentMember>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateDepartment {
    pub department_name: String,
    /// Derived from the name when omitted.
    #[serde(default)]
    pub department_slug: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub department_leader: Option<String>,
    #[serde(default)]
    pub is_active: Option<bool>,
    pub timezone: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::AssignmentAlgorithm>))]
    pub assignment_algorithm: Option<String>,
    #[serde(default)]
    pub notify_leader_on_booking: bool,
    #[serde(default)]
    pub notify_admin_on_booking: bool,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10000))]
    pub max_bookings_per_day: Option<i64>,
    pub members: Vec<DepartmentMember>,
}

/// Absent fields stay; `null` clears the nullable ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateDepartment {
    pub department_name: Option<String>,
    pub department_slug: Option<String>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Uuid))]
    pub department_leader: Option<Option<String>>,
    pub is_active: Option<bool>,
    pub timezone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::AssignmentAlgorithm>))]
    pub assignment_algorithm: Option<String>,
    pub notify_leader_on_booking: Option<bool>,
    pub notify_admin_on_booking: Option<bool>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, maximum = 10000))]
    pub max_bookings_per_day: Option<Option<i64>>,
    pub members: Option<Vec<DepartmentMember>>,
}

/// Which other websites may show the booking pages (`/embed/...`) in a frame and call the public
/// API from their pages: the server's `MM_ALLOWED_ORIGINS`. Browsers refuse the embed everywhere
/// else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmbeddingSettings {
    #[cfg_attr(feature = "openapi", schema(example = json!(["https://www.example.com"])))]
    pub allowed_origins: Vec<String>,
}
