//! The engine's rules, one behaviour per test. Times are written in the department's zone.

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use uuid::Uuid;

use super::*;
use crate::{
    availability_rule::{DateOverride, OverrideHours, RuleLimits},
    booking::BookingStatus,
    interval::Interval,
    time::{Minutes, TimeZone},
    working_hours::{DayDraft, TimeOfDay, TimeRange, WEEKDAYS, WorkingWeek},
};

pub(super) fn zone(name: &str) -> TimeZone {
    TimeZone::parse(name).unwrap()
}

pub(super) fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The instant of a wall-clock "YYYY-MM-DD HH:MM" in `zone` (the earlier one when repeated).
pub(super) fn at(zone: TimeZone, local: &str) -> DateTime<Utc> {
    zone.instant(chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap())
        .unwrap()
}

pub(super) fn minutes(m: u32) -> Minutes {
    Minutes::parse_in(i64::from(m), 0..=1440).unwrap()
}

/// The same hours (and breaks) on the given weekdays.
pub(super) fn week(
    days: &[Weekday],
    start: &str,
    end: &str,
    breaks: &[(&str, &str)],
) -> WorkingWeek {
    WorkingWeek::parse(WEEKDAYS.into_iter().map(|d| {
        (
            d,
            DayDraft {
                enabled: days.contains(&d),
                start: Some(start),
                end: Some(end),
                breaks: breaks.to_vec(),
            },
        )
    }))
    .unwrap()
}

const WEEKDAYS_ONLY: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

fn every_day(start: &str, end: &str) -> WorkingWeek {
    week(&WEEKDAYS, start, end, &[])
}

fn spec(duration: u32) -> MeetingSpec {
    MeetingSpec {
        duration: minutes(duration),
        interval: minutes(duration),
        buffer_before: None,
        buffer_after: None,
    }
}

struct Member {
    week: WorkingWeek,
    limits: RuleLimits,
    overrides: Vec<DateOverride>,
    commitments: Vec<Commitment>,
    events: Vec<ExternalEvent>,
}

impl Member {
    fn working(week: WorkingWeek) -> Self {
        Self {
            week,
            limits: RuleLimits::default(),
            overrides: Vec::new(),
            commitments: Vec::new(),
            events: Vec::new(),
        }
    }

    fn calendar(&self, n: u128) -> MemberCalendar {
        MemberCalendar::new(
            Uuid::from_u128(n),
            self.week.clone(),
            self.limits.clone(),
            &self.overrides,
            self.commitments.clone(),
            &self.events,
        )
    }

    fn booked(mut self, zone: TimeZone, start: &str, length: u32, status: BookingStatus) -> Self {
        self.commitments.push(Commitment {
            booking_id: Uuid::from_u128(1000 + self.commitments.len() as u128),
            span: Interval::starting_at(at(zone, start), minutes(length)),
            buffer_before: Minutes::ZERO,
            buffer_after: Minutes::ZERO,
            status,
            hosted: true,
        });
        self
    }
}

fn schedule(zone: TimeZone, members: &[Member]) -> Schedule {
    let calendars = members
        .iter()
        .enumerate()
        .map(|(i, m)| m.calendar(i as u128 + 1))
        .collect();
    Schedule::new(zone, None, Vec::new(), calendars)
}

/// The bookable starts within the local day `day`, as "HH:MM" wall-clock times of `shown_in`.
fn starts(schedule: &Schedule, spec: MeetingSpec, day: &str, now: DateTime<Utc>) -> Vec<String> {
    starts_seen_from(schedule, spec, day, schedule.zone(), now)
}

fn starts_seen_from(
    schedule: &Schedule,
    spec: MeetingSpec,
    day: &str,
    visitor: TimeZone,
    now: DateTime<Utc>,
) -> Vec<String> {
    schedule
        .open_slots(&spec, visitor.day(date(day)))
        .bookable(now)
        .iter()
        .map(|s| visitor.local(s.span.start()).format("%H:%M").to_string())
        .collect()
}

