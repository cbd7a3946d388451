//! Who may do what, following the specification's permissions: a System Manager everything; a
//! Department Leader their departments, their meeting types and their members' bookings, and the
//! settings of the members who belong to no department they do not lead; a Department Member
//! reads their own settings and rules and their own bookings.
//!
//! A leader's reach ends where another leader's begins: they add to their department only people
//! in no other department (a System Manager adds the rest), and change working hours and rules
//! only of people all of whose departments they lead, never a System Manager's. Otherwise a
//! leader could add anyone to their department and so take over their settings.

use std::collections::BTreeSet;

use uuid::Uuid;

use crate::{department::Department, time::TimeZone};

/// The signed-in person, with the departments they lead and belong to (active memberships).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: Uuid,
    pub is_system_manager: bool,
    pub leads: BTreeSet<Uuid>,
    pub member_of: BTreeSet<Uuid>,
}

impl Principal {
    pub fn is_leader(&self) -> bool {
        !self.leads.is_empty()
    }

    pub fn leads(&self, department_id: Uuid) -> bool {
        self.leads.contains(&department_id)
    }

    /// Creating and deleting departments and users, seeing the outbox: System Managers only.
    pub fn can_administer(&self) -> bool {
        self.is_system_manager
    }

    /// The staff directory: System Managers and leaders (who pick members from it).
    pub fn can_list_users(&self) -> bool {
        self.is_system_manager || self.is_leader()
    }

    /// A person's profile: themself, a System Manager, or a leader of any department they belong to.
    pub fn can_read_user(&self, user_id: Uuid, their_departments: &BTreeSet<Uuid>) -> bool {
        self.user_id == user_id || self.can_manage_member(their_departments) || self.is_leader()
    }

    /// Working hours and availability rules: read by their owner, written only by a System
    /// Manager or a leader of one of the owner's departments.
    pub fn can_read_member_settings(
        &self,
        user_id: Uuid,
        their_departments: &BTreeSet<Uuid>,
    ) -> bool {
        self.user_id == user_id || self.can_manage_member(their_departments)
    }

    /// A calendar connection reads a person's private calendar: they connect their own, and only
    /// they or a System Manager remove it. Their leaders see how it syncs (read access).
    pub fn can_connect_calendar(&self, user_id: Uuid) -> bool {
        self.user_id == user_id || self.is_system_manager
    }

    /// Seeing a member's settings as their leader: a System Manager, or a leader of one of their
    /// (active) departments.
    pub fn can_manage_member(&self, their_departments: &BTreeSet<Uuid>) -> bool {
        self.is_system_manager || !self.leads.is_disjoint(their_departments)
    }

    /// Changing a person's working hours and availability rules: a System Manager; or a leader
    /// of every department the person belongs to, active or not, unless the person is a System
    /// Manager.
    pub fn can_change_member_settings(&self, person: &Standing) -> bool {
        self.is_system_manager
            || (!person.is_system_manager
                && !person.departments.is_empty()
                && person.departments.is_subset(&self.leads))
    }

    /// Adding a person to `department_id`'s members: a System Manager; or its leader, when the
    /// person belongs to no other department.
    pub fn can_add_member(&self, department_id: Uuid, person: &Standing) -> bool {
        self.is_system_manager
            || (self.leads(department_id) && person.departments.iter().all(|d| *d == department_id))
    }

    pub fn can_read_department(&self, department_id: Uuid) -> bool {
        self.is_system_manager
            || self.leads(department_id)
            || self.member_of.contains(&department_id)
    }

    /// Seeing a booking: System Managers all, leaders their departments', everyone the
    /// bookings they host or take part in.
    pub fn can_read_booking(&self, department_id: Uuid, host: Uuid, participants: &[Uuid]) -> bool {
        self.can_manage_department(department_id)
            || self.user_id == host
            || participants.contains(&self.user_id)
    }

    /// Cancelling, completing, marking no-show, editing and moving in time: its hosts too
    /// (`hosts`: the primary host and the co-hosts).
    pub fn can_act_on_booking(&self, department_id: Uuid, hosts: &[Uuid]) -> bool {
        self.can_manage_department(department_id) || hosts.contains(&self.user_id)
    }

