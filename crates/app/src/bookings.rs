//! Booking use cases.

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval,
    booking::{
        AssignmentMethod, Booking, Move, MovePolicy, StatusChange, plan_move, plan_status_change,
    },
    notification::Notice,
};
use mm_store::{Acting, BookingKey, LinkHashes, Render, Store};

use crate::{AppError, AppResult};

/// Approves, rejects, cancels, completes or marks as no-show the booking `key` names, if the
/// person acting may (judged on the booking as locked) and its state allows it; writes the
/// history and queues the notice in the same transaction. Returns the changed booking.
#[tracing::instrument(skip(store, by, links, render))]
pub async fn change_status(
    store: &Store,
    key: &BookingKey,
    change: StatusChange,
    by: Acting<'_>,
    links: Option<&LinkHashes>,
    now: DateTime<Utc>,
    render: Render<'_>,
) -> AppResult<Booking> {
    let tx = store.transaction().await?;
    let before = tx.lock_booking(key, now).await?;
    (by.permit)(&before).map_err(|why| AppError::NotAllowed(why.to_owned()))?;
    let plan = plan_status_change(&before, change, by.actor, now)?;
    tx.apply_status_change(&before, &plan, links, now).await?;
    let booking = tx.booking(before.id).await?;
    if let Some(notice) = &plan.notice {
        tx.queue_notice(notice, &booking, by.actor.user_id, render, now)
            .await?;
    }
    tx.commit().await?;
    Ok(booking)
}

/// Moves the booking `key` names to another time and/or host: the customer's reschedule link
/// (offered slots only; the host stays when still free, else the department's algorithm picks a
/// free member) or staff (any time the host, and for an internal meeting everyone in it, is free).
/// Everyone it may involve is locked first, so two moves or a move and a booking cannot take the
/// same time. Returns the moved booking.
#[tracing::instrument(skip(store, by, links, render))]
pub async fn move_booking(
    store: &Store,
    key: &BookingKey,
    to: Move,
    by: Acting<'_>,
    links: Option<&LinkHashes>,
    now: DateTime<Utc>,
    render: Render<'_>,
) -> AppResult<Booking> {
    let tx = store.transaction().await?;
    let before = tx.lock_booking(key, now).await?;
    (by.permit)(&before).map_err(|why| AppError::NotAllowed(why.to_owned()))?;
    let department = tx.lock_for_move(&before, to.host).await?;
    to.check_allowed(&before, now)?;
    let spec = tx.booking_spec(&before).await?;
    let (host, method) = match to.policy {
        MovePolicy::Staff => {
            let host = to.host.unwrap_or(before.assigned_to);
            tx.check_free_for_move(&department, &before, host, &spec, to.start, now)
                .await?;
            (host, before.assignment_method)
        }
        MovePolicy::Customer => {
            let free = tx
                .members_free_at(&department, &before, &spec, to.start, now)
                .await?;
            if free.contains(&before.assigned_to) {
                (before.assigned_to, before.assignment_method)
            } else {
                let host = tx
                    .choose_host(&department, &free, now)
                    .await?
                    .ok_or(AppError::NobodyFree)?;
                (host, AssignmentMethod::of(department.algorithm))
            }
        }
    };
    let span = Interval::starting_at(to.start, spec.duration);
    let plan = plan_move(&before, &to, span, host, method, by.actor, now)?;
    tx.apply_move(&before, &plan, links, now).await?;
    let booking = tx.booking(before.id).await?;
    if plan.moved {
        let notice = Notice::Rescheduled {
            previous: before.span,
        };
        tx.queue_notice(&notice, &booking, by.actor.user_id, render, now)
            .await?;
    }
    if plan.reassigned {
        let previous_host = tx.staff_user(before.assigned_to).await?;
        let notice = Notice::Reassigned { previous_host };
        tx.queue_notice(&notice, &booking, by.actor.user_id, render, now)
            .await?;
    }
    tx.commit().await?;
    Ok(booking)
}
