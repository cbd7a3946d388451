//! A change in progress, for the application layer: it loads and locks through these functions,
//! decides with the domain, and writes back through them; nothing is visible to anyone else until
//! [`Transaction::commit`], and nothing at all if the transaction is dropped.

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval, TimeZone,
    booking::{Booking, BookingType, MovePlan, StatusChangePlan},
    department::Department,
    meeting_type::MeetingType,
    scheduling::Schedule,
    user::StaffUser,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Unchanged, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    DbBackend, EntityTrait, QueryFilter, QuerySelect, Set, sea_query::Expr,
};
use uuid::Uuid;

use super::{
    Announcement, BookingKey, LinkHashes, change, change::locked_row, create, lock_people, notices,
    read, record, record_assignment,
};
use crate::{
    Result, Store, StoreError,
    departments::load_department,
    entity::{Word, booking_assignment_history, bookings, department_members},
    meeting_types::load_meeting_type,
    scheduling::{load_attendee_schedule, load_schedule},
    users::load_users,
};

/// One transaction of the store. SQLite: the write lock is held from the start; PostgreSQL: rows
/// are locked as they are read for a change.
#[derive(Debug)]
pub struct Transaction<'s> {
    store: &'s Store,
    pub(super) txn: DatabaseTransaction,
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

    /// Makes a change visible that changes nobody's free time (a reminder handled, a thank-you
    /// stamped, where a calendar holds the event, a video link): the slot tables of this process
    /// and the others stay valid.
    pub async fn commit_quietly(self) -> Result<()> {
        Ok(self.txn.commit().await?)
    }

    /// Ends the transaction without changing anything.
    pub async fn rollback(self) -> Result<()> {
        Ok(self.txn.rollback().await?)
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
            status: Set(Word(plan.after.status)),
            approval_status: Set(plan.after.approval.map(Word)),
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
            update.cancelled_by_role = Set(Some(Word(cancellation.by)));
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

    /// Queues the messages `change` causes as outbox rows of this transaction; their text is
    /// written when they are sent.
    pub async fn queue_notice(&self, change: &Announcement<'_>, now: DateTime<Utc>) -> Result<()> {
        notices::notify(&self.txn, change, now).await
    }

    /// A department as this transaction sees it.
    pub async fn department(&self, id: Uuid) -> Result<Department> {
        load_department(&self.txn, id).await
    }

    /// A meeting type as this transaction sees it.
    pub async fn meeting_type(&self, id: Uuid) -> Result<MeetingType> {
        load_meeting_type(&self.txn, id).await
    }

    /// Locks the department's members, and `also` (members named by staff, who may have left
    /// it), and returns the department as read under those locks: the assignment counters the
    /// algorithms read cannot move until the transaction ends.
    pub async fn lock_department(&self, id: Uuid, also: &[Uuid]) -> Result<Department> {
        if self.txn.get_database_backend() == DbBackend::Postgres {
            let mut people: Vec<Uuid> = department_members::Entity::find()
                .select_only()
                .column(department_members::Column::UserId)
                .filter(department_members::Column::DepartmentId.eq(id))
                .into_tuple()
                .all(&self.txn)
                .await?;
            people.extend_from_slice(also);
            lock_people(&self.txn, &people).await?;
        }
        // SQLite's write lock is held since the transaction began.
        load_department(&self.txn, id).await
    }

    /// Locks `people` (the host and participants of an internal meeting).
    pub async fn lock_people(&self, people: &[Uuid]) -> Result<()> {
        lock_people(&self.txn, people).await
    }

    /// The department's schedule over `window`, leaving the booking `except` out.
    pub async fn schedule(
        &self,
        department: &Department,
        window: Interval,
        except: Option<Uuid>,
    ) -> Result<Schedule> {
        load_schedule(&self.txn, department, window, except).await
    }

    /// The schedule of `people` over `window` with the rules read in `zone`, leaving the booking
    /// `except` out; people whose accounts are inactive are missing from it.
    pub async fn attendee_schedule(
        &self,
        zone: TimeZone,
        people: &[Uuid],
        window: Interval,
        except: Option<Uuid>,
    ) -> Result<Schedule> {
        load_attendee_schedule(&self.txn, zone, people, window, except).await
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
        let mut also = vec![before.assigned_to];
        also.extend(new_host);
        if before.booking_type == BookingType::Internal {
            also.extend(before.participants.iter().filter_map(|p| p.user_id));
            lock_people(&self.txn, &also).await?;
            return load_department(&self.txn, before.department_id).await;
        }
        self.lock_department(before.department_id, &also).await
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
            update.assignment_method = Set(Word(method));
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
            record_assignment(
                &self.txn,
                before.id,
                plan.host,
                plan.moved_by,
                assignment_type,
                plan.reason.clone(),
                now,
            )
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
