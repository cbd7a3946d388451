//! What a change of a booking's status does, decided before anything is written: the new state,
//! the fields the change sets, the history entry, whether calendars must hear of it, and the
//! notice that tells people.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Action, ActorRole, Booking, HistoryAction, HistoryEntry, Lifecycle, TransitionError};
use crate::notification::Notice;

/// A change of status that staff, or the customer with their link, ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusChange {
    Approve,
    Reject {
        reason: String,
    },
    Cancel {
        reason: Option<String>,
        notes: Option<String>,
    },
    Complete,
    MarkNoShow,
}

impl StatusChange {
    pub fn action(&self) -> Action {
        match self {
            Self::Approve => Action::Approve,
            Self::Reject { .. } => Action::Reject,
            Self::Cancel { .. } => Action::Cancel,
            Self::Complete => Action::Complete,
            Self::MarkNoShow => Action::MarkNoShow,
        }
    }
}

/// Who makes a change: a staff user, or the customer or the system (no user).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub role: ActorRole,
}

impl From<ActorRole> for Actor {
    /// The customer or the system, acting without a user account.
    fn from(role: ActorRole) -> Self {
        Self {
            user_id: None,
            role,
        }
    }
}

/// How a booking ends when it is cancelled or rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancellation {
    pub by: ActorRole,
    pub reason: Option<String>,
    pub notes: Option<String>,
    pub at: DateTime<Utc>,
}

/// An approval or rejection: who decided, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub by: Option<Uuid>,
    pub at: DateTime<Utc>,
}

/// Everything a status change writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChangePlan {
    pub after: Lifecycle,
    pub decision: Option<Decision>,
    pub rejection_reason: Option<String>,
    /// Set when the booking stops holding its time by someone's choice; its cancel link dies.
    pub cancellation: Option<Cancellation>,
    /// The invites people hold must be replaced (`SEQUENCE` goes up).
    pub bumps_sequence: bool,
    pub history: HistoryEntry,
    pub notice: Option<Notice>,
}

