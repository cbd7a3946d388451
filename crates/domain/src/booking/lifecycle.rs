//! Which actions a booking allows in which state, and where each one leads.
//!
//! ```text
//!            approve                      complete (from the start on)
//!  pending ───────────▶ confirmed ───────────────────────────▶ completed
//!     │                    │   └─────────────────────────────▶ no_show
//!     │ reject / cancel    │ cancel (until the meeting ends)
//!     ▼                    ▼
//!  cancelled ◀─────────────┘
//! ```
//! Rescheduling and reassigning keep the status; they are allowed while the booking holds
//! time and has not started. Pending bookings hold their time like confirmed ones.

use chrono::{DateTime, Utc};

use super::{ApprovalStatus, BookingStatus};
use crate::Interval;

/// Something a person asks of a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum Action {
    Approve,
    Reject,
    Cancel,
    Complete,
    #[strum(serialize = "mark as no-show")]
    MarkNoShow,
    Reschedule,
    Reassign,
}

/// The part of a booking its transitions depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifecycle {
    pub status: BookingStatus,
    /// `None` when the meeting type needs no approval.
    pub approval: Option<ApprovalStatus>,
    pub span: Interval,
}

/// Why an action is refused; the message names the booking's current state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("cannot {action} a booking that is {status}")]
    WrongStatus {
        action: Action,
        status: BookingStatus,
    },
    #[error("cannot {action} a booking that is not waiting for approval (it is {status})")]
    NotAwaitingApproval {
        action: Action,
        status: BookingStatus,
    },
    #[error("cannot {action} a meeting before it starts at {start}; it is {status}")]
    NotStarted {
        action: Action,
        status: BookingStatus,
        start: DateTime<Utc>,
    },
    #[error("cannot {action} a meeting that has already started; it is {status}")]
    AlreadyStarted {
        action: Action,
        status: BookingStatus,
    },
    #[error("cannot {action} a meeting that has already ended; it is {status}")]
    AlreadyEnded {
        action: Action,
        status: BookingStatus,
    },
    #[error(
        "this meeting has already been moved {limit} times with its link; to move it again, please contact the department"
    )]
    RescheduleLimit { limit: usize },
}

impl Lifecycle {
    /// The state after `action` at `now`, or why it is not allowed.
    pub fn apply(self, action: Action, now: DateTime<Utc>) -> Result<Self, TransitionError> {
        use BookingStatus as S;
        let status = self.status;
        let wrong = || TransitionError::WrongStatus { action, status };
        let started = now >= self.span.start();
        let ended = now >= self.span.end();
        match action {
            Action::Approve | Action::Reject => {
                if status != S::Pending || self.approval != Some(ApprovalStatus::Pending) {
                    return Err(TransitionError::NotAwaitingApproval { action, status });
                }
                if ended {
                    return Err(TransitionError::AlreadyEnded { action, status });
                }
                Ok(if action == Action::Approve {
                    Self {
                        status: S::Confirmed,
                        approval: Some(ApprovalStatus::Approved),
                        ..self
                    }
                } else {
                    Self {
                        status: S::Cancelled,
                        approval: Some(ApprovalStatus::Rejected),
                        ..self
                    }
                })
            }
            Action::Cancel => {
                if !status.holds_time() {
                    return Err(wrong());
                }
                if ended {
                    return Err(TransitionError::AlreadyEnded { action, status });
                }
                Ok(Self {
                    status: S::Cancelled,
                    ..self
                })
            }
            Action::Complete | Action::MarkNoShow => {
                if status != S::Confirmed {
                    return Err(wrong());
                }
                if !started {
                    return Err(TransitionError::NotStarted {
                        action,
                        status,
                        start: self.span.start(),
                    });
                }
                let status = if action == Action::Complete {
                    S::Completed
                } else {
                    S::NoShow
                };
                Ok(Self { status, ..self })
            }
            Action::Reschedule | Action::Reassign => {
                if !status.holds_time() {
                    return Err(wrong());
                }
                if started {
                    return Err(TransitionError::AlreadyStarted { action, status });
                }
                Ok(self)
            }
        }
    }
}

