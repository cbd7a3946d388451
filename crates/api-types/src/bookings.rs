//! Bookings on the wire: the public booking request and its answer (never naming the host), and
//! the staff view of a booking with both histories.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An answer to a custom question: text, or a flag for a checkbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum AnswerValue {
    Flag(bool),
    Text(String),
}

/// `POST /public/bookings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicBookingRequest {
    pub department_slug: String,
    pub meeting_slug: String,
    /// An offered slot's `start_utc`.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub start_utc: String,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_phone: String,
    /// The customer's IANA zone; the department's when absent.
    #[serde(default)]
    pub customer_timezone: Option<String>,
    /// The language of every email to the customer (`da`, `en`); when absent, the request's
    /// `Accept-Language`, else the organisation's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_language: Option<String>,
    #[serde(default)]
    pub customer_notes: Option<String>,
    #[serde(default)]
    pub answers: BTreeMap<String, AnswerValue>,
    /// Book a recurring series from `start_utc` (a start the slots offered for the same
    /// recurrence), up to the meeting type's `max_series_count` meetings, all with one host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<RecurrenceRequest>,
}

/// One meeting of a customer's series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicMeeting {
    /// Its place in the series: 1 for the first.
    pub series_index: u32,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
}

/// A booking as the customer sees it: no host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicBooking {
    pub booking_reference: String,
    /// `confirmed`, or `pending` while it waits for approval; later `cancelled` etc.
    pub status: crate::BookingStatus,
    pub department_name: String,
    pub department_slug: String,
    pub meeting_name: String,
    pub meeting_slug: String,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    /// Minutes.
    pub duration: u32,
    pub department_timezone: String,
    pub customer_name: String,
    pub customer_timezone: String,
    /// What the customer's emails are written in (`da`, `en`); `null` for a booking made
    /// before languages were kept (the organisation's default).
    #[serde(default)]
    pub customer_language: Option<String>,
    pub location_type: crate::LocationType,
    /// Present while the cancel link works, and only to whoever holds the cancel link (the
    /// reschedule link does not lead to it).
    pub cancel_url: Option<String>,
    /// Present while the customer can still move the booking with their link.
    pub reschedule_url: Option<String>,
    /// How many more times the reschedule link may move the booking; at 0 the department moves
    /// it for the customer.
    pub reschedules_left: u32,
    pub ics_url: String,
    pub add_to_calendar: AddToCalendar,
    pub cancellation_reason: Option<String>,
    /// When the meeting last moved to the time shown, if it ever moved: every link of a booking
    /// leads to its current time, so an older email's link says it moved.
    #[serde(default)]
    pub moved_utc: Option<DateTime<Utc>>,
    /// For a meeting of a recurring series: every meeting of it that takes place, first to last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub series_meetings: Vec<PublicMeeting>,
}

/// Links that open the meeting as a new event in a web calendar: the same event as `ics_url`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddToCalendar {
    pub google: String,
    pub outlook_com: String,
    pub office_365: String,
}

/// An internal meeting as an invited colleague sees it through their invitation link
/// (`GET|POST /public/invitations/{token}`), with their answer so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub title: String,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    /// The department's zone.
    pub timezone: String,
    pub organiser_name: String,
    pub participant_name: String,
    /// `invited` until they answer; then `confirmed`, `tentative` or `declined`.
    pub response: crate::AttendanceStatus,
    pub response_utc: Option<DateTime<Utc>>,
    pub physical_location: Option<String>,
    pub meeting_link: Option<String>,
    pub meeting_agenda: Option<String>,
    /// Whether an answer is still taken (the meeting takes place and has not started).
    pub open: bool,
}

/// `POST /public/invitations/{token}` and `POST /bookings/{id}/rsvp`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationAnswer {
    /// `accepted`, `tentative` or `declined`.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::InvitationResponse))]
    pub response: String,
}

/// `POST /public/bookings/{cancel_token}/cancel`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicCancel {
    #[serde(default)]
    pub reason: Option<String>,
    /// For a series (whose meetings share the link): the meeting to cancel, by its
    /// `series_index`; the link's own meeting (the next that takes place) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_index: Option<u32>,
    /// For a series: that meeting alone (`this`, the default), it and the `following` ones, or
    /// every meeting of the `series` that is still ahead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::SeriesScope>))]
    pub scope: Option<String>,
}

