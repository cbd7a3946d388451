//! The pure core of Meeting Manager: the language of departments, members, meeting types,
//! availability and bookings, as types that cannot hold invalid values and as plain functions.
//!
//! This crate must never know about HTTP, JSON wire formats, SQL or the clock: callers parse
//! their input into these types at the edge and pass `now` in. Everything hard about the product
//! (time zones, availability, assignment, booking transitions) lives here, tested beside the code.

/// A closed set of words (a status, a kind, a frequency), spelled in snake_case on the wire and
/// in the database.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, strum::Display,
            strum::EnumString, strum::AsRefStr, strum::IntoStaticStr, strum::VariantNames,
            strum::EnumIter,
        )]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }
    };
}

pub mod access;
pub mod analytics;
pub mod api_key;
pub mod assignment;
pub mod availability_rule;
pub mod booking;
pub mod contact;
pub mod department;
pub mod external_calendar;
#[cfg(test)]
mod fixtures;
pub mod funnel;
pub mod interval;
pub mod limits;
pub mod meeting_type;
pub mod notification;
pub mod recurrence;
pub mod reminder;
pub mod scheduling;
pub mod slug;
pub mod time;
pub mod user;
pub mod validation;
pub mod webhook;
pub mod working_hours;
mod zone_countries;

pub use access::Principal;
pub use contact::{Email, Phone};
pub use interval::Interval;
pub use slug::Slug;
pub use time::{Minutes, TimeZone};
pub use validation::FieldErrors;
pub use working_hours::{DayHours, TimeOfDay, TimeRange, WorkingWeek};

/// Non-empty, trimmed, single-line text of at most `max` characters (names, titles).
///
/// Names travel into email headers, calendar invites and CSV files, where a line break or
/// another control character could start a line of its own; no name needs one, so none is taken.
pub fn required_text(value: &str, max: usize) -> Result<String, String> {
    // The length counts what was sent, spaces included, as the contract's `maxLength` does.
    let too_long = value.chars().count() > max;
    let value = value.trim();
    if value.is_empty() {
        Err("is required".into())
    } else if too_long {
        Err(format!("must be at most {max} characters"))
    } else if value.chars().any(breaks_a_line) {
        Err("must not contain line breaks or other control characters".into())
    } else {
        Ok(value.to_owned())
    }
}

/// Control characters, and the Unicode line and paragraph separators some readers break on.
fn breaks_a_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_a_line_break_or_control_character_is_refused() {
        for name in [
            "Bob\":mailto:b@x.io\r\nORGANIZER;CN=IT:mailto:atk@evil.io",
            "Bob\nSmith",
            "Bob\rSmith",
            "Bob\u{0}",
            "Bob\u{1b}[31m",
            "Bob\u{2028}Smith",
        ] {
            assert!(required_text(name, 200).is_err(), "{name:?}");
        }
    }

    #[test]
    fn names_keep_quotes_accents_and_inner_spaces() {
        assert_eq!(
            required_text("  Søren \"Bob\" O'Neil  ", 200).as_deref(),
            Ok("Søren \"Bob\" O'Neil")
        );
    }

    #[test]
    fn a_name_is_as_long_as_it_was_sent_spaces_included() {
        // The contract's `maxLength` counts what was sent; trimming must not sneak a longer
        // value past it.
        let padded = format!("\t\t{}", "a".repeat(99));
        assert!(required_text(&padded, 100).is_err());
        assert_eq!(
            required_text(&"a".repeat(100), 100).map(|s| s.len()),
            Ok(100)
        );
    }
}
