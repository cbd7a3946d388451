//! Writing bookings into their hosts' connected calendars. A booking needs a write when it
//! changed (`updated_utc`) after the version its host's calendar last reflected
//! (`calendar_pushed_utc`) and either its host has a two-way calendar or a calendar still holds
//! its event, or it has a meeting at a video provider (Zoom). Writes are claimed like outbox emails, so several processes never write the same
//! booking at once, and a failed write is retried later without holding up the others.
//!
//! A series is one recurring event in its host's calendar, its meetings that event's occurrences:
//! the meetings of one series are written one at a time, so the recurring event is made once.

use chrono::{DateTime, Duration, Utc};
use mm_domain::{
    booking::BookingStatus,
    external_calendar::{IntegrationKind, SyncDirection},
    meeting_type::VideoPlatform,
    recurrence::Series,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query},
};
use uuid::Uuid;

use super::Transaction;
use crate::{
    Result, SealedTokens, Store,
    bookings::series::series_of,
    corrupt,
    entity::{Word, booking_series, bookings, calendar_integrations},
};

/// A connected calendar a write goes to, with what it takes to call its provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushCalendar {
    pub integration_id: Uuid,
    pub kind: IntegrationKind,
    pub calendar_id: String,
    pub tokens: SealedTokens,
}

/// A claimed write: the booking as of `version`, where its event is now, and where it belongs.
#[derive(Debug, Clone)]
pub struct CalendarPush {
    pub booking_id: Uuid,
    /// The booking's `updated_utc` when claimed; the write reflects this version.
    pub version: DateTime<Utc>,
    /// The calendar holding the booking's event, and the event's id there.
    pub holder: Option<(PushCalendar, String)>,
    /// The host's two-way calendar, if they have one.
    pub target: Option<PushCalendar>,
    /// The booking's meeting at the video provider, if one was made.
    pub video_meeting_id: Option<String>,
    /// The booking is a meeting of this series.
    pub series: Option<SeriesPush>,
}

/// What a write of a meeting of a series needs to know of the series.
#[derive(Debug, Clone)]
pub struct SeriesPush {
    pub series: Series,
    /// The meeting's place in the series (1 for the first).
    pub index: u16,
    /// The series' recurring event: the calendar holding it, and its id there.
    pub event: Option<(PushCalendar, String)>,
    /// The booking's own event (`holder`) is its occurrence of the recurring event.
    pub holds_occurrence: bool,
    /// Another meeting of the series belongs in the recurring event: it takes place, and its
    /// host writes to the calendar holding the event.
    pub others_in_event: bool,
    /// The places of the rule whose occurrence no meeting of this booking's host fills: dates
    /// skipped when the series was booked, meetings cancelled or given to another member.
    pub outside: Vec<u16>,
}

/// What a write left in the calendars.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushedEvent {
    /// `None`: no calendar holds an event of the booking any more.
    pub placed: Option<PlacedEvent>,
    /// A video link made for the booking (Zoom, or Meet and Teams with the event).
    pub meeting_link: Option<String>,
    /// The booking's meeting at the video provider now.
    pub video_meeting: VideoMeeting,
    pub series_event: SeriesEvent,
}

/// What a write did to the booking's video meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum VideoMeeting {
    #[default]
    Unchanged,
    Made(String),
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedEvent {
    pub integration_id: Uuid,
    pub event_id: String,
    pub web_link: Option<String>,
    /// The event is the booking's occurrence of its series' recurring event.
    pub occurrence: bool,
}

/// What a write did to the recurring event of the booking's series.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SeriesEvent {
    #[default]
    Unchanged,
    /// Made in the calendar `integration_id` as `event_id`.
    Made {
        integration_id: Uuid,
        event_id: String,
    },
    /// Deleted: no meeting of the series belongs in it any more.
    Deleted,
}

/// Bookings that ended more than this long ago are history: never written.
fn horizon() -> Duration {
    Duration::days(1)
}

