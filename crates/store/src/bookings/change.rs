//! What changes of a booking share: the row locked for a change, the self-service link hashes
//! a change keeps, and the check a drag asks for before it drops.

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval,
    booking::{Action, Booking, BookingType},
    department::Department,
    scheduling::{AttendeeConflict, MeetingSpec},
};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, QuerySelect, Set};
use uuid::Uuid;

use super::{BookingKey, LinkHashes, read};
use crate::{
    Result, Store, StoreError,
    departments::load_department,
    entity::bookings,
    meeting_types::load_meeting_type,
    scheduling::{Reach, load_attendee_schedule, load_schedule},
};

impl Store {
    /// Why `host` could not take the booking at `start`, as staff would move it (with every
    /// co-host, and for an internal meeting everyone in it); changes nothing.
    pub async fn check_move(
        &self,
        booking_id: Uuid,
        host: Uuid,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<AttendeeConflict>> {
        let booking = read::load_booking(&self.db, booking_id).await?;
        booking.lifecycle().apply(Action::Reschedule, now)?;
        let department = load_department(&self.db, booking.department_id).await?;
        let meeting_type = load_meeting_type(&self.db, booking.meeting_type_id).await?;
        let spec = MeetingSpec::for_booking(&meeting_type, &booking);
        let to = Placement { host, start };
        staff_move_conflicts(&self.db, &booking, &department, &spec, to, now).await
    }
}

/// Where a move puts a booking: its primary host and start.
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    pub host: Uuid,
    pub start: DateTime<Utc>,
}

/// Why the booking cannot move as staff place it `to`: the primary host must be free in the
/// department's schedule; every co-host, and for an internal meeting everyone in it, in their
/// own. Empty when it can.
pub(super) async fn staff_move_conflicts(
    db: &impl ConnectionTrait,
    booking: &Booking,
    department: &Department,
    spec: &MeetingSpec,
    to: Placement,
    now: DateTime<Utc>,
) -> Result<Vec<AttendeeConflict>> {
    let span = Interval::starting_at(to.start, spec.duration);
    let zone = department.timezone;
    if booking.booking_type == BookingType::Internal {
        let everyone = booking.attendees_with_host(to.host);
        let schedule = load_attendee_schedule(db, zone, &everyone, span, Some(booking.id)).await?;
        return Ok(schedule.everyone_conflicts(&everyone, spec, to.start, now));
    }
    let reach = Reach::Meeting(spec.duration);
    let schedule = load_schedule(db, department, span, reach, Some(booking.id)).await?;
    let mut conflicts = schedule.member_conflicts(to.host, spec, to.start, now);
    conflicts.extend(co_host_conflicts(db, booking, zone, spec, to, now).await?);
    Ok(conflicts)
}

/// Why the co-hosts of `booking` (but a co-host who becomes its primary host) cannot all be
/// in it when it is placed `to`; rules read in `zone`.
pub(super) async fn co_host_conflicts(
    db: &impl ConnectionTrait,
    booking: &Booking,
    zone: mm_domain::TimeZone,
    spec: &MeetingSpec,
    to: Placement,
    now: DateTime<Utc>,
) -> Result<Vec<AttendeeConflict>> {
    let co_hosts: Vec<Uuid> = booking
        .co_hosts()
        .filter_map(|p| p.user_id)
        .filter(|id| *id != to.host)
        .collect();
    if co_hosts.is_empty() {
        return Ok(Vec::new());
    }
    let span = Interval::starting_at(to.start, spec.duration);
    let schedule = load_attendee_schedule(db, zone, &co_hosts, span, Some(booking.id)).await?;
    Ok(schedule.everyone_conflicts(&co_hosts, spec, to.start, now))
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
