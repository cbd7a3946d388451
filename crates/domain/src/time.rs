//! Time zones and durations. Instants are always UTC (`DateTime<Utc>`); a `TimeZone` says how a
//! department or visitor reads them.

use std::{fmt, str::FromStr};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Offset, TimeZone as _, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

use crate::{interval::Interval, working_hours::TimeOfDay};

/// An IANA time zone such as `Europe/Copenhagen`. Unknown names are refused, never replaced by UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZone(Tz);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone {0:?}: use an IANA name such as \"Europe/Copenhagen\"")]
pub struct UnknownTimeZone(pub String);

impl TimeZone {
    pub const UTC: Self = Self(Tz::UTC);

    pub fn parse(name: &str) -> Result<Self, UnknownTimeZone> {
        Tz::from_str(name.trim())
            .map(Self)
            .map_err(|_| UnknownTimeZone(name.to_owned()))
    }

    pub fn tz(self) -> Tz {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The country (ISO 3166-1 alpha-2) whose clocks this zone keeps, as the time zone database
    /// records it; `None` for zones of no country, such as `UTC`.
    pub fn country(self) -> Option<&'static str> {
        let countries = crate::zone_countries::ZONE_COUNTRIES;
        countries
            .binary_search_by_key(&self.name(), |(zone, _)| zone)
            .ok()
            .map(|i| countries[i].1)
    }

    /// The instant a wall-clock time names here: `None` when a DST change skips it, the earlier
    /// instant when a DST change repeats it (so a repeated time counts once).
    pub fn instant(self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        self.0
            .from_local_datetime(&local)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The instant RFC 5545 gives a wall-clock time that recurs: a time a DST change skips is
    /// read with the offset in force before the gap (02:30 on a spring-forward night is 03:30),
    /// a repeated one as its first instant. Calendar programs expand a series' `RRULE` this way,
    /// so occurrences computed here are the ones they show.
    pub fn recurring_instant(self, local: NaiveDateTime) -> DateTime<Utc> {
        if let Some(instant) = self.instant(local) {
            return instant;
        }
        let gap_end = self.instant_at_or_after(local);
        let before = self.offset_seconds(gap_end - chrono::Duration::seconds(1));
        local.and_utc() - chrono::Duration::seconds(i64::from(before))
    }

    /// The first instant whose wall-clock time is `local` or later: a skipped time maps to the
    /// moment the clock jumps forward. Used for the edges of periods, never for slot starts.
    pub fn instant_at_or_after(self, local: NaiveDateTime) -> DateTime<Utc> {
        let mut probe = local;
        // A gap is at most a few hours; a day of minutes bounds the walk for any zone.
        for _ in 0..=24 * 60 {
            if let Some(instant) = self.instant(probe) {
                return instant;
            }
            probe += chrono::Duration::minutes(1);
        }
        // Unreachable for real zone data; fall back to reading the time as UTC.
        local.and_utc()
    }

    /// The first instant at or after the wall-clock `time` on `date`; `24:00` is the next midnight.
    pub fn time_on(self, date: NaiveDate, time: TimeOfDay) -> DateTime<Utc> {
        match time.to_naive() {
            Some(t) => self.instant_at_or_after(date.and_time(t)),
            None => self.start_of_day(date.succ_opt().unwrap_or(date)),
        }
    }

    /// The instant of the wall-clock `time` on `date`, as [`Self::instant`]: `None` when skipped.
    pub fn exact_time_on(self, date: NaiveDate, time: TimeOfDay) -> Option<DateTime<Utc>> {
        match time.to_naive() {
            Some(t) => self.instant(date.and_time(t)),
            None => Some(self.start_of_day(date.succ_opt().unwrap_or(date))),
        }
    }

    /// Local midnight starting `date` (or the first instant of that date when midnight is skipped).
    pub fn start_of_day(self, date: NaiveDate) -> DateTime<Utc> {
        self.instant_at_or_after(date.and_time(chrono::NaiveTime::MIN))
    }

    /// The whole local day `date`: 23, 24 or 25 hours (or 23½, 24½ on Lord Howe Island).
    pub fn day(self, date: NaiveDate) -> Interval {
        let next = date.succ_opt().unwrap_or(date);
        Interval::from_bounds(self.start_of_day(date), self.start_of_day(next))
    }

    /// The local calendar date of an instant.
    pub fn date_of(self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.0).date_naive()
    }

    /// The local wall-clock time of an instant.
    pub fn local(self, instant: DateTime<Utc>) -> DateTime<Tz> {
        instant.with_timezone(&self.0)
    }

    /// The offset from UTC, in seconds, in force at `instant`.
    pub fn offset_seconds(self, instant: DateTime<Utc>) -> i32 {
        self.0
            .offset_from_utc_datetime(&instant.naive_utc())
            .fix()
            .local_minus_utc()
    }
}

/// The clock a zone keeps at some instant: its offset from UTC, whether that is daylight-saving
/// time, and its abbreviation when the time zone database has one (`CEST`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observance {
    pub offset_seconds: i32,
    pub daylight: bool,
    pub abbreviation: Option<String>,
}

/// A moment a zone's clocks change, and the clock before and after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetChange {
    pub at: DateTime<Utc>,
    pub before: Observance,
    pub after: Observance,
}

impl TimeZone {
    /// The clock in force at `instant`.
    pub fn observance(self, instant: DateTime<Utc>) -> Observance {
        let offset = self.0.offset_from_utc_datetime(&instant.naive_utc());
        Observance {
            offset_seconds: offset.fix().local_minus_utc(),
            daylight: !offset.dst_offset().is_zero(),
            abbreviation: offset
                .abbreviation()
                .filter(|a| a.chars().all(|c| c.is_ascii_alphabetic()))
                .map(str::to_owned),
        }
    }

