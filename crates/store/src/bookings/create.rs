//! Writing a new booking: its row, its people, its first assignment and history entry, the
//! host's counters; and what a creation reads first (earlier requests, recent bookings from an
//! address, the members' upcoming load). What to write is decided by the application layer.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use mm_domain::{
    Interval,
    booking::{
        Answers, AssignmentEntry, AttendanceStatus, Booking, BookingReference, BookingSource,
        BookingStatus, CreationPlan, Customer, SeriesPlace,
    },
    department::Department,
    meeting_type::MeetingType,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use super::{LinkHashes, NewRow, Transaction, new_row, read, record_assignment};
use crate::{
    Result, StoreError,
    entity::{Word, booking_participants, bookings, department_members, idempotency_keys},
    users::load_users,
};

/// What a customer booking records about its customer and the request that made it.
#[derive(Debug, Clone)]
pub struct CustomerDetails {
    pub customer: Customer,
    pub answers: Answers,
    /// They work until the meeting ends, wherever it moves.
    pub links: LinkHashes,
    pub client_ip: Option<String>,
    /// What the hourly limit counts the client by: its IPv4 address or IPv6 /64.
    pub client_network: Option<String>,
}

/// Who a new booking is with, beyond its host.
#[derive(Debug, Clone, Copy)]
pub enum Attending<'a> {
    /// A customer booking: the customer, as its one participant.
    Customer(&'a CustomerDetails),
    /// An internal meeting: staff participants (besides the host), with its agenda and room.
    Staff {
        participants: &'a [Uuid],
        agenda: Option<&'a str>,
        physical_location: Option<&'a str>,
    },
}

/// A booking to write, as planned.
#[derive(Debug, Clone, Copy)]
pub struct NewBooking<'a> {
    pub id: Uuid,
    /// From [`crate::Store::fresh_reference`], drawn before the transaction.
    pub reference: &'a BookingReference,
    pub plan: &'a CreationPlan,
    pub department: &'a Department,
    pub meeting_type: &'a MeetingType,
    pub span: Interval,
    pub attending: Attending<'a>,
    /// Staff who host it with the primary host (`plan.host`), each once, not the primary.
    pub co_hosts: &'a [Uuid],
    /// Its place in a series written before it ([`Transaction::insert_series`]).
    pub series: Option<SeriesPlace>,
}

/// A request that an `Idempotency-Key` named before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierRequest {
    /// Hash of the request's body.
    pub request_hash: String,
    pub booking_id: Uuid,
}

