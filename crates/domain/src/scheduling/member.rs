//! What the engine knows about one member: their week, their limits, their date overrides and
//! everything already in their calendar (our bookings and busy events from external calendars).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr};
use uuid::Uuid;

use crate::{
    availability_rule::{DateOverride, OverrideHours, RuleLimits},
    booking::BookingStatus,
    interval::Interval,
    time::Minutes,
    working_hours::{TimeRange, WorkingWeek},
};

/// A booking already in a member's calendar, as the engine needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    pub booking_id: Uuid,
    pub span: Interval,
    /// The booking's own buffers (its meeting type's, else its host's rule's).
    pub buffer_before: Minutes,
    pub buffer_after: Minutes,
    pub status: BookingStatus,
    /// The member hosts it, so it counts toward their daily and weekly limits; a participant of
    /// an internal meeting is only kept busy by it.
    pub hosted: bool,
}

/// How an external calendar event shows its owner: busy and tentative block time, free does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Display, EnumString, AsRefStr, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum BusyStatus {
    Busy,
    Tentative,
    Free,
}

/// When an external event happens: a span of time, or whole days (`until` is exclusive, as in
/// iCalendar) that block those local days of the department.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventTime {
    Timed(Interval),
    AllDay { first: NaiveDate, until: NaiveDate },
}

impl EventTime {
    /// Whether the event may fall within `[from, to)`. Whole days are local to a zone we do not
    /// know here, so they count if they could touch the stretch in any zone on earth.
    pub fn overlaps(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        match *self {
            Self::Timed(span) => span.start() < to && from < span.end(),
            Self::AllDay { first, until } => {
                let earliest = first.and_time(chrono::NaiveTime::MIN).and_utc() - Duration::days(1);
                let latest = until.and_time(chrono::NaiveTime::MIN).and_utc() + Duration::days(1);
                earliest < to && from < latest
            }
        }
    }
}

/// An event synced from a member's external calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExternalEvent {
    pub time: EventTime,
    pub status: BusyStatus,
}

/// The hours a member works on one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DayPlan<'a> {
    /// A date override takes the whole day off.
    DayOff,
    /// The weekly hours have nothing on this weekday.
    NotWorking,
    Working {
        hours: TimeRange,
        breaks: &'a [TimeRange],
    },
}

/// One member's availability inputs over a window, prepared for fast queries.
#[derive(Debug, Clone)]
pub struct MemberCalendar {
    user_id: Uuid,
    week: WorkingWeek,
    limits: RuleLimits,
    /// Sorted by date, one per date.
    overrides: Vec<(NaiveDate, OverrideHours)>,
    /// Commitments that hold time, sorted by start.
    blocking: Vec<Commitment>,
    /// The longest reach of a blocking commitment: its length plus its own buffers.
    reach: Duration,
    /// Starts of the bookings the member hosts that count toward limits, sorted.
    hosted_starts: Vec<DateTime<Utc>>,
    /// Timed busy events, merged into disjoint spans sorted by start.
    busy: Vec<Interval>,
    /// All-day busy events as `[first, until)` date ranges.
    busy_days: Vec<(NaiveDate, NaiveDate)>,
}

impl MemberCalendar {
    pub fn new(
        user_id: Uuid,
        week: WorkingWeek,
        limits: RuleLimits,
        overrides: &[DateOverride],
        commitments: Vec<Commitment>,
        events: &[ExternalEvent],
    ) -> Self {
        let mut overrides: Vec<_> = overrides.iter().map(|o| (o.date, o.hours)).collect();
        overrides.sort_by_key(|(date, _)| *date);
        overrides.dedup_by_key(|(date, _)| *date);

        let mut hosted_starts: Vec<_> = commitments
            .iter()
            .filter(|c| c.hosted && c.status != BookingStatus::Cancelled)
            .map(|c| c.span.start())
            .collect();
        hosted_starts.sort_unstable();

        let mut blocking: Vec<_> = commitments
            .into_iter()
            .filter(|c| c.status.holds_time())
            .collect();
        blocking.sort_by_key(|c| c.span.start());
        let reach = blocking
            .iter()
            .map(|c| c.span.length() + c.buffer_before.to_duration() + c.buffer_after.to_duration())
            .max()
            .unwrap_or_default();

        let mut busy = Vec::new();
        let mut busy_days = Vec::new();
        for event in events.iter().filter(|e| e.status != BusyStatus::Free) {
            match event.time {
                EventTime::Timed(span) => busy.push(span),
                EventTime::AllDay { first, until } => busy_days.push((first, until)),
            }
        }
        merge(&mut busy);

        Self {
            user_id,
            week,
            limits,
            overrides,
            blocking,
            reach,
            hosted_starts,
            busy,
            busy_days,
        }
    }

    pub fn user_id(&self) -> Uuid {
        self.user_id
    }

