//! A member's availability rule: buffers, caps, notice, booking window and date overrides.

use chrono::NaiveDate;

use crate::{
    time::Minutes,
    validation::FieldErrors,
    working_hours::{TimeOfDay, TimeRange},
};

/// The limits of a rule, all checked. `None` caps are unlimited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleLimits {
    pub buffer_before: Minutes,
    pub buffer_after: Minutes,
    pub max_bookings_per_day: Option<u32>,
    pub max_bookings_per_week: Option<u32>,
    pub min_notice_hours: u32,
    pub max_days_advance: Option<u32>,
}

/// No buffers, no caps, no notice, no booking window: what applies to a member without a rule.
impl Default for RuleLimits {
    fn default() -> Self {
        Self {
            buffer_before: Minutes::ZERO,
            buffer_after: Minutes::ZERO,
            max_bookings_per_day: None,
            max_bookings_per_week: None,
            min_notice_hours: 0,
            max_days_advance: None,
        }
    }
}

/// The limits as submitted.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleLimitsDraft {
    pub buffer_before: i64,
    pub buffer_after: i64,
    pub max_bookings_per_day: Option<i64>,
    pub max_bookings_per_week: Option<i64>,
    pub min_notice_hours: i64,
    pub max_days_advance: Option<i64>,
}

fn in_range(value: i64, range: std::ops::RangeInclusive<u32>) -> Result<u32, String> {
    u32::try_from(value)
        .ok()
        .filter(|v| range.contains(v))
        .ok_or_else(|| format!("must be between {} and {}", range.start(), range.end()))
}

impl RuleLimits {
    pub fn parse(draft: RuleLimitsDraft) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let buffer_before =
            errors.check("buffer_time_before", Minutes::buffer(draft.buffer_before));
        let buffer_after = errors.check("buffer_time_after", Minutes::buffer(draft.buffer_after));
        let mut cap = |field: &str, value: Option<i64>, range| match value {
            None => Some(None),
            Some(v) => errors.check(field, in_range(v, range)).map(Some),
        };
        let per_day = cap("max_bookings_per_day", draft.max_bookings_per_day, 1..=100);
        let per_week = cap(
            "max_bookings_per_week",
            draft.max_bookings_per_week,
            1..=500,
        );
        let advance = cap("max_days_advance", draft.max_days_advance, 1..=730);
        let notice = errors.check(
            "min_notice_hours",
            in_range(draft.min_notice_hours, 0..=8760),
        );
        if let (Some(Some(day)), Some(Some(week))) = (per_day, per_week)
            && week < day
        {
            errors.add(
                "max_bookings_per_week",
                "must not be less than max_bookings_per_day",
            );
        }
        match (
            buffer_before,
            buffer_after,
            per_day,
            per_week,
            notice,
            advance,
        ) {
            (
                Some(buffer_before),
                Some(buffer_after),
                Some(max_bookings_per_day),
                Some(max_bookings_per_week),
                Some(min_notice_hours),
                Some(max_days_advance),
            ) if errors.is_empty() => Ok(Self {
                buffer_before,
                buffer_after,
                max_bookings_per_day,
                max_bookings_per_week,
                min_notice_hours,
                max_days_advance,
            }),
            _ => Err(errors),
        }
    }
}

/// What a date override does to that local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideHours {
    /// Not available at all (vacation, conference).
    DayOff,
    /// Available only within these hours, replacing the weekday's hours and breaks.
    Custom(TimeRange),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateOverride {
    pub date: NaiveDate,
    pub hours: OverrideHours,
    pub reason: Option<String>,
}

/// An override as submitted.
#[derive(Debug, Clone, Default)]
pub struct OverrideDraft<'a> {
    pub date: &'a str,
    pub available: bool,
    pub custom_hours_start: Option<&'a str>,
    pub custom_hours_end: Option<&'a str>,
    pub reason: Option<&'a str>,
}

