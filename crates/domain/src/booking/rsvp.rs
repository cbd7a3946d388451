//! A staff participant's answer to an internal meeting's invitation: accept, maybe, or decline.
//! The answer and its time are kept on the participant; a decline frees their time and tells
//! the organiser; answering again replaces the earlier answer until the meeting starts.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{ActorRole, AttendanceStatus, Booking, BookingType, HistoryAction, HistoryEntry};
use crate::{
    notification::Notice,
    scheduling::{AttendeeConflict, Conflict},
};

/// What a participant answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum Rsvp {
    Accepted,
    Tentative,
    Declined,
}

impl Rsvp {
    /// The participant's attendance once they answered so.
    pub fn attendance(self) -> AttendanceStatus {
        match self {
            Self::Accepted => AttendanceStatus::Confirmed,
            Self::Tentative => AttendanceStatus::Tentative,
            Self::Declined => AttendanceStatus::Declined,
        }
    }
}

/// Why an answer is not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RsvpError {
    #[error("only the staff invited to an internal meeting (not its hosts) answer its invitation")]
    NotInvited,
    #[error("the meeting no longer takes place (it is {0})")]
    NotHappening(super::BookingStatus),
    #[error("the meeting has already started; answers are closed")]
    Started,
}

/// What an answer writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RsvpPlan {
    pub participant: Uuid,
    pub attendance: AttendanceStatus,
    /// The participant's time is freed (a decline) or held again (an answer after a decline).
    pub frees_time: Option<bool>,
    /// `None` when the answer is the one already given.
    pub history: Option<HistoryEntry>,
    pub notice: Option<Notice>,
}

/// Plans `user`'s answer `rsvp` to `booking` at `now`.
pub fn plan_rsvp(
    booking: &Booking,
    user: Uuid,
    rsvp: Rsvp,
    now: DateTime<Utc>,
) -> Result<RsvpPlan, RsvpError> {
    let participant = booking
        .participants
        .iter()
        // Hosts are assigned, not invited.
        .find(|p| p.user_id == Some(user) && user != booking.assigned_to && !p.is_host)
        .filter(|_| booking.booking_type == BookingType::Internal)
        .ok_or(RsvpError::NotInvited)?;
    if !booking.status.holds_time() {
        return Err(RsvpError::NotHappening(booking.status));
    }
    if now >= booking.span.start() {
        return Err(RsvpError::Started);
    }
    let attendance = rsvp.attendance();
    let before = participant.attendance;
    if before == attendance {
        return Ok(RsvpPlan {
            participant: user,
            attendance,
            frees_time: None,
            history: None,
            notice: None,
        });
    }
    let was_declined = before == AttendanceStatus::Declined;
    let declines = attendance == AttendanceStatus::Declined;
    Ok(RsvpPlan {
        participant: user,
        attendance,
        frees_time: (was_declined != declines).then_some(declines),
        history: Some(HistoryEntry {
            action: HistoryAction::Responded,
            action_by: Some(user),
            action_by_role: ActorRole::Host,
            action_utc: now,
            old_value: Some(before.to_string()),
            new_value: Some(attendance.to_string()),
            notes: Some(participant.name.clone()),
        }),
        notice: declines.then_some(Notice::Declined { participant: user }),
    })
}

