//! Recurring series: the row that keeps a series' rule. Its meetings are ordinary bookings that
//! name it, written and changed like any other.

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval, TimeZone,
    booking::{Booking, BookingStatus},
    notification::SeriesFacts,
    recurrence::{Recurrence, Series},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use super::{BookingKey, Transaction, read};
use crate::{
    Result, Store, StoreError, corrupt,
    entity::{Word, booking_series, bookings},
};

impl Transaction<'_> {
    /// The booking `key` names and, if it is a meeting of a series, the other meetings of it by
    /// index: all locked until the transaction ends (PostgreSQL; SQLite's one writer holds them
    /// all). A series' meetings are always locked together and in index order, so two changes
    /// to one series wait for each other instead of each holding a meeting the other needs.
    pub async fn lock_with_series(
        &self,
        key: &BookingKey,
        now: DateTime<Utc>,
    ) -> Result<(Booking, Vec<Booking>)> {
        let named = read::find_row(&self.txn, key, now).await?;
        let Some(series_id) = named.series_id else {
            return Ok((
                self.lock_booking(&BookingKey::Id(named.id), now).await?,
                Vec::new(),
            ));
        };
        let mut query = bookings::Entity::find()
            .filter(bookings::Column::SeriesId.eq(series_id))
            .order_by_asc(bookings::Column::SeriesIndex);
        if self.txn.get_database_backend() == DbBackend::Postgres {
            query = query.lock_exclusive();
        }
        let mut meetings = read::assemble_all(&self.txn, query.all(&self.txn).await?).await?;
        let at = meetings
            .iter()
            .position(|m| m.id == named.id)
            .ok_or(StoreError::NotFound("booking"))?;
        let named = meetings.remove(at);
        Ok((named, meetings))
    }

    /// Raises the sequence of series `id`'s invite: a change to the series as a whole follows.
    pub async fn bump_series_sequence(&self, id: Uuid) -> Result<()> {
        booking_series::Entity::update_many()
            .col_expr(
                booking_series::Column::IcsSequence,
                Expr::col(booking_series::Column::IcsSequence).add(1),
            )
            .filter(booking_series::Column::Id.eq(id))
            .exec(&self.txn)
            .await?;
        Ok(())
    }

    /// Writes a series' rule, before the meetings that name it.
    pub async fn insert_series(&self, series: &Series, now: DateTime<Utc>) -> Result<()> {
        booking_series::ActiveModel {
            id: Set(series.id),
            frequency: Set(Word(series.recurrence.frequency())),
            meeting_count: Set(i32::from(series.recurrence.count())),
            timezone: Set(series.zone.name().to_owned()),
            first_start_utc: Set(series.first_start),
            ics_sequence: Set(i32::try_from(series.ics_sequence).unwrap_or(i32::MAX)),
            created_utc: Set(now),
            calendar_integration_id: Set(None),
            external_event_id: Set(None),
        }
        .insert(&self.txn)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The series `id`.
    pub async fn series(&self, id: Uuid) -> Result<Series> {
        load_series(&self.db, id).await
    }

    /// Series `id` with the meetings that take place and the starts of its rule that have none.
    pub async fn series_facts(&self, id: Uuid) -> Result<SeriesFacts> {
        series_facts(&self.db, id).await
    }
}

pub(crate) async fn load_series(db: &impl ConnectionTrait, id: Uuid) -> Result<Series> {
    let row = booking_series::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("series"))?;
    series_of(row)
}

/// The series a `booking_series` row keeps.
pub(crate) fn series_of(row: booking_series::Model) -> Result<Series> {
    Ok(Series {
        id: row.id,
        recurrence: Recurrence::new(
            row.frequency.0,
            i64::from(row.meeting_count),
            Recurrence::MAX_COUNT,
        )
        .map_err(corrupt)?,
        zone: TimeZone::parse(&row.timezone).map_err(corrupt)?,
        first_start: row.first_start_utc,
        ics_sequence: u32::try_from(row.ics_sequence).map_err(corrupt)?,
    })
}

/// A meeting of a series as its messages read it: index, start, end, status.
type MeetingRow = (i32, DateTime<Utc>, DateTime<Utc>, Word<BookingStatus>);

/// Series `id` with the meetings that take place and the starts of its rule that have none.
pub(crate) async fn series_facts(db: &impl ConnectionTrait, id: Uuid) -> Result<SeriesFacts> {
    let series = load_series(db, id).await?;
    let meetings: Vec<MeetingRow> = bookings::Entity::find()
        .select_only()
        .column(bookings::Column::SeriesIndex)
        .column(bookings::Column::StartUtc)
        .column(bookings::Column::EndUtc)
        .column(bookings::Column::Status)
        .filter(bookings::Column::SeriesId.eq(id))
        .order_by_asc(bookings::Column::SeriesIndex)
        .into_tuple()
        .all(db)
        .await?;
    let mut held = Vec::new();
    for (index, start, end, status) in meetings {
        if status.0.holds_time() {
            let index = u16::try_from(index).map_err(corrupt)?;
            held.push((index, Interval::new(start, end).map_err(corrupt)?));
        }
    }
    held.sort_by_key(|(_, span)| span.start());
    let excluded = series
        .starts()
        .into_iter()
        .zip(1..)
        .filter(|(_, index)| !held.iter().any(|(held, _)| held == index))
        .map(|(start, _)| start)
        .collect();
    Ok(SeriesFacts {
        series,
        held,
        excluded,
    })
}
