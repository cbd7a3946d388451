//! The time zones an iCalendar file names: IANA zones by name (what Google and Apple write), and
//! zones the file defines itself in a `VTIMEZONE` (what Outlook writes, under Windows names such
//! as "W. Europe Standard Time").

use chrono::{DateTime, Duration, NaiveDateTime, Offset as _, TimeZone as _, Utc};
use chrono_tz::Tz;

use crate::ical::{Budget, IcalError, Series};

/// A zone local times in the file are read in.
#[derive(Debug, Clone)]
pub(crate) enum Zone {
    Iana(Tz),
    Defined(DefinedZone),
}

impl Zone {
    /// The instant a local time names. A time repeated by a DST change is taken the first time;
    /// a time skipped by one is read with the offset before the change, as RFC 5545 says.
    pub(crate) fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self {
            Self::Iana(tz) => match tz.from_local_datetime(&local).earliest() {
                Some(instant) => instant.with_timezone(&Utc),
                None => {
                    let before = tz
                        .offset_from_utc_datetime(&(local - Duration::days(1)))
                        .fix()
                        .local_minus_utc();
                    (local - Duration::seconds(i64::from(before))).and_utc()
                }
            },
            Self::Defined(zone) => zone.to_utc(local),
        }
    }

    /// The wall-clock time of an instant here.
    pub(crate) fn to_local(&self, instant: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Self::Iana(tz) => instant.with_timezone(tz).naive_local(),
            Self::Defined(zone) => {
                instant.naive_utc() + Duration::seconds(i64::from(zone.offset_at(instant)))
            }
        }
    }
}

/// A zone from a `VTIMEZONE`: its changes of offset, in order.
#[derive(Debug, Clone)]
pub(crate) struct DefinedZone {
    /// `(instant, offset from then on in seconds)`, sorted by instant.
    transitions: Vec<(DateTime<Utc>, i32)>,
    /// The offset before the first transition.
    initial: i32,
}

/// One `STANDARD` or `DAYLIGHT` block of a `VTIMEZONE`.
#[derive(Debug, Clone)]
pub(crate) struct Observance {
    /// The first onset, in the local time of the offset it changes from.
    pub(crate) start: NaiveDateTime,
    pub(crate) offset_from: i32,
    pub(crate) offset_to: i32,
    pub(crate) rrules: Vec<String>,
    pub(crate) rdates: Vec<NaiveDateTime>,
}

impl DefinedZone {
    /// Builds the zone's transitions up to `until` (the end of the window being read).
    pub(crate) fn new(
        observances: &[Observance],
        until: NaiveDateTime,
        budget: &mut Budget,
    ) -> Result<Self, IcalError> {
        let mut transitions = Vec::new();
        for o in observances {
            let series = Series {
                start: o.start,
                rrules: &o.rrules,
                rdates: &o.rdates,
                exdates: &[],
            };
            let onsets = series.between(o.start, until, None, budget)?;
            transitions.extend(
                onsets
                    .into_iter()
                    .map(|onset| ((onset - seconds(o.offset_from)).and_utc(), o.offset_to)),
            );
        }
        transitions.sort_by_key(|(at, _)| *at);
        let initial = observances
            .iter()
            .min_by_key(|o| o.start)
            .map_or(0, |o| o.offset_from);
        Ok(Self {
            transitions,
            initial,
        })
    }

    fn offset_at(&self, instant: DateTime<Utc>) -> i32 {
        let after = self.transitions.partition_point(|(at, _)| *at <= instant);
        match after.checked_sub(1) {
            Some(i) => self.transitions[i].1,
            None => self.initial,
        }
    }

    fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let mut offsets: Vec<i32> = self.transitions.iter().map(|(_, o)| *o).collect();
        offsets.push(self.initial);
        offsets.sort_unstable();
        offsets.dedup();
        // The earliest instant whose own offset makes it this local time.
        let fitting = offsets
            .iter()
            .map(|&o| ((local - seconds(o)).and_utc(), o))
            .filter(|(instant, o)| self.offset_at(*instant) == *o)
            .map(|(instant, _)| instant)
            .min();
        fitting.unwrap_or_else(|| {
            // Skipped by a change: read with the offset before it.
            let before = self.offset_at((local - Duration::days(1)).and_utc());
            (local - seconds(before)).and_utc()
        })
    }
}

