//! Persistence for Meeting Manager: SeaORM entities for every table and repository functions,
//! grouped by aggregate, that take and return domain types.
//!
//! Only this crate knows SQL. Entities never leave it. It runs on SQLite (the embedded default:
//! one file, WAL, one writer) and PostgreSQL (production, several server processes) alike; every
//! multi-row change is one transaction. It must not know HTTP or read the clock: callers pass `now`.

mod api_keys;
mod availability;
mod bookings;
mod calendar;
pub mod changes;
mod departments;
pub mod entity;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
mod funnel;
mod integrations;
mod limits;
mod meeting_types;
mod outbox;
mod scheduling;
#[cfg(test)]
mod test_stores;
mod users;
mod webhooks;

use std::{sync::Arc, time::Duration};

use mm_domain::booking::TransitionError;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqlErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use uuid::Uuid;

pub use bookings::calendar_push::{
    CalendarPush, PlacedEvent, PushCalendar, PushedEvent, SeriesEvent, SeriesPush, VideoMeeting,
};
pub use bookings::{
    Acting, Actor, Announcement, Attending, AuditAction, BookingFilter, BookingKey, CustomerData,
    CustomerDetails, ERASED_NAME, EarlierRequest, Erasure, LinkHashes, Move, MovePolicy,
    NewBooking, PendingNotice, Permit, Placement, Transaction,
};
use changes::{Change, ChangeLog};

pub use calendar::{BusyBlock, CalendarBooking, CalendarData, ColumnData};
pub use funnel::FunnelKey;
pub use integrations::{
    Consent, Integration, NewIcalIntegration, NewOAuthIntegration, OAuthStart, SealedTokens,
    SyncBatch, SyncJob, SyncOutcome,
};
pub use limits::Hit;
pub use outbox::{Backlog, EMAIL as EMAIL_CHANNEL, OutboxEmail, SMS as SMS_CHANNEL};
pub use scheduling::{AvailabilitySettings, SlotSchedule};
pub use users::{EndSessions, NewUser};
pub use webhooks::{Attempt, BookingPayload, ClaimedDelivery, Delivery, Disabled};

