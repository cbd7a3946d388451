//! How a new booking starts: its first status and approval, who hosts it and how they were
//! chosen, its title and its first history entry, decided before anything is written.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    Actor, ApprovalStatus, AssignmentMethod, BookingSource, BookingStatus, BookingType,
    HistoryAction, HistoryEntry,
};
use crate::{
    assignment,
    department::Department,
    meeting_type::MeetingType,
    scheduling::{AttendeeConflict, MeetingSpec, Schedule},
};

/// Which member hosts a new customer booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostChoice {
    /// The department's algorithm picks among the members free at an offered slot.
    ByAlgorithm,
    /// Staff name the member; they must be free, but the time need not be on the slot grid and
    /// minimum notice and the booking window do not apply.
    Member(Uuid),
}

/// Why a new booking cannot have the time asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    /// No member of the department is free at the offered slot.
    #[error("nobody is free at that time")]
    NobodyFree,
    /// The people named cannot attend; each reason with the person it concerns.
    #[error("not everyone is free at that time")]
    Conflicts(Vec<AttendeeConflict>),
    /// Some meetings of a series do not fit: each with its reasons.
    #[error("not every meeting of the series fits")]
    Series(Vec<MeetingConflicts>),
}

/// Why one meeting of a series cannot be booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingConflicts {
    /// Its place in the series: 1 for the first.
    pub index: u16,
    pub start: DateTime<Utc>,
    /// Its date in the series' zone: what staff name to skip it.
    pub date: chrono::NaiveDate,
    pub conflicts: Vec<AttendeeConflict>,
}

/// A new booking's first state, host and history, as the creation transaction writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreationPlan {
    pub booking_type: BookingType,
    pub source: BookingSource,
    pub status: BookingStatus,
    pub approval: Option<ApprovalStatus>,
    pub host: Uuid,
    pub method: AssignmentMethod,
    pub title: String,
    /// The `created` entry of the booking's history.
    pub history: HistoryEntry,
}

/// Who may host a new customer booking at `start`, judged on the department's `schedule`: the
/// member staff named, if free; or the members free at the offered slot in the order the
/// department's algorithm prefers them (`upcoming_bookings` feeds `least_busy`), so that a
/// creation that finds its first choice taken meanwhile can try the next.
pub fn host_candidates(
    choice: HostChoice,
    department: &Department,
    schedule: &Schedule,
    spec: &MeetingSpec,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    upcoming_bookings: impl Fn(Uuid) -> u32,
) -> Result<Vec<(Uuid, AssignmentMethod)>, Unavailable> {
    match choice {
        HostChoice::Member(member) => {
            let conflicts = schedule.member_conflicts(member, spec, start, now);
            if conflicts.is_empty() {
                Ok(vec![(member, AssignmentMethod::Manual)])
            } else {
                Err(Unavailable::Conflicts(conflicts))
            }
        }
        HostChoice::ByAlgorithm => {
            let free = free_members_at(schedule, spec, start, now);
            let ranked = rank_free_members(department, &free, upcoming_bookings);
            if ranked.is_empty() {
                Err(Unavailable::NobodyFree)
            } else {
                Ok(ranked)
            }
        }
    }
}

