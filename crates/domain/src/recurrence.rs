//! Recurring meetings: how often a series repeats and how many meetings it holds, and the
//! occurrences that gives. Every occurrence starts at the same wall-clock time in the series'
//! zone as the first (a weekly 09:00 in Copenhagen stays 09:00 through the March and October
//! changes), computed exactly as calendar programs expand the series' `RRULE` (RFC 5545), so the
//! bookings we hold and the events a customer's calendar shows are the same instants.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc, Weekday};
use uuid::Uuid;

use crate::time::TimeZone;

vocabulary!(
    /// How often a series repeats. Monthly means the same weekday of the month as the first
    /// meeting (the second Tuesday), which keeps every meeting on a day the department works: a
    /// first meeting on a fifth weekday repeats on the last one, as most months have no fifth.
    Frequency { Weekly, Biweekly, Monthly }
);

/// A series' rule: its frequency and how many meetings it holds, 2 up to a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Recurrence {
    frequency: Frequency,
    count: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecurrenceError {
    #[error("a series holds at least 2 meetings")]
    TooFew,
    #[error("a series holds at most {max} meetings")]
    TooMany { max: u16 },
}

/// A booked series: its rule, the zone whose wall-clock time its meetings keep, its first
/// meeting's start, and the sequence of its invite. Its meetings are the bookings that name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub id: Uuid,
    pub recurrence: Recurrence,
    pub zone: TimeZone,
    pub first_start: DateTime<Utc>,
    pub ics_sequence: u32,
}

impl Series {
    /// The starts the rule gives, first to last (skipped and cancelled meetings included).
    pub fn starts(&self) -> Vec<DateTime<Utc>> {
        self.recurrence.starts(self.zone, self.first_start)
    }
}

vocabulary!(
    /// Which meetings of a series a change applies to, counted from the meeting it is asked of.
    SeriesScope {
        /// That meeting alone.
        This,
        /// That meeting and every later one.
        Following,
        /// Every meeting of the series.
        Series,
    }
);

impl SeriesScope {
    /// Whether the meeting at `index` is in the scope of a change asked of the meeting at
    /// `asked`.
    pub fn covers(self, asked: u16, index: u16) -> bool {
        match self {
            Self::This => index == asked,
            Self::Following => index >= asked,
            Self::Series => true,
        }
    }
}

/// Where a meeting of a series starting at `meeting` goes when the series moves with one of its
/// meetings from `pivot` to `to`: as many days later (or earlier) as that one, at its new
/// wall-clock time in `zone`. A weekly 09:00 moved to Wednesday 10:00 is every Wednesday at
/// 10:00, before and after a DST change.
pub fn moved_with(
    zone: TimeZone,
    pivot: DateTime<Utc>,
    to: DateTime<Utc>,
    meeting: DateTime<Utc>,
) -> DateTime<Utc> {
    let days = zone.date_of(to) - zone.date_of(pivot);
    let date = zone.date_of(meeting) + days;
    zone.recurring_instant(date.and_time(zone.local(to).time()))
}

/// What a change of more than one meeting of a series took with it, as its messages tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesCut {
    /// Every meeting.
    Whole,
    /// The meeting announced and every later one: the series now ends before it.
    Following,
}

/// How a series' `RRULE` ends: after its count, or (once its tail is cancelled) at the start of
/// the last meeting kept. RFC 5545 never allows both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleEnd {
    Count,
    Until(DateTime<Utc>),
}

/// Which of its weekday a date is within its month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WeekOfMonth {
    /// The first to the fourth.
    Nth(u8),
    Last,
}

impl Recurrence {
    /// The most meetings any series holds: a year of weekly meetings.
    pub const MAX_COUNT: u16 = 52;

    /// A series of `count` meetings, `count` from 2 up to `max` (itself at most
    /// [`Self::MAX_COUNT`]).
    pub fn new(frequency: Frequency, count: i64, max: u16) -> Result<Self, RecurrenceError> {
        let max = max.min(Self::MAX_COUNT);
        if count < 2 {
            return Err(RecurrenceError::TooFew);
        }
        match u16::try_from(count) {
            Ok(count) if count <= max => Ok(Self { frequency, count }),
            _ => Err(RecurrenceError::TooMany { max }),
        }
    }

