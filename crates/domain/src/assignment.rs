//! Choosing which free member takes a customer booking: round robin, least busy or weighted.
//! A pure choice; the booking transaction updates the counters it reads.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::department::{AssignmentAlgorithm, Department};

/// An active member of the department, with what the algorithms weigh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub user_id: Uuid,
    /// Whether the member can take the meeting at the requested time.
    pub free: bool,
    /// Place in the department's member list: the last tie-breaker, so choices are repeatable.
    pub roster_position: usize,
    pub assignment_priority: u32,
    pub last_assigned_utc: Option<DateTime<Utc>>,
    pub total_assignments: u32,
    /// Bookings the member hosts in the next seven days.
    pub upcoming_bookings: u32,
}

/// The department's active members in roster order, marked free when they are in `free`.
pub fn candidates(
    department: &Department,
    free: &[Uuid],
    upcoming_bookings: impl Fn(Uuid) -> u32,
) -> Vec<Candidate> {
    department
        .members
        .iter()
        .enumerate()
        .filter(|(_, m)| m.is_active)
        .map(|(roster_position, m)| Candidate {
            user_id: m.user_id,
            free: free.contains(&m.user_id),
            roster_position,
            assignment_priority: u32::try_from(m.assignment_priority.max(1)).unwrap_or(1),
            last_assigned_utc: m.last_assigned_utc,
            total_assignments: m.total_assignments,
            upcoming_bookings: upcoming_bookings(m.user_id),
        })
        .collect()
}

/// The free member the algorithm picks from the department's active members, or `None` when
/// nobody is free.
///
/// - `round_robin`: the least recently assigned (never assigned first).
/// - `least_busy`: the fewest upcoming bookings, then the least recently assigned.
/// - `weighted`: the member furthest behind their share of all assignments so far, the share
///   being proportional to priority (smooth weighted round robin, computed from the counters), so
///   every member's count stays within one of its proportional share; ties go to the higher
///   priority.
///
/// Remaining ties go to the earlier place in the roster.
pub fn choose(algorithm: AssignmentAlgorithm, candidates: &[Candidate]) -> Option<&Candidate> {
    rank(algorithm, candidates).into_iter().next()
}

