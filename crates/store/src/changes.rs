//! What a committed change can alter in anyone's free time, and the log of recent changes that
//! derived data (the slot tables) checks itself against.
//!
//! Every write that can change availability says what it touched: a person's time over a span
//! (a booking made, moved or cancelled; all of it for hours, rules, calendars and accounts), a
//! department's bookings over a span (its daily limit), or a department's configuration. A
//! table records what it was computed from ([`Dependencies`]) and stays valid until a change
//! touches that. Writes that change nobody's time (reminders, stamps, video links) touch
//! nothing and are not logged. Other processes learn the same changes through PostgreSQL
//! notifications.

use std::{
    collections::{BTreeSet, VecDeque},
    sync::Mutex,
};

use chrono::{DateTime, Utc};
use mm_domain::Interval;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use uuid::Uuid;

/// One thing a change touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Touch {
    /// Anything may differ: a notification may have been lost.
    Everything,
    /// A person's bookings, busy time, hours, rules or account, between `from` and `to` (all of
    /// their time when both are absent).
    Person {
        id: Uuid,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<DateTime<Utc>>,
    },
    /// A department's bookings between `from` and `to` (they count toward its daily limit), or
    /// its configuration (members, limits, meeting types) when both are absent.
    Department {
        id: Uuid,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<DateTime<Utc>>,
    },
}

impl Touch {
    /// All of a person's time.
    pub fn person(id: Uuid) -> Self {
        Self::Person {
            id,
            from: None,
            to: None,
        }
    }

    /// A person's time over `span`.
    pub fn person_during(id: Uuid, span: Interval) -> Self {
        Self::Person {
            id,
            from: Some(span.start()),
            to: Some(span.end()),
        }
    }

    /// A department's configuration.
    pub fn department(id: Uuid) -> Self {
        Self::Department {
            id,
            from: None,
            to: None,
        }
    }

    /// A department's bookings over `span`.
    pub fn department_during(id: Uuid, span: Interval) -> Self {
        Self::Department {
            id,
            from: Some(span.start()),
            to: Some(span.end()),
        }
    }

    /// The span of time it touched; `None` when it touched all of it.
    pub fn span(&self) -> Option<Interval> {
        match self {
            Self::Everything => None,
            Self::Person { from, to, .. } | Self::Department { from, to, .. } => {
                Interval::new((*from)?, (*to)?).ok()
            }
        }
    }

    /// Whether data computed from `dependencies` may differ after this.
    fn reaches(&self, dependencies: &Dependencies) -> bool {
        // A span touches what it overlaps, as the loaders' `start < end AND end > start` read it.
        let during = |from: &Option<DateTime<Utc>>, to: &Option<DateTime<Utc>>| {
            from.is_none_or(|from| from < dependencies.span.end())
                && to.is_none_or(|to| dependencies.span.start() < to)
        };
        match self {
            Self::Everything => true,
            Self::Person { id, from, to } => dependencies.people.contains(id) && during(from, to),
            Self::Department { id, from, to } => *id == dependencies.department && during(from, to),
        }
    }
}

/// Everything a change touched; empty when it changed nobody's time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Change(Vec<Touch>);

impl Change {
    pub fn new(touches: impl IntoIterator<Item = Touch>) -> Self {
        let mut change = Self::default();
        change.extend(touches);
        change
    }

    pub fn everything() -> Self {
        Self(vec![Touch::Everything])
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_touches(self) -> Vec<Touch> {
        self.0
    }

    pub fn extend(&mut self, touches: impl IntoIterator<Item = Touch>) {
        for touch in touches {
            if !self.0.contains(&touch) {
                self.0.push(touch);
            }
        }
    }

    /// Whether data computed from `dependencies` may differ after this change.
    pub fn reaches(&self, dependencies: &Dependencies) -> bool {
        self.0.iter().any(|touch| touch.reaches(dependencies))
    }
}

/// What one piece of derived data was computed from: one department's configuration, the
/// people whose time it read, and the span over which it read their bookings and busy time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependencies {
    pub department: Uuid,
    pub people: BTreeSet<Uuid>,
    pub span: Interval,
}

