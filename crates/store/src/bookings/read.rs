//! Reading bookings back as domain values, with participants and both histories.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use mm_domain::{
    Email, Interval, Minutes, Phone, TimeZone,
    booking::{
        self, Answer, Answers, AssignmentEntry, AssignmentMethod, Booking, BookingReference,
        BookingStatus, BookingType, CalendarWrite, CustomerRecord, HistoryEntry, Participant,
        SeriesPlace,
    },
    reminder::ReminderRecord,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::BookingKey;
use crate::{
    Result, Store, StoreError, corrupt,
    entity::{
        Word, booking_assignment_history, booking_history, booking_participants,
        booking_reminders_sent, bookings,
    },
};

impl Store {
    pub async fn booking(&self, id: Uuid) -> Result<Booking> {
        load_booking(&self.db, id).await
    }

    /// The booking a customer's link names, while that link still works.
    pub async fn booking_by_link(&self, key: &BookingKey, now: DateTime<Utc>) -> Result<Booking> {
        let row = find_row(&self.db, key, now).await?;
        assemble(&self.db, row).await
    }
}

/// The booking row `key` names. A customer link that is unknown, used up or expired names
/// nothing, so the answer does not tell which. The meetings of a series share their links: a
/// link names the first of them it still works for that takes place, or else the first it
/// still works for.
pub(super) async fn find_row(
    db: &impl ConnectionTrait,
    key: &BookingKey,
    now: DateTime<Utc>,
) -> Result<bookings::Model> {
    let query = bookings::Entity::find();
    let hash = match key {
        BookingKey::Id(id) => {
            return query
                .filter(bookings::Column::Id.eq(*id))
                .one(db)
                .await?
                .ok_or(StoreError::NotFound("booking"));
        }
        BookingKey::CancelLink(hash) => {
            Condition::all().add(bookings::Column::CancelTokenHash.eq(hash.as_str()))
        }
        BookingKey::RescheduleLink(hash) => {
            Condition::all().add(bookings::Column::RescheduleTokenHash.eq(hash.as_str()))
        }
        BookingKey::AnyLink(hash) => Condition::any()
            .add(bookings::Column::CancelTokenHash.eq(hash.as_str()))
            .add(bookings::Column::RescheduleTokenHash.eq(hash.as_str())),
    };
    // At most a series' meetings share a link, and a series is short.
    let working: Vec<bookings::Model> = query
        .filter(hash)
        .filter(bookings::Column::TokensExpireUtc.is_not_null())
        .filter(bookings::Column::EndUtc.gt(now))
        .order_by_asc(bookings::Column::SeriesIndex)
        .all(db)
        .await?
        .into_iter()
        .filter(|row| booking::self_service_open(row.end_utc, now))
        .collect();
    let held = working.iter().position(|row| row.status.0.holds_time());
    working
        .into_iter()
        .nth(held.unwrap_or(0))
        .ok_or(StoreError::NotFound("booking link"))
}

pub(crate) async fn load_booking(db: &impl ConnectionTrait, id: Uuid) -> Result<Booking> {
    let row = bookings::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("booking"))?;
    assemble(db, row).await
}

/// A booking row with its children, as a domain value.
pub(super) async fn assemble(db: &impl ConnectionTrait, row: bookings::Model) -> Result<Booking> {
    assemble_all(db, vec![row])
        .await?
        .pop()
        .ok_or(StoreError::NotFound("booking"))
}

