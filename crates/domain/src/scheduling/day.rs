//! One local day of the department's zone with its UTC bounds.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::{interval::Interval, time::TimeZone, working_hours::TimeOfDay};

/// A local date and the UTC span it covers. Most days have one offset throughout; on those a
/// wall-clock minute converts by addition, and only the two DST-change days a year ask the zone.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalDay {
    pub date: NaiveDate,
    pub span: Interval,
    zone: TimeZone,
    uniform: bool,
}

impl LocalDay {
    pub fn new(zone: TimeZone, date: NaiveDate) -> Self {
        let span = zone.day(date);
        let uniform = span.length() == Duration::days(1)
            && zone.offset_seconds(span.start())
                == zone.offset_seconds(span.end() - Duration::seconds(1));
        Self {
            date,
            span,
            zone,
            uniform,
        }
    }

    /// The instant of wall-clock `minute` (minutes after midnight, below 24:00): `None` when a DST
    /// change skips it, the earlier instant when one repeats it.
    pub fn instant(&self, minute: u32) -> Option<DateTime<Utc>> {
        if self.uniform {
            return Some(self.span.start() + Duration::minutes(i64::from(minute)));
        }
        let time = TimeOfDay::from_minutes(u16::try_from(minute).ok()?)?;
        self.zone.exact_time_on(self.date, time)
    }

    /// The first instant at or after wall-clock `time`: the edge of a working period or break.
    pub fn at_or_after(&self, time: TimeOfDay) -> DateTime<Utc> {
        if self.uniform {
            return self.span.start() + Duration::minutes(i64::from(time.minutes()));
        }
        self.zone.time_on(self.date, time)
    }

    /// The wall-clock period `[start, end)` of this day in UTC.
    pub fn period(&self, start: TimeOfDay, end: TimeOfDay) -> Interval {
        Interval::from_bounds(self.at_or_after(start), self.at_or_after(end))
    }
}

/// The Monday-to-Sunday local week holding `date`: the span weekly limits count in.
pub(crate) fn week_of(zone: TimeZone, date: NaiveDate) -> Interval {
    let monday = date.week(chrono::Weekday::Mon).first_day();
    let next = monday + chrono::Days::new(7);
    Interval::from_bounds(zone.start_of_day(monday), zone.start_of_day(next))
}