/// Creation's building blocks.
impl Transaction<'_> {
    /// Writes a planned booking: its row, participants, first assignment and `created` history
    /// entry; a customer booking also moves its host's assignment counters.
    pub async fn insert_booking(&self, new: NewBooking<'_>, now: DateTime<Utc>) -> Result<Booking> {
        let plan = new.plan;
        let mut row = new_row(
            NewRow {
                id: new.id,
                reference: new.reference,
                plan,
                department: new.department,
                meeting_type: new.meeting_type,
                span: new.span,
            },
            now,
        );
        if let Some(place) = new.series {
            row.series_id = Set(Some(place.series_id));
            row.series_index = Set(Some(i32::from(place.index)));
        }
        let (written, mut guests) = match new.attending {
            Attending::Customer(details) => {
                customer_fields(&mut row, details);
                row.tokens_expire_utc = Set(Some(new.span.end()));
                row.requires_approval = Set(new.meeting_type.requires_approval);
                row.approval_status = Set(plan.approval.map(Word));
                let written = row.insert(&self.txn).await?;
                let customer = &details.customer;
                let guest = participant(new.id, None, &customer.name, customer.email.as_str())
                    .insert(&self.txn)
                    .await?;
                (written, vec![guest])
            }
            Attending::Staff {
                participants,
                agenda,
                physical_location,
            } => {
                row.meeting_agenda = Set(agenda.map(str::to_owned));
                if let Some(location) = physical_location {
                    row.physical_location = Set(Some(location.to_owned()));
                }
                let written = row.insert(&self.txn).await?;
                let guests = insert_staff(&self.txn, new.id, participants, false).await?;
                (written, guests)
            }
        };
        guests.extend(insert_staff(&self.txn, new.id, new.co_hosts, true).await?);
        let mut people = vec![plan.host];
        people.extend(new.co_hosts);
        if let Attending::Staff { participants, .. } = new.attending {
            people.extend(participants);
        }
        self.touch_booking(new.department.id, &people, new.span);
        record_assignment(
            &self.txn,
            new.id,
            plan.host,
            plan.history.action_by,
            plan.method.assignment_type(),
            None,
            now,
        )
        .await?;
        self.record(new.id, new.department.id, plan.history.clone())
            .await?;
        if matches!(new.attending, Attending::Customer(_)) {
            count_assignment(&self.txn, new.department.id, plan.host, now).await?;
        }
        // The booking as the rows just written hold it, without reading them back; in the
        // order a read gives.
        guests.sort_by(|a, b| a.name.cmp(&b.name));
        let first_assignment = AssignmentEntry {
            assigned_to: plan.host,
            assigned_utc: now,
            assigned_by: plan.history.action_by,
            assignment_type: plan.method.assignment_type(),
            is_current: true,
            notes: None,
        };
        read::to_booking(
            written,
            read::Children {
                participants: guests
                    .into_iter()
                    .map(read::to_participant)
                    .collect::<Result<_>>()?,
                assignment_history: vec![first_assignment],
                history: vec![plan.history.clone()],
                reminders: Vec::new(),
            },
        )
    }

    /// The request an idempotency `key` of `scope` was first used with, if any.
    pub async fn earlier_request(&self, scope: &str, key: &str) -> Result<Option<EarlierRequest>> {
        earlier_request(&self.txn, scope, key).await
    }

    /// Remembers that `key` of `scope` made `booking_id`; a concurrent request with the same key
    /// fails here with a conflict.
    pub async fn remember_request(
        &self,
        scope: &str,
        key: &str,
        request: &EarlierRequest,
        now: DateTime<Utc>,
    ) -> Result<()> {
        idempotency_keys::ActiveModel {
            id: Set(Uuid::new_v4()),
            scope: Set(scope.to_owned()),
            key: Set(key.to_owned()),
            request_hash: Set(request.request_hash.clone()),
            response_status: Set(201),
            // The booking is re-read and rendered on a replay; no link token is kept here.
            response_body: Set(request.booking_id.to_string()),
            created_utc: Set(now),
        }
        .insert(&self.txn)
        .await
        .map_err(StoreError::unique_as(
            "Idempotency-Key",
            "a request with this key is in progress",
        ))?;
        Ok(())
    }

    /// How many bookings the public page made for `network` since `since`, as this
    /// transaction sees them.
    pub async fn public_bookings_from(&self, network: &str, since: DateTime<Utc>) -> Result<u64> {
        public_bookings_from(&self.txn, network, since).await
    }

    /// Bookings each member of `department` hosts in the seven days from `now`, as this
    /// transaction sees them.
    pub async fn upcoming_bookings(
        &self,
        department: &Department,
        now: DateTime<Utc>,
    ) -> Result<BTreeMap<Uuid, u32>> {
        upcoming_bookings(&self.txn, department, now).await
    }
}

/// The customer's fields of a booking row.
fn customer_fields(row: &mut bookings::ActiveModel, details: &CustomerDetails) {
    let customer = &details.customer;
    row.customer_name = Set(Some(customer.name.clone()));
    row.customer_email = Set(Some(customer.email.as_str().to_owned()));
    row.customer_phone = Set(Some(customer.phone.as_str().to_owned()));
    row.customer_timezone = Set(Some(customer.timezone.name().to_owned()));
    row.customer_language = Set(Some(customer.language.code().to_owned()));
    row.customer_notes = Set(customer.notes.clone());
    row.answers = Set(read::encode_answers(&details.answers));
    row.cancel_token_hash = Set(Some(details.links.cancel.clone()));
    row.reschedule_token_hash = Set(Some(details.links.reschedule.clone()));
    row.created_from_ip = Set(details.client_ip.clone());
    row.created_from_network = Set(details.client_network.clone());
}