    /// Asking when other staff are free (to plan a meeting with them): System Managers and
    /// leaders; anyone about themself alone.
    pub fn can_ask_availability_of(&self, people: &[Uuid]) -> bool {
        self.is_system_manager
            || self.is_leader()
            || (!people.is_empty() && people.iter().all(|p| *p == self.user_id))
    }

    /// How this person appears in the history of a booking of `department_id`.
    pub fn role_in(&self, department_id: Uuid) -> crate::booking::ActorRole {
        use crate::booking::ActorRole;
        if self.is_system_manager {
            ActorRole::SystemManager
        } else if self.leads(department_id) {
            ActorRole::DepartmentLeader
        } else {
            ActorRole::Host
        }
    }

    /// Moving a booking: in time (keeping its primary host, the first of `hosts`) like any
    /// other change of it; to another primary host (`to_host`) only for its department's
    /// leaders and System Managers.
    pub fn can_move_booking(
        &self,
        department_id: Uuid,
        hosts: &[Uuid],
        to_host: Option<Uuid>,
    ) -> bool {
        match to_host {
            Some(other) if Some(&other) != hosts.first() => {
                self.can_manage_department(department_id)
            }
            _ => self.can_act_on_booking(department_id, hosts),
        }
    }

    /// Editing a department, its members and its meeting types; approving, rejecting and
    /// reassigning its bookings.
    pub fn can_manage_department(&self, department_id: Uuid) -> bool {
        self.is_system_manager || self.leads(department_id)
    }
}

/// A person as the access rules see them when someone else acts on them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    /// Every department they are a member of, active or not.
    pub departments: BTreeSet<Uuid>,
    pub is_system_manager: bool,
}

/// One column of the staff calendar: a member, whose rules are read in the zone of the first
/// department (by the order given) they appear in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarColumn {
    pub user_id: Uuid,
    pub zone: TimeZone,
    /// Every active department they are an active member of.
    pub department_ids: Vec<Uuid>,
}

impl Principal {
    /// The columns the staff calendar shows this person: a System Manager every active member of
    /// every active department, a leader the members of the departments they lead, and everyone
    /// their own; narrowed to one department and/or one member when asked. Each member once, in
    /// department then roster order.
    pub fn calendar_columns(
        &self,
        departments: &[Department],
        department: Option<Uuid>,
        member: Option<Uuid>,
    ) -> Vec<CalendarColumn> {
        let mut columns: Vec<CalendarColumn> = Vec::new();
        for d in departments.iter().filter(|d| d.is_active) {
            for m in d.members.iter().filter(|m| m.is_active) {
                match columns.iter_mut().find(|c| c.user_id == m.user_id) {
                    Some(column) => column.department_ids.push(d.id),
                    None => columns.push(CalendarColumn {
                        user_id: m.user_id,
                        zone: d.timezone,
                        department_ids: vec![d.id],
                    }),
                }
            }
        }
        columns.retain(|c| {
            let visible = self.is_system_manager
                || c.user_id == self.user_id
                || c.department_ids.iter().any(|d| self.leads(*d));
            visible
                && department.is_none_or(|d| c.department_ids.contains(&d))
                && member.is_none_or(|m| c.user_id == m)
        });
        columns
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ids: &[u128]) -> BTreeSet<Uuid> {
        ids.iter().copied().map(Uuid::from_u128).collect()
    }

    fn principal(user: u128, sm: bool, leads: &[u128], member_of: &[u128]) -> Principal {
        Principal {
            user_id: Uuid::from_u128(user),
            is_system_manager: sm,
            leads: set(leads),
            member_of: set(member_of),
        }
    }

    fn department(id: u128, members: &[u128]) -> Department {
        Department {
            id: Uuid::from_u128(id),
            name: format!("d{id}"),
            slug: crate::Slug::parse(&format!("d{id}")).unwrap(),
            description: None,
            leader: None,
            is_active: true,
            timezone: TimeZone::default(),
            algorithm: crate::department::AssignmentAlgorithm::RoundRobin,
            notify_leader_on_booking: false,
            notify_admin_on_booking: false,
            max_bookings_per_day: None,
            members: members
                .iter()
                .map(|m| crate::department::Member {
                    user_id: Uuid::from_u128(*m),
                    is_active: true,
                    assignment_priority: 1,
                    last_assigned_utc: None,
                    total_assignments: 0,
                })
                .collect(),
        }
    }

