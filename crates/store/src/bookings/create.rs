//! Creating a customer booking: recheck, assign, count, insert, record, notify; one transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use mm_domain::{
    Interval,
    assignment::{self, Candidate},
    booking::{
        ApprovalStatus, AssignmentMethod, AttendanceStatus, BookingReference, BookingSource,
        BookingStatus, BookingType,
    },
    department::Department,
    notification::Notice,
    scheduling::{AttendeeConflict, Conflict, MeetingSpec, Schedule},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use super::{
    Created, HostChoice, NewCustomerBooking, NewRow, Render, lock_people, new_row, notify, read,
    record_creation,
};
use crate::{
    Result, Store, StoreError,
    departments::load_department,
    entity::{booking_participants, bookings, department_members, idempotency_keys},
    scheduling::load_schedule,
};

/// The idempotency scope of public booking creation.
const PUBLIC_BOOKING_SCOPE: &str = "public_booking";

impl Store {
    /// Creates a customer booking, or replays the one an earlier request with the same
    /// idempotency key created. Fails with [`StoreError::SlotUnavailable`] when nobody (or not the
    /// named member) can take the time, also when another request took it first.
    #[tracing::instrument(skip_all, fields(booking_id = %new.id))]
    pub async fn create_customer_booking(
        &self,
        new: NewCustomerBooking,
        now: DateTime<Utc>,
        render: Render<'_>,
    ) -> Result<Created> {
        let txn = self.begin().await?;
        let roster = load_department(&txn, new.department_id).await?;
        let mut people: Vec<Uuid> = roster.members.iter().map(|m| m.user_id).collect();
        if let HostChoice::Member(id) = new.host {
            people.push(id);
        }
        lock_people(&txn, &people).await?;
        // Read again under the lock: the assignment counters may have moved meanwhile.
        let department = load_department(&txn, new.department_id).await?;

        if let Some((key, request)) = &new.guard.idempotency {
            let earlier = idempotency_keys::Entity::find()
                .filter(idempotency_keys::Column::Scope.eq(PUBLIC_BOOKING_SCOPE))
                .filter(idempotency_keys::Column::Key.eq(key.as_str()))
                .one(&txn)
                .await?;
            if let Some(earlier) = earlier {
                if &earlier.request_hash != request {
                    return Err(StoreError::IdempotencyKeyReused);
                }
                let id = Uuid::parse_str(&earlier.response_body).map_err(crate::corrupt)?;
                return Ok(Created::Replayed(read::load_booking(&txn, id).await?));
            }
        }
        if let (Some(limit), Some(network)) = (new.guard.hourly_limit, &new.client_network) {
            let recent = bookings::Entity::find()
                .filter(bookings::Column::CreatedFromNetwork.eq(network.as_str()))
                .filter(
                    bookings::Column::BookingSource.eq(BookingSource::PublicBookingPage.as_ref()),
                )
                .filter(bookings::Column::CreatedUtc.gt(now - Duration::hours(1)))
                .count(&txn)
                .await?;
            if recent >= u64::from(limit) {
                return Err(StoreError::RateLimited);
            }
        }

        let meeting_type = &new.meeting_type;
        let spec = MeetingSpec::of(meeting_type);
        let span = Interval::starting_at(new.start, meeting_type.duration);
        let (host, method) = match new.host {
            HostChoice::ByAlgorithm => {
                let window = Interval::starting_at(new.start, mm_domain::Minutes::ONE);
                let schedule = load_schedule(&txn, &department, window, None).await?;
                let free = schedule
                    .open_slots(&spec, window)
                    .free_members_at(new.start, now);
                let host = choose_host(&txn, &department, &free, now)
                    .await?
                    .ok_or(StoreError::SlotUnavailable(Vec::new()))?;
                (host, AssignmentMethod::of(department.algorithm))
            }
            HostChoice::Member(id) => {
                let schedule = load_schedule(&txn, &department, span, None).await?;
                check_member_free(&schedule, id, &spec, new.start, now)?;
                (id, AssignmentMethod::Manual)
            }
        };

        let reference = fresh_reference(&txn).await?;
        let (status, approval) = if meeting_type.requires_approval {
            (BookingStatus::Pending, Some(ApprovalStatus::Pending))
        } else {
            (BookingStatus::Confirmed, None)
        };
        let customer = &new.customer;
        booking_row(
            &new,
            NewRow {
                id: new.id,
                reference: &reference,
                booking_type: BookingType::Customer,
                source: new.source,
                status,
                department: &department,
                meeting_type,
                span,
                host,
                method,
                title: format!("{} – {}", meeting_type.name, customer.name),
                created_by: new.actor.user_id,
            },
            approval,
            now,
        )
        .insert(&txn)
        .await?;
        booking_participants::ActiveModel {
            id: Set(Uuid::new_v4()),
            booking_id: Set(new.id),
            user_id: Set(None),
            name: Set(customer.name.clone()),
            email: Set(customer.email.as_str().to_owned()),
            attendance_status: Set(AttendanceStatus::Invited.as_ref().to_owned()),
            response_utc: Set(None),
        }
        .insert(&txn)
        .await?;
        record_creation(
            &txn,
            new.id,
            host,
            method.assignment_type(),
            status,
            new.actor,
            now,
        )
        .await?;
        count_assignment(&txn, department.id, host, now).await?;

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
        if let Some((key, request)) = new.guard.idempotency {
            idempotency_keys::ActiveModel {
                id: Set(Uuid::new_v4()),
                scope: Set(PUBLIC_BOOKING_SCOPE.to_owned()),
                key: Set(key),
                request_hash: Set(request),
                response_status: Set(201),
                // The booking is re-read and rendered on a replay; no link token is kept here.
                response_body: Set(new.id.to_string()),
                created_utc: Set(now),
            }
            .insert(&txn)
            .await
            .map_err(StoreError::unique_as(
                "Idempotency-Key",
                "a request with this key is in progress",
            ))?;
        }
        self.commit(txn).await?;
        tracing::info!(reference = %booking.reference, status = %booking.status, "booking created");
        Ok(Created::New(booking))
    }
}

