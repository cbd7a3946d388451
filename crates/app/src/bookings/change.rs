//! Changing a booking: its status, its own fields, or its time and host.

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval,
    booking::{
        Booking, BookingEdit, Move, MovePolicy, Rsvp, StatusChange, Unavailable, buffer_clashes,
        clashes_on_return, free_members_at, no_show_follow_up, pick_free_member, plan_edit,
        plan_move, plan_rsvp, plan_status_change,
    },
    notification::Notice,
    scheduling::MeetingSpec,
};
use mm_store::{Acting, Announcement, BookingKey, LinkHashes, Placement, Store, Transaction};

use crate::{AppError, AppResult, announce};

/// Approves, rejects, cancels, completes or marks as no-show the booking `key` names, if the
/// person acting may (judged on the booking as locked) and its state allows it; writes the
/// history and queues the notice in the same transaction. Returns the changed booking.
#[tracing::instrument(skip(store, by, links))]
pub async fn change_status(
    store: &Store,
    key: &BookingKey,
    change: StatusChange,
    by: Acting<'_>,
    links: Option<&LinkHashes>,
    now: DateTime<Utc>,
) -> AppResult<Booking> {
    let tx = store.transaction().await?;
    let before = lock_permitted(&tx, key, &by, now).await?;
    let missed = change == StatusChange::MarkNoShow;
    let plan = plan_status_change(&before, change, by.actor, now)?;
    tx.apply_status_change(&before, &plan, links, now).await?;
    let booking = tx.booking(before.id).await?;
    if let Some(notice) = &plan.notice {
        announce(&tx, notice, &booking, by.actor.user_id, now).await?;
    }
    if missed {
        let meeting_type = tx.meeting_type(booking.meeting_type_id).await?;
        if let Some(notice) = no_show_follow_up(&booking, &meeting_type) {
            announce(&tx, &notice, &booking, by.actor.user_id, now).await?;
        }
    }
    tx.commit().await?;
    Ok(booking)
}

/// Edits the booking `key` names: the fields that differ, one history entry naming them, and,
/// when the people in the meeting see the change, an updated invite to them. An edit that
/// changes nothing writes nothing. Returns the booking as it now is.
#[tracing::instrument(skip(store, edit, by))]
pub async fn edit_booking(
    store: &Store,
    key: &BookingKey,
    edit: BookingEdit,
    by: Acting<'_>,
    now: DateTime<Utc>,
) -> AppResult<Booking> {
    let tx = store.transaction().await?;
    let before = lock_permitted(&tx, key, &by, now).await?;
    let named = match &edit.co_hosts {
        Some(co_hosts) => {
            tx.staff_users(&co_hosts.besides(before.assigned_to))
                .await?
        }
        None => Vec::new(),
    };
    let plan = plan_edit(&before, edit, &named, by.actor, now)?;
    if plan.history.is_none() {
        tx.rollback().await?;
        return Ok(before);
    }
    let newcomers = plan
        .hosts
        .as_ref()
        .map(|h| h.newcomers(&before))
        .unwrap_or_default();
    tx.apply_edit(&before, &plan, now).await?;
    let booking = tx.booking(before.id).await?;
    if plan.rechecks_time {
        // New co-hosts must be free for the meeting, and its buffers must not reach into
        // anyone's other meetings or busy time.
        let everyone = booking.attendees_with_host(booking.assigned_to);
        tx.lock_people(&everyone).await?;
        let meeting_type = tx.meeting_type(booking.meeting_type_id).await?;
        let spec = MeetingSpec::for_booking(&meeting_type, &booking);
        let (joining, staying): (Vec<_>, Vec<_>) = tx
            .attendee_schedule(booking.timezone, &everyone, booking.span, Some(booking.id))
            .await?
            .everyone_conflicts(&everyone, &spec, booking.span.start(), now)
            .into_iter()
            .partition(|c| newcomers.contains(&c.user_id));
        let mut clashes = joining;
        clashes.extend(buffer_clashes(staying));
        if !clashes.is_empty() {
            return Err(Unavailable::Conflicts(clashes).into());
        }
    }
    if let Some(notice) = &plan.notice {
        announce(&tx, notice, &booking, by.actor.user_id, now).await?;
    }
    if let Some(hosts) = &plan.hosts {
        let notice = Notice::HostsChanged {
            added: hosts.added.iter().map(|u| u.id).collect(),
            removed: tx.staff_users(&hosts.removed).await?,
        };
        announce(&tx, &notice, &booking, by.actor.user_id, now).await?;
    }
    if plan.rechecks_time || plan.hosts.is_some() {
        tx.commit().await?;
    } else {
        // Nobody's free time changed: the slot tables stay valid.
        tx.commit_quietly().await?;
    }
    Ok(booking)
}