fn hhmm(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

const CPH: &str = "Europe/Copenhagen";
/// A Monday well before every test day.
const LONG_AGO: &str = "2026-01-05 08:00";

fn long_ago() -> DateTime<Utc> {
    at(zone("UTC"), LONG_AGO)
}

mod working_hours {
    use super::*;

    #[test]
    fn office_hours_offer_every_hour_from_nine_to_four() {
        let cph = zone(CPH);
        let s = schedule(
            cph,
            &[Member::working(week(&WEEKDAYS_ONLY, "09:00", "17:00", &[]))],
        );
        assert_eq!(
            starts(&s, spec(60), "2026-06-15", long_ago()),
            hhmm(&[
                "09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"
            ])
        );
    }

    #[test]
    fn a_weekend_without_hours_offers_nothing() {
        let cph = zone(CPH);
        let s = schedule(
            cph,
            &[Member::working(week(&WEEKDAYS_ONLY, "09:00", "17:00", &[]))],
        );
        assert!(starts(&s, spec(30), "2026-06-13", long_ago()).is_empty());
    }

    #[test]
    fn a_meeting_that_would_run_past_the_end_of_the_day_is_not_offered() {
        let cph = zone(CPH);
        let s = schedule(cph, &[Member::working(every_day("09:00", "11:30"))]);
        assert_eq!(
            starts(&s, spec(60), "2026-06-15", long_ago()),
            hhmm(&["09:00", "10:00"])
        );
    }

    #[test]
    fn a_lunch_break_removes_the_starts_that_would_run_into_it() {
        let cph = zone(CPH);
        let hours = week(&WEEKDAYS_ONLY, "09:00", "14:00", &[("12:00", "12:30")]);
        let s = schedule(cph, &[Member::working(hours)]);
        assert_eq!(
            starts(&s, spec(30), "2026-06-15", long_ago()),
            hhmm(&[
                "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:30", "13:00", "13:30"
            ])
        );
    }

    #[test]
    fn slot_interval_sets_the_grid_independently_of_the_duration() {
        let cph = zone(CPH);
        let s = schedule(cph, &[Member::working(every_day("09:00", "11:00"))]);
        let spec = MeetingSpec {
            interval: minutes(30),
            ..spec(60)
        };
        assert_eq!(
            starts(&s, spec, "2026-06-15", long_ago()),
            hhmm(&["09:00", "09:30", "10:00"])
        );
    }

    #[test]
    fn the_grid_is_anchored_at_the_start_of_the_working_period() {
        let cph = zone(CPH);
        let s = schedule(cph, &[Member::working(every_day("09:10", "11:00"))]);
        assert_eq!(
            starts(&s, spec(45), "2026-06-15", long_ago()),
            hhmm(&["09:10", "09:55"])
        );
    }

    #[test]
    fn a_break_does_not_move_the_grid() {
        let cph = zone(CPH);
        let hours = week(&WEEKDAYS, "09:00", "11:00", &[("09:10", "09:20")]);
        let s = schedule(cph, &[Member::working(hours)]);
        assert_eq!(
            starts(&s, spec(30), "2026-06-15", long_ago()),
            hhmm(&["09:30", "10:00", "10:30"])
        );
    }
}

mod overrides {
    use super::*;

    fn with_override(hours: OverrideHours) -> Member {
        let mut m = Member::working(week(
            &WEEKDAYS_ONLY,
            "09:00",
            "17:00",
            &[("12:00", "13:00")],
        ));
        m.overrides.push(DateOverride {
            date: date("2026-06-15"),
            hours,
            reason: None,
        });
        m
    }

    #[test]
    fn a_day_off_removes_that_date_only() {
        let cph = zone(CPH);
        let s = schedule(cph, &[with_override(OverrideHours::DayOff)]);
        assert!(starts(&s, spec(60), "2026-06-15", long_ago()).is_empty());
        assert_eq!(starts(&s, spec(60), "2026-06-16", long_ago()).len(), 7);
    }

    #[test]
    fn custom_hours_replace_the_weekly_hours_and_their_breaks() {
        let cph = zone(CPH);
        let range = TimeRange::new(
            TimeOfDay::parse("11:00").unwrap(),
            TimeOfDay::parse("14:00").unwrap(),
        )
        .unwrap();
        let s = schedule(cph, &[with_override(OverrideHours::Custom(range))]);
        assert_eq!(
            starts(&s, spec(60), "2026-06-15", long_ago()),
            hhmm(&["11:00", "12:00", "13:00"])
        );
    }

    #[test]
    fn custom_hours_open_a_day_the_week_leaves_free() {
        let cph = zone(CPH);
        let range = TimeRange::new(
            TimeOfDay::parse("10:00").unwrap(),
            TimeOfDay::parse("12:00").unwrap(),
        )
        .unwrap();
        let mut m = Member::working(week(&WEEKDAYS_ONLY, "09:00", "17:00", &[]));
        m.overrides.push(DateOverride {
            date: date("2026-06-13"),
            hours: OverrideHours::Custom(range),
            reason: Some("Saturday fair".into()),
        });
        let s = schedule(cph, &[m]);
        assert_eq!(
            starts(&s, spec(60), "2026-06-13", long_ago()),
            hhmm(&["10:00", "11:00"])
        );
    }
}

mod bookings_and_buffers {
    use super::*;

    fn buffered(m: Member, before: u32, after: u32) -> Member {
        let mut m = m;
        for c in &mut m.commitments {
            c.buffer_before = minutes(before);
            c.buffer_after = minutes(after);
        }
        m
    }

    #[test]
    fn a_booking_takes_its_time_out_of_the_day() {
        let cph = zone(CPH);
        let m = Member::working(every_day("09:00", "12:00")).booked(
            cph,
            "2026-06-15 10:00",
            60,
            BookingStatus::Confirmed,
        );
        let s = schedule(cph, &[m]);
        assert_eq!(
            starts(&s, spec(60), "2026-06-15", long_ago()),
            hhmm(&["09:00", "11:00"])
        );
    }

    #[test]
    fn pending_bookings_hold_time_and_cancelled_ones_do_not() {
        let cph = zone(CPH);
        let m = Member::working(every_day("09:00", "12:00"))
            .booked(cph, "2026-06-15 09:00", 60, BookingStatus::Pending)
            .booked(cph, "2026-06-15 10:00", 60, BookingStatus::Cancelled);
        let s = schedule(cph, &[m]);
        assert_eq!(
            starts(&s, spec(60), "2026-06-15", long_ago()),
            hhmm(&["10:00", "11:00"])
        );
    }

    #[test]
    fn the_buffer_after_a_booking_keeps_the_next_start_away() {
        let cph = zone(CPH);
        let m = Member::working(every_day("09:00", "13:00")).booked(
            cph,
            "2026-06-15 10:00",
            60,
            BookingStatus::Confirmed,
        );
        let s = schedule(cph, &[buffered(m, 0, 15)]);
        let grid = MeetingSpec {
            interval: minutes(15),
            ..spec(60)
        };
        let got = starts(&s, grid, "2026-06-15", long_ago());
        assert!(!got.contains(&"11:00".to_owned()), "{got:?}");
        assert!(got.contains(&"11:15".to_owned()), "{got:?}");
        assert!(got.contains(&"09:00".to_owned()), "{got:?}");
    }

    #[test]
    fn buffers_on_both_sides_of_a_gap_do_not_add_up() {
        let cph = zone(CPH);
        let m = Member::working(every_day("09:00", "13:00")).booked(
            cph,
            "2026-06-15 10:00",
            60,
            BookingStatus::Confirmed,
        );
        // The booking wants 15 minutes after it, the new meeting 10 before it: 15 suffice.
        let s = schedule(cph, &[buffered(m, 0, 15)]);
        let new_meeting = MeetingSpec {
            interval: minutes(5),
            buffer_before: Some(minutes(10)),
            buffer_after: Some(minutes(20)),
            ..spec(30)
        };
        let got = starts(&s, new_meeting, "2026-06-15", long_ago());
        assert!(got.contains(&"11:15".to_owned()), "{got:?}");
        assert!(!got.contains(&"11:10".to_owned()), "{got:?}");
        // Before the booking the new meeting's own 20 minutes after it apply.
        assert!(got.contains(&"09:10".to_owned()), "{got:?}");
        assert!(!got.contains(&"09:15".to_owned()), "{got:?}");
    }

    #[test]
    fn the_rules_buffers_apply_when_the_meeting_type_sets_none() {
        let cph = zone(CPH);
        let mut m = Member::working(every_day("09:00", "13:00")).booked(
            cph,
            "2026-06-15 10:00",
            60,
            BookingStatus::Confirmed,
        );
        m.limits.buffer_before = minutes(30);
        let s = schedule(cph, &[m]);
        let got = starts(
            &s,
            MeetingSpec {
                interval: minutes(15),
                ..spec(30)
            },
            "2026-06-15",
            long_ago(),
        );
        assert!(!got.contains(&"11:15".to_owned()), "{got:?}");
        assert!(got.contains(&"11:30".to_owned()), "{got:?}");
    }

    #[test]
    fn buffers_may_reach_outside_working_hours() {
        let cph = zone(CPH);
        let s = schedule(cph, &[Member::working(every_day("09:00", "10:00"))]);
        let padded = MeetingSpec {
            buffer_before: Some(minutes(30)),
            buffer_after: Some(minutes(30)),
            ..spec(60)
        };
        assert_eq!(
            starts(&s, padded, "2026-06-15", long_ago()),
            hhmm(&["09:00"])
        );
    }

    #[test]
    fn an_internal_meeting_keeps_a_participant_busy_without_counting_toward_their_limit() {
        let cph = zone(CPH);
        let mut m = Member::working(every_day("09:00", "11:00")).booked(
            cph,
            "2026-06-15 09:00",
            60,
            BookingStatus::Confirmed,
        );
        m.commitments[0].hosted = false;
        m.limits.max_bookings_per_day = Some(1);
        let s = schedule(cph, &[m]);
        assert_eq!(
            starts(&s, spec(60), "2026-06-15", long_ago()),
            hhmm(&["10:00"])
        );
    }
}

mod limits {
    use super::*;

    #[test]
    fn minimum_notice_hides_starts_that_come_too_soon() {
        let cph = zone(CPH);
        let mut m = Member::working(every_day("09:00", "17:00"));
        m.limits.min_notice_hours = 2;
        let s = schedule(cph, &[m]);
        let now = at(cph, "2026-06-15 10:30");
        assert_eq!(
            starts(&s, spec(60), "2026-06-15", now),
            hhmm(&["13:00", "14:00", "15:00", "16:00"])
        );
    }

    #[test]
    fn nothing_in_the_past_is_offered_even_without_notice() {
        let cph = zone(CPH);
        let s = schedule(cph, &[Member::working(every_day("09:00", "12:00"))]);
        let now = at(cph, "2026-06-15 10:00");
        assert_eq!(
            starts(&s, spec(60), "2026-06-15", now),
            hhmm(&["10:00", "11:00"])
        );
    }

    #[test]
    fn the_booking_window_ends_max_days_after_today() {
        let cph = zone(CPH);
        let mut m = Member::working(every_day("09:00", "10:00"));
        m.limits.max_days_advance = Some(2);
        let s = schedule(cph, &[m]);
        let now = at(cph, "2026-06-15 23:00");
        assert_eq!(starts(&s, spec(60), "2026-06-17", now).len(), 1);
        assert!(starts(&s, spec(60), "2026-06-18", now).is_empty());
    }

    #[test]
    fn a_member_at_their_daily_limit_is_full_that_day_only() {
        let cph = zone(CPH);
        let mut m = Member::working(every_day("09:00", "12:00"))
            .booked(cph, "2026-06-15 09:00", 60, BookingStatus::Confirmed)
            .booked(cph, "2026-06-15 10:00", 60, BookingStatus::Pending);
        m.limits.max_bookings_per_day = Some(2);
        let s = schedule(cph, &[m]);
        assert!(starts(&s, spec(60), "2026-06-15", long_ago()).is_empty());
        assert_eq!(starts(&s, spec(60), "2026-06-16", long_ago()).len(), 3);
    }

    #[test]
    fn cancelled_bookings_do_not_count_toward_the_daily_limit() {
        let cph = zone(CPH);
        let mut m = Member::working(every_day("09:00", "12:00")).booked(
            cph,
            "2026-06-15 09:00",
            60,
            BookingStatus::Cancelled,
        );
        m.limits.max_bookings_per_day = Some(1);
        let s = schedule(cph, &[m]);
        assert_eq!(starts(&s, spec(60), "2026-06-15", long_ago()).len(), 3);
    }

    #[test]
    fn the_weekly_limit_counts_monday_to_sunday_in_the_departments_zone() {
        let cph = zone(CPH);
        // Monday 00:30 local is still Sunday in UTC: it counts toward the new week.
        let mut m = Member::working(every_day("00:00", "02:00"))
            .booked(cph, "2026-06-15 00:30", 30, BookingStatus::Confirmed)
            .booked(cph, "2026-06-17 01:00", 30, BookingStatus::Confirmed);
        m.limits.max_bookings_per_week = Some(2);
        let s = schedule(cph, &[m]);
        assert!(
            starts(&s, spec(30), "2026-06-21", long_ago()).is_empty(),
            "Sunday"
        );
        assert!(
            !starts(&s, spec(30), "2026-06-14", long_ago()).is_empty(),
            "the Sunday before"
        );
        assert!(
            !starts(&s, spec(30), "2026-06-22", long_ago()).is_empty(),
            "next Monday"
        );
    }

    #[test]
    fn the_departments_daily_limit_closes_the_day_for_everyone() {
        let cph = zone(CPH);
        let members = [
            Member::working(every_day("09:00", "12:00")),
            Member::working(every_day("09:00", "12:00")),
        ];
        let calendars = members
            .iter()
            .enumerate()
            .map(|(i, m)| m.calendar(i as u128))
            .collect();
        let booked = vec![at(cph, "2026-06-15 09:00"), at(cph, "2026-06-15 10:00")];
        let s = Schedule::new(cph, Some(2), booked, calendars);
        assert!(starts(&s, spec(60), "2026-06-15", long_ago()).is_empty());
        assert_eq!(starts(&s, spec(60), "2026-06-16", long_ago()).len(), 3);
    }
}

mod external_calendars {
    use super::*;

    fn with_event(time: EventTime, status: BusyStatus) -> Member {
        let mut m = Member::working(every_day("09:00", "12:00"));
        m.events.push(ExternalEvent { time, status });
        m
    }

    fn nine_to_ten() -> EventTime {
        let cph = zone(CPH);
        EventTime::Timed(
            Interval::new(at(cph, "2026-06-15 09:00"), at(cph, "2026-06-15 10:00")).unwrap(),
        )
    }

    #[test]
    fn busy_and_tentative_events_block_and_free_ones_do_not() {
        let cph = zone(CPH);
        for (status, expected) in [
            (BusyStatus::Busy, 2),
            (BusyStatus::Tentative, 2),
            (BusyStatus::Free, 3),
        ] {
            let s = schedule(cph, &[with_event(nine_to_ten(), status)]);
            assert_eq!(
                starts(&s, spec(60), "2026-06-15", long_ago()).len(),
                expected,
                "{status}"
            );
        }
    }

    #[test]
    fn the_new_meetings_buffers_keep_away_from_busy_events() {
        let cph = zone(CPH);
        let s = schedule(cph, &[with_event(nine_to_ten(), BusyStatus::Busy)]);
        let padded = MeetingSpec {
            interval: minutes(15),
            buffer_before: Some(minutes(15)),
            ..spec(60)
        };
        assert_eq!(
            starts(&s, padded, "2026-06-15", long_ago()),
            hhmm(&["10:15", "10:30", "10:45", "11:00"])
        );
    }

    #[test]
    fn an_all_day_event_blocks_that_local_day() {
        let cph = zone(CPH);
        let all_day = EventTime::AllDay {
            first: date("2026-06-15"),
            until: date("2026-06-16"),
        };
        let s = schedule(cph, &[with_event(all_day, BusyStatus::Busy)]);
        assert!(starts(&s, spec(60), "2026-06-15", long_ago()).is_empty());
        assert_eq!(starts(&s, spec(60), "2026-06-16", long_ago()).len(), 3);
    }
}

mod daylight_saving {
    use super::*;

    fn offered_utc(name: &str, hours: (&str, &str), grid: u32, day: &str) -> Vec<String> {
        let z = zone(name);
        let s = schedule(z, &[Member::working(every_day(hours.0, hours.1))]);
        let spec = MeetingSpec {
            interval: minutes(grid),
            ..spec(grid)
        };
        s.open_slots(&spec, z.day(date(day)))
            .bookable(long_ago())
            .iter()
            .map(|slot| {
                format!(
                    "{} {}",
                    z.local(slot.span.start()).format("%H:%M%:z"),
                    slot.span.start().format("%H:%MZ")
                )
            })
            .collect()
    }

    #[test]
    fn nine_oclock_is_local_nine_on_both_sides_of_copenhagens_spring_change() {
        let before = offered_utc(CPH, ("09:00", "10:00"), 60, "2026-03-28");
        let after = offered_utc(CPH, ("09:00", "10:00"), 60, "2026-03-30");
        assert_eq!(before, ["09:00+01:00 08:00Z"]);
        assert_eq!(after, ["09:00+02:00 07:00Z"]);
    }

    #[test]
    fn copenhagens_skipped_hour_offers_no_starts() {
        let got = offered_utc(CPH, ("01:00", "04:00"), 30, "2026-03-29");
        assert_eq!(
            got,
            [
                "01:00+01:00 00:00Z",
                "01:30+01:00 00:30Z",
                "03:00+02:00 01:00Z",
                "03:30+02:00 01:30Z"
            ]
        );
    }

    #[test]
    fn copenhagens_repeated_hour_is_offered_once() {
        let got = offered_utc(CPH, ("01:00", "04:00"), 30, "2026-10-25");
        assert_eq!(
            got,
            [
                "01:00+02:00 23:00Z",
                "01:30+02:00 23:30Z",
                "02:00+02:00 00:00Z",
                "02:30+02:00 00:30Z",
                "03:00+01:00 02:00Z",
                "03:30+01:00 02:30Z"
            ]
        );
    }

    #[test]
    fn booking_on_dst_change_day_starts_at_local_nine() {
        for (name, day) in [
            (CPH, "2026-03-29"),
            (CPH, "2026-10-25"),
            ("America/New_York", "2026-03-08"),
            ("America/New_York", "2026-11-01"),
            ("Australia/Lord_Howe", "2026-04-05"),
            ("Australia/Lord_Howe", "2026-10-04"),
        ] {
            let got = offered_utc(name, ("09:00", "11:00"), 60, day);
            assert_eq!(got.len(), 2, "{name} {day}: {got:?}");
            assert!(got[0].starts_with("09:00"), "{name} {day}: {got:?}");
        }
    }

    #[test]
    fn new_yorks_changes_skip_and_repeat_the_two_oclock_hour() {
        let spring = offered_utc("America/New_York", ("01:00", "04:00"), 60, "2026-03-08");
        assert_eq!(spring, ["01:00-05:00 06:00Z", "03:00-04:00 07:00Z"]);
        let autumn = offered_utc("America/New_York", ("00:00", "03:00"), 60, "2026-11-01");
        assert_eq!(
            autumn,
            [
                "00:00-04:00 04:00Z",
                "01:00-04:00 05:00Z",
                "02:00-05:00 07:00Z"
            ]
        );
    }

    #[test]
    fn lord_howes_half_hour_change_skips_and_repeats_half_an_hour() {
        // 2026-10-04: 02:00 becomes 02:30 (+10:30 → +11:00).
        let spring = offered_utc("Australia/Lord_Howe", ("01:30", "03:00"), 15, "2026-10-04");
        assert_eq!(
            spring,
            [
                "01:30+10:30 15:00Z",
                "01:45+10:30 15:15Z",
                "02:30+11:00 15:30Z",
                "02:45+11:00 15:45Z"
            ]
        );
        // 2026-04-05: 02:00 becomes 01:30 again (+11:00 → +10:30); 01:30–02:00 happens twice.
        let autumn = offered_utc("Australia/Lord_Howe", ("01:00", "02:30"), 30, "2026-04-05");
        assert_eq!(
            autumn,
            [
                "01:00+11:00 14:00Z",
                "01:30+11:00 14:30Z",
                "02:00+10:30 15:30Z"
            ]
        );
    }

    #[test]
    fn a_zone_without_daylight_saving_keeps_its_hours_all_year() {
        for day in ["2026-03-29", "2026-10-25", "2026-03-08", "2026-11-01"] {
            assert_eq!(
                offered_utc("Asia/Tokyo", ("09:00", "10:00"), 60, day),
                ["09:00+09:00 00:00Z"],
                "{day}"
            );
        }
    }
}

mod visitors {
    use super::*;

    #[test]
    fn an_auckland_visitors_day_spans_two_copenhagen_working_days() {
        let cph = zone(CPH);
        let auckland = zone("Pacific/Auckland");
        let s = schedule(
            cph,
            &[Member::working(week(&WEEKDAYS_ONLY, "09:00", "17:00", &[]))],
        );
        // In June Auckland (+12) is 10 hours ahead of Copenhagen (+2): Wednesday 17 June in Auckland runs from Tuesday 14:00 to Wednesday 14:00 in Copenhagen.
        let got = starts_seen_from(&s, spec(60), "2026-06-17", auckland, long_ago());
        assert_eq!(
            got,
            hhmm(&[
                "00:00", "01:00", "02:00", "19:00", "20:00", "21:00", "22:00", "23:00"
            ])
        );
    }

    #[test]
    fn a_tokyo_visitor_sees_new_york_hours_on_the_next_morning() {
        let new_york = zone("America/New_York");
        let tokyo = zone("Asia/Tokyo");
        let s = schedule(
            new_york,
            &[Member::working(week(&WEEKDAYS_ONLY, "09:00", "12:00", &[]))],
        );
        // Monday 09:00–12:00 in New York (EDT, -4) is Monday 22:00 – Tuesday 01:00 in Tokyo.
        let monday = starts_seen_from(&s, spec(60), "2026-06-15", tokyo, long_ago());
        assert_eq!(monday, hhmm(&["22:00", "23:00"]));
        let tuesday = starts_seen_from(&s, spec(60), "2026-06-16", tokyo, long_ago());
        assert_eq!(tuesday, hhmm(&["00:00", "22:00", "23:00"]));
    }

    #[test]
    fn available_dates_are_days_of_the_visitors_zone() {
        let new_york = zone("America/New_York");
        let tokyo = zone("Asia/Tokyo");
        let s = schedule(
            new_york,
            &[Member::working(week(
                &[Weekday::Fri],
                "20:00",
                "21:00",
                &[],
            ))],
        );
        // Friday 20:00 in New York is Saturday 09:00 in Tokyo.
        let june = Interval::new(
            tokyo.start_of_day(date("2026-06-01")),
            tokyo.start_of_day(date("2026-07-01")),
        )
        .unwrap();
        let dates = s
            .open_slots(&spec(60), june)
            .available_dates(long_ago(), tokyo);
        assert_eq!(
            dates,
            ["2026-06-06", "2026-06-13", "2026-06-20", "2026-06-27"].map(date)
        );
    }
}

mod department {
    use super::*;

    #[test]
    fn a_slot_counts_every_member_free_for_it() {
        let cph = zone(CPH);
        let s = schedule(
            cph,
            &[
                Member::working(every_day("09:00", "11:00")),
                Member::working(every_day("10:00", "12:00")).booked(
                    cph,
                    "2026-06-15 11:00",
                    60,
                    BookingStatus::Confirmed,
                ),
            ],
        );
        let counts: Vec<(String, usize)> = s
            .open_slots(&spec(60), cph.day(date("2026-06-15")))
            .bookable(long_ago())
            .into_iter()
            .map(|slot| {
                (
                    cph.local(slot.span.start()).format("%H:%M").to_string(),
                    slot.free_members.len(),
                )
            })
            .collect();
        assert_eq!(counts, [("09:00".to_owned(), 1), ("10:00".to_owned(), 2)]);
    }

    #[test]
    fn free_members_at_a_start_are_those_whose_grid_and_time_allow_it() {
        let cph = zone(CPH);
        let s = schedule(
            cph,
            &[
                Member::working(every_day("09:00", "11:00")),
                Member::working(every_day("09:30", "11:00")),
            ],
        );
        let table = s.open_slots(&spec(60), cph.day(date("2026-06-15")));
        let nine_thirty = at(cph, "2026-06-15 09:30");
        assert_eq!(
            table.free_members_at(nine_thirty, long_ago()),
            [Uuid::from_u128(2)]
        );
        let ten = at(cph, "2026-06-15 10:00");
        assert_eq!(table.free_members_at(ten, long_ago()), [Uuid::from_u128(1)]);
        assert!(
            table
                .free_members_at(at(cph, "2026-06-15 09:15"), long_ago())
                .is_empty()
        );
    }

    #[test]
    fn the_first_bookable_slot_respects_the_clock() {
        let cph = zone(CPH);
        let s = schedule(cph, &[Member::working(every_day("09:00", "17:00"))]);
        let table = s.open_slots(&spec(60), cph.day(date("2026-06-15")));
        let first = table.first_bookable(at(cph, "2026-06-15 12:10")).unwrap();
        assert_eq!(first.start(), at(cph, "2026-06-15 13:00"));
        assert!(table.first_bookable(at(cph, "2026-06-15 16:01")).is_none());
    }
}

mod conflicts {
    use super::*;

    fn kinds(schedule: &Schedule, start: &str, now: &str) -> Vec<&'static str> {
        let z = schedule.zone();
        let member = &schedule.members()[0];
        schedule
            .conflicts(member, &spec(60), at(z, start), at(z, now))
            .iter()
            .map(Conflict::kind)
            .collect()
    }

    fn staff_kinds(schedule: &Schedule, start: &str, now: &str) -> Vec<&'static str> {
        let z = schedule.zone();
        let member = &schedule.members()[0];
        schedule
            .staff_conflicts(member, &spec(60), at(z, start), at(z, now))
            .iter()
            .map(Conflict::kind)
            .collect()
    }

    #[test]
    fn staff_may_place_a_meeting_across_midnight_when_the_hours_run_on_into_the_next_day() {
        let cph = zone(CPH);
        let around_the_clock = schedule(cph, &[Member::working(every_day("00:00", "24:00"))]);
        assert!(staff_kinds(&around_the_clock, "2026-06-15 23:30", "2026-06-01 08:00").is_empty());
        assert_eq!(
            kinds(&around_the_clock, "2026-06-15 23:30", "2026-06-01 08:00"),
            ["outside_working_hours"],
            "customers are offered meetings within one day, as the slots are"
        );
        // Monday ends at midnight but Tuesday starts at nine: nothing to run on into.
        let evenings = schedule(
            cph,
            &[Member::working(week(
                &[Weekday::Mon],
                "20:00",
                "24:00",
                &[],
            ))],
        );
        assert_eq!(
            staff_kinds(&evenings, "2026-06-15 23:30", "2026-06-01 08:00"),
            ["outside_working_hours"]
        );
        // A break just after midnight still counts.
        let night_break = schedule(
            cph,
            &[Member::working(week(
                &WEEKDAYS,
                "00:00",
                "24:00",
                &[("00:00", "00:15")],
            ))],
        );
        assert_eq!(
            staff_kinds(&night_break, "2026-06-15 23:30", "2026-06-01 08:00"),
            ["break"]
        );
    }

    #[test]
    fn a_free_start_has_no_conflicts_even_off_the_grid() {
        let cph = zone(CPH);
        let s = schedule(cph, &[Member::working(every_day("09:00", "17:00"))]);
        assert!(kinds(&s, "2026-06-15 10:20", "2026-06-01 08:00").is_empty());
    }

    #[test]
    fn each_reason_is_named() {
        let cph = zone(CPH);
        let mut m = Member::working(week(
            &WEEKDAYS_ONLY,
            "09:00",
            "17:00",
            &[("12:00", "13:00")],
        ))
        .booked(cph, "2026-06-15 14:00", 60, BookingStatus::Confirmed);
        m.limits.min_notice_hours = 24;
        m.limits.max_days_advance = Some(30);
        m.events.push(ExternalEvent {
            time: EventTime::Timed(
                Interval::new(at(cph, "2026-06-16 10:00"), at(cph, "2026-06-16 11:00")).unwrap(),
            ),
            status: BusyStatus::Busy,
        });
        let s = schedule(cph, &[m]);
        let now = "2026-06-15 08:00";
        assert_eq!(kinds(&s, "2026-06-15 10:00", now), ["min_notice"]);
        assert_eq!(kinds(&s, "2026-07-20 10:00", now), ["booking_window"]);
        assert_eq!(kinds(&s, "2026-06-20 10:00", now), ["not_working_day"]);
        assert_eq!(
            kinds(&s, "2026-06-16 16:30", now),
            ["outside_working_hours"]
        );
        assert_eq!(kinds(&s, "2026-06-16 11:30", now), ["break"]);
        assert_eq!(kinds(&s, "2026-06-16 10:30", now), ["external_busy"]);
        let earlier = "2026-06-10 08:00";
        assert_eq!(kinds(&s, "2026-06-15 13:30", earlier), ["booking"]);
    }

    #[test]
    fn staff_may_book_at_short_notice_and_far_ahead_but_never_in_the_past() {
        let cph = zone(CPH);
        let mut m = Member::working(every_day("09:00", "17:00"));
        m.limits.min_notice_hours = 24;
        m.limits.max_days_advance = Some(30);
        let s = schedule(cph, &[m]);
        let member = &s.members()[0];
        let now = at(cph, "2026-06-15 08:00");
        let staff = |start: &str| -> Vec<&'static str> {
            s.staff_conflicts(member, &spec(60), at(cph, start), now)
                .iter()
                .map(Conflict::kind)
                .collect()
        };
        assert!(staff("2026-06-15 10:00").is_empty());
        assert!(staff("2026-09-15 10:00").is_empty());
        assert_eq!(staff("2026-06-14 10:00"), ["in_the_past"]);
        assert_eq!(
            staff("2026-06-15 07:00"),
            ["in_the_past", "outside_working_hours"]
        );
    }
}

