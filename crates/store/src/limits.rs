//! Rate limits counted in the database, so that every server process sees the same counts: a
//! hit is one counted event of a subject (an account, a client network) in a bucket (what is
//! counted). Taking a hit checks and records it in one transaction that serialises on the
//! subject, so concurrent requests can never overshoot a limit.

use chrono::{DateTime, Duration, Utc};
use mm_domain::limits::RateLimit;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use uuid::Uuid;

use crate::{Result, Store, entity::rate_limit_hits};

/// One recorded hit, which a caller may take back (a sign-in that turned out right).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit(Uuid);

/// How long hits are kept: longer than any window a limit counts.
const KEEP: Duration = Duration::days(1);

impl Store {
    /// Whether `subject` may have one more hit in `bucket` under `limit` at `now`, without
    /// recording one; `Err` says how long until it may.
    pub async fn limit_left(
        &self,
        bucket: &str,
        subject: &str,
        limit: RateLimit,
        now: DateTime<Utc>,
    ) -> Result<Result<(), Duration>> {
        count_and_check(&self.db, bucket, subject, limit, now).await
    }

    /// Records a hit of `subject` in `bucket` if `limit` allows one more at `now`; `Err` says
    /// how long until it does.
    pub async fn take_hit(
        &self,
        bucket: &str,
        subject: &str,
        limit: RateLimit,
        now: DateTime<Utc>,
    ) -> Result<Result<Hit, Duration>> {
        let txn = self.begin().await?;
        if txn.get_database_backend() == DbBackend::Postgres {
            // SQLite's write lock already serialises; PostgreSQL serialises per subject.
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                [format!("{bucket}\u{1f}{subject}").into()],
            ))
            .await?;
        }
        if let Err(wait) = count_and_check(&txn, bucket, subject, limit, now).await? {
            return Ok(Err(wait));
        }
        let id = Uuid::new_v4();
        rate_limit_hits::ActiveModel {
            id: Set(id),
            bucket: Set(bucket.to_owned()),
            subject: Set(subject.to_owned()),
            hit_utc: Set(now),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(Ok(Hit(id)))
    }

    /// Takes a hit back.
    pub async fn release_hit(&self, hit: Hit) -> Result<()> {
        rate_limit_hits::Entity::delete_by_id(hit.0)
            .exec(&self.writer)
            .await?;
        Ok(())
    }

    /// Forgets every hit of `subject` in `bucket` (a successful sign-in clears its account).
    pub async fn forget_hits(&self, bucket: &str, subject: &str) -> Result<()> {
        rate_limit_hits::Entity::delete_many()
            .filter(rate_limit_hits::Column::Bucket.eq(bucket))
            .filter(rate_limit_hits::Column::Subject.eq(subject))
            .exec(&self.writer)
            .await?;
        Ok(())
    }

    /// Drops hits no limit counts any more.
    pub async fn sweep_hits(&self, now: DateTime<Utc>) -> Result<u64> {
        let done = rate_limit_hits::Entity::delete_many()
            .filter(rate_limit_hits::Column::HitUtc.lt(now - KEEP))
            .exec(&self.writer)
            .await?;
        Ok(done.rows_affected)
    }
}

async fn count_and_check(
    db: &impl ConnectionTrait,
    bucket: &str,
    subject: &str,
    limit: RateLimit,
    now: DateTime<Utc>,
) -> Result<Result<(), Duration>> {
    if limit.max == 0 {
        return Ok(Ok(()));
    }
    let in_window = || {
        rate_limit_hits::Entity::find()
            .filter(rate_limit_hits::Column::Bucket.eq(bucket))
            .filter(rate_limit_hits::Column::Subject.eq(subject))
            .filter(rate_limit_hits::Column::HitUtc.gt(limit.since(now)))
    };
    let count = in_window().count(db).await?;
    if count < u64::from(limit.max) {
        return Ok(Ok(()));
    }
    // The hit that leaves the window first, among the newest `max`: once it has, one more fits.
    let oldest_counted = in_window()
        .order_by_desc(rate_limit_hits::Column::HitUtc)
        .offset(u64::from(limit.max) - 1)
        .limit(1)
        .select_only()
        .column(rate_limit_hits::Column::HitUtc)
        .into_tuple::<DateTime<Utc>>()
        .one(db)
        .await?;
    Ok(limit.check(count, oldest_counted, now))
}