/// `POST /public/bookings/{reschedule_token}/reschedule`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicReschedule {
    /// An offered slot's `start_utc`.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub start_utc: String,
    /// For a series (whose meetings share the link): the meeting to move, by its
    /// `series_index`; the link's own meeting (the next that takes place) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_index: Option<u32>,
    /// For a series: that meeting alone (`this`, the default), it and the `following` ones, or
    /// every meeting of the `series` still ahead, each moved by as many days as this one to its
    /// new time of day, with the same host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::SeriesScope>))]
    pub scope: Option<String>,
}

/// A participant of a booking: a staff user or an external guest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participant {
    pub user_id: Option<Uuid>,
    pub name: String,
    pub email: String,
    pub attendance_status: crate::AttendanceStatus,
    /// When they last answered the invitation.
    #[serde(default)]
    pub response_utc: Option<DateTime<Utc>>,
    /// A co-host: assigned to lead the meeting with the primary host (`assigned_to`), so not
    /// invited to answer.
    #[serde(default)]
    pub is_host: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentHistoryEntry {
    pub assigned_to: Uuid,
    pub assigned_utc: DateTime<Utc>,
    /// `null` for an automatic assignment.
    pub assigned_by: Option<Uuid>,
    /// `auto_round_robin`, `auto_least_busy`, `auto_weighted`, `manual_drag_drop`, `manual_direct`.
    pub assignment_type: crate::AssignmentType,
    pub is_current: bool,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingHistoryEntry {
    pub action: crate::HistoryAction,
    /// `null` for the customer or the system.
    pub action_by: Option<Uuid>,
    /// `customer`, `host`, `department_leader`, `system_manager` or `system`.
    pub action_by_role: crate::ActorRole,
    pub action_utc: DateTime<Utc>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub notes: Option<String>,
}

/// A booking as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Booking {
    pub id: Uuid,
    pub booking_reference: String,
    /// `customer` or `internal`.
    pub booking_type: crate::BookingType,
    /// `pending`, `confirmed`, `cancelled`, `completed` or `no_show`.
    pub status: crate::BookingStatus,
    /// `null`, `pending`, `approved` or `rejected`.
    pub approval_status: Option<crate::ApprovalStatus>,
    pub approved_by: Option<Uuid>,
    pub approved_utc: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    pub department_id: Uuid,
    pub meeting_type_id: Uuid,
    /// The primary host: they own the booking, and a reassignment moves it from them.
    pub assigned_to: Uuid,
    /// The staff who host it with the primary host (also among `participants`, with
    /// `is_host`); each is free for it, invited, and sees it in their calendar column.
    #[serde(default)]
    pub co_hosts: Vec<Uuid>,
    /// `round_robin`, `least_busy`, `weighted` or `manual`.
    pub assignment_method: crate::AssignmentMethod,
    pub booking_source: crate::BookingSource,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    /// Minutes.
    pub duration: u32,
    /// The department's zone.
    pub timezone: String,
    pub title: String,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    pub customer_timezone: Option<String>,
    /// What the customer's emails are written in (`da`, `en`); `null` for an internal meeting
    /// or a booking made before languages were kept (the organisation's default).
    #[serde(default)]
    pub customer_language: Option<String>,
    pub customer_notes: Option<String>,
    /// When the customer's personal data was erased: the customer fields are then empty.
    #[serde(default)]
    pub customer_erased_utc: Option<DateTime<Utc>>,
    pub answers: BTreeMap<String, AnswerValue>,
    pub location_type: crate::LocationType,
    pub meeting_link: Option<String>,
    pub physical_location: Option<String>,
    pub meeting_agenda: Option<String>,
    /// What the meeting is about, as staff tell everyone in it.
    #[serde(default)]
    pub meeting_description: Option<String>,
    /// Internal notes: staff only, never sent to the customer.
    pub meeting_notes: Option<String>,
    /// Written once the meeting has started.
    #[serde(default)]
    pub meeting_minutes: Option<String>,
    #[serde(default)]
    pub action_items: Option<String>,
    /// Whether its meeting type needed a leader's approval when it was booked.
    #[serde(default)]
    pub requires_approval: bool,
    /// This booking's own buffers in minutes; `null`: its meeting type's, else the host's rule.
    #[serde(default)]
    pub buffer_before: Option<u32>,
    #[serde(default)]
    pub buffer_after: Option<u32>,
    #[serde(default)]
    pub video_platform: Option<crate::VideoPlatform>,
    pub participants: Vec<Participant>,
    pub reassignment_count: u32,
    pub assignment_history: Vec<AssignmentHistoryEntry>,
    pub booking_history: Vec<BookingHistoryEntry>,
    pub cancellation_reason: Option<String>,
    pub cancellation_notes: Option<String>,
    pub cancelled_by_role: Option<crate::ActorRole>,
    pub cancelled_utc: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    pub created_utc: DateTime<Utc>,
    /// When the customer's confirmation email was delivered.
    pub confirmation_sent_utc: Option<DateTime<Utc>>,
    /// Reminder entries handled for this booking, oldest first.
    pub reminders: Vec<ReminderRecord>,
    /// When the thank-you email was queued.
    pub thank_you_sent_utc: Option<DateTime<Utc>>,
    /// The booking's event in the host's connected Google or Outlook calendar.
    #[serde(default)]
    pub external_calendar_link: Option<String>,
    /// Why writing the booking to the host's calendar (or its video meeting) last failed; the
    /// write is retried.
    #[serde(default)]
    pub calendar_sync_error: Option<String>,
    /// Where the booking stands in the host's connected calendar.
    #[serde(default = "not_written")]
    pub calendar_sync_status: crate::CalendarWrite,
    /// The recurring series this booking is a meeting of (`GET /bookings?series_id=` lists it).
    #[serde(default)]
    pub series_id: Option<Uuid>,
    /// Which meeting of its series it is: 1 for the first, in the order of the series' rule.
    #[serde(default)]
    pub series_index: Option<u32>,
}

