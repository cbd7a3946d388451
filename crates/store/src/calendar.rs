//! The staff calendar's data over a window: each column's person and working periods, every
//! booking they host or attend, and their busy time from external calendars.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval,
    access::CalendarColumn,
    booking::{AttendanceStatus, BookingStatus, BookingType},
    external_calendar::IntegrationKind,
    scheduling::BusyStatus,
    user::StaffUser,
};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, sea_query::Query};
use uuid::Uuid;

use crate::{
    Result, Store, StoreError, corrupt,
    entity::{
        Word, booking_participants, bookings, calendar_event_syncs, calendar_integrations,
        meeting_types,
    },
    scheduling::load_working_hours,
    users::load_users,
};

/// What the staff calendar draws.
#[derive(Debug, Clone)]
pub struct CalendarData {
    pub columns: Vec<ColumnData>,
    pub bookings: Vec<CalendarBooking>,
    pub busy: Vec<BusyBlock>,
}

#[derive(Debug, Clone)]
pub struct ColumnData {
    pub user: StaffUser,
    pub department_ids: Vec<Uuid>,
    /// The zone their working hours are read in.
    pub zone: mm_domain::TimeZone,
    /// When they work within the window, breaks cut out.
    pub working: Vec<Interval>,
}

/// A booking as a block in the calendar.
#[derive(Debug, Clone)]
pub struct CalendarBooking {
    pub id: Uuid,
    pub reference: String,
    pub booking_type: BookingType,
    pub status: BookingStatus,
    pub department_id: Uuid,
    pub assigned_to: Uuid,
    /// Staff participants besides the host (internal meetings).
    pub participants: Vec<Uuid>,
    pub span: Interval,
    pub title: String,
    /// The meeting type's colour.
    pub color: String,
}

/// Time someone's external calendar marks busy.
#[derive(Debug, Clone)]
pub struct BusyBlock {
    pub user_id: Uuid,
    pub span: Interval,
    /// The kind of calendar it came from.
    pub source: IntegrationKind,
}

