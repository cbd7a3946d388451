//! The staff dashboard's figures: `GET /analytics/summary`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `?department_id=&from=&to=&timezone=`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SummaryQuery {
    /// One department; all the reader may see when absent.
    #[cfg_attr(feature = "openapi", param(format = Uuid))]
    pub department_id: Option<String>,
    /// First day, `YYYY-MM-DD` in `timezone`, or an RFC 3339 instant (its day counts); 29 days
    /// before `to` when absent.
    pub from: Option<String>,
    /// Last day, inclusive, like `from`; today when absent. At most 366 days after `from`.
    pub to: Option<String>,
    /// The IANA zone days and hours are counted in: the department's when one is named, else
    /// the reader's own.
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count {
    /// A meeting type's or member's id.
    pub id: Uuid,
    /// Its name (meeting type name or member's full name).
    pub name: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayCount {
    /// `YYYY-MM-DD`.
    pub date: NaiveDate,
    pub count: u64,
}

/// Headline counts of meetings that still count (cancelled ones do not), from now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Headline {
    pub today: u64,
    pub next_7_days: u64,
    pub this_month: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberShare {
    pub user_id: Uuid,
    pub full_name: String,
    /// Meetings assigned automatically in the period.
    pub assignments: u64,
    /// Of the department's automatic assignments in the period, 0–1.
    pub share: f64,
    /// What the algorithm aims at, 0–1: equal shares, or by priority for `weighted`.
    pub expected_share: f64,
}

/// How a department's automatically assigned customer meetings were shared out in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentDistribution {
    pub department_id: Uuid,
    pub department_name: String,
    /// `round_robin`, `least_busy` or `weighted`.
    pub assignment_algorithm: crate::AssignmentAlgorithm,
    pub assignments: u64,
    /// The department's active members.
    pub members: Vec<MemberShare>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    /// The period's first and last day, inclusive.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub timezone: String,
    /// Bookings starting in the period, any status.
    pub total: u64,
    /// Every status, with 0 where none.
    pub by_status: BTreeMap<crate::BookingStatus, u64>,
    pub by_meeting_type: Vec<Count>,
    /// By host.
    pub by_member: Vec<Count>,
    /// Every day of the period.
    pub by_day: Vec<DayCount>,
    /// Seven rows, Monday first, of 24 hourly counts in `timezone`.
    pub heatmap: Vec<Vec<u64>>,
    /// No-shows among completed and no-show meetings, 0–1; `null` before any.
    pub no_show_rate: Option<f64>,
    pub headline: Headline,
    pub assignment_distribution: Vec<AssignmentDistribution>,
    /// From booking to meeting, in hours, averaged over the period's customer meetings that
    /// still count and were booked ahead; `null` without any.
    pub average_lead_time_hours: Option<f64>,
    /// How far the public wizard's visits got in the period, for the departments the reader
    /// runs (leaders and System Managers); `null` for readers who run none of them.
    pub funnel: Option<Funnel>,
}

/// Visits of the public wizard that reached a step, and their share of the step before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FunnelStepCount {
    pub step: crate::FunnelStep,
    pub count: u64,
    /// `count` over the previous step's count; `null` for the first step or after a step of 0.
    /// It can pass 1 when visits enter past the first step (a shared link to a meeting type).
    pub rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingTypeFunnel {
    pub meeting_type_id: Uuid,
    pub name: String,
    /// From `meeting_type` to `booked`.
    pub steps: Vec<FunnelStepCount>,
    /// Booked over chosen, 0–1; `null` when nobody chose it.
    pub conversion: Option<f64>,
}

/// The public wizard's funnel, counted per department, meeting type and day in the
/// department's zone: no visitor is identified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Funnel {
    /// `department`, `meeting_type`, `date`, `time`, `details`, `booked`.
    pub steps: Vec<FunnelStepCount>,
    /// Booked over visits that chose a department, 0–1; `null` before any visit.
    pub conversion: Option<f64>,
    pub by_meeting_type: Vec<MeetingTypeFunnel>,
}
