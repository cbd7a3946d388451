//! A change in progress, for the application layer: it loads and locks through these functions,
//! decides with the domain, and writes back through them; nothing is visible to anyone else until
//! [`Transaction::commit`], and nothing at all if the transaction is dropped.

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval,
    booking::{Booking, BookingType, MovePlan, StatusChangePlan},
    department::Department,
    notification::Notice,
    scheduling::MeetingSpec,
    user::StaffUser,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Unchanged, ColumnTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, Set, sea_query::Expr,
};
use uuid::Uuid;

use super::{
    BookingKey, LinkHashes, Render, change, change::locked_row, create, internal, lock_people,
    notify, read, record,
};
use crate::{
    Result, Store, StoreError,
    departments::load_department,
    entity::{booking_assignment_history, bookings},
    scheduling::{load_attendee_schedule, load_schedule},
    users::load_users,
};

/// One transaction of the store. SQLite: the write lock is held from the start; PostgreSQL: rows
/// are locked as they are read for a change.
#[derive(Debug)]
pub struct Transaction<'s> {
    store: &'s Store,
    txn: DatabaseTransaction,
}

impl Store {
    /// Starts a change.
    pub async fn transaction(&self) -> Result<Transaction<'_>> {
        Ok(Transaction {
            store: self,
            txn: self.begin().await?,
        })
    }
}

impl Transaction<'_> {
    /// Makes the change visible and announces it (the slot cache, other processes).
    pub async fn commit(self) -> Result<()> {
        self.store.commit(self.txn).await
    }

    /// The booking `key` names, locked until the transaction ends, so that what is decided on
    /// it still holds when the decision is written.
    pub async fn lock_booking(&self, key: &BookingKey, now: DateTime<Utc>) -> Result<Booking> {
        let row = locked_row(&self.txn, key, now).await?;
        read::assemble(&self.txn, row).await
    }

    /// The booking as this transaction sees it.
    pub async fn booking(&self, id: Uuid) -> Result<Booking> {
        read::load_booking(&self.txn, id).await
    }

    /// Writes a planned status change of `before`, with its history entry. `links`: the hashes
    /// of the self-service links the change's emails carry, while the booking still holds time.
    pub async fn apply_status_change(
        &self,
        before: &Booking,
        plan: &StatusChangePlan,
        links: Option<&LinkHashes>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut update = bookings::ActiveModel {
            id: Unchanged(before.id),
            status: Set(plan.after.status.as_ref().to_owned()),
            approval_status: Set(plan.after.approval.map(|a| a.as_ref().to_owned())),
            updated_utc: Set(now),
            ..Default::default()
        };
        if let Some(decision) = plan.decision {
            update.approved_by = Set(decision.by);
            update.approved_utc = Set(Some(decision.at));
        }
        if let Some(reason) = &plan.rejection_reason {
            update.rejection_reason = Set(Some(reason.clone()));
        }
        if let Some(cancellation) = &plan.cancellation {
            update.cancellation_reason = Set(cancellation.reason.clone());
            update.cancellation_notes = Set(cancellation.notes.clone());
            update.cancelled_by_role = Set(Some(cancellation.by.as_ref().to_owned()));
            update.cancelled_utc = Set(Some(cancellation.at));
            // A used (or now pointless) cancel link dies.
            update.cancel_token_hash = Set(None);
        }
        if plan.bumps_sequence {
            update.ics_sequence = Set(before.ics_sequence as i32 + 1);
        }
        if plan.after.status.holds_time() {
            super::change::refresh_links(&mut update, before, links);
        }
        update.update(&self.txn).await?;
        record(&self.txn, before.id, plan.history.clone()).await
    }

    /// Queues the messages `notice` causes, rendered by `render`, as outbox rows of this
    /// transaction.
    pub async fn queue_notice(
        &self,
        notice: &Notice,
        booking: &Booking,
        actor: Option<Uuid>,
        render: Render<'_>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        notify(&self.txn, notice, booking, actor, render, now).await
    }
}

