//! A member's weekly working hours with breaks, in the local time of whoever evaluates them
//! (the department's zone). Well-formed by construction: start before end, breaks inside the
//! hours and not overlapping.

use std::fmt;

use chrono::Weekday;

use crate::validation::FieldErrors;

/// A local wall-clock time as minutes after midnight, `00:00` to `24:00` (the end of a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a time HH:MM between 00:00 and 24:00")]
pub struct BadTimeOfDay;

impl TimeOfDay {
    pub const MIDNIGHT: Self = Self(0);
    pub const END_OF_DAY: Self = Self(24 * 60);

    pub fn parse(s: &str) -> Result<Self, BadTimeOfDay> {
        let (h, m) = s.split_once(':').ok_or(BadTimeOfDay)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(BadTimeOfDay);
        }
        let h: u16 = h.parse().map_err(|_| BadTimeOfDay)?;
        let m: u16 = m.parse().map_err(|_| BadTimeOfDay)?;
        if m >= 60 || h > 24 || (h == 24 && m != 0) {
            return Err(BadTimeOfDay);
        }
        Ok(Self(h * 60 + m))
    }

    pub fn from_minutes(minutes: u16) -> Option<Self> {
        (minutes <= 24 * 60).then_some(Self(minutes))
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    /// The wall-clock time, or `None` for `24:00`, which is the next day's midnight.
    pub fn to_naive(self) -> Option<chrono::NaiveTime> {
        chrono::NaiveTime::from_hms_opt(u32::from(self.0 / 60), u32::from(self.0 % 60), 0)
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// A non-empty local time range, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeRange {
    start: TimeOfDay,
    end: TimeOfDay,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("start must be before end")]
pub struct EmptyRange;

impl TimeRange {
    pub fn new(start: TimeOfDay, end: TimeOfDay) -> Result<Self, EmptyRange> {
        if start < end {
            Ok(Self { start, end })
        } else {
            Err(EmptyRange)
        }
    }

    pub fn start(self) -> TimeOfDay {
        self.start
    }

    pub fn end(self) -> TimeOfDay {
        self.end
    }

    fn contains(self, other: Self) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    fn overlaps(self, other: Self) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// One working day: its hours and the breaks inside them, sorted and disjoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayHours {
    hours: TimeRange,
    breaks: Vec<TimeRange>,
}

impl DayHours {
    pub fn hours(&self) -> TimeRange {
        self.hours
    }

    pub fn breaks(&self) -> &[TimeRange] {
        &self.breaks
    }
}

/// A day as submitted, before checking: times are still text.
#[derive(Debug, Clone, Default)]
pub struct DayDraft<'a> {
    pub enabled: bool,
    pub start: Option<&'a str>,
    pub end: Option<&'a str>,
    pub breaks: Vec<(&'a str, &'a str)>,
}

/// Monday to Sunday; `None` is a day off.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkingWeek([Option<DayHours>; 7]);

pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The lowercase English name used in field paths and wire formats.
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    }
}

impl WorkingWeek {
    /// Monday to Friday, 09:00–17:00, no breaks: what a new member starts with.
    pub fn office_hours() -> Self {
        let day = || {
            let hours = TimeRange {
                start: TimeOfDay(9 * 60),
                end: TimeOfDay(17 * 60),
            };
            Some(DayHours {
                hours,
                breaks: Vec::new(),
            })
        };
        Self([day(), day(), day(), day(), day(), None, None])
    }

    /// Checks every day, naming each failing field (`monday.end`, `friday.breaks[1]`).
    /// Days not given are days off.
    pub fn parse<'a>(
        days: impl IntoIterator<Item = (Weekday, DayDraft<'a>)>,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut week = Self::default();
        for (weekday, draft) in days {
            let name = weekday_name(weekday);
            match parse_day(&draft) {
                Ok(day) => week.0[weekday.num_days_from_monday() as usize] = day,
                Err(day_errors) => errors.merge_prefixed(name, day_errors),
            }
        }
        errors.finish(week)
    }

    pub fn day(&self, weekday: Weekday) -> Option<&DayHours> {
        self.0[weekday.num_days_from_monday() as usize].as_ref()
    }

    pub fn days(&self) -> impl Iterator<Item = (Weekday, Option<&DayHours>)> {
        WEEKDAYS.into_iter().map(|d| (d, self.day(d)))
    }
}

