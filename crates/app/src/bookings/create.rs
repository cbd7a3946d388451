//! Creating bookings. What needs no lock is read before the transaction, from what is
//! committed: the department, a reference, the members' availability settings, and the members
//! free at the requested time ranked by the department's algorithm. Inside it the candidates are
//! claimed in that order, each one's bookings and busy time around the time read again (under
//! SQLite's one writer, or with that member's row locked on PostgreSQL) until one is still
//! free, so of two requests for the same time the second sees the first's booking, while
//! bookings for different members run in parallel on PostgreSQL.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use mm_domain::{
    Interval,
    booking::{
        Actor, AssignmentMethod, Attendees, Booking, BookingSource, HostChoice, MeetingConflicts,
        SeriesPlace, Unavailable, free_members_at, host_candidates, plan_customer_booking,
        plan_internal_meeting, rank_free_members,
    },
    department::Department,
    meeting_type::MeetingType,
    notification::Notice,
    recurrence::{Recurrence, Series},
    scheduling::MeetingSpec,
};
use mm_store::{
    Announcement, Attending, AvailabilitySettings, CustomerDetails, EarlierRequest, NewBooking,
    Store, Transaction,
};
use uuid::Uuid;

use super::series::planned_meetings;
use crate::{AppError, AppResult};

/// The idempotency scope of public booking creation.
pub(super) const PUBLIC_BOOKING_SCOPE: &str = "public_booking";

/// What stands between a public request and a second booking: a replayed `Idempotency-Key`
/// and the per-address hourly limit.
#[derive(Debug, Clone, Default)]
pub struct RequestGuard {
    /// Hash of the client's key, and hash of the request it came with.
    pub idempotency: Option<(String, String)>,
    /// Public creations allowed per client address per hour; `None`: no limit.
    pub hourly_limit: Option<u32>,
}

/// A customer booking to make, as parsed from a request.
#[derive(Debug, Clone)]
pub struct NewCustomerBooking {
    pub id: Uuid,
    pub department_id: Uuid,
    pub meeting_type: MeetingType,
    pub start: DateTime<Utc>,
    pub host: HostChoice,
    pub source: BookingSource,
    pub actor: Actor,
    pub details: CustomerDetails,
    pub guard: RequestGuard,
    /// What a slot table showed for the start, when the caller read one (the public page):
    /// the host is then chosen among the members free there, without reading the schedule.
    pub offer: Option<Offer>,
    /// Staff who host it with the chosen host (not that host), each of whom must be free too.
    pub co_hosts: Vec<Uuid>,
}

/// Who a slot table showed free at a start, and the availability settings it was computed
/// with (as exact as the table: a change to someone's settings recomputes it).
#[derive(Debug, Clone)]
pub struct Offer {
    pub free: Vec<Uuid>,
    pub settings: Arc<AvailabilitySettings>,
}

/// A creation's outcome: a new booking, or the one an earlier request with the same
/// `Idempotency-Key` created.
#[derive(Debug, Clone)]
pub enum Created {
    New(Booking),
    Replayed(Booking),
}

impl Created {
    pub fn booking(self) -> Booking {
        match self {
            Self::New(booking) | Self::Replayed(booking) => booking,
        }
    }
}

