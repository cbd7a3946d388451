//! How a booking's status looks everywhere in the staff app: the calendar, the list, the charts.

use mm_api_types::{BookingStatus, BookingType, CalendarWrite};

/// Status colours as the specification names them; internal meetings are purple whatever
/// their status while they hold time.
pub fn colour(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::Confirmed => "#2e7d32",
        BookingStatus::Pending => "#f9a825",
        BookingStatus::Cancelled => "#c62828",
        BookingStatus::Completed => "#1565c0",
        BookingStatus::NoShow => "#757575",
    }
}

/// What a person reads for a status.
pub fn label(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::Pending => "Pending",
        BookingStatus::Confirmed => "Confirmed",
        BookingStatus::Cancelled => "Cancelled",
        BookingStatus::Completed => "Completed",
        BookingStatus::NoShow => "No-show",
    }
}

/// The CSS class of a booking's block or badge.
pub fn class(status: BookingStatus, booking_type: BookingType) -> &'static str {
    match (status, booking_type) {
        (BookingStatus::Confirmed | BookingStatus::Pending, BookingType::Internal) => "st-internal",
        (BookingStatus::Confirmed, _) => "st-confirmed",
        (BookingStatus::Pending, _) => "st-pending",
        (BookingStatus::Cancelled, _) => "st-cancelled",
        (BookingStatus::Completed, _) => "st-completed",
        (BookingStatus::NoShow, _) => "st-no-show",
    }
}

/// Only meetings still ahead of their people can be moved.
pub fn is_movable(status: BookingStatus) -> bool {
    matches!(status, BookingStatus::Confirmed | BookingStatus::Pending)
}

/// A vocabulary word as a person reads it: `manual_drag_drop` → `manual drag drop`.
pub fn words(word: &str) -> String {
    word.replace('_', " ")
}

/// Where a booking stands in its host's connected calendar, when there is no event to open.
pub fn calendar_write(state: CalendarWrite) -> &'static str {
    match state {
        CalendarWrite::NotWritten => "Not in a connected calendar",
        CalendarWrite::Pending => "Being written to the host's calendar",
        CalendarWrite::Written => "In the host's calendar",
        CalendarWrite::Failed => "Writing to the host's calendar failed; it is retried",
    }
}
