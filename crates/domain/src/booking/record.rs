//! A booking as it is stored: customer booking or internal meeting, with its participants and
//! both histories.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    ActorRole, Answers, ApprovalStatus, AssignmentMethod, AssignmentType, AttendanceStatus,
    BookingReference, BookingSource, BookingStatus, BookingType, CalendarWrite, HistoryAction,
    Lifecycle, TransitionError,
};
use crate::limits::CUSTOMER_RESCHEDULES;
use crate::{
    Email, Interval, Phone, TimeZone,
    meeting_type::{LocationType, VideoPlatform},
    reminder::ReminderRecord,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: Uuid,
    pub reference: BookingReference,
    pub booking_type: BookingType,
    pub source: BookingSource,
    pub status: BookingStatus,
    pub approval: Option<ApprovalStatus>,
    pub approved_by: Option<Uuid>,
    pub approved_utc: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    pub department_id: Uuid,
    pub meeting_type_id: Uuid,
    pub assigned_to: Uuid,
    pub assignment_method: AssignmentMethod,
    pub reassignment_count: u32,
    pub span: Interval,
    /// The department's zone when the booking was made.
    pub timezone: TimeZone,
    pub title: String,
    /// Customer bookings only; `None` once the customer was erased.
    pub customer: Option<CustomerRecord>,
    /// When the customer's personal data was erased (the booking stays, anonymised).
    pub customer_erased_utc: Option<DateTime<Utc>>,
    pub answers: Answers,
    pub location_type: LocationType,
    /// The video platform its meeting type named when it was booked.
    pub video_platform: Option<VideoPlatform>,
    /// Whether its meeting type asked for approval when it was booked.
    pub requires_approval: bool,
    /// This booking's own buffers, over its meeting type's and its host's rule.
    pub buffer_before: Option<crate::Minutes>,
    pub buffer_after: Option<crate::Minutes>,
    pub meeting_link: Option<String>,
    pub physical_location: Option<String>,
    pub meeting_agenda: Option<String>,
    /// What the meeting is about, as staff describe it to everyone in it.
    pub meeting_description: Option<String>,
    /// Internal notes: staff only.
    pub meeting_notes: Option<String>,
    /// Written once the meeting has started.
    pub meeting_minutes: Option<String>,
    pub action_items: Option<String>,
    pub cancellation_reason: Option<String>,
    pub cancellation_notes: Option<String>,
    pub cancelled_by_role: Option<ActorRole>,
    pub cancelled_utc: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    pub created_utc: DateTime<Utc>,
    /// When the self-service links stop working (they also stop when the meeting ends).
    pub links_expire_utc: Option<DateTime<Utc>>,
    /// Whether the cancel link still exists (it dies when used).
    pub cancel_link_live: bool,
    /// Increases with every change a calendar invite must carry.
    pub ics_sequence: u32,
    /// The booking's event in its host's connected calendar, as the provider links to it.
    pub calendar_event_link: Option<String>,
    /// Why the last write to the host's calendar (or video meeting) failed; it is retried.
    pub calendar_error: Option<String>,
    pub calendar_write: CalendarWrite,
    /// When the customer's confirmation email was delivered.
    pub confirmation_sent_utc: Option<DateTime<Utc>>,
    /// Reminder entries sent or skipped, oldest first.
    pub reminders: Vec<ReminderRecord>,
    pub thank_you_sent_utc: Option<DateTime<Utc>>,
    pub participants: Vec<Participant>,
    pub assignment_history: Vec<AssignmentEntry>,
    pub history: Vec<HistoryEntry>,
    /// Its place in a recurring series, if it is a meeting of one.
    pub series: Option<SeriesPlace>,
}

/// A booking's place in a recurring series: which series, and which of its meetings (1 for the
/// first, in the order the series' rule gives them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesPlace {
    pub series_id: Uuid,
    pub index: u16,
}

/// A customer as stored; older rows may lack a phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRecord {
    pub name: String,
    pub email: Email,
    pub phone: Option<Phone>,
    pub timezone: TimeZone,
    pub notes: Option<String>,
    /// Every email to them is in it; `None` for bookings from before languages were kept:
    /// the organisation's default.
    pub language: Option<mm_i18n::Language>,
}