/// Books a customer meeting, or replays the one an earlier request with the same idempotency key
/// made. The host is the member staff named, if free, or the member the department's algorithm
/// picks among those free at the offered slot; the booking waits for approval when its meeting
/// type asks for it. Everyone concerned is notified in the same transaction.
#[tracing::instrument(skip_all, fields(booking_id = %new.id))]
pub async fn create_customer_booking(
    store: &Store,
    new: NewCustomerBooking,
    now: DateTime<Utc>,
) -> AppResult<Created> {
    if let Some(replayed) = replay(store, &new.guard).await? {
        return Ok(replayed);
    }
    // A client over its limit is refused before it costs any more; checked again under the lock,
    // where simultaneous requests from one address are counted exactly.
    if over_hourly_limit(store, &new, now).await? {
        return Err(AppError::RateLimited);
    }
    let meeting_type = &new.meeting_type;
    let spec = MeetingSpec::of(meeting_type);
    let span = Interval::starting_at(new.start, meeting_type.duration);
    // Everything that needs no lock is done before the transaction: on SQLite every creation
    // waits for the one writer, so what it does there is kept to the recheck and the writes.
    // Read as committed: the algorithm's counters move with every booking.
    let department = store.department(new.department_id).await?;
    let ranked = match (new.host, new.offer) {
        (HostChoice::ByAlgorithm, offer) => {
            let placing = Placing::new(&department, &spec, new.start, now);
            Some(ranked_hosts(store, &placing, offer).await?)
        }
        (HostChoice::Member(_), _) => None,
    };
    let reference = store.fresh_reference().await?;

    let tx = store.transaction().await?;
    let mut named = match new.host {
        HostChoice::Member(id) => vec![id],
        HostChoice::ByAlgorithm => Vec::new(),
    };
    named.extend(&new.co_hosts);
    let department = tx.department_for_booking(department, &named).await?;
    if let Some((key, request_hash)) = &new.guard.idempotency
        && let Some(earlier) = tx.earlier_request(PUBLIC_BOOKING_SCOPE, key).await?
    {
        if &earlier.request_hash != request_hash {
            return Err(AppError::IdempotencyKeyReused);
        }
        return Ok(Created::Replayed(tx.booking(earlier.booking_id).await?));
    }
    if let (Some(limit), Some(network)) = (new.guard.hourly_limit, &new.details.client_network)
        && tx
            .public_bookings_from(network, now - Duration::hours(1))
            .await?
            >= u64::from(limit)
    {
        return Err(AppError::RateLimited);
    }

    let host = match ranked {
        Some((candidates, settings)) => {
            let placing = Placing::new(&department, &spec, new.start, now);
            claim_first_free(&tx, &placing, &settings, candidates).await?
        }
        None => {
            // Staff's choice is locked already (PostgreSQL) or under the one writer (SQLite).
            let schedule = tx.schedule(&department, &spec, span, None).await?;
            let candidates = host_candidates(
                new.host,
                &department,
                &schedule,
                &spec,
                new.start,
                now,
                |_| 0,
            )?;
            candidates.first().copied().ok_or(Unavailable::NobodyFree)?
        }
    };
    let co_hosts: Vec<Uuid> = new
        .co_hosts
        .iter()
        .copied()
        .filter(|id| *id != host.0)
        .collect();
    if !co_hosts.is_empty() {
        let conflicts = tx
            .attendee_schedule(department.timezone, &co_hosts, span, None)
            .await?
            .everyone_conflicts(&co_hosts, &spec, new.start, now);
        if !conflicts.is_empty() {
            return Err(Unavailable::Conflicts(conflicts).into());
        }
    }
    let plan = plan_customer_booking(
        meeting_type,
        &new.details.customer.name,
        host,
        new.source,
        new.actor,
        now,
    );
    let written = NewBooking {
        id: new.id,
        reference: &reference,
        plan: &plan,
        department: &department,
        meeting_type,
        span,
        attending: Attending::Customer(&new.details),
        co_hosts: &co_hosts,
        series: None,
    };
    let booking = insert_and_announce(&tx, written, new.actor.user_id, now).await?;
    if let Some((key, request_hash)) = &new.guard.idempotency {
        let request = EarlierRequest {
            request_hash: request_hash.clone(),
            booking_id: new.id,
        };
        tx.remember_request(PUBLIC_BOOKING_SCOPE, key, &request, now)
            .await?;
    }
    tx.commit().await?;
    tracing::info!(reference = %booking.reference, status = %booking.status, "booking created");
    Ok(Created::New(booking))
}

/// The booking an earlier request with the same idempotency key made, as committed; an error
/// when that request differed.
pub(super) async fn replay(store: &Store, guard: &RequestGuard) -> AppResult<Option<Created>> {
    let Some((key, request_hash)) = &guard.idempotency else {
        return Ok(None);
    };
    let Some(earlier) = store.earlier_request(PUBLIC_BOOKING_SCOPE, key).await? else {
        return Ok(None);
    };
    if &earlier.request_hash != request_hash {
        return Err(AppError::IdempotencyKeyReused);
    }
    Ok(Some(Created::Replayed(
        store.booking(earlier.booking_id).await?,
    )))
}

/// Whether the client made as many public bookings in the last hour as it may, as committed.
pub(super) async fn over_hourly_limit(
    store: &Store,
    new: &NewCustomerBooking,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let (Some(limit), Some(network)) = (new.guard.hourly_limit, &new.details.client_network) else {
        return Ok(false);
    };
    let recent = store
        .public_bookings_from(network, now - Duration::hours(1))
        .await?;
    Ok(recent >= u64::from(limit))
}

