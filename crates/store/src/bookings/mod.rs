//! Bookings as stored: reading them, and the building blocks (on [`Transaction`]) with which
//! the application layer's use cases load, lock, insert and update them, their history and the
//! outbox rows of their notices, each change in one transaction.
//!
//! Double booking is prevented where the data is. A transaction that decides whether someone is
//! free first serialises on the people involved: on SQLite by taking the one write lock at its
//! start (`BEGIN IMMEDIATE`); on PostgreSQL by locking the department members' user rows
//! (`SELECT … FOR UPDATE`, always in id order so two transactions cannot deadlock). Only then
//! does it read the calendar, recheck the time and write, so of two requests for the same time
//! the second sees the first's booking, on one process or many.

pub(crate) mod calendar_push;
mod change;
mod create;
mod follow_up;
mod internal;
mod notices;
mod privacy;
mod read;
pub(crate) mod series;
mod transaction;

pub use change::Placement;
pub use create::{Attending, CustomerDetails, EarlierRequest, NewBooking};
pub use notices::{Announcement, PendingNotice};
pub use privacy::{AuditAction, CustomerData, ERASED_NAME, Erasure};
pub use transaction::Transaction;

pub use read::BookingFilter;
pub(crate) use read::load_booking;

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval,
    booking::{Answers, AssignmentType, Booking, CreationPlan},
    department::Department,
    meeting_type::{LocationType, MeetingType},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, sea_query::LockType,
};
use uuid::Uuid;

use crate::{
    Result,
    entity::{Word, booking_assignment_history, booking_history, bookings, users},
};

pub use mm_domain::booking::Actor;

/// Whether the one acting may make a change, judged on the booking as the change's transaction
/// locked it (a host reassigned meanwhile is no longer its host); `Err` says why not.
pub type Permit<'a> = &'a (dyn Fn(&Booking) -> Result<(), &'static str> + Sync);

/// Who makes a change of a booking, and what they may do.
#[derive(Clone, Copy)]
pub struct Acting<'a> {
    pub actor: Actor,
    pub permit: Permit<'a>,
}

impl std::fmt::Debug for Acting<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Acting")
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

/// SHA-256 hashes of the customer's self-service tokens; the tokens themselves are never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkHashes {
    pub cancel: String,
    pub reschedule: String,
}

/// How a booking is named in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookingKey {
    Id(Uuid),
    /// A customer's cancel-link token hash; the link must still work.
    CancelLink(String),
    /// A customer's reschedule-link token hash; the link must still work.
    RescheduleLink(String),
    /// Either of a customer's link token hashes (for viewing the booking).
    AnyLink(String),
}

pub use mm_domain::booking::{Move, MovePolicy};

/// Locks the user rows of `people` until the transaction ends (PostgreSQL; SQLite already holds
/// its single write lock).
async fn lock_people(db: &impl ConnectionTrait, people: &[Uuid]) -> Result<()> {
    if db.get_database_backend() != DbBackend::Postgres || people.is_empty() {
        return Ok(());
    }
    let _: Vec<Uuid> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(users::Column::Id.is_in(people.to_vec()))
        .order_by_asc(users::Column::Id)
        // Excludes the other creations and moves, but not the key-share locks of foreign keys:
        // a booking written for someone locked elsewhere must not wait for that lock.
        .lock(LockType::NoKeyUpdate)
        .into_tuple()
        .all(db)
        .await?;
    Ok(())
}

/// What every new booking holds, whatever its kind.
struct NewRow<'a> {
    id: Uuid,
    reference: &'a mm_domain::booking::BookingReference,
    plan: &'a CreationPlan,
    department: &'a Department,
    meeting_type: &'a MeetingType,
    span: Interval,
}