mod common_availability {
    use super::*;

    /// The common starts within the local day `day`, as "HH:MM" in the schedule's zone.
    fn common(s: &Schedule, duration: u32, day: &str, now: DateTime<Utc>) -> Vec<String> {
        s.common_starts(&spec(duration), s.zone().day(date(day)), minutes(30), now)
            .iter()
            .map(|span| s.zone().local(span.start()).format("%H:%M").to_string())
            .collect()
    }

    #[test]
    fn only_the_hours_everyone_works_are_common() {
        let cph = zone(CPH);
        let s = schedule(
            cph,
            &[
                Member::working(every_day("09:00", "13:00")),
                Member::working(every_day("11:15", "17:00")),
            ],
        );
        assert_eq!(
            common(&s, 60, "2026-06-15", long_ago()),
            hhmm(&["11:30", "12:00"]),
            "the grid is the clock's, not either person's"
        );
    }

    #[test]
    fn one_persons_booking_or_busy_time_removes_the_start_for_all() {
        let cph = zone(CPH);
        let mut busy = Member::working(every_day("09:00", "12:00"));
        busy.events.push(ExternalEvent {
            time: EventTime::Timed(
                Interval::new(at(cph, "2026-06-15 11:00"), at(cph, "2026-06-15 12:00")).unwrap(),
            ),
            status: BusyStatus::Busy,
        });
        let booked = Member::working(every_day("09:00", "12:00")).booked(
            cph,
            "2026-06-15 09:00",
            60,
            BookingStatus::Confirmed,
        );
        let s = schedule(cph, &[busy, booked]);
        assert_eq!(common(&s, 60, "2026-06-15", long_ago()), hhmm(&["10:00"]));
        let conflicts = s.attendee_conflicts(&spec(60), at(cph, "2026-06-15 09:00"), long_ago());
        assert_eq!(conflicts.len(), 1);
        assert_eq!(
            conflicts[0].user_id,
            Uuid::from_u128(2),
            "the second person"
        );
        assert_eq!(conflicts[0].conflict.kind(), "booking");
    }

