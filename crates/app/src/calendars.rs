//! What a write to a host's calendar or video provider leaves behind: the event's place, the
//! video link, and, when the link is news, an updated invite to everyone in the meeting.

use chrono::{DateTime, Utc};
use mm_domain::notification::Notice;
use mm_store::{Announcement, CalendarPush, PushedEvent, Store, StoreError};

use crate::AppResult;

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
    let announce = before.announces_video_link(pushed.meeting_link.as_deref());
    if !tx.land_calendar_push(push, pushed, announce).await? {
        return Ok(tx.rollback().await?);
    }
    if !announce {
        return Ok(tx.commit_quietly().await?);
    }
    let booking = tx.booking(push.booking_id).await?;
    let department = tx.department(booking.department_id).await?;
    let meeting_type = tx.meeting_type(booking.meeting_type_id).await?;
    let change = Announcement {
        notice: &Notice::VideoLinkReady,
        booking: &booking,
        department: &department,
        meeting_type: &meeting_type,
        actor: None,
    };
    tx.queue_notice(&change, now).await?;
    // A link and a new invite change nobody's free time.
    tx.commit_quietly().await?;
    Ok(())
}