impl Store {
    /// Claims the booking whose calendar write is most overdue, if any. With `video`, bookings
    /// whose meeting type asks for a meeting at that video platform count too.
    pub async fn claim_calendar_push(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        video: Option<VideoPlatform>,
    ) -> Result<Option<CalendarPush>> {
        let txn = self.begin().await?;
        let two_way_hosts = Query::select()
            .column(calendar_integrations::Column::UserId)
            .from(calendar_integrations::Entity)
            .and_where(calendar_integrations::Column::IsActive.eq(true))
            .and_where(calendar_integrations::Column::SyncDirection.eq(Word(SyncDirection::TwoWay)))
            .to_owned();
        let mut query = bookings::Entity::find()
            .filter(
                Condition::any()
                    .add(bookings::Column::EndUtc.gt(now - horizon()))
                    // An erased customer's name leaves the events of meetings long over too.
                    .add(
                        Condition::all()
                            .add(bookings::Column::CustomerErasedUtc.is_not_null())
                            .add(bookings::Column::CalendarIntegrationId.is_not_null()),
                    ),
            )
            .filter(
                Condition::any()
                    .add(bookings::Column::CalendarPushedUtc.is_null())
                    .add(
                        Expr::col(bookings::Column::UpdatedUtc)
                            .gt(Expr::col(bookings::Column::CalendarPushedUtc)),
                    ),
            )
            .filter({
                let mut wanted = Condition::any()
                    .add(bookings::Column::CalendarIntegrationId.is_not_null())
                    .add(bookings::Column::VideoMeetingId.is_not_null())
                    .add(bookings::Column::AssignedTo.in_subquery(two_way_hosts));
                if let Some(platform) = video {
                    wanted = wanted.add(bookings::Column::VideoPlatform.eq(Word(platform)));
                }
                wanted
            })
            .filter(
                Condition::any()
                    .add(bookings::Column::CalendarPushClaimedUntilUtc.is_null())
                    .add(bookings::Column::CalendarPushClaimedUntilUtc.lt(now)),
            )
            .filter(
                Condition::any()
                    .add(bookings::Column::CalendarPushRetryUtc.is_null())
                    .add(bookings::Column::CalendarPushRetryUtc.lte(now)),
            )
            .filter(
                Condition::any()
                    .add(bookings::Column::SeriesId.is_null())
                    .add(bookings::Column::SeriesId.not_in_subquery(series_being_written(now))),
            )
            .order_by_asc(bookings::Column::UpdatedUtc)
            .limit(1);
        if txn.get_database_backend() == DbBackend::Postgres {
            query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let Some(row) = query.one(&txn).await? else {
            return Ok(None);
        };
        let holder = match (row.calendar_integration_id, &row.external_event_id) {
            (Some(id), Some(event)) => push_calendar(&txn, id)
                .await?
                .map(|calendar| (calendar, event.clone())),
            _ => None,
        };
        let target = match two_way_calendar_of(&txn, row.assigned_to).await? {
            Some(calendar) => push_calendar(&txn, calendar).await?,
            None => None,
        };
        let series = match (row.series_id, row.series_index) {
            (Some(series_id), Some(index)) => {
                // Another process may have claimed a meeting of the series meanwhile (the
                // series row serialises the claims of its meetings on PostgreSQL).
                let mut lock = booking_series::Entity::find_by_id(series_id);
                if txn.get_database_backend() == DbBackend::Postgres {
                    lock = lock.lock_exclusive();
                }
                let series = lock
                    .one(&txn)
                    .await?
                    .ok_or(crate::StoreError::NotFound("series"))?;
                let busy = bookings::Entity::find()
                    .filter(bookings::Column::SeriesId.eq(series_id))
                    .filter(bookings::Column::CalendarPushClaimedUntilUtc.gt(now))
                    .one(&txn)
                    .await?;
                if busy.is_some() {
                    txn.rollback().await?;
                    return Ok(None);
                }
                let index = u16::try_from(index).map_err(corrupt)?;
                let meeting = (row.id, index, row.assigned_to);
                Some(series_push(&txn, series, meeting, row.external_event_is_occurrence).await?)
            }
            _ => None,
        };
        let (booking_id, version, video_meeting_id) =
            (row.id, row.updated_utc, row.video_meeting_id.clone());
        let mut claim = row.into_active_model();
        claim.calendar_push_claimed_until_utc = Set(Some(now + lease));
        claim.update(&txn).await?;
        // A claim changes nothing anyone reads: no revision bump.
        txn.commit().await?;
        Ok(Some(CalendarPush {
            booking_id,
            version,
            holder,
            target,
            video_meeting_id,
            series,
        }))
    }

    /// What outside the database holds of booking `id`: its event in a connected calendar, and
    /// its meeting at a video provider. Deleting the booking removes them first.
    pub async fn held_outside(
        &self,
        id: Uuid,
    ) -> Result<(Option<(PushCalendar, String)>, Option<String>)> {
        let Some(row) = bookings::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok((None, None));
        };
        let event = match (row.calendar_integration_id, row.external_event_id) {
            (Some(integration), Some(event)) => push_calendar(&self.db, integration)
                .await?
                .map(|calendar| (calendar, event)),
            _ => None,
        };
        Ok((event, row.video_meeting_id))
    }