    #[test]
    fn a_day_off_of_anyone_leaves_no_common_time() {
        let cph = zone(CPH);
        let mut away = Member::working(every_day("09:00", "17:00"));
        away.overrides.push(DateOverride {
            date: date("2026-06-15"),
            hours: OverrideHours::DayOff,
            reason: None,
        });
        let s = schedule(cph, &[Member::working(every_day("09:00", "17:00")), away]);
        assert!(common(&s, 30, "2026-06-15", long_ago()).is_empty());
        assert_eq!(common(&s, 30, "2026-06-16", long_ago()).len(), 16);
    }

    #[test]
    fn common_time_ignores_notice_but_not_the_past() {
        let cph = zone(CPH);
        let mut m = Member::working(every_day("09:00", "12:00"));
        m.limits.min_notice_hours = 48;
        let s = schedule(cph, &[m]);
        assert_eq!(
            common(&s, 60, "2026-06-15", at(cph, "2026-06-15 09:40")),
            hhmm(&["10:00", "10:30", "11:00"])
        );
    }

    #[test]
    fn on_the_spring_forward_day_the_missing_hour_is_skipped() {
        let cph = zone(CPH);
        let s = schedule(cph, &[Member::working(every_day("00:00", "06:00"))]);
        let starts = common(&s, 60, "2026-03-29", long_ago());
        assert!(!starts.iter().any(|t| t.starts_with("02:")), "{starts:?}");
        assert_eq!(starts.first().map(String::as_str), Some("00:00"));
        assert_eq!(starts.last().map(String::as_str), Some("05:00"));
    }
}