/// Each date at most once; an available day names both custom hours, start before end; a day off
/// names none.
pub fn parse_overrides(drafts: &[OverrideDraft<'_>]) -> Result<Vec<DateOverride>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut overrides: Vec<DateOverride> = Vec::with_capacity(drafts.len());
    let mut seen = std::collections::BTreeSet::new();
    for (i, draft) in drafts.iter().enumerate() {
        let field = |name: &str| format!("date_overrides[{i}].{name}");
        let date = errors.check(
            &field("date"),
            NaiveDate::parse_from_str(draft.date, "%Y-%m-%d")
                .map_err(|_| "must be a date YYYY-MM-DD"),
        );
        if let Some(date) = date
            && !seen.insert(date)
        {
            errors.add(field("date"), "each date may be overridden once");
        }
        let hours = if draft.available {
            let start = match draft.custom_hours_start {
                Some(s) => errors.check(&field("custom_hours_start"), TimeOfDay::parse(s)),
                None => {
                    errors.add(field("custom_hours_start"), "is required when available");
                    None
                }
            };
            let end = match draft.custom_hours_end {
                Some(s) => errors.check(&field("custom_hours_end"), TimeOfDay::parse(s)),
                None => {
                    errors.add(field("custom_hours_end"), "is required when available");
                    None
                }
            };
            match (start, end) {
                (Some(s), Some(e)) => errors
                    .check(
                        &field("custom_hours_end"),
                        TimeRange::new(s, e).map_err(|_| "must be after custom_hours_start"),
                    )
                    .map(OverrideHours::Custom),
                _ => None,
            }
        } else {
            if draft.custom_hours_start.is_some() || draft.custom_hours_end.is_some() {
                errors.add(field("available"), "a day off has no custom hours");
            }
            Some(OverrideHours::DayOff)
        };
        let reason = draft
            .reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        if let (Some(date), Some(hours)) = (date, hours) {
            overrides.push(DateOverride {
                date,
                hours,
                reason,
            });
        }
    }
    errors.finish(overrides)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlimited_caps_are_none() {
        let limits = RuleLimits::parse(RuleLimitsDraft {
            buffer_before: 15,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(limits.buffer_before.get(), 15);
        assert_eq!(limits.max_bookings_per_day, None);
    }

    #[test]
    fn out_of_range_limits_are_named() {
        let errors = RuleLimits::parse(RuleLimitsDraft {
            buffer_before: -1,
            buffer_after: 600,
            max_bookings_per_day: Some(0),
            min_notice_hours: -2,
            max_days_advance: Some(0),
            ..Default::default()
        })
        .unwrap_err();
        for field in [
            "buffer_time_before",
            "buffer_time_after",
            "max_bookings_per_day",
            "min_notice_hours",
            "max_days_advance",
        ] {
            assert!(errors.contains(field), "{field}: {errors}");
        }
    }

    #[test]
    fn weekly_cap_below_daily_cap_is_refused() {
        let draft = RuleLimitsDraft {
            max_bookings_per_day: Some(5),
            max_bookings_per_week: Some(3),
            ..Default::default()
        };
        assert!(
            RuleLimits::parse(draft)
                .unwrap_err()
                .contains("max_bookings_per_week")
        );
    }

    #[test]
    fn a_vacation_day_and_a_short_day() {
        let overrides = parse_overrides(&[
            OverrideDraft {
                date: "2027-07-01",
                available: false,
                reason: Some("Vacation"),
                ..Default::default()
            },
            OverrideDraft {
                date: "2027-07-02",
                available: true,
                custom_hours_start: Some("10:00"),
                custom_hours_end: Some("12:00"),
                ..Default::default()
            },
        ])
        .unwrap();
        assert_eq!(overrides[0].hours, OverrideHours::DayOff);
        assert!(matches!(overrides[1].hours, OverrideHours::Custom(_)));
    }

    #[test]
    fn malformed_overrides_are_named_by_row() {
        let errors = parse_overrides(&[
            OverrideDraft {
                date: "2027-07-01",
                available: true,
                custom_hours_start: Some("12:00"),
                custom_hours_end: Some("10:00"),
                ..Default::default()
            },
            OverrideDraft {
                date: "2027-07-01",
                available: false,
                ..Default::default()
            },
            OverrideDraft {
                date: "July 3",
                available: true,
                ..Default::default()
            },
        ])
        .unwrap_err();
        assert!(errors.contains("date_overrides[0].custom_hours_end"));
        assert!(errors.contains("date_overrides[1].date"));
        assert!(errors.contains("date_overrides[2].date"));
        assert!(errors.contains("date_overrides[2].custom_hours_start"));
    }
}

/// A member's named rule; the default one applies to their availability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvailabilityRule {
    pub id: uuid::Uuid,
    pub user_id: uuid::Uuid,
    pub name: String,
    pub is_default: bool,
    pub limits: RuleLimits,
    pub overrides: Vec<DateOverride>,
}