fn not_written() -> crate::CalendarWrite {
    crate::CalendarWrite::NotWritten
}

/// One entry of the meeting type's reminder schedule, handled for one start time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderRecord {
    pub hours_before: u32,
    /// `email`, `sms` or `both`, as the schedule said.
    pub notification_type: crate::ReminderChannel,
    /// The start time it reminded of; a reschedule arms the schedule again.
    pub for_start_utc: DateTime<Utc>,
    pub handled_utc: DateTime<Utc>,
    /// `sent`, or `skipped` when its time had passed when the meeting was booked, moved or
    /// approved, or a nearer reminder superseded it.
    pub outcome: crate::ReminderOutcome,
}

/// `POST /bookings`: a customer booking for a named member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffBookingRequest {
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub meeting_type_id: String,
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub assigned_to: String,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub start_utc: String,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_phone: String,
    #[serde(default)]
    pub customer_timezone: Option<String>,
    /// The language of every email to the customer (`da`, `en`); the organisation's default
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_language: Option<String>,
    #[serde(default)]
    pub customer_notes: Option<String>,
    #[serde(default)]
    pub answers: BTreeMap<String, AnswerValue>,
    /// User ids of staff who host it with `assigned_to` (at most 10, each once; leaders and
    /// System Managers only); every one must be free.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<uuid::Uuid>, max_items = 10))]
    pub co_hosts: Vec<String>,
    /// Book a recurring series from `start_utc` instead of one meeting: every meeting at the
    /// same local time in the department's zone, all with `assigned_to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<RecurrenceRequest>,
    /// Dates (`YYYY-MM-DD`, in the department's zone) of the series' meetings to leave out,
    /// e.g. those a 409 named: the others are booked and the invite excludes these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, max_items = 52))]
    pub skip_dates: Vec<String>,
}

