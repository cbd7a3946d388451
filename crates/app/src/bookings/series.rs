//! Recurring series. Booking one for a named member: every meeting checked as a single booking
//! by staff is (hours, overrides, buffers, limits, busy time), all in one transaction, then
//! written as bookings that name the series, each counted toward the host's assignments.
//! Cancelling from a meeting on, or all of it, and approving or rejecting the series as one:
//! every meeting in scope in one transaction. Each is announced once: its messages speak for the
//! series and carry one invite with its rule.

use chrono::{DateTime, NaiveDate, Utc};
use mm_domain::{
    Interval, Minutes, TimeZone,
    booking::{
        AssignmentMethod, Booking, HostChoice, MeetingConflicts, SeriesPlace, StatusChange,
        Unavailable, free_members_at, plan_customer_booking, plan_move, plan_status_change,
        rank_free_members,
    },
    department::Department,
    notification::Notice,
    recurrence::{Recurrence, Series, SeriesCut, SeriesScope, moved_with},
    scheduling::{AttendeeConflict, Conflict, MeetingSpec},
};
use mm_store::{
    Acting, Announcement, Attending, BookingKey, EarlierRequest, LinkHashes, Move, MovePolicy,
    NewBooking, Placement, Store, StoreError, Transaction,
};
use uuid::Uuid;

use super::{
    NewCustomerBooking,
    create::{PUBLIC_BOOKING_SCOPE, over_hourly_limit, replay},
};
use crate::{AppError, AppResult, announce};

/// A series of customer meetings to book, as parsed from a request.
#[derive(Debug, Clone)]
pub struct NewCustomerSeries {
    /// The first meeting: its start, host (a named member), customer and the rest; its
    /// `details.links` are the series' (made from `series_id`), which every meeting keeps.
    pub first: NewCustomerBooking,
    pub recurrence: Recurrence,
    /// Dates (in the department's zone) of meetings of the rule to leave out.
    pub skip: Vec<NaiveDate>,
    /// The series' id: the customer's links, shared by all its meetings, are made from it.
    pub series_id: Uuid,
    /// An id for each meeting the rule gives, in order (the first is `first.id`).
    pub meeting_ids: Vec<Uuid>,
}