    pub fn frequency(self) -> Frequency {
        self.frequency
    }

    pub fn count(self) -> u16 {
        self.count
    }

    /// The local dates of the meetings, the first on `first`.
    pub fn dates(self, first: NaiveDate) -> Vec<NaiveDate> {
        (0..u32::from(self.count))
            .filter_map(|i| self.date_of(first, i))
            .collect()
    }

    /// The local date of meeting `index` (0 is the first), `None` beyond the calendar's end.
    fn date_of(self, first: NaiveDate, index: u32) -> Option<NaiveDate> {
        match self.frequency {
            Frequency::Weekly => first.checked_add_days(Days::new(7 * u64::from(index))),
            Frequency::Biweekly => first.checked_add_days(Days::new(14 * u64::from(index))),
            Frequency::Monthly => {
                let month = first.with_day(1)?.checked_add_months(Months::new(index))?;
                weekday_in_month(month, first.weekday(), week_of_month(first))
            }
        }
    }

    /// The start of every meeting of a series whose first starts at `first`: the same
    /// wall-clock time in `zone` on each date (a time a DST change skips on some date is read
    /// as RFC 5545 reads it, with the offset before the gap).
    pub fn starts(self, zone: TimeZone, first: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let local = zone.local(first).naive_local();
        self.dates(local.date())
            .into_iter()
            .map(|date| zone.recurring_instant(date.and_time(local.time())))
            .collect()
    }

    /// The `RRULE` value of a series whose first meeting starts at `first` in `zone` (the
    /// event's `DTSTART` carries that zone's `TZID`).
    pub fn rule(self, zone: TimeZone, first: DateTime<Utc>, end: RuleEnd) -> String {
        let mut rule = match self.frequency {
            Frequency::Weekly => "FREQ=WEEKLY".to_owned(),
            Frequency::Biweekly => "FREQ=WEEKLY;INTERVAL=2".to_owned(),
            Frequency::Monthly => {
                let date = zone.date_of(first);
                format!(
                    "FREQ=MONTHLY;BYDAY={}{}",
                    weekday_ordinal(date),
                    weekday_code(date.weekday())
                )
            }
        };
        match end {
            RuleEnd::Count => rule.push_str(&format!(";COUNT={}", self.count)),
            // With a zoned DTSTART, RFC 5545 asks for UNTIL in UTC.
            RuleEnd::Until(last) => {
                rule.push_str(&format!(";UNTIL={}", last.format("%Y%m%dT%H%M%SZ")));
            }
        }
        rule
    }
}

/// Which of its weekday `date` is in its month, as `BYDAY` counts it: 1 to 4, or -1 for the
/// last (a fifth weekday repeats on the last one). A monthly series repeats on that one.
pub fn weekday_ordinal(date: NaiveDate) -> i8 {
    match week_of_month(date) {
        WeekOfMonth::Nth(n) => n as i8,
        WeekOfMonth::Last => -1,
    }
}

fn week_of_month(date: NaiveDate) -> WeekOfMonth {
    match (date.day() - 1) / 7 {
        n @ 0..=3 => WeekOfMonth::Nth(n as u8 + 1),
        _ => WeekOfMonth::Last,
    }
}

/// The `week`th `weekday` of the month that starts on `month`.
fn weekday_in_month(month: NaiveDate, weekday: Weekday, week: WeekOfMonth) -> Option<NaiveDate> {
    match week {
        WeekOfMonth::Nth(n) => {
            NaiveDate::from_weekday_of_month_opt(month.year(), month.month(), weekday, n)
        }
        WeekOfMonth::Last => {
            let last_day = month.checked_add_months(Months::new(1))?.pred_opt()?;
            let back = (7 + last_day.weekday().num_days_from_monday()
                - weekday.num_days_from_monday())
                % 7;
            last_day.checked_sub_days(Days::new(u64::from(back)))
        }
    }
}