/// How many changes the log keeps; data older than the oldest is recomputed.
const REMEMBERED: usize = 4096;

/// The recent changes of this process and (on PostgreSQL) of the others, numbered in the order
/// this process learnt them.
#[derive(Debug)]
pub struct ChangeLog {
    recent: Mutex<Recent>,
    /// The number of the latest change, for those who wait for the next one.
    latest: watch::Sender<u64>,
}

#[derive(Debug, Default)]
struct Recent {
    /// Changes learnt so far; the number of the latest.
    count: u64,
    /// The latest changes, oldest first, the last numbered `count`.
    changes: VecDeque<Change>,
}

impl Default for ChangeLog {
    fn default() -> Self {
        Self {
            recent: Mutex::default(),
            latest: watch::Sender::new(0),
        }
    }
}

impl ChangeLog {
    /// The number of the latest change: data read after this call is valid at least until the
    /// next one.
    pub fn position(&self) -> u64 {
        self.lock().count
    }

    /// Adds a change; an empty one is not a change.
    pub fn record(&self, change: Change) {
        if change.is_empty() {
            return;
        }
        let count = {
            let mut recent = self.lock();
            recent.count += 1;
            if recent.changes.len() == REMEMBERED {
                recent.changes.pop_front();
            }
            recent.changes.push_back(change);
            recent.count
        };
        self.latest.send_replace(count);
    }

    /// Whether a change after position `since` reaches `dependencies`, and the position
    /// checked up to. Data older than the log's memory counts as reached. (The slot cache asks
    /// [`ChangeLog::reaching_between`], which says what reached them.)
    #[cfg(test)]
    pub fn reached_since(&self, since: u64, dependencies: &Dependencies) -> (bool, u64) {
        let (touches, position) = self.reaching_between(since, u64::MAX, dependencies);
        (touches.is_none_or(|t| !t.is_empty()), position)
    }

    /// The touches of the changes after position `since` and up to `until` (or the latest)
    /// that reach `dependencies`, and the position checked up to; `None` when the log no
    /// longer reaches back that far.
    pub fn reaching_between(
        &self,
        since: u64,
        until: u64,
        dependencies: &Dependencies,
    ) -> (Option<Vec<Touch>>, u64) {
        let recent = self.lock();
        let until = until.min(recent.count);
        let newer = recent.count.saturating_sub(since);
        let between = until.saturating_sub(since);
        let touches = match (usize::try_from(newer), usize::try_from(between)) {
            (Ok(newer), Ok(between)) if newer <= recent.changes.len() => Some(
                recent
                    .changes
                    .iter()
                    .skip(recent.changes.len() - newer)
                    .take(between)
                    .flat_map(|change| &change.0)
                    .filter(|touch| touch.reaches(dependencies))
                    .cloned()
                    .collect(),
            ),
            _ => None,
        };
        (touches, until.max(since))
    }

