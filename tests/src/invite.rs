//! Reading calendar invites back with `ical`, a parser independent of the `icalendar` crate the
//! server writes them with: what a calendar program would see.

use ical::{IcalParser, parser::ical::component::IcalCalendar, property::Property};

/// The fields of an invite's one event that calendar programs act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub method: String,
    pub uid: String,
    pub sequence: u32,
    /// As written, e.g. `20270329T070000Z`.
    pub dtstart: String,
    pub dtend: String,
    pub status: String,
    pub summary: String,
    /// As written: line breaks are `\n`.
    pub description: Option<String>,
    pub location: Option<String>,
    /// `mailto:` addresses.
    pub organizer: Option<String>,
    pub attendees: Vec<String>,
    pub alarms: usize,
    /// The `TZID` of `DTSTART`, when it is written in a zone's wall-clock time (a series).
    pub dtstart_tzid: Option<String>,
    /// A series' rule.
    pub rrule: Option<String>,
    /// Each `EXDATE` value, as written.
    pub exdates: Vec<String>,
    /// The start a series' rule gives the one meeting this event changes.
    pub recurrence_id: Option<String>,
    /// The `TZID`s of the calendar's `VTIMEZONE`s.
    pub timezones: Vec<String>,
    /// A series' meetings held elsewhere than its rule says, from the events of the same `UID`
    /// beside the rule's: each one's `RECURRENCE-ID` and `DTSTART`, as written.
    pub moved: Vec<(String, String)>,
}

/// Parses `ics`, which must hold exactly one calendar with one event, or, for a series, the
/// event with its rule and an event of the same `UID` for each meeting moved from it.
pub fn parse(ics: &str) -> Invite {
    let calendars: Vec<IcalCalendar> = IcalParser::new(ics.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("an invite a calendar program can read: {e}\n{ics}"));
    assert_eq!(calendars.len(), 1, "one calendar: {ics}");
    let calendar = &calendars[0];
    let value = |props: &[Property], name: &str| {
        props
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
    };
    let (ruled, moved): (Vec<_>, Vec<_>) = calendar
        .events
        .iter()
        .partition(|e| value(&e.properties, "RECURRENCE-ID").is_none());
    let event = match (ruled.as_slice(), moved.as_slice()) {
        ([event], _) => *event,
        ([], [event]) => *event,
        _ => panic!("one event, or a series' with its moved meetings: {ics}"),
    };
    let moved: Vec<(String, String)> = if ruled.is_empty() {
        Vec::new()
    } else {
        moved
            .iter()
            .map(|e| {
                assert_eq!(
                    value(&e.properties, "UID"),
                    value(&event.properties, "UID"),
                    "a moved meeting of the same series: {ics}"
                );
                (
                    value(&e.properties, "RECURRENCE-ID").unwrap_or_default(),
                    value(&e.properties, "DTSTART").expect("DTSTART"),
                )
            })
            .collect()
    };
    let required = |name: &str| {
        value(&event.properties, name).unwrap_or_else(|| panic!("the event has {name}: {ics}"))
    };
    Invite {
        method: value(&calendar.properties, "METHOD").expect("METHOD"),
        uid: required("UID"),
        sequence: required("SEQUENCE").parse().expect("a numeric SEQUENCE"),
        dtstart: required("DTSTART"),
        dtend: required("DTEND"),
        status: required("STATUS"),
        summary: required("SUMMARY"),
        description: value(&event.properties, "DESCRIPTION"),
        location: value(&event.properties, "LOCATION"),
        organizer: value(&event.properties, "ORGANIZER"),
        attendees: event
            .properties
            .iter()
            .filter(|p| p.name == "ATTENDEE")
            .filter_map(|p| p.value.clone())
            .collect(),
        alarms: event.alarms.len(),
        dtstart_tzid: event
            .properties
            .iter()
            .find(|p| p.name == "DTSTART")
            .and_then(|p| p.params.as_ref())
            .and_then(|params| params.iter().find(|(name, _)| name == "TZID"))
            .map(|(_, values)| values.join(",")),
        rrule: value(&event.properties, "RRULE"),
        exdates: event
            .properties
            .iter()
            .filter(|p| p.name == "EXDATE")
            .filter_map(|p| p.value.clone())
            .flat_map(|v| v.split(',').map(str::to_owned).collect::<Vec<_>>())
            .collect(),
        recurrence_id: value(&event.properties, "RECURRENCE-ID"),
        timezones: calendar
            .timezones
            .iter()
            .filter_map(|zone| value(&zone.properties, "TZID"))
            .collect(),
        moved,
    }
}

/// An instant as the contract writes it (`2027-03-29T07:00:00Z`) in iCalendar's UTC form.
pub fn ical_utc(instant: &str) -> String {
    instant.replace(['-', ':'], "")
}
