//! The staff scheduling views: the times several people are all free (to place an internal
//! meeting), and the resource calendar's feed with one column per member.

use std::collections::BTreeSet;

use actix_web::{get, web};
use chrono::{Duration, Utc};
use mm_api_types::{
    BusySource,
    calendar::{
        CalendarBusy, CalendarEvent, CalendarFeed, CalendarQuery, CalendarResource,
        CommonAvailability, CommonAvailabilityQuery, CommonSlot, TimeSpan,
    },
    error::ErrorBody,
};
use mm_domain::{
    FieldErrors, Interval, Minutes, Principal, TimeZone, external_calendar::IntegrationKind,
    scheduling::MeetingSpec,
};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{
    active_people, internal_meeting_type,
    wire::{self, ToWire as _},
};
use crate::{
    AppState,
    auth::Staff,
    error::{ApiError, ApiResult},
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(common_availability).service(calendar);
}

/// Candidate starts of common availability lie on this grid of the clock.
const COMMON_STEP_MINUTES: i64 = 15;
/// At most this many people in one common-availability question.
const MAX_PEOPLE: usize = 50;
/// The longest calendar window: a month view with the weeks around it.
const MAX_CALENDAR_DAYS: i64 = 62;

fn span(interval: Interval) -> TimeSpan {
    TimeSpan {
        start_utc: wire::utc(interval.start()),
        end_utc: wire::utc(interval.end()),
    }
}

#[utoipa::path(
    tag = "scheduling",
    params(CommonAvailabilityQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Starts every 15 minutes at which everyone is free, as staff may book them (no minimum notice, never in the past)", body = CommonAvailability),
        (status = 400, body = ErrorBody),
        (status = 403, description = "System Managers and Department Leaders; a member only about themself", body = ErrorBody)
    )
)]
#[get("/scheduling/common-availability")]
async fn common_availability(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    query: web::Query<CommonAvailabilityQuery>,
) -> ApiResult<web::Json<CommonAvailability>> {
    let mut errors = FieldErrors::new();
    let mut people: Vec<Uuid> = Vec::new();
    for raw in query
        .user_ids
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match Uuid::parse_str(raw) {
            Ok(id) if !people.contains(&id) => people.push(id),
            Ok(_) => {}
            Err(_) => errors.add("user_ids", "must be user ids separated by commas"),
        }
    }
    // Members plan their own customer meetings: they may ask about themselves alone.
    if errors.is_empty() && !principal.can_ask_availability_of(&people) {
        return Err(ApiError::Forbidden(
            "only System Managers and Department Leaders ask when others are free",
        ));
    }
    if people.is_empty() {
        errors.add("user_ids", "name at least one user");
    } else if people.len() > MAX_PEOPLE {
        errors.add("user_ids", format!("name at most {MAX_PEOPLE} users"));
    }
    let date = wire::parse_date(&query.date);
    if date.is_none() {
        errors.add("date", "must be a date YYYY-MM-DD");
    }
    // A blank optional value is absent, as everywhere in queries.
    let visitor = query
        .timezone
        .as_deref()
        .filter(|name| !name.trim().is_empty())
        .and_then(|name| errors.check("timezone", TimeZone::parse(name)));
    let meeting_type = match query
        .meeting_type_id
        .as_deref()
        .filter(|r| !r.trim().is_empty())
    {
        Some(raw) => internal_meeting_type(&state, &principal, raw, &mut errors).await?,
        None => None,
    };
    let duration = match (query.duration, &meeting_type) {
        (Some(minutes), _) => errors.check("duration", Minutes::duration(i64::from(minutes))),
        (None, Some(t)) => Some(t.duration),
        (None, None) => {
            errors.add(
                "duration",
                "give the meeting's length in minutes, or a meeting type",
            );
            None
        }
    };
    let (Some(date), Some(duration), true) = (date, duration, errors.is_empty()) else {
        return Err(errors.into());
    };

    let found = active_people(&state, &people, |_| "user_ids", &mut errors).await?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let departments = state.store.list_departments().await?;
    let rules_zone = match &meeting_type {
        Some(t) => departments
            .iter()
            .find(|d| d.id == t.department_id)
            .map(|d| d.timezone)
            .unwrap_or_default(),
        // Without a meeting type: the zone of a department they all work in, else the first
        // person's own.
        None => departments
            .iter()
            .find(|d| {
                d.is_active
                    && people
                        .iter()
                        .all(|p| d.members.iter().any(|m| m.user_id == *p && m.is_active))
            })
            .map(|d| d.timezone)
            .or_else(|| found.iter().find(|u| u.id == people[0]).map(|u| u.timezone))
            .unwrap_or_default(),
    };
    let spec = match &meeting_type {
        Some(t) => MeetingSpec {
            duration,
            ..MeetingSpec::of(t)
        },
        None => MeetingSpec {
            duration,
            interval: duration,
            buffer_before: None,
            buffer_after: None,
        },
    };
    let zone = visitor.unwrap_or(rules_zone);
    let step = Minutes::parse_in(COMMON_STEP_MINUTES, 1..=60)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))?;
    let starts = state
        .store
        .common_availability(rules_zone, &people, &spec, zone.day(date), step, Utc::now())
        .await?;
    Ok(web::Json(CommonAvailability {
        date,
        timezone: zone.name().to_owned(),
        rules_timezone: rules_zone.name().to_owned(),
        duration: duration.get(),
        slots: starts
            .into_iter()
            .map(|s| CommonSlot {
                start_utc: wire::utc(s.start()),
                end_utc: wire::utc(s.end()),
                start_local: wire::local(zone, s.start()),
                end_local: wire::local(zone, s.end()),
            })
            .collect(),
    }))
}

