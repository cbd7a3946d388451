//! The closed sets of words the API speaks: statuses, kinds and methods. Each is an `enum` in the
//! OpenAPI description, so a generated client gets a type instead of a string, and the frontend
//! matches on variants instead of comparing text.

use serde::{Deserialize, Serialize};

/// Declares a wire enum with each variant's JSON word (its name in snake_case, which the tests
/// below hold `as_str` to), and `ALL`/`as_str` for the UI.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in the order the contract lists them.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The word on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownWord;

            fn from_str(word: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == word)
                    .ok_or(UnknownWord)
            }
        }
    };
}

/// A word outside a vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownWord;

impl std::fmt::Display for UnknownWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not one of the allowed values")
    }
}

impl std::error::Error for UnknownWord {}

vocabulary!(
    /// A customer booking, or an internal meeting between staff.
    BookingType { Customer = "customer", Internal = "internal" }
);
vocabulary!(
    /// Pending and confirmed bookings hold their time; the others do not.
    BookingStatus {
        Pending = "pending",
        Confirmed = "confirmed",
        Cancelled = "cancelled",
        Completed = "completed",
        NoShow = "no_show",
    }
);
vocabulary!(
    /// How often a recurring series repeats: every week, every other week, or monthly on the
    /// same weekday of the month as its first meeting.
    Frequency { Weekly = "weekly", Biweekly = "biweekly", Monthly = "monthly" }
);
vocabulary!(
    /// Which meetings of a series a change applies to: the one asked of, it and the later
    /// ones, or all of them.
    SeriesScope { This = "this", Following = "following", Series = "series" }
);
vocabulary!(
    /// Where a booking that needs approval stands.
    ApprovalStatus { Pending = "pending", Approved = "approved", Rejected = "rejected" }
);
vocabulary!(
    /// How the current host was chosen.
    AssignmentMethod {
        RoundRobin = "round_robin",
        LeastBusy = "least_busy",
        Weighted = "weighted",
        Manual = "manual",
    }
);
vocabulary!(
    /// How a department picks the host of a customer booking.
    AssignmentAlgorithm {
        RoundRobin = "round_robin",
        LeastBusy = "least_busy",
        Weighted = "weighted",
    }
);
vocabulary!(
    /// Where a booking came from.
    BookingSource {
        PublicBookingPage = "public_booking_page",
        InternalSystem = "internal_system",
        ManualEntry = "manual_entry",
        ApiIntegration = "api_integration",
    }
);
vocabulary!(
    /// Who performed an action in a booking's history.
    ActorRole {
        Customer = "customer",
        Host = "host",
        DepartmentLeader = "department_leader",
        SystemManager = "system_manager",
        System = "system",
    }
);
vocabulary!(
    /// Where a booking stands in its host's connected Google or Outlook calendar: never
    /// written there (no calendar connected, or not yet), `pending` (changed since it was last
    /// written, the write is queued), `written`, or `failed` (retried; see
    /// `calendar_sync_error`).
    CalendarWrite {
        NotWritten = "not_written",
        Pending = "pending",
        Written = "written",
        Failed = "failed",
    }
);
vocabulary!(
    /// What an entry of a booking's history records.
    HistoryAction {
        Created = "created",
        Confirmed = "confirmed",
        Rescheduled = "rescheduled",
        Cancelled = "cancelled",
        Reassigned = "reassigned",
        Completed = "completed",
        NoShow = "no_show",
        Approved = "approved",
        Rejected = "rejected",
        ReminderSent = "reminder_sent",
        CalendarSynced = "calendar_synced",
        Updated = "updated",
        Responded = "responded",
    }
);
vocabulary!(
    /// How a host came to an assignment-history entry.
    AssignmentType {
        AutoRoundRobin = "auto_round_robin",
        AutoLeastBusy = "auto_least_busy",
        AutoWeighted = "auto_weighted",
        ManualDragDrop = "manual_drag_drop",
        ManualDirect = "manual_direct",
    }
);
vocabulary!(
    /// A participant's answer to an internal meeting, or how the meeting went for them.
    AttendanceStatus {
        Invited = "invited",
        Confirmed = "confirmed",
        Tentative = "tentative",
        Declined = "declined",
        Attended = "attended",
        NoShow = "no_show",
    }
);
vocabulary!(
    /// Where a meeting happens.
    LocationType {
        VideoCall = "video_call",
        PhoneCall = "phone_call",
        PhysicalLocation = "physical_location",
        Custom = "custom",
    }
);
vocabulary!(
    /// Which service makes a video meeting's link.
    VideoPlatform {
        Zoom = "zoom",
        GoogleMeet = "google_meet",
        MicrosoftTeams = "microsoft_teams",
        Custom = "custom",
    }
);
vocabulary!(
    /// How a custom question is asked.
    QuestionKind {
        Text = "text",
        Textarea = "textarea",
        Select = "select",
        Checkbox = "checkbox",
    }
);
vocabulary!(
    /// Which channels a reminder goes by.
    ReminderChannel { Email = "email", Sms = "sms", Both = "both" }
);
vocabulary!(
    /// What became of one reminder entry for one start time.
    ReminderOutcome { Sent = "sent", Skipped = "skipped" }
);
vocabulary!(
    /// Where a connected calendar lives.
    IntegrationKind { Google = "google", Outlook = "outlook", Ical = "ical" }
);
vocabulary!(
    /// Whether our bookings are written to the external calendar too.
    SyncDirection { ReadOnly = "read_only", TwoWay = "two_way" }
);
vocabulary!(
    /// How the last sync of a calendar went.
    SyncStatus { Pending = "pending", Success = "success", Failed = "failed" }
);
vocabulary!(
    /// Why a busy block in the resource calendar is busy.
    BusySource {
        Google = "google",
        Outlook = "outlook",
        Ical = "ical",
        Booking = "booking",
    }
);
vocabulary!(
    /// How a message is delivered.
    Channel { Email = "email", Sms = "sms" }
);
vocabulary!(
    /// Which message of a change an outbox row is.
    MessageKind {
        CustomerConfirmation = "customer_confirmation",
        CustomerPending = "customer_pending",
        CustomerRejected = "customer_rejected",
        CustomerCancelled = "customer_cancelled",
        CustomerRescheduled = "customer_rescheduled",
        CustomerReassigned = "customer_reassigned",
        CustomerReminder = "customer_reminder",
        CustomerReminderSms = "customer_reminder_sms",
        CustomerVideoLink = "customer_video_link",
        CustomerUpdated = "customer_updated",
        CustomerNoShow = "customer_no_show",
        CustomerThankYou = "customer_thank_you",
        HostNewBooking = "host_new_booking",
        HostBookingApproved = "host_booking_approved",
        HostCancelled = "host_cancelled",
        HostRescheduled = "host_rescheduled",
        HostReminder = "host_reminder",
        HostVideoLink = "host_video_link",
        HostUpdated = "host_updated",
        CoHostAdded = "co_host_added",
        CoHostRemoved = "co_host_removed",
        ParticipantDeclined = "participant_declined",
        NewHostReassigned = "new_host_reassigned",
        OldHostReassigned = "old_host_reassigned",
        BookingCreated = "booking_created",
        ApprovalRequest = "approval_request",
        InternalInvitation = "internal_invitation",
        InternalCreated = "internal_created",
        LeaderNewBooking = "leader_new_booking",
        AdminNewBooking = "admin_new_booking",
        LeaderCancelled = "leader_cancelled",
        AdminCancelled = "admin_cancelled",
        LeaderRescheduled = "leader_rescheduled",
        AdminRescheduled = "admin_rescheduled",
        LeaderReassigned = "leader_reassigned",
        AdminReassigned = "admin_reassigned",
        WebhookDisabled = "webhook_disabled",
    }
);
vocabulary!(
    /// Where a message stands in the outbox.
    DeliveryStatus { Queued = "queued", Sent = "sent", Failed = "failed" }
);
vocabulary!(
    /// Why a person cannot take a meeting at a time.
    ConflictKind {
        InThePast = "in_the_past",
        NotAMember = "not_a_member",
        InactiveAccount = "inactive_account",
        MinNotice = "min_notice",
        BookingWindow = "booking_window",
        DayOff = "day_off",
        NotWorkingDay = "not_working_day",
        OutsideWorkingHours = "outside_working_hours",
        Break = "break",
        DailyLimit = "daily_limit",
        WeeklyLimit = "weekly_limit",
        DepartmentDailyLimit = "department_daily_limit",
        Booking = "booking",
        ExternalBusy = "external_busy",
        NotOffered = "not_offered",
    }
);
vocabulary!(
    /// What a staff user is to the system.
    StaffRole {
        SystemManager = "system_manager",
        DepartmentLeader = "department_leader",
        DepartmentMember = "department_member",
    }
);
vocabulary!(
    /// The stable machine-readable code of an error.
    ErrorCode {
        ValidationFailed = "validation_failed",
        BadRequest = "bad_request",
        Unauthorized = "unauthorized",
        InvalidCredentials = "invalid_credentials",
        Forbidden = "forbidden",
        NotFound = "not_found",
        /// The path exists but not with this method; the `Allow` header lists those it takes.
        MethodNotAllowed = "method_not_allowed",
        Conflict = "conflict",
        InUse = "in_use",
        SlotUnavailable = "slot_unavailable",
        InvalidTransition = "invalid_transition",
        RateLimited = "rate_limited",
        RescheduleLimitReached = "reschedule_limit_reached",
        Busy = "busy",
        IdempotencyKeyReused = "idempotency_key_reused",
        /// A calendar or video provider the change needs did not answer as it should.
        UpstreamUnavailable = "upstream_unavailable",
        Internal = "internal",
    }
);
vocabulary!(
    /// What an API key may do, on top of what the person it acts for may.
    ApiScope {
        #[serde(rename = "bookings:read")]
        BookingsRead = "bookings:read",
        #[serde(rename = "bookings:write")]
        BookingsWrite = "bookings:write",
        #[serde(rename = "availability:read")]
        AvailabilityRead = "availability:read",
        #[serde(rename = "settings:read")]
        SettingsRead = "settings:read",
        #[serde(rename = "settings:write")]
        SettingsWrite = "settings:write",
        #[serde(rename = "webhooks:write")]
        WebhooksWrite = "webhooks:write",
    }
);
vocabulary!(
    /// An invited colleague's answer.
    InvitationResponse {
        Accepted = "accepted",
        Tentative = "tentative",
        Declined = "declined",
    }
);
vocabulary!(
    /// What happened to a booking, as a webhook's `type`.
    WebhookEvent {
        #[serde(rename = "booking.created")]
        BookingCreated = "booking.created",
        #[serde(rename = "booking.rescheduled")]
        BookingRescheduled = "booking.rescheduled",
        #[serde(rename = "booking.reassigned")]
        BookingReassigned = "booking.reassigned",
        #[serde(rename = "booking.cancelled")]
        BookingCancelled = "booking.cancelled",
        #[serde(rename = "booking.approved")]
        BookingApproved = "booking.approved",
        #[serde(rename = "booking.rejected")]
        BookingRejected = "booking.rejected",
        #[serde(rename = "booking.completed")]
        BookingCompleted = "booking.completed",
        #[serde(rename = "booking.no_show")]
        BookingNoShow = "booking.no_show",
        #[serde(rename = "booking.updated")]
        BookingUpdated = "booking.updated",
        #[serde(rename = "booking.deleted")]
        BookingDeleted = "booking.deleted",
    }
);
vocabulary!(
    /// Where a webhook delivery stands.
    WebhookDeliveryStatus {
        /// Waiting for its first or next attempt.
        Pending = "pending",
        /// Its receiver answered 2xx.
        Delivered = "delivered",
        /// Given up on: its retries are spent, or its receiver answered 410.
        Failed = "failed",
    }
);

