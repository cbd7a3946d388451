//! Keeps computed slot tables between requests, so that showing slots costs microseconds and no
//! database query while nothing changes, and stays that cheap while customers book.
//!
//! A table records what it was computed from (its department, the people it read, the span it
//! read over) and the position in the store's change log it is exact at. A reader checks the
//! changes logged since: a change that reaches none of that (another department, another day,
//! a reminder) leaves the table valid. A change that reached only some days (a booking made,
//! moved or cancelled) has just those days recomputed and spliced into the table; anything
//! wider (hours, rules, a department's settings) has the table recomputed whole. Right after a
//! change, the tables read in the last minute that it reached are recomputed at once, so
//! readers find them ready instead of each finding them gone. While a table's successor is
//! computed, the table still answers readers whose part (a visitor's day) no change reached.
//!
//! Concurrent requests for one table wait for one computation, except on a table's first
//! computation: a reader who needs only a day of it (or a moment, to check a booking) has that
//! day computed alone, which reads a thirtieth of the data, while the table computes behind it.
//! The engine runs on blocking
//! threads, at most one per core but one, so a burst of misses cannot stall the workers that
//! answer everything else. As a last guard (against a missed notification from another
//! process), a table older than a minute is recomputed whole in the background. Tables do not
//! depend on the clock: minimum notice and the booking window are applied when one is read.
//! Creating a booking never trusts this cache: it rechecks inside its transaction.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use mm_domain::{
    Interval, Slug,
    department::Department,
    meeting_type::MeetingType,
    scheduling::{MeetingSpec, Schedule, SlotTable},
};
use mm_store::{AvailabilitySettings, Store, StoreError, changes::Dependencies};
use tokio::sync::{OnceCell, Semaphore};

/// How long a table may be served without being recomputed whole.
const MAX_AGE: Duration = Duration::from_secs(60);
/// Tables kept; a department's month is one per meeting type.
const CAPACITY: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
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
    /// The members' availability settings the table was computed with: a booking at one of
    /// its slots rechecks the host's commitments against these.
    pub settings: Arc<AvailabilitySettings>,
}

/// A computed table and what it is exact for.
#[derive(Debug)]
struct Table {
    availability: Arc<Availability>,
    dependencies: Dependencies,
    /// Whether a member counts a weekly limit, which widens what a booking reaches.
    weekly_limits: bool,
    /// The change-log position up to which no change reached it.
    checked: AtomicU64,
    /// When it was last computed whole.
    computed: Instant,
}

/// One computation of a table, shared by everyone who asks while it runs.
type Flight = Arc<OnceCell<Arc<Table>>>;

/// One computation of a part of a table nobody has computed yet (a visitor's day), shared by
/// everyone who asks for that part while it stays exact.
type PartFlight = Arc<OnceCell<Arc<Table>>>;

#[derive(Debug)]
struct Entry {
    flight: Flight,
    /// The table the current flight replaces, still exact where no change reached it: read
    /// there while its successor computes.
    superseded: Option<Arc<Table>>,
    /// The parts computed alone while the first flight runs; forgotten when a flight is
    /// replaced.
    parts: HashMap<Interval, PartFlight>,
    /// When it was last read: the least recent goes first when the cache is full.
    read: Instant,
}

/// What a reader found.
enum Found {
    Valid,
    /// Changes up to the position reached the table: the starts in the interval need
    /// recomputing, or (`None`) all of it.
    Reached(Option<Interval>, u64),
}

#[derive(Debug, Clone)]
pub struct SlotCache {
    entries: Arc<Mutex<HashMap<Key, Entry>>>,
    /// Engine computations running at once: one per core but one, at least one.
    computing: Arc<Semaphore>,
    /// Compare every table served with one computed afresh (a test mode).
    verify: bool,
}

impl Default for SlotCache {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            entries: Arc::default(),
            computing: Arc::new(Semaphore::new(cores.saturating_sub(1).max(1))),
            verify: false,
        }
    }
}

impl SlotCache {
    /// A cache that computes every table it serves afresh as well and fails the request when
    /// the two differ: the staleness tests run the server this way.
    pub fn verifying() -> Self {
        Self {
            verify: true,
            ..Self::default()
        }
    }

