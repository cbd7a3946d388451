//! Feeds as Google Calendar, Outlook (Exchange) and Apple Calendar export them, read into the
//! events of a window.

// Helpers of a test file: a broken expectation is the failure being reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};
use mm_calendars::{FeedLimits, IcalError, SyncedEvent, read_feed};
use mm_domain::scheduling::{BusyStatus, EventTime};

const GOOGLE: &str = include_str!("feeds/google.ics");
const OUTLOOK: &str = include_str!("feeds/outlook.ics");
const APPLE: &str = include_str!("feeds/apple.ics");

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Everything in the feed from 19 October 2026 to 1 March 2027, as RFC 5545 files travel: CRLF.
fn read(feed: &str) -> Vec<SyncedEvent> {
    let crlf = feed.replace('\n', "\r\n");
    read_feed(
        &crlf,
        utc(2026, 10, 19, 0, 0),
        utc(2027, 3, 1, 0, 0),
        chrono_tz::UTC,
        &FeedLimits::default(),
    )
    .expect("the feed reads")
}

fn titled<'a>(events: &'a [SyncedEvent], summary: &str) -> Vec<&'a SyncedEvent> {
    events
        .iter()
        .filter(|e| e.summary.as_deref() == Some(summary))
        .collect()
}

fn span(event: &SyncedEvent) -> (DateTime<Utc>, DateTime<Utc>) {
    match event.event.time {
        EventTime::Timed(span) => (span.start(), span.end()),
        EventTime::AllDay { .. } => panic!("{event:?} is all day"),
    }
}

#[test]
fn a_weekly_google_meeting_keeps_its_local_time_across_the_clock_change() {
    let events = read(GOOGLE);
    let standups = titled(&events, "Team stand-up");
    let starts: Vec<DateTime<Utc>> = standups.iter().map(|e| span(e).0).collect();
    assert_eq!(
        starts,
        vec![
            utc(2026, 10, 19, 7, 30), // 09:30 summer time
            utc(2026, 10, 26, 8, 30), // 09:30 winter time
            utc(2026, 11, 2, 8, 30),
            // 9 November is excepted (EXDATE); 16 November was moved (below).
            utc(2026, 11, 23, 8, 30),
            utc(2026, 11, 30, 8, 30),
            utc(2026, 12, 7, 8, 30), // UNTIL is inclusive
        ]
    );
    assert!(standups.iter().all(|e| e.event.status == BusyStatus::Busy));
    assert_eq!(
        span(standups[1]).1 - span(standups[1]).0,
        chrono::Duration::minutes(30)
    );
}

#[test]
fn a_moved_occurrence_replaces_the_one_it_names_under_the_same_id() {
    let events = read(GOOGLE);
    let moved = titled(&events, "Team stand-up (afternoon this week)");
    assert_eq!(moved.len(), 1);
    assert_eq!(
        span(moved[0]),
        (utc(2026, 11, 16, 13, 0), utc(2026, 11, 16, 13, 30))
    );
    // The id is the series' plus the original start, so a later sync matches the same row.
    assert_eq!(
        moved[0].external_id,
        "7kukuqrfedlm2f9t0vr1nq0rqi@google.com/20261116T083000Z"
    );
    let ids: Vec<&str> = events.iter().map(|e| e.external_id.as_str()).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "ids are unique: {ids:?}");
}

#[test]
fn google_all_day_events_block_whole_days_unless_marked_free() {
    let events = read(GOOGLE);
    let away = titled(&events, "Out of office – conference");
    assert_eq!(away.len(), 1);
    assert_eq!(
        away[0].event.time,
        EventTime::AllDay {
            first: date(2026, 11, 24),
            until: date(2026, 11, 26),
        }
    );
    assert_eq!(away[0].event.status, BusyStatus::Busy);
    let birthday = titled(&events, "Mum's birthday");
    assert_eq!(birthday.len(), 1, "one yearly occurrence in the window");
    assert_eq!(birthday[0].event.status, BusyStatus::Free);
}

#[test]
fn utc_times_escaped_text_and_cancelled_events() {
    let events = read(GOOGLE);
    let dentist = titled(&events, "Dentist, Nørrebrogade");
    assert_eq!(
        span(dentist[0]),
        (utc(2026, 11, 25, 13, 0), utc(2026, 11, 25, 14, 0))
    );
    assert!(titled(&events, "Lunch with Bo").is_empty(), "cancelled");
}