/// Whether a customer's cancel or reschedule link still works: until the meeting ends, however
/// far ahead it was booked and wherever it moved (a link that expired sooner would leave a
/// meeting booked weeks ahead without one in the days before it).
pub fn self_service_open(meeting_end: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now < meeting_end
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 29, hour, 0, 0).unwrap()
    }

    /// A meeting from 10:00 to 11:00.
    fn booking(status: BookingStatus, approval: Option<ApprovalStatus>) -> Lifecycle {
        Lifecycle {
            status,
            approval,
            span: Interval::new(at(10), at(11)).unwrap(),
        }
    }

    fn confirmed() -> Lifecycle {
        booking(BookingStatus::Confirmed, None)
    }

    fn awaiting_approval() -> Lifecycle {
        booking(BookingStatus::Pending, Some(ApprovalStatus::Pending))
    }

    #[test]
    fn approving_a_pending_booking_confirms_it() {
        let next = awaiting_approval().apply(Action::Approve, at(8)).unwrap();
        assert_eq!(next.status, BookingStatus::Confirmed);
        assert_eq!(next.approval, Some(ApprovalStatus::Approved));
    }

    #[test]
    fn rejecting_a_pending_booking_cancels_it() {
        let next = awaiting_approval().apply(Action::Reject, at(8)).unwrap();
        assert_eq!(next.status, BookingStatus::Cancelled);
        assert_eq!(next.approval, Some(ApprovalStatus::Rejected));
    }

    #[test]
    fn a_booking_that_needs_no_approval_cannot_be_approved_and_the_message_says_why() {
        let error = confirmed().apply(Action::Approve, at(8)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot approve a booking that is not waiting for approval (it is confirmed)"
        );
        let approved = awaiting_approval().apply(Action::Approve, at(8)).unwrap();
        assert!(approved.apply(Action::Reject, at(8)).is_err());
    }

    #[test]
    fn completed_and_no_show_only_once_the_meeting_has_started() {
        let error = confirmed().apply(Action::Complete, at(9)).unwrap_err();
        assert!(matches!(error, TransitionError::NotStarted { .. }));
        assert!(error.to_string().contains("it is confirmed"), "{error}");
        assert!(confirmed().apply(Action::MarkNoShow, at(9)).is_err());
        assert_eq!(
            confirmed().apply(Action::Complete, at(10)).unwrap().status,
            BookingStatus::Completed
        );
        assert_eq!(
            confirmed()
                .apply(Action::MarkNoShow, at(12))
                .unwrap()
                .status,
            BookingStatus::NoShow
        );
    }

    #[test]
    fn a_booking_awaiting_approval_cannot_be_completed() {
        assert!(matches!(
            awaiting_approval().apply(Action::Complete, at(12)),
            Err(TransitionError::WrongStatus { .. })
        ));
    }

    #[test]
    fn cancelling_is_allowed_until_the_meeting_ends_and_only_once() {
        let cancelled = confirmed().apply(Action::Cancel, at(10)).unwrap();
        assert_eq!(cancelled.status, BookingStatus::Cancelled);
        let again = cancelled.apply(Action::Cancel, at(10)).unwrap_err();
        assert_eq!(
            again.to_string(),
            "cannot cancel a booking that is cancelled"
        );
        assert!(matches!(
            confirmed().apply(Action::Cancel, at(11)),
            Err(TransitionError::AlreadyEnded { .. })
        ));
        assert!(awaiting_approval().apply(Action::Cancel, at(8)).is_ok());
    }

    #[test]
    fn moving_is_allowed_for_held_bookings_that_have_not_started() {
        for action in [Action::Reschedule, Action::Reassign] {
            assert_eq!(confirmed().apply(action, at(9)), Ok(confirmed()));
            assert_eq!(
                awaiting_approval().apply(action, at(9)),
                Ok(awaiting_approval())
            );
            assert!(matches!(
                confirmed().apply(action, at(10)),
                Err(TransitionError::AlreadyStarted { .. })
            ));
            let done = booking(BookingStatus::Completed, None);
            assert!(matches!(
                done.apply(action, at(9)),
                Err(TransitionError::WrongStatus { .. })
            ));
        }
    }

    #[test]
    fn no_action_leads_out_of_a_cancelled_completed_or_no_show_booking() {
        let actions = [
            Action::Approve,
            Action::Reject,
            Action::Cancel,
            Action::Complete,
            Action::MarkNoShow,
            Action::Reschedule,
            Action::Reassign,
        ];
        for status in [
            BookingStatus::Cancelled,
            BookingStatus::Completed,
            BookingStatus::NoShow,
        ] {
            for action in actions {
                for now in [at(8), at(10), at(12)] {
                    assert!(
                        booking(status, None).apply(action, now).is_err(),
                        "{action} from {status}"
                    );
                }
            }
        }
    }

    #[test]
    fn self_service_links_work_until_the_meeting_ends_however_long_ago_they_were_issued() {
        assert!(self_service_open(at(11), at(8) - Duration::days(59)));
        assert!(self_service_open(at(11), at(10)));
        assert!(!self_service_open(at(11), at(11)));
    }
}
