//! Calendar invites (RFC 5545): one `VEVENT` per booking with a stable `UID`, a `SEQUENCE` that
//! grows with every change, UTC times, `METHOD:REQUEST` for a live meeting and `METHOD:CANCEL`
//! for a cancelled one, and a reminder alarm.
//!
//! Every value that people typed (names, titles, agendas, places, links) is made safe here before
//! it is written: an invite goes into hosts' and customers' calendars, and a line break smuggled
//! into a value would let its author add properties of their own, such as another `ORGANIZER`.

use chrono::{DateTime, Utc};
use icalendar::{Alarm, Calendar, Component, EventLike, Property, Trigger};
use mm_domain::{
    Interval,
    booking::{Booking, BookingStatus},
};
use uuid::Uuid;

/// Who an invite names. Public downloads pass no organizer, so the host stays anonymous.
#[derive(Debug, Clone)]
pub struct Person<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

/// The part of a booking an invite describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InviteEvent {
    pub booking_id: Uuid,
    pub sequence: u32,
    pub span: Interval,
    pub cancelled: bool,
}

impl InviteEvent {
    pub fn of(booking: &Booking) -> Self {
        Self {
            booking_id: booking.id,
            sequence: booking.ics_sequence,
            span: booking.span,
            cancelled: booking.status == BookingStatus::Cancelled,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Invite<'a> {
    pub event: InviteEvent,
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
    let InviteEvent {
        booking_id,
        sequence,
        span,
        cancelled,
    } = invite.event;
    let summary = text(invite.summary);
    let mut event = icalendar::Event::new();
    event
        .uid(&format!("{booking_id}@{}", invite.uid_domain))
        .sequence(sequence)
        .timestamp(invite.stamp)
        .starts(span.start())
        .ends(span.end())
        .summary(&summary)
        .description(&text(invite.description))
        .add_property("STATUS", if cancelled { "CANCELLED" } else { "CONFIRMED" });
    if let Some(location) = invite.location {
        event.location(&text(location));
        if let Some(link) = web_link(location) {
            event.url(link);
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
            &summary,
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
    let mut property = Property::new(key, format!("mailto:{}", address(who.email)));
    property.add_parameter("CN", &parameter(who.name));
    property.done()
}

/// A TEXT value as the `icalendar` crate should receive it: it escapes `\`, `;`, `,` and LF, so
/// every other line break becomes an LF and every other control character goes.
fn text(value: &str) -> String {
    value
        .replace("\r\n", "\n")
        .chars()
        .map(|c| {
            if matches!(c, '\r' | '\u{2028}' | '\u{2029}') {
                '\n'
            } else {
                c
            }
        })
        .filter(|c| *c == '\n' || !c.is_control())
        .collect()
}

/// A parameter value, always quoted. RFC 5545 has no escape inside a quoted parameter, so `"`
/// (which would end it) and control characters are dropped; the crate writes a value that
/// arrives quoted as it is.
fn parameter(value: &str) -> String {
    let inner: String = value
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    format!("\"{inner}\"")
}

/// An email address as the value of a `mailto:` URI; addresses are checked when they are
/// taken, so this only guards the line.
fn address(email: &str) -> String {
    email.chars().filter(|c| !c.is_control()).collect()
}

/// A location that is one plain http(s) link, for the `URL` property (a URI, not escaped).
fn web_link(location: &str) -> Option<&str> {
    let location = location.trim();
    let plain = !location.is_empty()
        && location
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && c != '"');
    (plain && (location.starts_with("https://") || location.starts_with("http://")))
        .then_some(location)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;
    use proptest::prelude::*;

    fn invite<'a>(
        summary: &'a str,
        description: &'a str,
        location: Option<&'a str>,
        organizer: &'a str,
        customer: &'a str,
    ) -> String {
        let start = Utc.with_ymd_and_hms(2027, 3, 29, 7, 0, 0).unwrap();
        render(&Invite {
            event: InviteEvent {
                booking_id: Uuid::from_u128(1),
                sequence: 2,
                span: Interval::new(start, start + chrono::Duration::hours(1)).unwrap(),
                cancelled: false,
            },
            summary,
            description,
            location,
            organizer: Some(Person {
                name: organizer,
                email: "host@example.com",
            }),
            attendees: vec![Person {
                name: customer,
                email: "customer@example.com",
            }],
            uid_domain: "booking.example.com",
            stamp: start,
        })
    }

    /// The content lines of an invite, unfolded, each reduced to its property name.
    fn property_names(ics: &str) -> Vec<String> {
        let unfolded = ics.replace("\r\n ", "").replace("\r\n\t", "");
        unfolded
            .split("\r\n")
            .filter(|line| !line.is_empty())
            .map(|line| line.split([';', ':']).next().unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn a_customer_name_with_a_line_break_and_a_quote_adds_no_organizer() {
        let attack = "Bob\":mailto:b@x.io\r\nORGANIZER;CN=IT:mailto:atk@evil.io\r\nX-A;Y=\"";
        let ics = invite("Call", "Agenda", None, "Anna", attack);
        let organizers = property_names(&ics)
            .into_iter()
            .filter(|name| name == "ORGANIZER")
            .count();
        assert_eq!(organizers, 1, "{ics}");
        assert!(!ics.contains("atk@evil.io\r\n"), "{ics}");
        assert!(
            ics.contains("CN=\"Bob:mailto:b@x.ioORGANIZER;CN=IT"),
            "{ics}"
        );
    }

    #[test]
    fn text_values_keep_their_line_breaks_escaped() {
        let ics = invite(
            "Call; with, Bob",
            "line one\r\nline two\rthree",
            None,
            "A",
            "B",
        );
        let unfolded = ics.replace("\r\n ", "");
        assert!(
            unfolded.contains("SUMMARY:Call\\; with\\, Bob\r\n"),
            "{ics}"
        );
        assert!(
            unfolded.contains("DESCRIPTION:line one\\nline two\\nthree\r\n"),
            "{ics}"
        );
    }

    #[test]
    fn only_a_plain_web_link_becomes_the_url() {
        let with_link = invite("Call", "", Some("https://meet.example.com/abc"), "A", "B");
        assert!(with_link.contains("URL:https://meet.example.com/abc\r\n"));
        let smuggled = invite(
            "Call",
            "",
            Some("https://x.io/\r\nATTENDEE:mailto:atk@evil.io"),
            "A",
            "B",
        );
        assert!(!smuggled.contains("\r\nURL"), "{smuggled}");
        assert_eq!(
            property_names(&smuggled)
                .iter()
                .filter(|n| *n == "ATTENDEE")
                .count(),
            1
        );
    }

    proptest! {
        /// Whatever people type, an invite has exactly the lines of an ordinary one.
        #[test]
        fn no_typed_value_adds_a_line_to_an_invite(
            summary in any::<String>(),
            description in any::<String>(),
            location in proptest::option::of(any::<String>()),
            organizer in any::<String>(),
            customer in any::<String>(),
            breaks in "[\r\n\"\\\\;:,]{0,6}",
        ) {
            let ordinary = property_names(&invite(
                "s", "d", location.as_ref().map(|_| "l"), "o", "c",
            ));
            let with = |s: &str| format!("{s}{breaks}{s}");
            let ics = invite(
                &with(&summary),
                &with(&description),
                location.as_deref().map(with).as_deref(),
                &with(&organizer),
                &with(&customer),
            );
            let unfolded = ics.replace("\r\n ", "");
            for line in unfolded.split("\r\n") {
                prop_assert!(!line.contains(['\r', '\n']), "a bare line break in {line:?}");
            }
            let mut names = property_names(&ics);
            // A location that is a plain link also gives a URL line.
            names.retain(|n| n != "URL");
            prop_assert_eq!(names, ordinary);
        }
    }
}