/// A recurring series: how often and how many meetings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecurrenceRequest {
    /// `weekly`, `biweekly` (every other week) or `monthly` (the same weekday of the month as
    /// the first meeting: the second Tuesday; a fifth weekday repeats on the last).
    #[cfg_attr(feature = "openapi", schema(value_type = crate::Frequency))]
    pub frequency: String,
    /// How many meetings, the first included: 2 to 52.
    #[cfg_attr(feature = "openapi", schema(minimum = 2, maximum = 52))]
    pub count: i64,
}

/// `POST /bookings/internal`: a meeting of staff with staff. The host may be listed among the
/// participants; everyone must be free.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InternalMeetingRequest {
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub meeting_type_id: String,
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub host: String,
    /// User ids; at least one besides the host, each once.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<uuid::Uuid>))]
    pub participants: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub start_utc: String,
    #[serde(default)]
    pub meeting_agenda: Option<String>,
    /// Where the meeting happens; defaults to the meeting type's location.
    #[serde(default)]
    pub physical_location: Option<String>,
    /// User ids of staff who lead it with the host (at most 10, each once): assigned, not
    /// asked to answer; one listed among the participants too attends as co-host.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<uuid::Uuid>, max_items = 10))]
    pub co_hosts: Vec<String>,
    /// Hold a recurring series from `start_utc` instead of one meeting: every meeting at the
    /// same local time in the meeting type's department's zone, with the same people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<RecurrenceRequest>,
    /// Dates (`YYYY-MM-DD`, in that zone) of the series' meetings to leave out, e.g. those a
    /// 409 named.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, max_items = 52))]
    pub skip_dates: Vec<String>,
}

/// A message queued about a booking (`GET /bookings/{id}/messages`): to whom, of what kind,
/// and how its delivery went. The text itself is on the outbox page (System Managers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingMessage {
    pub id: Uuid,
    pub channel: crate::Channel,
    pub to: String,
    pub kind: crate::MessageKind,
    /// `queued`, `sent` or `failed` (retries exhausted).
    pub status: crate::DeliveryStatus,
    pub attempts: u32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub has_ics: bool,
    pub created_utc: DateTime<Utc>,
    pub sent_utc: Option<DateTime<Utc>>,
}

/// `PATCH /bookings/{id}`: the fields to change, by the booking's own names. An absent field is
/// left alone; `null` (or blank text) clears an optional one. `title` and the customer's name,
/// email and phone cannot be cleared; customer fields are for customer bookings only;
/// `meeting_minutes` and `action_items` are accepted once the meeting has started. A change of
/// the title, place, link or the customer's contact sends the people in the meeting an updated
/// invite.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BookingUpdate {
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 200))]
    pub title: Option<Option<String>>,
    /// Internal notes: staff only.
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 10000))]
    pub meeting_notes: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 10000))]
    pub meeting_description: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 500))]
    pub physical_location: Option<Option<String>>,
    /// An `http://` or `https://` address.
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 2000))]
    pub meeting_link: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 200))]
    pub customer_name: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Email))]
    pub customer_email: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub customer_phone: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 5000))]
    pub customer_notes: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 10000))]
    pub meeting_minutes: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 10000))]
    pub action_items: Option<Option<String>>,
    /// Minutes kept free before this meeting (0-480); `null`: its meeting type's again. The
    /// host, and everyone in an internal meeting, must still be free (409 with the conflicts).
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 0, maximum = 480))]
    pub buffer_before: Option<Option<i64>>,
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 0, maximum = 480))]
    pub buffer_after: Option<Option<i64>>,
    /// The whole new set of co-hosts (user ids, at most 10; `[]` removes them all), for
    /// leaders and System Managers while the meeting is still to end. Those added must be free
    /// (409 with the conflicts) and get its invite; those removed its cancellation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<uuid::Uuid>>, max_items = 10))]
    pub co_hosts: Option<Vec<String>>,
}

/// `POST /bookings/{id}/cancel`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelRequest {
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// For a meeting of a series: `this` meeting (the default), it and the `following` ones,
    /// or every meeting of the `series` (those that ended stay as they are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::SeriesScope>))]
    pub scope: Option<String>,
}

