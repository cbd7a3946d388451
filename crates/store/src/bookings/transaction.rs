//! A change in progress, for the application layer: it loads and locks through these functions,
//! decides with the domain, and writes back through them; nothing is visible to anyone else until
//! [`Transaction::commit`], and nothing at all if the transaction is dropped.

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval, Minutes, TimeZone,
    booking::{
        AttendanceStatus, Booking, BookingField, BookingType, EditPlan, HistoryEntry, HostsChange,
        MovePlan, RsvpPlan, StatusChangePlan,
    },
    department::Department,
    meeting_type::MeetingType,
    scheduling::{AttendeeConflict, MeetingSpec, Schedule},
    user::StaffUser,
    webhook::WebhookEvent,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Unchanged,
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
    QuerySelect, Select, Set,
    sea_query::{Expr, LockBehavior, LockType, Query},
};
use uuid::Uuid;

use std::{collections::BTreeSet, sync::Mutex, time::Instant};

use super::{
    Announcement, BookingKey, LinkHashes, Placement, change, change::locked_row, create,
    lock_people, notices, read, record, record_assignment,
};
use crate::webhooks::{PendingEvent, queue_deliveries};
use crate::{
    Result, Store, StoreError,
    changes::{Change, Touch},
    departments::load_department,
    entity::{
        Word, booking_assignment_history, booking_participants, bookings, department_members,
        departments, users,
    },
    meeting_types::load_meeting_type,
    scheduling::{
        AvailabilitySettings, Reach, load_attendee_schedule, load_members_schedule, load_schedule,
    },
    users::load_users,
};

/// A booking's own buffer as its column holds it, from an edit's value (whole minutes).
fn minutes(value: Option<&str>) -> Option<i32> {
    value.and_then(|v| v.parse().ok())
}

/// One transaction of the store. SQLite: the write lock is held from the start; PostgreSQL: rows
/// are locked as they are read for a change.
#[derive(Debug)]
pub struct Transaction<'s> {
    pub(crate) store: &'s Store,
    pub(super) txn: DatabaseTransaction,
    /// Whose time the writes so far touched, and when.
    touched: Mutex<Change>,
    /// When it began: on SQLite it holds the database's one write lock from then on.
    began: Instant,
    /// The booking events of the writes so far, delivered to webhooks with the commit.
    events: Mutex<Vec<PendingEvent>>,
}

/// Locks a department's row (PostgreSQL), before any of its people: the order every creation
/// and move takes.
async fn lock_department_row(db: &impl ConnectionTrait, id: Uuid) -> Result<()> {
    let _: Vec<Uuid> = departments::Entity::find()
        .select_only()
        .column(departments::Column::Id)
        .filter(departments::Column::Id.eq(id))
        // As for people: foreign keys to the department must not wait for it.
        .lock(LockType::NoKeyUpdate)
        .into_tuple()
        .all(db)
        .await?;
    Ok(())
}

/// The ids of `people` whose accounts are active and who are active members of `department`.
fn active_members_among(department: &Department, people: &[Uuid]) -> Select<users::Entity> {
    let memberships = Query::select()
        .column(department_members::Column::UserId)
        .from(department_members::Entity)
        .and_where(department_members::Column::DepartmentId.eq(department.id))
        .and_where(department_members::Column::IsActive.eq(true))
        .to_owned();
    users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(users::Column::Id.is_in(people.to_vec()))
        .filter(users::Column::IsActive.eq(true))
        .filter(users::Column::Id.in_subquery(memberships))
}

/// Reports how long a transaction held the write lock, for `scripts/count-queries.sh`
/// (`MM_LOG=mm_store::write_lock=debug`).
fn held_since(began: Instant) {
    let held_us = u64::try_from(began.elapsed().as_micros()).unwrap_or(u64::MAX);
    tracing::debug!(target: "mm_store::write_lock", held_us, "write transaction ended");
}

impl Store {
    /// Starts a change.
    pub async fn transaction(&self) -> Result<Transaction<'_>> {
        Ok(Transaction {
            store: self,
            txn: self.begin().await?,
            touched: Mutex::default(),
            began: Instant::now(),
            events: Mutex::default(),
        })
    }
}