/// The free candidates in the order the algorithm prefers them (see [`choose`]): whom to try
/// next when the first choice turns out to be taken.
pub fn rank(algorithm: AssignmentAlgorithm, candidates: &[Candidate]) -> Vec<&Candidate> {
    let assignments: i128 = candidates
        .iter()
        .map(|c| i128::from(c.total_assignments))
        .sum();
    let priorities: i128 = candidates
        .iter()
        .map(|c| i128::from(c.assignment_priority))
        .sum();
    // How far behind its share a member would be after one more assignment, scaled by the
    // total priority so the arithmetic stays exact.
    let deficit = |c: &Candidate| {
        (assignments + 1) * i128::from(c.assignment_priority)
            - priorities * i128::from(c.total_assignments)
    };
    let mut free: Vec<&Candidate> = candidates.iter().filter(|c| c.free).collect();
    free.sort_by(|a, b| {
        let primary = match algorithm {
            AssignmentAlgorithm::RoundRobin => Ordering::Equal,
            AssignmentAlgorithm::LeastBusy => a.upcoming_bookings.cmp(&b.upcoming_bookings),
            AssignmentAlgorithm::Weighted => deficit(b)
                .cmp(&deficit(a))
                .then(b.assignment_priority.cmp(&a.assignment_priority)),
        };
        primary
            .then(a.last_assigned_utc.cmp(&b.last_assigned_utc))
            .then(a.roster_position.cmp(&b.roster_position))
    });
    free
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    use super::*;

    fn candidate(n: usize) -> Candidate {
        Candidate {
            user_id: Uuid::from_u128(n as u128 + 1),
            free: true,
            roster_position: n,
            assignment_priority: 1,
            last_assigned_utc: None,
            total_assignments: 0,
            upcoming_bookings: 0,
        }
    }

    fn monday() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 15, 9, 0, 0).unwrap()
    }

    /// Books `rounds` meetings with everybody free, updating the counters as the booking
    /// transaction does; returns how many each candidate got.
    fn simulate(
        algorithm: AssignmentAlgorithm,
        mut pool: Vec<Candidate>,
        rounds: usize,
    ) -> Vec<u32> {
        for round in 0..rounds {
            let chosen = choose(algorithm, &pool).unwrap().roster_position;
            let member = pool
                .iter_mut()
                .find(|c| c.roster_position == chosen)
                .unwrap();
            member.last_assigned_utc = Some(monday() + Duration::minutes(round as i64));
            member.total_assignments += 1;
            member.upcoming_bookings += 1;
        }
        pool.iter().map(|c| c.total_assignments).collect()
    }

    #[test]
    fn nobody_free_means_nobody_chosen() {
        assert!(choose(AssignmentAlgorithm::RoundRobin, &[]).is_none());
    }

    #[test]
    fn round_robin_picks_the_never_assigned_then_the_least_recently_assigned() {
        let mut a = candidate(0);
        a.last_assigned_utc = Some(monday());
        let mut b = candidate(1);
        b.last_assigned_utc = Some(monday() - Duration::hours(1));
        let c = candidate(2);
        let pool = [a.clone(), b.clone(), c.clone()];
        assert_eq!(choose(AssignmentAlgorithm::RoundRobin, &pool), Some(&c));
        assert_eq!(
            choose(AssignmentAlgorithm::RoundRobin, &[a, b.clone()]),
            Some(&b)
        );
    }

    #[test]
    fn ties_go_to_the_earlier_place_in_the_roster() {
        let pool = [candidate(2), candidate(0), candidate(1)];
        for algorithm in [
            AssignmentAlgorithm::RoundRobin,
            AssignmentAlgorithm::LeastBusy,
            AssignmentAlgorithm::Weighted,
        ] {
            assert_eq!(choose(algorithm, &pool).unwrap().roster_position, 0);
        }
    }

    #[test]
    fn only_free_members_are_chosen() {
        let mut taken = candidate(0);
        taken.free = false;
        let pool = [taken, candidate(1)];
        for algorithm in [
            AssignmentAlgorithm::RoundRobin,
            AssignmentAlgorithm::LeastBusy,
            AssignmentAlgorithm::Weighted,
        ] {
            assert_eq!(choose(algorithm, &pool).unwrap().roster_position, 1);
        }
    }

    #[test]
    fn least_busy_picks_the_fewest_upcoming_bookings_before_recency() {
        let mut busy = candidate(0);
        busy.upcoming_bookings = 3;
        let mut calm = candidate(1);
        calm.upcoming_bookings = 1;
        calm.last_assigned_utc = Some(monday());
        assert_eq!(
            choose(AssignmentAlgorithm::LeastBusy, &[busy, calm.clone()]),
            Some(&calm)
        );
    }

    #[test]
    fn weighted_shares_follow_priorities() {
        let mut pool: Vec<_> = (0..3).map(candidate).collect();
        pool[0].assignment_priority = 3;
        pool[1].assignment_priority = 2;
        pool[2].assignment_priority = 1;
        assert_eq!(
            simulate(AssignmentAlgorithm::Weighted, pool, 60),
            [30, 20, 10]
        );
    }

    #[test]
    fn candidates_are_the_active_members_in_roster_order_marked_free_or_not() {
        use crate::department::{Department, Member};
        let member = |n: u128, is_active: bool| Member {
            user_id: Uuid::from_u128(n),
            is_active,
            assignment_priority: 2,
            last_assigned_utc: None,
            total_assignments: 4,
        };
        let department = Department {
            id: Uuid::nil(),
            name: "Support".into(),
            slug: crate::Slug::parse("support").unwrap(),
            description: None,
            leader: None,
            is_active: true,
            timezone: crate::TimeZone::default(),
            algorithm: AssignmentAlgorithm::RoundRobin,
            notify_leader_on_booking: false,
            notify_admin_on_booking: false,
            max_bookings_per_day: None,
            members: vec![
                member(1, true),
                member(2, false),
                member(3, true),
                member(4, true),
            ],
        };
        let free = [Uuid::from_u128(4), Uuid::from_u128(2), Uuid::from_u128(1)];
        let found = candidates(&department, &free, |id| id.as_u128() as u32 * 10);
        let summary: Vec<_> = found
            .iter()
            .map(|c| {
                (
                    c.user_id.as_u128(),
                    c.roster_position,
                    c.free,
                    c.upcoming_bookings,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [(1, 0, true, 10), (3, 2, false, 30), (4, 3, true, 40)]
        );
    }

    proptest! {
        #[test]
        fn round_robin_counts_differ_by_at_most_one(members in 1usize..12, rounds in 0usize..200) {
            let counts = simulate(AssignmentAlgorithm::RoundRobin, (0..members).map(candidate).collect(), rounds);
            let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
            prop_assert!(max - min <= 1, "{counts:?}");
        }

        #[test]
        fn least_busy_counts_differ_by_at_most_one_when_all_start_idle(members in 1usize..12, rounds in 0usize..200) {
            let counts = simulate(AssignmentAlgorithm::LeastBusy, (0..members).map(candidate).collect(), rounds);
            let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
            prop_assert!(max - min <= 1, "{counts:?}");
        }

        #[test]
        fn weighted_counts_stay_within_one_of_the_proportional_share(
            priorities in proptest::collection::vec(1u32..=10, 1..8),
            rounds in 0usize..300,
        ) {
            let pool: Vec<_> = priorities
                .iter()
                .enumerate()
                .map(|(i, p)| Candidate { assignment_priority: *p, ..candidate(i) })
                .collect();
            let counts = simulate(AssignmentAlgorithm::Weighted, pool, rounds);
            let total: u32 = priorities.iter().sum();
            for (count, priority) in counts.iter().zip(&priorities) {
                let share = rounds as f64 * f64::from(*priority) / f64::from(total);
                prop_assert!((f64::from(*count) - share).abs() <= 1.0 + 1e-9, "{counts:?} vs {priorities:?}");
            }
        }
    }
}