/// A customer booking's row: the common fields, the customer, their answers and link hashes.
fn booking_row(
    new: &NewCustomerBooking,
    common: NewRow<'_>,
    approval: Option<ApprovalStatus>,
    now: DateTime<Utc>,
) -> bookings::ActiveModel {
    let customer = &new.customer;
    let mut row = new_row(common, now);
    row.customer_name = Set(Some(customer.name.clone()));
    row.customer_email = Set(Some(customer.email.as_str().to_owned()));
    row.customer_phone = Set(Some(customer.phone.as_str().to_owned()));
    row.customer_timezone = Set(Some(customer.timezone.name().to_owned()));
    row.customer_notes = Set(customer.notes.clone());
    row.answers = Set(read::encode_answers(&new.answers));
    row.requires_approval = Set(new.meeting_type.requires_approval);
    row.approval_status = Set(approval.map(|a| a.as_ref().to_owned()));
    row.cancel_token_hash = Set(Some(new.links.cancel.clone()));
    row.reschedule_token_hash = Set(Some(new.links.reschedule.clone()));
    row.tokens_expire_utc = Set(Some(new.links_expire));
    row.created_from_ip = Set(new.client_ip.clone());
    row.created_from_network = Set(new.client_network.clone());
    row
}

/// Fails unless `member` is an active member of the schedule's department and free at `start`.
pub(super) fn check_member_free(
    schedule: &Schedule,
    member: Uuid,
    spec: &MeetingSpec,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    let of_member = |conflict| AttendeeConflict {
        user_id: member,
        conflict,
    };
    let Some(calendar) = schedule.member(member) else {
        return Err(StoreError::SlotUnavailable(vec![of_member(
            Conflict::NotAMember,
        )]));
    };
    let conflicts = schedule.staff_conflicts(calendar, spec, start, now);
    if conflicts.is_empty() {
        Ok(())
    } else {
        Err(StoreError::SlotUnavailable(
            conflicts.into_iter().map(of_member).collect(),
        ))
    }
}

/// The free member the department's algorithm picks, reading what it weighs.
pub(super) async fn choose_host(
    db: &impl ConnectionTrait,
    department: &Department,
    free: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Option<Uuid>> {
    if free.is_empty() {
        return Ok(None);
    }
    let upcoming = upcoming_bookings(db, department, now).await?;
    let candidates: Vec<Candidate> = assignment::candidates(department, free, |id| {
        upcoming.get(&id).copied().unwrap_or(0)
    });
    Ok(assignment::choose(department.algorithm, &candidates).map(|c| c.user_id))
}

/// Bookings each member hosts in the next seven days, for `least_busy`.
async fn upcoming_bookings(
    db: &impl ConnectionTrait,
    department: &Department,
    now: DateTime<Utc>,
) -> Result<BTreeMap<Uuid, u32>> {
    if department.algorithm != mm_domain::department::AssignmentAlgorithm::LeastBusy {
        return Ok(BTreeMap::new());
    }
    let members: Vec<Uuid> = department.members.iter().map(|m| m.user_id).collect();
    let rows: Vec<(Uuid, i64)> = bookings::Entity::find()
        .select_only()
        .column(bookings::Column::AssignedTo)
        .column_as(bookings::Column::Id.count(), "n")
        .filter(bookings::Column::AssignedTo.is_in(members))
        .filter(bookings::Column::Status.is_in([
            BookingStatus::Pending.as_ref(),
            BookingStatus::Confirmed.as_ref(),
        ]))
        .filter(bookings::Column::StartUtc.gte(now))
        .filter(bookings::Column::StartUtc.lt(now + Duration::days(7)))
        .group_by(bookings::Column::AssignedTo)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, n)| (id, u32::try_from(n).unwrap_or(u32::MAX)))
        .collect())
}

/// Moves the member's round-robin and weighted counters on by one assignment.
pub(super) async fn count_assignment(
    db: &impl ConnectionTrait,
    department_id: Uuid,
    member: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    department_members::Entity::update_many()
        .col_expr(
            department_members::Column::TotalAssignments,
            Expr::col(department_members::Column::TotalAssignments).add(1),
        )
        .col_expr(
            department_members::Column::LastAssignedUtc,
            Expr::value(now),
        )
        .filter(department_members::Column::DepartmentId.eq(department_id))
        .filter(department_members::Column::UserId.eq(member))
        .exec(db)
        .await?;
    Ok(())
}

/// A reference no booking has yet; a clash is rare (one in 10¹² per booking) but checked.
pub(super) async fn fresh_reference(db: &impl ConnectionTrait) -> Result<BookingReference> {
    for _ in 0..8 {
        let reference = BookingReference::from_random(rand::random());
        let taken = bookings::Entity::find()
            .filter(bookings::Column::BookingReference.eq(reference.as_str()))
            .count(db)
            .await?;
        if taken == 0 {
            return Ok(reference);
        }
    }
    Err(crate::corrupt("no free booking reference after 8 draws"))
}