#[test]
fn outlook_windows_zones_are_read_from_their_vtimezone() {
    let events = read(OUTLOOK);
    let workshop = titled(&events, "Customer workshop");
    assert_eq!(
        span(workshop[0]),
        (utc(2026, 11, 24, 12, 0), utc(2026, 11, 24, 14, 0))
    );
    let call = titled(&events, "Maybe: partner call");
    assert_eq!(
        span(call[0]),
        (utc(2026, 11, 25, 14, 0), utc(2026, 11, 25, 15, 0)),
        "09:00 in New York in November is 14:00 UTC"
    );
    assert_eq!(call[0].event.status, BusyStatus::Tentative);
    let reading = titled(&events, "Reading week");
    assert_eq!(reading[0].event.status, BusyStatus::Free);
}

#[test]
fn an_outlook_series_on_weekdays_with_a_count_skips_weekends_and_its_exception() {
    let events = read(OUTLOOK);
    let focus: Vec<DateTime<Utc>> = titled(&events, "Focus time")
        .iter()
        .map(|e| span(e).0)
        .collect();
    // Ten weekdays from Monday 23 November, less Thursday 26 November.
    let days = [23, 24, 25, 27, 30];
    let mut expected: Vec<DateTime<Utc>> = days.iter().map(|&d| utc(2026, 11, d, 7, 0)).collect();
    expected.extend([1, 2, 3, 4].iter().map(|&d| utc(2026, 12, d, 7, 0)));
    assert_eq!(focus, expected);
}

#[test]
fn apple_monthly_series_durations_floating_times_and_tentative() {
    let events = read(APPLE);
    let board: Vec<DateTime<Utc>> = titled(&events, "Board meeting")
        .iter()
        .map(|e| span(e).0)
        .collect();
    assert_eq!(
        board,
        vec![
            utc(2026, 12, 1, 9, 0),
            utc(2027, 1, 5, 9, 0),
            utc(2027, 2, 2, 9, 0),
        ],
        "the first Tuesday of three months"
    );
    let new_york = titled(&events, "Call with the New York office");
    assert_eq!(span(new_york[0]).0, utc(2026, 11, 25, 14, 0));
    let lunch = titled(&events, "Lunch, with Bo");
    assert_eq!(
        span(lunch[0]),
        (utc(2026, 11, 27, 11, 0), utc(2026, 11, 27, 12, 30))
    );
    // No zone on the time: the calendar's own X-WR-TIMEZONE.
    let school = titled(&events, "School run");
    assert_eq!(span(school[0]).0, utc(2026, 11, 26, 7, 0));
    let yoga = titled(&events, "Maybe: yoga");
    assert_eq!(yoga[0].event.status, BusyStatus::Tentative);
}

#[test]
fn only_events_touching_the_window_are_read() {
    let events = read_feed(
        GOOGLE,
        utc(2026, 11, 22, 0, 0),
        utc(2026, 11, 24, 0, 0),
        chrono_tz::UTC,
        &FeedLimits::default(),
    )
    .expect("reads");
    let titles: Vec<&str> = events.iter().filter_map(|e| e.summary.as_deref()).collect();
    assert_eq!(titles, vec!["Team stand-up", "Out of office – conference"]);
}

#[test]
fn what_is_not_a_calendar_is_an_error_not_an_empty_calendar() {
    let window = (utc(2026, 11, 22, 0, 0), utc(2026, 12, 22, 0, 0));
    for text in ["<html><body>Sign in</body></html>", ""] {
        assert!(
            read_feed(
                text,
                window.0,
                window.1,
                chrono_tz::UTC,
                &FeedLimits::default()
            )
            .is_err(),
            "{text:?}"
        );
    }
}

/// A feed of `events` (each a block of `VEVENT` properties), as a hostile server might serve it.
fn feed_of(events: &[String]) -> String {
    let mut text = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\n");
    for (i, event) in events.iter().enumerate() {
        text.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:e{i}\r\nDTSTAMP:20260101T000000Z\r\n{event}END:VEVENT\r\n"
        ));
    }
    text.push_str("END:VCALENDAR\r\n");
    text
}

