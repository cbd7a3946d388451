//! Writing bookings into their hosts' connected calendars. A booking needs a write when it
//! changed (`updated_utc`) after the version its host's calendar last reflected
//! (`calendar_pushed_utc`) and either its host has a two-way calendar or a calendar still holds
//! its event, or it has a meeting at a video provider (Zoom). Writes are claimed like outbox emails, so several processes never write the same
//! booking at once, and a failed write is retried later without holding up the others.

use chrono::{DateTime, Duration, Utc};
use mm_domain::{
    external_calendar::{IntegrationKind, SyncDirection},
    meeting_type::VideoPlatform,
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
    entity::{Word, bookings, calendar_integrations},
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
        let target = match calendar_integrations::Entity::find()
            .filter(calendar_integrations::Column::UserId.eq(row.assigned_to))
            .filter(calendar_integrations::Column::IsActive.eq(true))
            .filter(calendar_integrations::Column::SyncDirection.eq(Word(SyncDirection::TwoWay)))
            .order_by_asc(calendar_integrations::Column::CreatedUtc)
            .one(&txn)
            .await?
        {
            Some(calendar) => push_calendar(&txn, calendar.id).await?,
            None => None,
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
        let sequence = row.ics_sequence;
        let mut done = row.into_active_model();
        if new_invite {
            done.ics_sequence = Set(sequence + 1);
        }
        match &pushed.placed {
            Some(placed) => {
                done.calendar_integration_id = Set(Some(placed.integration_id));
                done.external_event_id = Set(Some(placed.event_id.clone()));
                done.external_calendar_link = Set(placed.web_link.clone());
            }
            None => {
                done.calendar_integration_id = Set(None);
                done.external_event_id = Set(None);
                done.external_calendar_link = Set(None);
            }
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