mod working_periods {
    use super::*;

    fn periods(s: &Schedule, from: &str, to: &str) -> Vec<String> {
        let z = s.zone();
        let window = Interval::new(at(z, from), at(z, to)).unwrap();
        s.working_periods(&s.members()[0], window)
            .iter()
            .map(|p| {
                format!(
                    "{}-{}",
                    z.local(p.start()).format("%a %H:%M"),
                    z.local(p.end()).format("%H:%M")
                )
            })
            .collect()
    }

    #[test]
    fn working_periods_are_the_hours_without_breaks_and_days_off() {
        let cph = zone(CPH);
        let mut m = Member::working(week(
            &WEEKDAYS_ONLY,
            "09:00",
            "17:00",
            &[("12:00", "12:30")],
        ));
        m.overrides.push(DateOverride {
            date: date("2026-06-16"),
            hours: OverrideHours::DayOff,
            reason: None,
        });
        m.overrides.push(DateOverride {
            date: date("2026-06-17"),
            hours: OverrideHours::Custom(
                TimeRange::new(
                    TimeOfDay::parse("10:00").unwrap(),
                    TimeOfDay::parse("14:00").unwrap(),
                )
                .unwrap(),
            ),
            reason: None,
        });
        let s = schedule(cph, &[m]);
        assert_eq!(
            periods(&s, "2026-06-15 00:00", "2026-06-18 00:00"),
            ["Mon 09:00-12:00", "Mon 12:30-17:00", "Wed 10:00-14:00"]
        );
    }

    #[test]
    fn working_periods_are_clipped_to_the_window() {
        let cph = zone(CPH);
        let s = schedule(cph, &[Member::working(every_day("09:00", "17:00"))]);
        assert_eq!(
            periods(&s, "2026-06-15 10:30", "2026-06-15 11:00"),
            ["Mon 10:30-11:00"]
        );
        assert!(periods(&s, "2026-06-15 17:00", "2026-06-15 20:00").is_empty());
    }
}

mod properties;
mod series;
