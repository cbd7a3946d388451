//! The scheduling engine: when each member of a department is free, which slot starts the
//! department offers, and why a member cannot take a given time.
//!
//! Rules are read in the department's zone (a 09:00 start is 09:00 local on both sides of a DST
//! change); instants are UTC. The engine is split in two so that the expensive part can be kept:
//! [`Schedule::open_slots`] depends only on stored data, and [`SlotTable::bookable`] applies the
//! clock (minimum notice, booking window). [`Schedule::conflicts`] checks one start rule by rule;
//! the property tests hold the fast path and that check to the same answers.

mod conflict;
mod day;
mod member;
mod schedule;
mod series;
#[cfg(test)]
mod tests;

pub use conflict::Conflict;
pub use member::{BusyStatus, Commitment, EventTime, ExternalEvent, MemberCalendar};
pub use schedule::{AttendeeConflict, MeetingSpec, Schedule, Slot, SlotTable};
pub use series::series_slots;