#[test]
fn a_rule_ticking_every_second_since_1900_is_walked_from_the_window_not_from_its_start() {
    let feed = feed_of(&[
        "DTSTART:19000101T000000Z\r\nDURATION:PT1S\r\nRRULE:FREQ=SECONDLY;INTERVAL=7\r\n".into(),
    ]);
    let from = utc(2026, 11, 23, 9, 0);
    let started = std::time::Instant::now();
    let events = read_feed(
        &feed,
        from,
        from + chrono::Duration::minutes(1),
        chrono_tz::UTC,
        &FeedLimits::default(),
    )
    .expect("a minute of it reads");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "it took {:?}",
        started.elapsed()
    );
    // Seconds since 1900-01-01 that are multiples of 7, inside the minute (or ending in it).
    let epoch = utc(1900, 1, 1, 0, 0);
    let starts: Vec<i64> = events
        .iter()
        .map(|e| (span(e).0 - epoch).num_seconds())
        .collect();
    assert!(!starts.is_empty());
    assert!(starts.iter().all(|s| s % 7 == 0), "{starts:?}");
    assert_eq!(starts.len(), 9, "{starts:?}");
}

#[test]
fn a_weekly_series_since_1990_keeps_its_weekday_and_wall_clock_time() {
    let feed = feed_of(&[
        "DTSTART;TZID=Europe/Copenhagen:19900102T090000\r\nDTEND;TZID=Europe/Copenhagen:19900102T100000\r\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH\r\n".into(),
    ]);
    let events = read_feed(
        &feed,
        utc(2026, 10, 19, 0, 0),
        utc(2026, 11, 2, 0, 0),
        chrono_tz::UTC,
        &FeedLimits::default(),
    )
    .expect("reads");
    let starts: Vec<DateTime<Utc>> = events.iter().map(|e| span(e).0).collect();
    // 1990-01-02 was a Tuesday of an even fortnight; so are 2026-10-20 and 2026-10-22 (summer
    // time, 07:00 UTC) and not the week of 2026-10-27.
    let weeks_apart = (date(2026, 10, 20) - date(1990, 1, 2)).num_days() / 7;
    let expected: Vec<DateTime<Utc>> = if weeks_apart % 2 == 0 {
        vec![utc(2026, 10, 20, 7, 0), utc(2026, 10, 22, 7, 0)]
    } else {
        vec![utc(2026, 10, 27, 8, 0), utc(2026, 10, 29, 8, 0)]
    };
    assert_eq!(starts, expected);
}

#[test]
fn a_feed_past_its_bounds_fails_with_the_reason() {
    let window = (utc(2026, 11, 23, 0, 0), utc(2026, 11, 30, 0, 0));
    let limits = FeedLimits {
        max_events: 3,
        max_busy_times: 50,
        ..FeedLimits::default()
    };
    let plain = |n: usize| -> Vec<String> {
        (0..n)
            .map(|i| {
                format!(
                    "DTSTART:202611{:02}T090000Z\r\nDTEND:202611{:02}T100000Z\r\n",
                    23 + i % 5,
                    23 + i % 5
                )
            })
            .collect()
    };
    let too_many_events = read_feed(
        &feed_of(&plain(4)),
        window.0,
        window.1,
        chrono_tz::UTC,
        &limits,
    );
    assert!(
        matches!(&too_many_events, Err(IcalError::OverLimit(why)) if why.contains("4 events")),
        "{too_many_events:?}"
    );
    let minutely =
        feed_of(&["DTSTART:20261101T000000Z\r\nDURATION:PT1M\r\nRRULE:FREQ=MINUTELY\r\n".into()]);
    let too_busy = read_feed(&minutely, window.0, window.1, chrono_tz::UTC, &limits);
    assert!(
        matches!(&too_busy, Err(IcalError::OverLimit(why)) if why.contains("occurrences") || why.contains("busy times")),
        "{too_busy:?}"
    );
    let counted = feed_of(&[
        "DTSTART:19000101T000000Z\r\nDURATION:PT1S\r\nRRULE:FREQ=SECONDLY;COUNT=2000000000\r\n"
            .into(),
    ]);
    let too_much_work = read_feed(
        &counted,
        window.0,
        window.1,
        chrono_tz::UTC,
        &FeedLimits::default(),
    );
    assert!(
        matches!(&too_much_work, Err(IcalError::OverLimit(why)) if why.contains("worked out")),
        "{too_much_work:?}"
    );
    let slow = FeedLimits {
        max_steps: u64::MAX,
        max_time: std::time::Duration::from_millis(200),
        ..FeedLimits::default()
    };
    let started = std::time::Instant::now();
    let out_of_time = read_feed(&counted, window.0, window.1, chrono_tz::UTC, &slow);
    assert!(
        matches!(&out_of_time, Err(IcalError::OverLimit(why)) if why.contains("longer than")),
        "{out_of_time:?}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
}