/// One error type for the persistence layer; the server maps it to the contract's statuses.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A unique value is already taken: `field` names the input field at fault.
    #[error("{field}: {message}")]
    Conflict { field: String, message: String },
    /// The row is still referenced and cannot be deleted.
    #[error("{0}")]
    InUse(String),
    /// The person acting may not make this change (checked on what the transaction locked).
    #[error("{0}")]
    NotAllowed(String),
    /// The booking's state does not allow the action.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A stored value no longer parses as its domain type (a bug or a hand-edited database).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl StoreError {
    /// Whether the database could not be reached — down, restarting, or no connection free in
    /// time — rather than refusing the statement: the same request may succeed shortly. (A
    /// commit whose answer was lost may have happened; a retry with the same Idempotency-Key
    /// finds it.)
    pub fn is_unreachable(&self) -> bool {
        use sea_orm::{RuntimeErr, sqlx::Error as Sqlx};
        let Self::Db(error) = self else {
            return false;
        };
        let sqlx = match error {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
            DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
            _ => return false,
        };
        match sqlx.as_ref() {
            Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed => true,
            // SQLSTATE class 08 (connection exception), 57P (the server is shutting down).
            Sqlx::Database(e) => e
                .code()
                .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
            _ => false,
        }
    }

    fn conflict(field: &str, message: &str) -> Self {
        Self::Conflict {
            field: field.to_owned(),
            message: message.to_owned(),
        }
    }

    /// Whether the change failed on a unique index: another transaction wrote the same thing
    /// first.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Self::Db(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))))
    }

    /// Maps a unique-constraint violation to a conflict on `field`; other errors pass through.
    fn unique_as(field: &'static str, message: &'static str) -> impl FnOnce(DbErr) -> Self {
        move |err| match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::conflict(field, message),
            _ => Self::Db(err),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

fn json_of(change: &Change) -> String {
    // A change is ids, instants and names: always serialisable.
    serde_json::to_string(change).unwrap_or_else(|_| r#"[{"kind":"everything"}]"#.to_owned())
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// A handle on the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    /// Where changes are written. SQLite: one connection of its own, so that writers queue for it
    /// first come, first served, instead of polling the file's lock with sleeps while readers
    /// go on through `db`. PostgreSQL: the same pool as `db`.
    writer: DatabaseConnection,
    /// Committed changes that can alter someone's free time, so that readers can keep derived
    /// data (the slot cache) until a change reaches it. Other processes' changes arrive through
    /// [`Store::follow_other_processes`].
    changes: Arc<ChangeLog>,
    /// Names this process in its change notifications, so that it does not count its own twice.
    origin: Uuid,
    /// Writes the booking in a webhook's body.
    pub(crate) booking_payload: BookingPayload,
}

/// The PostgreSQL channel on which every committed change is announced, as the announcing
/// process's origin, a space, and the [`Change`] as JSON.
const CHANGES_CHANNEL: &str = "mm_changes";
/// PostgreSQL refuses notification payloads from 8000 bytes; a larger change is announced as
/// "everything".
const LONGEST_ANNOUNCEMENT: usize = 7900;
/// Rows a SQLite connection may run ahead of its reader (sqlx buffers 50).
const ROW_BUFFER: usize = 4096;

impl Store {
    /// Connects to `sqlite://…` (the file is created when missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self> {
        let mut options = ConnectOptions::new(url.to_owned());
        // Every statement is a `sqlx::query` event at TRACE: silent unless the log filter asks
        // (`MM_LOG=info,sqlx::query=trace`, as `scripts/count-queries.sh` does).
        options
            .sqlx_logging(true)
            .sqlx_logging_level(log::LevelFilter::Trace)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30))
            .map_sqlx_sqlite_opts(|o| {
                use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
                // WAL lets readers run beside the one writer; writers wait instead of failing.
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(30))
                    .foreign_keys(true)
                    // Rows cross from the connection's thread to the reader one by one: a deep
                    // buffer lets a month's thousands of rows stream without a thread switch each.
                    .row_buffer_size(ROW_BUFFER)
            });
        let sqlite = url.starts_with("sqlite:");
        options.max_connections(if sqlite { 8 } else { 16 });
        let db = Database::connect(options.clone()).await?;
        // An in-memory database is private to its connection: it must read where it writes.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let writer = if sqlite && !in_memory {
            options.max_connections(1).min_connections(1);
            Database::connect(options).await?
        } else {
            db.clone()
        };
        Ok(Self {
            db,
            writer,
            changes: Arc::default(),
            origin: Uuid::new_v4(),
            booking_payload: webhooks::essentials,
        })
    }

    /// This store, writing the booking in webhook bodies with `payload`.
    pub fn with_booking_payload(mut self, payload: BookingPayload) -> Self {
        self.booking_payload = payload;
        self
    }

    /// The changes committed in this process or (on PostgreSQL, while
    /// [`Store::follow_other_processes`] runs) in another one.
    pub fn changes(&self) -> &ChangeLog {
        &self.changes
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails when another
    /// writer committed in between, while an immediate one waits its turn.
    async fn begin(&self) -> Result<DatabaseTransaction> {
        Ok(self
            .writer
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?)
    }

    /// Commits a transaction and announces what it touched: to this process at once, to other
    /// processes through a PostgreSQL notification (delivered only if the transaction commits),
    /// signed with this process's origin so that its own listener skips it. A change that
    /// touched nobody's time is not announced.
    async fn commit(&self, txn: DatabaseTransaction, change: Change) -> Result<()> {
        if !change.is_empty() && txn.get_database_backend() == DbBackend::Postgres {
            let mut payload = format!("{} {}", self.origin, json_of(&change));
            if payload.len() > LONGEST_ANNOUNCEMENT {
                payload = format!("{} {}", self.origin, json_of(&Change::everything()));
            }
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANGES_CHANNEL.into(), payload.into()],
            ))
            .await?;
        }
        txn.commit().await?;
        self.changes.record(change);
        Ok(())
    }

    /// On PostgreSQL, listens for changes committed by other server processes and logs each
    /// (this process's own were logged when they committed), reconnecting when the connection
    /// drops; whenever a change may have been missed (on connecting, on a dropped connection, on
    /// a payload it cannot read) it logs that everything changed. Returns at once on SQLite,
    /// which has one process.
    pub async fn follow_other_processes(&self) {
        if self.db.get_database_backend() != DbBackend::Postgres {
            return;
        }
        use sea_orm::sqlx::postgres::PgListener;
        let pool = self.db.get_postgres_connection_pool();
        loop {
            match PgListener::connect_with(pool).await {
                Ok(mut listener) => match listener.listen(CHANGES_CHANNEL).await {
                    Ok(()) => {
                        self.changes.record(Change::everything());
                        // `Ok(None)`: the connection dropped and will be re-established.
                        let own = self.origin.to_string();
                        while let Ok(notification) = listener.try_recv().await {
                            match notification {
                                Some(notification) => {
                                    let (origin, change) =
                                        notification.payload().split_once(' ').unwrap_or_default();
                                    if origin != own {
                                        self.changes.record(
                                            serde_json::from_str(change)
                                                .unwrap_or_else(|_| Change::everything()),
                                        );
                                    }
                                }
                                None => {
                                    self.changes.record(Change::everything());
                                    tracing::warn!(
                                        "change notifications interrupted; reconnecting"
                                    );
                                }
                            }
                        }
                    }
                    Err(error) => tracing::warn!(%error, "cannot listen for changes"),
                },
                Err(error) => tracing::warn!(%error, "cannot connect to listen for changes"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// Tells whether this process may run beside the others on this database: processes with
    /// a secret of their own sign tokens and links nobody else accepts, so one without
    /// `MM_JWT_SECRET` must be alone, and none without one may join others. On PostgreSQL this
    /// holds an advisory lock (exclusive without a secret, shared with one) on a connection kept
    /// for the life of the process; `Ok(None)` when the lock is taken the other way. SQLite, the
    /// embedded database, serves one process and needs no lock.
    pub async fn claim_secret_mode(&self, has_secret: bool) -> Result<Option<ProcessLock>> {
        if self.db.get_database_backend() != DbBackend::Postgres {
            return Ok(Some(ProcessLock { _connection: None }));
        }
        // An arbitrary constant naming this lock among the database's advisory locks.
        const KEY: i64 = 0x6d6d_5f73_6563_7274;
        let mut connection = self
            .db
            .get_postgres_connection_pool()
            .acquire()
            .await
            .map_err(|e| StoreError::Db(DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into()))))?;
        let sql = if has_secret {
            "SELECT pg_try_advisory_lock_shared($1)"
        } else {
            "SELECT pg_try_advisory_lock($1)"
        };
        let locked: bool = sea_orm::sqlx::query_scalar(sql)
            .bind(KEY)
            .fetch_one(&mut *connection)
            .await
            .map_err(|e| StoreError::Db(DbErr::Query(sea_orm::RuntimeErr::SqlxError(e.into()))))?;
        Ok(locked.then(|| ProcessLock {
            _connection: Some(connection.detach()),
        }))
    }

    /// Brings the schema up to date; safe to call at every start.
    pub async fn migrate(&self) -> Result<()> {
        use mm_migrations::MigratorTrait;
        mm_migrations::Migrator::up(&self.db, None).await?;
        Ok(())
    }

    /// Whether the database answers a query.
    pub async fn ping(&self) -> Result<()> {
        self.db.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    pub fn backend(&self) -> &'static str {
        match self.db.get_database_backend() {
            DbBackend::Postgres => "postgres",
            DbBackend::Sqlite => "sqlite",
            _ => "other",
        }
    }

    /// Writes a consistent copy of this SQLite database to `path`, which must not exist, while
    /// others go on reading and writing: `VACUUM INTO` copies one read transaction's snapshot,
    /// so every change committed before it began is in the copy and none half-done is.
    pub async fn back_up_into(&self, path: &std::path::Path) -> Result<()> {
        self.db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "VACUUM INTO ?",
                [path.display().to_string().into()],
            ))
            .await?;
        Ok(())
    }

    /// Opens the SQLite file at `path` read-only, as it is (no journal mode set, nothing
    /// written beside it), and tells what `PRAGMA integrity_check` finds there (`ok`, or the
    /// problems it lists) and how many schema migrations it has run (none in a database that is
    /// not Meeting Manager's).
    pub async fn inspect_sqlite_file(path: &std::path::Path) -> Result<(String, u64)> {
        use sea_orm::sqlx::{
            self, ConnectOptions as _, Connection as _, sqlite::SqliteConnectOptions,
        };
        let failed =
            |e: sqlx::Error| StoreError::Db(DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())));
        let mut connection = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .connect()
            .await
            .map_err(failed)?;
        let found: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut connection)
            .await
            .map_err(failed)?;
        let tables: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'seaql_migrations'",
        )
        .fetch_one(&mut connection)
        .await
        .map_err(failed)?;
        let migrations: i64 = if tables == 0 {
            0
        } else {
            sqlx::query_scalar("SELECT COUNT(*) FROM seaql_migrations")
                .fetch_one(&mut connection)
                .await
                .map_err(failed)?
        };
        connection.close().await.map_err(failed)?;
        Ok((found.join("; "), u64::try_from(migrations).unwrap_or(0)))
    }
}

