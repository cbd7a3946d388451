//! Where things sit on the calendar: the views and the days each shows, spans read on the wall
//! clock, and the hours a day band draws.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};

use crate::zone::{self, Clock};

pub(super) const MINUTES_PER_DAY: i64 = 1440;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum View {
    Day,
    Week,
    Month,
}

impl View {
    pub(super) fn parse(raw: Option<&str>) -> Self {
        match raw {
            Some("day") => Self::Day,
            Some("month") => Self::Month,
            _ => Self::Week,
        }
    }

    pub(super) fn key(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    pub(super) fn label(self) -> &'static str {
        match self {
            Self::Day => "Day",
            Self::Week => "Week",
            Self::Month => "Month",
        }
    }

    /// The days the view shows around `date`: the day, its Monday-to-Sunday week, or the whole
    /// weeks covering its month.
    pub(super) fn days(self, date: NaiveDate) -> Vec<NaiveDate> {
        let monday = |d: NaiveDate| d - Days::new(u64::from(d.weekday().num_days_from_monday()));
        let (first, count) = match self {
            Self::Day => (date, 1),
            Self::Week => (monday(date), 7),
            Self::Month => {
                let first_of_month = date.with_day(1).unwrap_or(date);
                let last_of_month = first_of_month + Months::new(1) - Days::new(1);
                let start = monday(first_of_month);
                let end = monday(last_of_month) + Days::new(6);
                (start, (end - start).num_days() + 1)
            }
        };
        (0..count)
            .map(|i| first + Days::new(i.unsigned_abs()))
            .collect()
    }

    /// The date one view earlier or later.
    pub(super) fn step(self, date: NaiveDate, forward: bool) -> NaiveDate {
        let moved = match (self, forward) {
            (Self::Day, true) => date.checked_add_days(Days::new(1)),
            (Self::Day, false) => date.checked_sub_days(Days::new(1)),
            (Self::Week, true) => date.checked_add_days(Days::new(7)),
            (Self::Week, false) => date.checked_sub_days(Days::new(7)),
            (Self::Month, true) => date.checked_add_months(Months::new(1)),
            (Self::Month, false) => date.checked_sub_months(Months::new(1)),
        };
        moved.unwrap_or(date)
    }
}

/// A span already read on the wall clock: its first and last day and minute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Wall {
    pub(super) start: (NaiveDate, u32),
    pub(super) end: (NaiveDate, u32),
}

impl Wall {
    pub(super) fn read(
        clock: &Clock,
        start_utc: DateTime<Utc>,
        end_utc: DateTime<Utc>,
    ) -> Option<Self> {
        Some(Self {
            start: clock.at(zone::millis(start_utc))?,
            end: clock.at(zone::millis(end_utc))?,
        })
    }

    /// Minutes since `day`'s midnight at which the span starts and ends (either may lie on
    /// another day: negative, or past 1440).
    pub(super) fn on(&self, day: NaiveDate) -> (i64, i64) {
        let minutes =
            |(d, m): (NaiveDate, u32)| (d - day).num_days() * MINUTES_PER_DAY + i64::from(m);
        (minutes(self.start), minutes(self.end))
    }
}

/// The hours the day and week views draw: office hours, widened to whatever the data needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Hours {
    pub(super) first: i64,
    pub(super) last: i64,
}

impl Hours {
    pub(super) fn covering<'a>(days: &[NaiveDate], spans: impl Iterator<Item = &'a Wall>) -> Self {
        let (mut first, mut last) = (8 * 60, 18 * 60);
        for span in spans {
            for day in days {
                let (start, end) = span.on(*day);
                if end > 0 && start < MINUTES_PER_DAY {
                    first = first.min(start.max(0) / 60 * 60);
                    last = last.max((end.min(MINUTES_PER_DAY) + 59) / 60 * 60);
                }
            }
        }
        Self { first, last }
    }

    pub(super) fn length(self) -> f64 {
        (self.last - self.first) as f64
    }

    /// Where a span of `day` sits in its band, as CSS `top` and `height` percentages; `None`
    /// when none of it is drawn.
    pub(super) fn place(self, start: i64, end: i64) -> Option<String> {
        let (start, end) = (start.max(self.first), end.min(self.last));
        (end > start).then(|| {
            format!(
                "top:{:.3}%;height:{:.3}%",
                (start - self.first) as f64 * 100.0 / self.length(),
                (end - start) as f64 * 100.0 / self.length()
            )
        })
    }
}
