//! The messages time causes rather than a person: reminders before a meeting, the thank-you
//! after it, and the no-show mark of a meeting nobody marked (with its follow-up). A sweep finds the bookings that may be due and handles each in its own transaction,
//! so several processes can sweep at once; the store lets exactly one of them queue each message.
//! None of it changes when anyone is free, so the slot tables stay valid (quiet commits).

use chrono::{DateTime, Duration, Utc};
use mm_domain::{
    booking::{BookingStatus, no_show_follow_up, plan_automatic_no_show},
    notification::Notice,
    reminder::due_reminders,
};
use mm_store::{Announcement, BookingKey, Store};
use uuid::Uuid;

use crate::{AppError, AppResult, announce};

/// How long after a meeting its thank-you may still go out: turning the email on for a meeting
/// type must not write to every customer it ever had.
const THANK_YOU_WINDOW: Duration = Duration::days(7);

/// Queues every reminder due at `now`: for each confirmed meeting, the nearest due entry of its
/// type's schedule not yet handled for its current start time; entries whose time passed before
/// the meeting got that time are skipped. Returns how many reminders were queued.
#[tracing::instrument(skip_all)]
pub async fn queue_due_reminders(store: &Store, now: DateTime<Utc>) -> AppResult<usize> {
    let mut queued = 0;
    for booking_id in store.bookings_with_due_reminders(now).await? {
        match queue_reminder(store, booking_id, now).await {
            Ok(true) => queued += 1,
            Ok(false) => {}
            // Another process handled this entry first.
            Err(AppError::Store(error)) if error.is_unique_violation() => {}
            Err(error) => return Err(error),
        }
    }
    Ok(queued)
}

/// Handles one meeting's due entries in one transaction; `true` if a reminder was queued.
async fn queue_reminder(store: &Store, booking_id: Uuid, now: DateTime<Utc>) -> AppResult<bool> {
    let tx = store.transaction().await?;
    let booking = tx.booking(booking_id).await?;
    if booking.status != BookingStatus::Confirmed {
        tx.rollback().await?;
        return Ok(false);
    }
    let meeting_type = tx.meeting_type(booking.meeting_type_id).await?;
    let plan = due_reminders(
        &meeting_type.reminders,
        booking.span.start(),
        booking.armed_utc(),
        now,
        &booking.reminders_handled(),
    );
    if plan.is_empty() {
        tx.rollback().await?;
        return Ok(false);
    }
    tx.record_reminders(&booking, &plan, now).await?;
    let Some(reminder) = plan.send else {
        tx.commit_quietly().await?;
        return Ok(false);
    };
    let department = tx.department(booking.department_id).await?;
    let notice = Notice::Reminder {
        hours_before: reminder.hours_before,
        channel: reminder.channel,
    };
    let change = Announcement {
        notice: &notice,
        booking: &booking,
        department: &department,
        meeting_type: &meeting_type,
        actor: None,
    };
    tx.queue_notice(&change, now).await?;
    tx.commit_quietly().await?;
    tracing::info!(reference = %booking.reference, hours_before = reminder.hours_before, "reminder queued");
    Ok(true)
}

/// Marks as no-shows the confirmed customer meetings nobody marked within their type's delay
/// after the start (within the last week), each in its own transaction with a history entry
/// saying so, and sends the no-show follow-up when the type asks for it. Returns how many were
/// marked.
#[tracing::instrument(skip_all)]
pub async fn mark_unattended_meetings(store: &Store, now: DateTime<Utc>) -> AppResult<usize> {
    let mut marked = 0;
    for booking_id in store
        .meetings_awaiting_a_mark(now - THANK_YOU_WINDOW, now)
        .await?
    {
        let tx = store.transaction().await?;
        // Locked: staff marking it at the same moment either came first or wait for this.
        let booking = tx.lock_booking(&BookingKey::Id(booking_id), now).await?;
        let meeting_type = tx.meeting_type(booking.meeting_type_id).await?;
        let plan = meeting_type
            .follow_up
            .auto_no_show_after
            .and_then(|after| plan_automatic_no_show(&booking, after, now));
        let Some(plan) = plan else {
            tx.rollback().await?;
            continue;
        };
        tx.apply_status_change(&booking, &plan, None, now).await?;
        let missed = tx.booking(booking_id).await?;
        if let Some(notice) = no_show_follow_up(&missed, &meeting_type) {
            announce(&tx, &notice, &missed, None, now).await?;
        }
        tx.commit().await?;
        marked += 1;
    }
    Ok(marked)
}

/// Queues the thank-you of every customer meeting that ended (within the last week) while
/// confirmed or completed and whose type sends one, and records it on the booking. Returns how
/// many were queued.
#[tracing::instrument(skip_all)]
pub async fn queue_thank_yous(store: &Store, now: DateTime<Utc>) -> AppResult<usize> {
    let mut queued = 0;
    for booking_id in store
        .meetings_due_thank_you(now - THANK_YOU_WINDOW, now)
        .await?
    {
        let tx = store.transaction().await?;
        // A meeting that may yet be marked a no-show automatically waits for that decision.
        let booking = tx.booking(booking_id).await?;
        let meeting_type = tx.meeting_type(booking.meeting_type_id).await?;
        let undecided = booking.status == BookingStatus::Confirmed
            && meeting_type
                .follow_up
                .auto_no_show_after
                .is_some_and(|after| now < booking.span.start() + after.to_duration());
        if undecided {
            tx.rollback().await?;
            continue;
        }
        // Whoever stamps the booking first sends the email; the others change nothing.
        if !tx.stamp_thank_you(booking_id, now).await? {
            tx.rollback().await?;
            continue;
        }
        let booking = tx.booking(booking_id).await?;
        announce(&tx, &Notice::ThankYou, &booking, None, now).await?;
        tx.commit_quietly().await?;
        queued += 1;
    }
    Ok(queued)
}
