//! Internal meetings: staff meeting staff at a time every one of them is free. There is no
//! customer; a host leads and the participants are invited.

use uuid::Uuid;

use crate::meeting_type::MeetingType;

/// The people of an internal meeting: the primary host, the co-hosts who lead it with them, and
/// the participants besides them, each once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendees {
    host: Uuid,
    co_hosts: Vec<Uuid>,
    participants: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttendeesError {
    #[error("duplicate participants found; each participant must be listed once")]
    Duplicate(Uuid),
    #[error("an internal meeting needs at least one participant besides the host")]
    NoParticipants,
}

impl Attendees {
    /// The host may appear among `participants` (they attend too) and is kept once, as host;
    /// anyone else listed twice is a mistake worth reporting.
    pub fn new(host: Uuid, participants: &[Uuid]) -> Result<Self, AttendeesError> {
        Self::hosted(host, &super::CoHosts::default(), participants)
    }

    /// As [`Attendees::new`], with `co_hosts` leading the meeting with the host: a co-host also
    /// listed among the participants attends as co-host.
    pub fn hosted(
        host: Uuid,
        co_hosts: &super::CoHosts,
        participants: &[Uuid],
    ) -> Result<Self, AttendeesError> {
        let co_hosts = co_hosts.besides(host);
        let mut kept: Vec<Uuid> = Vec::with_capacity(participants.len());
        for &p in participants {
            if kept.contains(&p) {
                return Err(AttendeesError::Duplicate(p));
            }
            kept.push(p);
        }
        kept.retain(|p| *p != host && !co_hosts.contains(p));
        if kept.is_empty() && co_hosts.is_empty() {
            return Err(AttendeesError::NoParticipants);
        }
        Ok(Self {
            host,
            co_hosts,
            participants: kept,
        })
    }

    pub fn host(&self) -> Uuid {
        self.host
    }

    pub fn co_hosts(&self) -> &[Uuid] {
        &self.co_hosts
    }

    pub fn participants(&self) -> &[Uuid] {
        &self.participants
    }

    /// The host first, then the co-hosts and the participants in the order given.
    pub fn everyone(&self) -> Vec<Uuid> {
        std::iter::once(self.host)
            .chain(self.co_hosts.iter().copied())
            .chain(self.participants.iter().copied())
            .collect()
    }
}

/// Why a meeting type cannot be used for an internal meeting, in the words staff read.
pub fn internal_use(meeting_type: &MeetingType) -> Result<(), String> {
    if !meeting_type.is_internal {
        return Err(format!(
            "Meeting type '{}' is not available for internal meetings; choose one that allows internal meetings",
            meeting_type.name
        ));
    }
    if !meeting_type.is_active {
        return Err(format!(
            "Meeting type '{}' is not active",
            meeting_type.name
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Minutes, Slug};

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn the_host_listed_among_participants_attends_once_as_host() {
        let a = Attendees::new(id(1), &[id(1), id(2), id(3)]).unwrap();
        assert_eq!(a.participants(), [id(2), id(3)]);
        assert_eq!(a.everyone(), [id(1), id(2), id(3)]);
    }

    #[test]
    fn a_co_host_listed_among_participants_attends_once_as_co_host() {
        let co_hosts = crate::booking::CoHosts::new(&[id(2)]).unwrap();
        let a = Attendees::hosted(id(1), &co_hosts, &[id(2), id(3)]).unwrap();
        assert_eq!(a.co_hosts(), [id(2)]);
        assert_eq!(a.participants(), [id(3)]);
        assert_eq!(a.everyone(), [id(1), id(2), id(3)]);
        let pair = Attendees::hosted(id(1), &co_hosts, &[]).unwrap();
        assert_eq!(pair.everyone(), [id(1), id(2)], "two hosts make a meeting");
    }

    #[test]
    fn a_participant_listed_twice_is_refused() {
        assert_eq!(
            Attendees::new(id(1), &[id(2), id(3), id(2)]),
            Err(AttendeesError::Duplicate(id(2)))
        );
    }

    #[test]
    fn a_meeting_of_the_host_alone_is_refused() {
        assert_eq!(
            Attendees::new(id(1), &[]),
            Err(AttendeesError::NoParticipants)
        );
        assert_eq!(
            Attendees::new(id(1), &[id(1)]),
            Err(AttendeesError::NoParticipants)
        );
    }

    #[test]
    fn only_active_internal_meeting_types_serve_internal_meetings() {
        let call = MeetingType::public_call(
            id(9),
            "30-min Call",
            Slug::parse("call").unwrap(),
            Minutes::duration(30).unwrap(),
        );
        let refusal = internal_use(&call).unwrap_err();
        assert!(refusal.contains("'30-min Call' is not available for internal meetings"));
        let planning = MeetingType {
            is_internal: true,
            ..call.clone()
        };
        assert!(internal_use(&planning).is_ok());
        let retired = MeetingType {
            is_active: false,
            ..planning
        };
        assert!(internal_use(&retired).is_err());
    }
}
