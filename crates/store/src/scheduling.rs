//! What the public booking pages and the scheduling engine read: a department's public meeting
//! types, and for a window every active member's week, rule, overrides, bookings and busy events.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Days, Utc};
use mm_domain::{
    Interval, Minutes, Slug, TimeZone,
    availability_rule::{AvailabilityRule, RuleLimits},
    booking::{AttendanceStatus, BookingStatus},
    department::Department,
    meeting_type::MeetingType,
    scheduling::{BusyStatus, Commitment, EventTime, ExternalEvent, MemberCalendar, Schedule},
    working_hours::WorkingWeek,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, QueryTrait, sea_query::Query,
};
use uuid::Uuid;

use crate::{
    Result, Store, StoreError,
    changes::Dependencies,
    corrupt,
    entity::{
        Word, availability_rules, booking_participants, bookings, calendar_event_syncs,
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
        let meeting_type = crate::meeting_types::with_children(&self.db, row).await?;
        Ok((department, meeting_type))
    }

    /// What the engine needs to find where a `duration`-long meeting with `department` may
    /// start within `window`, and what that was read from: a table computed from it stays exact
    /// until a change reaches these dependencies.
    pub async fn slot_schedule(
        &self,
        department: &Department,
        duration: Minutes,
        window: Interval,
    ) -> Result<SlotSchedule> {
        let (loaded, settings) = self
            .load_with_settings(department, duration, window)
            .await?;
        Ok(SlotSchedule {
            schedule: loaded.schedule,
            dependencies: Dependencies {
                department: department.id,
                people: department.members.iter().map(|m| m.user_id).collect(),
                span: loaded.span,
            },
            weekly_limits: loaded.weekly_limits,
            settings,
        })
    }

    /// `department`'s schedule for placing a `duration`-long meeting within `window`, as
    /// committed, with the members' availability settings it was read with (for the recheck
    /// of [`crate::Transaction::recheck_members`] or [`crate::Transaction::claim_member`]).
    pub async fn booking_schedule(
        &self,
        department: &Department,
        duration: Minutes,
        window: Interval,
    ) -> Result<(Schedule, AvailabilitySettings)> {
        let (loaded, settings) = self
            .load_with_settings(department, duration, window)
            .await?;
        Ok((loaded.schedule, settings))
    }

    async fn load_with_settings(
        &self,
        department: &Department,
        duration: Minutes,
        window: Interval,
    ) -> Result<(Loaded, AvailabilitySettings)> {
        let zone = department.timezone;
        let reach = Reach::Meeting(duration);
        let people = active_members(department);
        let hours = load_hours(&self.db, zone, &people, reach.span(zone, window)).await?;
        let settings = AvailabilitySettings {
            zone,
            hours: hours.clone(),
        };
        let loaded =
            load_commitments(&self.db, zone, hours, Some(department), window, reach, None).await?;
        Ok((loaded, settings))
    }
}

/// A department's schedule for finding slots, with what it was read from.
#[derive(Debug, Clone)]
pub struct SlotSchedule {
    pub schedule: Schedule,
    pub dependencies: Dependencies,
    /// Whether a member counts a weekly limit: a booking then reaches the slots of its week.
    pub weekly_limits: bool,
    /// The members' availability settings it was read with.
    pub settings: AvailabilitySettings,
}

/// A schedule and how far it was read.
struct Loaded {
    schedule: Schedule,
    /// The span over which bookings and busy time were read.
    span: Interval,
    weekly_limits: bool,
}

/// The department's active members, in roster order.
fn active_members(department: &Department) -> Vec<Uuid> {
    department
        .members
        .iter()
        .filter(|m| m.is_active)
        .map(|m| m.user_id)
        .collect()
}

/// How far around a window a schedule reads bookings and busy time.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Reach {
    /// Whole local weeks and a day on each side ([`Schedule::data_window`]): enough for any
    /// meeting at any time in the window.
    Weeks,
    /// What decides where a meeting of this length may start in the window
    /// ([`Schedule::slot_data_window`]).
    Meeting(Minutes),
}

impl Reach {
    /// The span read around `window`, before anyone's weekly limit widens it.
    fn span(self, zone: TimeZone, window: Interval) -> Interval {
        match self {
            Self::Weeks => Schedule::data_window(zone, window),
            Self::Meeting(duration) => Schedule::slot_data_window(zone, window, duration, false),
        }
    }
}