fn participant(
    booking_id: Uuid,
    user_id: Option<Uuid>,
    name: &str,
    email: &str,
) -> booking_participants::ActiveModel {
    booking_participants::ActiveModel {
        id: Set(Uuid::new_v4()),
        booking_id: Set(booking_id),
        user_id: Set(user_id),
        name: Set(name.to_owned()),
        email: Set(email.to_owned()),
        attendance_status: Set(Word(AttendanceStatus::Invited)),
        response_utc: Set(None),
        is_host: Set(false),
    }
}

/// Writes `people` (staff users) as participants of `booking_id`, in their order: invited, or
/// as co-hosts (`hosts`), who are assigned and so attend without answering.
pub(super) async fn insert_staff(
    db: &impl ConnectionTrait,
    booking_id: Uuid,
    people: &[Uuid],
    hosts: bool,
) -> Result<Vec<booking_participants::Model>> {
    let users = load_users(db, people).await?;
    let mut rows = Vec::with_capacity(people.len());
    for id in people {
        let person = users
            .iter()
            .find(|u| u.id == *id)
            .ok_or(StoreError::NotFound("participant"))?;
        let mut row = participant(
            booking_id,
            Some(person.id),
            &person.full_name,
            person.email.as_str(),
        );
        if hosts {
            row.is_host = Set(true);
            row.attendance_status = Set(Word(AttendanceStatus::Confirmed));
        }
        rows.push(row.insert(db).await?);
    }
    Ok(rows)
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

async fn earlier_request(
    db: &impl ConnectionTrait,
    scope: &str,
    key: &str,
) -> Result<Option<EarlierRequest>> {
    let Some(row) = idempotency_keys::Entity::find()
        .filter(idempotency_keys::Column::Scope.eq(scope))
        .filter(idempotency_keys::Column::Key.eq(key))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(EarlierRequest {
        booking_id: Uuid::parse_str(&row.response_body).map_err(crate::corrupt)?,
        request_hash: row.request_hash,
    }))
}

/// What a creation reads before its transaction: nothing here needs a lock.
impl crate::Store {
    /// The request an idempotency `key` of `scope` was first used with, if any, as committed.
    pub async fn earlier_request(&self, scope: &str, key: &str) -> Result<Option<EarlierRequest>> {
        earlier_request(&self.db, scope, key).await
    }

    /// A reference no booking has yet. A clash is rare (one in 10¹² per booking) and checked
    /// here; the unique index refuses the one a simultaneous creation might draw as well.
    pub async fn fresh_reference(&self) -> Result<BookingReference> {
        for _ in 0..8 {
            let reference = BookingReference::from_random(rand::random());
            let taken = bookings::Entity::find()
                .filter(bookings::Column::BookingReference.eq(reference.as_str()))
                .count(&self.db)
                .await?;
            if taken == 0 {
                return Ok(reference);
            }
        }
        Err(crate::corrupt("no free booking reference after 8 draws"))
    }

    /// How many bookings the public page made for `network` since `since`, as committed.
    pub async fn public_bookings_from(&self, network: &str, since: DateTime<Utc>) -> Result<u64> {
        public_bookings_from(&self.db, network, since).await
    }

    /// Bookings each member of `department` hosts in the seven days from `now`, as committed.
    pub async fn upcoming_bookings(
        &self,
        department: &Department,
        now: DateTime<Utc>,
    ) -> Result<BTreeMap<Uuid, u32>> {
        upcoming_bookings(&self.db, department, now).await
    }
}

/// Bookings each member of `department` hosts in the seven days from `now`, which
/// `least_busy` weighs; empty for the other algorithms, which do not read it.
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
        .filter(
            bookings::Column::Status
                .is_in([Word(BookingStatus::Pending), Word(BookingStatus::Confirmed)]),
        )
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

async fn public_bookings_from(
    db: &impl ConnectionTrait,
    network: &str,
    since: DateTime<Utc>,
) -> Result<u64> {
    Ok(bookings::Entity::find()
        .filter(bookings::Column::CreatedFromNetwork.eq(network))
        .filter(bookings::Column::BookingSource.eq(Word(BookingSource::PublicBookingPage)))
        .filter(bookings::Column::CreatedUtc.gt(since))
        .count(db)
        .await?)
}
