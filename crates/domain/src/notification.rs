//! What happened to a booking that people must hear about, and the emails that say so. Emails are
//! rendered elsewhere (`mm-notify`) and written to the outbox in the transaction of the change.

use crate::{
    Email, Interval,
    booking::{ActorRole, Booking},
    department::Department,
    meeting_type::MeetingType,
    user::StaffUser,
};

/// A change to a booking that causes emails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Created,
    Approved,
    Rejected {
        reason: String,
    },
    Cancelled {
        by: ActorRole,
        reason: Option<String>,
    },
    Rescheduled {
        previous: Interval,
    },
    Reassigned {
        previous_host: StaffUser,
    },
}

/// Everything a renderer needs about a booking and the people around it, read in the
/// transaction of the change.
#[derive(Debug, Clone, Copy)]
pub struct BookingFacts<'a> {
    pub notice: &'a Notice,
    pub booking: &'a Booking,
    pub department: &'a Department,
    pub meeting_type: &'a MeetingType,
    pub host: &'a StaffUser,
    /// Staff participants of an internal meeting other than the host.
    pub participants: &'a [StaffUser],
    /// The department leader, when the department wants them told.
    pub leader: Option<&'a StaffUser>,
    /// Active System Managers, when the department wants them told.
    pub admins: &'a [StaffUser],
}

/// One email, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// A stable machine name such as `customer_confirmation`.
    pub kind: &'static str,
    pub to: Email,
    pub to_name: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// A calendar invite (`text/calendar`) to attach.
    pub ics: Option<String>,
}
