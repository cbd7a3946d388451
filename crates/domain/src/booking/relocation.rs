//! Moving a booking to another time or host: whose rules apply, whether the booking may move,
//! and what a move writes once the new host is known.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    Action, Actor, AssignmentMethod, AssignmentType, Booking, HistoryAction, HistoryEntry,
    TransitionError,
};
use crate::Interval;

/// Whose rules a move follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovePolicy {
    /// The customer's reschedule link: only offered slots; the host stays if still free, else the
    /// department's algorithm picks another free member.
    Customer,
    /// Staff: any start the host is free at, at short notice too.
    Staff,
}

/// A new time and/or host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub start: DateTime<Utc>,
    /// `None`: keep the host (or, for a customer, let the algorithm choose when they are busy).
    pub host: Option<Uuid>,
    pub policy: MovePolicy,
    pub reason: Option<String>,
    /// A drag in the calendar rather than the reassign form, for the assignment history.
    pub dragged: bool,
}

impl Move {
    /// What the move asks of the booking's lifecycle: a reassignment when only the host
    /// changes, else a reschedule.
    pub fn action(&self, before: &Booking) -> Action {
        let other_host = self.host.is_some_and(|h| h != before.assigned_to);
        if other_host && self.start == before.span.start() {
            Action::Reassign
        } else {
            Action::Reschedule
        }
    }

    /// Whether `before` may move at `now`: its state, and for the customer's link the number
    /// of moves it allows.
    pub fn check_allowed(
        &self,
        before: &Booking,
        now: DateTime<Utc>,
    ) -> Result<(), TransitionError> {
        before.lifecycle().apply(self.action(before), now)?;
        if self.policy == MovePolicy::Customer {
            before.customer_may_reschedule()?;
        }
        Ok(())
    }
}

/// The move would leave the booking where it is; `field` names the request field at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the booking is already there")]
pub struct AlreadyThere {
    pub field: &'static str,
}

/// Everything a move writes, once the host is chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovePlan {
    pub span: Interval,
    pub host: Uuid,
    /// The time changes: the customer and everyone in the meeting hear of it.
    pub moved: bool,
    /// The host changes: both hosts hear of it, and the new one's counters go up.
    pub reassigned: bool,
    /// How the new host is recorded, when the host changes.
    pub assignment: Option<(AssignmentMethod, AssignmentType)>,
    /// The new primary host was a co-host: they lead it now, and are a co-host no longer.
    pub promotes_co_host: bool,
    /// Who moved it (`None`: the customer or the system), and why, as they said.
    pub moved_by: Option<Uuid>,
    pub reason: Option<String>,
    /// One entry per kind of change, the reschedule first.
    pub history: Vec<HistoryEntry>,
}