    /// Records a failed write, to be tried again at `retry_at`.
    pub async fn record_calendar_push_failure(
        &self,
        booking_id: Uuid,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<()> {
        bookings::Entity::update_many()
            .col_expr(
                bookings::Column::CalendarPushError,
                Expr::val(error.chars().take(2_000).collect::<String>()),
            )
            .col_expr(bookings::Column::CalendarPushRetryUtc, Expr::val(retry_at))
            .col_expr(
                bookings::Column::CalendarPushClaimedUntilUtc,
                Expr::val(Option::<DateTime<Utc>>::None),
            )
            .filter(bookings::Column::Id.eq(booking_id))
            .exec(&self.writer)
            .await?;
        Ok(())
    }

    /// The booking ids whose events a calendar holds: a sync of that calendar leaves them out,
    /// since our own bookings already block their time.
    pub(crate) async fn own_event_ids(
        db: &impl ConnectionTrait,
        integration_id: Uuid,
    ) -> Result<std::collections::HashSet<String>> {
        let ids: Vec<Option<String>> = bookings::Entity::find()
            .select_only()
            .column(bookings::Column::ExternalEventId)
            .filter(bookings::Column::CalendarIntegrationId.eq(integration_id))
            .into_tuple()
            .all(db)
            .await?;
        Ok(ids.into_iter().flatten().collect())
    }
}

/// The series of which a meeting is being written now.
fn series_being_written(now: DateTime<Utc>) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(bookings::Column::SeriesId)
        .from(bookings::Entity)
        .and_where(bookings::Column::SeriesId.is_not_null())
        .and_where(bookings::Column::CalendarPushClaimedUntilUtc.gt(now))
        .to_owned()
}

/// The host's calendar our events go to: their first active two-way connection.
async fn two_way_calendar_of(db: &impl ConnectionTrait, user: Uuid) -> Result<Option<Uuid>> {
    Ok(calendar_integrations::Entity::find()
        .filter(calendar_integrations::Column::UserId.eq(user))
        .filter(calendar_integrations::Column::IsActive.eq(true))
        .filter(calendar_integrations::Column::SyncDirection.eq(Word(SyncDirection::TwoWay)))
        .order_by_asc(calendar_integrations::Column::CreatedUtc)
        .one(db)
        .await?
        .map(|calendar| calendar.id))
}