/// `POST /bookings/{id}/reject`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectRequest {
    /// Told to the customer: more than spaces.
    #[cfg_attr(feature = "openapi", schema(max_length = 2000, pattern = "\\S"))]
    pub reason: String,
}

/// `POST /bookings/{id}/reassign`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReassignRequest {
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub assigned_to: String,
    #[serde(default)]
    pub reason: Option<String>,
    /// For a meeting of a series: `this` meeting (the default), it and the `following` ones,
    /// or every meeting of the `series` still ahead, each given to the new host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::SeriesScope>))]
    pub scope: Option<String>,
}

/// `POST /bookings/{id}/reschedule`; with `assigned_to`, also to another host (a drag onto
/// another member's column).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RescheduleRequest {
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub start_utc: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub assigned_to: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// For a meeting of a series: `this` meeting (the default), it and the `following` ones,
    /// or every meeting of the `series` still ahead, each moved by as many days as this one to
    /// its new time of day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::SeriesScope>))]
    pub scope: Option<String>,
}

/// `POST /bookings/{id}/check-move`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckMoveRequest {
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub assigned_to: String,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub start_utc: String,
}

/// Why a member cannot take a meeting at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictItem {
    /// A stable name: `booking`, `outside_working_hours`, `break`, `day_off`, …
    pub kind: crate::ConflictKind,
    pub message: String,
    /// The person it concerns: the host, or for an internal meeting any of its people.
    pub user_id: Uuid,
}

/// A meeting of a series that cannot be booked, in a 409's `details.meetings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesMeetingConflict {
    /// Its place in the series: 1 for the first.
    pub index: u32,
    pub start_utc: DateTime<Utc>,
    /// Its date in the department's zone: what `skip_dates` takes to leave it out.
    pub date: String,
    pub conflicts: Vec<ConflictItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckMoveResult {
    pub ok: bool,
    pub conflicts: Vec<ConflictItem>,
}

/// `GET /bookings` filters; every one narrows the list.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct BookingListQuery {
    /// One or more statuses, comma-separated: `pending,confirmed`.
    #[cfg_attr(
        feature = "openapi",
        param(
            pattern = "^(pending|confirmed|cancelled|completed|no_show)(,(pending|confirmed|cancelled|completed|no_show))*$"
        )
    )]
    pub status: Option<String>,
    /// Department ids, comma-separated.
    #[cfg_attr(feature = "openapi", param(format = "uuid-list"))]
    pub department_id: Option<String>,
    /// Host ids, comma-separated.
    #[cfg_attr(feature = "openapi", param(format = "uuid-list"))]
    pub assigned_to: Option<String>,
    /// Meeting type ids, comma-separated.
    #[cfg_attr(feature = "openapi", param(format = "uuid-list"))]
    pub meeting_type_id: Option<String>,
    /// Bookings ending after this instant.
    #[cfg_attr(feature = "openapi", param(format = DateTime))]
    pub from: Option<String>,
    /// Bookings starting before this instant.
    #[cfg_attr(feature = "openapi", param(format = DateTime))]
    pub to: Option<String>,
    /// Searches customer name, email, notes and the booking reference.
    pub q: Option<String>,
    /// The meetings of one recurring series.
    #[cfg_attr(feature = "openapi", param(format = Uuid))]
    pub series_id: Option<String>,
    #[serde(default, deserialize_with = "crate::page_number")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1_000_000))]
    pub page: Option<u64>,
    #[serde(default, deserialize_with = "crate::page_size")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub per_page: Option<u64>,
}

/// `POST /bookings/bulk-cancel`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkCancelRequest {
    #[cfg_attr(feature = "openapi", schema(max_items = 500))]
    pub ids: Vec<uuid::Uuid>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkFailure {
    /// The id as the request gave it.
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub id: String,
    /// The error as any single request would have answered it.
    pub error: crate::error::ErrorDetail,
}

/// Each booking is cancelled on its own: one failure does not stop the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkCancelResult {
    /// The ids as the request gave them.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<uuid::Uuid>))]
    pub cancelled: Vec<String>,
    pub failed: Vec<BulkFailure>,
}
