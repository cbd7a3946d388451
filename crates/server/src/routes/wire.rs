//! Domain → wire conversions, in one place so every endpoint renders a thing the same way.

use chrono::{DateTime, SubsecRound as _, Utc};
use mm_api_types as api;
use mm_domain::{
    FieldErrors, WorkingWeek,
    availability_rule::{AvailabilityRule, OverrideHours},
    booking,
    department::Department,
    meeting_type::MeetingType,
    scheduling::Conflict,
    user::StaffUser,
    working_hours::{DayDraft, WEEKDAYS},
};

/// An instant as the wire carries it: whole seconds, so it reads `2027-03-29T07:00:00Z`.
pub fn utc(instant: DateTime<Utc>) -> DateTime<Utc> {
    instant.trunc_subsecs(0)
}

/// An instant for a field that is text on the wire: `2027-03-29T07:00:00Z`.
pub fn utc_text(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A word the store keeps as text (an outbox row's channel or status) in the wire's vocabulary.
pub fn stored_word<T: std::str::FromStr>(value: &str) -> crate::error::ApiResult<T> {
    value.parse().map_err(|_| {
        crate::error::ApiError::Internal(anyhow::anyhow!("unknown stored word {value:?}"))
    })
}

/// A domain word as the wire's vocabulary spells it.
pub trait ToWire {
    type Wire;
    fn to_wire(self) -> Self::Wire;
}

/// Pairs a domain enum with its wire twin variant by variant; a variant added on one side only
/// fails to compile here instead of failing on the wire.
macro_rules! same_words {
    ($($domain:ty => $wire:ident { $($variant:ident),+ $(,)? })+) => {$(
        impl ToWire for $domain {
            type Wire = api::$wire;
            fn to_wire(self) -> api::$wire {
                match self {
                    $(<$domain>::$variant => api::$wire::$variant),+
                }
            }
        }
    )+};
}

same_words! {
    booking::BookingType => BookingType { Customer, Internal }
    booking::BookingStatus => BookingStatus { Pending, Confirmed, Cancelled, Completed, NoShow }
    booking::ApprovalStatus => ApprovalStatus { Pending, Approved, Rejected }
    booking::AssignmentMethod => AssignmentMethod { RoundRobin, LeastBusy, Weighted, Manual }
    booking::BookingSource => BookingSource {
        PublicBookingPage, InternalSystem, ManualEntry, ApiIntegration
    }
    booking::ActorRole => ActorRole { Customer, Host, DepartmentLeader, SystemManager, System }
    booking::HistoryAction => HistoryAction {
        Created, Confirmed, Rescheduled, Cancelled, Reassigned, Completed, NoShow, Approved,
        Rejected, ReminderSent, CalendarSynced, Updated, Responded
    }
    booking::CalendarWrite => CalendarWrite { NotWritten, Pending, Written, Failed }
    booking::AssignmentType => AssignmentType {
        AutoRoundRobin, AutoLeastBusy, AutoWeighted, ManualDragDrop, ManualDirect
    }
    booking::AttendanceStatus => AttendanceStatus {
        Invited, Confirmed, Tentative, Declined, Attended, NoShow
    }
    mm_domain::department::AssignmentAlgorithm => AssignmentAlgorithm {
        RoundRobin, LeastBusy, Weighted
    }
    mm_domain::meeting_type::LocationType => LocationType {
        VideoCall, PhoneCall, PhysicalLocation, Custom
    }
    mm_domain::meeting_type::VideoPlatform => VideoPlatform {
        Zoom, GoogleMeet, MicrosoftTeams, Custom
    }
    mm_domain::meeting_type::QuestionKind => QuestionKind { Text, Textarea, Select, Checkbox }
    mm_domain::meeting_type::ReminderChannel => ReminderChannel { Email, Sms, Both }
    mm_domain::reminder::ReminderOutcome => ReminderOutcome { Sent, Skipped }
    mm_domain::recurrence::Frequency => Frequency { Weekly, Biweekly, Monthly }
    mm_domain::recurrence::SeriesScope => SeriesScope { This, Following, Series }
    mm_domain::external_calendar::IntegrationKind => IntegrationKind { Google, Outlook, Ical }
    mm_domain::external_calendar::SyncDirection => SyncDirection { ReadOnly, TwoWay }
    mm_domain::external_calendar::SyncStatus => SyncStatus { Pending, Success, Failed }
    mm_domain::notification::MessageKind => MessageKind {
        CustomerConfirmation, CustomerPending, CustomerRejected, CustomerCancelled,
        CustomerRescheduled, CustomerReassigned, CustomerReminder, CustomerReminderSms,
        CustomerVideoLink, CustomerUpdated, CustomerThankYou, CustomerNoShow, HostNewBooking, HostBookingApproved,
        HostCancelled, HostRescheduled, HostReminder, HostVideoLink, HostUpdated,
        CoHostAdded, CoHostRemoved, ParticipantDeclined,
        NewHostReassigned, OldHostReassigned,
        BookingCreated, ApprovalRequest, InternalInvitation, InternalCreated, LeaderNewBooking,
        AdminNewBooking, LeaderCancelled, AdminCancelled, LeaderRescheduled, AdminRescheduled,
        LeaderReassigned, AdminReassigned, WebhookDisabled
    }
    mm_domain::webhook::WebhookEvent => WebhookEvent {
        BookingCreated, BookingRescheduled, BookingReassigned, BookingCancelled, BookingApproved,
        BookingRejected, BookingCompleted, BookingNoShow, BookingUpdated, BookingDeleted
    }
    mm_domain::webhook::DeliveryStatus => WebhookDeliveryStatus { Pending, Delivered, Failed }
    mm_domain::funnel::FunnelStep => FunnelStep {
        Department, MeetingType, Date, Time, Details, Booked
    }
    mm_domain::api_key::Scope => ApiScope {
        BookingsRead, BookingsWrite, AvailabilityRead, SettingsRead, SettingsWrite, WebhooksWrite
    }
}

pub fn user(u: &StaffUser) -> api::users::User {
    api::users::User {
        id: u.id,
        email: u.email.to_string(),
        full_name: u.full_name.clone(),
        is_system_manager: u.is_system_manager,
        is_active: u.is_active,
        timezone: u.timezone.to_string(),
        bio: u.bio.clone(),
        profile_picture_url: u.profile_picture_url.clone(),
        language: u.language.map(|l| l.code().to_owned()),
    }
}

pub fn working_hours(week: &WorkingWeek) -> api::users::WorkingHours {
    let day = |weekday| match week.day(weekday) {
        None => api::users::WorkingDay::default(),
        Some(d) => api::users::WorkingDay {
            enabled: true,
            start: Some(d.hours().start().to_string()),
            end: Some(d.hours().end().to_string()),
            breaks: d
                .breaks()
                .iter()
                .map(|b| api::users::Break {
                    start: b.start().to_string(),
                    end: b.end().to_string(),
                })
                .collect(),
        },
    };
    let [mon, tue, wed, thu, fri, sat, sun] = WEEKDAYS.map(day);
    api::users::WorkingHours {
        monday: mon,
        tuesday: tue,
        wednesday: wed,
        thursday: thu,
        friday: fri,
        saturday: sat,
        sunday: sun,
    }
}

pub fn parse_working_hours(hours: &api::users::WorkingHours) -> Result<WorkingWeek, FieldErrors> {
    // `days()` is Monday-first, like `WEEKDAYS`.
    WorkingWeek::parse(
        WEEKDAYS
            .into_iter()
            .zip(hours.days())
            .map(|(weekday, (_, d))| {
                let draft = DayDraft {
                    enabled: d.enabled,
                    start: d.start.as_deref(),
                    end: d.end.as_deref(),
                    breaks: d
                        .breaks
                        .iter()
                        .map(|b| (b.start.as_str(), b.end.as_str()))
                        .collect(),
                };
                (weekday, draft)
            }),
    )
}

pub fn rule(r: &AvailabilityRule) -> api::availability::AvailabilityRule {
    api::availability::AvailabilityRule {
        id: r.id,
        user_id: r.user_id,
        rule_name: r.name.clone(),
        is_default: r.is_default,
        buffer_time_before: r.limits.buffer_before.get(),
        buffer_time_after: r.limits.buffer_after.get(),
        max_bookings_per_day: r.limits.max_bookings_per_day,
        max_bookings_per_week: r.limits.max_bookings_per_week,
        min_notice_hours: r.limits.min_notice_hours,
        max_days_advance: r.limits.max_days_advance,
        date_overrides: r
            .overrides
            .iter()
            .map(|o| {
                let (available, start, end) = match o.hours {
                    OverrideHours::DayOff => (false, None, None),
                    OverrideHours::Custom(range) => (
                        true,
                        Some(range.start().to_string()),
                        Some(range.end().to_string()),
                    ),
                };
                api::availability::DateOverride {
                    date: o.date.format("%Y-%m-%d").to_string(),
                    available,
                    custom_hours_start: start,
                    custom_hours_end: end,
                    reason: o.reason.clone(),
                }
            })
            .collect(),
    }
}

pub fn department(d: &Department, base_url: &str) -> api::departments::Department {
    api::departments::Department {
        id: d.id,
        department_name: d.name.clone(),
        department_slug: d.slug.to_string(),
        description: d.description.clone(),
        department_leader: d.leader,
        is_active: d.is_active,
        timezone: d.timezone.to_string(),
        assignment_algorithm: d.algorithm.to_wire(),
        notify_leader_on_booking: d.notify_leader_on_booking,
        notify_admin_on_booking: d.notify_admin_on_booking,
        max_bookings_per_day: d.max_bookings_per_day,
        public_booking_url: format!("{base_url}/book/{}", d.slug),
        embed_url: format!("{base_url}/embed/{}", d.slug),
        members: d
            .members
            .iter()
            .map(|m| api::departments::DepartmentMember {
                user_id: m.user_id.to_string(),
                is_active: m.is_active,
                assignment_priority: m.assignment_priority,
                last_assigned_utc: m.last_assigned_utc.map(utc_text),
                total_assignments: m.total_assignments,
            })
            .collect(),
    }
}

pub fn meeting_type(
    t: &MeetingType,
    department_slug: &str,
    base_url: &str,
) -> api::meeting_types::MeetingType {
    api::meeting_types::MeetingType {
        id: t.id,
        department_id: t.department_id,
        meeting_name: t.name.clone(),
        meeting_slug: t.slug.to_string(),
        description: t.description.clone(),
        duration: t.duration.get(),
        location_type: t.location_type.to_wire(),
        video_platform: t.video_platform.map(ToWire::to_wire),
        custom_location: t.custom_location.clone(),
        requires_approval: t.requires_approval,
        is_public: t.is_public,
        is_internal: t.is_internal,
        is_active: t.is_active,
        color: t.color.clone(),
        buffer_before: t.buffer_before.map(|m| m.get()),
        buffer_after: t.buffer_after.map(|m| m.get()),
        slot_interval: t.slot_interval.map(|m| m.get()),
        max_series_count: t.max_series_count.map(u32::from),
        custom_questions: t.questions.iter().map(question).collect(),
        reminder_schedule: t
            .reminders
            .iter()
            .map(|r| api::meeting_types::ReminderEntry {
                hours_before: i64::from(r.hours_before),
                notification_type: r.channel.to_string(),
                is_active: r.is_active,
            })
            .collect(),
        thank_you_enabled: t.follow_up.enabled,
        no_show_follow_up: t.follow_up.no_show_email,
        auto_no_show_minutes: t.follow_up.auto_no_show_after.map(|m| m.get()),
        feedback_url: t.follow_up.feedback_url.clone(),
        next_steps: t.follow_up.next_steps.clone(),
        booking_url: format!("{base_url}/book/{department_slug}/{}", t.slug),
        embed_url: format!("{base_url}/embed/{department_slug}/{}", t.slug),
    }
}

pub fn question(q: &mm_domain::meeting_type::CustomQuestion) -> api::meeting_types::CustomQuestion {
    api::meeting_types::CustomQuestion {
        key: q.key.clone(),
        label: q.label.clone(),
        kind: q.kind.to_string(),
        required: q.required,
        options: q.options.clone(),
    }
}

/// An instant from the wire (`2027-03-29T07:00:00Z`; any RFC 3339 offset is accepted).
/// A `YYYY-MM-DD` date (or, with `-01` appended, a `YYYY-MM` month) in a sane range.
pub fn parse_date(raw: &str) -> Option<chrono::NaiveDate> {
    use chrono::Datelike as _;
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .filter(|d| raw.len() == 10 && (1900..=2200).contains(&d.year()))
}

/// An instant as wall-clock time of `zone` with its offset.
pub fn local(zone: mm_domain::TimeZone, instant: DateTime<Utc>) -> String {
    zone.local(instant)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

pub fn parse_instant(raw: &str) -> Result<DateTime<Utc>, &'static str> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| "must be an instant like 2027-03-29T07:00:00Z")
}

pub fn answers(
    given: &std::collections::BTreeMap<String, api::bookings::AnswerValue>,
) -> mm_domain::booking::Answers {
    use mm_domain::booking::Answer;
    given
        .iter()
        .map(|(key, value)| {
            let answer = match value {
                api::bookings::AnswerValue::Flag(flag) => Answer::Checked(*flag),
                api::bookings::AnswerValue::Text(text) => Answer::Text(text.clone()),
            };
            (key.clone(), answer)
        })
        .collect()
}

fn answer_values(
    answers: &mm_domain::booking::Answers,
) -> std::collections::BTreeMap<String, api::bookings::AnswerValue> {
    use mm_domain::booking::Answer;
    answers
        .iter()
        .map(|(key, answer)| {
            let value = match answer {
                Answer::Checked(flag) => api::bookings::AnswerValue::Flag(*flag),
                Answer::Text(text) => api::bookings::AnswerValue::Text(text.clone()),
            };
            (key.clone(), value)
        })
        .collect()
}

pub fn booking(b: &mm_domain::booking::Booking) -> api::bookings::Booking {
    let customer = b.customer.as_ref();
    api::bookings::Booking {
        id: b.id,
        booking_reference: b.reference.to_string(),
        booking_type: b.booking_type.to_wire(),
        status: b.status.to_wire(),
        approval_status: b.approval.map(ToWire::to_wire),
        approved_by: b.approved_by,
        approved_utc: b.approved_utc.map(utc),
        rejection_reason: b.rejection_reason.clone(),
        department_id: b.department_id,
        meeting_type_id: b.meeting_type_id,
        assigned_to: b.assigned_to,
        assignment_method: b.assignment_method.to_wire(),
        booking_source: b.source.to_wire(),
        start_utc: utc(b.span.start()),
        end_utc: utc(b.span.end()),
        duration: u32::try_from(b.duration_minutes()).unwrap_or(0),
        timezone: b.timezone.name().to_owned(),
        title: b.title.clone(),
        customer_name: customer.map(|c| c.name.clone()),
        customer_email: customer.map(|c| c.email.to_string()),
        customer_phone: customer.and_then(|c| c.phone.as_ref().map(|p| p.as_str().to_owned())),
        customer_timezone: customer.map(|c| c.timezone.name().to_owned()),
        customer_language: customer
            .and_then(|c| c.language)
            .map(|l| l.code().to_owned()),
        customer_notes: customer.and_then(|c| c.notes.clone()),
        customer_erased_utc: b.customer_erased_utc.map(utc),
        answers: answer_values(&b.answers),
        location_type: b.location_type.to_wire(),
        meeting_link: b.meeting_link.clone(),
        physical_location: b.physical_location.clone(),
        meeting_agenda: b.meeting_agenda.clone(),
        meeting_description: b.meeting_description.clone(),
        meeting_notes: b.meeting_notes.clone(),
        meeting_minutes: b.meeting_minutes.clone(),
        action_items: b.action_items.clone(),
        requires_approval: b.requires_approval,
        buffer_before: b.buffer_before.map(|m| m.get()),
        buffer_after: b.buffer_after.map(|m| m.get()),
        video_platform: b.video_platform.map(ToWire::to_wire),
        participants: b
            .participants
            .iter()
            .map(|p| api::bookings::Participant {
                user_id: p.user_id,
                name: p.name.clone(),
                email: p.email.to_string(),
                attendance_status: p.attendance.to_wire(),
                response_utc: p.response_utc.map(utc),
                is_host: p.is_host,
            })
            .collect(),
        co_hosts: b.co_hosts().filter_map(|p| p.user_id).collect(),
        reassignment_count: b.reassignment_count,
        assignment_history: b
            .assignment_history
            .iter()
            .map(|a| api::bookings::AssignmentHistoryEntry {
                assigned_to: a.assigned_to,
                assigned_utc: utc(a.assigned_utc),
                assigned_by: a.assigned_by,
                assignment_type: a.assignment_type.to_wire(),
                is_current: a.is_current,
                notes: a.notes.clone(),
            })
            .collect(),
        booking_history: b
            .history
            .iter()
            .map(|h| api::bookings::BookingHistoryEntry {
                action: h.action.to_wire(),
                action_by: h.action_by,
                action_by_role: h.action_by_role.to_wire(),
                action_utc: utc(h.action_utc),
                old_value: h.old_value.clone(),
                new_value: h.new_value.clone(),
                notes: h.notes.clone(),
            })
            .collect(),
        cancellation_reason: b.cancellation_reason.clone(),
        cancellation_notes: b.cancellation_notes.clone(),
        cancelled_by_role: b.cancelled_by_role.map(ToWire::to_wire),
        cancelled_utc: b.cancelled_utc.map(utc),
        created_by: b.created_by,
        created_utc: utc(b.created_utc),
        confirmation_sent_utc: b.confirmation_sent_utc.map(utc),
        reminders: b
            .reminders
            .iter()
            .map(|r| api::bookings::ReminderRecord {
                hours_before: r.hours_before,
                notification_type: r.channel.to_wire(),
                for_start_utc: utc(r.for_start),
                handled_utc: utc(r.handled_utc),
                outcome: r.outcome.to_wire(),
            })
            .collect(),
        thank_you_sent_utc: b.thank_you_sent_utc.map(utc),
        external_calendar_link: b.calendar_event_link.clone(),
        calendar_sync_error: b.calendar_error.clone(),
        calendar_sync_status: b.calendar_write.to_wire(),
        series_id: b.series.map(|s| s.series_id),
        series_index: b.series.map(|s| u32::from(s.index)),
    }
}

/// The stable name of why a person cannot take a meeting.
fn conflict_kind(conflict: &Conflict) -> api::ConflictKind {
    use api::ConflictKind as Kind;
    match conflict {
        Conflict::InThePast => Kind::InThePast,
        Conflict::NotAMember => Kind::NotAMember,
        Conflict::InactiveAccount => Kind::InactiveAccount,
        Conflict::TooSoon { .. } => Kind::MinNotice,
        Conflict::BeyondBookingWindow { .. } => Kind::BookingWindow,
        Conflict::DayOff => Kind::DayOff,
        Conflict::NotWorkingThatDay => Kind::NotWorkingDay,
        Conflict::OutsideWorkingHours => Kind::OutsideWorkingHours,
        Conflict::DuringBreak => Kind::Break,
        Conflict::DailyLimit { .. } => Kind::DailyLimit,
        Conflict::WeeklyLimit { .. } => Kind::WeeklyLimit,
        Conflict::DepartmentDailyLimit { .. } => Kind::DepartmentDailyLimit,
        Conflict::Booking { .. } => Kind::Booking,
        Conflict::ExternalBusy => Kind::ExternalBusy,
        Conflict::NotOffered => Kind::NotOffered,
    }
}

pub fn conflicts(
    found: &[mm_domain::scheduling::AttendeeConflict],
) -> Vec<api::bookings::ConflictItem> {
    found
        .iter()
        .map(|c| api::bookings::ConflictItem {
            kind: conflict_kind(&c.conflict),
            message: c.conflict.to_string(),
            user_id: c.user_id,
        })
        .collect()
}

/// A series' meetings that do not fit, as a 409 lists them.
pub fn series_conflicts(
    meetings: &[mm_domain::booking::MeetingConflicts],
) -> Vec<api::bookings::SeriesMeetingConflict> {
    meetings
        .iter()
        .map(|m| api::bookings::SeriesMeetingConflict {
            index: u32::from(m.index),
            start_utc: utc(m.start),
            date: m.date.to_string(),
            conflicts: conflicts(&m.conflicts),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone as _};

    use super::*;

    #[test]
    fn every_conflict_travels_under_the_name_the_domain_gives_it() {
        let when = Utc.with_ymd_and_hms(2027, 3, 29, 7, 0, 0).unwrap();
        let day = NaiveDate::from_ymd_opt(2027, 3, 29).unwrap();
        for conflict in [
            Conflict::InThePast,
            Conflict::NotAMember,
            Conflict::InactiveAccount,
            Conflict::TooSoon { earliest: when },
            Conflict::BeyondBookingWindow { last_date: day },
            Conflict::DayOff,
            Conflict::NotWorkingThatDay,
            Conflict::OutsideWorkingHours,
            Conflict::DuringBreak,
            Conflict::DailyLimit { limit: 1 },
            Conflict::WeeklyLimit { limit: 1 },
            Conflict::DepartmentDailyLimit { limit: 1 },
            Conflict::Booking {
                booking_id: uuid::Uuid::nil(),
            },
            Conflict::ExternalBusy,
            Conflict::NotOffered,
        ] {
            assert_eq!(conflict_kind(&conflict).as_str(), conflict.kind());
        }
    }

    #[test]
    fn instants_go_out_in_whole_seconds_with_a_z() {
        let instant = Utc.with_ymd_and_hms(2027, 3, 29, 7, 0, 0).unwrap()
            + chrono::Duration::milliseconds(250);
        let json = serde_json::to_value(utc(instant)).unwrap();
        assert_eq!(json, "2027-03-29T07:00:00Z");
        assert_eq!(utc_text(instant), "2027-03-29T07:00:00Z");
    }
}