/// Bookings with their children, read in four queries whatever their number.
pub(super) async fn assemble_all(
    db: &impl ConnectionTrait,
    rows: Vec<bookings::Model>,
) -> Result<Vec<Booking>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut participants: BTreeMap<Uuid, Vec<Participant>> = BTreeMap::new();
    for p in booking_participants::Entity::find()
        .filter(booking_participants::Column::BookingId.is_in(ids.clone()))
        .order_by_asc(booking_participants::Column::Name)
        .all(db)
        .await?
    {
        participants
            .entry(p.booking_id)
            .or_default()
            .push(to_participant(p)?);
    }
    let mut assignments: BTreeMap<Uuid, Vec<AssignmentEntry>> = BTreeMap::new();
    for a in booking_assignment_history::Entity::find()
        .filter(booking_assignment_history::Column::BookingId.is_in(ids.clone()))
        .order_by_asc(booking_assignment_history::Column::AssignedUtc)
        .all(db)
        .await?
    {
        assignments
            .entry(a.booking_id)
            .or_default()
            .push(AssignmentEntry {
                assigned_to: a.assigned_to,
                assigned_utc: a.assigned_utc,
                assigned_by: a.assigned_by,
                assignment_type: a.assignment_type.0,
                is_current: a.is_current,
                notes: a.notes,
            });
    }
    let mut reminders: BTreeMap<Uuid, Vec<ReminderRecord>> = BTreeMap::new();
    for r in booking_reminders_sent::Entity::find()
        .filter(booking_reminders_sent::Column::BookingId.is_in(ids.clone()))
        .order_by_asc(booking_reminders_sent::Column::SentUtc)
        .all(db)
        .await?
    {
        reminders
            .entry(r.booking_id)
            .or_default()
            .push(ReminderRecord {
                hours_before: u32::try_from(r.hours_before).map_err(corrupt)?,
                channel: r.channel.0,
                for_start: r.for_start_utc,
                handled_utc: r.sent_utc,
                outcome: r.outcome.0,
            });
    }
    let mut histories: BTreeMap<Uuid, Vec<HistoryEntry>> = BTreeMap::new();
    for h in booking_history::Entity::find()
        .filter(booking_history::Column::BookingId.is_in(ids))
        .order_by_asc(booking_history::Column::ActionUtc)
        .all(db)
        .await?
    {
        histories
            .entry(h.booking_id)
            .or_default()
            .push(HistoryEntry {
                action: h.action.0,
                action_by: h.action_by,
                action_by_role: h.action_by_role.0,
                action_utc: h.action_utc,
                old_value: h.old_value,
                new_value: h.new_value,
                notes: h.notes,
            });
    }
    rows.into_iter()
        .map(|row| {
            let id = row.id;
            to_booking(
                row,
                Children {
                    participants: participants.remove(&id).unwrap_or_default(),
                    assignment_history: assignments.remove(&id).unwrap_or_default(),
                    history: histories.remove(&id).unwrap_or_default(),
                    reminders: reminders.remove(&id).unwrap_or_default(),
                },
            )
        })
        .collect()
}

/// A booking's child rows.
pub(super) struct Children {
    pub(super) participants: Vec<Participant>,
    pub(super) assignment_history: Vec<AssignmentEntry>,
    pub(super) history: Vec<HistoryEntry>,
    pub(super) reminders: Vec<ReminderRecord>,
}

/// Reads participant rows as the domain's participants.
pub(super) fn to_participant(p: booking_participants::Model) -> Result<Participant> {
    Ok(Participant {
        user_id: p.user_id,
        name: p.name,
        email: Email::parse(&p.email).map_err(corrupt)?,
        attendance: p.attendance_status.0,
        response_utc: p.response_utc,
        is_host: p.is_host,
    })
}