/// Plans moving `before` as `to` asks to `span` with `host` (chosen by `method` for a customer's
/// move), by `actor` at `now`.
pub fn plan_move(
    before: &Booking,
    to: &Move,
    span: Interval,
    host: Uuid,
    method: AssignmentMethod,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<MovePlan, AlreadyThere> {
    let moved = span != before.span;
    let reassigned = host != before.assigned_to;
    if !moved && !reassigned {
        let field = if to.host.is_some() {
            "assigned_to"
        } else {
            "start_utc"
        };
        return Err(AlreadyThere { field });
    }
    let entry = |action, old_value, new_value| HistoryEntry {
        action,
        action_by: actor.user_id,
        action_by_role: actor.role,
        action_utc: now,
        old_value: Some(old_value),
        new_value: Some(new_value),
        notes: to.reason.clone(),
    };
    let mut history = Vec::new();
    if moved {
        history.push(entry(
            HistoryAction::Rescheduled,
            instant_text(before.span.start()),
            instant_text(span.start()),
        ));
    }
    let assignment = reassigned.then(|| match to.policy {
        MovePolicy::Customer => (method, method.assignment_type()),
        MovePolicy::Staff if to.dragged => {
            (AssignmentMethod::Manual, AssignmentType::ManualDragDrop)
        }
        MovePolicy::Staff => (AssignmentMethod::Manual, AssignmentType::ManualDirect),
    });
    if reassigned {
        history.push(entry(
            HistoryAction::Reassigned,
            before.assigned_to.to_string(),
            host.to_string(),
        ));
    }
    let promotes_co_host = reassigned && before.co_hosts().any(|p| p.user_id == Some(host));
    Ok(MovePlan {
        span,
        host,
        moved,
        reassigned,
        assignment,
        promotes_co_host,
        moved_by: actor.user_id,
        reason: to.reason.clone(),
        history,
    })
}

/// An instant as a history entry records it: `2027-03-29T07:00:00Z`.
fn instant_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::{
        booking::{ActorRole, BookingStatus},
        fixtures::{booking, person},
    };

    fn staff() -> Actor {
        Actor {
            user_id: Some(Uuid::from_u128(9)),
            role: ActorRole::SystemManager,
        }
    }

    /// A staff drag of a meeting to `start`, onto `host`'s column if given.
    fn drag(start: DateTime<Utc>, host: Option<Uuid>) -> Move {
        Move {
            start,
            host,
            policy: MovePolicy::Staff,
            reason: None,
            dragged: true,
        }
    }

    #[test]
    fn another_host_at_the_same_time_is_a_reassignment_and_anything_else_a_reschedule() {
        let host = person(1, "Hanna");
        let b = booking(&host, BookingStatus::Confirmed, false);
        let other = Uuid::from_u128(2);
        let start = b.span.start();
        assert_eq!(drag(start, Some(other)).action(&b), Action::Reassign);
        let later = start + Duration::hours(1);
        assert_eq!(drag(later, Some(other)).action(&b), Action::Reschedule);
        assert_eq!(drag(later, None).action(&b), Action::Reschedule);
        assert_eq!(drag(start, Some(host.id)).action(&b), Action::Reschedule);
    }

    #[test]
    fn a_drag_to_another_member_and_time_records_both_changes_as_a_manual_drag() {
        let host = person(1, "Hanna");
        let b = booking(&host, BookingStatus::Confirmed, false);
        let other = Uuid::from_u128(2);
        let later = b.span.start() + Duration::hours(1);
        let to = drag(later, Some(other));
        let span = Interval::new(later, later + Duration::minutes(30)).unwrap();
        let now = b.span.start() - Duration::days(1);
        let plan = plan_move(
            &b,
            &to,
            span,
            other,
            AssignmentMethod::RoundRobin,
            staff(),
            now,
        )
        .unwrap();
        assert!(plan.moved && plan.reassigned);
        assert_eq!(
            plan.assignment,
            Some((AssignmentMethod::Manual, AssignmentType::ManualDragDrop))
        );
        let actions: Vec<_> = plan.history.iter().map(|h| h.action).collect();
        assert_eq!(
            actions,
            [HistoryAction::Rescheduled, HistoryAction::Reassigned]
        );
        assert_eq!(
            plan.history[0].new_value.as_deref(),
            Some("2027-03-29T08:00:00Z")
        );
    }

    #[test]
    fn reassigning_to_a_co_host_makes_them_the_primary_host_and_no_longer_a_co_host() {
        let (hanna, ole) = (person(1, "Hanna"), person(2, "Ole"));
        let mut b = booking(&hanna, BookingStatus::Confirmed, false);
        b.participants.push(crate::booking::Participant {
            user_id: Some(ole.id),
            name: ole.full_name.clone(),
            email: ole.email.clone(),
            attendance: crate::booking::AttendanceStatus::Confirmed,
            response_utc: None,
            is_host: true,
        });
        let to = drag(b.span.start(), Some(ole.id));
        let now = b.span.start() - Duration::days(1);
        let method = AssignmentMethod::Manual;
        let plan = plan_move(&b, &to, b.span, ole.id, method, staff(), now).unwrap();
        assert!(plan.reassigned && plan.promotes_co_host);
        let third = Uuid::from_u128(3);
        let plan = plan_move(&b, &to, b.span, third, method, staff(), now).unwrap();
        assert!(
            !plan.promotes_co_host,
            "Ole stays a co-host when another takes over"
        );
    }

    #[test]
    fn a_customer_move_to_a_busy_host_is_recorded_as_the_departments_algorithm_chose() {
        let host = person(1, "Hanna");
        let b = booking(&host, BookingStatus::Confirmed, false);
        let later = b.span.start() + Duration::hours(1);
        let to = Move {
            start: later,
            host: None,
            policy: MovePolicy::Customer,
            reason: None,
            dragged: false,
        };
        let span = Interval::new(later, later + Duration::minutes(30)).unwrap();
        let customer = Actor::from(ActorRole::Customer);
        let now = b.span.start() - Duration::days(1);
        let plan = plan_move(
            &b,
            &to,
            span,
            Uuid::from_u128(3),
            AssignmentMethod::LeastBusy,
            customer,
            now,
        )
        .unwrap();
        assert_eq!(
            plan.assignment,
            Some((AssignmentMethod::LeastBusy, AssignmentType::AutoLeastBusy))
        );
    }

    #[test]
    fn a_move_to_where_the_booking_already_is_names_the_field_asked() {
        let host = person(1, "Hanna");
        let b = booking(&host, BookingStatus::Confirmed, false);
        let now = b.span.start() - Duration::days(1);
        let same_host = drag(b.span.start(), Some(host.id));
        let refused = plan_move(
            &b,
            &same_host,
            b.span,
            host.id,
            AssignmentMethod::Manual,
            staff(),
            now,
        );
        assert_eq!(
            refused,
            Err(AlreadyThere {
                field: "assigned_to"
            })
        );
    }

    #[test]
    fn a_customer_may_not_move_past_the_links_limit() {
        let host = person(1, "Hanna");
        let mut b = booking(&host, BookingStatus::Confirmed, false);
        let moved_by_customer = |i| HistoryEntry {
            action: HistoryAction::Rescheduled,
            action_by: None,
            action_by_role: ActorRole::Customer,
            action_utc: b.created_utc + Duration::minutes(i),
            old_value: None,
            new_value: None,
            notes: None,
        };
        let limit = crate::limits::CUSTOMER_RESCHEDULES;
        b.history = (0..limit as i64).map(moved_by_customer).collect();
        let to = Move {
            start: b.span.start() + Duration::hours(1),
            host: None,
            policy: MovePolicy::Customer,
            reason: None,
            dragged: false,
        };
        let now = b.span.start() - Duration::days(1);
        assert!(matches!(
            to.check_allowed(&b, now),
            Err(TransitionError::RescheduleLimit { .. })
        ));
        let by_staff = Move {
            policy: MovePolicy::Staff,
            ..to
        };
        assert_eq!(by_staff.check_allowed(&b, now), Ok(()));
    }
}
