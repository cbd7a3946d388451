//! Values the unit tests of several modules build bookings and people from.

use chrono::{TimeZone as _, Utc};
use uuid::Uuid;

use crate::{
    Email, Interval, Minutes, Phone, Slug, TimeZone,
    booking::{
        AssignmentMethod, Booking, BookingReference, BookingSource, BookingStatus, BookingType,
        CustomerRecord,
    },
    department::{AssignmentAlgorithm, Department},
    meeting_type::MeetingType,
    user::StaffUser,
};

pub(crate) fn person(n: u128, name: &str) -> StaffUser {
    StaffUser {
        id: Uuid::from_u128(n),
        email: Email::parse(&format!("{}@example.com", name.to_lowercase())).unwrap(),
        full_name: name.to_owned(),
        is_system_manager: false,
        is_active: true,
        timezone: TimeZone::default(),
        bio: None,
        profile_picture_url: None,
        language: None,
    }
}

pub(crate) fn department(leader: Option<Uuid>) -> Department {
    Department {
        id: Uuid::from_u128(100),
        name: "Support".to_owned(),
        slug: Slug::parse("support").unwrap(),
        description: None,
        leader,
        is_active: true,
        timezone: TimeZone::default(),
        algorithm: AssignmentAlgorithm::RoundRobin,
        notify_leader_on_booking: true,
        notify_admin_on_booking: true,
        max_bookings_per_day: None,
        members: Vec::new(),
    }
}

pub(crate) fn meeting_type() -> MeetingType {
    MeetingType::public_call(
        Uuid::from_u128(100),
        "Consultation",
        Slug::parse("consultation").unwrap(),
        Minutes::duration(30).unwrap(),
    )
}

pub(crate) fn booking(host: &StaffUser, status: BookingStatus, phone: bool) -> Booking {
    let start = Utc.with_ymd_and_hms(2027, 3, 29, 7, 0, 0).unwrap();
    Booking {
        id: Uuid::from_u128(7),
        reference: BookingReference::from_random(7),
        booking_type: BookingType::Customer,
        source: BookingSource::PublicBookingPage,
        status,
        approval: None,
        approved_by: None,
        approved_utc: None,
        rejection_reason: None,
        department_id: Uuid::from_u128(100),
        meeting_type_id: Uuid::from_u128(200),
        assigned_to: host.id,
        assignment_method: AssignmentMethod::RoundRobin,
        reassignment_count: 0,
        span: Interval::new(start, start + chrono::Duration::minutes(30)).unwrap(),
        timezone: TimeZone::default(),
        title: "Consultation".to_owned(),
        customer: Some(CustomerRecord {
            name: "Ada".to_owned(),
            email: Email::parse("ada@example.com").unwrap(),
            phone: phone.then(|| Phone::parse("+4512345678").unwrap()),
            timezone: TimeZone::default(),
            notes: None,
            language: None,
        }),
        customer_erased_utc: None,
        answers: Default::default(),
        location_type: crate::meeting_type::LocationType::VideoCall,
        video_platform: None,
        requires_approval: false,
        buffer_before: None,
        buffer_after: None,
        meeting_link: None,
        physical_location: None,
        meeting_agenda: None,
        meeting_description: None,
        meeting_notes: None,
        meeting_minutes: None,
        action_items: None,
        cancellation_reason: None,
        cancellation_notes: None,
        cancelled_by_role: None,
        cancelled_utc: None,
        created_by: None,
        created_utc: start,
        links_expire_utc: None,
        cancel_link_live: true,
        ics_sequence: 0,
        calendar_event_link: None,
        calendar_error: None,
        calendar_write: crate::booking::CalendarWrite::NotWritten,
        confirmation_sent_utc: None,
        reminders: Vec::new(),
        thank_you_sent_utc: None,
        participants: Vec::new(),
        assignment_history: Vec::new(),
        history: Vec::new(),
        series: None,
    }
}