/// What keeps a participant who declined from accepting again: another meeting they took
/// meanwhile. Working hours, notice and caps were judged when they were invited.
pub fn clashes_on_return(conflicts: Vec<AttendeeConflict>) -> Vec<AttendeeConflict> {
    conflicts
        .into_iter()
        .filter(|c| matches!(c.conflict, Conflict::Booking { .. }))
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone as _};

    use super::*;
    use crate::{
        Email,
        booking::{BookingStatus, Participant},
        fixtures,
    };

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap()
    }

    fn guest() -> Uuid {
        Uuid::from_u128(42)
    }

    /// An internal meeting four weeks ahead with one invited colleague.
    fn meeting() -> Booking {
        let mut booking = fixtures::booking(
            &fixtures::person(1, "Hana"),
            BookingStatus::Confirmed,
            false,
        );
        booking.booking_type = BookingType::Internal;
        booking.customer = None;
        booking.participants = vec![Participant {
            user_id: Some(guest()),
            name: "Gus".into(),
            email: Email::parse("gus@example.com").unwrap(),
            attendance: AttendanceStatus::Invited,
            response_utc: None,
            is_host: false,
        }];
        booking
    }

    #[test]
    fn a_co_host_is_assigned_and_answers_no_invitation() {
        let mut booking = meeting();
        booking.participants[0].is_host = true;
        assert_eq!(
            plan_rsvp(&booking, guest(), Rsvp::Declined, now()),
            Err(RsvpError::NotInvited)
        );
    }

    #[test]
    fn a_decline_frees_the_participant_and_tells_the_organiser() {
        let plan = plan_rsvp(&meeting(), guest(), Rsvp::Declined, now()).unwrap();
        assert_eq!(plan.attendance, AttendanceStatus::Declined);
        assert_eq!(plan.frees_time, Some(true));
        assert_eq!(
            plan.notice,
            Some(Notice::Declined {
                participant: guest()
            })
        );
        let history = plan.history.unwrap();
        assert_eq!(history.action, HistoryAction::Responded);
        assert_eq!(history.new_value.as_deref(), Some("declined"));
    }

    #[test]
    fn accepting_after_a_decline_holds_the_time_again_and_tells_nobody() {
        let mut booking = meeting();
        booking.participants[0].attendance = AttendanceStatus::Declined;
        let plan = plan_rsvp(&booking, guest(), Rsvp::Accepted, now()).unwrap();
        assert_eq!(plan.attendance, AttendanceStatus::Confirmed);
        assert_eq!(plan.frees_time, Some(false));
        assert_eq!(plan.notice, None);
    }

    #[test]
    fn the_same_answer_twice_writes_nothing() {
        let mut booking = meeting();
        booking.participants[0].attendance = AttendanceStatus::Tentative;
        let plan = plan_rsvp(&booking, guest(), Rsvp::Tentative, now()).unwrap();
        assert!(plan.history.is_none() && plan.frees_time.is_none());
    }

    #[test]
    fn only_invited_staff_answer_and_only_before_the_meeting_starts() {
        let booking = meeting();
        assert_eq!(
            plan_rsvp(&booking, Uuid::from_u128(99), Rsvp::Accepted, now()),
            Err(RsvpError::NotInvited)
        );
        assert_eq!(
            plan_rsvp(&booking, booking.assigned_to, Rsvp::Declined, now()),
            Err(RsvpError::NotInvited),
            "the organiser hosts; they do not answer"
        );
        let started = booking.span.start() + Duration::minutes(1);
        assert_eq!(
            plan_rsvp(&booking, guest(), Rsvp::Declined, started),
            Err(RsvpError::Started)
        );
        let mut cancelled = meeting();
        cancelled.status = BookingStatus::Cancelled;
        assert_eq!(
            plan_rsvp(&cancelled, guest(), Rsvp::Accepted, now()),
            Err(RsvpError::NotHappening(BookingStatus::Cancelled))
        );
    }

    #[test]
    fn only_another_meeting_keeps_a_returning_participant_out() {
        let user = guest();
        let conflicts = vec![
            AttendeeConflict {
                user_id: user,
                conflict: Conflict::OutsideWorkingHours,
            },
            AttendeeConflict {
                user_id: user,
                conflict: Conflict::TooSoon { earliest: now() },
            },
            AttendeeConflict {
                user_id: user,
                conflict: Conflict::Booking {
                    booking_id: Uuid::from_u128(5),
                },
            },
        ];
        let clashes = clashes_on_return(conflicts);
        assert_eq!(clashes.len(), 1);
        assert!(matches!(clashes[0].conflict, Conflict::Booking { .. }));
    }

    #[test]
    fn answers_are_read_by_their_wire_words() {
        assert_eq!("declined".parse::<Rsvp>(), Ok(Rsvp::Declined));
        assert_eq!("tentative".parse::<Rsvp>(), Ok(Rsvp::Tentative));
        assert!("maybe".parse::<Rsvp>().is_err());
    }
}
