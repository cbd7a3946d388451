//! Changing a booking: status transitions, and moves to another time or host. Each change
//! checks the transition in the domain, writes the history and queues the emails in one
//! transaction; moves recheck availability under the same locks as creation.

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval,
    booking::{
        Action, ActorRole, AssignmentMethod, AssignmentType, Booking, BookingType, HistoryAction,
        HistoryEntry,
    },
    notification::Notice,
    scheduling::MeetingSpec,
    user::StaffUser,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel,
    QueryFilter, QuerySelect, Set, sea_query::Expr,
};
use uuid::Uuid;

use super::{
    Acting, BookingKey, Change, LinkHashes, Move, MovePolicy, Render, create, internal,
    lock_people, notify, read, record,
};
use crate::{
    Result, Store, StoreError,
    departments::load_department,
    entity::{booking_assignment_history, bookings},
    meeting_types::load_meeting_type,
    scheduling::{load_attendee_schedule, load_schedule},
    users::load_users,
};

impl Store {
    /// Applies a status change. Returns the changed booking.
    #[tracing::instrument(skip(self, links, render))]
    pub async fn change_booking(
        &self,
        key: &BookingKey,
        change: Change,
        by: Acting<'_>,
        links: Option<&LinkHashes>,
        now: DateTime<Utc>,
        render: Render<'_>,
    ) -> Result<Booking> {
        let txn = self.begin().await?;
        let row = locked_row(&txn, key, now).await?;
        let before = read::assemble(&txn, row.clone()).await?;
        (by.permit)(&before).map_err(|why| StoreError::NotAllowed(why.to_owned()))?;
        let actor = by.actor;
        let action = match &change {
            Change::Approve => Action::Approve,
            Change::Reject { .. } => Action::Reject,
            Change::Cancel { .. } => Action::Cancel,
            Change::Complete => Action::Complete,
            Change::MarkNoShow => Action::MarkNoShow,
        };
        let after = before.lifecycle().apply(action, now)?;

        let mut update = row.into_active_model();
        update.status = Set(after.status.as_ref().to_owned());
        update.approval_status = Set(after.approval.map(|a| a.as_ref().to_owned()));
        update.updated_utc = Set(now);
        let (history_action, notes, notice) = match change {
            Change::Approve => {
                update.approved_by = Set(actor.user_id);
                update.approved_utc = Set(Some(now));
                update.ics_sequence = Set(before.ics_sequence as i32 + 1);
                (HistoryAction::Approved, None, Some(Notice::Approved))
            }
            Change::Reject { reason } => {
                update.approved_by = Set(actor.user_id);
                update.approved_utc = Set(Some(now));
                update.rejection_reason = Set(Some(reason.clone()));
                cancelled(&mut update, actor.role, Some(&reason), None, now);
                update.ics_sequence = Set(before.ics_sequence as i32 + 1);
                (
                    HistoryAction::Rejected,
                    Some(reason.clone()),
                    Some(Notice::Rejected { reason }),
                )
            }
            Change::Cancel { reason, notes } => {
                cancelled(
                    &mut update,
                    actor.role,
                    reason.as_deref(),
                    notes.as_deref(),
                    now,
                );
                update.ics_sequence = Set(before.ics_sequence as i32 + 1);
                (
                    HistoryAction::Cancelled,
                    reason.clone(),
                    Some(Notice::Cancelled {
                        by: actor.role,
                        reason,
                    }),
                )
            }
            Change::Complete => (HistoryAction::Completed, None, None),
            Change::MarkNoShow => (HistoryAction::NoShow, None, None),
        };
        if after.status.holds_time() {
            refresh_links(&mut update, &before, links);
        }
        update.update(&txn).await?;
        record(
            &txn,
            before.id,
            HistoryEntry {
                action: history_action,
                action_by: actor.user_id,
                action_by_role: actor.role,
                action_utc: now,
                old_value: Some(before.status.as_ref().to_owned()),
                new_value: Some(after.status.as_ref().to_owned()),
                notes,
            },
        )
        .await?;
        let booking = read::load_booking(&txn, before.id).await?;
        if let Some(notice) = notice {
            notify(&txn, &notice, &booking, actor.user_id, render, now).await?;
        }
        self.commit(txn).await?;
        Ok(booking)
    }