/// Everything the engine needs to schedule `department` within `window`, read in eight
/// queries whatever the number of members or days. Members are its active members whose
/// accounts are active, in roster order; a member without a default rule has no limits.
/// `exclude` leaves one booking out, as if it were not there: the one being moved.
#[tracing::instrument(skip_all, fields(department_id = %department.id))]
pub(crate) async fn load_schedule(
    db: &impl ConnectionTrait,
    department: &Department,
    window: Interval,
    reach: Reach,
    exclude: Option<Uuid>,
) -> Result<Schedule> {
    let loaded = load_calendars(
        db,
        department.timezone,
        &active_members(department),
        Some(department),
        window,
        reach,
        exclude,
    )
    .await?;
    Ok(loaded.schedule)
}

/// `members`' schedule within `department` (its daily limit and the starts that count toward
/// it included) with their `settings` as read before: their commitments and busy time read as
/// far around `window` as a `duration`-long meeting can depend on.
pub(crate) async fn load_members_schedule(
    db: &impl ConnectionTrait,
    department: &Department,
    members: &[Uuid],
    settings: &AvailabilitySettings,
    duration: Minutes,
    window: Interval,
) -> Result<Schedule> {
    let loaded = load_commitments(
        db,
        settings.zone,
        settings.of(members),
        Some(department),
        window,
        Reach::Meeting(duration),
        None,
    )
    .await?;
    Ok(loaded.schedule)
}

/// The schedule of an internal meeting's people, whoever's department they are in, read in
/// `zone` (the meeting type's department's). No department limit applies: internal meetings
/// are not customer bookings.
#[tracing::instrument(skip_all, fields(people = people.len()))]
pub(crate) async fn load_attendee_schedule(
    db: &impl ConnectionTrait,
    zone: TimeZone,
    people: &[Uuid],
    window: Interval,
    exclude: Option<Uuid>,
) -> Result<Schedule> {
    let loaded = load_calendars(db, zone, people, None, window, Reach::Weeks, exclude).await?;
    Ok(loaded.schedule)
}

/// When `people` work within `window`, read in `zone`, and nothing they have booked: for
/// drawing working hours, never for deciding whether a time is free. Four queries.
#[tracing::instrument(skip_all, fields(people = people.len()))]
pub(crate) async fn load_working_hours(
    db: &impl ConnectionTrait,
    zone: TimeZone,
    people: &[Uuid],
    window: Interval,
) -> Result<Schedule> {
    let span = Schedule::data_window(zone, window);
    let mut hours = load_hours(db, zone, people, span).await?;
    let members = std::mem::take(&mut hours.members);
    let calendars = members
        .iter()
        .map(|id| hours.calendar(*id, Vec::new(), &[]))
        .collect();
    Ok(Schedule::new(zone, None, Vec::new(), calendars))
}

/// The working weeks, default rules and date overrides of a department's members around a
/// booking's time, as read before its transaction: a recheck inside it reads only the
/// candidate host's commitments and busy time again (settings change seldom, and are not what
/// simultaneous bookings change).
#[derive(Debug, Clone)]
pub struct AvailabilitySettings {
    zone: TimeZone,
    hours: Hours,
}

impl AvailabilitySettings {
    /// The part of `members` (in their order) who were active members when it was read.
    fn of(&self, members: &[Uuid]) -> Hours {
        let mut hours = Hours {
            members: Vec::new(),
            weeks: BTreeMap::new(),
            rules: BTreeMap::new(),
        };
        for &member in members {
            if self.hours.members.contains(&member) && !hours.members.contains(&member) {
                hours.members.push(member);
                hours
                    .weeks
                    .extend(self.hours.weeks.get(&member).map(|w| (member, w.clone())));
                hours
                    .rules
                    .extend(self.hours.rules.get(&member).map(|r| (member, r.clone())));
            }
        }
        hours
    }
}

/// The active accounts among `people` (in their order, once each), their working weeks and
/// their default rules with the overrides of the dates around `span`.
#[derive(Debug, Clone)]
struct Hours {
    members: Vec<Uuid>,
    weeks: BTreeMap<Uuid, WorkingWeek>,
    rules: BTreeMap<Uuid, AvailabilityRule>,
}

impl Hours {
    /// `id`'s calendar with these commitments and events; takes their week and rule.
    fn calendar(
        &mut self,
        id: Uuid,
        commitments: Vec<Commitment>,
        events: &[ExternalEvent],
    ) -> MemberCalendar {
        let (limits, overrides) = match self.rules.remove(&id) {
            Some(r) => (r.limits, r.overrides),
            None => (RuleLimits::default(), Vec::new()),
        };
        MemberCalendar::new(
            id,
            self.weeks.remove(&id).unwrap_or_default(),
            limits,
            &overrides,
            commitments,
            events,
        )
    }
}