#[utoipa::path(
    tag = "scheduling",
    params(CalendarQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The columns the caller may see with their working periods, the bookings they may open, and everything else that keeps those people busy", body = CalendarFeed),
        (status = 400, body = ErrorBody),
        (status = 404, description = "An unknown department, or a member the caller may not see", body = ErrorBody)
    )
)]
#[get("/calendar")]
async fn calendar(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    query: web::Query<CalendarQuery>,
) -> ApiResult<web::Json<CalendarFeed>> {
    let mut errors = FieldErrors::new();
    let from = errors.check("from", wire::parse_instant(&query.from));
    let to = errors.check("to", wire::parse_instant(&query.to));
    let optional_id = |raw: Option<&str>, field: &str, errors: &mut FieldErrors| {
        raw.map(str::trim)
            .filter(|r| !r.is_empty())
            .and_then(|r| errors.check(field, Uuid::parse_str(r).map_err(|_| "must be an id")))
    };
    let department = optional_id(query.department_id.as_deref(), "department_id", &mut errors);
    let member = optional_id(query.member_id.as_deref(), "member_id", &mut errors);
    let window = match (from, to) {
        (Some(from), Some(to)) => match Interval::new(from, to) {
            Ok(w) if w.length() <= Duration::days(MAX_CALENDAR_DAYS) => Some(w),
            Ok(_) => {
                errors.add(
                    "to",
                    format!("the window is at most {MAX_CALENDAR_DAYS} days"),
                );
                None
            }
            Err(_) => {
                errors.add("to", "must be after from");
                None
            }
        },
        _ => None,
    };
    let (Some(window), true) = (window, errors.is_empty()) else {
        return Err(errors.into());
    };

    let departments = state.store.list_departments().await?;
    if department.is_some_and(|id| !departments.iter().any(|d| d.id == id)) {
        return Err(ApiError::NotFound("department"));
    }
    let columns = principal.calendar_columns(&departments, department, member);
    if member.is_some() && columns.is_empty() {
        return Err(ApiError::NotFound("member"));
    }
    let data = state.store.calendar(&columns, window).await?;
    let shown: BTreeSet<Uuid> = columns.iter().map(|c| c.user_id).collect();
    Ok(web::Json(feed(&principal, &shown, data)))
}

/// The wire feed: bookings the principal may open are events; any other booking of a shown
/// person is only busy time in their column.
fn feed(
    principal: &Principal,
    shown: &BTreeSet<Uuid>,
    data: mm_store::CalendarData,
) -> CalendarFeed {
    let resources = data
        .columns
        .iter()
        .map(|c| CalendarResource {
            user_id: c.user.id,
            full_name: c.user.full_name.clone(),
            department_ids: c.department_ids.clone(),
            timezone: c.zone.name().to_owned(),
            working: c.working.iter().copied().map(span).collect(),
        })
        .collect();
    let mut events = Vec::new();
    let mut busy: Vec<CalendarBusy> = Vec::new();
    for b in data.bookings {
        if principal.can_read_booking(b.department_id, b.assigned_to, &b.participants) {
            events.push(CalendarEvent {
                booking_id: b.id,
                booking_reference: b.reference,
                booking_type: b.booking_type.to_wire(),
                department_id: b.department_id,
                assigned_to: b.assigned_to,
                participants: b.participants.clone(),
                start_utc: wire::utc(b.span.start()),
                end_utc: wire::utc(b.span.end()),
                status: b.status.to_wire(),
                title: b.title,
                color: b.color,
            });
        } else if b.status.holds_time() {
            let people = std::iter::once(b.assigned_to).chain(b.participants.iter().copied());
            for person in people.filter(|p| shown.contains(p)) {
                busy.push(CalendarBusy {
                    user_id: person,
                    start_utc: wire::utc(b.span.start()),
                    end_utc: wire::utc(b.span.end()),
                    source: BusySource::Booking,
                });
            }
        }
    }
    busy.extend(data.busy.into_iter().map(|e| CalendarBusy {
        user_id: e.user_id,
        start_utc: wire::utc(e.span.start()),
        end_utc: wire::utc(e.span.end()),
        source: match e.source {
            IntegrationKind::Google => BusySource::Google,
            IntegrationKind::Outlook => BusySource::Outlook,
            IntegrationKind::Ical => BusySource::Ical,
        },
    }));
    CalendarFeed {
        resources,
        events,
        busy,
    }
}