    /// The changes of clock within `span`, in order: what an invite's `VTIMEZONE` lists for
    /// the meetings in it. Found day by day, then to the second: zones change at most a few
    /// times a year, never twice in a day.
    pub fn offset_changes(self, span: Interval) -> Vec<OffsetChange> {
        let day = chrono::Duration::days(1);
        let mut changes = Vec::new();
        let mut from = span.start();
        let mut clock = self.observance(from);
        while from < span.end() {
            let to = (from + day).min(span.end());
            let next = self.observance(to);
            if next != clock {
                // The change lies in (from, to]: halved down to the second (zones change on whole ones).
                let (mut low, mut high) = (from.timestamp(), to.timestamp());
                while high - low > 1 {
                    let middle = low + (high - low) / 2;
                    let at = DateTime::from_timestamp(middle, 0).unwrap_or(to);
                    if self.observance(at) == clock {
                        low = middle;
                    } else {
                        high = middle;
                    }
                }
                changes.push(OffsetChange {
                    at: DateTime::from_timestamp(high, 0).unwrap_or(to),
                    before: clock,
                    after: next.clone(),
                });
                clock = next;
            }
            from = to;
        }
        changes
    }
}

impl Default for TimeZone {
    fn default() -> Self {
        Self(Tz::UTC)
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A whole number of minutes within a range that the caller names, e.g. a meeting's duration
/// (5..=480) or a buffer (0..=480).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Minutes(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be between {min} and {max} minutes")]
pub struct MinutesOutOfRange {
    pub min: u32,
    pub max: u32,
}

impl Minutes {
    pub const DURATION: std::ops::RangeInclusive<u32> = 5..=480;
    pub const BUFFER: std::ops::RangeInclusive<u32> = 0..=480;
    /// How long after its start a meeting nobody marked becomes a no-show: up to a day.
    pub const NO_SHOW_DELAY: std::ops::RangeInclusive<u32> = 5..=1440;
    pub const ZERO: Self = Self(0);
    pub const ONE: Self = Self(1);

    pub fn parse_in(
        value: i64,
        range: std::ops::RangeInclusive<u32>,
    ) -> Result<Self, MinutesOutOfRange> {
        let error = MinutesOutOfRange {
            min: *range.start(),
            max: *range.end(),
        };
        let value = u32::try_from(value).map_err(|_| error.clone())?;
        if range.contains(&value) {
            Ok(Self(value))
        } else {
            Err(error)
        }
    }

    /// A meeting's length: 5 to 480 minutes.
    pub fn duration(value: i64) -> Result<Self, MinutesOutOfRange> {
        Self::parse_in(value, Self::DURATION)
    }

    /// A gap kept before or after a meeting: 0 to 480 minutes.
    pub fn buffer(value: i64) -> Result<Self, MinutesOutOfRange> {
        Self::parse_in(value, Self::BUFFER)
    }

    pub fn get(self) -> u32 {
        self.0
    }

    pub fn to_duration(self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zone_knows_its_country() {
        let country = |name: &str| TimeZone::parse(name).unwrap().country();
        assert_eq!(country("Europe/Copenhagen"), Some("DK"));
        assert_eq!(country("America/New_York"), Some("US"));
        assert_eq!(
            country("Europe/Kiev"),
            Some("UA"),
            "an older name of Europe/Kyiv"
        );
        assert_eq!(country("UTC"), None);
        let zones = crate::zone_countries::ZONE_COUNTRIES;
        assert!(
            zones.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted for binary search"
        );
    }

    #[test]
    fn copenhagen_changes_its_clocks_twice_a_year_at_one_utc() {
        let copenhagen = TimeZone::parse("Europe/Copenhagen").unwrap();
        let year = Interval::from_bounds(
            "2027-01-01T00:00:00Z".parse().unwrap(),
            "2028-01-01T00:00:00Z".parse().unwrap(),
        );
        let changes = copenhagen.offset_changes(year);
        let at: Vec<String> = changes.iter().map(|c| c.at.to_rfc3339()).collect();
        assert_eq!(
            at,
            ["2027-03-28T01:00:00+00:00", "2027-10-31T01:00:00+00:00"]
        );
        assert_eq!(changes[0].before.offset_seconds, 3600);
        assert_eq!(changes[0].after.offset_seconds, 7200);
        assert!(changes[0].after.daylight && !changes[1].after.daylight);
        assert_eq!(changes[0].after.abbreviation.as_deref(), Some("CEST"));
        assert!(TimeZone::UTC.offset_changes(year).is_empty());
    }

    #[test]
    fn iana_names_are_time_zones() {
        assert_eq!(
            TimeZone::parse("Europe/Copenhagen").unwrap().name(),
            "Europe/Copenhagen"
        );
        assert_eq!(
            TimeZone::parse("Australia/Lord_Howe").unwrap().name(),
            "Australia/Lord_Howe"
        );
    }

    #[test]
    fn unknown_zones_are_refused_not_defaulted() {
        for bad in ["", "Mars/Olympus", "europe/copenhagen", "CEST+1"] {
            assert!(TimeZone::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn durations_are_five_to_four_hundred_eighty_minutes() {
        assert!(Minutes::duration(4).is_err());
        assert!(Minutes::duration(5).is_ok());
        assert!(Minutes::duration(480).is_ok());
        assert!(Minutes::duration(481).is_err());
        assert!(Minutes::duration(-30).is_err());
        assert!(Minutes::buffer(0).is_ok());
    }
}
