//! Internal meetings: staff with staff. The host and every participant must be free; they may
//! come from any department, and the rules are read in the meeting type's department's zone.

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval,
    booking::{
        AssignmentMethod, AssignmentType, AttendanceStatus, Attendees, BookingSource,
        BookingStatus, BookingType, HistoryAction, HistoryEntry,
    },
    meeting_type::MeetingType,
    notification::Notice,
    scheduling::{AttendeeConflict, Conflict, MeetingSpec, Schedule},
};
use sea_orm::{ActiveModelTrait, Set};
use uuid::Uuid;

use super::{Actor, Render, create::fresh_reference, lock_people, notify, read, record};
use crate::{
    Result, Store, StoreError,
    departments::load_department,
    entity::{booking_assignment_history, booking_participants, bookings},
    scheduling::load_attendee_schedule,
    users::load_users,
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
        let physical = new.physical_location.clone().or_else(|| {
            (meeting_type.location_type == mm_domain::meeting_type::LocationType::PhysicalLocation)
                .then(|| meeting_type.custom_location.clone())
                .flatten()
        });
        bookings::ActiveModel {
            id: Set(new.id),
            booking_reference: Set(reference.as_str().to_owned()),
            booking_type: Set(BookingType::Internal.as_ref().to_owned()),
            booking_source: Set(BookingSource::InternalSystem.as_ref().to_owned()),
            status: Set(BookingStatus::Confirmed.as_ref().to_owned()),
            department_id: Set(department.id),
            meeting_type_id: Set(meeting_type.id),
            assigned_to: Set(host),
            assignment_method: Set(AssignmentMethod::Manual.as_ref().to_owned()),
            reassignment_count: Set(0),
            start_utc: Set(span.start()),
            end_utc: Set(span.end()),
            duration: Set(i32::try_from(meeting_type.duration.get()).unwrap_or(i32::MAX)),
            timezone: Set(department.timezone.name().to_owned()),
            customer_name: Set(None),
            customer_email: Set(None),
            customer_phone: Set(None),
            customer_timezone: Set(None),
            customer_notes: Set(None),
            answers: Set(read::encode_answers(&Default::default())),
            meeting_title: Set(meeting_type.name.clone()),
            location_type: Set(meeting_type.location_type.as_ref().to_owned()),
            video_platform: Set(meeting_type.video_platform.map(|p| p.as_ref().to_owned())),
            meeting_link: Set(None),
            physical_location: Set(physical),
            meeting_notes: Set(None),
            meeting_agenda: Set(new.agenda.clone()),
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
            created_by: Set(new.actor.user_id),
            confirmation_sent_utc: Set(None),
            last_reminder_sent_utc: Set(None),
            thank_you_sent_utc: Set(None),
            external_event_id: Set(None),
            external_calendar_link: Set(None),
            ics_sequence: Set(0),
            created_utc: Set(now),
            updated_utc: Set(now),
        }
        .insert(&txn)
        .await?;
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
        booking_assignment_history::ActiveModel {
            id: Set(Uuid::new_v4()),
            booking_id: Set(new.id),
            assigned_to: Set(host),
            assigned_utc: Set(now),
            assigned_by: Set(new.actor.user_id),
            assignment_type: Set(AssignmentType::ManualDirect.as_ref().to_owned()),
            is_current: Set(true),
            notes: Set(None),
        }
        .insert(&txn)
        .await?;
        record(
            &txn,
            new.id,
            HistoryEntry {
                action: HistoryAction::Created,
                action_by: new.actor.user_id,
                action_by_role: new.actor.role,
                action_utc: now,
                old_value: None,
                new_value: Some(BookingStatus::Confirmed.as_ref().to_owned()),
                notes: None,
            },
        )
        .await?;
        let booking = read::load_booking(&txn, new.id).await?;
        notify(&txn, &Notice::Created, &booking, render, now).await?;
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
