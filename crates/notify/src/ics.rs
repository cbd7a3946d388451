//! Calendar invites (RFC 5545): one `VEVENT` per booking with a stable `UID`, a `SEQUENCE` that
//! grows with every change, UTC times, `METHOD:REQUEST` for a live meeting and `METHOD:CANCEL`
//! for a cancelled one, and a reminder alarm.

use chrono::{DateTime, Utc};
use icalendar::{Alarm, Calendar, Component, EventLike, Property, Trigger};
use mm_domain::booking::{Booking, BookingStatus};

/// Who an invite names. Public downloads pass no organizer, so the host stays anonymous.
#[derive(Debug, Clone)]
pub struct Person<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

#[derive(Debug, Clone)]
pub struct Invite<'a> {
    pub booking: &'a Booking,
    pub summary: &'a str,
    pub description: &'a str,
    /// A join link or an address.
    pub location: Option<&'a str>,
    pub organizer: Option<Person<'a>>,
    pub attendees: Vec<Person<'a>>,
    /// The domain in the `UID`, from the public base URL's host.
    pub uid_domain: &'a str,
    pub stamp: DateTime<Utc>,
}

/// The invite's text, with CRLF line endings and folded lines.
pub fn render(invite: &Invite<'_>) -> String {
    let booking = invite.booking;
    let cancelled = booking.status == BookingStatus::Cancelled;
    let mut event = icalendar::Event::new();
    event
        .uid(&format!("{}@{}", booking.id, invite.uid_domain))
        .sequence(booking.ics_sequence)
        .timestamp(invite.stamp)
        .starts(booking.span.start())
        .ends(booking.span.end())
        .summary(invite.summary)
        .description(invite.description)
        .add_property("STATUS", if cancelled { "CANCELLED" } else { "CONFIRMED" });
    if let Some(location) = invite.location {
        event.location(location);
        if location.starts_with("https://") || location.starts_with("http://") {
            event.url(location);
        }
    }
    if let Some(organizer) = &invite.organizer {
        event.append_property(person("ORGANIZER", organizer));
    }
    for attendee in &invite.attendees {
        let mut property = person("ATTENDEE", attendee);
        property
            .add_parameter("ROLE", "REQ-PARTICIPANT")
            .add_parameter("RSVP", "FALSE");
        event.append_multi_property(property.done());
    }
    if !cancelled {
        event.alarm(Alarm::display(
            invite.summary,
            Trigger::before_start(chrono::Duration::minutes(15)),
        ));
    }
    let mut calendar = Calendar::new();
    calendar
        .append_property(Property::new(
            "METHOD",
            if cancelled { "CANCEL" } else { "REQUEST" },
        ))
        .push(event.done());
    calendar.done().to_string()
}

fn person(key: &str, who: &Person<'_>) -> Property {
    let mut property = Property::new(key, format!("mailto:{}", who.email));
    property.add_parameter("CN", who.name);
    property.done()
}