    /// The open slots of `meeting` in `department` over `window`, exact for the slots that start
    /// in `needed` as of the latest change this process knew of when asked. A reader whose part
    /// no change reached reads the table at once, even while the days a booking reached are
    /// recomputed; one whose part a change reached waits for a table computed after it, but
    /// not for changes that come while it waits (under a stream of bookings it would wait for
    /// ever).
    pub async fn availability(
        &self,
        store: &Store,
        department: &Slug,
        meeting: &Slug,
        window: Interval,
        needed: Interval,
    ) -> Result<Arc<Availability>, StoreError> {
        let key = Key {
            department: department.clone(),
            meeting: meeting.clone(),
            window,
        };
        // A fresh computation, which verifying compares with, sees every change up to its own.
        let asked = if self.verify {
            LATEST
        } else {
            store.changes().position()
        };
        // Whether this read waited for a computation (a miss) or found its table ready (a hit).
        let mut waited = false;
        loop {
            let (flight, superseded) = self.flight(&key);
            let table = match (flight.get(), superseded) {
                (Some(table), _) => table.clone(),
                // Its successor is being computed: still good for a part no change reached
                // (unless a refresh in the background failed long ago: then compute here).
                (None, Some(old))
                    if exact_in(store, &old, needed, asked)
                        && old.computed.elapsed() < 2 * MAX_AGE =>
                {
                    old
                }
                // Nobody has computed this table yet: a reader who needs a small part of it (a
                // visitor's day of a month) has that part computed alone, while the whole
                // table computes behind it for everyone after.
                (None, None) if is_small_part(needed, window) => {
                    read("miss");
                    let part = self.part(store, &key, needed, asked).await;
                    // After the part, so that the first reader does not share the cores with it.
                    self.compute_in_background(store, &key, &flight);
                    return part;
                }
                // Wait for the successor (or compute it, from the old table where it can).
                (None, old) => {
                    waited = true;
                    flight
                        .get_or_try_init(|| self.compute(store, &key, old))
                        .await?
                        .clone()
                }
            };
            if !exact_in(store, &table, needed, asked) {
                waited = true;
                if let Some(fresh) = self.replace(&key, &flight, &table) {
                    fresh
                        .get_or_try_init(|| self.compute(store, &key, Some(table)))
                        .await?;
                }
                continue;
            }
            if table.computed.elapsed() >= MAX_AGE {
                // The guard against a missed notification: recomputed whole meanwhile.
                self.refresh_in_background(store, &key, &flight, &table);
            }
            read(if waited { "miss" } else { "hit" });
            return if self.verify {
                self.verified(store, &key, &table, needed).await
            } else {
                Ok(table.availability.clone())
            };
        }
    }

    /// `table` if a fresh computation gives the same slots in `needed`.
    async fn verified(
        &self,
        store: &Store,
        key: &Key,
        table: &Table,
        needed: Interval,
    ) -> Result<Arc<Availability>, StoreError> {
        let fresh = self.compute(store, key, None).await?;
        if !fresh
            .availability
            .table
            .agrees_in(&table.availability.table, needed)
        {
            tracing::error!(?key, "a cached slot table differs from a fresh one");
            return Err(StoreError::Corrupt(
                "a cached slot table differs from a fresh computation".into(),
            ));
        }
        Ok(table.availability.clone())
    }

    /// Keeps the tables read in the last minute exact as changes arrive: each change that
    /// reaches one has it recomputed (only the days it reached, when it can) at once. Runs for
    /// the life of the process.
    pub async fn follow_changes(self, store: Store) {
        let mut latest = store.changes().subscribe();
        while latest.changed().await.is_ok() {
            for (key, flight, table) in self.reached_recently_read(&store) {
                let Some(fresh) = self.replace(&key, &flight, &table) else {
                    continue;
                };
                let (cache, store) = (self.clone(), store.clone());
                tokio::spawn(async move {
                    if let Err(error) = fresh
                        .get_or_try_init(|| cache.compute(&store, &key, Some(table)))
                        .await
                    {
                        tracing::warn!(%error, "recomputing a slot table failed");
                    }
                });
            }
        }
    }

    /// Recomputes `key`'s table whole on a task of its own, unless someone already does.
    fn refresh_in_background(&self, store: &Store, key: &Key, stale: &Flight, table: &Arc<Table>) {
        if let Some(fresh) = self.replace(key, stale, table) {
            self.compute_in_background(store, key, &fresh);
        }
    }

    /// Computes `flight`'s table whole on a task of its own (or waits there for whoever
    /// already does).
    fn compute_in_background(&self, store: &Store, key: &Key, flight: &Flight) {
        let (cache, store, key, flight) =
            (self.clone(), store.clone(), key.clone(), flight.clone());
        tokio::spawn(async move {
            if let Err(error) = flight
                .get_or_try_init(|| cache.compute(&store, &key, None))
                .await
            {
                tracing::warn!(%error, "computing a slot table failed");
            }
        });
    }

