//! Expands the recurring events the server writes into the calendar fakes as the providers do:
//! with the `rrule` crate, not the server's own rule code, so a rule that names other dates than
//! the server booked shows up as a mismatch.

use chrono::{DateTime, TimeZone as _, Utc};

/// The starts of `rule` (an `RRULE` value) for an event first starting at `first`, whose
/// wall-clock time is kept in `zone` (an IANA name).
pub fn occurrences(rule: &str, zone: &str, first: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let tz: chrono_tz::Tz = zone.parse().unwrap_or_else(|_| panic!("a zone: {zone}"));
    let local = tz.from_utc_datetime(&first.naive_utc()).naive_local();
    let text = format!(
        "DTSTART;TZID={zone}:{}\nRRULE:{rule}",
        local.format("%Y%m%dT%H%M%S")
    );
    let set: rrule::RRuleSet = text
        .parse()
        .unwrap_or_else(|e| panic!("a rule calendars accept: {text}: {e}"));
    set.all(400)
        .dates
        .into_iter()
        .map(|at| at.with_timezone(&Utc))
        .collect()
}

/// `2026-03-02T08:00:00Z` as the basic form providers put in occurrence ids.
pub fn basic(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}
