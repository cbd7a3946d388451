//! What follows a missed customer meeting: the customer's invitation to book again, when the
//! meeting type sends one, and the automatic no-show mark of a meeting nobody marked.

use chrono::{DateTime, Utc};

use super::{
    Actor, ActorRole, Booking, BookingStatus, BookingType, StatusChange, StatusChangePlan,
    plan_status_change,
};
use crate::{Minutes, meeting_type::MeetingType, notification::Notice};

/// The email a customer marked as a no-show gets, when their meeting type sends one.
pub fn no_show_follow_up(booking: &Booking, meeting_type: &MeetingType) -> Option<Notice> {
    (meeting_type.follow_up.no_show_email && booking.customer.is_some())
        .then_some(Notice::NoShowFollowUp)
}

/// The system's no-show mark of a confirmed customer meeting that nobody marked `after` its
/// start; `None` while it is not due or when someone already marked the meeting.
pub fn plan_automatic_no_show(
    before: &Booking,
    after: Minutes,
    now: DateTime<Utc>,
) -> Option<StatusChangePlan> {
    let due = before.span.start() + after.to_duration();
    if before.status != BookingStatus::Confirmed
        || before.booking_type != BookingType::Customer
        || now < due
    {
        return None;
    }
    let mut plan = plan_status_change(
        before,
        StatusChange::MarkNoShow,
        Actor::from(ActorRole::System),
        now,
    )
    .ok()?;
    plan.history.notes = Some(format!(
        "marked automatically {} minutes after the start: nobody marked the meeting completed",
        after.get()
    ));
    Some(plan)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::{
        booking::HistoryAction,
        fixtures::{booking, meeting_type, person},
    };

    fn confirmed() -> Booking {
        booking(&person(1, "Hana"), BookingStatus::Confirmed, true)
    }

    fn fifteen() -> Minutes {
        Minutes::parse_in(15, Minutes::NO_SHOW_DELAY).unwrap()
    }

    #[test]
    fn a_meeting_nobody_marked_becomes_a_no_show_once_its_delay_has_passed() {
        let meeting = confirmed();
        let start = meeting.span.start();
        assert!(
            plan_automatic_no_show(&meeting, fifteen(), start + Duration::minutes(14)).is_none()
        );
        let plan =
            plan_automatic_no_show(&meeting, fifteen(), start + Duration::minutes(15)).unwrap();
        assert_eq!(plan.after.status, BookingStatus::NoShow);
        assert_eq!(plan.history.action, HistoryAction::NoShow);
        assert_eq!(plan.history.action_by_role, ActorRole::System);
        assert!(
            plan.history
                .notes
                .unwrap()
                .contains("15 minutes after the start")
        );
    }

    #[test]
    fn a_marked_cancelled_or_internal_meeting_is_left_alone() {
        let late = confirmed().span.start() + Duration::hours(2);
        for status in [
            BookingStatus::Completed,
            BookingStatus::NoShow,
            BookingStatus::Cancelled,
            BookingStatus::Pending,
        ] {
            let mut meeting = confirmed();
            meeting.status = status;
            assert!(
                plan_automatic_no_show(&meeting, fifteen(), late).is_none(),
                "{status}"
            );
        }
        let mut internal = confirmed();
        internal.booking_type = BookingType::Internal;
        assert!(plan_automatic_no_show(&internal, fifteen(), late).is_none());
    }

    #[test]
    fn the_follow_up_goes_to_customers_when_the_meeting_type_sends_it() {
        let mut kind = meeting_type();
        let meeting = confirmed();
        assert_eq!(no_show_follow_up(&meeting, &kind), None);
        kind.follow_up.no_show_email = true;
        assert_eq!(
            no_show_follow_up(&meeting, &kind),
            Some(Notice::NoShowFollowUp)
        );
        let mut erased = confirmed();
        erased.customer = None;
        assert_eq!(no_show_follow_up(&erased, &kind), None);
    }
}