fn weekday_code(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDateTime, NaiveTime, Timelike};
    use proptest::prelude::*;

    use super::*;

    fn zone(name: &str) -> TimeZone {
        TimeZone::parse(name).unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(zone: TimeZone, local: &str) -> DateTime<Utc> {
        zone.instant(NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap())
            .unwrap()
    }

    fn local_times(zone: TimeZone, starts: &[DateTime<Utc>]) -> Vec<String> {
        starts
            .iter()
            .map(|s| zone.local(*s).format("%Y-%m-%d %H:%M").to_string())
            .collect()
    }

    fn series(frequency: Frequency, count: i64) -> Recurrence {
        Recurrence::new(frequency, count, Recurrence::MAX_COUNT).unwrap()
    }

    #[test]
    fn a_weekly_nine_oclock_in_copenhagen_stays_at_nine_across_the_march_change() {
        let copenhagen = zone("Europe/Copenhagen");
        let starts =
            series(Frequency::Weekly, 4).starts(copenhagen, at(copenhagen, "2027-03-16 09:00"));
        assert_eq!(
            local_times(copenhagen, &starts),
            [
                "2027-03-16 09:00",
                "2027-03-23 09:00",
                "2027-03-30 09:00",
                "2027-04-06 09:00"
            ]
        );
        assert_eq!(
            starts[2] - starts[1],
            Duration::hours(7 * 24 - 1),
            "the week holding the change is an hour shorter"
        );
    }

    #[test]
    fn every_other_week_skips_a_week() {
        let utc = TimeZone::UTC;
        let starts = series(Frequency::Biweekly, 3).starts(utc, at(utc, "2027-01-04 10:30"));
        assert_eq!(
            local_times(utc, &starts),
            ["2027-01-04 10:30", "2027-01-18 10:30", "2027-02-01 10:30"]
        );
    }

    #[test]
    fn monthly_keeps_the_weekday_of_the_month() {
        // 2027-01-12 is the second Tuesday of January.
        let dates = series(Frequency::Monthly, 4).dates(date("2027-01-12"));
        assert_eq!(
            dates,
            [
                date("2027-01-12"),
                date("2027-02-09"),
                date("2027-03-09"),
                date("2027-04-13")
            ]
        );
    }

    #[test]
    fn a_fifth_weekday_repeats_on_the_last_one() {
        // 2027-03-29 is the fifth Monday of March; April has four Mondays, May five.
        let dates = series(Frequency::Monthly, 3).dates(date("2027-03-29"));
        assert_eq!(
            dates,
            [date("2027-03-29"), date("2027-04-26"), date("2027-05-31")]
        );
    }

    #[test]
    fn a_time_the_spring_change_skips_moves_an_hour_later_as_calendars_read_it() {
        let copenhagen = zone("Europe/Copenhagen");
        let starts =
            series(Frequency::Weekly, 2).starts(copenhagen, at(copenhagen, "2027-03-21 02:30"));
        assert_eq!(
            local_times(copenhagen, &starts),
            ["2027-03-21 02:30", "2027-03-28 03:30"]
        );
    }

    #[test]
    fn a_time_the_autumn_change_repeats_is_its_first() {
        let copenhagen = zone("Europe/Copenhagen");
        let starts =
            series(Frequency::Weekly, 2).starts(copenhagen, at(copenhagen, "2027-10-24 02:30"));
        assert_eq!(
            copenhagen.offset_seconds(starts[1]),
            7200,
            "still summer time"
        );
    }

    #[test]
    fn counts_run_from_two_to_the_limit() {
        assert_eq!(
            Recurrence::new(Frequency::Weekly, 1, 10),
            Err(RecurrenceError::TooFew)
        );
        assert_eq!(
            Recurrence::new(Frequency::Weekly, 11, 10),
            Err(RecurrenceError::TooMany { max: 10 })
        );
        assert_eq!(
            Recurrence::new(Frequency::Weekly, 60, 500),
            Err(RecurrenceError::TooMany {
                max: Recurrence::MAX_COUNT
            }),
            "no limit goes past a year of weeks"
        );
        assert_eq!(series(Frequency::Monthly, 10).count(), 10);
    }

    #[test]
    fn frequencies_use_the_contract_spelling() {
        assert_eq!("biweekly".parse::<Frequency>(), Ok(Frequency::Biweekly));
        assert_eq!(Frequency::Monthly.as_ref(), "monthly");
    }

    #[test]
    fn rules_say_what_calendar_programs_expand() {
        let copenhagen = zone("Europe/Copenhagen");
        let first = at(copenhagen, "2027-01-12 09:00");
        let rule = |frequency, end| series(frequency, 6).rule(copenhagen, first, end);
        assert_eq!(
            rule(Frequency::Weekly, RuleEnd::Count),
            "FREQ=WEEKLY;COUNT=6"
        );
        assert_eq!(
            rule(Frequency::Biweekly, RuleEnd::Count),
            "FREQ=WEEKLY;INTERVAL=2;COUNT=6"
        );
        assert_eq!(
            rule(Frequency::Monthly, RuleEnd::Count),
            "FREQ=MONTHLY;BYDAY=2TU;COUNT=6"
        );
        assert_eq!(
            rule(
                Frequency::Weekly,
                RuleEnd::Until(at(copenhagen, "2027-01-26 09:00"))
            ),
            "FREQ=WEEKLY;UNTIL=20270126T080000Z",
            "never COUNT and UNTIL together"
        );
        let last_monday = at(copenhagen, "2027-03-29 09:00");
        assert_eq!(
            series(Frequency::Monthly, 3).rule(copenhagen, last_monday, RuleEnd::Count),
            "FREQ=MONTHLY;BYDAY=-1MO;COUNT=3"
        );
    }

    const ZONES: [&str; 3] = [
        "Europe/Copenhagen",
        "America/New_York",
        "Australia/Lord_Howe",
    ];

    fn frequency() -> impl Strategy<Value = Frequency> {
        prop_oneof![
            Just(Frequency::Weekly),
            Just(Frequency::Biweekly),
            Just(Frequency::Monthly)
        ]
    }

    proptest! {
        /// Random series over two years of DST changes in three zones (Lord Howe's moves by
        /// half an hour) keep the first meeting's local time, unless a change skips it on a
        /// date: then it is an hour (or half an hour) later, as calendar programs show it.
        #[test]
        fn occurrences_keep_their_local_time_across_dst_changes(
            zone_index in 0..ZONES.len(),
            day in 0u64..730,
            minute in 0u32..(24 * 4),
            frequency in frequency(),
            count in 2i64..=52,
        ) {
            let zone = zone(ZONES[zone_index]);
            let first_date = date("2026-01-01") + Days::new(day);
            let time = NaiveTime::from_hms_opt(minute / 4, minute % 4 * 15, 0).unwrap();
            let Some(first) = zone.instant(first_date.and_time(time)) else {
                return Ok(()); // No meeting starts at a time its first day skips.
            };
            let recurrence = series(frequency, count);
            let starts = recurrence.starts(zone, first);
            prop_assert_eq!(starts.len(), count as usize);
            prop_assert_eq!(starts[0], first);
            for (start, date) in starts.iter().zip(recurrence.dates(first_date)) {
                let local = zone.local(*start).naive_local();
                if zone.instant(date.and_time(time)).is_some() {
                    prop_assert_eq!(local, date.and_time(time));
                    prop_assert_eq!(*start, zone.instant(date.and_time(time)).unwrap(),
                        "a repeated time is its first instant");
                } else {
                    prop_assert_eq!(local.date(), date);
                    let shift = local.time() - time;
                    prop_assert!(shift == Duration::minutes(60) || shift == Duration::minutes(30),
                        "{} on {} became {}", time, date, local);
                }
            }
            prop_assert!(starts.windows(2).all(|w| w[0] < w[1]));
        }

        /// Weekly meetings are 7 days apart, every other week 14, and monthly ones fall in
        /// consecutive months on the same weekday and in the same week of the month (or the last).
        #[test]
        fn dates_follow_the_frequency(
            day in 0u64..3650,
            frequency in frequency(),
            count in 2i64..=52,
        ) {
            let first = date("2026-01-01") + Days::new(day);
            let dates = series(frequency, count).dates(first);
            prop_assert_eq!(dates.len(), count as usize);
            for pair in dates.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                match frequency {
                    Frequency::Weekly => prop_assert_eq!((b - a).num_days(), 7),
                    Frequency::Biweekly => prop_assert_eq!((b - a).num_days(), 14),
                    Frequency::Monthly => {
                        prop_assert_eq!(b.weekday(), first.weekday());
                        prop_assert_eq!(b.month0(), (a.month0() + 1) % 12);
                        match week_of_month(first) {
                            WeekOfMonth::Nth(n) => prop_assert_eq!((b.day() - 1) / 7 + 1, u32::from(n)),
                            WeekOfMonth::Last => prop_assert!((b + Days::new(7)).month() != b.month()),
                        }
                    }
                }
            }
        }
    }

    /// Expands `rule` from a first meeting at `first` in `zone` with the `rrule` crate, as a
    /// calendar program reading the invite would.
    fn expanded(zone: TimeZone, first: DateTime<Utc>, rule: &str) -> Vec<DateTime<Utc>> {
        let local = zone.local(first).format("%Y%m%dT%H%M%S");
        let text = format!("DTSTART;TZID={}:{local}\nRRULE:{rule}", zone.name());
        let set: rrule::RRuleSet = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        set.all(100)
            .dates
            .into_iter()
            .map(|d| d.with_timezone(&Utc))
            .collect()
    }

    proptest! {
        /// The `RRULE` an invite carries, expanded by an independent implementation, gives the
        /// meetings the series holds; ended early with `UNTIL`, it gives the ones kept.
        #[test]
        fn the_rule_expands_to_the_series_meetings(
            zone_index in 0..ZONES.len(),
            day in 0u64..730,
            minute in (8u32 * 4)..(18 * 4),
            frequency in frequency(),
            count in 2i64..=20,
            kept in 1u16..20,
        ) {
            let zone = zone(ZONES[zone_index]);
            let first_date = date("2026-01-01") + Days::new(day);
            let time = NaiveTime::from_hms_opt(minute / 4, minute % 4 * 15, 0).unwrap();
            let first = zone.instant(first_date.and_time(time)).unwrap();
            let recurrence = series(frequency, count);
            let starts = recurrence.starts(zone, first);
            prop_assert_eq!(&expanded(zone, first, &recurrence.rule(zone, first, RuleEnd::Count)), &starts);
            let kept = usize::from(kept).min(starts.len());
            let until = recurrence.rule(zone, first, RuleEnd::Until(starts[kept - 1]));
            prop_assert_eq!(&expanded(zone, first, &until), &starts[..kept].to_vec());
        }
    }

    #[test]
    fn lord_howe_half_hour_change_is_half_an_hour_later() {
        // Lord Howe springs forward from 02:00 to 02:30 on the first Sunday of October.
        let lord_howe = zone("Australia/Lord_Howe");
        let first = at(lord_howe, "2026-09-27 02:15");
        let starts = series(Frequency::Weekly, 2).starts(lord_howe, first);
        let second = lord_howe.local(starts[1]);
        assert_eq!((second.hour(), second.minute()), (2, 45));
    }

    #[test]
    fn a_series_moved_from_monday_nine_to_wednesday_ten_keeps_ten_across_the_march_change() {
        let copenhagen = zone("Europe/Copenhagen");
        let at = |date: &str, time: &str| {
            copenhagen.recurring_instant(
                NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M").unwrap(),
            )
        };
        let (pivot, to) = (at("2027-03-15", "09:00"), at("2027-03-17", "10:00"));
        // Two weeks later, after clocks went forward on 28 March.
        let later = moved_with(copenhagen, pivot, to, at("2027-03-29", "09:00"));
        assert_eq!(later, at("2027-03-31", "10:00"));
        assert_eq!(
            copenhagen.local(later).time(),
            NaiveTime::from_hms_opt(10, 0, 0).unwrap()
        );
        // The meeting asked of lands where asked.
        assert_eq!(moved_with(copenhagen, pivot, to, pivot), to);
    }
}