/// Records `user`'s answer to the invitation to internal meeting `id`: their attendance and its
/// time, a history entry, and for a decline the organiser's notice; a decline frees their time.
/// An invitation to a series is one (its invite carries the rule): the answer holds for that
/// meeting and every later one still ahead, each with its own history entry, with one notice.
#[tracing::instrument(skip(store))]
pub async fn answer_invitation(
    store: &Store,
    id: uuid::Uuid,
    user: uuid::Uuid,
    rsvp: Rsvp,
    now: DateTime<Utc>,
) -> AppResult<Booking> {
    let tx = store.transaction().await?;
    let (booking, others) = tx.lock_with_series(&BookingKey::Id(id), now).await?;
    let mut meetings = vec![booking.clone()];
    if let Some(place) = booking.series {
        meetings.extend(others.into_iter().filter(|m| {
            m.series.is_some_and(|p| p.index > place.index)
                && m.status.holds_time()
                && m.span.end() > now
        }));
    }
    let mut notice = None;
    let mut changed = false;
    for meeting in &meetings {
        let plan = match plan_rsvp(meeting, user, rsvp, now) {
            Ok(plan) => plan,
            // The later meetings take the answer where they can.
            Err(_) if meeting.id != booking.id => continue,
            Err(why) => return Err(why.into()),
        };
        if plan.history.is_none() {
            continue;
        }
        if plan.frees_time == Some(false) {
            // Back after a decline: only if no other meeting took the time meanwhile.
            tx.lock_people(&[user]).await?;
            let meeting_type = tx.meeting_type(meeting.meeting_type_id).await?;
            let spec = MeetingSpec::for_booking(&meeting_type, meeting);
            let conflicts = tx
                .attendee_schedule(meeting.timezone, &[user], meeting.span, Some(meeting.id))
                .await?
                .everyone_conflicts(&[user], &spec, meeting.span.start(), now);
            let clashes = clashes_on_return(conflicts);
            if !clashes.is_empty() {
                return Err(Unavailable::Conflicts(clashes).into());
            }
        }
        tx.apply_rsvp(meeting, &plan, now).await?;
        changed = true;
        if meeting.id == booking.id {
            notice = plan.notice;
        }
    }
    if !changed {
        tx.rollback().await?;
        return Ok(booking);
    }
    let answered = tx.booking(id).await?;
    if let Some(notice) = &notice {
        announce(&tx, notice, &answered, Some(user), now).await?;
    }
    tx.commit().await?;
    Ok(answered)
}

/// Moves the booking `key` names to another time and/or host: the customer's reschedule link
/// (offered slots only; the host stays when still free, else the department's algorithm picks a
/// free member) or staff (any time the host, and for an internal meeting everyone in it, is free).
/// Everyone it may involve is locked first, so two moves or a move and a booking cannot take the
/// same time. Returns the moved booking.
#[tracing::instrument(skip(store, by, links))]
pub async fn move_booking(
    store: &Store,
    key: &BookingKey,
    to: Move,
    by: Acting<'_>,
    links: Option<&LinkHashes>,
    now: DateTime<Utc>,
) -> AppResult<Booking> {
    let tx = store.transaction().await?;
    let before = lock_permitted(&tx, key, &by, now).await?;
    let department = tx.lock_for_move(&before, to.host).await?;
    to.check_allowed(&before, now)?;
    let meeting_type = tx.meeting_type(before.meeting_type_id).await?;
    let spec = MeetingSpec::for_booking(&meeting_type, &before);
    let span = Interval::starting_at(to.start, spec.duration);
    let (host, method) = match to.policy {
        MovePolicy::Staff => {
            let host = to.host.unwrap_or(before.assigned_to);
            let placed = Placement {
                host,
                start: to.start,
            };
            let conflicts = tx
                .move_conflicts(&department, &before, &spec, placed, now)
                .await?;
            if !conflicts.is_empty() {
                return Err(Unavailable::Conflicts(conflicts).into());
            }
            (host, before.assignment_method)
        }
        MovePolicy::Customer => {
            // Offered slots only: the grid is read around the start.
            let window = Interval::starting_at(to.start, mm_domain::Minutes::ONE);
            let schedule = tx
                .schedule(&department, &spec, window, Some(before.id))
                .await?;
            let free = free_members_at(&schedule, &spec, to.start, now);
            let chosen = if free.contains(&before.assigned_to) {
                (before.assigned_to, before.assignment_method)
            } else {
                let upcoming = tx.upcoming_bookings(&department, now).await?;
                pick_free_member(&department, &free, |id| {
                    upcoming.get(&id).copied().unwrap_or(0)
                })
                .ok_or(Unavailable::NobodyFree)?
            };
            // The co-hosts come along: each of them must be free at the new time too.
            let placed = Placement {
                host: chosen.0,
                start: to.start,
            };
            let conflicts = tx
                .co_host_conflicts(&department, &before, &spec, placed, now)
                .await?;
            if !conflicts.is_empty() {
                return Err(Unavailable::Conflicts(conflicts).into());
            }
            chosen
        }
    };
    let plan = plan_move(&before, &to, span, host, method, by.actor, now)?;
    tx.apply_move(&before, &plan, links, now).await?;
    let booking = tx.booking(before.id).await?;
    let mut notices = Vec::new();
    if plan.moved {
        notices.push(Notice::Rescheduled {
            previous: before.span,
            series: None,
        });
    }
    if plan.reassigned {
        let previous_host = tx.staff_user(before.assigned_to).await?;
        notices.push(Notice::Reassigned {
            previous_host,
            series: None,
        });
    }
    for notice in &notices {
        let change = Announcement {
            notice,
            booking: &booking,
            department: &department,
            meeting_type: &meeting_type,
            actor: by.actor.user_id,
        };
        tx.queue_notice(&change, now).await?;
    }
    tx.commit().await?;
    Ok(booking)
}

/// The booking `key` names, locked until the transaction ends, if the person acting may change
/// it: judged on the booking as locked, so a host reassigned meanwhile is no longer its host.
async fn lock_permitted(
    tx: &Transaction<'_>,
    key: &BookingKey,
    by: &Acting<'_>,
    now: DateTime<Utc>,
) -> AppResult<Booking> {
    let booking = tx.lock_booking(key, now).await?;
    (by.permit)(&booking).map_err(|why| AppError::NotAllowed(why.to_owned()))?;
    Ok(booking)
}
