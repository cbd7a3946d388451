//! Personal data on request: a booking deleted with its rows, a customer erased across every
//! booking. Each is one transaction, audited without personal data.

use chrono::{DateTime, Utc};
use mm_domain::{Email, booking::Booking};
use mm_store::{Acting, BookingKey, Erasure, Store};
use uuid::Uuid;

use crate::{AppError, AppResult};

/// Deletes the booking `key` names, if the person acting may (judged on the booking as locked):
/// its rows and messages go, the time it held is free again. Returns what was deleted.
/// What it left outside the database (a calendar event, a video meeting) must be removed first.
#[tracing::instrument(skip(store, by))]
pub async fn delete_booking(
    store: &Store,
    key: &BookingKey,
    by: Acting<'_>,
    now: DateTime<Utc>,
) -> AppResult<Booking> {
    let tx = store.transaction().await?;
    let booking = tx.lock_booking(key, now).await?;
    (by.permit)(&booking).map_err(|why| AppError::NotAllowed(why.to_owned()))?;
    tx.delete_booking(&booking, by.actor.user_id, now).await?;
    tx.commit().await?;
    Ok(booking)
}

/// Erases the customer at `email` from every booking of theirs (the bookings stay for the
/// statistics), dropping every message to them or about those bookings.
#[tracing::instrument(skip_all)]
pub async fn erase_customer(
    store: &Store,
    email: &Email,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<Erasure> {
    let tx = store.transaction().await?;
    let erased = tx.erase_customer(email.as_str(), actor, now).await?;
    // Nobody's free time changed.
    tx.commit_quietly().await?;
    Ok(erased)
}