/// Plans `change` of `before` by `actor` at `now`, or says why the booking's state refuses it.
pub fn plan_status_change(
    before: &Booking,
    change: StatusChange,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<StatusChangePlan, TransitionError> {
    let after = before.lifecycle().apply(change.action(), now)?;
    let decision = Some(Decision {
        by: actor.user_id,
        at: now,
    });
    let cancellation = |reason: Option<String>, notes| Cancellation {
        by: actor.role,
        reason,
        notes,
        at: now,
    };
    let (history_action, notes, plan) = match change {
        StatusChange::Approve => (
            HistoryAction::Approved,
            None,
            Partial {
                decision,
                rejection_reason: None,
                cancellation: None,
                bumps_sequence: true,
                notice: Some(Notice::Approved),
            },
        ),
        StatusChange::Reject { reason } => (
            HistoryAction::Rejected,
            Some(reason.clone()),
            Partial {
                decision,
                rejection_reason: Some(reason.clone()),
                cancellation: Some(cancellation(Some(reason.clone()), None)),
                bumps_sequence: true,
                notice: Some(Notice::Rejected { reason }),
            },
        ),
        StatusChange::Cancel { reason, notes } => (
            HistoryAction::Cancelled,
            reason.clone(),
            Partial {
                decision: None,
                rejection_reason: None,
                cancellation: Some(cancellation(reason.clone(), notes)),
                bumps_sequence: true,
                notice: Some(Notice::Cancelled {
                    by: actor.role,
                    reason,
                    series: None,
                }),
            },
        ),
        // How a meeting went changes nobody's calendar and tells nobody.
        StatusChange::Complete => (HistoryAction::Completed, None, Partial::quiet()),
        StatusChange::MarkNoShow => (HistoryAction::NoShow, None, Partial::quiet()),
    };
    Ok(StatusChangePlan {
        after,
        decision: plan.decision,
        rejection_reason: plan.rejection_reason,
        cancellation: plan.cancellation,
        bumps_sequence: plan.bumps_sequence,
        history: HistoryEntry {
            action: history_action,
            action_by: actor.user_id,
            action_by_role: actor.role,
            action_utc: now,
            old_value: Some(before.status.as_ref().to_owned()),
            new_value: Some(after.status.as_ref().to_owned()),
            notes,
        },
        notice: plan.notice,
    })
}

/// The part of a plan that depends on the kind of change.
struct Partial {
    decision: Option<Decision>,
    rejection_reason: Option<String>,
    cancellation: Option<Cancellation>,
    bumps_sequence: bool,
    notice: Option<Notice>,
}

impl Partial {
    fn quiet() -> Self {
        Self {
            decision: None,
            rejection_reason: None,
            cancellation: None,
            bumps_sequence: false,
            notice: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::{
        booking::{ApprovalStatus, BookingStatus},
        fixtures::{booking, person},
    };

    fn leader() -> Actor {
        Actor {
            user_id: Some(Uuid::from_u128(2)),
            role: ActorRole::DepartmentLeader,
        }
    }

    #[test]
    fn approving_confirms_records_the_decision_and_sends_a_new_invite() {
        let host = person(1, "Hanna");
        let mut pending = booking(&host, BookingStatus::Pending, false);
        pending.approval = Some(ApprovalStatus::Pending);
        let now = pending.span.start() - Duration::days(1);
        let plan = plan_status_change(&pending, StatusChange::Approve, leader(), now).unwrap();
        assert_eq!(plan.after.status, BookingStatus::Confirmed);
        assert_eq!(plan.after.approval, Some(ApprovalStatus::Approved));
        assert_eq!(
            plan.decision,
            Some(Decision {
                by: leader().user_id,
                at: now
            })
        );
        assert!(plan.bumps_sequence);
        assert_eq!(plan.cancellation, None);
        assert_eq!(plan.notice, Some(Notice::Approved));
        assert_eq!(plan.history.action, HistoryAction::Approved);
        assert_eq!(plan.history.old_value.as_deref(), Some("pending"));
        assert_eq!(plan.history.new_value.as_deref(), Some("confirmed"));
    }

    #[test]
    fn rejecting_cancels_with_the_reason_everywhere_it_is_shown() {
        let host = person(1, "Hanna");
        let mut pending = booking(&host, BookingStatus::Pending, false);
        pending.approval = Some(ApprovalStatus::Pending);
        let now = pending.span.start() - Duration::days(1);
        let change = StatusChange::Reject {
            reason: "fully booked".to_owned(),
        };
        let plan = plan_status_change(&pending, change, leader(), now).unwrap();
        assert_eq!(plan.after.status, BookingStatus::Cancelled);
        assert_eq!(plan.rejection_reason.as_deref(), Some("fully booked"));
        let cancellation = plan.cancellation.unwrap();
        assert_eq!(cancellation.reason.as_deref(), Some("fully booked"));
        assert_eq!(cancellation.by, ActorRole::DepartmentLeader);
        assert_eq!(plan.history.notes.as_deref(), Some("fully booked"));
        assert_eq!(
            plan.notice,
            Some(Notice::Rejected {
                reason: "fully booked".to_owned()
            })
        );
    }

    #[test]
    fn a_customer_cancellation_says_who_cancelled_in_the_notice() {
        let host = person(1, "Hanna");
        let confirmed = booking(&host, BookingStatus::Confirmed, false);
        let customer = Actor {
            user_id: None,
            role: ActorRole::Customer,
        };
        let change = StatusChange::Cancel {
            reason: Some("ill".to_owned()),
            notes: None,
        };
        let now = confirmed.span.start() - Duration::hours(2);
        let plan = plan_status_change(&confirmed, change, customer, now).unwrap();
        assert_eq!(
            plan.notice,
            Some(Notice::Cancelled {
                by: ActorRole::Customer,
                reason: Some("ill".to_owned()),
                series: None,
            })
        );
        assert_eq!(plan.history.action_by, None);
        assert!(plan.bumps_sequence);
    }

    #[test]
    fn completing_a_meeting_tells_nobody_and_leaves_calendars_alone() {
        let host = person(1, "Hanna");
        let confirmed = booking(&host, BookingStatus::Confirmed, false);
        let after_it = confirmed.span.end() + Duration::minutes(5);
        let plan =
            plan_status_change(&confirmed, StatusChange::Complete, leader(), after_it).unwrap();
        assert_eq!(plan.after.status, BookingStatus::Completed);
        assert_eq!(plan.notice, None);
        assert!(!plan.bumps_sequence);
    }

    #[test]
    fn a_change_the_state_refuses_plans_nothing() {
        let host = person(1, "Hanna");
        let cancelled = booking(&host, BookingStatus::Cancelled, false);
        let now = cancelled.span.start() - Duration::days(1);
        let refused = plan_status_change(&cancelled, StatusChange::MarkNoShow, leader(), now);
        assert!(matches!(refused, Err(TransitionError::WrongStatus { .. })));
    }
}