    pub fn limits(&self) -> &RuleLimits {
        &self.limits
    }

    pub(crate) fn plan(&self, date: NaiveDate) -> DayPlan<'_> {
        if let Ok(i) = self.overrides.binary_search_by_key(&date, |(d, _)| *d) {
            return match self.overrides[i].1 {
                OverrideHours::DayOff => DayPlan::DayOff,
                OverrideHours::Custom(hours) => DayPlan::Working { hours, breaks: &[] },
            };
        }
        match self.week.day(chrono::Datelike::weekday(&date)) {
            Some(day) => DayPlan::Working {
                hours: day.hours(),
                breaks: day.breaks(),
            },
            None => DayPlan::NotWorking,
        }
    }

    /// How many bookings the member hosts that start within `span`.
    pub(crate) fn hosted_in(&self, span: Interval) -> u32 {
        let from = self.hosted_starts.partition_point(|t| *t < span.start());
        let to = self.hosted_starts.partition_point(|t| *t < span.end());
        u32::try_from(to - from).unwrap_or(u32::MAX)
    }

    pub(crate) fn busy_all_day(&self, date: NaiveDate) -> bool {
        self.busy_days
            .iter()
            .any(|(first, until)| *first <= date && date < *until)
    }

    /// The buffers a new meeting of this kind keeps for this member: the meeting type's when it
    /// sets them, else the member's rule's.
    pub(crate) fn buffers(
        &self,
        before: Option<Minutes>,
        after: Option<Minutes>,
    ) -> (Duration, Duration) {
        (
            before.unwrap_or(self.limits.buffer_before).to_duration(),
            after.unwrap_or(self.limits.buffer_after).to_duration(),
        )
    }

    pub(crate) fn blocking(&self) -> &[Commitment] {
        &self.blocking
    }

    pub(crate) fn busy(&self) -> &[Interval] {
        &self.busy
    }

    /// Pushes onto `out` every span a new meeting with buffers `(before, after)` must avoid near
    /// `period`: commitments widened by the larger of the two buffers on each side (gaps do not
    /// add up), busy events widened by the new meeting's own buffers.
    pub(crate) fn blocked_near(
        &self,
        period: Interval,
        before: Duration,
        after: Duration,
        out: &mut Vec<Interval>,
    ) {
        let widest = Duration::minutes(i64::from(*Minutes::BUFFER.end()));
        let from = period.start() - self.reach - widest;
        let first = self.blocking.partition_point(|c| c.span.start() < from);
        for c in &self.blocking[first..] {
            if c.span.start() - widest >= period.end() {
                break;
            }
            out.push(commitment_block(c, before, after));
        }
        let first = self
            .busy
            .partition_point(|b| b.end() + before <= period.start());
        for b in &self.busy[first..] {
            if b.start() - after >= period.end() {
                break;
            }
            out.push(b.widened(after, before));
        }
    }
}

/// The span a commitment keeps a new meeting out of: the gap after it is at least the larger of
/// its buffer-after and the new meeting's buffer-before, and likewise before it.
pub(crate) fn commitment_block(c: &Commitment, before: Duration, after: Duration) -> Interval {
    c.span.widened(
        c.buffer_before.to_duration().max(after),
        c.buffer_after.to_duration().max(before),
    )
}

/// Sorts spans and merges overlapping or touching ones, in place.
pub(crate) fn merge(spans: &mut Vec<Interval>) {
    spans.sort_unstable_by_key(|s| s.start());
    let mut kept = 0;
    for i in 0..spans.len() {
        if kept > 0 && spans[i].start() <= spans[kept - 1].end() {
            let end = spans[kept - 1].end().max(spans[i].end());
            spans[kept - 1] = Interval::from_bounds(spans[kept - 1].start(), end);
        } else {
            spans[kept] = spans[i];
            kept += 1;
        }
    }
    spans.truncate(kept);
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    #[test]
    fn an_event_overlaps_a_stretch_it_shares_time_with_and_whole_days_count_in_any_zone() {
        let at = |d, h| Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap();
        let (from, to) = (at(22, 0), at(24, 0));
        let timed = |a, b| EventTime::Timed(Interval::new(a, b).unwrap());
        assert!(timed(at(21, 23), at(22, 1)).overlaps(from, to));
        assert!(
            !timed(at(21, 20), at(22, 0)).overlaps(from, to),
            "ends as it starts"
        );
        assert!(!timed(at(24, 0), at(24, 1)).overlaps(from, to));
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let all_day = |a, b| EventTime::AllDay {
            first: day(a),
            until: day(b),
        };
        assert!(
            all_day(24, 25).overlaps(from, to),
            "Nov 24 begins before Nov 24 UTC east of UTC"
        );
        assert!(!all_day(26, 27).overlaps(from, to));
        assert!(!all_day(19, 20).overlaps(from, to));
    }
}