async fn load_hours(
    db: &impl ConnectionTrait,
    zone: TimeZone,
    people: &[Uuid],
    span: Interval,
) -> Result<Hours> {
    let roster = people.to_vec();

    let active: BTreeSet<Uuid> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(users::Column::Id.is_in(roster.clone()))
        .filter(users::Column::IsActive.eq(true))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut members: Vec<Uuid> = Vec::with_capacity(roster.len());
    for id in roster {
        if active.contains(&id) && !members.contains(&id) {
            members.push(id);
        }
    }

    let mut weeks: BTreeMap<Uuid, WorkingWeek> = BTreeMap::new();
    for settings in user_settings::Entity::find()
        .filter(user_settings::Column::UserId.is_in(members.clone()))
        .all(db)
        .await?
    {
        weeks.insert(settings.user_id, decode_week(settings.working_hours)?);
    }

    let rule_rows = availability_rules::Entity::find()
        .filter(availability_rules::Column::UserId.is_in(members.clone()))
        .filter(availability_rules::Column::IsDefault.eq(true))
        .all(db)
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
        .all(db)
        .await?
    {
        overrides.entry(o.rule_id).or_default().push(o);
    }
    let mut rules: BTreeMap<Uuid, AvailabilityRule> = BTreeMap::new();
    for row in rule_rows {
        let o = overrides.remove(&row.id).unwrap_or_default();
        rules.insert(row.user_id, crate::availability::to_rule(row, o)?);
    }
    Ok(Hours {
        members,
        weeks,
        rules,
    })
}

/// The calendars of the active accounts among `people`, in their order, read in `zone`;
/// `department` adds its daily limit and the starts that count toward it.
async fn load_calendars(
    db: &impl ConnectionTrait,
    zone: TimeZone,
    people: &[Uuid],
    department: Option<&Department>,
    window: Interval,
    reach: Reach,
    exclude: Option<Uuid>,
) -> Result<Loaded> {
    let hours = load_hours(db, zone, people, reach.span(zone, window)).await?;
    load_commitments(db, zone, hours, department, window, reach, exclude).await
}