/// Building blocks of a move: lock, check, choose, write.
impl Transaction<'_> {
    /// Locks everyone a move of `before` onto `new_host` can involve (the department's members,
    /// or the internal meeting's participants, and both hosts) and returns the department as read
    /// under those locks.
    pub async fn lock_for_move(
        &self,
        before: &Booking,
        new_host: Option<Uuid>,
    ) -> Result<Department> {
        let roster = load_department(&self.txn, before.department_id).await?;
        let mut people: Vec<Uuid> = if before.booking_type == BookingType::Internal {
            before
                .participants
                .iter()
                .filter_map(|p| p.user_id)
                .collect()
        } else {
            roster.members.iter().map(|m| m.user_id).collect()
        };
        people.push(before.assigned_to);
        people.extend(new_host);
        lock_people(&self.txn, &people).await?;
        // Read again under the lock: the assignment counters may have moved meanwhile.
        load_department(&self.txn, before.department_id).await
    }

    /// How `booking` occupies time when moved.
    pub async fn booking_spec(&self, booking: &Booking) -> Result<MeetingSpec> {
        change::booking_spec(&self.txn, booking).await
    }

    /// Checks that `host` (and, for an internal meeting, everyone in it) is free for `booking`
    /// at `start`, leaving the booking itself out; [`crate::StoreError::SlotUnavailable`] names
    /// the conflicts.
    pub async fn check_free_for_move(
        &self,
        department: &Department,
        booking: &Booking,
        host: Uuid,
        spec: &MeetingSpec,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let span = Interval::starting_at(start, spec.duration);
        if booking.booking_type == BookingType::Internal {
            let everyone = change::attendees(booking, host);
            let schedule = load_attendee_schedule(
                &self.txn,
                department.timezone,
                &everyone,
                span,
                Some(booking.id),
            )
            .await?;
            internal::check_all_free(&schedule, &everyone, spec, start, now)
        } else {
            let schedule = load_schedule(&self.txn, department, span, Some(booking.id)).await?;
            create::check_member_free(&schedule, host, spec, start, now)
        }
    }

    /// The members free to take `booking` at `start` as an offered slot, leaving the booking
    /// itself out.
    pub async fn members_free_at(
        &self,
        department: &Department,
        booking: &Booking,
        spec: &MeetingSpec,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Uuid>> {
        let window = Interval::starting_at(start, mm_domain::Minutes::ONE);
        let schedule = load_schedule(&self.txn, department, window, Some(booking.id)).await?;
        Ok(schedule
            .open_slots(spec, window)
            .free_members_at(start, now))
    }

    /// The member of `free` the department's algorithm picks.
    pub async fn choose_host(
        &self,
        department: &Department,
        free: &[Uuid],
        now: DateTime<Utc>,
    ) -> Result<Option<Uuid>> {
        create::choose_host(&self.txn, department, free, now).await
    }

    /// Writes a planned move of `before`: the new time and host, a new invite sequence, the
    /// histories, and the new host's counters.
    pub async fn apply_move(
        &self,
        before: &Booking,
        plan: &MovePlan,
        links: Option<&LinkHashes>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut update = bookings::ActiveModel {
            id: Unchanged(before.id),
            start_utc: Set(plan.span.start()),
            end_utc: Set(plan.span.end()),
            updated_utc: Set(now),
            ics_sequence: Set(before.ics_sequence as i32 + 1),
            ..Default::default()
        };
        change::refresh_links(&mut update, before, links);
        if let Some((method, _)) = plan.assignment {
            update.assigned_to = Set(plan.host);
            update.assignment_method = Set(method.as_ref().to_owned());
            update.reassignment_count = Set(before.reassignment_count as i32 + 1);
        }
        update.update(&self.txn).await?;
        for entry in &plan.history {
            record(&self.txn, before.id, entry.clone()).await?;
        }
        if let Some((_, assignment_type)) = plan.assignment {
            booking_assignment_history::Entity::update_many()
                .col_expr(
                    booking_assignment_history::Column::IsCurrent,
                    Expr::value(false),
                )
                .filter(booking_assignment_history::Column::BookingId.eq(before.id))
                .exec(&self.txn)
                .await?;
            booking_assignment_history::ActiveModel {
                id: Set(Uuid::new_v4()),
                booking_id: Set(before.id),
                assigned_to: Set(plan.host),
                assigned_utc: Set(now),
                assigned_by: Set(plan.moved_by),
                assignment_type: Set(assignment_type.as_ref().to_owned()),
                is_current: Set(true),
                notes: Set(plan.reason.clone()),
            }
            .insert(&self.txn)
            .await?;
            if before.booking_type != BookingType::Internal {
                create::count_assignment(&self.txn, before.department_id, plan.host, now).await?;
            }
        }
        Ok(())
    }

    /// A staff user, active or not.
    pub async fn staff_user(&self, id: Uuid) -> Result<StaffUser> {
        load_users(&self.txn, &[id])
            .await?
            .pop()
            .ok_or(StoreError::NotFound("user"))
    }
}