    fn column_users(columns: &[CalendarColumn]) -> Vec<u128> {
        columns.iter().map(|c| c.user_id.as_u128()).collect()
    }

    #[test]
    fn the_calendar_shows_each_person_the_columns_they_may_see() {
        let departments = [department(10, &[1, 2]), department(11, &[2, 3])];
        let admin = principal(9, true, &[], &[]);
        let all = admin.calendar_columns(&departments, None, None);
        assert_eq!(column_users(&all), [1, 2, 3]);
        assert_eq!(
            all[1].department_ids,
            [Uuid::from_u128(10), Uuid::from_u128(11)],
            "a member of two departments is one column"
        );
        let leader = principal(1, false, &[10], &[10]);
        assert_eq!(
            column_users(&leader.calendar_columns(&departments, None, None)),
            [1, 2]
        );
        assert!(
            leader
                .calendar_columns(
                    &departments,
                    Some(Uuid::from_u128(11)),
                    Some(Uuid::from_u128(3))
                )
                .is_empty()
        );
        let member = principal(3, false, &[], &[11]);
        assert_eq!(
            column_users(&member.calendar_columns(&departments, None, None)),
            [3]
        );
        assert_eq!(
            column_users(&admin.calendar_columns(&departments, Some(Uuid::from_u128(11)), None)),
            [2, 3]
        );
    }

    #[test]
    fn a_system_manager_manages_every_department_and_member() {
        let admin = principal(1, true, &[], &[]);
        assert!(admin.can_manage_department(Uuid::from_u128(50)));
        assert!(admin.can_manage_member(&set(&[])));
        assert!(admin.can_administer());
    }

    #[test]
    fn a_leader_manages_only_their_departments_and_members() {
        let leader = principal(1, false, &[10], &[10, 11]);
        assert!(leader.can_manage_department(Uuid::from_u128(10)));
        assert!(!leader.can_manage_department(Uuid::from_u128(11)));
        assert!(leader.can_read_department(Uuid::from_u128(11)));
        assert!(leader.can_manage_member(&set(&[10, 12])));
        assert!(!leader.can_manage_member(&set(&[12])));
        assert!(!leader.can_administer());
    }

    #[test]
    fn a_member_sees_and_acts_on_their_own_bookings_only() {
        let member = principal(1, false, &[], &[10]);
        let me = Uuid::from_u128(1);
        let colleague = Uuid::from_u128(2);
        let department = Uuid::from_u128(10);
        assert!(member.can_read_booking(department, me, &[]));
        assert!(member.can_act_on_booking(department, &[me]));
        assert!(!member.can_read_booking(department, colleague, &[]));
        assert!(member.can_read_booking(department, colleague, &[me]));
        assert!(!member.can_act_on_booking(department, &[colleague]));
        assert!(!member.can_manage_department(department));
    }

    #[test]
    fn a_co_host_acts_on_the_meeting_but_does_not_give_it_away() {
        let (department, primary, me) =
            (Uuid::from_u128(10), Uuid::from_u128(2), Uuid::from_u128(1));
        let co_host = principal(1, false, &[], &[10]);
        assert!(co_host.can_act_on_booking(department, &[primary, me]));
        assert!(co_host.can_move_booking(department, &[primary, me], None));
        assert!(
            !co_host.can_move_booking(department, &[primary, me], Some(me)),
            "taking over as primary host is a reassignment"
        );
    }

    #[test]
    fn a_host_moves_their_meeting_in_time_but_only_leaders_give_it_to_another_host() {
        let (department, host, other) =
            (Uuid::from_u128(10), Uuid::from_u128(1), Uuid::from_u128(2));
        let member = principal(1, false, &[], &[10]);
        assert!(member.can_move_booking(department, &[host], None));
        assert!(member.can_move_booking(department, &[host], Some(host)));
        assert!(!member.can_move_booking(department, &[host], Some(other)));
        let colleague = principal(2, false, &[], &[10]);
        assert!(!colleague.can_move_booking(department, &[host], None));
        let leader = principal(3, false, &[10], &[10]);
        assert!(leader.can_move_booking(department, &[host], Some(other)));
        assert!(!leader.can_move_booking(Uuid::from_u128(11), &[host], Some(other)));
    }