/// The members of `schedule` who can take a meeting like `spec` offered at `start`.
pub fn free_members_at(
    schedule: &Schedule,
    spec: &MeetingSpec,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<Uuid> {
    let window = crate::Interval::starting_at(start, crate::Minutes::ONE);
    schedule
        .open_slots(spec, window)
        .free_members_at(start, now)
}

/// The member of `free` the department's algorithm picks, and the method to record for it.
pub fn pick_free_member(
    department: &Department,
    free: &[Uuid],
    upcoming_bookings: impl Fn(Uuid) -> u32,
) -> Option<(Uuid, AssignmentMethod)> {
    rank_free_members(department, free, upcoming_bookings)
        .into_iter()
        .next()
}

/// The members of `free` in the order the department's algorithm prefers them, each with the
/// method to record: whom to try next when the first turns out to be taken meanwhile.
pub fn rank_free_members(
    department: &Department,
    free: &[Uuid],
    upcoming_bookings: impl Fn(Uuid) -> u32,
) -> Vec<(Uuid, AssignmentMethod)> {
    let candidates = assignment::candidates(department, free, upcoming_bookings);
    let method = AssignmentMethod::of(department.algorithm);
    assignment::rank(department.algorithm, &candidates)
        .into_iter()
        .map(|chosen| (chosen.user_id, method))
        .collect()
}

/// A customer booking with `host`: pending a leader's approval when its meeting type asks for
/// one, else confirmed at once; titled by the meeting type and the customer.
pub fn plan_customer_booking(
    meeting_type: &MeetingType,
    customer_name: &str,
    (host, method): (Uuid, AssignmentMethod),
    source: BookingSource,
    by: Actor,
    now: DateTime<Utc>,
) -> CreationPlan {
    let (status, approval) = if meeting_type.requires_approval {
        (BookingStatus::Pending, Some(ApprovalStatus::Pending))
    } else {
        (BookingStatus::Confirmed, None)
    };
    CreationPlan {
        booking_type: BookingType::Customer,
        source,
        status,
        approval,
        host,
        method,
        title: format!("{} – {customer_name}", meeting_type.name),
        history: created(status, by, now),
    }
}

/// An internal meeting hosted by `host`: confirmed at once (staff placed it where everyone is
/// free; nobody approves colleagues' meetings), titled by its meeting type.
pub fn plan_internal_meeting(
    meeting_type: &MeetingType,
    host: Uuid,
    by: Actor,
    now: DateTime<Utc>,
) -> CreationPlan {
    let status = BookingStatus::Confirmed;
    CreationPlan {
        booking_type: BookingType::Internal,
        source: BookingSource::InternalSystem,
        status,
        approval: None,
        host,
        method: AssignmentMethod::Manual,
        title: meeting_type.name.clone(),
        history: created(status, by, now),
    }
}

fn created(status: BookingStatus, by: Actor, now: DateTime<Utc>) -> HistoryEntry {
    HistoryEntry {
        action: HistoryAction::Created,
        action_by: by.user_id,
        action_by_role: by.role,
        action_utc: now,
        old_value: None,
        new_value: Some(status.as_ref().to_owned()),
        notes: None,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;
    use crate::{
        booking::ActorRole,
        department::{AssignmentAlgorithm, Member},
        fixtures::{department, meeting_type},
    };

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap()
    }

    fn member(n: u128) -> Member {
        Member {
            user_id: Uuid::from_u128(n),
            is_active: true,
            assignment_priority: 1,
            last_assigned_utc: None,
            total_assignments: 0,
        }
    }

    #[test]
    fn a_customer_booking_is_confirmed_at_once_unless_its_type_asks_for_approval() {
        let host = (Uuid::from_u128(1), AssignmentMethod::RoundRobin);
        let customer = Actor::from(ActorRole::Customer);
        let mut kind = meeting_type();
        let source = BookingSource::PublicBookingPage;

        let plan = plan_customer_booking(&kind, "Ada", host, source, customer, now());
        assert_eq!(
            (plan.status, plan.approval),
            (BookingStatus::Confirmed, None)
        );

        kind.requires_approval = true;
        let plan = plan_customer_booking(&kind, "Ada", host, source, customer, now());
        assert_eq!(
            (plan.status, plan.approval),
            (BookingStatus::Pending, Some(ApprovalStatus::Pending))
        );
        assert_eq!(plan.history.action, HistoryAction::Created);
        assert_eq!(plan.history.new_value.as_deref(), Some("pending"));
        assert_eq!(plan.history.action_by_role, ActorRole::Customer);
    }

    #[test]
    fn a_customer_booking_is_titled_by_its_meeting_type_and_customer() {
        let plan = plan_customer_booking(
            &meeting_type(),
            "Ada Lovelace",
            (Uuid::from_u128(1), AssignmentMethod::Manual),
            BookingSource::ManualEntry,
            Actor::from(ActorRole::System),
            now(),
        );
        assert_eq!(plan.title, "Consultation – Ada Lovelace");
        assert_eq!(plan.booking_type, BookingType::Customer);
    }

    #[test]
    fn an_internal_meeting_is_confirmed_even_when_its_type_asks_for_approval() {
        let mut kind = meeting_type();
        kind.requires_approval = true;
        let leader = Actor {
            user_id: Some(Uuid::from_u128(9)),
            role: ActorRole::DepartmentLeader,
        };
        let plan = plan_internal_meeting(&kind, Uuid::from_u128(1), leader, now());
        assert_eq!(plan.status, BookingStatus::Confirmed);
        assert_eq!(plan.approval, None);
        assert_eq!(plan.method, AssignmentMethod::Manual);
        assert_eq!(plan.source, BookingSource::InternalSystem);
        assert_eq!(plan.history.action_by, leader.user_id);
    }

    #[test]
    fn the_algorithm_picks_only_among_free_members_and_records_its_method() {
        let mut support = department(None);
        support.algorithm = AssignmentAlgorithm::LeastBusy;
        support.members = vec![member(1), member(2), member(3)];
        let upcoming = |id: Uuid| [0, 5, 0, 1][id.as_u128() as usize];
        // Member 2 has the fewest bookings but is not free; of the free, member 3 has fewer.
        let free = [Uuid::from_u128(1), Uuid::from_u128(3)];
        let (host, method) = pick_free_member(&support, &free, upcoming).unwrap();
        assert_eq!(host, Uuid::from_u128(3));
        assert_eq!(method, AssignmentMethod::LeastBusy);
    }

    #[test]
    fn the_ranking_lists_every_free_member_in_the_algorithms_order() {
        let mut support = department(None);
        support.algorithm = AssignmentAlgorithm::LeastBusy;
        support.members = vec![member(1), member(2), member(3)];
        let upcoming = |id: Uuid| [0, 5, 0, 1][id.as_u128() as usize];
        let all = [1, 2, 3].map(Uuid::from_u128);
        let ranked: Vec<Uuid> = rank_free_members(&support, &all, upcoming)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ranked, [2, 3, 1].map(Uuid::from_u128));
        assert_eq!(
            pick_free_member(&support, &all, upcoming).map(|(id, _)| id),
            Some(ranked[0]),
            "the pick is the first of the ranking"
        );
    }

    #[test]
    fn nobody_is_picked_when_nobody_is_free() {
        let mut support = department(None);
        support.members = vec![member(1)];
        assert_eq!(pick_free_member(&support, &[], |_| 0), None);
    }
}
