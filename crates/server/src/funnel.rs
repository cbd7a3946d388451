//! Counting the public wizard's funnel without a write per visit: each process adds up in memory
//! the steps reported to it and writes the sums every few seconds and when it stops, so a crowd
//! of visitors costs one small transaction per interval. A killed process loses at most one
//! interval's counts: these are statistics, not records. Nothing identifies a visitor; the
//! client's network is held for a minute, in memory only, to limit how much one can report.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use chrono::{DateTime, Utc};
use mm_domain::{TimeZone, funnel::FunnelStep};
use mm_store::{FunnelKey, Store};
use uuid::Uuid;

use crate::shutdown::Stopping;

/// How often the sums are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(10);

/// Reports one client network may make per minute: a visit makes about five.
const REPORTS_PER_MINUTE: u32 = 60;

/// Networks remembered per minute; past it, reports of new networks are not counted, so a
/// flood from many addresses costs bounded memory.
const MOST_NETWORKS: usize = 50_000;

/// Keys waiting to be written; past it, new keys wait for the next write.
const MOST_KEYS: usize = 100_000;

/// Why a report was not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// This network reported too much this minute; it may again after this long.
    TooMany(chrono::Duration),
}

#[derive(Debug, Default)]
struct Reporters {
    minute: i64,
    reports: HashMap<String, u32>,
}

#[derive(Debug, Default)]
pub struct FunnelCounter {
    pending: Mutex<HashMap<FunnelKey, u64>>,
    reporters: Mutex<Reporters>,
}

impl FunnelCounter {
    /// Takes one report of `network` at `now` against the per-minute limit.
    pub fn admit(&self, network: &str, now: DateTime<Utc>) -> Result<(), Refused> {
        let minute = now.timestamp().div_euclid(60);
        let mut reporters = self
            .reporters
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if reporters.minute != minute {
            *reporters = Reporters {
                minute,
                reports: HashMap::new(),
            };
        }
        let next_minute = DateTime::from_timestamp((minute + 1) * 60, 0).unwrap_or(now);
        let known = reporters.reports.contains_key(network);
        if !known && reporters.reports.len() >= MOST_NETWORKS {
            return Err(Refused::TooMany(next_minute - now));
        }
        let reports = reporters.reports.entry(network.to_owned()).or_default();
        if *reports >= REPORTS_PER_MINUTE {
            return Err(Refused::TooMany(next_minute - now));
        }
        *reports += 1;
        Ok(())
    }

    /// Counts a visit that reached `step` of a department (and meeting type) now, on the
    /// department's day.
    pub fn count(
        &self,
        department: (Uuid, TimeZone),
        meeting_type_id: Option<Uuid>,
        step: FunnelStep,
        now: DateTime<Utc>,
    ) {
        let key = FunnelKey {
            day: department.1.date_of(now),
            department_id: department.0,
            meeting_type_id,
            step,
        };
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if pending.len() < MOST_KEYS || pending.contains_key(&key) {
            *pending.entry(key).or_default() += 1;
        }
    }

    /// Writes the sums counted so far; when the write fails they are kept for the next one.
    pub async fn flush(&self, store: &Store) -> mm_store::Result<()> {
        let taken: Vec<(FunnelKey, u64)> = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            pending.drain().collect()
        };
        if taken.is_empty() {
            return Ok(());
        }
        let written = store.add_funnel_counts(&taken).await;
        if written.is_err() {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            for (key, count) in taken {
                *pending.entry(key).or_default() += count;
            }
        }
        written
    }

    /// Writes the sums every [`FLUSH_EVERY`] and once more when the process stops (after the
    /// last request was answered).
    pub async fn keep_writing(self: Arc<Self>, store: Store, mut stopping: Stopping) {
        let mut every = tokio::time::interval(FLUSH_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let last = stopping.tick(&mut every).await;
            if let Err(error) = self.flush(&store).await {
                tracing::warn!(%error, "writing the booking funnel's counts failed; kept for the next try");
            }
            if last {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    #[test]
    fn a_network_may_report_sixty_steps_a_minute_and_then_waits_for_the_next() {
        let counter = FunnelCounter::default();
        let now = Utc.with_ymd_and_hms(2027, 3, 1, 10, 0, 45).unwrap();
        for _ in 0..REPORTS_PER_MINUTE {
            assert_eq!(counter.admit("203.0.113.0/24", now), Ok(()));
        }
        assert_eq!(
            counter.admit("203.0.113.0/24", now),
            Err(Refused::TooMany(chrono::Duration::seconds(15)))
        );
        assert_eq!(
            counter.admit("198.51.100.0/24", now),
            Ok(()),
            "others are not held up"
        );
        let next_minute = now + chrono::Duration::seconds(15);
        assert_eq!(counter.admit("203.0.113.0/24", next_minute), Ok(()));
    }

    #[test]
    fn a_visit_counts_on_the_departments_day_not_the_servers() {
        let counter = FunnelCounter::default();
        let auckland = TimeZone::parse("Pacific/Auckland").unwrap();
        let department = Uuid::from_u128(1);
        // 20:00 UTC on 1 March is already 2 March in Auckland.
        let now = Utc.with_ymd_and_hms(2027, 3, 1, 20, 0, 0).unwrap();
        counter.count((department, auckland), None, FunnelStep::Department, now);
        counter.count((department, auckland), None, FunnelStep::Department, now);
        let pending = counter.pending.lock().unwrap();
        let (key, count) = pending.iter().next().unwrap();
        assert_eq!(
            key.day,
            chrono::NaiveDate::from_ymd_opt(2027, 3, 2).unwrap()
        );
        assert_eq!(*count, 2);
    }
}
