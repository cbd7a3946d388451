//! Why a member cannot take a meeting at a given time.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// One reason a member is not free for a meeting. The staff calendar shows these while a meeting
/// is dragged; `kind` is the stable machine name, `Display` the sentence for a person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    #[error("the start is in the past")]
    InThePast,
    #[error("not an active member of the booking's department")]
    NotAMember,
    #[error("the person's account is not active")]
    InactiveAccount,
    #[error("less notice than the member's minimum: the earliest start is {earliest}")]
    TooSoon { earliest: DateTime<Utc> },
    #[error("beyond the member's booking window, which ends on {last_date}")]
    BeyondBookingWindow { last_date: NaiveDate },
    #[error("the member has taken this day off")]
    DayOff,
    #[error("the member does not work on this day")]
    NotWorkingThatDay,
    #[error("outside the member's working hours")]
    OutsideWorkingHours,
    #[error("during the member's break")]
    DuringBreak,
    #[error("the member already has {limit} bookings on this day")]
    DailyLimit { limit: u32 },
    #[error("the member already has {limit} bookings in this week")]
    WeeklyLimit { limit: u32 },
    #[error("the department already has {limit} bookings on this day")]
    DepartmentDailyLimit { limit: u32 },
    #[error("overlaps another booking or the buffer time around it")]
    Booking { booking_id: Uuid },
    #[error("the member is busy in their external calendar")]
    ExternalBusy,
    /// Free by the rules staff place meetings by, but not a time customers are offered (off
    /// the meeting type's grid of starts).
    #[error("not a time customers are offered")]
    NotOffered,
}

impl Conflict {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InThePast => "in_the_past",
            Self::NotAMember => "not_a_member",
            Self::InactiveAccount => "inactive_account",
            Self::TooSoon { .. } => "min_notice",
            Self::BeyondBookingWindow { .. } => "booking_window",
            Self::DayOff => "day_off",
            Self::NotWorkingThatDay => "not_working_day",
            Self::OutsideWorkingHours => "outside_working_hours",
            Self::DuringBreak => "break",
            Self::DailyLimit { .. } => "daily_limit",
            Self::WeeklyLimit { .. } => "weekly_limit",
            Self::DepartmentDailyLimit { .. } => "department_daily_limit",
            Self::Booking { .. } => "booking",
            Self::ExternalBusy => "external_busy",
            Self::NotOffered => "not_offered",
        }
    }
}