    /// Moves a booking to another time and/or host, after checking that the host is free there
    /// (ignoring the booking itself). Fails with [`StoreError::SlotUnavailable`] naming the
    /// conflicts when not.
    #[tracing::instrument(skip(self, links, render))]
    pub async fn move_booking(
        &self,
        key: &BookingKey,
        to: Move,
        by: Acting<'_>,
        links: Option<&LinkHashes>,
        now: DateTime<Utc>,
        render: Render<'_>,
    ) -> Result<Booking> {
        let txn = self.begin().await?;
        let row = locked_row(&txn, key, now).await?;
        let before = read::assemble(&txn, row.clone()).await?;
        (by.permit)(&before).map_err(|why| StoreError::NotAllowed(why.to_owned()))?;
        let actor = by.actor;
        let internal = before.booking_type == BookingType::Internal;
        let roster = load_department(&txn, row.department_id).await?;
        let mut people: Vec<Uuid> = if internal {
            before
                .participants
                .iter()
                .filter_map(|p| p.user_id)
                .collect()
        } else {
            roster.members.iter().map(|m| m.user_id).collect()
        };
        people.push(row.assigned_to);
        people.extend(to.host);
        lock_people(&txn, &people).await?;
        let department = load_department(&txn, row.department_id).await?;
        let action = if to.host.is_some_and(|h| h != before.assigned_to)
            && to.start == before.span.start()
        {
            Action::Reassign
        } else {
            Action::Reschedule
        };
        before.lifecycle().apply(action, now)?;
        if to.policy == MovePolicy::Customer {
            before.customer_may_reschedule()?;
        }

        let spec = booking_spec(&txn, &before).await?;
        let span = Interval::starting_at(to.start, spec.duration);
        let (host, method) = match to.policy {
            MovePolicy::Staff if internal => {
                let host = to.host.unwrap_or(before.assigned_to);
                let everyone = attendees(&before, host);
                let schedule = load_attendee_schedule(
                    &txn,
                    department.timezone,
                    &everyone,
                    span,
                    Some(before.id),
                )
                .await?;
                internal::check_all_free(&schedule, &everyone, &spec, to.start, now)?;
                (host, before.assignment_method)
            }
            MovePolicy::Staff => {
                let host = to.host.unwrap_or(before.assigned_to);
                let schedule = load_schedule(&txn, &department, span, Some(before.id)).await?;
                create::check_member_free(&schedule, host, &spec, to.start, now)?;
                (host, before.assignment_method)
            }
            MovePolicy::Customer => {
                let window = Interval::starting_at(to.start, mm_domain::Minutes::ONE);
                let schedule = load_schedule(&txn, &department, window, Some(before.id)).await?;
                let free = schedule
                    .open_slots(&spec, window)
                    .free_members_at(to.start, now);
                if free.contains(&before.assigned_to) {
                    (before.assigned_to, before.assignment_method)
                } else {
                    let host = create::choose_host(&txn, &department, &free, now)
                        .await?
                        .ok_or(StoreError::SlotUnavailable(Vec::new()))?;
                    (host, AssignmentMethod::of(department.algorithm))
                }
            }
        };
        let moved = span != before.span;
        let reassigned = host != before.assigned_to;
        if !moved && !reassigned {
            return Err(StoreError::conflict(
                if to.host.is_some() {
                    "assigned_to"
                } else {
                    "start_utc"
                },
                "the booking is already there",
            ));
        }

        let mut update = row.into_active_model();
        update.start_utc = Set(span.start());
        update.end_utc = Set(span.end());
        update.updated_utc = Set(now);
        update.ics_sequence = Set(before.ics_sequence as i32 + 1);
        refresh_links(&mut update, &before, links);
        if reassigned {
            update.assigned_to = Set(host);
            update.assignment_method = Set(match to.policy {
                MovePolicy::Staff => AssignmentMethod::Manual.as_ref().to_owned(),
                MovePolicy::Customer => method.as_ref().to_owned(),
            });
            update.reassignment_count = Set(before.reassignment_count as i32 + 1);
        }
        update.update(&txn).await?;

        if moved {
            record(
                &txn,
                before.id,
                HistoryEntry {
                    action: HistoryAction::Rescheduled,
                    action_by: actor.user_id,
                    action_by_role: actor.role,
                    action_utc: now,
                    old_value: Some(crate::utc_text(before.span.start())),
                    new_value: Some(crate::utc_text(span.start())),
                    notes: to.reason.clone(),
                },
            )
            .await?;
        }
        if reassigned {
            let assignment_type = match to.policy {
                MovePolicy::Customer => method.assignment_type(),
                MovePolicy::Staff if to.dragged => AssignmentType::ManualDragDrop,
                MovePolicy::Staff => AssignmentType::ManualDirect,
            };
            booking_assignment_history::Entity::update_many()
                .col_expr(
                    booking_assignment_history::Column::IsCurrent,
                    Expr::value(false),
                )
                .filter(booking_assignment_history::Column::BookingId.eq(before.id))
                .exec(&txn)
                .await?;
            booking_assignment_history::ActiveModel {
                id: Set(Uuid::new_v4()),
                booking_id: Set(before.id),
                assigned_to: Set(host),
                assigned_utc: Set(now),
                assigned_by: Set(actor.user_id),
                assignment_type: Set(assignment_type.as_ref().to_owned()),
                is_current: Set(true),
                notes: Set(to.reason.clone()),
            }
            .insert(&txn)
            .await?;
            record(
                &txn,
                before.id,
                HistoryEntry {
                    action: HistoryAction::Reassigned,
                    action_by: actor.user_id,
                    action_by_role: actor.role,
                    action_utc: now,
                    old_value: Some(before.assigned_to.to_string()),
                    new_value: Some(host.to_string()),
                    notes: to.reason.clone(),
                },
            )
            .await?;
            if !internal {
                create::count_assignment(&txn, department.id, host, now).await?;
            }
        }

        let booking = read::load_booking(&txn, before.id).await?;
        if moved {
            let notice = Notice::Rescheduled {
                previous: before.span,
            };
            notify(&txn, &notice, &booking, actor.user_id, render, now).await?;
        }
        if reassigned {
            let previous_host: StaffUser = load_users(&txn, &[before.assigned_to])
                .await?
                .pop()
                .ok_or(StoreError::NotFound("previous host"))?;
            notify(
                &txn,
                &Notice::Reassigned { previous_host },
                &booking,
                actor.user_id,
                render,
                now,
            )
            .await?;
        }
        self.commit(txn).await?;
        Ok(booking)
    }
}