pub(super) fn to_booking(row: bookings::Model, children: Children) -> Result<Booking> {
    let calendar_write = calendar_write(&row);
    let customer = match (row.customer_name, row.customer_email) {
        (Some(name), Some(email)) => Some(CustomerRecord {
            name,
            email: Email::parse(&email).map_err(corrupt)?,
            phone: row
                .customer_phone
                .as_deref()
                .map(Phone::parse)
                .transpose()
                .map_err(corrupt)?,
            timezone: row
                .customer_timezone
                .as_deref()
                .map(TimeZone::parse)
                .transpose()
                .map_err(corrupt)?
                .unwrap_or_default(),
            notes: row.customer_notes,
            // A code this build no longer speaks falls back to the default, like none.
            language: row
                .customer_language
                .as_deref()
                .and_then(|code| code.parse().ok()),
        }),
        _ => None,
    };
    Ok(Booking {
        id: row.id,
        reference: BookingReference::parse(&row.booking_reference).map_err(corrupt)?,
        booking_type: row.booking_type.0,
        source: row.booking_source.0,
        status: row.status.0,
        approval: row.approval_status.map(|a| a.0),
        approved_by: row.approved_by,
        approved_utc: row.approved_utc,
        rejection_reason: row.rejection_reason,
        department_id: row.department_id,
        meeting_type_id: row.meeting_type_id,
        assigned_to: row.assigned_to,
        assignment_method: row.assignment_method.0,
        reassignment_count: u32::try_from(row.reassignment_count).map_err(corrupt)?,
        span: Interval::new(row.start_utc, row.end_utc).map_err(corrupt)?,
        timezone: TimeZone::parse(&row.timezone).map_err(corrupt)?,
        title: row.meeting_title,
        customer,
        customer_erased_utc: row.customer_erased_utc,
        answers: decode_answers(&row.answers)?,
        location_type: row.location_type.0,
        video_platform: row.video_platform.map(|v| v.0),
        requires_approval: row.requires_approval,
        buffer_before: own_buffer(row.buffer_before)?,
        buffer_after: own_buffer(row.buffer_after)?,
        meeting_link: row.meeting_link,
        physical_location: row.physical_location,
        meeting_agenda: row.meeting_agenda,
        meeting_description: row.meeting_description,
        meeting_notes: row.meeting_notes,
        meeting_minutes: row.meeting_minutes,
        action_items: row.action_items,
        cancellation_reason: row.cancellation_reason,
        cancellation_notes: row.cancellation_notes,
        cancelled_by_role: row.cancelled_by_role.map(|r| r.0),
        cancelled_utc: row.cancelled_utc,
        created_by: row.created_by,
        created_utc: row.created_utc,
        links_expire_utc: row.tokens_expire_utc,
        cancel_link_live: row.cancel_token_hash.is_some(),
        ics_sequence: u32::try_from(row.ics_sequence).map_err(corrupt)?,
        calendar_event_link: row.external_calendar_link.clone(),
        calendar_error: row.calendar_push_error.clone(),
        calendar_write,
        confirmation_sent_utc: row.confirmation_sent_utc,
        reminders: children.reminders,
        thank_you_sent_utc: row.thank_you_sent_utc,
        participants: children.participants,
        assignment_history: children.assignment_history,
        history: children.history,
        series: match (row.series_id, row.series_index) {
            (Some(series_id), Some(index)) => Some(SeriesPlace {
                series_id,
                index: u16::try_from(index).map_err(corrupt)?,
            }),
            _ => None,
        },
    })
}

fn own_buffer(minutes: Option<i32>) -> Result<Option<Minutes>> {
    minutes
        .map(|m| Minutes::buffer(i64::from(m)).map_err(corrupt))
        .transpose()
}

/// Where the row stands in its host's calendar: a failed write is retried, a row changed since
/// its last write waits for the next.
fn calendar_write(row: &bookings::Model) -> CalendarWrite {
    match (&row.calendar_push_error, row.calendar_pushed_utc) {
        (Some(_), _) => CalendarWrite::Failed,
        (None, Some(pushed)) if pushed >= row.updated_utc => CalendarWrite::Written,
        (None, Some(_)) => CalendarWrite::Pending,
        (None, None) => CalendarWrite::NotWritten,
    }
}

/// Answers are stored as a JSON object of strings and booleans.
pub(super) fn encode_answers(answers: &Answers) -> serde_json::Value {
    serde_json::Value::Object(
        answers
            .iter()
            .map(|(key, answer)| {
                let value = match answer {
                    Answer::Text(text) => serde_json::Value::String(text.clone()),
                    Answer::Checked(flag) => serde_json::Value::Bool(*flag),
                };
                (key.clone(), value)
            })
            .collect(),
    )
}

fn decode_answers(value: &serde_json::Value) -> Result<Answers> {
    let Some(object) = value.as_object() else {
        return Err(corrupt("answers are not an object"));
    };
    object
        .iter()
        .map(|(key, value)| {
            let answer = match value {
                serde_json::Value::String(text) => Answer::Text(text.clone()),
                serde_json::Value::Bool(flag) => Answer::Checked(*flag),
                other => return Err(corrupt(format!("answer {key} is {other}"))),
            };
            Ok((key.clone(), answer))
        })
        .collect()
}

/// Which bookings a list shows; every field narrows it.
#[derive(Debug, Clone, Default)]
pub struct BookingFilter {
    pub statuses: Vec<mm_domain::booking::BookingStatus>,
    pub department_ids: Vec<Uuid>,
    pub assigned_to: Vec<Uuid>,
    pub meeting_type_ids: Vec<Uuid>,
    /// Bookings ending after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Bookings starting before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Customer name, email, notes or reference contain this (case-insensitive).
    pub search: Option<String>,
    /// What the reader may see: `None` for everything (a System Manager); otherwise bookings of
    /// these departments, hosted by this user, or with this user taking part.
    pub visible_to: Option<(Vec<Uuid>, Uuid)>,
    /// The meetings of one recurring series.
    pub series_id: Option<Uuid>,
}