/// The members free at the start, as `offer` shows them or else as the committed schedule does,
/// in the department's algorithm's order: who to claim, first to last; with the availability
/// settings that showed it, which their recheck reuses. Nobody free is the answer at once.
async fn ranked_hosts(
    store: &Store,
    placing: &Placing<'_>,
    offer: Option<Offer>,
) -> AppResult<(Vec<(Uuid, AssignmentMethod)>, Arc<AvailabilitySettings>)> {
    let department = placing.department;
    let (free, settings) = match offer {
        Some(offer) => (offer.free, offer.settings),
        None => {
            let (schedule, settings) = store
                .booking_schedule(department, placing.spec.duration, placing.window)
                .await?;
            let free = free_members_at(&schedule, placing.spec, placing.start, placing.now);
            (free, Arc::new(settings))
        }
    };
    if free.is_empty() {
        return Err(Unavailable::NobodyFree.into());
    }
    let upcoming = store.upcoming_bookings(department, placing.now).await?;
    let ranked = rank_free_members(department, &free, |id| {
        upcoming.get(&id).copied().unwrap_or(0)
    });
    Ok((ranked, settings))
}

/// A customer booking being placed, as a claim checks it.
struct Placing<'a> {
    department: &'a Department,
    spec: &'a MeetingSpec,
    /// Where the slot grid is read: around the start.
    window: Interval,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
}

impl<'a> Placing<'a> {
    fn new(
        department: &'a Department,
        spec: &'a MeetingSpec,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            department,
            spec,
            window: Interval::starting_at(start, mm_domain::Minutes::ONE),
            start,
            now,
        }
    }
}

/// The first of `candidates` (free when the schedule was read, in the algorithm's order) who is
/// still free once read again under the lock. Under SQLite's one writer all of them are read
/// again at once. On PostgreSQL each is claimed in turn (their row locked), so creations for
/// different members do not wait for each other; members another creation is booking right
/// now are tried last, after waiting for it.
async fn claim_first_free(
    tx: &Transaction<'_>,
    placing: &Placing<'_>,
    settings: &AvailabilitySettings,
    candidates: Vec<(Uuid, AssignmentMethod)>,
) -> AppResult<(Uuid, AssignmentMethod)> {
    if !tx.claims_one_by_one() {
        let members: Vec<Uuid> = candidates.iter().map(|(member, _)| *member).collect();
        let schedule = tx
            .recheck_members(
                placing.department,
                &members,
                settings,
                placing.spec,
                placing.window,
            )
            .await?;
        let free = free_members_at(&schedule, placing.spec, placing.start, placing.now);
        return candidates
            .into_iter()
            .find(|(member, _)| free.contains(member))
            .ok_or_else(recheck_refused);
    }
    let mut busy = Vec::new();
    for (member, method) in candidates {
        match claim_if_free(tx, placing, settings, member, false).await? {
            Claim::Free => return Ok((member, method)),
            Claim::Taken => {}
            Claim::BeingBooked => busy.push((member, method)),
        }
    }
    for (member, method) in busy {
        if claim_if_free(tx, placing, settings, member, true).await? == Claim::Free {
            return Ok((member, method));
        }
    }
    Err(recheck_refused())
}

/// The refusal of a booking whose hosts looked free before its transaction but are taken when
/// checked inside it: the loser of a race, counted for operators (`/metrics`).
fn recheck_refused() -> AppError {
    metrics::counter!("mm_booking_rechecks_refused_total").increment(1);
    Unavailable::NobodyFree.into()
}

/// What claiming a candidate host found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Claim {
    /// Claimed and free: the claim is kept.
    Free,
    /// Claimed but no longer free: the claim is given back.
    Taken,
    /// Another creation is booking them (only when not waiting).
    BeingBooked,
}

/// Claims `member` (waiting for another creation booking them, or not) and keeps the claim if
/// they are still free for the booking.
async fn claim_if_free(
    tx: &Transaction<'_>,
    placing: &Placing<'_>,
    settings: &AvailabilitySettings,
    member: Uuid,
    wait: bool,
) -> AppResult<Claim> {
    let Some(schedule) = tx
        .claim_member(
            placing.department,
            member,
            settings,
            placing.spec,
            placing.window,
            wait,
        )
        .await?
    else {
        return Ok(Claim::BeingBooked);
    };
    let free = free_members_at(&schedule, placing.spec, placing.start, placing.now);
    if free.contains(&member) {
        tx.keep_claim().await?;
        Ok(Claim::Free)
    } else {
        tx.give_back_claim().await?;
        Ok(Claim::Taken)
    }
}

