//! Calendar invites (RFC 5545): one `VEVENT` per booking with a stable `UID`, a `SEQUENCE` that
//! grows with every change, UTC times, `METHOD:REQUEST` for a live meeting and `METHOD:CANCEL`
//! for a cancelled one, and a reminder alarm.
//!
//! A recurring series is one `VEVENT` whose `UID` is the series': its first meeting's times in
//! the series' zone (`TZID`, with that zone's `VTIMEZONE`), its `RRULE`, and an `EXDATE` for each
//! meeting cancelled on its own, followed by one `VEVENT` of the same `UID` for each meeting that
//! is no longer where the rule puts it (its `RECURRENCE-ID` naming the start the rule gave it).
//! One meeting moved or cancelled on its own is that `UID` with a `RECURRENCE-ID` alone, so
//! calendar programs change only that one.
//!
//! Every value that people typed (names, titles, agendas, places, links) is made safe here before
//! it is written: an invite goes into hosts' and customers' calendars, and a line break smuggled
//! into a value would let its author add properties of their own, such as another `ORGANIZER`.

use chrono::{DateTime, Utc};
use icalendar::{Alarm, Calendar, Component, EventLike, Property, Trigger};
use mm_domain::{
    Interval, TimeZone,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteEvent {
    pub booking_id: Uuid,
    pub sequence: u32,
    pub span: Interval,
    pub cancelled: bool,
    /// The series the booking belongs to, if it recurs.
    pub series: Option<SeriesPart>,
}

/// What of a recurring series an invite describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeriesPart {
    /// The whole series: the event's span is its first meeting's, `rule` its `RRULE` value,
    /// `last` the start of its last meeting, `excluded` the starts of meetings cancelled alone,
    /// `moved` the meetings held elsewhere than the rule says (the start the rule gave each, and
    /// when it is now).
    Whole {
        series_id: Uuid,
        zone: TimeZone,
        rule: String,
        last: DateTime<Utc>,
        excluded: Vec<DateTime<Utc>>,
        moved: Vec<(DateTime<Utc>, Interval)>,
    },
    /// One meeting of the series, changed or cancelled alone: `original` is the start the rule
    /// gave it, which calendar programs know it by.
    Meeting {
        series_id: Uuid,
        zone: TimeZone,
        original: DateTime<Utc>,
    },
}

impl SeriesPart {
    fn series_id(&self) -> Uuid {
        match self {
            Self::Whole { series_id, .. } | Self::Meeting { series_id, .. } => *series_id,
        }
    }

    fn zone(&self) -> TimeZone {
        match self {
            Self::Whole { zone, .. } | Self::Meeting { zone, .. } => *zone,
        }
    }
}

