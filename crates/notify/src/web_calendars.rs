//! "Add to calendar" links for the web calendars that take a new event from a URL: Google
//! Calendar, Outlook.com and Microsoft 365. They carry the same event as the `.ics` download,
//! for people whose calendar lives in a browser tab rather than an app that opens files.

use chrono::{DateTime, Utc};
use mm_domain::Interval;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// RFC 3986's unreserved characters stay; everything else is escaped (a space as `%20`, which
/// every one of these services reads, where `+` is not read as a space by all of them).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The event a link opens, pre-filled.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub summary: &'a str,
    pub description: &'a str,
    /// A join link or an address.
    pub location: Option<&'a str>,
    pub span: Interval,
}

/// One link per web calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebCalendarLinks {
    pub google: String,
    pub outlook_com: String,
    pub office_365: String,
}

pub fn links(entry: &Entry<'_>) -> WebCalendarLinks {
    WebCalendarLinks {
        google: google(entry),
        outlook_com: outlook(entry, "https://outlook.live.com"),
        office_365: outlook(entry, "https://outlook.office.com"),
    }
}

/// Google Calendar's event template: `dates` is `start/end` in basic UTC form.
fn google(entry: &Entry<'_>) -> String {
    let basic = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let dates = format!("{}/{}", basic(entry.span.start()), basic(entry.span.end()));
    let mut params = vec![
        ("action", "TEMPLATE"),
        ("text", entry.summary),
        ("dates", &dates),
        ("details", entry.description),
    ];
    if let Some(location) = entry.location {
        params.push(("location", location));
    }
    with_query("https://calendar.google.com/calendar/render", &params)
}

/// Outlook's compose deep link, the same on Outlook.com and Microsoft 365: times in extended
/// ISO 8601 UTC.
fn outlook(entry: &Entry<'_>, origin: &str) -> String {
    let extended = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let (start, end) = (extended(entry.span.start()), extended(entry.span.end()));
    let mut params = vec![
        ("path", "/calendar/action/compose"),
        ("rru", "addevent"),
        ("subject", entry.summary),
        ("startdt", &start),
        ("enddt", &end),
        ("body", entry.description),
    ];
    if let Some(location) = entry.location {
        params.push(("location", location));
    }
    with_query(&format!("{origin}/calendar/0/action/compose"), &params)
}

fn with_query(base: &str, params: &[(&str, &str)]) -> String {
    let query: Vec<String> = params
        .iter()
        .map(|(key, value)| format!("{key}={}", utf8_percent_encode(value, QUERY_VALUE)))
        .collect();
    format!("{base}?{}", query.join("&"))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn call_on_monday() -> Entry<'static> {
        let start = Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
        Entry {
            summary: "Call with Support",
            description: "Booking reference BK-AB12CD34. Manage your booking: https://book.example.com/book/reschedule/t0k",
            location: Some("https://meet.example.com/abc?pwd=1&x=2"),
            span: Interval::new(start, start + chrono::Duration::minutes(30)).unwrap(),
        }
    }

    #[test]
    fn google_link_is_an_event_template_in_utc() {
        assert_eq!(
            links(&call_on_monday()).google,
            "https://calendar.google.com/calendar/render?action=TEMPLATE\
             &text=Call%20with%20Support\
             &dates=20261123T080000Z%2F20261123T083000Z\
             &details=Booking%20reference%20BK-AB12CD34.%20Manage%20your%20booking%3A%20https%3A%2F%2Fbook.example.com%2Fbook%2Freschedule%2Ft0k\
             &location=https%3A%2F%2Fmeet.example.com%2Fabc%3Fpwd%3D1%26x%3D2"
        );
    }

    #[test]
    fn outlook_links_compose_the_event_on_each_outlook() {
        let links = links(&call_on_monday());
        let query = "?path=%2Fcalendar%2Faction%2Fcompose&rru=addevent\
             &subject=Call%20with%20Support\
             &startdt=2026-11-23T08%3A00%3A00Z&enddt=2026-11-23T08%3A30%3A00Z\
             &body=Booking%20reference%20BK-AB12CD34.%20Manage%20your%20booking%3A%20https%3A%2F%2Fbook.example.com%2Fbook%2Freschedule%2Ft0k\
             &location=https%3A%2F%2Fmeet.example.com%2Fabc%3Fpwd%3D1%26x%3D2";
        assert_eq!(
            links.outlook_com,
            format!("https://outlook.live.com/calendar/0/action/compose{query}")
        );
        assert_eq!(
            links.office_365,
            format!("https://outlook.office.com/calendar/0/action/compose{query}")
        );
    }

    #[test]
    fn a_meeting_without_a_place_leaves_the_location_out() {
        let entry = Entry {
            location: None,
            ..call_on_monday()
        };
        let links = links(&entry);
        for link in [links.google, links.outlook_com, links.office_365] {
            assert!(!link.contains("location="), "{link}");
        }
    }

    #[test]
    fn text_in_any_script_survives_the_query() {
        let entry = Entry {
            summary: "Rådgivning & møde #1",
            ..call_on_monday()
        };
        let google = links(&entry).google;
        let text = google
            .split('&')
            .find_map(|p| p.strip_prefix("text="))
            .unwrap();
        assert_eq!(text, "R%C3%A5dgivning%20%26%20m%C3%B8de%20%231");
        assert_eq!(
            percent_encoding::percent_decode_str(text)
                .decode_utf8()
                .unwrap(),
            "Rådgivning & møde #1"
        );
    }
}