/// What writing `meeting` (its id, place and host) needs to know of its series, kept in `row`.
async fn series_push(
    db: &impl ConnectionTrait,
    row: booking_series::Model,
    meeting: (Uuid, u16, Uuid),
    holds_occurrence: bool,
) -> Result<SeriesPush> {
    let (booking, index, host) = meeting;
    let series_id = row.id;
    let event = match (row.calendar_integration_id, row.external_event_id.clone()) {
        (Some(integration), Some(event)) => push_calendar(db, integration)
            .await?
            .map(|calendar| (calendar, event)),
        _ => None,
    };
    let series = series_of(row)?;
    let meetings: Vec<(Uuid, i32, Word<BookingStatus>, Uuid)> = bookings::Entity::find()
        .select_only()
        .column(bookings::Column::Id)
        .column(bookings::Column::SeriesIndex)
        .column(bookings::Column::Status)
        .column(bookings::Column::AssignedTo)
        .filter(bookings::Column::SeriesId.eq(series_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut others_in_event = false;
    if let Some((calendar, _)) = &event {
        let owner = calendar_integrations::Entity::find_by_id(calendar.integration_id)
            .one(db)
            .await?
            .map(|c| c.user_id);
        if let Some(owner) = owner
            && two_way_calendar_of(db, owner).await? == Some(calendar.integration_id)
        {
            others_in_event = meetings.iter().any(|(id, _, status, host)| {
                *id != booking && status.0.holds_time() && *host == owner
            });
        }
    }
    let outside = (1..=series.recurrence.count())
        .filter(|place| {
            !meetings.iter().any(|(_, i, status, their_host)| {
                *i == i32::from(*place) && status.0.holds_time() && *their_host == host
            })
        })
        .collect();
    Ok(SeriesPush {
        series,
        index,
        event,
        holds_occurrence,
        others_in_event,
        outside,
    })
}

async fn push_calendar(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<PushCalendar>> {
    let Some(row) = calendar_integrations::Entity::find_by_id(id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let (Some(access), Some(expiry)) = (row.access_token_encrypted, row.token_expiry_utc) else {
        return Ok(None);
    };
    Ok(Some(PushCalendar {
        integration_id: row.id,
        kind: row.integration_type.0,
        calendar_id: row.calendar_id.unwrap_or_else(|| "primary".to_owned()),
        tokens: SealedTokens {
            access,
            refresh: row.refresh_token_encrypted,
            expiry_utc: expiry,
        },
    }))
}

/// Landing a write.
impl Transaction<'_> {
    /// Records a write: where the event is now, the video meeting and link, and the version it
    /// reflects. The booking's `updated_utc` stays, so a change made during the write is written
    /// next. `new_invite`: the link goes out with a new invite, so the sequence moves on. `false`
    /// when the booking is gone.
    pub async fn land_calendar_push(
        &self,
        push: &CalendarPush,
        pushed: &PushedEvent,
        new_invite: bool,
    ) -> Result<bool> {
        let Some(row) = bookings::Entity::find_by_id(push.booking_id)
            .one(&self.txn)
            .await?
        else {
            return Ok(false);
        };
        let (sequence, series_id) = (row.ics_sequence, row.series_id);
        let mut done = row.into_active_model();
        if new_invite {
            done.ics_sequence = Set(sequence + 1);
        }
        match &pushed.placed {
            Some(placed) => {
                done.calendar_integration_id = Set(Some(placed.integration_id));
                done.external_event_id = Set(Some(placed.event_id.clone()));
                done.external_calendar_link = Set(placed.web_link.clone());
                done.external_event_is_occurrence = Set(placed.occurrence);
            }
            None => {
                done.calendar_integration_id = Set(None);
                done.external_event_id = Set(None);
                done.external_calendar_link = Set(None);
                done.external_event_is_occurrence = Set(false);
            }
        }
        let series_event = match &pushed.series_event {
            SeriesEvent::Unchanged => None,
            SeriesEvent::Made {
                integration_id,
                event_id,
            } => Some((Some(*integration_id), Some(event_id.clone()))),
            SeriesEvent::Deleted => Some((None, None)),
        };
        if let (Some((integration, event)), Some(series_id)) = (series_event, series_id) {
            booking_series::Entity::update_many()
                .col_expr(
                    booking_series::Column::CalendarIntegrationId,
                    Expr::val(integration),
                )
                .col_expr(booking_series::Column::ExternalEventId, Expr::val(event))
                .filter(booking_series::Column::Id.eq(series_id))
                .exec(&self.txn)
                .await?;
        }
        if let Some(link) = &pushed.meeting_link {
            done.meeting_link = Set(Some(link.clone()));
        }
        match &pushed.video_meeting {
            VideoMeeting::Unchanged => {}
            VideoMeeting::Made(id) => done.video_meeting_id = Set(Some(id.clone())),
            VideoMeeting::Deleted => done.video_meeting_id = Set(None),
        }
        done.calendar_pushed_utc = Set(Some(push.version));
        done.calendar_push_claimed_until_utc = Set(None);
        done.calendar_push_retry_utc = Set(None);
        done.calendar_push_error = Set(None);
        done.update(&self.txn).await?;
        Ok(true)
    }
}
