//! Booking use cases: creating customer bookings and internal meetings, changing a booking's
//! status, editing its own fields, and moving it to another time or host; booking a recurring
//! series.

mod change;
mod create;
mod series;

pub use change::{answer_invitation, change_status, edit_booking, move_booking};
pub use create::{
    Created, InternalSeries, NewCustomerBooking, NewInternalMeeting, Offer, RequestGuard,
    create_customer_booking, create_internal_meeting,
};
pub use series::{
    NewCustomerSeries, SeriesSelection, change_in_series, create_customer_series, move_in_series,
};