fn seconds(offset: i32) -> Duration {
    Duration::seconds(i64::from(offset))
}

/// Reads a `TZOFFSETFROM`/`TZOFFSETTO` value: `+0100`, `-0430`, `+013045`.
pub(crate) fn parse_offset(value: &str) -> Option<i32> {
    let value = value.trim();
    let (sign, digits) = match value.split_at_checked(1)? {
        ("+", rest) => (1, rest),
        ("-", rest) => (-1, rest),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[0..2].parse().ok()?;
    let minutes: i32 = digits[2..4].parse().ok()?;
    let secs: i32 = digits.get(4..6).map_or(Ok(0), str::parse).ok()?;
    Some(sign * (hours * 3600 + minutes * 60 + secs))
}

/// An IANA zone from a `TZID`, which some producers prefix with a `/` or a vendor path
/// (`/mozilla.org/20050126_1/Europe/Berlin`).
pub(crate) fn iana(tzid: &str) -> Option<Tz> {
    let tzid = tzid.trim().trim_matches('"');
    if let Ok(tz) = tzid.trim_start_matches('/').parse() {
        return Some(tz);
    }
    // The longest `Area/Location` tail that names a zone.
    let parts: Vec<&str> = tzid.split('/').collect();
    (0..parts.len()).find_map(|i| parts[i..].join("/").parse().ok())
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, min, 0))
            .expect("a date")
    }

    /// Central European time as Outlook defines it.
    fn romance() -> DefinedZone {
        DefinedZone::new(
            &[
                Observance {
                    start: at(1601, 10, 28, 3, 0),
                    offset_from: 7200,
                    offset_to: 3600,
                    rrules: vec!["FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10".into()],
                    rdates: vec![],
                },
                Observance {
                    start: at(1601, 3, 25, 2, 0),
                    offset_from: 3600,
                    offset_to: 7200,
                    rrules: vec!["FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3".into()],
                    rdates: vec![],
                },
            ],
            at(2027, 12, 31, 0, 0),
            &mut Budget::new(crate::ical::FeedLimits::default()),
        )
        .expect("a zone")
    }

    #[test]
    fn a_defined_zone_agrees_with_the_iana_zone_it_describes_all_year() {
        let defined = Zone::Defined(romance());
        let iana = Zone::Iana(chrono_tz::Europe::Copenhagen);
        let mut local = at(2026, 1, 1, 0, 30);
        while local < at(2027, 1, 1, 0, 0) {
            assert_eq!(defined.to_utc(local), iana.to_utc(local), "{local}");
            let instant = iana.to_utc(local);
            assert_eq!(
                defined.to_local(instant),
                iana.to_local(instant),
                "{instant}"
            );
            local += Duration::minutes(30);
        }
    }

    #[test]
    fn a_time_skipped_in_spring_is_read_with_the_winter_offset() {
        let skipped = at(2026, 3, 29, 2, 30);
        let expected = Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap();
        assert_eq!(Zone::Defined(romance()).to_utc(skipped), expected);
        assert_eq!(
            Zone::Iana(chrono_tz::Europe::Copenhagen).to_utc(skipped),
            expected
        );
    }

    #[test]
    fn a_time_repeated_in_autumn_is_taken_the_first_time() {
        let repeated = at(2026, 10, 25, 2, 30);
        let first = Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap();
        assert_eq!(Zone::Defined(romance()).to_utc(repeated), first);
        assert_eq!(
            Zone::Iana(chrono_tz::Europe::Copenhagen).to_utc(repeated),
            first
        );
    }

    #[test]
    fn offsets_read_with_and_without_seconds() {
        assert_eq!(parse_offset("+0100"), Some(3600));
        assert_eq!(parse_offset("-0430"), Some(-16200));
        assert_eq!(parse_offset("+013045"), Some(5445));
        assert_eq!(parse_offset("0100"), None);
        assert_eq!(parse_offset("+1"), None);
    }

    #[test]
    fn vendor_prefixed_tzids_name_their_iana_zone() {
        assert_eq!(iana("Europe/Berlin"), Some(chrono_tz::Europe::Berlin));
        assert_eq!(iana("/Europe/Berlin"), Some(chrono_tz::Europe::Berlin));
        assert_eq!(
            iana("/mozilla.org/20050126_1/America/New_York"),
            Some(chrono_tz::America::New_York)
        );
        assert_eq!(iana("W. Europe Standard Time"), None);
    }
}
