//! What the public booking pages and the scheduling engine read: a department's public meeting
//! types, and for a window every active member's week, rule, overrides, bookings and busy events.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Days;
use mm_domain::{
    Interval, Minutes, Slug,
    availability_rule::{AvailabilityRule, RuleLimits},
    booking::{BookingStatus, BookingType},
    department::Department,
    meeting_type::MeetingType,
    scheduling::{BusyStatus, Commitment, EventTime, ExternalEvent, MemberCalendar, Schedule},
    working_hours::WorkingWeek,
};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, sea_query::Query};
use uuid::Uuid;

use crate::{
    Result, Store, StoreError, corrupt,
    entity::{
        availability_rules, booking_participants, bookings, calendar_event_syncs,
        calendar_integrations, date_overrides, meeting_types, user_settings, users,
    },
    users::decode_week,
};

impl Store {
    /// Active departments that offer at least one active public meeting type, with that count.
    pub async fn public_departments(&self) -> Result<Vec<(Department, u64)>> {
        let mut counts: BTreeMap<Uuid, u64> = BTreeMap::new();
        let offered: Vec<Uuid> = meeting_types::Entity::find()
            .select_only()
            .column(meeting_types::Column::DepartmentId)
            .filter(meeting_types::Column::IsActive.eq(true))
            .filter(meeting_types::Column::IsPublic.eq(true))
            .into_tuple()
            .all(&self.db)
            .await?;
        for department in offered {
            *counts.entry(department).or_default() += 1;
        }
        Ok(self
            .list_departments()
            .await?
            .into_iter()
            .filter(|d| d.is_active)
            .filter_map(|d| counts.get(&d.id).map(|&n| (d, n)))
            .collect())
    }

    /// An active department by slug with its active public meeting types.
    pub async fn public_meeting_types(
        &self,
        department: &Slug,
    ) -> Result<(Department, Vec<MeetingType>)> {
        let department = self.department_by_slug(department).await?;
        if !department.is_active {
            return Err(StoreError::NotFound("department"));
        }
        let types = self
            .list_meeting_types(Some(department.id))
            .await?
            .into_iter()
            .filter(|t| t.is_active && t.is_public)
            .collect();
        Ok((department, types))
    }

