//! The pure core of Meeting Manager: the language of departments, members, meeting types,
//! availability and bookings, as types that cannot hold invalid values and as plain functions.
//!
//! This crate must never know about HTTP, JSON wire formats, SQL or the clock: callers parse
//! their input into these types at the edge and pass `now` in. Everything hard about the product
//! (time zones, availability, assignment, booking transitions) lives here, tested beside the code.

pub mod access;
pub mod analytics;
pub mod assignment;
pub mod availability_rule;
pub mod booking;
pub mod contact;
pub mod department;
pub mod external_calendar;
pub mod interval;
pub mod meeting_type;
pub mod notification;
pub mod reminder;
pub mod scheduling;
pub mod slug;
pub mod time;
pub mod user;
pub mod validation;
pub mod working_hours;

pub use access::Principal;
pub use contact::{Email, Phone};
pub use interval::Interval;
pub use slug::Slug;
pub use time::{Minutes, TimeZone};
pub use validation::FieldErrors;
pub use working_hours::{DayHours, TimeOfDay, TimeRange, WorkingWeek};

/// Non-empty, trimmed text of at most `max` characters (names, titles).
pub fn required_text(value: &str, max: usize) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        Err("is required".into())
    } else if value.chars().count() > max {
        Err(format!("must be at most {max} characters"))
    } else {
        Ok(value.to_owned())
    }
}
