//! What a write to a host's calendar or video provider leaves behind: the event's place, the
//! video link, and, when the link is news, an updated invite to everyone in the meeting.

use chrono::{DateTime, Utc};
use mm_domain::notification::Notice;
use mm_store::{CalendarPush, PushedEvent, Store, StoreError};

use crate::{AppResult, announce};

/// Lands a claimed calendar write. A video link made for a booking that still takes place is
/// sent to everyone in it with a new invite, in the same transaction.
#[tracing::instrument(skip_all, fields(booking_id = %push.booking_id))]
pub async fn record_calendar_push(
    store: &Store,
    push: &CalendarPush,
    pushed: &PushedEvent,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let tx = store.transaction().await?;
    let before = match tx.booking(push.booking_id).await {
        Ok(booking) => booking,
        // Deleted meanwhile: nothing to record.
        Err(StoreError::NotFound(_)) => return Ok(tx.rollback().await?),
        Err(other) => return Err(other.into()),
    };
    let news = before.announces_video_link(pushed.meeting_link.as_deref());
    if !tx.land_calendar_push(push, pushed, news).await? {
        return Ok(tx.rollback().await?);
    }
    if !news {
        return Ok(tx.commit_quietly().await?);
    }
    let booking = tx.booking(push.booking_id).await?;
    announce(&tx, &Notice::VideoLinkReady, &booking, None, now).await?;
    // A link and a new invite change nobody's free time.
    tx.commit_quietly().await?;
    Ok(())
}
