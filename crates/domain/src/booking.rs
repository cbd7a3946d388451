//! The vocabulary of a booking's life: its kind, status, approval, who acted and how it was assigned.

use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantNames};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, AsRefStr, IntoStaticStr, VariantNames)]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($variant),+ }
    };
}

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
    CalendarSynced
});
vocabulary!(AttendanceStatus {
    Invited,
    Confirmed,
    Declined,
    Attended,
    NoShow
});

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
    fn statuses_use_the_contract_spelling() {
        assert_eq!(BookingStatus::NoShow.as_ref(), "no_show");
        assert_eq!(
            "no_show".parse::<BookingStatus>(),
            Ok(BookingStatus::NoShow)
        );
    }
}
