//! Bookings: the vocabulary of a booking's life (kind, status, approval, who acted, how it was
//! assigned), its reference, the transitions between its states, and the customer's details.

mod creation;
mod customer;
mod edit;
mod hosts;
mod internal;
mod lifecycle;
mod no_show;
mod record;
mod reference;
mod relocation;
mod rsvp;
mod status_change;

pub use creation::{
    CreationPlan, HostChoice, MeetingConflicts, Unavailable, free_members_at, host_candidates,
    pick_free_member, plan_customer_booking, plan_internal_meeting, rank_free_members,
};
pub use customer::{Answer, Answers, Customer, CustomerDraft, parse_answers};
pub use edit::{
    BookingEdit, BookingEditDraft, BookingField, EditError, EditPlan, FieldChange, Patch,
    buffer_clashes, plan_edit,
};
pub use hosts::{CoHosts, CoHostsError, HostsChange, MAX_CO_HOSTS};
pub use internal::{Attendees, AttendeesError, internal_use};
pub use lifecycle::{Action, Lifecycle, TransitionError, self_service_open};
pub use no_show::{no_show_follow_up, plan_automatic_no_show};
pub use record::{
    AssignmentEntry, Booking, CustomerRecord, HistoryEntry, Participant, SeriesPlace,
};
pub use reference::{BookingReference, InvalidReference};
pub use relocation::{AlreadyThere, Move, MovePlan, MovePolicy, plan_move};
pub use rsvp::{Rsvp, RsvpError, RsvpPlan, clashes_on_return, plan_rsvp};
pub use status_change::{
    Actor, Cancellation, Decision, StatusChange, StatusChangePlan, plan_status_change,
};

vocabulary!(
    /// A customer booking, or an internal meeting between staff.
    BookingType { Customer, Internal }
);
vocabulary!(
    /// Pending and confirmed bookings hold their time; the others do not.
    BookingStatus { Pending, Confirmed, Cancelled, Completed, NoShow }
);
vocabulary!(ApprovalStatus {
    Pending,
    Approved,
    Rejected
});
vocabulary!(
    /// How the current host was chosen.
    AssignmentMethod { RoundRobin, LeastBusy, Weighted, Manual }
);
vocabulary!(
    /// Where a booking came from.
    BookingSource { PublicBookingPage, InternalSystem, ManualEntry, ApiIntegration }
);
vocabulary!(
    /// Who performed an action in a booking's history.
    ActorRole { Customer, Host, DepartmentLeader, SystemManager, System }
);
vocabulary!(
    /// Where a booking stands in its host's connected calendar.
    CalendarWrite { NotWritten, Pending, Written, Failed }
);
vocabulary!(HistoryAction {
    Created,
    Confirmed,
    Rescheduled,
    Cancelled,
    Reassigned,
    Completed,
    NoShow,
    Approved,
    Rejected,
    ReminderSent,
    CalendarSynced,
    Updated,
    Responded
});
vocabulary!(
    /// How a host came to an assignment-history entry.
    AssignmentType { AutoRoundRobin, AutoLeastBusy, AutoWeighted, ManualDragDrop, ManualDirect }
);
vocabulary!(AttendanceStatus {
    Invited,
    Confirmed,
    Tentative,
    Declined,
    Attended,
    NoShow
});

impl AssignmentMethod {
    /// The automatic method a department's algorithm stands for.
    pub fn of(algorithm: crate::department::AssignmentAlgorithm) -> Self {
        use crate::department::AssignmentAlgorithm as A;
        match algorithm {
            A::RoundRobin => Self::RoundRobin,
            A::LeastBusy => Self::LeastBusy,
            A::Weighted => Self::Weighted,
        }
    }

    /// The assignment-history type of an assignment made this way.
    pub fn assignment_type(self) -> AssignmentType {
        match self {
            Self::RoundRobin => AssignmentType::AutoRoundRobin,
            Self::LeastBusy => AssignmentType::AutoLeastBusy,
            Self::Weighted => AssignmentType::AutoWeighted,
            Self::Manual => AssignmentType::ManualDirect,
        }
    }
}

impl BookingStatus {
    /// Whether a booking in this status keeps its host's time blocked.
    pub fn holds_time(self) -> bool {
        matches!(self, Self::Pending | Self::Confirmed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pending_and_confirmed_hold_time() {
        let holding: Vec<_> = [
            BookingStatus::Pending,
            BookingStatus::Confirmed,
            BookingStatus::Cancelled,
            BookingStatus::Completed,
            BookingStatus::NoShow,
        ]
        .into_iter()
        .filter(|s| s.holds_time())
        .collect();
        assert_eq!(holding, [BookingStatus::Pending, BookingStatus::Confirmed]);
    }

    #[test]
    fn a_new_video_link_is_announced_only_while_the_meeting_takes_place() {
        let host = crate::fixtures::person(1, "Hanna");
        let mut booking = crate::fixtures::booking(&host, BookingStatus::Confirmed, false);
        let zoom = "https://zoom.us/j/1";
        assert!(booking.announces_video_link(Some(zoom)));
        assert!(!booking.announces_video_link(None));
        booking.meeting_link = Some(zoom.to_owned());
        assert!(!booking.announces_video_link(Some(zoom)), "not news");
        assert!(booking.announces_video_link(Some("https://zoom.us/j/2")));
        booking.status = BookingStatus::Cancelled;
        assert!(!booking.announces_video_link(Some("https://zoom.us/j/2")));
    }

    #[test]
    fn statuses_use_the_contract_spelling() {
        assert_eq!(BookingStatus::NoShow.as_ref(), "no_show");
        assert_eq!(
            "no_show".parse::<BookingStatus>(),
            Ok(BookingStatus::NoShow)
        );
    }
}