/// A lock held for as long as this value lives (see [`Store::claim_secret_mode`]).
#[derive(Debug)]
pub struct ProcessLock {
    /// The connection whose session holds the lock; SQLite holds none.
    _connection: Option<sea_orm::sqlx::PgConnection>,
}

/// Pagination as the contract has it: 1-based pages.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub page: u64,
    pub per_page: u64,
}

impl Page {
    /// Rows to skip; beyond what SQL's signed 64-bit `OFFSET` holds, a page is simply empty.
    fn offset(self) -> u64 {
        self.page
            .saturating_sub(1)
            .saturating_mul(self.per_page)
            .min(i64::MAX as u64)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use chrono::{TimeZone, Utc};
    use mm_domain::Interval;
    use uuid::Uuid;

    use crate::{
        changes::{Change, Dependencies, Touch},
        test_stores::{postgres_url, stores},
    };

    /// Waits (at most ten seconds) until `done` holds.
    async fn until(done: impl Fn() -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done() {
            if Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }

    fn touches_anna() -> (Change, Dependencies) {
        let anna = Uuid::from_u128(10);
        let day = Interval::starting_at(
            Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap(),
            mm_domain::Minutes::duration(60).unwrap(),
        );
        let deps = Dependencies {
            department: Uuid::from_u128(1),
            people: [anna].into(),
            span: day,
        };
        (Change::new([Touch::person_during(anna, day)]), deps)
    }

    #[tokio::test]
    async fn only_a_change_that_touched_someones_time_is_logged() {
        for store in stores().await {
            let before = store.changes().position();
            store.transaction().await.unwrap().commit().await.unwrap();
            assert_eq!(
                store.changes().position(),
                before,
                "an empty change is none"
            );
            let tx = store.transaction().await.unwrap();
            tx.touch(touches_anna().0);
            tx.commit_quietly().await.unwrap();
            assert_eq!(
                store.changes().position(),
                before,
                "a quiet commit logs nothing"
            );
            let tx = store.transaction().await.unwrap();
            tx.touch(touches_anna().0);
            tx.commit().await.unwrap();
            assert_eq!(
                store.changes().position(),
                before + 1,
                "a commit logs its change"
            );
        }
    }

    /// Two processes on one PostgreSQL database: each learns the other's change, with its scope,
    /// once, and its own once (when it commits), not a second time when its own notification
    /// comes back.
    #[tokio::test]
    async fn a_process_learns_another_processs_change_with_its_scope_and_its_own_once() {
        let Some(url) = postgres_url().await else {
            return;
        };
        let (one, other) = (
            crate::Store::connect(&url).await.unwrap(),
            crate::Store::connect(&url).await.unwrap(),
        );
        for process in [&one, &other] {
            let listening = process.clone();
            let start = process.changes().position();
            tokio::spawn(async move { listening.follow_other_processes().await });
            // A follower logs "everything" when it starts listening: it may have missed some.
            assert!(
                until(|| process.changes().position() > start).await,
                "never listened"
            );
        }
        let (change, anna) = touches_anna();
        let mut elsewhere = anna.clone();
        elsewhere.people = [Uuid::from_u128(11)].into();
        let (mine, theirs) = (one.changes().position(), other.changes().position());
        let tx = one.transaction().await.unwrap();
        tx.touch(change);
        tx.commit().await.unwrap();
        assert_eq!(one.changes().position(), mine + 1);
        assert!(
            until(|| other.changes().position() > theirs).await,
            "the other process never heard of the change"
        );
        assert_eq!(other.changes().position(), theirs + 1);
        assert!(other.changes().reached_since(theirs, &anna).0);
        assert!(
            !other.changes().reached_since(theirs, &elsewhere).0,
            "the scope travelled with the change"
        );
        // Both listeners got the notification at once; give this one time to miscount.
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            one.changes().position(),
            mine + 1,
            "its own notification logged again"
        );
    }
}