vocabulary!(
    /// A step of the public wizard a visit reached, in the wizard's order.
    FunnelStep {
        /// A department's meeting types were shown.
        Department = "department",
        /// A meeting type was chosen.
        MeetingType = "meeting_type",
        /// A date was chosen.
        Date = "date",
        /// A time was chosen.
        Time = "time",
        /// The details form was sent.
        Details = "details",
        /// The booking was made (counted by the server).
        Booked = "booked",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_travels_as_its_contract_word() {
        let json = serde_json::to_string(&BookingStatus::NoShow).unwrap();
        assert_eq!(json, "\"no_show\"");
        let back: BookingStatus = serde_json::from_str(&json).unwrap();
        assert_eq!(back, BookingStatus::NoShow);
    }

    fn words_agree<T>(all: &[T])
    where
        T: Serialize + std::fmt::Display + std::str::FromStr + PartialEq + std::fmt::Debug + Copy,
        <T as std::str::FromStr>::Err: std::fmt::Debug,
    {
        for value in all {
            let json = serde_json::to_value(value).unwrap();
            assert_eq!(json.as_str(), Some(value.to_string().as_str()));
            assert_eq!(value.to_string().parse::<T>().unwrap(), *value);
        }
    }

    #[test]
    fn every_word_is_the_same_in_json_in_display_and_in_parsing() {
        words_agree(BookingType::ALL);
        words_agree(BookingStatus::ALL);
        words_agree(ApprovalStatus::ALL);
        words_agree(AssignmentMethod::ALL);
        words_agree(AssignmentAlgorithm::ALL);
        words_agree(BookingSource::ALL);
        words_agree(ActorRole::ALL);
        words_agree(HistoryAction::ALL);
        words_agree(AssignmentType::ALL);
        words_agree(AttendanceStatus::ALL);
        words_agree(WebhookEvent::ALL);
        words_agree(InvitationResponse::ALL);
        words_agree(WebhookDeliveryStatus::ALL);
        words_agree(LocationType::ALL);
        words_agree(VideoPlatform::ALL);
        words_agree(QuestionKind::ALL);
        words_agree(FunnelStep::ALL);
        words_agree(ReminderChannel::ALL);
        words_agree(ReminderOutcome::ALL);
        words_agree(IntegrationKind::ALL);
        words_agree(SyncDirection::ALL);
        words_agree(SyncStatus::ALL);
        words_agree(BusySource::ALL);
        words_agree(Channel::ALL);
        words_agree(DeliveryStatus::ALL);
        words_agree(MessageKind::ALL);
        words_agree(ConflictKind::ALL);
        words_agree(StaffRole::ALL);
        words_agree(ErrorCode::ALL);
        words_agree(ApiScope::ALL);
        assert_eq!("unknown".parse::<ErrorCode>(), Err(UnknownWord));
    }
}
