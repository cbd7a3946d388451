//! What the follow-ups read and write: the bookings whose reminders or thank-you may be due,
//! and, in each booking's own transaction, the record of what was handled. A unique index on the
//! handled reminder (booking, entry, start time) and a conditional update of the thank-you stamp
//! let exactly one of several processes sweeping at once queue the messages.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use mm_domain::{
    booking::{Booking, BookingStatus, BookingType},
    reminder::DueReminders,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, ExprTrait, QueryFilter, QuerySelect, Set,
    sea_query::{Expr, Query},
};
use uuid::Uuid;

use super::Transaction;
use crate::{
    Result, Store,
    entity::{Word, booking_reminders_sent, bookings, meeting_type_reminders, meeting_types},
};

impl Store {
    /// Confirmed meetings ahead with an active schedule entry whose time has come and which has
    /// no record for the current start time.
    pub async fn bookings_with_due_reminders(&self, now: DateTime<Utc>) -> Result<BTreeSet<Uuid>> {
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
                .filter(bookings::Column::Status.eq(Word(BookingStatus::Confirmed)))
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

    /// Confirmed customer meetings that started after `since` and by `now` whose type marks
    /// unmarked meetings as no-shows; the domain decides which are due.
    pub async fn meetings_awaiting_a_mark(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Uuid>> {
        let types_marking = Query::select()
            .column(meeting_types::Column::Id)
            .from(meeting_types::Entity)
            .and_where(meeting_types::Column::AutoNoShowMinutes.is_not_null())
            .to_owned();
        Ok(bookings::Entity::find()
            .select_only()
            .column(bookings::Column::Id)
            .filter(bookings::Column::BookingType.eq(Word(BookingType::Customer)))
            .filter(bookings::Column::Status.eq(Word(BookingStatus::Confirmed)))
            .filter(bookings::Column::StartUtc.lte(now))
            .filter(bookings::Column::StartUtc.gt(since))
            .filter(bookings::Column::MeetingTypeId.in_subquery(types_marking))
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// Customer meetings that ended after `since` and by `now` while confirmed or completed,
    /// whose type sends a thank-you that has not gone out.
    pub async fn meetings_due_thank_you(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Uuid>> {
        let types_sending = Query::select()
            .column(meeting_types::Column::Id)
            .from(meeting_types::Entity)
            .and_where(meeting_types::Column::ThankYouEnabled.eq(true))
            .to_owned();
        Ok(bookings::Entity::find()
            .select_only()
            .column(bookings::Column::Id)
            .filter(bookings::Column::BookingType.eq(Word(BookingType::Customer)))
            .filter(bookings::Column::Status.is_in([
                Word(BookingStatus::Confirmed),
                Word(BookingStatus::Completed),
            ]))
            .filter(bookings::Column::EndUtc.lte(now))
            .filter(bookings::Column::EndUtc.gt(since))
            .filter(bookings::Column::ThankYouSentUtc.is_null())
            .filter(bookings::Column::MeetingTypeId.in_subquery(types_sending))
            .into_tuple()
            .all(&self.db)
            .await?)
    }
}

/// Follow-ups' building blocks.
impl Transaction<'_> {
    /// Records what became of each reminder entry handled now for the booking's current start;
    /// for the one sent, also stamps the booking and writes its history entry. Fails with a
    /// unique violation ([`StoreError::is_unique_violation`]) when another process handled an
    /// entry first.
    pub async fn record_reminders(
        &self,
        booking: &Booking,
        plan: &DueReminders,
        now: DateTime<Utc>,
    ) -> Result<()> {
        for (reminder, outcome) in plan.outcomes() {
            booking_reminders_sent::ActiveModel {
                id: Set(Uuid::new_v4()),
                booking_id: Set(booking.id),
                hours_before: Set(i32::try_from(reminder.hours_before).unwrap_or(i32::MAX)),
                channel: Set(Word(reminder.channel)),
                for_start_utc: Set(booking.span.start()),
                sent_utc: Set(now),
                outcome: Set(Word(outcome)),
            }
            .insert(&self.txn)
            .await?;
        }
        if let Some(entry) = plan.history(now) {
            bookings::ActiveModel {
                id: Set(booking.id),
                last_reminder_sent_utc: Set(Some(now)),
                ..Default::default()
            }
            .update(&self.txn)
            .await?;
            self.record(booking.id, booking.department_id, entry)
                .await?;
        }
        Ok(())
    }

    /// Stamps the booking's thank-you as sent unless it already is; `false` when another process
    /// stamped it first.
    pub async fn stamp_thank_you(&self, booking_id: Uuid, now: DateTime<Utc>) -> Result<bool> {
        let stamped = bookings::Entity::update_many()
            .col_expr(bookings::Column::ThankYouSentUtc, Expr::val(now))
            .filter(bookings::Column::Id.eq(booking_id))
            .filter(bookings::Column::ThankYouSentUtc.is_null())
            .exec(&self.txn)
            .await?;
        Ok(stamped.rows_affected == 1)
    }
}
