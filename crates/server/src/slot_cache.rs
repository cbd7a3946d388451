//! Keeps computed slot tables between requests, so that showing slots costs microseconds and no
//! database query while nothing changes.
//!
//! A table is keyed by the store's revision, which changes with every committed change that can
//! change anyone's free time (in this process at once, in other processes through PostgreSQL
//! notifications): such a change makes every older table unreachable. Tables do not depend on
//! the clock (minimum notice and the booking window are applied when one is read), so a table
//! stays exact until the data changes. As a last guard against a missed notification, the key
//! also holds the minute the table belongs to, so every table is recomputed once a minute.
//!
//! Concurrent requests for one table wait for one computation, whether it is missing or its
//! minute has passed. The engine runs on blocking threads, at most one per core but one, so a
//! burst of misses cannot stall the workers that answer everything else.
//! Creating a booking never trusts this cache: it rechecks inside its transaction.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use mm_domain::{
    Interval, Slug,
    department::Department,
    meeting_type::MeetingType,
    scheduling::{MeetingSpec, SlotTable},
};
use mm_store::{Store, StoreError};
use tokio::sync::Semaphore;

/// How long a table may be served without its revision changing.
const MAX_AGE: Duration = Duration::from_secs(60);
/// Tables kept; a department's month is one, each visitor day another.
const CAPACITY: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    revision: u64,
    /// Which [`MAX_AGE`] since the cache started the table belongs to.
    period: u64,
    department: Slug,
    meeting: Slug,
    window: Interval,
}

/// A public meeting type's open slots over one window.
#[derive(Debug)]
pub struct Availability {
    pub department: Department,
    pub meeting_type: MeetingType,
    pub window: Interval,
    pub table: SlotTable,
}

#[derive(Debug)]
pub struct SlotCache {
    tables: quick_cache::sync::Cache<Key, Arc<Availability>>,
    started: Instant,
    /// Engine computations running at once: one per core but one, at least one.
    computing: Arc<Semaphore>,
}

impl Default for SlotCache {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            tables: quick_cache::sync::Cache::new(CAPACITY),
            started: Instant::now(),
            computing: Arc::new(Semaphore::new(cores.saturating_sub(1).max(1))),
        }
    }
}

impl SlotCache {
    /// The open slots of `meeting` in `department` over `window`, computed at most once per
    /// revision and minute (concurrent requests for the same table wait for one computation).
    pub async fn availability(
        &self,
        store: &Store,
        department: &Slug,
        meeting: &Slug,
        window: Interval,
    ) -> Result<Arc<Availability>, StoreError> {
        // Read before computing: a change committed meanwhile leaves the result unreachable.
        let key = Key {
            revision: store.revision(),
            period: self.started.elapsed().as_secs() / MAX_AGE.as_secs(),
            department: department.clone(),
            meeting: meeting.clone(),
            window,
        };
        self.tables
            .get_or_insert_async(&key, self.compute(store, department, meeting, window))
            .await
    }

    async fn compute(
        &self,
        store: &Store,
        department: &Slug,
        meeting: &Slug,
        window: Interval,
    ) -> Result<Arc<Availability>, StoreError> {
        let (department, meeting_type) = store.public_meeting_type(department, meeting).await?;
        let schedule = store.schedule(&department, window).await?;
        let spec = MeetingSpec::of(&meeting_type);
        // `Err` only for a closed semaphore, which this one never is.
        let _turn = self.computing.acquire().await.ok();
        let table =
            match tokio::task::spawn_blocking(move || schedule.open_slots(&spec, window)).await {
                Ok(table) => table,
                Err(failed) => std::panic::resume_unwind(failed.into_panic()),
            };
        Ok(Arc::new(Availability {
            department,
            meeting_type,
            window,
            table,
        }))
    }
}
