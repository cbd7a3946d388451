//! Keeps computed slot tables between requests, so that showing slots costs microseconds and no
//! database query while nothing changes.
//!
//! A table is keyed by the store's revision, which changes with every committed change (in this
//! process at once, in other processes through PostgreSQL notifications): a change makes every
//! older table unreachable. Tables do not depend on the clock (minimum notice and the booking
//! window are applied when one is read), so a table stays exact until the data changes. As a
//! last guard against a missed notification, a table is also recomputed after a minute.
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

/// How long a table may be served without its revision changing.
const MAX_AGE: Duration = Duration::from_secs(60);
/// Tables kept; a department's month is one, each visitor day another.
const CAPACITY: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    revision: u64,
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
    computed: Instant,
}

#[derive(Debug)]
pub struct SlotCache {
    tables: quick_cache::sync::Cache<Key, Arc<Availability>>,
}

impl Default for SlotCache {
    fn default() -> Self {
        Self {
            tables: quick_cache::sync::Cache::new(CAPACITY),
        }
    }
}

impl SlotCache {
    /// The open slots of `meeting` in `department` over `window`, computed at most once per
    /// revision (concurrent requests for the same table wait for one computation).
    pub async fn availability(
        &self,
        store: &Store,
        department: &Slug,
        meeting: &Slug,
        window: Interval,
    ) -> Result<Arc<Availability>, StoreError> {
        let key = Key {
            revision: store.revision(),
            department: department.clone(),
            meeting: meeting.clone(),
            window,
        };
        let found = self
            .tables
            .get_or_insert_async(&key, compute(store, department, meeting, window))
            .await?;
        if found.computed.elapsed() <= MAX_AGE {
            return Ok(found);
        }
        let fresh = compute(store, department, meeting, window).await?;
        self.tables.insert(key, fresh.clone());
        Ok(fresh)
    }
}

async fn compute(
    store: &Store,
    department: &Slug,
    meeting: &Slug,
    window: Interval,
) -> Result<Arc<Availability>, StoreError> {
    let (department, meeting_type) = store.public_meeting_type(department, meeting).await?;
    let schedule = store.schedule(&department, window).await?;
    let table = schedule.open_slots(&MeetingSpec::of(&meeting_type), window);
    Ok(Arc::new(Availability {
        department,
        meeting_type,
        window,
        table,
        computed: Instant::now(),
    }))
}