/// An internal meeting to make, as parsed from a request.
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
    /// A recurring series from `start` instead of one meeting.
    pub repeat: Option<InternalSeries>,
}

/// The series an internal meeting repeats as.
#[derive(Debug, Clone)]
pub struct InternalSeries {
    pub recurrence: Recurrence,
    /// Dates (in the department's zone) of meetings of the rule to leave out.
    pub skip: Vec<NaiveDate>,
}

/// Books a confirmed internal meeting, or a series of them, once the host and every
/// participant, locked, are free for every meeting; the rules are read in the meeting type's
/// department's zone, where a series keeps its wall-clock time. A series with a meeting someone
/// cannot attend is refused whole, each misfit named. Everyone is invited in the same
/// transaction, once (a series' invite carries its rule). Returns the first meeting.
#[tracing::instrument(skip_all, fields(booking_id = %new.id))]
pub async fn create_internal_meeting(
    store: &Store,
    new: NewInternalMeeting,
    now: DateTime<Utc>,
) -> AppResult<Booking> {
    let meeting_type = &new.meeting_type;
    let department = store.department(meeting_type.department_id).await?;
    let zone = department.timezone;
    let planned: Vec<(u16, Interval, Uuid)> = match &new.repeat {
        None => vec![(
            1,
            Interval::starting_at(new.start, meeting_type.duration),
            new.id,
        )],
        Some(series) => planned_meetings(
            series.recurrence,
            zone,
            new.start,
            meeting_type.duration,
            &series.skip,
            std::iter::once(new.id).chain(std::iter::repeat_with(Uuid::new_v4)),
        ),
    };
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
    let everyone = new.attendees.everyone();
    tx.lock_people(&everyone).await?;
    let spec = MeetingSpec::of(meeting_type);
    let mut misfits = Vec::new();
    for (index, span, _) in &planned {
        let conflicts = tx
            .attendee_schedule(zone, &everyone, *span, None)
            .await?
            .everyone_conflicts(&everyone, &spec, span.start(), now);
        if conflicts.is_empty() {
            continue;
        }
        if new.repeat.is_none() {
            return Err(Unavailable::Conflicts(conflicts).into());
        }
        misfits.push(MeetingConflicts {
            index: *index,
            start: span.start(),
            date: zone.date_of(span.start()),
            conflicts,
        });
    }
    if !misfits.is_empty() {
        return Err(Unavailable::Series(misfits).into());
    }
    let series = match &new.repeat {
        Some(repeat) => {
            let series = Series {
                id: Uuid::new_v4(),
                recurrence: repeat.recurrence,
                zone,
                first_start: new.start,
                ics_sequence: 0,
            };
            tx.insert_series(&series, now).await?;
            Some(series.id)
        }
        None => None,
    };
    let plan = plan_internal_meeting(meeting_type, new.attendees.host(), new.actor, now);
    let mut booked = Vec::with_capacity(planned.len());
    for ((index, span, id), reference) in planned.into_iter().zip(&references) {
        let written = NewBooking {
            id,
            reference,
            plan: &plan,
            department: &department,
            meeting_type,
            span,
            attending: Attending::Staff {
                participants: new.attendees.participants(),
                agenda: new.agenda.as_deref(),
                physical_location: new.physical_location.as_deref(),
            },
            co_hosts: new.attendees.co_hosts(),
            series: series.map(|series_id| SeriesPlace { series_id, index }),
        };
        booked.push(tx.insert_booking(written, now).await?);
    }
    // One announcement, of the first meeting: a series' invite describes all of it.
    let first = booked.swap_remove(0);
    let change = Announcement {
        notice: &Notice::Created,
        booking: &first,
        department: &department,
        meeting_type,
        actor: new.actor.user_id,
    };
    tx.queue_notice(&change, now).await?;
    tx.commit().await?;
    tracing::info!(
        reference = %first.reference,
        people = everyone.len(),
        meetings = booked.len() + 1,
        "internal meeting created"
    );
    Ok(first)
}

/// Writes the planned booking, reads it back as stored, and queues the messages of its creation.
async fn insert_and_announce(
    tx: &Transaction<'_>,
    new: NewBooking<'_>,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<Booking> {
    let booking = tx.insert_booking(new, now).await?;
    let change = Announcement {
        notice: &Notice::Created,
        booking: &booking,
        department: new.department,
        meeting_type: new.meeting_type,
        actor,
    };
    tx.queue_notice(&change, now).await?;
    Ok(booking)
}