impl Store {
    /// Why `host` could not take the booking at `start`, as staff would move it; changes nothing.
    pub async fn check_move(
        &self,
        booking_id: Uuid,
        host: Uuid,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<mm_domain::scheduling::AttendeeConflict>> {
        let booking = read::load_booking(&self.db, booking_id).await?;
        booking.lifecycle().apply(Action::Reschedule, now)?;
        let department = load_department(&self.db, booking.department_id).await?;
        let spec = booking_spec(&self.db, &booking).await?;
        let span = Interval::starting_at(start, spec.duration);
        let verdict = if booking.booking_type == BookingType::Internal {
            let everyone = attendees(&booking, host);
            let schedule = load_attendee_schedule(
                &self.db,
                department.timezone,
                &everyone,
                span,
                Some(booking.id),
            )
            .await?;
            internal::check_all_free(&schedule, &everyone, &spec, start, now)
        } else {
            let schedule = load_schedule(&self.db, &department, span, Some(booking.id)).await?;
            create::check_member_free(&schedule, host, &spec, start, now)
        };
        match verdict {
            Ok(()) => Ok(Vec::new()),
            Err(StoreError::SlotUnavailable(conflicts)) => Ok(conflicts),
            Err(other) => Err(other),
        }
    }
}

/// The people of an internal meeting with `host` as its host: they all must be free.
fn attendees(booking: &Booking, host: Uuid) -> Vec<Uuid> {
    let mut everyone = vec![host];
    for id in booking.participants.iter().filter_map(|p| p.user_id) {
        if !everyone.contains(&id) {
            everyone.push(id);
        }
    }
    everyone
}

/// How a booking occupies time when moved: its meeting type's buffers and grid, and its own
/// length, which stays even if the meeting type's has changed since.
async fn booking_spec(db: &impl ConnectionTrait, booking: &Booking) -> Result<MeetingSpec> {
    let meeting_type = load_meeting_type(db, booking.meeting_type_id).await?;
    Ok(MeetingSpec {
        duration: mm_domain::Minutes::parse_in(booking.duration_minutes(), 1..=1440)
            .map_err(crate::corrupt)?,
        ..MeetingSpec::of(&meeting_type)
    })
}

/// The booking row, locked against concurrent changes until the transaction ends.
async fn locked_row(
    db: &impl ConnectionTrait,
    key: &BookingKey,
    now: DateTime<Utc>,
) -> Result<bookings::Model> {
    let row = read::find_row(db, key, now).await?;
    if db.get_database_backend() == DbBackend::Postgres {
        // Re-read under the lock: a concurrent change may have committed meanwhile.
        return bookings::Entity::find_by_id(row.id)
            .lock_exclusive()
            .one(db)
            .await?
            .ok_or(StoreError::NotFound("booking"));
    }
    Ok(row)
}

fn cancelled(
    update: &mut bookings::ActiveModel,
    by: ActorRole,
    reason: Option<&str>,
    notes: Option<&str>,
    now: DateTime<Utc>,
) {
    update.cancellation_reason = Set(reason.map(str::to_owned));
    update.cancellation_notes = Set(notes.map(str::to_owned));
    update.cancelled_by_role = Set(Some(by.as_ref().to_owned()));
    update.cancelled_utc = Set(Some(now));
    // A used (or now pointless) cancel link dies.
    update.cancel_token_hash = Set(None);
}

/// Keeps the stored link hashes equal to the links the emails of this change carry (they differ
/// only after the signing secret changed); a dead cancel link stays dead.
fn refresh_links(update: &mut bookings::ActiveModel, before: &Booking, links: Option<&LinkHashes>) {
    let Some(links) = links else {
        return;
    };
    if before.links_expire_utc.is_none() {
        return;
    }
    if before.cancel_link_live {
        update.cancel_token_hash = Set(Some(links.cancel.clone()));
    }
    update.reschedule_token_hash = Set(Some(links.reschedule.clone()));
}