    /// Follows the position of the latest change.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.latest.subscribe()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Recent> {
        // A panic while holding this lock leaves consistent data: counting goes on.
        self.recent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 2, hour, 0, 0).unwrap()
    }

    fn span(from: u32, to: u32) -> Interval {
        Interval::new(at(from), at(to)).unwrap()
    }

    fn table(department: Uuid, people: &[Uuid], from: u32, to: u32) -> Dependencies {
        Dependencies {
            department,
            people: people.iter().copied().collect(),
            span: span(from, to),
        }
    }

    #[test]
    fn a_booking_reaches_the_tables_that_read_its_hosts_time_over_its_span_only() {
        let (support, sales) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let (anna, bo) = (Uuid::from_u128(10), Uuid::from_u128(11));
        let booking = Change::new([
            Touch::person_during(anna, span(9, 10)),
            Touch::department_during(support, span(9, 10)),
        ]);
        assert!(booking.reaches(&table(support, &[anna, bo], 0, 12)));
        assert!(
            !booking.reaches(&table(sales, &[anna], 8, 9)),
            "a span ending as the booking starts does not overlap it"
        );
        assert!(
            booking.reaches(&table(sales, &[anna], 8, 10)),
            "anna is in sales too"
        );
        assert!(
            !booking.reaches(&table(sales, &[bo], 0, 23)),
            "nobody sales reads"
        );
        assert!(
            !booking.reaches(&table(support, &[anna, bo], 10, 20)),
            "another day"
        );
    }

    #[test]
    fn a_department_booking_reaches_its_tables_even_when_the_host_is_not_a_member() {
        let support = Uuid::from_u128(1);
        let guest_host = Uuid::from_u128(12);
        let booking = Change::new([
            Touch::person_during(guest_host, span(9, 10)),
            Touch::department_during(support, span(9, 10)),
        ]);
        assert!(booking.reaches(&table(support, &[Uuid::from_u128(10)], 0, 12)));
    }

    #[test]
    fn configuration_and_whole_person_changes_reach_every_span() {
        let (support, anna) = (Uuid::from_u128(1), Uuid::from_u128(10));
        let far = table(support, &[anna], 20, 23);
        assert!(Change::new([Touch::department(support)]).reaches(&far));
        assert!(Change::new([Touch::person(anna)]).reaches(&far));
        assert!(Change::everything().reaches(&table(Uuid::from_u128(3), &[], 1, 2)));
        assert!(!Change::new([Touch::department(Uuid::from_u128(3))]).reaches(&far));
    }

    #[test]
    fn the_log_tells_whether_anything_since_a_position_reached_a_table() {
        let log = ChangeLog::default();
        let (support, anna) = (Uuid::from_u128(1), Uuid::from_u128(10));
        let deps = table(support, &[anna], 0, 12);
        let start = log.position();
        log.record(Change::default());
        assert_eq!(log.position(), start, "an empty change is no change");
        log.record(Change::new([Touch::person(Uuid::from_u128(99))]));
        assert_eq!(log.reached_since(start, &deps), (false, start + 1));
        log.record(Change::new([Touch::person_during(anna, span(9, 10))]));
        assert_eq!(log.reached_since(start, &deps), (true, start + 2));
        assert_eq!(
            log.reaching_between(start, u64::MAX, &deps).0,
            Some(vec![Touch::person_during(anna, span(9, 10))]),
            "only what reaches the table"
        );
        assert_eq!(log.reached_since(start + 2, &deps), (false, start + 2));
    }

    #[test]
    fn changes_after_the_bound_are_not_asked_about() {
        let log = ChangeLog::default();
        let (support, anna) = (Uuid::from_u128(1), Uuid::from_u128(10));
        let deps = table(support, &[anna], 0, 12);
        let start = log.position();
        log.record(Change::new([Touch::person(Uuid::from_u128(99))]));
        let arrival = log.position();
        log.record(Change::new([Touch::person_during(anna, span(9, 10))]));
        assert_eq!(
            log.reaching_between(start, arrival, &deps),
            (Some(Vec::new()), arrival),
            "the change after the bound is left for later readers"
        );
        assert_eq!(
            log.reaching_between(arrival + 1, arrival, &deps),
            (Some(Vec::new()), arrival + 1),
            "data read after the bound is checked up to where it was read"
        );
    }

    #[test]
    fn data_older_than_the_logs_memory_counts_as_reached() {
        let log = ChangeLog::default();
        let deps = table(Uuid::from_u128(1), &[], 0, 12);
        for n in 0..=REMEMBERED as u128 {
            log.record(Change::new([Touch::person(Uuid::from_u128(1000 + n))]));
        }
        assert!(log.reached_since(0, &deps).0);
        assert!(
            !log.reached_since(1, &deps).0,
            "the oldest kept change is the second"
        );
    }

    #[test]
    fn changes_travel_as_json_and_come_back_equal() {
        let change = Change::new([
            Touch::person_during(Uuid::from_u128(10), span(9, 10)),
            Touch::department(Uuid::from_u128(1)),
            Touch::Everything,
        ]);
        let text = serde_json::to_string(&change).unwrap();
        assert_eq!(serde_json::from_str::<Change>(&text).unwrap(), change);
    }
}