    /// The current flight for `key` (made when missing, evicting the least recently read
    /// table when full), and the table it supersedes.
    fn flight(&self, key: &Key) -> (Flight, Option<Arc<Table>>) {
        let mut entries = self.lock();
        if let Some(entry) = entries.get_mut(key) {
            entry.read = Instant::now();
            if entry.flight.initialized() && !entry.parts.is_empty() {
                // The whole table answers every part now.
                entry.parts.clear();
            }
            return (entry.flight.clone(), entry.superseded.clone());
        }
        if entries.len() >= CAPACITY
            && let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, e)| e.read)
                .map(|(k, _)| k.clone())
        {
            entries.remove(&oldest);
        }
        let flight = Flight::default();
        entries.insert(
            key.clone(),
            Entry {
                flight: flight.clone(),
                superseded: None,
                parts: HashMap::new(),
                read: Instant::now(),
            },
        );
        (flight, None)
    }

    /// The part `needed` of `key`'s table, computed alone (once for everyone asking while it
    /// stays exact), exact as of the change-log position `asked`.
    async fn part(
        &self,
        store: &Store,
        key: &Key,
        needed: Interval,
        asked: u64,
    ) -> Result<Arc<Availability>, StoreError> {
        loop {
            let flight = self.part_flight(key, needed, None);
            let part = flight
                .get_or_try_init(|| async {
                    let began = Instant::now();
                    let part = self.compute_fresh(store, key, needed).await?;
                    computed("part", began);
                    Ok::<_, StoreError>(Arc::new(part))
                })
                .await?;
            if exact_in(store, part, needed, asked) {
                return Ok(part.availability.clone());
            }
            // A change reached it since: computed again (by whoever replaces it first).
            self.part_flight(key, needed, Some(&flight));
        }
    }

    /// The flight computing the part `needed` of `key`'s table alone (made when missing, or
    /// when it is still `stale`).
    fn part_flight(&self, key: &Key, needed: Interval, stale: Option<&PartFlight>) -> PartFlight {
        let mut entries = self.lock();
        let Some(entry) = entries.get_mut(key) else {
            // Evicted meanwhile: computed for this reader alone.
            return PartFlight::default();
        };
        let flight = entry.parts.entry(needed).or_default();
        if stale.is_some_and(|stale| Arc::ptr_eq(stale, flight)) {
            *flight = PartFlight::default();
        }
        flight.clone()
    }

    /// Starts a new flight for `key` to succeed `table` if `stale` (the flight that computed
    /// it) is still the current one, and returns it.
    fn replace(&self, key: &Key, stale: &Flight, table: &Arc<Table>) -> Option<Flight> {
        let mut entries = self.lock();
        match entries.get_mut(key) {
            Some(entry) if Arc::ptr_eq(&entry.flight, stale) && stale.get().is_some() => {
                entry.flight = Flight::default();
                entry.superseded = Some(table.clone());
                entry.parts.clear();
                Some(entry.flight.clone())
            }
            _ => None,
        }
    }

    /// The computed tables read within [`MAX_AGE`] that a change since their check reached.
    fn reached_recently_read(&self, store: &Store) -> Vec<(Key, Flight, Arc<Table>)> {
        let entries = self.lock();
        entries
            .iter()
            .filter(|(_, entry)| entry.read.elapsed() < MAX_AGE)
            .filter_map(|(key, entry)| {
                let table = entry.flight.get()?.clone();
                match found(store, &table, LATEST) {
                    Found::Valid => None,
                    Found::Reached(..) => Some((key.clone(), entry.flight.clone(), table)),
                }
            })
            .collect()
    }

    /// Computes `key`'s table: the `previous` table with the part changes since reached
    /// recomputed, or the whole table.
    async fn compute(
        &self,
        store: &Store,
        key: &Key,
        previous: Option<Arc<Table>>,
    ) -> Result<Arc<Table>, StoreError> {
        let partial = previous
            .filter(|previous| previous.computed.elapsed() < MAX_AGE)
            .and_then(|previous| match found(store, &previous, LATEST) {
                Found::Reached(Some(part), position) => Some((previous, part, position)),
                Found::Valid | Found::Reached(None, _) => None,
            });
        let began = Instant::now();
        if let Some((previous, part, position)) = partial {
            let old = &previous.availability;
            let loaded = store
                .slot_schedule(&old.department, old.meeting_type.duration, part)
                .await?;
            let spec = MeetingSpec::of(&old.meeting_type);
            let fresh = self.run_engine(loaded.schedule, spec, part).await;
            if let Some(table) = old.table.spliced(part, &fresh) {
                computed("splice", began);
                return Ok(Arc::new(Table {
                    availability: Arc::new(Availability {
                        department: old.department.clone(),
                        meeting_type: old.meeting_type.clone(),
                        window: old.window,
                        table,
                        settings: old.settings.clone(),
                    }),
                    dependencies: previous.dependencies.clone(),
                    weekly_limits: previous.weekly_limits,
                    checked: AtomicU64::new(position),
                    computed: previous.computed,
                }));
            }
        }
        let table = self.compute_fresh(store, key, key.window).await?;
        computed("whole", began);
        Ok(Arc::new(table))
    }

    /// The table of `key`'s meeting type over `window` (all of `key`'s or a part of it),
    /// computed from what the store holds now.
    async fn compute_fresh(
        &self,
        store: &Store,
        key: &Key,
        window: Interval,
    ) -> Result<Table, StoreError> {
        // Read before loading: a change committed meanwhile is found by the next reader.
        let position = store.changes().position();
        let (department, meeting_type) = store
            .public_meeting_type(&key.department, &key.meeting)
            .await?;
        let loaded = store
            .slot_schedule(&department, meeting_type.duration, window)
            .await?;
        let spec = MeetingSpec::of(&meeting_type);
        let table = self.run_engine(loaded.schedule, spec, window).await;
        Ok(Table {
            availability: Arc::new(Availability {
                department,
                meeting_type,
                window,
                table,
                settings: Arc::new(loaded.settings),
            }),
            dependencies: loaded.dependencies,
            weekly_limits: loaded.weekly_limits,
            checked: AtomicU64::new(position),
            computed: Instant::now(),
        })
    }

    async fn run_engine(
        &self,
        schedule: Schedule,
        spec: MeetingSpec,
        window: Interval,
    ) -> SlotTable {
        // `Err` only for a closed semaphore, which this one never is.
        let _turn = self.computing.acquire().await.ok();
        match tokio::task::spawn_blocking(move || schedule.open_slots(&spec, window)).await {
            Ok(table) => table,
            Err(failed) => std::panic::resume_unwind(failed.into_panic()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Entry>> {
        // Entries stay consistent whatever panicked while holding the lock.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Counts a read for `/metrics`: a `hit` found its table ready, a `miss` waited for one.
fn read(result: &'static str) {
    metrics::counter!("mm_slot_table_reads_total", "result" => result).increment(1);
}

/// Records for `/metrics` how long a computation of `kind` took since `began`.
fn computed(kind: &'static str, began: Instant) {
    metrics::histogram!("mm_slot_table_compute_seconds", "kind" => kind)
        .record(began.elapsed().as_secs_f64());
}

/// Whether a reader who needs the slots in `needed` is better served by computing those alone
/// than by waiting for the whole `window`: a day of a month, a moment of it.
fn is_small_part(needed: Interval, window: Interval) -> bool {
    window.contains(needed) && needed.length() * 4 <= window.length()
}

/// Whether `table` holds exactly the slots that start in `needed` as of the change-log position
/// `asked`.
fn exact_in(store: &Store, table: &Table, needed: Interval, asked: u64) -> bool {
    match found(store, table, asked) {
        Found::Valid => true,
        Found::Reached(Some(part), _) => !part.overlaps(needed),
        Found::Reached(None, _) => false,
    }
}

/// The change-log position of whatever change is latest.
const LATEST: u64 = u64::MAX;

/// Whether `table` is still exact as of the change-log position `asked` (or [`LATEST`]), and
/// if not, which part of it a change reached.
fn found(store: &Store, table: &Table, asked: u64) -> Found {
    let checked = table.checked.load(Ordering::Acquire);
    let (touches, position) = store
        .changes()
        .reaching_between(checked, asked, &table.dependencies);
    let Some(touches) = touches else {
        return Found::Reached(None, position);
    };
    if touches.is_empty() {
        table.checked.fetch_max(position, Ordering::AcqRel);
        return Found::Valid;
    }
    let availability = &table.availability;
    let mut part: Option<Interval> = None;
    for touch in &touches {
        // A touch of all of someone's time (hours, rules, settings) needs everything again.
        let Some(span) = touch.span() else {
            return Found::Reached(None, position);
        };
        let reached = Schedule::starts_reached_by(
            availability.department.timezone,
            span,
            availability.meeting_type.duration,
            table.weekly_limits,
        );
        let Some(reached) = reached.intersection(availability.window) else {
            continue;
        };
        part = Some(part.map_or(reached, |part| part.hull(reached)));
    }
    match part {
        // The changes reached what the table read, but no start it holds.
        None => {
            table.checked.fetch_max(position, Ordering::AcqRel);
            Found::Valid
        }
        Some(part) => Found::Reached(Some(part), position),
    }
}