impl InviteEvent {
    pub fn of(booking: &Booking) -> Self {
        Self {
            booking_id: booking.id,
            sequence: booking.ics_sequence,
            span: booking.span,
            cancelled: booking.status == BookingStatus::Cancelled,
            series: None,
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
        series,
    } = &invite.event;
    let summary = text(invite.summary);
    let uid = series.as_ref().map_or(*booking_id, SeriesPart::series_id);
    // What every component of the invite says besides its times.
    let described = |event: &mut icalendar::Event| {
        event
            .uid(&format!("{uid}@{}", invite.uid_domain))
            .sequence(*sequence)
            .timestamp(invite.stamp)
            .summary(&summary)
            .description(&text(invite.description))
            .add_property("STATUS", if *cancelled { "CANCELLED" } else { "CONFIRMED" });
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
    };
    let mut event = icalendar::Event::new();
    let mut overrides = Vec::new();
    match series {
        None => {
            event.starts(span.start()).ends(span.end());
        }
        Some(part) => {
            let zone = part.zone();
            event
                .append_property(zoned("DTSTART", zone, &[span.start()]))
                .append_property(zoned("DTEND", zone, &[span.end()]));
            match part {
                SeriesPart::Whole {
                    rule,
                    excluded,
                    moved,
                    ..
                } => {
                    event.add_property("RRULE", rule);
                    if !excluded.is_empty() {
                        event.append_property(zoned("EXDATE", zone, excluded));
                    }
                    for (original, now) in moved {
                        let mut moved = icalendar::Event::new();
                        moved
                            .append_property(zoned("RECURRENCE-ID", zone, &[*original]))
                            .append_property(zoned("DTSTART", zone, &[now.start()]))
                            .append_property(zoned("DTEND", zone, &[now.end()]));
                        described(&mut moved);
                        overrides.push(moved.done());
                    }
                }
                SeriesPart::Meeting { original, .. } => {
                    event.append_property(zoned("RECURRENCE-ID", zone, &[*original]));
                }
            }
        }
    }
    described(&mut event);
    let mut calendar = Calendar::new();
    calendar
        .append_property(Property::new(
            "METHOD",
            if *cancelled { "CANCEL" } else { "REQUEST" },
        ))
        .push(event.done());
    for moved in overrides {
        calendar.push(moved);
    }
    let text = calendar.done().to_string();
    match series {
        // The crate writes no VTIMEZONE: it goes before the event that names it.
        Some(part) => {
            let (first, last) = match part {
                SeriesPart::Whole { last, moved, .. } => moved.iter().fold(
                    (span.start(), (*last).max(span.end())),
                    |(first, last), (_, now)| (first.min(now.start()), last.max(now.end())),
                ),
                SeriesPart::Meeting { original, .. } => {
                    ((*original).min(span.start()), (*original).max(span.end()))
                }
            };
            let zone = vtimezone(part.zone(), first, last);
            text.replacen("BEGIN:VEVENT\r\n", &format!("{zone}BEGIN:VEVENT\r\n"), 1)
        }
        None => text,
    }
}

/// A date-time property in `zone`'s wall-clock time, with its `TZID`.
fn zoned(key: &str, zone: TimeZone, instants: &[DateTime<Utc>]) -> Property {
    let values: Vec<String> = instants.iter().map(|i| local(zone, *i)).collect();
    let mut property = Property::new(key, values.join(","));
    property.add_parameter("TZID", zone.name());
    property.done()
}

fn local(zone: TimeZone, instant: DateTime<Utc>) -> String {
    zone.local(instant).format("%Y%m%dT%H%M%S").to_string()
}

/// The `VTIMEZONE` of `zone` for meetings from `first` to `last`: the clock in force a day
/// before, then each change until a day after. A zone's name is an IANA name (letters, `/`,
/// `_`, `-`, `+`, digits), so nothing here needs escaping.
fn vtimezone(zone: TimeZone, first: DateTime<Utc>, last: DateTime<Utc>) -> String {
    let day = chrono::Duration::days(1);
    // Never empty: a day on each side.
    let covered = Interval::new(first.min(last) - day, first.max(last) + day)
        .unwrap_or_else(|_| Interval::starting_at(first, mm_domain::Minutes::ONE));
    let mut lines = vec![
        "BEGIN:VTIMEZONE".to_owned(),
        format!("TZID:{}", zone.name()),
    ];
    let mut observance = |at: DateTime<Utc>,
                          before: &mm_domain::time::Observance,
                          after: &mm_domain::time::Observance| {
        let kind = if after.daylight {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        // An onset is written in the wall-clock time in force before it.
        let onset = (at + chrono::Duration::seconds(i64::from(before.offset_seconds)))
            .format("%Y%m%dT%H%M%S");
        lines.push(format!("BEGIN:{kind}"));
        lines.push(format!("DTSTART:{onset}"));
        lines.push(format!(
            "TZOFFSETFROM:{}",
            utc_offset(before.offset_seconds)
        ));
        lines.push(format!("TZOFFSETTO:{}", utc_offset(after.offset_seconds)));
        if let Some(name) = &after.abbreviation {
            lines.push(format!("TZNAME:{name}"));
        }
        lines.push(format!("END:{kind}"));
    };
    let initial = zone.observance(covered.start());
    observance(covered.start(), &initial, &initial);
    for change in zone.offset_changes(covered) {
        observance(change.at, &change.before, &change.after);
    }
    lines.push("END:VTIMEZONE".to_owned());
    lines.iter().map(|line| format!("{line}\r\n")).collect()
}

/// `+0100`, `-0500`, `+1030`, `+013045` (seconds only when a zone has them).
fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.unsigned_abs();
    let (hours, minutes, rest) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    if rest == 0 {
        format!("{sign}{hours:02}{minutes:02}")
    } else {
        format!("{sign}{hours:02}{minutes:02}{rest:02}")
    }
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
                series: None,
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

    mod series {
        use super::*;
        use ical::{IcalParser, parser::ical::component::IcalCalendar, property::Property as P};
        use mm_domain::recurrence::{Frequency, Recurrence, RuleEnd};

        fn copenhagen() -> TimeZone {
            TimeZone::parse("Europe/Copenhagen").unwrap()
        }

        fn series_invite(part: SeriesPart, span: Interval, cancelled: bool) -> String {
            render(&Invite {
                event: InviteEvent {
                    booking_id: Uuid::from_u128(7),
                    sequence: 3,
                    span,
                    cancelled,
                    series: Some(part),
                },
                summary: "Weekly check-in",
                description: "",
                location: None,
                organizer: None,
                attendees: vec![],
                uid_domain: "booking.example.com",
                stamp: span.start(),
            })
        }

        fn parsed(ics: &str) -> IcalCalendar {
            let mut calendars: Vec<IcalCalendar> = IcalParser::new(ics.as_bytes())
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("{e}: {ics}"));
            assert_eq!(calendars.len(), 1);
            calendars.remove(0)
        }

        fn property<'a>(properties: &'a [P], name: &str) -> Option<&'a P> {
            properties.iter().find(|p| p.name == name)
        }

        fn value(properties: &[P], name: &str) -> Option<String> {
            property(properties, name).and_then(|p| p.value.clone())
        }

        fn tzid(property: &P) -> Option<String> {
            property
                .params
                .iter()
                .flatten()
                .find(|(name, _)| name == "TZID")
                .map(|(_, values)| values.join(","))
        }

        /// The instant of a local `YYYYMMDDTHHMMSS` by the invite's own `VTIMEZONE`: the offset
        /// of the latest onset at or before it.
        fn by_vtimezone(calendar: &IcalCalendar, local: &str) -> DateTime<Utc> {
            let local = chrono::NaiveDateTime::parse_from_str(local, "%Y%m%dT%H%M%S").unwrap();
            let zone = &calendar.timezones[0];
            let offset = zone
                .transitions
                .iter()
                .filter_map(|t| {
                    let onset = value(&t.properties, "DTSTART")?;
                    let onset =
                        chrono::NaiveDateTime::parse_from_str(&onset, "%Y%m%dT%H%M%S").ok()?;
                    let to = value(&t.properties, "TZOFFSETTO")?;
                    (onset <= local).then_some((onset, to))
                })
                .max()
                .map(|(_, to)| to)
                .expect("an observance in force");
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let hours: i64 = offset[1..3].parse().unwrap();
            let minutes: i64 = offset[3..5].parse().unwrap();
            local.and_utc() - chrono::Duration::minutes(sign * (hours * 60 + minutes))
        }

        #[test]
        fn a_series_invite_expands_in_calendar_programs_to_the_meetings_held() {
            let zone = copenhagen();
            let first = zone
                .instant("2027-03-16T09:00:00".parse().unwrap())
                .unwrap();
            let recurrence = Recurrence::new(Frequency::Weekly, 6, 52).unwrap();
            let starts = recurrence.starts(zone, first);
            let span = Interval::starting_at(first, mm_domain::Minutes::duration(45).unwrap());
            let ics = series_invite(
                SeriesPart::Whole {
                    series_id: Uuid::from_u128(42),
                    zone,
                    rule: recurrence.rule(zone, first, RuleEnd::Count),
                    last: starts[5],
                    excluded: vec![starts[3]],
                    moved: vec![],
                },
                span,
                false,
            );
            let calendar = parsed(&ics);
            assert_eq!(calendar.timezones.len(), 1, "{ics}");
            assert_eq!(
                value(&calendar.timezones[0].properties, "TZID").as_deref(),
                Some("Europe/Copenhagen")
            );
            let event = &calendar.events[0];
            assert_eq!(
                value(&event.properties, "UID").as_deref(),
                Some(format!("{}@booking.example.com", Uuid::from_u128(42)).as_str())
            );
            assert_eq!(value(&event.properties, "SEQUENCE").as_deref(), Some("3"));
            let dtstart = property(&event.properties, "DTSTART").unwrap();
            let exdate = property(&event.properties, "EXDATE").unwrap();
            assert_eq!(tzid(dtstart).as_deref(), Some("Europe/Copenhagen"));
            assert_eq!(tzid(exdate).as_deref(), Some("Europe/Copenhagen"));
            let rule = value(&event.properties, "RRULE").unwrap();
            assert_eq!(rule, "FREQ=WEEKLY;COUNT=6");
            let dtstart = dtstart.value.clone().unwrap();
            let exdate = exdate.value.clone().unwrap();
            // The meetings an RRULE expander gives...
            let set: rrule::RRuleSet = format!(
                "DTSTART;TZID=Europe/Copenhagen:{dtstart}\nRRULE:{rule}\nEXDATE;TZID=Europe/Copenhagen:{exdate}"
            )
            .parse()
            .unwrap();
            let expanded: Vec<DateTime<Utc>> = set
                .all(100)
                .dates
                .iter()
                .map(|d| d.with_timezone(&Utc))
                .collect();
            let mut held = starts.clone();
            held.remove(3);
            assert_eq!(expanded, held);
            // ...and the instants the invite's own VTIMEZONE gives their wall-clock times, across
            // the change on 28 March.
            for start in &held {
                let local = zone.local(*start).format("%Y%m%dT%H%M%S").to_string();
                assert_eq!(by_vtimezone(&calendar, &local), *start, "{local}: {ics}");
            }
            assert_eq!(by_vtimezone(&calendar, &dtstart), first);
        }

        #[test]
        fn a_whole_series_invite_carries_each_moved_meeting_as_its_own_event_of_the_same_uid() {
            let zone = copenhagen();
            let first = zone
                .instant("2027-03-16T09:00:00".parse().unwrap())
                .unwrap();
            let recurrence = Recurrence::new(Frequency::Weekly, 3, 52).unwrap();
            let starts = recurrence.starts(zone, first);
            let length = mm_domain::Minutes::duration(45).unwrap();
            // The third meeting, after the change to summer time, moved to Thursday 10:00.
            let thursday = zone
                .instant("2027-04-01T10:00:00".parse().unwrap())
                .unwrap();
            let ics = series_invite(
                SeriesPart::Whole {
                    series_id: Uuid::from_u128(42),
                    zone,
                    rule: recurrence.rule(zone, first, RuleEnd::Count),
                    last: starts[2],
                    excluded: vec![],
                    moved: vec![(starts[2], Interval::starting_at(thursday, length))],
                },
                Interval::starting_at(first, length),
                false,
            );
            let calendar = parsed(&ics);
            assert_eq!(calendar.events.len(), 2, "{ics}");
            let (ruled, moved) = (&calendar.events[0], &calendar.events[1]);
            assert_eq!(
                value(&moved.properties, "UID"),
                value(&ruled.properties, "UID")
            );
            assert!(property(&moved.properties, "RRULE").is_none());
            let recurrence_id = property(&moved.properties, "RECURRENCE-ID").unwrap();
            assert_eq!(recurrence_id.value.as_deref(), Some("20270330T090000"));
            assert_eq!(tzid(recurrence_id).as_deref(), Some("Europe/Copenhagen"));
            assert_eq!(
                value(&moved.properties, "DTSTART").as_deref(),
                Some("20270401T100000")
            );
            assert_eq!(by_vtimezone(&calendar, "20270401T100000"), thursday);
        }

        #[test]
        fn one_meeting_moved_alone_is_the_series_uid_with_the_start_the_rule_gave_it() {
            let zone = copenhagen();
            let original = zone
                .instant("2027-03-30T09:00:00".parse().unwrap())
                .unwrap();
            let moved = original + chrono::Duration::hours(5);
            let span = Interval::starting_at(moved, mm_domain::Minutes::duration(30).unwrap());
            let part = SeriesPart::Meeting {
                series_id: Uuid::from_u128(42),
                zone,
                original,
            };
            let ics = series_invite(part.clone(), span, false);
            let calendar = parsed(&ics);
            let event = &calendar.events[0];
            let recurrence_id = property(&event.properties, "RECURRENCE-ID").unwrap();
            assert_eq!(recurrence_id.value.as_deref(), Some("20270330T090000"));
            assert_eq!(tzid(recurrence_id).as_deref(), Some("Europe/Copenhagen"));
            assert_eq!(
                value(&event.properties, "DTSTART").as_deref(),
                Some("20270330T140000")
            );
            assert!(property(&event.properties, "RRULE").is_none(), "{ics}");
            assert!(
                value(&event.properties, "UID")
                    .unwrap()
                    .starts_with(&Uuid::from_u128(42).to_string())
            );
            let cancelled = parsed(&series_invite(part, span, true));
            assert_eq!(
                value(&cancelled.properties, "METHOD").as_deref(),
                Some("CANCEL")
            );
            assert!(property(&cancelled.events[0].properties, "RECURRENCE-ID").is_some());
        }

        #[test]
        fn offsets_are_written_as_rfc_5545_asks() {
            assert_eq!(utc_offset(3600), "+0100");
            assert_eq!(utc_offset(-5 * 3600), "-0500");
            assert_eq!(utc_offset(37800), "+1030");
            assert_eq!(utc_offset(0), "+0000");
            assert_eq!(utc_offset(-(3600 + 30 * 60 + 45)), "-013045");
        }
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