fn parse_day(draft: &DayDraft<'_>) -> Result<Option<DayHours>, FieldErrors> {
    let mut errors = FieldErrors::new();
    if !draft.enabled {
        // A day off needs no times, but a time that is sent must be one.
        let sent = [("start", draft.start), ("end", draft.end)]
            .into_iter()
            .filter_map(|(field, value)| Some((field.to_owned(), value?)))
            .chain(
                draft
                    .breaks
                    .iter()
                    .enumerate()
                    .flat_map(|(i, (start, end))| {
                        [
                            (format!("breaks[{i}]"), *start),
                            (format!("breaks[{i}]"), *end),
                        ]
                    }),
            );
        for (field, value) in sent {
            errors.check(&field, TimeOfDay::parse(value));
        }
        return if errors.is_empty() {
            Ok(None)
        } else {
            Err(errors)
        };
    }
    let time = |errors: &mut FieldErrors, field: &str, value: Option<&str>| match value {
        None => {
            errors.add(field, "is required on a working day");
            None
        }
        Some(s) => errors.check(field, TimeOfDay::parse(s)),
    };
    let start = time(&mut errors, "start", draft.start);
    let end = time(&mut errors, "end", draft.end);
    let hours = match (start, end) {
        (Some(start), Some(end)) => errors.check(
            "end",
            TimeRange::new(start, end).map_err(|_| "must be after start"),
        ),
        _ => None,
    };
    let mut breaks: Vec<(usize, TimeRange)> = Vec::new();
    for (i, (start, end)) in draft.breaks.iter().enumerate() {
        let field = format!("breaks[{i}]");
        let start = errors.check(&field, TimeOfDay::parse(start));
        let end = errors.check(&field, TimeOfDay::parse(end));
        let (Some(start), Some(end)) = (start, end) else {
            continue;
        };
        let Some(range) = errors.check(&field, TimeRange::new(start, end)) else {
            continue;
        };
        if let Some(hours) = hours
            && !hours.contains(range)
        {
            errors.add(&field, "break must lie inside working hours");
            continue;
        }
        if breaks.iter().any(|(_, other)| other.overlaps(range)) {
            errors.add(&field, "breaks must not overlap");
            continue;
        }
        breaks.push((i, range));
    }
    let Some(hours) = hours else {
        return Err(errors);
    };
    let mut breaks: Vec<TimeRange> = breaks.into_iter().map(|(_, r)| r).collect();
    breaks.sort_by_key(|r| r.start);
    errors.finish(Some(DayHours { hours, breaks }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day<'a>(start: &'a str, end: &'a str, breaks: &[(&'a str, &'a str)]) -> DayDraft<'a> {
        DayDraft {
            enabled: true,
            start: Some(start),
            end: Some(end),
            breaks: breaks.to_vec(),
        }
    }

    #[test]
    fn a_day_with_a_lunch_break_is_well_formed() {
        let week =
            WorkingWeek::parse([(Weekday::Mon, day("09:00", "17:00", &[("12:00", "12:30")]))])
                .unwrap();
        let monday = week.day(Weekday::Mon).unwrap();
        assert_eq!(monday.hours().start().to_string(), "09:00");
        assert_eq!(monday.breaks().len(), 1);
        assert!(
            week.day(Weekday::Tue).is_none(),
            "days not given are days off"
        );
    }

    #[test]
    fn a_day_off_needs_no_times_but_refuses_a_malformed_one() {
        let off = |start| DayDraft {
            enabled: false,
            start,
            ..Default::default()
        };
        let week = WorkingWeek::parse([
            (Weekday::Sat, off(None)),
            (Weekday::Sun, off(Some("10:00"))),
        ])
        .unwrap();
        assert!(week.day(Weekday::Sat).is_none() && week.day(Weekday::Sun).is_none());
        let errors = WorkingWeek::parse([(Weekday::Sun, off(Some("")))]).unwrap_err();
        assert!(errors.contains("sunday.start"), "{errors}");
    }

    #[test]
    fn end_before_start_names_the_day_and_field() {
        let errors = WorkingWeek::parse([(Weekday::Fri, day("17:00", "09:00", &[]))]).unwrap_err();
        assert!(errors.contains("friday.end"), "{errors}");
    }

    #[test]
    fn a_break_outside_working_hours_is_refused() {
        let errors =
            WorkingWeek::parse([(Weekday::Mon, day("09:00", "17:00", &[("08:00", "09:30")]))])
                .unwrap_err();
        assert!(errors.contains("monday.breaks[0]"), "{errors}");
    }

    #[test]
    fn overlapping_breaks_are_refused() {
        let breaks = [("12:00", "13:00"), ("12:30", "13:30")];
        let errors =
            WorkingWeek::parse([(Weekday::Tue, day("09:00", "17:00", &breaks))]).unwrap_err();
        assert!(errors.contains("tuesday.breaks[1]"), "{errors}");
    }

    #[test]
    fn every_failing_field_is_reported_at_once() {
        let errors = WorkingWeek::parse([
            (Weekday::Mon, day("9am", "17:00", &[])),
            (
                Weekday::Wed,
                DayDraft {
                    enabled: true,
                    ..Default::default()
                },
            ),
        ])
        .unwrap_err();
        assert!(errors.contains("monday.start"));
        assert!(errors.contains("wednesday.start"));
        assert!(errors.contains("wednesday.end"));
    }

    #[test]
    fn times_are_hh_mm_up_to_the_end_of_the_day() {
        assert_eq!(TimeOfDay::parse("24:00"), Ok(TimeOfDay::END_OF_DAY));
        for bad in ["24:01", "9:00", "09:60", "0900", "", "ab:cd"] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn breaks_are_kept_sorted() {
        let week = WorkingWeek::parse([(
            Weekday::Mon,
            day("08:00", "18:00", &[("15:00", "15:15"), ("12:00", "12:30")]),
        )])
        .unwrap();
        let starts: Vec<String> = week
            .day(Weekday::Mon)
            .unwrap()
            .breaks()
            .iter()
            .map(|b| b.start().to_string())
            .collect();
        assert_eq!(starts, ["12:00", "15:00"]);
    }
}
