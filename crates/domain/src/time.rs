//! Time zones and durations. Instants are always UTC (`DateTime<Utc>`); a `TimeZone` says how a
//! department or visitor reads them.

use std::{fmt, str::FromStr};

use chrono_tz::Tz;

/// An IANA time zone such as `Europe/Copenhagen`. Unknown names are refused, never replaced by UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZone(Tz);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone {0:?}: use an IANA name such as \"Europe/Copenhagen\"")]
pub struct UnknownTimeZone(pub String);

impl TimeZone {
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
