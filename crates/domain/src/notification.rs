//! What happened to a booking that people must hear about, and the emails that say so. Emails are
//! rendered elsewhere (`mm-notify`) and written to the outbox in the transaction of the change.

use crate::{
    Email, Interval, Phone,
    booking::{ActorRole, Booking},
    department::Department,
    meeting_type::{MeetingType, ReminderChannel},
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
    /// An entry of the meeting type's reminder schedule has come due.
    Reminder {
        hours_before: u32,
        channel: ReminderChannel,
    },
    /// The meeting is over and its type sends a thank-you.
    ThankYou,
    /// A video meeting (Zoom, Meet, Teams) was made for the booking after it was booked: its
    /// link, now the booking's `meeting_link`, goes to everyone in the meeting.
    VideoLinkReady,
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
    /// The staff user who made the change, if one did.
    pub actor: Option<&'a StaffUser>,
    /// Staff participants of an internal meeting other than the host.
    pub participants: &'a [StaffUser],
    /// The department leader, when the department wants them told.
    pub leader: Option<&'a StaffUser>,
    /// Active System Managers, when the department wants them told.
    pub admins: &'a [StaffUser],
    /// Who may approve the booking: the department's active leader, else every active System
    /// Manager.
    pub approvers: &'a [StaffUser],
}

impl<'a> BookingFacts<'a> {
    /// The staff in the meeting: the host, then the other participants.
    pub fn attendees(&self) -> impl Iterator<Item = &'a StaffUser> + use<'a> {
        std::iter::once(self.host).chain(self.participants)
    }

    /// Whether `user` is among the attendees.
    pub fn attends(&self, user: uuid::Uuid) -> bool {
        self.host.id == user || self.participants.iter().any(|p| p.id == user)
    }
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

/// One text message, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingSms {
    /// A stable machine name such as `customer_reminder_sms`.
    pub kind: &'static str,
    pub to: Phone,
    pub text: String,
}

/// A message of either channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    Email(OutgoingEmail),
    Sms(OutgoingSms),
}

/// When a failed email is tried again: the first retry after `first_delay`, each later one after
/// twice the previous delay up to `max_delay`; after `max_attempts` attempts it has failed for
/// good and waits for a person to look at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub first_delay: chrono::Duration,
    pub max_delay: chrono::Duration,
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// A minute, doubling to an hour, twelve attempts: about seven hours of an SMTP outage.
    fn default() -> Self {
        Self {
            first_delay: chrono::Duration::minutes(1),
            max_delay: chrono::Duration::hours(1),
            max_attempts: 12,
        }
    }
}

impl RetryPolicy {
    /// The wait before the next attempt after `attempts` failed ones, or `None` to give up.
    pub fn next_delay(&self, attempts: u32) -> Option<chrono::Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let doublings = attempts.saturating_sub(1).min(30);
        let delay = self
            .first_delay
            .checked_mul(1_i32 << doublings)
            .unwrap_or(self.max_delay);
        Some(delay.min(self.max_delay))
    }
}

#[cfg(test)]
mod retry_tests {
    use chrono::Duration;

    use super::RetryPolicy;

    #[test]
    fn retries_double_from_the_first_delay_up_to_the_cap_then_stop() {
        let policy = RetryPolicy::default();
        let delays: Vec<Option<i64>> = (1..=13)
            .map(|n| policy.next_delay(n).map(|d| d.num_minutes()))
            .collect();
        assert_eq!(
            delays,
            [
                Some(1),
                Some(2),
                Some(4),
                Some(8),
                Some(16),
                Some(32),
                Some(60),
                Some(60),
                Some(60),
                Some(60),
                Some(60),
                None,
                None
            ]
        );
        let fast = RetryPolicy {
            first_delay: Duration::seconds(1),
            ..policy
        };
        assert_eq!(fast.next_delay(1), Some(Duration::seconds(1)));
        assert_eq!(fast.next_delay(3), Some(Duration::seconds(4)));
    }
}