/// The calendars of `hours`' people with their commitments and busy time read over what
/// `window` and `reach` need; `department` adds its daily limit and the starts that count
/// toward it.
async fn load_commitments(
    db: &impl ConnectionTrait,
    zone: TimeZone,
    mut hours: Hours,
    department: Option<&Department>,
    window: Interval,
    reach: Reach,
    exclude: Option<Uuid>,
) -> Result<Loaded> {
    let span = reach.span(zone, window);
    // Weekly limits count over whole weeks: read those when someone has one.
    let weekly_limits = hours
        .rules
        .values()
        .any(|rule| rule.limits.max_bookings_per_week.is_some());
    let span = match reach {
        Reach::Meeting(_) if weekly_limits => Schedule::data_window(zone, window),
        _ => span,
    };
    let members = std::mem::take(&mut hours.members);
    let active: BTreeSet<Uuid> = members.iter().copied().collect();

    // A participant who declined is not kept from other meetings by this one.
    let declined = Word(AttendanceStatus::Declined);
    let participations = Query::select()
        .column(booking_participants::Column::BookingId)
        .from(booking_participants::Entity)
        .and_where(booking_participants::Column::UserId.is_in(members.clone()))
        .and_where(booking_participants::Column::AttendanceStatus.ne(declined))
        .to_owned();
    // Only the columns the engine reads: a month of a large department is thousands of rows.
    let booking_rows: Vec<HeldBooking> = bookings::Entity::find()
        .select_only()
        .columns([
            bookings::Column::Id,
            bookings::Column::Status,
            bookings::Column::DepartmentId,
            bookings::Column::MeetingTypeId,
            bookings::Column::AssignedTo,
            bookings::Column::StartUtc,
            bookings::Column::EndUtc,
            bookings::Column::BufferBefore,
            bookings::Column::BufferAfter,
        ])
        .filter(bookings::Column::Status.ne(Word(BookingStatus::Cancelled)))
        .apply_if(exclude, |q, id| q.filter(bookings::Column::Id.ne(id)))
        .filter(bookings::Column::StartUtc.lt(span.end()))
        .filter(bookings::Column::EndUtc.gt(span.start()))
        // No meeting lasts a day (durations stop at eight hours): a bound for the index range.
        .filter(bookings::Column::StartUtc.gt(span.start() - chrono::Duration::days(1)))
        .filter(
            Condition::any()
                .add(bookings::Column::AssignedTo.is_in(members.clone()))
                .add_option(department.map(|d| bookings::Column::DepartmentId.eq(d.id)))
                .add(bookings::Column::Id.in_subquery(participations)),
        )
        .into_model()
        .all(db)
        .await?;

    // The staff besides the primary host: an internal meeting's participants, any booking's
    // co-hosts (who host it too, so it counts toward their limits).
    let participations_in_span = Query::select()
        .column(bookings::Column::Id)
        .from(bookings::Entity)
        .and_where(bookings::Column::Status.ne(Word(BookingStatus::Cancelled)))
        .and_where(bookings::Column::StartUtc.lt(span.end()))
        .and_where(bookings::Column::EndUtc.gt(span.start()))
        .and_where(bookings::Column::StartUtc.gt(span.start() - chrono::Duration::days(1)))
        .to_owned();
    let mut attendees: BTreeMap<Uuid, Vec<(Uuid, bool)>> = BTreeMap::new();
    let loaded: BTreeSet<Uuid> = booking_rows.iter().map(|b| b.id).collect();
    for (booking_id, user, is_host) in booking_participants::Entity::find()
        .select_only()
        .columns([
            booking_participants::Column::BookingId,
            booking_participants::Column::UserId,
            booking_participants::Column::IsHost,
        ])
        .filter(booking_participants::Column::UserId.is_in(members.clone()))
        .filter(booking_participants::Column::AttendanceStatus.ne(declined))
        .filter(booking_participants::Column::BookingId.in_subquery(participations_in_span))
        .into_tuple::<(Uuid, Uuid, bool)>()
        .all(db)
        .await?
    {
        if loaded.contains(&booking_id) {
            attendees
                .entry(booking_id)
                .or_default()
                .push((user, is_host));
        }
    }

    let type_ids: BTreeSet<Uuid> = booking_rows.iter().map(|b| b.meeting_type_id).collect();
    let type_buffers: BTreeMap<Uuid, (Option<i32>, Option<i32>)> = meeting_types::Entity::find()
        .select_only()
        .columns([
            meeting_types::Column::Id,
            meeting_types::Column::BufferBefore,
            meeting_types::Column::BufferAfter,
        ])
        .filter(meeting_types::Column::Id.is_in(type_ids))
        .into_tuple::<(Uuid, Option<i32>, Option<i32>)>()
        .all(db)
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
        .select_only()
        .columns([
            calendar_event_syncs::Column::UserId,
            calendar_event_syncs::Column::EventStartUtc,
            calendar_event_syncs::Column::EventEndUtc,
            calendar_event_syncs::Column::EventStatus,
            calendar_event_syncs::Column::IsAllDay,
        ])
        .filter(calendar_event_syncs::Column::UserId.is_in(members.clone()))
        .filter(calendar_event_syncs::Column::EventStartUtc.lt(span.end()))
        .filter(calendar_event_syncs::Column::EventEndUtc.gt(span.start()))
        .filter(calendar_event_syncs::Column::IntegrationId.in_subquery(active_integrations))
        .into_model::<BusyRow>()
        .all(db)
        .await?
    {
        events.entry(e.user_id).or_default().push(to_event(&e)?);
    }

    let mut commitments: BTreeMap<Uuid, Vec<Commitment>> = BTreeMap::new();
    let mut department_starts = Vec::new();
    for b in &booking_rows {
        let status: BookingStatus = b.status.0;
        if department.is_some_and(|d| d.id == b.department_id) {
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
            .filter(|(u, _)| *u != b.assigned_to)
            .copied();
        for (user, hosted) in hosts.chain(guests) {
            if !active.contains(&user) {
                continue;
            }
            let limits = hours
                .rules
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
                buffer_before: buffer(b.buffer_before.or(type_before), limits.buffer_before)?,
                buffer_after: buffer(b.buffer_after.or(type_after), limits.buffer_after)?,
                status,
                hosted,
            });
        }
    }

    let calendars = members
        .iter()
        .map(|id| {
            hours.calendar(
                *id,
                commitments.remove(id).unwrap_or_default(),
                &events.remove(id).unwrap_or_default(),
            )
        })
        .collect();
    let schedule = Schedule::new(
        zone,
        department.and_then(|d| d.max_bookings_per_day),
        department_starts,
        calendars,
    );
    Ok(Loaded {
        schedule,
        span,
        weekly_limits,
    })
}