impl Store {
    /// A page of bookings by start time, with the total matching `filter`.
    pub async fn list_bookings(
        &self,
        filter: &BookingFilter,
        page: crate::Page,
    ) -> Result<(Vec<Booking>, u64)> {
        use sea_orm::{PaginatorTrait, QuerySelect};
        let query = filtered(filter);
        let total = query.clone().count(&self.db).await?;
        let rows = query
            .order_by_asc(bookings::Column::StartUtc)
            .order_by_asc(bookings::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok((assemble_all(&self.db, rows).await?, total))
    }
}

/// The bookings a filter selects.
fn filtered(filter: &BookingFilter) -> sea_orm::Select<bookings::Entity> {
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    let mut query = bookings::Entity::find();
    if !filter.statuses.is_empty() {
        query =
            query.filter(bookings::Column::Status.is_in(filter.statuses.iter().copied().map(Word)));
    }
    if !filter.department_ids.is_empty() {
        query = query.filter(bookings::Column::DepartmentId.is_in(filter.department_ids.clone()));
    }
    if !filter.assigned_to.is_empty() {
        query = query.filter(bookings::Column::AssignedTo.is_in(filter.assigned_to.clone()));
    }
    if !filter.meeting_type_ids.is_empty() {
        query =
            query.filter(bookings::Column::MeetingTypeId.is_in(filter.meeting_type_ids.clone()));
    }
    if let Some(series) = filter.series_id {
        query = query.filter(bookings::Column::SeriesId.eq(series));
    }
    if let Some(from) = filter.from {
        query = query.filter(bookings::Column::EndUtc.gt(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(bookings::Column::StartUtc.lt(to));
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let pattern = format!(
            "%{}%",
            search
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let like = |column: bookings::Column| {
            Expr::expr(Func::lower(Expr::col(column)))
                .like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\'))
        };
        query = query.filter(
            Condition::any()
                .add(like(bookings::Column::CustomerName))
                .add(like(bookings::Column::CustomerEmail))
                .add(like(bookings::Column::CustomerNotes))
                .add(like(bookings::Column::BookingReference)),
        );
    }
    if let Some((departments, user)) = &filter.visible_to {
        let takes_part = sea_orm::sea_query::Query::select()
            .column(booking_participants::Column::BookingId)
            .from(booking_participants::Entity)
            .and_where(booking_participants::Column::UserId.eq(*user))
            .to_owned();
        query = query.filter(
            Condition::any()
                .add(bookings::Column::DepartmentId.is_in(departments.clone()))
                .add(bookings::Column::AssignedTo.eq(*user))
                .add(bookings::Column::Id.in_subquery(takes_part)),
        );
    }
    query
}

/// Department, meeting type, host, booking type, status, assignment method, start, creation.
type FactRow = (
    Uuid,
    Uuid,
    Uuid,
    Word<BookingType>,
    Word<BookingStatus>,
    Word<AssignmentMethod>,
    DateTime<Utc>,
    DateTime<Utc>,
);

impl Store {
    /// What the dashboard counts of each booking the filter selects, oldest first.
    pub async fn booking_facts(
        &self,
        filter: &BookingFilter,
    ) -> Result<Vec<mm_domain::analytics::BookingFact>> {
        use sea_orm::QuerySelect;
        let rows: Vec<FactRow> = filtered(filter)
            .select_only()
            .column(bookings::Column::DepartmentId)
            .column(bookings::Column::MeetingTypeId)
            .column(bookings::Column::AssignedTo)
            .column(bookings::Column::BookingType)
            .column(bookings::Column::Status)
            .column(bookings::Column::AssignmentMethod)
            .column(bookings::Column::StartUtc)
            .column(bookings::Column::CreatedUtc)
            .order_by_asc(bookings::Column::StartUtc)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    department_id,
                    meeting_type_id,
                    assigned_to,
                    kind,
                    status,
                    method,
                    start,
                    created,
                )| {
                    mm_domain::analytics::BookingFact {
                        department_id,
                        meeting_type_id,
                        assigned_to,
                        booking_type: kind.0,
                        status: status.0,
                        assignment_method: method.0,
                        start,
                        created,
                    }
                },
            )
            .collect())
    }
}