impl Booking {
    pub fn lifecycle(&self) -> Lifecycle {
        Lifecycle {
            status: self.status,
            approval: self.approval,
            span: self.span,
        }
    }

    /// When the booking got its current time and was confirmed: reminders due before then are
    /// skipped, since the confirmation or the reschedule email had just gone out.
    pub fn armed_utc(&self) -> DateTime<Utc> {
        let moved = self
            .history
            .iter()
            .filter(|h| h.action == HistoryAction::Rescheduled)
            .map(|h| h.action_utc);
        std::iter::once(self.created_utc)
            .chain(self.approved_utc)
            .chain(moved)
            .max()
            .unwrap_or(self.created_utc)
    }

    /// The reminder offsets already handled for the current start time.
    pub fn reminders_handled(&self) -> Vec<u32> {
        self.reminders
            .iter()
            .filter(|r| r.for_start == self.span.start())
            .map(|r| r.hours_before)
            .collect()
    }

    /// How many times the customer moved the meeting with their reschedule link.
    pub fn customer_reschedules(&self) -> usize {
        self.history
            .iter()
            .filter(|h| {
                h.action == HistoryAction::Rescheduled && h.action_by_role == ActorRole::Customer
            })
            .count()
    }

    /// What the customer's self-service links are made from: the series for a meeting of one
    /// (one pair of links serves all its meetings, so a link outlives the meeting it was sent
    /// with), the booking itself otherwise.
    pub fn link_subject(&self) -> Uuid {
        self.series.map_or(self.id, |place| place.series_id)
    }

    /// How many more times the reschedule link may move the meeting.
    pub fn customer_reschedules_left(&self) -> usize {
        CUSTOMER_RESCHEDULES.saturating_sub(self.customer_reschedules())
    }

    /// Whether the reschedule link may move the meeting once more: each move emails the
    /// customer, the host and the watchers, so a link must not be a way to send them mail.
    pub fn customer_may_reschedule(&self) -> Result<(), TransitionError> {
        if self.customer_reschedules_left() == 0 {
            return Err(TransitionError::RescheduleLimit {
                limit: CUSTOMER_RESCHEDULES,
            });
        }
        Ok(())
    }

    /// When the meeting last moved to another time, if it ever did: a customer who opens an
    /// older email's link is told the time changed.
    pub fn moved_utc(&self) -> Option<DateTime<Utc>> {
        self.history
            .iter()
            .filter(|h| h.action == HistoryAction::Rescheduled)
            .map(|h| h.action_utc)
            .max()
    }

    /// Duration in minutes.
    pub fn duration_minutes(&self) -> i64 {
        self.span.length().num_minutes()
    }

    /// Whether a video `link` just made for the booking goes to everyone in the meeting, with a
    /// new invite: when it differs from the link they have and the meeting still takes place.
    pub fn announces_video_link(&self, link: Option<&str>) -> bool {
        let new = link.is_some_and(|link| self.meeting_link.as_deref() != Some(link));
        new && self.status.holds_time()
    }

    /// The staff who attend the booking if `host` hosts it: the host first, then the staff
    /// participants who have not declined, each once. For an internal meeting they all must be
    /// free.
    pub fn attendees_with_host(&self, host: Uuid) -> Vec<Uuid> {
        let mut everyone = vec![host];
        let attending = self
            .participants
            .iter()
            .filter(|p| p.attendance != AttendanceStatus::Declined);
        for id in attending.filter_map(|p| p.user_id) {
            if !everyone.contains(&id) {
                everyone.push(id);
            }
        }
        everyone
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// `None` for an external guest.
    pub user_id: Option<Uuid>,
    pub name: String,
    pub email: Email,
    pub attendance: AttendanceStatus,
    /// When they last answered the invitation.
    pub response_utc: Option<DateTime<Utc>>,
    /// A co-host: staff assigned to lead the meeting with the primary host, not invited to it.
    pub is_host: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentEntry {
    pub assigned_to: Uuid,
    pub assigned_utc: DateTime<Utc>,
    /// `None` for an automatic assignment.
    pub assigned_by: Option<Uuid>,
    pub assignment_type: AssignmentType,
    pub is_current: bool,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub action: HistoryAction,
    /// `None` for the customer or the system.
    pub action_by: Option<Uuid>,
    pub action_by_role: ActorRole,
    pub action_utc: DateTime<Utc>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub notes: Option<String>,
}