/// The columns of a booking that decide availability.
#[derive(Debug, FromQueryResult)]
struct HeldBooking {
    id: Uuid,
    status: Word<BookingStatus>,
    department_id: Uuid,
    meeting_type_id: Uuid,
    assigned_to: Uuid,
    start_utc: DateTime<Utc>,
    end_utc: DateTime<Utc>,
    buffer_before: Option<i32>,
    buffer_after: Option<i32>,
}

/// The columns of a synced event that decide availability.
#[derive(Debug, FromQueryResult)]
struct BusyRow {
    user_id: Uuid,
    event_start_utc: DateTime<Utc>,
    event_end_utc: DateTime<Utc>,
    event_status: Word<BusyStatus>,
    is_all_day: bool,
}

/// A synced event as the engine sees it. All-day events are stored as their dates at 00:00 UTC
/// (`event_end_utc` exclusive), because a date has no zone; they block those local dates.
fn to_event(row: &BusyRow) -> Result<ExternalEvent> {
    let status: BusyStatus = row.event_status.0;
    let time = if row.is_all_day {
        let first = row.event_start_utc.date_naive();
        let until = row.event_end_utc.date_naive().max(first + Days::new(1));
        EventTime::AllDay { first, until }
    } else {
        EventTime::Timed(Interval::new(row.event_start_utc, row.event_end_utc).map_err(corrupt)?)
    };
    Ok(ExternalEvent { time, status })
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};
    use mm_domain::{
        Email, TimeZone,
        booking::AttendanceStatus,
        department::{AssignmentAlgorithm, Member},
        scheduling::{Conflict, MeetingSpec},
        user::StaffUser,
    };
    use mm_domain::{
        availability_rule::{DateOverride, OverrideHours},
        working_hours::{TimeOfDay, TimeRange, WEEKDAYS},
    };
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};

    use super::*;
    use crate::{
        NewUser,
        fixtures::{FixtureBooking, FixtureEvent},
        test_stores::stores,
    };

    fn cph() -> TimeZone {
        TimeZone::parse("Europe/Copenhagen").unwrap()
    }

    /// Monday 2026-06-15 at `hour:minute` in Copenhagen.
    fn monday(hour: u32, minute: u32) -> DateTime<Utc> {
        let local = NaiveDate::from_ymd_opt(2026, 6, 15)
            .unwrap()
            .and_hms_opt(hour, minute, 0)
            .unwrap();
        cph().instant(local).unwrap()
    }

    fn span(from: (u32, u32), to: (u32, u32)) -> Interval {
        Interval::new(monday(from.0, from.1), monday(to.0, to.1)).unwrap()
    }

    async fn user(store: &Store, name: &str, now: DateTime<Utc>) -> Uuid {
        let user = StaffUser {
            id: Uuid::new_v4(),
            email: Email::parse(&format!("{name}@example.com")).unwrap(),
            full_name: name.into(),
            is_system_manager: false,
            is_active: true,
            timezone: cph(),
            bio: None,
            profile_picture_url: None,
            language: None,
        };
        let week = WorkingWeek::office_hours();
        store
            .create_user(
                NewUser {
                    user: &user,
                    password_hash: "!",
                    working_hours: &week,
                },
                now,
            )
            .await
            .unwrap();
        user.id
    }

    fn kinds(found: Vec<Conflict>) -> Vec<&'static str> {
        found.iter().map(Conflict::kind).collect()
    }

    #[tokio::test]
    async fn a_schedule_and_the_calendar_hold_bookings_participations_and_busy_events() {
        for store in stores().await {
            schedule_holds_everything_in_the_calendar(&store).await;
        }
    }

    async fn schedule_holds_everything_in_the_calendar(store: &Store) {
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap();
        let (a, b) = (user(store, "a", now).await, user(store, "b", now).await);
        let member = |user_id| Member {
            user_id,
            is_active: true,
            assignment_priority: 1,
            last_assigned_utc: None,
            total_assignments: 0,
        };
        let department = Department {
            id: Uuid::new_v4(),
            name: "Support".into(),
            slug: Slug::parse("support").unwrap(),
            description: None,
            leader: Some(a),
            is_active: true,
            timezone: cph(),
            algorithm: AssignmentAlgorithm::RoundRobin,
            notify_leader_on_booking: false,
            notify_admin_on_booking: false,
            max_bookings_per_day: None,
            members: vec![member(a), member(b)],
        };
        store.create_department(&department, now).await.unwrap();
        let thirty = Minutes::duration(30).unwrap();
        let call = MeetingType {
            buffer_after: Some(Minutes::buffer(15).unwrap()),
            ..MeetingType::public_call(department.id, "Call", Slug::parse("call").unwrap(), thirty)
        };
        store.create_meeting_type(&call, now).await.unwrap();
        let booking = |host, span, status| FixtureBooking {
            department_id: department.id,
            meeting_type_id: call.id,
            assigned_to: host,
            span,
            status,
        };
        let event = |user_id, span, status| FixtureEvent {
            user_id,
            span,
            status,
        };
        store
            .load_fixtures(
                &[
                    booking(a, span((10, 0), (11, 0)), BookingStatus::Confirmed),
                    booking(a, span((13, 0), (14, 0)), BookingStatus::Cancelled),
                    booking(a, span((15, 0), (16, 0)), BookingStatus::Pending),
                ],
                &[
                    event(b, span((10, 0), (11, 0)), BusyStatus::Busy),
                    event(b, span((14, 0), (15, 0)), BusyStatus::Free),
                ],
                now,
            )
            .await
            .unwrap();
        // The 15:00 booking is an internal meeting that B attends.
        let internal = bookings::Entity::find()
            .filter(bookings::Column::StartUtc.eq(monday(15, 0)))
            .one(&store.db)
            .await
            .unwrap()
            .unwrap();
        let mut internal: bookings::ActiveModel = internal.into();
        internal.booking_type = Set(Word(mm_domain::booking::BookingType::Internal));
        // Every write goes through the one writer, as in the store itself.
        let internal = internal.update(&store.writer).await.unwrap();
        booking_participants::ActiveModel {
            id: Set(Uuid::new_v4()),
            booking_id: Set(internal.id),
            user_id: Set(Some(b)),
            name: Set("b".into()),
            email: Set("b@example.com".into()),
            attendance_status: Set(Word(AttendanceStatus::Invited)),
            response_utc: Set(None),
            is_host: Set(false),
        }
        .insert(&store.db)
        .await
        .unwrap();

        let window = cph().day(NaiveDate::from_ymd_opt(2026, 6, 15).unwrap());
        let schedule = load_schedule(&store.db, &department, window, Reach::Weeks, None)
            .await
            .unwrap();
        let spec = MeetingSpec::of(&call);
        let check = |who: Uuid, hour, minute| {
            kinds(schedule.conflicts(
                schedule.member(who).unwrap(),
                &spec,
                monday(hour, minute),
                now,
            ))
        };
        assert_eq!(check(a, 10, 30), ["booking"]);
        assert_eq!(
            check(a, 11, 0),
            ["booking"],
            "the booking's 15-minute buffer"
        );
        assert!(check(a, 11, 15).is_empty());
        assert!(
            check(a, 13, 0).is_empty(),
            "cancelled bookings free their time"
        );
        assert_eq!(check(b, 10, 0), ["external_busy"]);
        assert!(check(b, 14, 0).is_empty(), "free events do not block");
        assert_eq!(
            check(b, 15, 0),
            ["booking"],
            "B attends the internal meeting"
        );
        let table = schedule.open_slots(&spec, window);
        assert_eq!(
            table.free_members_at(monday(10, 0), now),
            Vec::<Uuid>::new()
        );
        assert_eq!(table.free_members_at(monday(9, 0), now), [a, b]);

        // The staff calendar shows B's busy (not free) event, the meeting B attends, and B's
        // working day.
        let column = mm_domain::access::CalendarColumn {
            user_id: b,
            zone: cph(),
            department_ids: vec![department.id],
        };
        let calendar = store.calendar(&[column], window).await.unwrap();
        let busy: Vec<_> = calendar.busy.iter().map(|e| (e.span, e.source)).collect();
        assert_eq!(
            busy,
            [(
                span((10, 0), (11, 0)),
                mm_domain::external_calendar::IntegrationKind::Ical
            )]
        );
        let attended: Vec<_> = calendar
            .bookings
            .iter()
            .map(|b| (b.span, b.participants.clone()))
            .collect();
        assert_eq!(attended, [(span((15, 0), (16, 0)), vec![b])]);
        assert_eq!(
            calendar.columns[0].working.first().map(|w| w.start()),
            Some(monday(9, 0))
        );

        // A disconnected calendar no longer blocks anything.
        calendar_integrations::Entity::update_many()
            .col_expr(
                calendar_integrations::Column::IsActive,
                sea_orm::sea_query::Expr::value(false),
            )
            .exec(&store.db)
            .await
            .unwrap();
        let schedule = load_schedule(&store.db, &department, window, Reach::Weeks, None)
            .await
            .unwrap();
        assert!(
            schedule
                .conflicts(schedule.member(b).unwrap(), &spec, monday(10, 0), now)
                .is_empty()
        );
    }

    /// The recheck a creation makes under its lock (one member's schedule, read only as far
    /// around the start as the meeting can depend on) finds exactly the conflicts the
    /// department's whole schedule, read over its weeks, finds: on both databases, over random
    /// bookings of types with their own buffers, busy, free and all-day events, rule buffers and
    /// limits, department limits, overrides, and members whose days cross the department's
    /// midnight, on the day the clocks go back.
    #[tokio::test]
    async fn a_members_narrow_recheck_finds_what_the_whole_schedule_finds() {
        for seed in 0..8 {
            for store in stores().await {
                recheck_agrees_with_whole_schedule(&store, seed).await;
            }
        }
    }

    async fn recheck_agrees_with_whole_schedule(store: &Store, seed: u64) {
        use rand::{Rng, SeedableRng, rngs::StdRng};
        let mut rng = StdRng::seed_from_u64(seed);
        let now = Utc.with_ymd_and_hms(2026, 10, 1, 8, 0, 0).unwrap();
        // Sunday 2026-10-25: Copenhagen goes from summer to winter time.
        let day = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
        let zones = ["Europe/Copenhagen", "America/New_York", "Asia/Tokyo"];
        let mut members = Vec::new();
        for n in 0..3 {
            let zone = TimeZone::parse(zones[rng.gen_range(0..zones.len())]).unwrap();
            let (start, end) =
                [("00:00", "24:00"), ("06:00", "14:00"), ("09:00", "17:00")][rng.gen_range(0..3)];
            let week = WorkingWeek::parse(WEEKDAYS.map(|weekday| {
                let draft = mm_domain::working_hours::DayDraft {
                    enabled: true,
                    start: Some(start),
                    end: Some(end),
                    breaks: vec![("12:00", "12:30")],
                };
                (weekday, draft)
            }))
            .unwrap();
            let user = StaffUser {
                id: Uuid::new_v4(),
                email: Email::parse(&format!("m{seed}-{n}@example.com")).unwrap(),
                full_name: format!("Member {n}"),
                is_system_manager: false,
                is_active: true,
                timezone: zone,
                bio: None,
                profile_picture_url: None,
                language: None,
            };
            let new = NewUser {
                user: &user,
                password_hash: "!",
                working_hours: &week,
            };
            store.create_user(new, now).await.unwrap();
            let buffer = |rng: &mut StdRng| Minutes::buffer(rng.gen_range(0..4) * 10).unwrap();
            let per_day = rng.gen_bool(0.5).then(|| rng.gen_range(1..4));
            let limits = RuleLimits {
                buffer_before: buffer(&mut rng),
                buffer_after: buffer(&mut rng),
                max_bookings_per_day: per_day,
                max_bookings_per_week: rng
                    .gen_bool(0.3)
                    .then(|| per_day.unwrap_or(1) + rng.gen_range(0..4)),
                min_notice_hours: 0,
                max_days_advance: None,
            };
            let custom = TimeRange::new(
                TimeOfDay::parse("10:00").unwrap(),
                TimeOfDay::parse("15:00").unwrap(),
            )
            .unwrap();
            let overrides = match rng.gen_range(0..4) {
                0 => vec![DateOverride {
                    date: day,
                    hours: OverrideHours::DayOff,
                    reason: None,
                }],
                1 => vec![DateOverride {
                    date: day,
                    hours: OverrideHours::Custom(custom),
                    reason: None,
                }],
                _ => Vec::new(),
            };
            let rule = AvailabilityRule {
                id: Uuid::new_v4(),
                user_id: user.id,
                name: "Default".into(),
                is_default: true,
                limits,
                overrides,
            };
            store.create_rule(&rule, now).await.unwrap();
            members.push(user.id);
        }
        let department = Department {
            id: Uuid::new_v4(),
            name: format!("Support {seed}"),
            slug: Slug::parse(&format!("support-{seed}")).unwrap(),
            description: None,
            leader: None,
            is_active: true,
            timezone: cph(),
            algorithm: AssignmentAlgorithm::RoundRobin,
            notify_leader_on_booking: false,
            notify_admin_on_booking: false,
            max_bookings_per_day: rng.gen_bool(0.3).then(|| rng.gen_range(2..6)),
            members: members
                .iter()
                .map(|&user_id| Member {
                    user_id,
                    is_active: true,
                    assignment_priority: 1,
                    last_assigned_utc: None,
                    total_assignments: 0,
                })
                .collect(),
        };
        store.create_department(&department, now).await.unwrap();
        let mut types = Vec::new();
        for n in 0..2 {
            let duration = Minutes::duration([15, 30, 60][rng.gen_range(0..3)]).unwrap();
            let slug = Slug::parse(&format!("type-{n}")).unwrap();
            let kind = MeetingType {
                buffer_before: Some(Minutes::buffer(rng.gen_range(0..3) * 15).unwrap()),
                buffer_after: Some(Minutes::buffer(rng.gen_range(0..3) * 15).unwrap()),
                ..MeetingType::public_call(department.id, &format!("Type {n}"), slug, duration)
            };
            store.create_meeting_type(&kind, now).await.unwrap();
            types.push(kind);
        }

        // Bookings and events from the day before to the day after on a quarter-hour grid,
        // half of them within two hours of the day's edges, where buffers reach across.
        let origin = cph().start_of_day(day - Days::new(1));
        let edges = [
            cph().start_of_day(day),
            cph().start_of_day(day + Days::new(1)),
        ];
        let random_span = |rng: &mut StdRng| {
            let start = if rng.gen_bool(0.5) {
                edges[rng.gen_range(0..2)] + chrono::Duration::minutes(15 * rng.gen_range(-8..8))
            } else {
                origin + chrono::Duration::minutes(15 * rng.gen_range(0..3 * 96))
            };
            Interval::starting_at(start, Minutes::duration(15 * rng.gen_range(1..9)).unwrap())
        };
        let bookings: Vec<FixtureBooking> = (0..rng.gen_range(4..16))
            .map(|_| FixtureBooking {
                department_id: department.id,
                meeting_type_id: types[rng.gen_range(0..2)].id,
                assigned_to: members[rng.gen_range(0..3)],
                span: random_span(&mut rng),
                status: [
                    BookingStatus::Confirmed,
                    BookingStatus::Pending,
                    BookingStatus::Cancelled,
                ][rng.gen_range(0..3)],
            })
            .collect();
        let events: Vec<FixtureEvent> = (0..rng.gen_range(0..8))
            .map(|_| FixtureEvent {
                user_id: members[rng.gen_range(0..3)],
                span: random_span(&mut rng),
                status: [BusyStatus::Busy, BusyStatus::Free][rng.gen_range(0..2)],
            })
            .collect();
        store.load_fixtures(&bookings, &events, now).await.unwrap();
        // Some events are all-day ones.
        for event in calendar_event_syncs::Entity::find()
            .filter(calendar_event_syncs::Column::UserId.is_in(members.clone()))
            .all(&store.db)
            .await
            .unwrap()
        {
            if rng.gen_bool(0.25) {
                let mut event: calendar_event_syncs::ActiveModel = event.into();
                event.is_all_day = Set(true);
                event.update(&store.db).await.unwrap();
            }
        }

        let spec = MeetingSpec::of(&types[0]);
        let whole = load_schedule(&store.db, &department, cph().day(day), Reach::Weeks, None)
            .await
            .unwrap();
        let day_start = cph().start_of_day(day);
        for &member in &members {
            for quarter in 0..100 {
                let start = day_start + chrono::Duration::minutes(15 * quarter);
                let around = Interval::starting_at(start, Minutes::ONE);
                let (_, settings) = store
                    .booking_schedule(&department, spec.duration, around)
                    .await
                    .unwrap();
                let narrow = load_members_schedule(
                    &store.db,
                    &department,
                    &[member],
                    &settings,
                    spec.duration,
                    around,
                )
                .await
                .unwrap();
                let expected = whole.conflicts(whole.member(member).unwrap(), &spec, start, now);
                let found = narrow.conflicts(narrow.member(member).unwrap(), &spec, start, now);
                assert_eq!(
                    kinds(found),
                    kinds(expected),
                    "seed {seed}, member {member}, start {start}"
                );
            }
        }
    }
}
