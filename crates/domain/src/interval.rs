//! A half-open span of UTC time, `[start, end)`: a meeting, a busy event, a working period.

use chrono::{DateTime, Duration, Utc};

use crate::time::Minutes;

/// `[start, end)` in UTC with `start <= end`. Two intervals that merely touch do not overlap,
/// so back-to-back meetings are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the end must be after the start")]
pub struct EmptyInterval;

impl Interval {
    /// A non-empty interval.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, EmptyInterval> {
        if start < end {
            Ok(Self { start, end })
        } else {
            Err(EmptyInterval)
        }
    }

    /// A meeting of `length` starting at `start`.
    pub fn starting_at(start: DateTime<Utc>, length: Minutes) -> Self {
        Self {
            start,
            end: start + length.to_duration(),
        }
    }

    /// An interval from two bounds, empty (at `start`) when `end` is not after `start`.
    pub(crate) fn from_bounds(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Self {
            start,
            end: end.max(start),
        }
    }

    pub fn start(self) -> DateTime<Utc> {
        self.start
    }

    pub fn end(self) -> DateTime<Utc> {
        self.end
    }

    pub fn length(self) -> Duration {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn overlaps(self, other: Self) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn contains(self, other: Self) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn contains_instant(self, instant: DateTime<Utc>) -> bool {
        self.start <= instant && instant < self.end
    }

    /// The part of both, if they overlap.
    pub fn intersection(self, other: Self) -> Option<Self> {
        Self::new(self.start.max(other.start), self.end.min(other.end)).ok()
    }

    /// The smallest interval holding both.
    pub fn hull(self, other: Self) -> Self {
        Self::from_bounds(self.start.min(other.start), self.end.max(other.end))
    }

    /// The interval grown by `before` at the start and `after` at the end.
    pub fn widened(self, before: Duration, after: Duration) -> Self {
        Self::from_bounds(self.start - before, self.end + after)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, h, m, 0).unwrap()
    }

    fn span(a: (u32, u32), b: (u32, u32)) -> Interval {
        Interval::new(at(a.0, a.1), at(b.0, b.1)).unwrap()
    }

    #[test]
    fn back_to_back_meetings_do_not_overlap() {
        assert!(!span((9, 0), (10, 0)).overlaps(span((10, 0), (11, 0))));
        assert!(span((9, 0), (10, 1)).overlaps(span((10, 0), (11, 0))));
    }

    #[test]
    fn an_interval_needs_its_end_after_its_start() {
        assert_eq!(Interval::new(at(9, 0), at(9, 0)), Err(EmptyInterval));
        assert!(Interval::new(at(9, 0), at(8, 0)).is_err());
    }

    #[test]
    fn widening_adds_buffers_on_both_sides() {
        let widened = span((10, 0), (11, 0)).widened(Duration::minutes(15), Duration::minutes(5));
        assert_eq!(widened, span((9, 45), (11, 5)));
    }
}