    #[test]
    fn members_ask_when_they_alone_are_free_and_leaders_when_anyone_is() {
        let (me, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let member = principal(1, false, &[], &[10]);
        assert!(member.can_ask_availability_of(&[me]));
        assert!(member.can_ask_availability_of(&[me, me]));
        assert!(!member.can_ask_availability_of(&[me, other]));
        assert!(!member.can_ask_availability_of(&[]));
        assert!(principal(3, false, &[11], &[11]).can_ask_availability_of(&[me, other]));
        assert!(principal(4, true, &[], &[]).can_ask_availability_of(&[other]));
    }

    #[test]
    fn a_person_appears_in_a_history_by_their_highest_role_there() {
        use crate::booking::ActorRole;
        let leader = principal(1, false, &[10], &[10, 11]);
        assert_eq!(
            leader.role_in(Uuid::from_u128(10)),
            ActorRole::DepartmentLeader
        );
        assert_eq!(leader.role_in(Uuid::from_u128(11)), ActorRole::Host);
        assert_eq!(
            principal(2, true, &[10], &[]).role_in(Uuid::from_u128(10)),
            ActorRole::SystemManager
        );
    }

    #[test]
    fn a_leader_acts_on_every_booking_of_their_department() {
        let leader = principal(1, false, &[10], &[10]);
        let colleague = Uuid::from_u128(2);
        assert!(leader.can_act_on_booking(Uuid::from_u128(10), &[colleague]));
        assert!(!leader.can_read_booking(Uuid::from_u128(11), colleague, &[]));
    }

    fn standing(departments: &[u128], is_system_manager: bool) -> Standing {
        Standing {
            departments: set(departments),
            is_system_manager,
        }
    }

    #[test]
    fn a_leader_changes_the_settings_only_of_people_wholly_in_their_departments() {
        let leader = principal(1, false, &[10, 11], &[10]);
        assert!(leader.can_change_member_settings(&standing(&[10], false)));
        assert!(leader.can_change_member_settings(&standing(&[10, 11], false)));
        assert!(
            !leader.can_change_member_settings(&standing(&[10, 12], false)),
            "also in a department another leader leads"
        );
        assert!(
            !leader.can_change_member_settings(&standing(&[], false)),
            "in no department: for System Managers"
        );
        assert!(
            !leader.can_change_member_settings(&standing(&[10], true)),
            "never a System Manager's"
        );
        let admin = principal(2, true, &[], &[]);
        assert!(admin.can_change_member_settings(&standing(&[12], true)));
        let member = principal(3, false, &[], &[10]);
        assert!(!member.can_change_member_settings(&standing(&[10], false)));
    }

    #[test]
    fn a_leader_adds_to_their_department_only_people_of_no_other_department() {
        let leader = principal(1, false, &[10], &[10]);
        let department = Uuid::from_u128(10);
        assert!(leader.can_add_member(department, &standing(&[], false)));
        assert!(leader.can_add_member(department, &standing(&[10], false)));
        assert!(!leader.can_add_member(department, &standing(&[11], false)));
        assert!(
            !leader.can_add_member(Uuid::from_u128(11), &standing(&[], false)),
            "not their department"
        );
        let admin = principal(2, true, &[], &[]);
        assert!(admin.can_add_member(department, &standing(&[11, 12], false)));
    }

    #[test]
    fn a_member_reads_their_own_settings_and_nobody_elses() {
        let member = principal(1, false, &[], &[10]);
        assert!(member.can_read_member_settings(Uuid::from_u128(1), &set(&[10])));
        assert!(!member.can_read_member_settings(Uuid::from_u128(2), &set(&[10])));
        assert!(!member.can_manage_member(&set(&[10])));
        assert!(!member.can_manage_department(Uuid::from_u128(10)));
        assert!(!member.can_list_users());
    }
}