impl Transaction<'_> {
    /// Makes the change visible and announces whose time it touched (to the slot cache, to
    /// other processes).
    pub async fn commit(self) -> Result<()> {
        self.queue_webhooks().await?;
        let (began, store) = (self.began, self.store);
        let touched = self
            .touched
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let committed = store.commit(self.txn, touched).await;
        held_since(began);
        committed
    }

    /// Writes the webhook deliveries of the events so far, in this transaction.
    async fn queue_webhooks(&self) -> Result<()> {
        let events = std::mem::take(
            &mut *self
                .events
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        queue_deliveries(&self.txn, self.store.booking_payload, events).await
    }

    /// Notes a booking event, for the webhooks that want it.
    pub(crate) fn announce_event(&self, event: PendingEvent) {
        self.events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(event);
    }

    /// Adds `entry` to the history of `booking` (of `department`), and the event it is, if
    /// any, for the webhooks.
    pub(super) async fn record(
        &self,
        booking: Uuid,
        department: Uuid,
        entry: HistoryEntry,
    ) -> Result<()> {
        if let Some(event) = WebhookEvent::of(entry.action) {
            self.announce_event(PendingEvent {
                booking_id: booking,
                department_id: department,
                event,
                at: entry.action_utc,
                gone: None,
            });
        }
        record(&self.txn, booking, entry).await
    }

    /// Notes that this transaction changes `change`'s time.
    pub(crate) fn touch(&self, change: Change) {
        let mut touched = self
            .touched
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        touched.extend(change.into_touches());
    }

    /// Notes that a booking of `department` held or frees `people`'s time over `span`.
    pub(super) fn touch_booking(&self, department: Uuid, people: &[Uuid], span: Interval) {
        let people = people.iter().map(|id| Touch::person_during(*id, span));
        self.touch(Change::new(
            people.chain([Touch::department_during(department, span)]),
        ));
    }

    /// Makes a change visible that changes nobody's free time (a reminder handled, a thank-you
    /// stamped, where a calendar holds the event, a video link): the slot tables of this process
    /// and the others stay valid.
    pub async fn commit_quietly(self) -> Result<()> {
        self.queue_webhooks().await?;
        self.txn.commit().await?;
        held_since(self.began);
        Ok(())
    }

    /// Ends the transaction without changing anything.
    pub async fn rollback(self) -> Result<()> {
        self.txn.rollback().await?;
        held_since(self.began);
        Ok(())
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
        self.touch_booking(
            before.department_id,
            &before.attendees_with_host(before.assigned_to),
            before.span,
        );
        self.record(before.id, before.department_id, plan.history.clone())
            .await
    }

    /// Writes a planned edit of `before`'s own fields with its history entry. Nobody's free
    /// time changes; the customer's participant row follows their name and address.
    pub async fn apply_edit(
        &self,
        before: &Booking,
        plan: &EditPlan,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let Some(history) = &plan.history else {
            return Ok(());
        };
        let mut update = bookings::ActiveModel {
            id: Unchanged(before.id),
            updated_utc: Set(now),
            ..Default::default()
        };
        for change in &plan.changes {
            use BookingField as F;
            let value = change.new.clone();
            match change.field {
                F::Title => update.meeting_title = Set(value.unwrap_or_default()),
                F::MeetingDescription => update.meeting_description = Set(value),
                F::PhysicalLocation => update.physical_location = Set(value),
                F::MeetingLink => update.meeting_link = Set(value),
                F::MeetingNotes => update.meeting_notes = Set(value),
                F::CustomerName => update.customer_name = Set(value),
                F::CustomerEmail => update.customer_email = Set(value),
                F::CustomerPhone => update.customer_phone = Set(value),
                F::CustomerNotes => update.customer_notes = Set(value),
                F::MeetingMinutes => update.meeting_minutes = Set(value),
                F::ActionItems => update.action_items = Set(value),
                F::BufferBefore => update.buffer_before = Set(minutes(value.as_deref())),
                F::BufferAfter => update.buffer_after = Set(minutes(value.as_deref())),
                // Rows of their own: written below.
                F::CoHosts => {}
            }
        }
        if plan.bumps_sequence {
            update.ics_sequence = Set(before.ics_sequence as i32 + 1);
        }
        update.update(&self.txn).await?;
        if plan.rechecks_time {
            // The time kept free around the meeting changed: so did its people's free time
            // (buffers reach at most eight hours out).
            let reach = chrono::Duration::minutes(i64::from(*Minutes::BUFFER.end()));
            let around = Interval::new(before.span.start() - reach, before.span.end() + reach)
                .unwrap_or(before.span);
            self.touch_booking(
                before.department_id,
                &before.attendees_with_host(before.assigned_to),
                around,
            );
        }
        if let Some(hosts) = &plan.hosts {
            self.apply_co_hosts(before, hosts).await?;
        }
        let name = plan.new_value(BookingField::CustomerName).flatten();
        let email = plan.new_value(BookingField::CustomerEmail).flatten();
        if name.is_some() || email.is_some() {
            let mut guest = <booking_participants::ActiveModel as Default>::default();
            if let Some(name) = name {
                guest.name = Set(name.to_owned());
            }
            if let Some(email) = email {
                guest.email = Set(email.to_owned());
            }
            booking_participants::Entity::update_many()
                .set(guest)
                .filter(booking_participants::Column::BookingId.eq(before.id))
                .filter(booking_participants::Column::UserId.is_null())
                .exec(&self.txn)
                .await?;
        }
        self.record(before.id, before.department_id, history.clone())
            .await
    }

    /// Writes a change of `before`'s co-hosts: the ones removed leave the meeting; the ones
    /// added join it as co-hosts (a participant already in it becomes one).
    async fn apply_co_hosts(&self, before: &Booking, hosts: &HostsChange) -> Result<()> {
        if !hosts.removed.is_empty() {
            booking_participants::Entity::delete_many()
                .filter(booking_participants::Column::BookingId.eq(before.id))
                .filter(booking_participants::Column::UserId.is_in(hosts.removed.clone()))
                .exec(&self.txn)
                .await?;
        }
        let (promoted, newcomers): (Vec<Uuid>, Vec<Uuid>) = hosts
            .added
            .iter()
            .map(|u| u.id)
            .partition(|id| before.participants.iter().any(|p| p.user_id == Some(*id)));
        if !promoted.is_empty() {
            booking_participants::Entity::update_many()
                .col_expr(booking_participants::Column::IsHost, Expr::value(true))
                .col_expr(
                    booking_participants::Column::AttendanceStatus,
                    Expr::value(Word(AttendanceStatus::Confirmed)),
                )
                .filter(booking_participants::Column::BookingId.eq(before.id))
                .filter(booking_participants::Column::UserId.is_in(promoted))
                .exec(&self.txn)
                .await?;
        }
        create::insert_staff(&self.txn, before.id, &newcomers, true).await?;
        let mut people = hosts.removed.clone();
        people.extend(hosts.added.iter().map(|u| u.id));
        self.touch_booking(before.department_id, &people, before.span);
        Ok(())
    }

    /// Writes a participant's planned answer to `booking`'s invitation, with its history entry;
    /// a decline frees their time, a later acceptance holds it again.
    pub async fn apply_rsvp(
        &self,
        booking: &Booking,
        plan: &RsvpPlan,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let Some(history) = &plan.history else {
            return Ok(());
        };
        booking_participants::Entity::update_many()
            .col_expr(
                booking_participants::Column::AttendanceStatus,
                Expr::value(Word(plan.attendance)),
            )
            .col_expr(booking_participants::Column::ResponseUtc, Expr::value(now))
            .filter(booking_participants::Column::BookingId.eq(booking.id))
            .filter(booking_participants::Column::UserId.eq(plan.participant))
            .exec(&self.txn)
            .await?;
        if plan.frees_time.is_some() {
            self.touch(Change::new([Touch::person_during(
                plan.participant,
                booking.span,
            )]));
        }
        self.record(booking.id, booking.department_id, history.clone())
            .await
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

    /// `department` (read before the transaction) as a new booking goes to it, with `named`
    /// (members staff named as host, who may have left it) locked. SQLite's write lock is held
    /// since the transaction began; on PostgreSQL nobody else is locked yet: the algorithm's
    /// candidates are claimed one at a time ([`Transaction::claim_member`]), so bookings for
    /// different members run in parallel. When the department limits its bookings per day, its
    /// row is locked first and read again, so that two bookings cannot both take its last place.
    pub async fn department_for_booking(
        &self,
        department: Department,
        named: &[Uuid],
    ) -> Result<Department> {
        if self.txn.get_database_backend() != DbBackend::Postgres {
            return Ok(department);
        }
        if department.max_bookings_per_day.is_some() {
            lock_department_row(&self.txn, department.id).await?;
        }
        lock_people(&self.txn, named).await?;
        if department.max_bookings_per_day.is_some() {
            return load_department(&self.txn, department.id).await;
        }
        Ok(department)
    }

    /// Claims `member` as the host of a booking like `spec` within `window` in `department`
    /// and returns their schedule as it is once claimed: their commitments and busy time read
    /// again, with the availability `settings` read before the transaction; `None` when they
    /// are no longer an active member of it. PostgreSQL only ([`Transaction::claims_one_by_one`];
    /// SQLite's one writer rechecks every candidate at once): the member's row is locked;
    /// `wait`: wait for whoever is booking them now;
    /// otherwise a member someone is booking is skipped (`None` too), which spreads
    /// simultaneous customers over the free members instead of queueing them all behind the
    /// algorithm's first choice. The claim is kept ([`Transaction::keep_claim`]) or given back
    /// ([`Transaction::give_back_claim`], which releases the lock at once), so a transaction
    /// never waits while holding a claim it does not need: no two creations wait for each other.
    pub async fn claim_member(
        &self,
        department: &Department,
        member: Uuid,
        settings: &AvailabilitySettings,
        spec: &MeetingSpec,
        window: Interval,
        wait: bool,
    ) -> Result<Option<Schedule>> {
        self.txn.execute_unprepared("SAVEPOINT claim").await?;
        let query = active_members_among(department, &[member]);
        let claimed: Vec<Uuid> = if wait {
            query.lock(LockType::NoKeyUpdate)
        } else {
            query.lock_with_behavior(LockType::NoKeyUpdate, LockBehavior::SkipLocked)
        }
        .into_tuple()
        .all(&self.txn)
        .await?;
        if claimed.is_empty() {
            self.txn
                .execute_unprepared("RELEASE SAVEPOINT claim")
                .await?;
            return Ok(None);
        }
        let schedule = load_members_schedule(
            &self.txn,
            department,
            &[member],
            settings,
            spec.duration,
            window,
        )
        .await?;
        Ok(Some(schedule))
    }

    /// Whether candidate hosts are claimed one at a time ([`Transaction::claim_member`]), as
    /// on PostgreSQL, where each is locked; under SQLite's one writer nobody else writes, so
    /// all of them are read again at once ([`Transaction::recheck_members`]).
    pub fn claims_one_by_one(&self) -> bool {
        self.txn.get_database_backend() == DbBackend::Postgres
    }

    /// `members`' schedule for a booking like `spec` within `window` in `department`, read
    /// again under SQLite's one writer: their commitments and busy time, with the availability
    /// `settings` read before the transaction; members no longer active in it are missing.
    pub async fn recheck_members(
        &self,
        department: &Department,
        members: &[Uuid],
        settings: &AvailabilitySettings,
        spec: &MeetingSpec,
        window: Interval,
    ) -> Result<Schedule> {
        let still: BTreeSet<Uuid> = active_members_among(department, members)
            .into_tuple()
            .all(&self.txn)
            .await?
            .into_iter()
            .collect();
        let members: Vec<Uuid> = members
            .iter()
            .copied()
            .filter(|m| still.contains(m))
            .collect();
        load_members_schedule(
            &self.txn,
            department,
            &members,
            settings,
            spec.duration,
            window,
        )
        .await
    }

    /// Keeps the last claim: its member hosts the booking.
    pub async fn keep_claim(&self) -> Result<()> {
        self.txn
            .execute_unprepared("RELEASE SAVEPOINT claim")
            .await?;
        Ok(())
    }

    /// Gives the last claim back, releasing its member's lock.
    pub async fn give_back_claim(&self) -> Result<()> {
        self.txn
            .execute_unprepared("ROLLBACK TO SAVEPOINT claim")
            .await?;
        self.txn
            .execute_unprepared("RELEASE SAVEPOINT claim")
            .await?;
        Ok(())
    }

    /// Locks `people` (the host and participants of an internal meeting).
    pub async fn lock_people(&self, people: &[Uuid]) -> Result<()> {
        lock_people(&self.txn, people).await
    }

    /// The department's schedule for placing a meeting like `spec` within `window`, leaving the
    /// booking `except` out: read only as far around the window as such a meeting can depend on
    /// (see [`Schedule::slot_data_window`]), so the recheck under the lock stays short.
    pub async fn schedule(
        &self,
        department: &Department,
        spec: &MeetingSpec,
        window: Interval,
        except: Option<Uuid>,
    ) -> Result<Schedule> {
        let reach = Reach::Meeting(spec.duration);
        load_schedule(&self.txn, department, window, reach, except).await
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
        let mut also = before.hosts();
        also.extend(new_host);
        if before.booking_type == BookingType::Internal {
            also.extend(before.participants.iter().filter_map(|p| p.user_id));
            lock_people(&self.txn, &also).await?;
            return load_department(&self.txn, before.department_id).await;
        }
        if self.txn.get_database_backend() == DbBackend::Postgres {
            // A customer's move may land on any member: lock them all (department row first,
            // as a creation does).
            lock_department_row(&self.txn, before.department_id).await?;
            let mut people: Vec<Uuid> = department_members::Entity::find()
                .select_only()
                .column(department_members::Column::UserId)
                .filter(department_members::Column::DepartmentId.eq(before.department_id))
                .into_tuple()
                .all(&self.txn)
                .await?;
            people.extend_from_slice(&also);
            lock_people(&self.txn, &people).await?;
        }
        load_department(&self.txn, before.department_id).await
    }

    /// Why `before` cannot move as staff place it `to`: see [`Store::check_move`].
    pub async fn move_conflicts(
        &self,
        department: &Department,
        before: &Booking,
        spec: &MeetingSpec,
        to: Placement,
        now: DateTime<Utc>,
    ) -> Result<Vec<AttendeeConflict>> {
        change::staff_move_conflicts(&self.txn, before, department, spec, to, now).await
    }

    /// Why `before`'s co-hosts cannot all follow it when it is placed `to` (a customer's move,
    /// whose primary host the department's slots chose).
    pub async fn co_host_conflicts(
        &self,
        department: &Department,
        before: &Booking,
        spec: &MeetingSpec,
        to: Placement,
        now: DateTime<Utc>,
    ) -> Result<Vec<AttendeeConflict>> {
        change::co_host_conflicts(&self.txn, before, department.timezone, spec, to, now).await
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
        if before.links_expire_utc.is_some() {
            // The customer's links follow the meeting: they work until it ends.
            update.tokens_expire_utc = Set(Some(plan.span.end()));
        }
        if plan.promotes_co_host {
            booking_participants::Entity::delete_many()
                .filter(booking_participants::Column::BookingId.eq(before.id))
                .filter(booking_participants::Column::UserId.eq(plan.host))
                .exec(&self.txn)
                .await?;
        }
        if let Some((method, _)) = plan.assignment {
            update.assigned_to = Set(plan.host);
            update.assignment_method = Set(Word(method));
            update.reassignment_count = Set(before.reassignment_count as i32 + 1);
        }
        update.update(&self.txn).await?;
        self.touch_booking(
            before.department_id,
            &before.attendees_with_host(before.assigned_to),
            before.span,
        );
        self.touch_booking(
            before.department_id,
            &before.attendees_with_host(plan.host),
            plan.span,
        );
        for entry in &plan.history {
            self.record(before.id, before.department_id, entry.clone())
                .await?;
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

    /// The staff users among `ids`, active or not, in no particular order.
    pub async fn staff_users(&self, ids: &[Uuid]) -> Result<Vec<StaffUser>> {
        load_users(&self.txn, ids).await
    }

    /// A staff user, active or not.
    pub async fn staff_user(&self, id: Uuid) -> Result<StaffUser> {
        load_users(&self.txn, &[id])
            .await?
            .pop()
            .ok_or(StoreError::NotFound("user"))
    }
}
