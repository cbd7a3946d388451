//! Internal meetings: staff with staff. The host and every participant must be free; they may
//! come from any department, and the rules are read in the meeting type's department's zone.

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval,
    booking::{
        AssignmentMethod, AssignmentType, AttendanceStatus, Attendees, BookingSource,
        BookingStatus, BookingType,
    },
    meeting_type::MeetingType,
    notification::Notice,
    scheduling::{AttendeeConflict, Conflict, MeetingSpec, Schedule},
};
use sea_orm::{ActiveModelTrait, Set};
use uuid::Uuid;

use super::{
    Actor, NewRow, Render, create::fresh_reference, lock_people, new_row, notify, read,
    record_creation,
};
use crate::{
    Result, Store, StoreError, departments::load_department, entity::booking_participants,
    scheduling::load_attendee_schedule, users::load_users,
};

#[derive(Debug, Clone)]
pub struct NewInternalMeeting {
    pub id: Uuid,
    /// An active internal meeting type (see [`mm_domain::booking::internal_use`]).
    pub meeting_type: MeetingType,
    pub attendees: Attendees,
    pub start: DateTime<Utc>,
    pub agenda: Option<String>,
    pub physical_location: Option<String>,
    pub actor: Actor,
}

impl Store {
    /// Creates a confirmed internal meeting after checking, under the people's locks, that the
    /// host and every participant are free. Fails with [`StoreError::SlotUnavailable`] naming each
    /// person's conflicts.
    #[tracing::instrument(skip_all, fields(booking_id = %new.id))]
    pub async fn create_internal_meeting(
        &self,
        new: NewInternalMeeting,
        now: DateTime<Utc>,
        render: Render<'_>,
    ) -> Result<mm_domain::booking::Booking> {
        let txn = self.begin().await?;
        let everyone = new.attendees.everyone();
        lock_people(&txn, &everyone).await?;
        let department = load_department(&txn, new.meeting_type.department_id).await?;
        let meeting_type = &new.meeting_type;
        let spec = MeetingSpec::of(meeting_type);
        let span = Interval::starting_at(new.start, meeting_type.duration);
        let schedule =
            load_attendee_schedule(&txn, department.timezone, &everyone, span, None).await?;
        check_all_free(&schedule, &everyone, &spec, new.start, now)?;

        let people = load_users(&txn, &everyone).await?;
        let reference = fresh_reference(&txn).await?;
        let host = new.attendees.host();
        let mut row = new_row(
            NewRow {
                id: new.id,
                reference: &reference,
                booking_type: BookingType::Internal,
                source: BookingSource::InternalSystem,
                status: BookingStatus::Confirmed,
                department: &department,
                meeting_type,
                span,
                host,
                method: AssignmentMethod::Manual,
                title: meeting_type.name.clone(),
                created_by: new.actor.user_id,
            },
            now,
        );
        row.meeting_agenda = Set(new.agenda.clone());
        if new.physical_location.is_some() {
            row.physical_location = Set(new.physical_location.clone());
        }
        row.insert(&txn).await?;
        for id in new.attendees.participants() {
            let person = people
                .iter()
                .find(|u| u.id == *id)
                .ok_or(StoreError::NotFound("participant"))?;
            booking_participants::ActiveModel {
                id: Set(Uuid::new_v4()),
                booking_id: Set(new.id),
                user_id: Set(Some(person.id)),
                name: Set(person.full_name.clone()),
                email: Set(person.email.as_str().to_owned()),
                attendance_status: Set(AttendanceStatus::Invited.as_ref().to_owned()),
                response_utc: Set(None),
            }
            .insert(&txn)
            .await?;
        }
        record_creation(
            &txn,
            new.id,
            host,
            AssignmentType::ManualDirect,
            BookingStatus::Confirmed,
            new.actor,
            now,
        )
        .await?;
        let booking = read::load_booking(&txn, new.id).await?;
        notify(
            &txn,
            &Notice::Created,
            &booking,
            new.actor.user_id,
            render,
            now,
        )
        .await?;
        self.commit(txn).await?;
        tracing::info!(reference = %booking.reference, people = everyone.len(), "internal meeting created");
        Ok(booking)
    }

    /// The starts within `window` at which all of `people` are free for a `spec` meeting placed
    /// by staff, with the rules read in `zone`: what [`Store::create_internal_meeting`] accepts.
    pub async fn common_availability(
        &self,
        zone: mm_domain::TimeZone,
        people: &[Uuid],
        spec: &MeetingSpec,
        window: Interval,
        step: mm_domain::Minutes,
        now: DateTime<Utc>,
    ) -> Result<Vec<Interval>> {
        let schedule = load_attendee_schedule(&self.db, zone, people, window, None).await?;
        if schedule.members().len() < people.len() {
            // Someone's account is inactive: nothing is common.
            return Ok(Vec::new());
        }
        Ok(schedule.common_starts(spec, window, step, now))
    }
}

/// Fails unless every one of `everyone` has an active account and is free at `start`.
pub(super) fn check_all_free(
    schedule: &Schedule,
    everyone: &[Uuid],
    spec: &MeetingSpec,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut conflicts: Vec<AttendeeConflict> = everyone
        .iter()
        .filter(|id| schedule.member(**id).is_none())
        .map(|id| AttendeeConflict {
            user_id: *id,
            conflict: Conflict::InactiveAccount,
        })
        .collect();
    conflicts.extend(schedule.attendee_conflicts(spec, start, now));
    if conflicts.is_empty() {
        Ok(())
    } else {
        Err(StoreError::SlotUnavailable(conflicts))
    }
}