impl Store {
    /// Everything the calendar shows for `columns` within `window`, bookings of every status.
    #[tracing::instrument(skip_all, fields(columns = columns.len()))]
    pub async fn calendar(
        &self,
        columns: &[CalendarColumn],
        window: Interval,
    ) -> Result<CalendarData> {
        let ids: Vec<Uuid> = columns.iter().map(|c| c.user_id).collect();
        let mut users: BTreeMap<Uuid, StaffUser> = load_users(&self.db, &ids)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();

        // Working periods are read in each column's zone, one schedule per zone.
        let mut by_zone: BTreeMap<&str, (mm_domain::TimeZone, Vec<Uuid>)> = BTreeMap::new();
        for c in columns {
            by_zone
                .entry(c.zone.name())
                .or_insert_with(|| (c.zone, Vec::new()))
                .1
                .push(c.user_id);
        }
        let mut working: BTreeMap<Uuid, Vec<Interval>> = BTreeMap::new();
        for (zone, people) in by_zone.into_values() {
            let schedule = load_working_hours(&self.db, zone, &people, window).await?;
            for member in schedule.members() {
                working.insert(member.user_id(), schedule.working_periods(member, window));
            }
        }
        let columns_out = columns
            .iter()
            .filter_map(|c| {
                users.remove(&c.user_id).map(|user| ColumnData {
                    user,
                    department_ids: c.department_ids.clone(),
                    zone: c.zone,
                    working: working.remove(&c.user_id).unwrap_or_default(),
                })
            })
            .collect();

        // A meeting a participant declined is not in their column.
        let declined = Word(AttendanceStatus::Declined);
        let attending = Query::select()
            .column(booking_participants::Column::BookingId)
            .from(booking_participants::Entity)
            .and_where(booking_participants::Column::UserId.is_in(ids.clone()))
            .and_where(booking_participants::Column::AttendanceStatus.ne(declined))
            .to_owned();
        let rows = bookings::Entity::find()
            .filter(bookings::Column::StartUtc.lt(window.end()))
            .filter(bookings::Column::EndUtc.gt(window.start()))
            .filter(
                Condition::any()
                    .add(bookings::Column::AssignedTo.is_in(ids.clone()))
                    .add(bookings::Column::Id.in_subquery(attending)),
            )
            .order_by_asc(bookings::Column::StartUtc)
            .all(&self.db)
            .await?;
        let booking_ids: Vec<Uuid> = rows.iter().map(|b| b.id).collect();
        let mut participants: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
        for p in booking_participants::Entity::find()
            .filter(booking_participants::Column::BookingId.is_in(booking_ids))
            .filter(booking_participants::Column::UserId.is_not_null())
            .filter(booking_participants::Column::AttendanceStatus.ne(declined))
            .all(&self.db)
            .await?
        {
            if let Some(user) = p.user_id {
                participants.entry(p.booking_id).or_default().push(user);
            }
        }
        let colors: BTreeMap<Uuid, String> = meeting_types::Entity::find()
            .filter(
                meeting_types::Column::Id
                    .is_in(rows.iter().map(|b| b.meeting_type_id).collect::<Vec<_>>()),
            )
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| (t.id, t.color))
            .collect();
        let mut calendar_bookings = Vec::with_capacity(rows.len());
        for b in rows {
            calendar_bookings.push(CalendarBooking {
                id: b.id,
                reference: b.booking_reference,
                booking_type: b.booking_type.0,
                status: b.status.0,
                department_id: b.department_id,
                assigned_to: b.assigned_to,
                participants: participants
                    .remove(&b.id)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|u| *u != b.assigned_to)
                    .collect(),
                span: Interval::new(b.start_utc, b.end_utc).map_err(corrupt)?,
                title: b.meeting_title,
                color: colors.get(&b.meeting_type_id).cloned().unwrap_or_default(),
            });
        }

        let sources: BTreeMap<Uuid, IntegrationKind> = calendar_integrations::Entity::find()
            .filter(calendar_integrations::Column::UserId.is_in(ids.clone()))
            .filter(calendar_integrations::Column::IsActive.eq(true))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|i| Ok((i.id, i.integration_type.0)))
            .collect::<Result<_, StoreError>>()?;
        let zones: BTreeMap<Uuid, mm_domain::TimeZone> =
            columns.iter().map(|c| (c.user_id, c.zone)).collect();
        let mut busy = Vec::new();
        for e in calendar_event_syncs::Entity::find()
            .filter(calendar_event_syncs::Column::UserId.is_in(ids))
            .filter(
                calendar_event_syncs::Column::IntegrationId
                    .is_in(sources.keys().copied().collect::<Vec<_>>()),
            )
            .filter(calendar_event_syncs::Column::EventStatus.ne(Word(BusyStatus::Free)))
            .filter(calendar_event_syncs::Column::EventStartUtc.lt(window.end()))
            .filter(calendar_event_syncs::Column::EventEndUtc.gt(window.start()))
            .order_by_asc(calendar_event_syncs::Column::EventStartUtc)
            .all(&self.db)
            .await?
        {
            let Some(&source) = sources.get(&e.integration_id) else {
                continue;
            };
            let span = if e.is_all_day {
                // Stored as dates at midnight UTC: they mean the member's local days.
                let zone = zones.get(&e.user_id).copied().unwrap_or_default();
                all_day_span(zone, e.event_start_utc, e.event_end_utc)
            } else {
                Interval::new(e.event_start_utc, e.event_end_utc).map_err(corrupt)?
            };
            busy.push(BusyBlock {
                user_id: e.user_id,
                span,
                source,
            });
        }
        Ok(CalendarData {
            columns: columns_out,
            bookings: calendar_bookings,
            busy,
        })
    }
}

fn all_day_span(zone: mm_domain::TimeZone, first: DateTime<Utc>, until: DateTime<Utc>) -> Interval {
    let first = first.date_naive();
    let until = until.date_naive().max(first + chrono::Days::new(1));
    Interval::new(zone.start_of_day(first), zone.start_of_day(until))
        .unwrap_or_else(|_| zone.day(first))
}
