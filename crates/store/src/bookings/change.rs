//! What changes of a booking share: the row locked for a change, how a booking occupies time
//! when moved, the self-service link hashes a change keeps, and the check a drag asks for before
//! it drops.

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval,
    booking::{Action, Booking, BookingType},
    scheduling::MeetingSpec,
};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, QuerySelect, Set};
use uuid::Uuid;

use super::{BookingKey, LinkHashes, create, internal, read};
use crate::{
    Result, Store, StoreError,
    departments::load_department,
    entity::bookings,
    meeting_types::load_meeting_type,
    scheduling::{load_attendee_schedule, load_schedule},
};

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
pub(super) fn attendees(booking: &Booking, host: Uuid) -> Vec<Uuid> {
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
pub(super) async fn booking_spec(
    db: &impl ConnectionTrait,
    booking: &Booking,
) -> Result<MeetingSpec> {
    let meeting_type = load_meeting_type(db, booking.meeting_type_id).await?;
    Ok(MeetingSpec {
        duration: mm_domain::Minutes::parse_in(booking.duration_minutes(), 1..=1440)
            .map_err(crate::corrupt)?,
        ..MeetingSpec::of(&meeting_type)
    })
}

/// The booking row, locked against concurrent changes until the transaction ends.
pub(super) async fn locked_row(
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

/// Keeps the stored link hashes equal to the links the emails of this change carry (they differ
/// only after the signing secret changed); a dead cancel link stays dead.
pub(super) fn refresh_links(
    update: &mut bookings::ActiveModel,
    before: &Booking,
    links: Option<&LinkHashes>,
) {
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
