//! Persistence for Meeting Manager: SeaORM entities for every table and repository functions,
//! grouped by aggregate, that take and return domain types.
//!
//! Only this crate knows SQL. Entities never leave it. It runs on SQLite (the embedded default:
//! one file, WAL, one writer) and PostgreSQL (production, several server processes) alike; every
//! multi-row change is one transaction. It must not know HTTP or read the clock: callers pass `now`.

mod availability;
mod departments;
pub mod entity;
mod meeting_types;
mod users;

use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, SqlErr,
};

pub use users::NewUser;

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
    /// A stored value no longer parses as its domain type (a bug or a hand-edited database).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl StoreError {
    fn conflict(field: &str, message: &str) -> Self {
        Self::Conflict {
            field: field.to_owned(),
            message: message.to_owned(),
        }
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

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// A handle on the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
}

impl Store {
    /// Connects to `sqlite://…` (the file is created when missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
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
            });
        if url.starts_with("sqlite:") {
            options.max_connections(8);
        } else {
            options.max_connections(16);
        }
        let db = Database::connect(options).await?;
        Ok(Self { db })
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
}

/// Pagination as the contract has it: 1-based pages.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub page: u64,
    pub per_page: u64,
}

impl Page {
    fn offset(self) -> u64 {
        self.page.saturating_sub(1).saturating_mul(self.per_page)
    }
}