/// Books every meeting of the series that is not skipped, or none. Staff name the member: a
/// meeting that does not fit them (by the rules for staff) refuses the whole series, with each
/// misfit and its reasons. A customer's series goes to the first member, in the department's
/// algorithm's order, among those the offer showed free for every meeting, who is still free for
/// every one of them (by the rules for customers) once checked inside the transaction.
/// Returns the meetings booked, first to last (or, for a replayed request, the first).
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
        series_id,
        meeting_ids,
    } = new;
    if let Some(replayed) = replay(store, &first.guard).await? {
        return Ok(vec![replayed.booking()]);
    }
    if over_hourly_limit(store, &first, now).await? {
        return Err(AppError::RateLimited);
    }
    let meeting_type = &first.meeting_type;
    let spec = MeetingSpec::of(meeting_type);
    let department = store.department(first.department_id).await?;
    // Staff's member, or the customer's candidates in the order the algorithm prefers them.
    let ranked: Vec<(Uuid, AssignmentMethod)> = match (first.host, &first.offer) {
        (HostChoice::Member(member), _) => vec![(member, AssignmentMethod::Manual)],
        (HostChoice::ByAlgorithm, Some(offer)) => {
            let upcoming = store.upcoming_bookings(&department, now).await?;
            rank_free_members(&department, &offer.free, |id| {
                upcoming.get(&id).copied().unwrap_or(0)
            })
        }
        (HostChoice::ByAlgorithm, None) => Vec::new(),
    };
    if ranked.is_empty() {
        return Err(Unavailable::NobodyFree.into());
    }
    let zone = department.timezone;
    let planned = planned_meetings(
        recurrence,
        zone,
        first.start,
        meeting_type.duration,
        &skip,
        meeting_ids,
    );
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
    let mut named: Vec<Uuid> = ranked.iter().map(|(member, _)| *member).collect();
    named.extend(&first.co_hosts);
    let department = tx.department_for_booking(department, &named).await?;
    if let (Some(limit), Some(network)) = (first.guard.hourly_limit, &first.details.client_network)
        && tx
            .public_bookings_from(network, now - chrono::Duration::hours(1))
            .await?
            >= u64::from(limit)
    {
        return Err(AppError::RateLimited);
    }
    let host = match first.host {
        HostChoice::Member(member) => {
            let misfits = staff_misfits(
                &tx,
                &department,
                &spec,
                member,
                &first.co_hosts,
                &planned,
                now,
            )
            .await?;
            if !misfits.is_empty() {
                return Err(Unavailable::Series(misfits).into());
            }
            (member, AssignmentMethod::Manual)
        }
        HostChoice::ByAlgorithm => {
            // Who is free for each meeting, by the customer's rules, read under the lock.
            let mut free_throughout: Vec<(Uuid, AssignmentMethod)> = ranked;
            for (_, span, ..) in &planned {
                let schedule = tx.schedule(&department, &spec, *span, None).await?;
                let free = free_members_at(&schedule, &spec, span.start(), now);
                free_throughout.retain(|(member, _)| free.contains(member));
            }
            free_throughout
                .first()
                .copied()
                .ok_or(Unavailable::NobodyFree)?
        }
    };
    let co_hosts: Vec<Uuid> = first
        .co_hosts
        .iter()
        .copied()
        .filter(|id| *id != host.0)
        .collect();

    let series = Series {
        id: series_id,
        recurrence,
        zone,
        first_start: first.start,
        ics_sequence: 0,
    };
    tx.insert_series(&series, now).await?;
    let plan = plan_customer_booking(
        meeting_type,
        &first.details.customer.name,
        host,
        first.source,
        first.actor,
        now,
    );
    let mut booked = Vec::with_capacity(planned.len());
    for ((index, span, id), reference) in planned.into_iter().zip(&references) {
        let written = NewBooking {
            id,
            reference,
            plan: &plan,
            department: &department,
            meeting_type,
            span,
            attending: Attending::Customer(&first.details),
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
    if let Some((key, request_hash)) = &first.guard.idempotency {
        let request = EarlierRequest {
            request_hash: request_hash.clone(),
            booking_id: booked[0].id,
        };
        tx.remember_request(PUBLIC_BOOKING_SCOPE, key, &request, now)
            .await?;
    }
    tx.commit().await?;
    tracing::info!(series = %series.id, meetings = booked.len(), "series booked");
    Ok(booked)
}

/// The meetings the rule gives from `first_start` in `zone`, less those on a `skip` date: each
/// with its index (1 for the first), its time and the next of `ids` (one per meeting of the rule,
/// skipped ones included).
pub(super) fn planned_meetings(
    recurrence: Recurrence,
    zone: TimeZone,
    first_start: DateTime<Utc>,
    duration: Minutes,
    skip: &[NaiveDate],
    ids: impl IntoIterator<Item = Uuid>,
) -> Vec<(u16, Interval, Uuid)> {
    recurrence
        .starts(zone, first_start)
        .into_iter()
        .zip(1u16..)
        .zip(ids)
        .filter(|((start, _), _)| !skip.contains(&zone.date_of(*start)))
        .map(|((start, index), id)| (index, Interval::starting_at(start, duration), id))
        .collect()
}

/// The meetings of `planned` that `member` (with `co_hosts`) cannot take by the rules for staff,
/// each with its reasons.
async fn staff_misfits(
    tx: &Transaction<'_>,
    department: &Department,
    spec: &MeetingSpec,
    member: Uuid,
    co_hosts: &[Uuid],
    planned: &[(u16, Interval, Uuid)],
    now: DateTime<Utc>,
) -> AppResult<Vec<MeetingConflicts>> {
    let zone = department.timezone;
    let co_hosts: Vec<Uuid> = co_hosts
        .iter()
        .copied()
        .filter(|id| *id != member)
        .collect();
    let mut misfits = Vec::new();
    for (index, span, ..) in planned {
        let start = span.start();
        let mut conflicts: Vec<AttendeeConflict> = tx
            .schedule(department, spec, *span, None)
            .await?
            .member_conflicts(member, spec, start, now);
        if !co_hosts.is_empty() {
            conflicts.extend(
                tx.attendee_schedule(zone, &co_hosts, *span, None)
                    .await?
                    .everyone_conflicts(&co_hosts, spec, start, now),
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
    Ok(misfits)
}

/// Changes the status of meetings of a series in one transaction: cancels one meeting and, as
/// `scope` says, the later ones (`following`) or all (`series`); approves or rejects the series
/// as one (`scope` must be `series`). Each meeting in scope that the change still applies to
/// gets its own history entry; meetings that ended or were cancelled before are left as they
/// are. The meeting is the one `key` names, or the one at index `from` of the same series (a
/// customer's link serves every meeting of theirs). The person acting must be allowed to change
/// every one of them. One notice tells of all of it; a change to more than one meeting gives the
/// series' invite a new sequence. Returns the meeting the scope starts from.
#[tracing::instrument(skip(store, by))]
pub async fn change_in_series(
    store: &Store,
    key: &BookingKey,
    from: Option<u16>,
    scope: SeriesScope,
    change: StatusChange,
    by: Acting<'_>,
    now: DateTime<Utc>,
) -> AppResult<Booking> {
    let applies = match &change {
        StatusChange::Cancel { .. } => true,
        StatusChange::Approve | StatusChange::Reject { .. } => scope == SeriesScope::Series,
        _ => false,
    };
    if !applies {
        return Err(AppError::NotAllowed(
            "a series is cancelled by scope, and approved or rejected as a whole".into(),
        ));
    }
    let tx = store.transaction().await?;
    let (named, mut meetings) = tx.lock_with_series(key, now).await?;
    (by.permit)(&named).map_err(|why| AppError::NotAllowed(why.to_owned()))?;
    let Some(place) = named.series else {
        return Err(AppError::NotAllowed(
            "the booking is not a meeting of a series".into(),
        ));
    };
    meetings.push(named);
    let pivot_index = from.unwrap_or(place.index);
    let Some(pivot) = meetings
        .iter()
        .find(|m| m.series.is_some_and(|p| p.index == pivot_index))
        .cloned()
    else {
        return Err(StoreError::NotFound("meeting of the series").into());
    };
    let in_scope = meetings
        .into_iter()
        .filter(|m| m.series.is_some_and(|p| scope.covers(pivot_index, p.index)));
    let mut changed = 0;
    let mut refusal = None;
    // The notice each meeting's change gives; a series-wide change sends it once.
    let mut planned_notice = None;
    for meeting in in_scope {
        (by.permit)(&meeting).map_err(|why| AppError::NotAllowed(why.to_owned()))?;
        match plan_status_change(&meeting, change.clone(), by.actor, now) {
            Ok(plan) => {
                tx.apply_status_change(&meeting, &plan, None, now).await?;
                changed += 1;
                planned_notice = plan.notice.or(planned_notice);
            }
            Err(why) if meeting.id == pivot.id => refusal = Some(why),
            Err(_) => {}
        }
    }
    if changed == 0 {
        return Err(refusal.map_or_else(
            || AppError::NotAllowed("no meeting in scope can be changed so".into()),
            AppError::from,
        ));
    }
    let booking = tx.booking(pivot.id).await?;
    if scope != SeriesScope::This {
        tx.bump_series_sequence(place.series_id).await?;
    }
    let notice = match (&change, scope) {
        (StatusChange::Cancel { reason, .. }, SeriesScope::Following | SeriesScope::Series) => {
            let cut = if scope == SeriesScope::Following && pivot_index > 1 {
                SeriesCut::Following
            } else {
                SeriesCut::Whole
            };
            Some(Notice::Cancelled {
                by: by.actor.role,
                reason: reason.clone(),
                series: Some(cut),
            })
        }
        // One meeting's own notice and invite sequence, as for any booking; or the approval
        // or rejection of the series, once.
        _ => planned_notice,
    };
    if let Some(notice) = &notice {
        announce(&tx, notice, &booking, by.actor.user_id, now).await?;
    }
    tx.commit().await?;
    tracing::info!(series = %place.series_id, changed, ?scope, "series meetings changed");
    Ok(booking)
}

/// Which meetings of a series a change is asked of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesSelection {
    /// The meeting the scope counts from, by its place; `None`: the one the key names.
    pub from: Option<u16>,
    pub scope: SeriesScope,
}

/// Moves meetings of a series in one transaction: the meeting `key` names (or the one at index
/// `from` of its series) goes where `to` says (a new time, a new host, or both), and, as `scope`
/// says, the later ones (`following`) or all that are still ahead (`series`) move with it: each
/// by the same number of days, to the same new wall-clock time in the department's zone, to the
/// new host if one is named. Every meeting is checked by `to`'s rules (staff's, or the customer's:
/// offered times of the same host); if any does not fit, nothing moves and each misfit is named
/// with its reasons. Meetings over or cancelled stay as they are. One message tells the change,
/// with an invite of the whole series (of the one meeting, for `this`).
#[tracing::instrument(skip_all, fields(scope = ?which.scope))]
pub async fn move_in_series(
    store: &Store,
    key: &BookingKey,
    which: SeriesSelection,
    to: Move,
    by: Acting<'_>,
    links: Option<&LinkHashes>,
    now: DateTime<Utc>,
) -> AppResult<Booking> {
    let SeriesSelection { from, scope } = which;
    let tx = store.transaction().await?;
    let (linked, mut meetings) = tx.lock_with_series(key, now).await?;
    (by.permit)(&linked).map_err(|why| AppError::NotAllowed(why.to_owned()))?;
    if linked.series.is_none() {
        return Err(AppError::NotAllowed(
            "the booking is not a meeting of a series".into(),
        ));
    }
    meetings.push(linked);
    let at = match from {
        Some(index) => meetings
            .iter()
            .position(|m| m.series.is_some_and(|p| p.index == index)),
        None => Some(meetings.len() - 1),
    }
    .ok_or(StoreError::NotFound("meeting of the series"))?;
    let named = meetings.remove(at);
    let others = meetings;
    let Some(place) = named.series else {
        return Err(StoreError::NotFound("meeting of the series").into());
    };
    to.check_allowed(&named, now)?;
    let mut in_scope: Vec<Booking> = others
        .into_iter()
        .filter(|m| {
            m.series.is_some_and(|p| scope.covers(place.index, p.index))
                && m.status.holds_time()
                && m.span.end() > now
        })
        .collect();
    in_scope.push(named.clone());
    in_scope.sort_by_key(|m| m.series.map(|p| p.index));
    let mut department = None;
    for meeting in &in_scope {
        (by.permit)(meeting).map_err(|why| AppError::NotAllowed(why.to_owned()))?;
        department = Some(tx.lock_for_move(meeting, to.host).await?);
    }
    let department = department.ok_or(StoreError::NotFound("department"))?;
    let meeting_type = tx.meeting_type(named.meeting_type_id).await?;
    let zone = department.timezone;

    let mut planned = Vec::with_capacity(in_scope.len());
    let mut misfits = Vec::new();
    for meeting in &in_scope {
        // Given to another host only, every meeting keeps its own time.
        let start = if to.start == named.span.start() {
            meeting.span.start()
        } else {
            moved_with(zone, named.span.start(), to.start, meeting.span.start())
        };
        let host = to.host.unwrap_or(meeting.assigned_to);
        let spec = MeetingSpec::for_booking(&meeting_type, meeting);
        let placed = Placement { host, start };
        let conflicts = match to.policy {
            MovePolicy::Staff => {
                tx.move_conflicts(&department, meeting, &spec, placed, now)
                    .await?
            }
            // Offered times only, with the host the series has.
            MovePolicy::Customer => {
                let window = Interval::starting_at(start, Minutes::ONE);
                let schedule = tx
                    .schedule(&department, &spec, window, Some(meeting.id))
                    .await?;
                let mut conflicts = schedule.member_conflicts(host, &spec, start, now);
                if conflicts.is_empty()
                    && !free_members_at(&schedule, &spec, start, now).contains(&host)
                {
                    conflicts.push(AttendeeConflict {
                        user_id: host,
                        conflict: Conflict::NotOffered,
                    });
                }
                conflicts.extend(
                    tx.co_host_conflicts(&department, meeting, &spec, placed, now)
                        .await?,
                );
                conflicts
            }
        };
        if !conflicts.is_empty() {
            misfits.push(MeetingConflicts {
                index: meeting.series.map_or(0, |p| p.index),
                start,
                date: zone.date_of(start),
                conflicts,
            });
        }
        planned.push((meeting, Interval::starting_at(start, spec.duration), host));
    }
    if !misfits.is_empty() {
        return Err(Unavailable::Series(misfits).into());
    }
    let mut moved = 0;
    for (meeting, span, host) in planned {
        let this_move = Move {
            start: span.start(),
            ..to.clone()
        };
        match plan_move(
            meeting,
            &this_move,
            span,
            host,
            meeting.assignment_method,
            by.actor,
            now,
        ) {
            Ok(plan) => {
                tx.apply_move(meeting, &plan, links, now).await?;
                moved += 1;
            }
            // Another meeting already where the series goes stays as it is.
            Err(_) if meeting.id != named.id => {}
            Err(already) => return Err(already.into()),
        }
    }
    let cut = match scope {
        SeriesScope::This => None,
        SeriesScope::Following if place.index > 1 => Some(SeriesCut::Following),
        _ => Some(SeriesCut::Whole),
    };
    if cut.is_some() {
        tx.bump_series_sequence(place.series_id).await?;
    }
    let booking = tx.booking(named.id).await?;
    let mut notices = Vec::new();
    if booking.span != named.span {
        notices.push(Notice::Rescheduled {
            previous: named.span,
            series: cut,
        });
    }
    if booking.assigned_to != named.assigned_to {
        notices.push(Notice::Reassigned {
            previous_host: tx.staff_user(named.assigned_to).await?,
            series: cut,
        });
    }
    for notice in &notices {
        announce(&tx, notice, &booking, by.actor.user_id, now).await?;
    }
    tx.commit().await?;
    tracing::info!(series = %place.series_id, moved, "series meetings moved");
    Ok(booking)
}
