//! The emails time causes rather than a person: reminders before a meeting and the thank-you
//! after it. A sweep finds the bookings that may be due and handles each in its own transaction,
//! so several processes can sweep at once: a unique index on the handled reminder (booking, entry,
//! start time) and a conditional update of the thank-you stamp let exactly one of them queue the
//! emails.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use mm_domain::{
    booking::{ActorRole, BookingStatus, BookingType, HistoryAction, HistoryEntry},
    notification::Notice,
    reminder::{ReminderOutcome, due_reminders},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, ExprTrait, QueryFilter, QuerySelect, Set, SqlErr,
    sea_query::{Expr, Query},
};
use uuid::Uuid;

use super::{Render, notify, read, record};
use crate::{
    Result, Store, StoreError,
    entity::{booking_reminders_sent, bookings, meeting_type_reminders, meeting_types},
};

/// How long after a meeting its thank-you may still go out: turning the email on for a meeting
/// type must not write to every customer it ever had.
const THANK_YOU_WINDOW_DAYS: i64 = 7;

impl Store {
    /// Queues every reminder due at `now`: for each confirmed meeting, the nearest due entry of
    /// its type's schedule that has not been handled for its current start time. Returns how
    /// many reminders were queued.
    #[tracing::instrument(skip_all)]
    pub async fn queue_due_reminders(
        &self,
        now: DateTime<Utc>,
        render: Render<'_>,
    ) -> Result<usize> {
        let mut queued = 0;
        for booking_id in self.bookings_with_due_reminders(now).await? {
            match self.queue_reminder(booking_id, now, render).await {
                Ok(true) => queued += 1,
                Ok(false) => {}
                // Another process handled this entry first.
                Err(StoreError::Db(err))
                    if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(queued)
    }

    /// Confirmed meetings ahead with an active schedule entry whose time has come and which has
    /// no record for the current start time.
    async fn bookings_with_due_reminders(&self, now: DateTime<Utc>) -> Result<BTreeSet<Uuid>> {
        let offsets: Vec<i32> = meeting_type_reminders::Entity::find()
            .select_only()
            .column(meeting_type_reminders::Column::HoursBefore)
            .distinct()
            .filter(meeting_type_reminders::Column::IsActive.eq(true))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut ids = BTreeSet::new();
        for hours_before in offsets {
            let types_with_entry = Query::select()
                .column(meeting_type_reminders::Column::MeetingTypeId)
                .from(meeting_type_reminders::Entity)
                .and_where(meeting_type_reminders::Column::HoursBefore.eq(hours_before))
                .and_where(meeting_type_reminders::Column::IsActive.eq(true))
                .to_owned();
            let handled = Query::select()
                .expr(Expr::val(1))
                .from(booking_reminders_sent::Entity)
                .and_where(
                    Expr::col((
                        booking_reminders_sent::Entity,
                        booking_reminders_sent::Column::BookingId,
                    ))
                    .equals((bookings::Entity, bookings::Column::Id)),
                )
                .and_where(
                    Expr::col((
                        booking_reminders_sent::Entity,
                        booking_reminders_sent::Column::ForStartUtc,
                    ))
                    .equals((bookings::Entity, bookings::Column::StartUtc)),
                )
                .and_where(booking_reminders_sent::Column::HoursBefore.eq(hours_before))
                .to_owned();
            let due: Vec<Uuid> = bookings::Entity::find()
                .select_only()
                .column(bookings::Column::Id)
                .filter(bookings::Column::Status.eq(BookingStatus::Confirmed.as_ref()))
                .filter(bookings::Column::StartUtc.gt(now))
                .filter(
                    bookings::Column::StartUtc.lte(now + Duration::hours(i64::from(hours_before))),
                )
                .filter(bookings::Column::MeetingTypeId.in_subquery(types_with_entry))
                .filter(Expr::exists(handled).not())
                .into_tuple()
                .all(&self.db)
                .await?;
            ids.extend(due);
        }
        Ok(ids)
    }

    /// Handles one meeting's due entries in one transaction; `true` if a reminder was queued.
    async fn queue_reminder(
        &self,
        booking_id: Uuid,
        now: DateTime<Utc>,
        render: Render<'_>,
    ) -> Result<bool> {
        let txn = self.begin().await?;
        let booking = read::load_booking(&txn, booking_id).await?;
        if booking.status != BookingStatus::Confirmed {
            txn.rollback().await?;
            return Ok(false);
        }
        let meeting_type =
            crate::meeting_types::load_meeting_type(&txn, booking.meeting_type_id).await?;
        let plan = due_reminders(
            &meeting_type.reminders,
            booking.span.start(),
            booking.armed_utc(),
            now,
            &booking.reminders_handled(),
        );
        if plan.is_empty() {
            txn.rollback().await?;
            return Ok(false);
        }
        let outcomes = plan
            .send
            .iter()
            .map(|r| (r, ReminderOutcome::Sent))
            .chain(plan.skip.iter().map(|r| (r, ReminderOutcome::Skipped)));
        for (reminder, outcome) in outcomes {
            booking_reminders_sent::ActiveModel {
                id: Set(Uuid::new_v4()),
                booking_id: Set(booking.id),
                hours_before: Set(i32::try_from(reminder.hours_before).unwrap_or(i32::MAX)),
                channel: Set(reminder.channel.as_ref().to_owned()),
                for_start_utc: Set(booking.span.start()),
                sent_utc: Set(now),
                outcome: Set(outcome.as_ref().to_owned()),
            }
            .insert(&txn)
            .await?;
        }
        let Some(reminder) = plan.send else {
            self.commit(txn).await?;
            return Ok(false);
        };
        bookings::ActiveModel {
            id: Set(booking.id),
            last_reminder_sent_utc: Set(Some(now)),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        record(
            &txn,
            booking.id,
            HistoryEntry {
                action: HistoryAction::ReminderSent,
                action_by: None,
                action_by_role: ActorRole::System,
                action_utc: now,
                old_value: None,
                new_value: Some(format!("{}h", reminder.hours_before)),
                notes: None,
            },
        )
        .await?;
        let notice = Notice::Reminder {
            hours_before: reminder.hours_before,
            channel: reminder.channel,
        };
        notify(&txn, &notice, &booking, None, render, now).await?;
        self.commit(txn).await?;
        tracing::info!(reference = %booking.reference, hours_before = reminder.hours_before, "reminder queued");
        Ok(true)
    }

    /// Queues the thank-you email of every customer meeting that ended (within the last week)
    /// while confirmed or completed, whose type sends one, and records it on the booking.
    /// Returns how many were queued.
    #[tracing::instrument(skip_all)]
    pub async fn queue_thank_yous(&self, now: DateTime<Utc>, render: Render<'_>) -> Result<usize> {
        let types_sending = Query::select()
            .column(meeting_types::Column::Id)
            .from(meeting_types::Entity)
            .and_where(meeting_types::Column::ThankYouEnabled.eq(true))
            .to_owned();
        let ended: Vec<Uuid> = bookings::Entity::find()
            .select_only()
            .column(bookings::Column::Id)
            .filter(bookings::Column::BookingType.eq(BookingType::Customer.as_ref()))
            .filter(bookings::Column::Status.is_in([
                BookingStatus::Confirmed.as_ref(),
                BookingStatus::Completed.as_ref(),
            ]))
            .filter(bookings::Column::EndUtc.lte(now))
            .filter(bookings::Column::EndUtc.gt(now - Duration::days(THANK_YOU_WINDOW_DAYS)))
            .filter(bookings::Column::ThankYouSentUtc.is_null())
            .filter(bookings::Column::MeetingTypeId.in_subquery(types_sending))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut queued = 0;
        for booking_id in ended {
            let txn = self.begin().await?;
            // Whoever stamps the booking first sends the email; the others change nothing.
            let stamped = bookings::Entity::update_many()
                .col_expr(bookings::Column::ThankYouSentUtc, Expr::val(now))
                .filter(bookings::Column::Id.eq(booking_id))
                .filter(bookings::Column::ThankYouSentUtc.is_null())
                .exec(&txn)
                .await?;
            if stamped.rows_affected == 1 {
                let booking = read::load_booking(&txn, booking_id).await?;
                notify(&txn, &Notice::ThankYou, &booking, None, render, now).await?;
                self.commit(txn).await?;
                queued += 1;
            } else {
                txn.rollback().await?;
            }
        }
        Ok(queued)
    }
}