    /// One active public meeting type of an active department, both by slug.
    pub async fn public_meeting_type(
        &self,
        department: &Slug,
        meeting: &Slug,
    ) -> Result<(Department, MeetingType)> {
        let department = self.department_by_slug(department).await?;
        if !department.is_active {
            return Err(StoreError::NotFound("department"));
        }
        let row = meeting_types::Entity::find()
            .filter(meeting_types::Column::DepartmentId.eq(department.id))
            .filter(meeting_types::Column::MeetingSlug.eq(meeting.as_str()))
            .filter(meeting_types::Column::IsActive.eq(true))
            .filter(meeting_types::Column::IsPublic.eq(true))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound("meeting type"))?;
        let meeting_type = self.meeting_type(row.id).await?;
        Ok((department, meeting_type))
    }

    /// Everything the engine needs to schedule `department` within `window`, read in eight
    /// queries whatever the number of members or days. Members are its active members whose
    /// accounts are active, in roster order; a member without a default rule has no limits.
    #[tracing::instrument(skip_all, fields(department_id = %department.id))]
    pub async fn schedule(&self, department: &Department, window: Interval) -> Result<Schedule> {
        let zone = department.timezone;
        let span = Schedule::data_window(zone, window);
        let roster: Vec<Uuid> = department
            .members
            .iter()
            .filter(|m| m.is_active)
            .map(|m| m.user_id)
            .collect();

        let active: BTreeSet<Uuid> = users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .filter(users::Column::Id.is_in(roster.clone()))
            .filter(users::Column::IsActive.eq(true))
            .into_tuple()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let members: Vec<Uuid> = roster
            .into_iter()
            .filter(|id| active.contains(id))
            .collect();

        let mut weeks: BTreeMap<Uuid, WorkingWeek> = BTreeMap::new();
        for settings in user_settings::Entity::find()
            .filter(user_settings::Column::UserId.is_in(members.clone()))
            .all(&self.db)
            .await?
        {
            weeks.insert(settings.user_id, decode_week(settings.working_hours)?);
        }

        let rule_rows = availability_rules::Entity::find()
            .filter(availability_rules::Column::UserId.is_in(members.clone()))
            .filter(availability_rules::Column::IsDefault.eq(true))
            .all(&self.db)
            .await?;
        let first_date = zone.date_of(span.start()) - Days::new(1);
        let last_date = zone.date_of(span.end()) + Days::new(1);
        let mut overrides: BTreeMap<Uuid, Vec<date_overrides::Model>> = BTreeMap::new();
        for o in date_overrides::Entity::find()
            .filter(
                date_overrides::Column::RuleId
                    .is_in(rule_rows.iter().map(|r| r.id).collect::<Vec<_>>()),
            )
            .filter(date_overrides::Column::Date.between(first_date, last_date))
            .all(&self.db)
            .await?
        {
            overrides.entry(o.rule_id).or_default().push(o);
        }
        let mut rules: BTreeMap<Uuid, AvailabilityRule> = BTreeMap::new();
        for row in rule_rows {
            let o = overrides.remove(&row.id).unwrap_or_default();
            rules.insert(row.user_id, crate::availability::to_rule(row, o)?);
        }

        let participations = Query::select()
            .column(booking_participants::Column::BookingId)
            .from(booking_participants::Entity)
            .and_where(booking_participants::Column::UserId.is_in(members.clone()))
            .to_owned();
        let booking_rows = bookings::Entity::find()
            .filter(bookings::Column::Status.ne(BookingStatus::Cancelled.as_ref()))
            .filter(bookings::Column::StartUtc.lt(span.end()))
            .filter(bookings::Column::EndUtc.gt(span.start()))
            .filter(
                Condition::any()
                    .add(bookings::Column::AssignedTo.is_in(members.clone()))
                    .add(bookings::Column::DepartmentId.eq(department.id))
                    .add(bookings::Column::Id.in_subquery(participations)),
            )
            .all(&self.db)
            .await?;

        let internal: Vec<Uuid> = booking_rows
            .iter()
            .filter(|b| b.booking_type == BookingType::Internal.as_ref())
            .map(|b| b.id)
            .collect();
        let mut attendees: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
        if !internal.is_empty() {
            for p in booking_participants::Entity::find()
                .filter(booking_participants::Column::BookingId.is_in(internal))
                .filter(booking_participants::Column::UserId.is_in(members.clone()))
                .all(&self.db)
                .await?
            {
                if let Some(user) = p.user_id {
                    attendees.entry(p.booking_id).or_default().push(user);
                }
            }
        }

        let type_ids: BTreeSet<Uuid> = booking_rows.iter().map(|b| b.meeting_type_id).collect();
        let type_buffers: BTreeMap<Uuid, (Option<i32>, Option<i32>)> =
            meeting_types::Entity::find()
                .select_only()
                .columns([
                    meeting_types::Column::Id,
                    meeting_types::Column::BufferBefore,
                    meeting_types::Column::BufferAfter,
                ])
                .filter(meeting_types::Column::Id.is_in(type_ids))
                .into_tuple::<(Uuid, Option<i32>, Option<i32>)>()
                .all(&self.db)
                .await?
                .into_iter()
                .map(|(id, before, after)| (id, (before, after)))
                .collect();

        let active_integrations = Query::select()
            .column(calendar_integrations::Column::Id)
            .from(calendar_integrations::Entity)
            .and_where(calendar_integrations::Column::IsActive.eq(true))
            .to_owned();
        let mut events: BTreeMap<Uuid, Vec<ExternalEvent>> = BTreeMap::new();
        for e in calendar_event_syncs::Entity::find()
            .filter(calendar_event_syncs::Column::UserId.is_in(members.clone()))
            .filter(calendar_event_syncs::Column::EventStartUtc.lt(span.end()))
            .filter(calendar_event_syncs::Column::EventEndUtc.gt(span.start()))
            .filter(calendar_event_syncs::Column::IntegrationId.in_subquery(active_integrations))
            .all(&self.db)
            .await?
        {
            events.entry(e.user_id).or_default().push(to_event(&e)?);
        }

        let mut commitments: BTreeMap<Uuid, Vec<Commitment>> = BTreeMap::new();
        let mut department_starts = Vec::new();
        for b in &booking_rows {
            let status: BookingStatus = b.status.parse().map_err(corrupt)?;
            if b.department_id == department.id {
                department_starts.push(b.start_utc);
            }
            let span = Interval::new(b.start_utc, b.end_utc).map_err(corrupt)?;
            let (type_before, type_after) = type_buffers
                .get(&b.meeting_type_id)
                .copied()
                .unwrap_or_default();
            let hosts = std::iter::once((b.assigned_to, true));
            let guests = attendees
                .get(&b.id)
                .into_iter()
                .flatten()
                .filter(|u| **u != b.assigned_to)
                .map(|u| (*u, false));
            for (user, hosted) in hosts.chain(guests) {
                if !active.contains(&user) {
                    continue;
                }
                let limits = rules
                    .get(&user)
                    .map(|r| r.limits.clone())
                    .unwrap_or_default();
                let buffer = |own: Option<i32>, fallback: Minutes| -> Result<Minutes> {
                    own.map(|m| Minutes::buffer(i64::from(m)).map_err(corrupt))
                        .transpose()
                        .map(|m| m.unwrap_or(fallback))
                };
                commitments.entry(user).or_default().push(Commitment {
                    booking_id: b.id,
                    span,
                    buffer_before: buffer(type_before, limits.buffer_before)?,
                    buffer_after: buffer(type_after, limits.buffer_after)?,
                    status,
                    hosted,
                });
            }
        }

        let calendars = members
            .iter()
            .map(|id| {
                let rule = rules.remove(id);
                let (limits, overrides) = match rule {
                    Some(r) => (r.limits, r.overrides),
                    None => (RuleLimits::default(), Vec::new()),
                };
                MemberCalendar::new(
                    *id,
                    weeks.remove(id).unwrap_or_default(),
                    limits,
                    &overrides,
                    commitments.remove(id).unwrap_or_default(),
                    &events.remove(id).unwrap_or_default(),
                )
            })
            .collect();
        Ok(Schedule::new(
            zone,
            department.max_bookings_per_day,
            department_starts,
            calendars,
        ))
    }
}

/// A synced event as the engine sees it. All-day events are stored as their dates at 00:00 UTC
/// (`event_end_utc` exclusive), because a date has no zone; they block those local dates.
fn to_event(row: &calendar_event_syncs::Model) -> Result<ExternalEvent> {
    let status: BusyStatus = row.event_status.parse().map_err(corrupt)?;
    let time = if row.is_all_day {
        let first = row.event_start_utc.date_naive();
        let until = row.event_end_utc.date_naive().max(first + Days::new(1));
        EventTime::AllDay { first, until }
    } else {
        EventTime::Timed(Interval::new(row.event_start_utc, row.event_end_utc).map_err(corrupt)?)
    };
    Ok(ExternalEvent { time, status })
}
