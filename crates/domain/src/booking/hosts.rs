//! Several hosts for one booking: the primary host (`assigned_to`), who owns it, counts it and
//! is the one a reassignment moves, and co-hosts whom staff assign to lead it with them. Every
//! host must be free for it, is sent its invite, and sees it in their calendar column. Co-hosts
//! are assigned, not invited: they do not answer an invitation.

use uuid::Uuid;

use super::{Booking, FieldChange, Participant};
use crate::user::StaffUser;

/// The most co-hosts a booking may have: each is checked, locked and written to on every change.
pub const MAX_CO_HOSTS: usize = 10;

/// The co-hosts asked for, each once, at most [`MAX_CO_HOSTS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoHosts(Vec<Uuid>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoHostsError {
    #[error("lists someone twice; each co-host must be listed once")]
    Duplicate(Uuid),
    #[error("at most {MAX_CO_HOSTS} co-hosts")]
    TooMany,
}

impl CoHosts {
    pub fn new(ids: &[Uuid]) -> Result<Self, CoHostsError> {
        let mut kept: Vec<Uuid> = Vec::with_capacity(ids.len());
        for &id in ids {
            if kept.contains(&id) {
                return Err(CoHostsError::Duplicate(id));
            }
            kept.push(id);
        }
        if kept.len() > MAX_CO_HOSTS {
            return Err(CoHostsError::TooMany);
        }
        Ok(Self(kept))
    }

    /// The co-hosts besides `primary`, who may be listed too and hosts already.
    pub fn besides(&self, primary: Uuid) -> Vec<Uuid> {
        self.0.iter().copied().filter(|id| *id != primary).collect()
    }
}

/// Who a change of co-hosts adds and removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostsChange {
    pub added: Vec<StaffUser>,
    pub removed: Vec<Uuid>,
}

impl HostsChange {
    /// The people added who were not in the meeting yet (a participant made co-host already
    /// keeps its time): whose free time the change must check.
    pub fn newcomers(&self, before: &Booking) -> Vec<Uuid> {
        let attending = before.attendees_with_host(before.assigned_to);
        self.added
            .iter()
            .map(|u| u.id)
            .filter(|id| !attending.contains(id))
            .collect()
    }
}

impl Booking {
    /// The co-hosts, in the order read.
    pub fn co_hosts(&self) -> impl Iterator<Item = &Participant> {
        self.participants.iter().filter(|p| p.is_host)
    }

    /// Every host's id: the primary first, then the co-hosts.
    pub fn hosts(&self) -> Vec<Uuid> {
        std::iter::once(self.assigned_to)
            .chain(self.co_hosts().filter_map(|p| p.user_id))
            .collect()
    }
}

/// What changing `before`'s co-hosts to `wanted` (active staff, the primary host left out)
/// changes: the field's names before and after for the history, and who is added and removed;
/// `None` when the set stays the same.
pub(super) fn plan_co_hosts(
    before: &Booking,
    wanted: &[StaffUser],
) -> Option<(FieldChange, HostsChange)> {
    let wanted: Vec<&StaffUser> = wanted
        .iter()
        .filter(|u| u.id != before.assigned_to)
        .collect();
    let current: Vec<&Participant> = before.co_hosts().collect();
    let added: Vec<StaffUser> = wanted
        .iter()
        .filter(|u| !current.iter().any(|p| p.user_id == Some(u.id)))
        .map(|u| (*u).clone())
        .collect();
    let removed: Vec<Uuid> = current
        .iter()
        .filter_map(|p| p.user_id)
        .filter(|id| !wanted.iter().any(|u| u.id == *id))
        .collect();
    if added.is_empty() && removed.is_empty() {
        return None;
    }
    let names = |names: Vec<&str>| (!names.is_empty()).then(|| names.join(", "));
    let change = FieldChange {
        field: super::BookingField::CoHosts,
        old: names(current.iter().map(|p| p.name.as_str()).collect()),
        new: names(wanted.iter().map(|u| u.full_name.as_str()).collect()),
    };
    Some((change, HostsChange { added, removed }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        booking::{AttendanceStatus, BookingStatus},
        fixtures::{booking, person},
    };

    fn co_host(user: &StaffUser) -> Participant {
        Participant {
            user_id: Some(user.id),
            name: user.full_name.clone(),
            email: user.email.clone(),
            attendance: AttendanceStatus::Confirmed,
            response_utc: None,
            is_host: true,
        }
    }

    #[test]
    fn co_hosts_are_each_listed_once_and_at_most_ten() {
        let id = Uuid::from_u128;
        assert_eq!(
            CoHosts::new(&[id(2), id(3), id(2)]),
            Err(CoHostsError::Duplicate(id(2)))
        );
        let eleven: Vec<Uuid> = (1..=11).map(id).collect();
        assert_eq!(CoHosts::new(&eleven), Err(CoHostsError::TooMany));
        let listed = CoHosts::new(&[id(1), id(2)]).unwrap();
        assert_eq!(
            listed.besides(id(1)),
            [id(2)],
            "the primary is a host already"
        );
    }

    #[test]
    fn the_primary_host_comes_first_among_the_hosts() {
        let (hanna, ole) = (person(1, "Hanna"), person(2, "Ole"));
        let mut b = booking(&hanna, BookingStatus::Confirmed, false);
        b.participants.push(co_host(&ole));
        assert_eq!(b.hosts(), [hanna.id, ole.id]);
    }

    #[test]
    fn replacing_a_co_host_names_both_sets_and_who_changed() {
        let (hanna, ole, mia) = (person(1, "Hanna"), person(2, "Ole"), person(3, "Mia"));
        let mut b = booking(&hanna, BookingStatus::Confirmed, false);
        b.participants.push(co_host(&ole));
        let (change, hosts) = plan_co_hosts(&b, &[hanna.clone(), mia.clone()]).unwrap();
        assert_eq!(change.old.as_deref(), Some("Ole"));
        assert_eq!(
            change.new.as_deref(),
            Some("Mia"),
            "the primary is not a co-host"
        );
        assert_eq!(hosts.added, std::slice::from_ref(&mia));
        assert_eq!(hosts.removed, [ole.id]);
        assert_eq!(hosts.newcomers(&b), [mia.id]);
        assert_eq!(
            plan_co_hosts(&b, &[ole]),
            None,
            "the same set changes nothing"
        );
    }
}
