//! Booking a recurring series for a named member: every meeting checked as a single booking by
//! staff is (hours, overrides, buffers, limits, busy time), all in one transaction, then written
//! as bookings that name the series, each counted toward the host's assignments. The series is
//! announced once: its messages list every meeting and carry one invite with the series' rule.

use chrono::{DateTime, NaiveDate, Utc};
use mm_domain::{
    Interval,
    booking::{
        AssignmentMethod, Booking, HostChoice, MeetingConflicts, SeriesPlace, Unavailable,
        plan_customer_booking,
    },
    notification::Notice,
    recurrence::{Recurrence, Series},
    scheduling::{AttendeeConflict, MeetingSpec},
};
use mm_store::{Announcement, Attending, CustomerDetails, LinkHashes, NewBooking, Store};
use uuid::Uuid;

use super::NewCustomerBooking;
use crate::{AppError, AppResult};

/// A series of customer meetings to book, as parsed from a request.
#[derive(Debug, Clone)]
pub struct NewCustomerSeries {
    /// The first meeting: its start, host (a named member), customer and the rest.
    pub first: NewCustomerBooking,
    pub recurrence: Recurrence,
    /// Dates (in the department's zone) of meetings of the rule to leave out.
    pub skip: Vec<NaiveDate>,
    /// An id and self-service link hashes for each meeting the rule gives, in order.
    pub meetings: Vec<(Uuid, LinkHashes)>,
}

/// Books every meeting of the series that is not skipped, with the named member, or none:
/// a meeting that does not fit refuses the whole series, with each misfit and its reasons.
/// Returns the meetings booked, first to last.
#[tracing::instrument(skip_all, fields(first_booking_id = %new.first.id))]
pub async fn create_customer_series(
    store: &Store,
    new: NewCustomerSeries,
    now: DateTime<Utc>,
) -> AppResult<Vec<Booking>> {
    let NewCustomerSeries {
        first,
        recurrence,
        skip,
        meetings,
    } = new;
    let HostChoice::Member(host) = first.host else {
        return Err(AppError::NotAllowed(
            "a series is booked for a named member".into(),
        ));
    };
    let meeting_type = &first.meeting_type;
    let spec = MeetingSpec::of(meeting_type);
    let department = store.department(first.department_id).await?;
    let zone = department.timezone;
    let planned: Vec<(u16, Interval, Uuid, LinkHashes)> = recurrence
        .starts(zone, first.start)
        .into_iter()
        .zip(1u16..)
        .zip(meetings)
        .filter(|((start, _), _)| !skip.contains(&zone.date_of(*start)))
        .map(|((start, index), (id, links))| {
            (
                index,
                Interval::starting_at(start, meeting_type.duration),
                id,
                links,
            )
        })
        .collect();
    if planned.is_empty() {
        return Err(AppError::NotAllowed(
            "every meeting of the series is skipped".into(),
        ));
    }
    let mut references = Vec::with_capacity(planned.len());
    for _ in &planned {
        references.push(store.fresh_reference().await?);
    }

    let tx = store.transaction().await?;
    let co_hosts: Vec<Uuid> = first
        .co_hosts
        .iter()
        .copied()
        .filter(|id| *id != host)
        .collect();
    let mut named = vec![host];
    named.extend(&co_hosts);
    let department = tx.department_for_booking(department, &named).await?;
    let mut misfits = Vec::new();
    for (index, span, ..) in &planned {
        let start = span.start();
        let mut conflicts: Vec<AttendeeConflict> = tx
            .schedule(&department, &spec, *span, None)
            .await?
            .member_conflicts(host, &spec, start, now);
        if !co_hosts.is_empty() {
            conflicts.extend(
                tx.attendee_schedule(zone, &co_hosts, *span, None)
                    .await?
                    .everyone_conflicts(&co_hosts, &spec, start, now),
            );
        }
        if !conflicts.is_empty() {
            misfits.push(MeetingConflicts {
                index: *index,
                start,
                date: zone.date_of(start),
                conflicts,
            });
        }
    }
    if !misfits.is_empty() {
        return Err(Unavailable::Series(misfits).into());
    }

    let series = Series {
        id: Uuid::new_v4(),
        recurrence,
        zone,
        first_start: first.start,
        ics_sequence: 0,
    };
    tx.insert_series(&series, now).await?;
    let plan = plan_customer_booking(
        meeting_type,
        &first.details.customer.name,
        (host, AssignmentMethod::Manual),
        first.source,
        first.actor,
        now,
    );
    let mut booked = Vec::with_capacity(planned.len());
    for ((index, span, id, links), reference) in planned.into_iter().zip(&references) {
        let details = CustomerDetails {
            links,
            ..first.details.clone()
        };
        let written = NewBooking {
            id,
            reference,
            plan: &plan,
            department: &department,
            meeting_type,
            span,
            attending: Attending::Customer(&details),
            co_hosts: &co_hosts,
            series: Some(SeriesPlace {
                series_id: series.id,
                index,
            }),
        };
        booked.push(tx.insert_booking(written, now).await?);
    }
    // One announcement, of the first meeting: its messages describe the whole series.
    tx.queue_notice(
        &Announcement {
            notice: &Notice::Created,
            booking: &booked[0],
            department: &department,
            meeting_type,
            actor: first.actor.user_id,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(series = %series.id, meetings = booked.len(), "series booked");
    Ok(booked)
}
