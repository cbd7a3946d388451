//! The application layer: each use case of Meeting Manager in one place, as one transaction. A
//! use case loads and locks what it needs through the store, asks the domain's pure policies what
//! the change is and whether the person acting may make it (judged on the rows it locked), writes
//! the result and queues the notices, and commits; or it changes nothing.
//!
//! It knows neither HTTP nor SQL: handlers parse requests into domain values and call a use case;
//! the store only loads, locks, inserts and updates.

pub mod bookings;
pub mod calendars;
pub mod follow_ups;
pub mod privacy;

use chrono::{DateTime, Utc};
use mm_domain::{
    booking::{AlreadyThere, Booking, EditError, RsvpError, TransitionError, Unavailable},
    notification::Notice,
};
use mm_store::{Announcement, StoreError, Transaction};
use uuid::Uuid;

/// Why a use case changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The person acting may not make this change; the message says why.
    #[error("{0}")]
    NotAllowed(String),
    /// The booking's state does not allow the change.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// An answer to an invitation this booking does not take.
    #[error(transparent)]
    Rsvp(#[from] RsvpError),
    /// An edit this booking does not take.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// A move to where the booking already is.
    #[error(transparent)]
    AlreadyThere(#[from] AlreadyThere),
    /// Nobody (or not the people named) can take the meeting at the time asked.
    #[error(transparent)]
    Unavailable(#[from] Unavailable),
    /// Too many public bookings from the client's address in the last hour.
    #[error("too many bookings from this address in the last hour; try again later")]
    RateLimited,
    /// An `Idempotency-Key` sent again with a different request.
    #[error("this Idempotency-Key was already used with a different request")]
    IdempotencyKeyReused,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type AppResult<T> = Result<T, AppError>;

/// Queues the messages `notice` causes about `booking`, with its department and meeting type as
/// `tx` reads them; `actor`: the staff user who made the change, if one did.
async fn announce(
    tx: &Transaction<'_>,
    notice: &Notice,
    booking: &Booking,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let department = tx.department(booking.department_id).await?;
    let meeting_type = tx.meeting_type(booking.meeting_type_id).await?;
    let change = Announcement {
        notice,
        booking,
        department: &department,
        meeting_type: &meeting_type,
        actor,
    };
    Ok(tx.queue_notice(&change, now).await?)
}
