//! Departments: who belongs, who leads, and how bookings are shared out among members.

use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantNames};
use uuid::Uuid;

use crate::validation::FieldErrors;

/// How a customer booking picks its host among the members free at that time.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum AssignmentAlgorithm {
    /// The member assigned least recently goes first.
    #[default]
    RoundRobin,
    /// The member with the fewest bookings in the next 7 days goes first.
    LeastBusy,
    /// Long-run shares proportional to each member's `assignment_priority`.
    Weighted,
}

/// One row of a department's member list, as submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEntry {
    pub user_id: Uuid,
    pub is_active: bool,
    pub assignment_priority: i32,
}

/// The weight range of `assignment_priority`.
pub const PRIORITY: std::ops::RangeInclusive<i32> = 1..=100;

/// The rules of the specification for a department's roster: every member listed once, with a
/// priority in range; at least one active member; the leader (if any) is an active member.
/// Words the public booking pages use for their own addresses (`/book/confirm/…`,
/// `/book/cancel/…`, `/book/reschedule/…`), so no department may be called by them.
pub const RESERVED_SLUGS: [&str; 3] = ["confirm", "cancel", "reschedule"];

/// A department's slug: well formed, and not one of the booking pages' own words.
pub fn department_slug(slug: crate::Slug) -> Result<crate::Slug, String> {
    if RESERVED_SLUGS.contains(&slug.as_str()) {
        Err(format!(
            "\"{}\" is reserved for the booking pages' own addresses",
            slug.as_str()
        ))
    } else {
        Ok(slug)
    }
}

pub fn check_roster(leader: Option<Uuid>, members: &[MemberEntry]) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for (i, member) in members.iter().enumerate() {
        if members[..i].iter().any(|m| m.user_id == member.user_id) {
            errors.add(format!("members[{i}].user_id"), "member is listed twice");
        }
        if !PRIORITY.contains(&member.assignment_priority) {
            errors.add(
                format!("members[{i}].assignment_priority"),
                format!(
                    "must be between {} and {}",
                    PRIORITY.start(),
                    PRIORITY.end()
                ),
            );
        }
    }
    if !members.iter().any(|m| m.is_active) {
        errors.add("members", "at least one active member is required");
    }
    check_leader(leader, members, &mut errors);
    errors
}

/// The leader rule alone: the leader, when there is one, is an active member.
pub fn check_leader(leader: Option<Uuid>, members: &[MemberEntry], errors: &mut FieldErrors) {
    if let Some(leader) = leader
        && !members.iter().any(|m| m.user_id == leader && m.is_active)
    {
        errors.add(
            "department_leader",
            "the department leader must be an active member of the department",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(n: u128, is_active: bool) -> MemberEntry {
        MemberEntry {
            user_id: Uuid::from_u128(n),
            is_active,
            assignment_priority: 1,
        }
    }

    #[test]
    fn a_leader_who_is_an_active_member_is_accepted() {
        assert!(
            check_roster(
                Some(Uuid::from_u128(1)),
                &[member(1, true), member(2, true)]
            )
            .is_empty()
        );
    }

    #[test]
    fn a_leader_outside_the_department_is_named() {
        let errors = check_roster(Some(Uuid::from_u128(9)), &[member(1, true)]);
        assert!(errors.contains("department_leader"));
    }

    #[test]
    fn an_inactive_leader_is_refused() {
        let errors = check_roster(
            Some(Uuid::from_u128(1)),
            &[member(1, false), member(2, true)],
        );
        assert!(errors.contains("department_leader"));
    }

    #[test]
    fn a_department_needs_an_active_member() {
        assert!(check_roster(None, &[]).contains("members"));
        assert!(check_roster(None, &[member(1, false)]).contains("members"));
    }

    #[test]
    fn duplicates_and_bad_priorities_are_named_by_row() {
        let mut bad = member(1, true);
        bad.assignment_priority = 0;
        let errors = check_roster(None, &[member(1, true), bad]);
        assert!(errors.contains("members[1].user_id"));
        assert!(errors.contains("members[1].assignment_priority"));
    }

    #[test]
    fn a_department_cannot_take_a_word_the_booking_pages_use() {
        for word in RESERVED_SLUGS {
            let slug = crate::Slug::parse(word).unwrap();
            assert!(department_slug(slug).is_err(), "{word}");
        }
        let fine = crate::Slug::parse("customer-care").unwrap();
        assert_eq!(department_slug(fine.clone()), Ok(fine));
    }

    #[test]
    fn algorithms_have_snake_case_names() {
        assert_eq!(AssignmentAlgorithm::LeastBusy.as_ref(), "least_busy");
        assert_eq!(
            "weighted".parse::<AssignmentAlgorithm>(),
            Ok(AssignmentAlgorithm::Weighted)
        );
        assert!("Round Robin".parse::<AssignmentAlgorithm>().is_err());
    }
}

/// A department with its members, as the rest of the system sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Department {
    pub id: Uuid,
    pub name: String,
    pub slug: crate::Slug,
    pub description: Option<String>,
    pub leader: Option<Uuid>,
    pub is_active: bool,
    pub timezone: crate::TimeZone,
    pub algorithm: AssignmentAlgorithm,
    pub notify_leader_on_booking: bool,
    pub notify_admin_on_booking: bool,
    pub max_bookings_per_day: Option<u32>,
    pub members: Vec<Member>,
}

/// A department's member with the counters the assignment algorithms read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: Uuid,
    pub is_active: bool,
    pub assignment_priority: i32,
    pub last_assigned_utc: Option<chrono::DateTime<chrono::Utc>>,
    pub total_assignments: u32,
}