/// A booking row with the common fields set and everything kind-specific empty: callers set the
/// customer, links, approval or agenda on top. The location defaults to the meeting type's.
fn new_row(row: NewRow<'_>, now: DateTime<Utc>) -> bookings::ActiveModel {
    let (meeting_type, plan) = (row.meeting_type, row.plan);
    let physical = (meeting_type.location_type == LocationType::PhysicalLocation)
        .then(|| meeting_type.custom_location.clone())
        .flatten();
    bookings::ActiveModel {
        id: Set(row.id),
        booking_reference: Set(row.reference.as_str().to_owned()),
        booking_type: Set(Word(plan.booking_type)),
        booking_source: Set(Word(plan.source)),
        status: Set(Word(plan.status)),
        department_id: Set(row.department.id),
        meeting_type_id: Set(meeting_type.id),
        assigned_to: Set(plan.host),
        assignment_method: Set(Word(plan.method)),
        reassignment_count: Set(0),
        start_utc: Set(row.span.start()),
        end_utc: Set(row.span.end()),
        duration: Set(i32::try_from(meeting_type.duration.get()).unwrap_or(i32::MAX)),
        timezone: Set(row.department.timezone.name().to_owned()),
        customer_name: Set(None),
        customer_email: Set(None),
        customer_phone: Set(None),
        customer_timezone: Set(None),
        customer_language: Set(None),
        customer_notes: Set(None),
        answers: Set(read::encode_answers(&Answers::default())),
        meeting_title: Set(plan.title.clone()),
        location_type: Set(Word(meeting_type.location_type)),
        video_platform: Set(meeting_type.video_platform.map(Word)),
        meeting_link: Set(None),
        physical_location: Set(physical),
        meeting_notes: Set(None),
        meeting_agenda: Set(None),
        meeting_description: Set(None),
        meeting_minutes: Set(None),
        action_items: Set(None),
        requires_approval: Set(false),
        approval_status: Set(None),
        approved_by: Set(None),
        approved_utc: Set(None),
        rejection_reason: Set(None),
        cancellation_reason: Set(None),
        cancellation_notes: Set(None),
        cancelled_by_role: Set(None),
        cancelled_utc: Set(None),
        cancel_token_hash: Set(None),
        reschedule_token_hash: Set(None),
        tokens_expire_utc: Set(None),
        created_from_ip: Set(None),
        created_by: Set(plan.history.action_by),
        confirmation_sent_utc: Set(None),
        last_reminder_sent_utc: Set(None),
        thank_you_sent_utc: Set(None),
        external_event_id: Set(None),
        external_calendar_link: Set(None),
        ics_sequence: Set(0),
        created_utc: Set(now),
        updated_utc: Set(now),
        calendar_integration_id: Set(None),
        calendar_pushed_utc: Set(None),
        calendar_push_claimed_until_utc: Set(None),
        series_id: Set(None),
        series_index: Set(None),
        external_event_is_occurrence: Set(false),
        calendar_push_retry_utc: Set(None),
        calendar_push_error: Set(None),
        video_meeting_id: Set(None),
        created_from_network: Set(None),
        customer_erased_utc: Set(None),
        buffer_before: Set(None),
        buffer_after: Set(None),
    }
}

/// Appends `host` to a booking's assignment history as its current host (a move first marks
/// the earlier entries as past).
async fn record_assignment(
    db: &impl ConnectionTrait,
    booking_id: Uuid,
    host: Uuid,
    by: Option<Uuid>,
    assignment_type: AssignmentType,
    notes: Option<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    booking_assignment_history::ActiveModel {
        id: Set(Uuid::new_v4()),
        booking_id: Set(booking_id),
        assigned_to: Set(host),
        assigned_utc: Set(now),
        assigned_by: Set(by),
        assignment_type: Set(Word(assignment_type)),
        is_current: Set(true),
        notes: Set(notes),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Appends one entry to a booking's history.
async fn record(
    db: &impl ConnectionTrait,
    booking_id: Uuid,
    entry: mm_domain::booking::HistoryEntry,
) -> Result<()> {
    booking_history::ActiveModel {
        id: Set(Uuid::new_v4()),
        booking_id: Set(booking_id),
        action: Set(Word(entry.action)),
        action_by: Set(entry.action_by),
        action_by_role: Set(Word(entry.action_by_role)),
        action_utc: Set(entry.action_utc),
        old_value: Set(entry.old_value),
        new_value: Set(entry.new_value),
        notes: Set(entry.notes),
    }
    .insert(db)
    .await?;
    Ok(())
}
